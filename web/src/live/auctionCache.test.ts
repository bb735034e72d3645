import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { queryKeys } from "../api/queryKeys";
import type { Auction, AuctionPage, SearchResult } from "../api/types";
import { applyHint, applyLiveUpdate, applyUpdate, findCachedAuction, mergeLive, newest, newestHits } from "./auctionCache";

function auction(fields: Partial<Auction> = {}): Auction {
  return {
    id: "a1",
    sellerId: "seller",
    title: "Leica M6",
    description: "Rangefinder",
    category: "electronics",
    currency: "KRW",
    startingPrice: 150_000,
    reserveMet: false,
    buyNowPrice: null,
    status: "open",
    startsAt: "2026-11-21T09:00:00Z",
    endsAt: "2026-11-21T10:00:00Z",
    currentPrice: 150_000,
    bidCount: 0,
    leadingBidderId: null,
    seq: 3,
    winnerId: null,
    finalPrice: null,
    ...fields,
  };
}

const price = { seq: 4, status: "open", currentPrice: 152_500, bidCount: 1, leadingBidderId: "bob", reserveMet: true } as const;

describe("one auction and its events", () => {
  it("takes the live fields of a newer event and its seq, keeping the catalog's", () => {
    const next = applyUpdate(auction(), { ...price, bidId: "b1", amount: 152_500 });
    expect(next).toMatchObject({ seq: 4, currentPrice: 152_500, bidCount: 1, leadingBidderId: "bob", reserveMet: true });
    expect(next.title).toBe("Leica M6");
    expect(next).not.toHaveProperty("bidId");
    expect(next).not.toHaveProperty("amount");
  });

  it("ignores an event it already has or an older one", () => {
    const current = auction({ seq: 4 });
    expect(applyUpdate(current, price)).toBe(current);
    expect(applyUpdate(current, { ...price, seq: 2 })).toBe(current);
  });

  it("lets a snapshot replace the live state whatever its seq", () => {
    const current = auction({ seq: 9, currentPrice: 999_000 });
    const next = applyUpdate(current, { ...price, seq: 5 }, true);
    expect(next).toMatchObject({ seq: 5, currentPrice: 152_500 });
  });

  it("keeps fields an event does not carry", () => {
    const next = mergeLive(auction({ buyNowPrice: 900_000 }), { seq: 4, endsAt: "2026-11-21T10:00:10Z" });
    expect(next).toMatchObject({ buyNowPrice: 900_000, endsAt: "2026-11-21T10:00:10Z", currentPrice: 150_000 });
  });

  it("never lets a fetched copy move the live state back", () => {
    const live = auction({ seq: 7, currentPrice: 160_000, bidCount: 4 });
    const fetched = auction({ seq: 5, currentPrice: 155_000, bidCount: 2, description: "Edited" });
    expect(newest(live, fetched)).toMatchObject({ seq: 7, currentPrice: 160_000, bidCount: 4, description: "Edited" });
    const fresher = auction({ seq: 8, currentPrice: 162_500 });
    expect(newest(live, fresher)).toBe(fresher);
    expect(newest(undefined, fetched)).toBe(fetched);
  });

  it("applies a private notice's part of the state only when it is newer, keeping the seq", () => {
    const current = auction({ seq: 4 });
    expect(applyHint(current, 4, { currentPrice: 1 })).toBe(current);
    expect(applyHint(current, 5, { currentPrice: 150_000 })).toBe(current);
    expect(applyHint(current, 5, { currentPrice: 155_000 })).toMatchObject({ seq: 4, currentPrice: 155_000 });
  });
});

describe("every cached copy of an auction", () => {
  function cacheWithCopies() {
    const client = new QueryClient();
    const other = auction({ id: "a2", title: "Other" });
    client.setQueryData(queryKeys.auction("a1"), auction());
    const result: SearchResult = { total: 2, hits: [auction(), other], facets: { category: {}, status: {} } };
    client.setQueryData(queryKeys.search({ q: "leica" }), result);
    const page: AuctionPage = { items: [auction()], nextCursor: null };
    client.setQueryData(queryKeys.auctionList({ status: "open" }), page);
    client.setQueryData(queryKeys.watchlist("u1"), [other, auction()]);
    return { client, other, result, page };
  }

  it("follows a live event: the page, the search hits, the listings and the watchlist", () => {
    const { client, other } = cacheWithCopies();
    applyLiveUpdate(client, "a1", price);
    expect(client.getQueryData<Auction>(queryKeys.auction("a1"))?.currentPrice).toBe(152_500);
    const hits = client.getQueryData<SearchResult>(queryKeys.search({ q: "leica" }))!.hits;
    expect(hits[0]?.currentPrice).toBe(152_500);
    expect(hits[1]).toBe(other);
    expect(client.getQueryData<AuctionPage>(queryKeys.auctionList({ status: "open" }))?.items[0]?.bidCount).toBe(1);
    expect(client.getQueryData<Auction[]>(queryKeys.watchlist("u1"))?.[1]?.leadingBidderId).toBe("bob");
  });

  it("leaves lists that do not show the auction as they were", () => {
    const { client, result, page } = cacheWithCopies();
    applyLiveUpdate(client, "a2", { ...price, seq: 1 });
    applyLiveUpdate(client, "a3", price);
    expect(client.getQueryData(queryKeys.search({ q: "leica" }))).toBe(result);
    expect(client.getQueryData(queryKeys.auctionList({ status: "open" }))).toBe(page);
  });

  it("does not touch the bid history or the analysis kept under the auction's key", () => {
    const { client } = cacheWithCopies();
    const history = { items: [], throughSeq: 0 };
    client.setQueryData(queryKeys.bidHistory("a1"), history);
    applyLiveUpdate(client, "a1", price);
    expect(client.getQueryData(queryKeys.bidHistory("a1"))).toBe(history);
  });

  it("finds an auction in any list, and refreshes fetched hits from the live copy", () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.watchlist("u1"), [auction({ id: "w" })]);
    expect(findCachedAuction(client, "w")?.id).toBe("w");
    expect(findCachedAuction(client, "none")).toBeUndefined();
    client.setQueryData(queryKeys.auction("a1"), auction({ seq: 9, currentPrice: 170_000 }));
    const [hit] = newestHits(client, [auction({ seq: 4 })]);
    expect(hit).toMatchObject({ seq: 9, currentPrice: 170_000 });
  });
});
