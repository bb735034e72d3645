import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { withAnnouncedBid } from "../live/useAuctionLive";
import { bidHistoryQuery, restartBidHistory, type BidHistory } from "./queries";
import { queryKeys } from "./queryKeys";
import type { BidHistoryItem } from "./types";

const bid = (seq: number, bidder = `Bidder ${seq}`): BidHistoryItem => ({
  seq,
  bidId: `b${seq}`,
  amount: 1000 * seq,
  bidder,
  placedAt: "2026-11-21T09:30:00Z",
});

/** The bids API over `all`, recording the `afterSeq` of every call. */
function serveBids(all: BidHistoryItem[]) {
  const asked: number[] = [];
  vi.stubGlobal("window", { dispatchEvent: () => true });
  vi.stubGlobal("fetch", (url: string) => {
    const query = new URL(url, "http://x").searchParams;
    const after = Number(query.get("afterSeq"));
    const limit = Number(query.get("limit"));
    asked.push(after);
    const items = all.filter((b) => b.seq > after).slice(0, limit);
    return Promise.resolve(new Response(JSON.stringify({ items }), { status: 200 }));
  });
  return asked;
}

let client: QueryClient;
beforeEach(() => {
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
});
afterEach(() => vi.unstubAllGlobals());

describe("the bid history", () => {
  it("asks only for what came after the last seq it holds, newest first", async () => {
    const all = [bid(1), bid(2)];
    const asked = serveBids(all);
    await client.fetchQuery(bidHistoryQuery("a1"));
    all.push(bid(3));
    const history = await client.fetchQuery({ ...bidHistoryQuery("a1"), staleTime: 0 });
    expect(asked).toEqual([0, 2]);
    expect(history.items.map((b) => b.seq)).toEqual([3, 2, 1]);
    expect(history.throughSeq).toBe(3);
  });

  it("pages through a long history", async () => {
    const asked = serveBids(Array.from({ length: 450 }, (_, i) => bid(i + 1)));
    const history = await client.fetchQuery(bidHistoryQuery("a1"));
    expect(asked).toEqual([0, 200, 400]);
    expect(history.items).toHaveLength(200);
    expect(history.items[0]?.seq).toBe(450);
  });

  it("shows an announced bid at once and names its bidder when the API does", async () => {
    const all = [bid(1)];
    serveBids(all);
    await client.fetchQuery(bidHistoryQuery("a1"));
    const key = queryKeys.bidHistory("a1");
    client.setQueryData<BidHistory>(key, (old) => withAnnouncedBid(old, { seq: 2, bidId: "b2", amount: 2000, at: "2026-11-21T09:31:00Z" }));
    expect(client.getQueryData<BidHistory>(key)?.items.map((b) => [b.seq, b.bidder])).toEqual([
      [2, ""],
      [1, "Bidder 1"],
    ]);
    all.push(bid(2, "Bidder ab12"));
    const history = await client.fetchQuery({ ...bidHistoryQuery("a1"), staleTime: 0 });
    expect(history.items.map((b) => [b.seq, b.bidder])).toEqual([
      [2, "Bidder ab12"],
      [1, "Bidder 1"],
    ]);
  });

  it("starts again from the first bid after a snapshot", async () => {
    const asked = serveBids([bid(1), bid(2)]);
    await client.fetchQuery(bidHistoryQuery("a1"));
    client.setQueryData<BidHistory>(queryKeys.bidHistory("a1"), (old) => old && { ...old, items: [bid(9), ...old.items] });
    await restartBidHistory(client, "a1");
    await client.fetchQuery({ ...bidHistoryQuery("a1"), staleTime: 0 });
    expect(asked.at(-1)).toBe(0);
    expect(client.getQueryData<BidHistory>(queryKeys.bidHistory("a1"))?.items.map((b) => b.seq)).toEqual([9, 2, 1]);
  });
});
