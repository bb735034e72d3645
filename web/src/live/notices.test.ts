import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { queryKeys } from "../api/queryKeys";
import type { Auction, Bid } from "../api/types";
import { rememberBid, trackedBids, type MyBids } from "./myBids";
import { applyNotice, type Notice } from "./notices";

/** A window with storage only: what the bid tracking needs. */
function stubWindow() {
  const store = new Map<string, string>();
  vi.stubGlobal("window", {
    localStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    },
  });
}

const listing: Auction = {
  id: "a1",
  sellerId: "seller",
  title: "Hanji lamp",
  description: "",
  category: "home",
  currency: "KRW",
  startingPrice: 30_000,
  reserveMet: true,
  buyNowPrice: 90_000,
  status: "open",
  startsAt: null,
  endsAt: "2026-11-21T10:00:00Z",
  currentPrice: 30_000,
  bidCount: 1,
  leadingBidderId: "me",
  seq: 10,
  winnerId: null,
  finalPrice: null,
};

const placed: Bid = {
  bidId: "b1",
  auctionId: "a1",
  kind: "bid",
  amount: 32_500,
  maxAmount: null,
  status: "pending",
  placedAt: "2026-11-21T09:29:59Z",
};
const notice = (fields: Partial<Notice>): Notice => ({ auctionId: "a1", seq: 11, at: "2026-11-21T09:30:00Z", ...fields });

let client: QueryClient;
beforeEach(() => {
  stubWindow();
  client = new QueryClient();
});
afterEach(() => vi.unstubAllGlobals());

describe("a private notice in the cache", () => {
  it("settles the bid in my bids, its own entry and the browser's list", () => {
    client.setQueryData<MyBids>(queryKeys.myBids("me"), { bids: [], source: "platform" });
    rememberBid(client, "me", placed);
    applyNotice(client, "bid.rejected", notice({ bidId: "b1", reason: "below_minimum" }), "me");
    expect(client.getQueryData<MyBids>(queryKeys.myBids("me"))?.bids[0]).toMatchObject({ status: "rejected", reason: "below_minimum" });
    expect(client.getQueryData<Bid>(queryKeys.bid("b1"))?.status).toBe("rejected");
    expect(trackedBids("me")[0]).toMatchObject({ bidId: "b1", status: "rejected" });
  });

  it("keeps an outcome that came before the answer to placing the bid", () => {
    applyNotice(client, "bid.accepted", notice({ bidId: "b1", amount: 32_500, currentPrice: 32_500, leading: true }), "me");
    rememberBid(client, "me", placed);
    expect(client.getQueryData<Bid>(queryKeys.bid("b1"))).toMatchObject({ status: "accepted", amount: 32_500, kind: "bid" });
    expect(trackedBids("me")[0]?.status).toBe("accepted");
  });

  it("asks for my bids again when the bid is not in the list (placed elsewhere)", async () => {
    client.setQueryData<MyBids>(queryKeys.myBids("me"), { bids: [], source: "platform" });
    applyNotice(client, "bid.accepted", notice({ bidId: "elsewhere", currentPrice: 32_500 }), "me");
    await Promise.resolve();
    expect(client.getQueryState(queryKeys.myBids("me"))?.isInvalidated).toBe(true);
  });

  it("moves the price and the lead on an acceptance newer than the cached state", () => {
    client.setQueryData(queryKeys.auction("a1"), { ...listing, leadingBidderId: "rival" });
    applyNotice(client, "bid.accepted", notice({ bidId: "b1", currentPrice: 32_500, leading: true }), "me");
    expect(client.getQueryData<Auction>(queryKeys.auction("a1"))).toMatchObject({ currentPrice: 32_500, leadingBidderId: "me", seq: 10 });
  });

  it("tells the cards that I no longer lead when I am outbid", () => {
    client.setQueryData(queryKeys.auction("a1"), listing);
    applyNotice(client, "outbid", notice({ currentPrice: 35_000 }), "me");
    expect(client.getQueryData<Auction>(queryKeys.auction("a1"))).toMatchObject({ currentPrice: 35_000, leadingBidderId: null });
  });

  it("closes the auction for the winner and for the others", () => {
    client.setQueryData(queryKeys.auction("a1"), listing);
    client.setQueryData(queryKeys.auction("a2"), { ...listing, id: "a2" });
    applyNotice(client, "won", notice({ finalPrice: 32_500 }), "me");
    applyNotice(client, "auction.closed", notice({ auctionId: "a2", winnerId: "rival", finalPrice: 40_000 }), "me");
    expect(client.getQueryData<Auction>(queryKeys.auction("a1"))).toMatchObject({ status: "closed", winnerId: "me", finalPrice: 32_500 });
    expect(client.getQueryData<Auction>(queryKeys.auction("a2"))).toMatchObject({ status: "closed", winnerId: "rival", finalPrice: 40_000 });
  });

  it("changes nothing the public stream already brought", () => {
    const current = { ...listing, seq: 12 };
    client.setQueryData(queryKeys.auction("a1"), current);
    applyNotice(client, "outbid", notice({ seq: 12, currentPrice: 35_000 }), "me");
    expect(client.getQueryData(queryKeys.auction("a1"))).toBe(current);
  });
});
