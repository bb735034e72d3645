// What each screen asks the API, as query options: the key, how to fetch it, and how a
// fetched answer meets what the live streams already put in the cache.

import { queryOptions, type QueryClient } from "@tanstack/react-query";
import { newest, newestHits } from "../live/auctionCache";
import { ApiError } from "./client";
import { auctions, auth, search, watchlist } from "./endpoints";
import { queryKeys } from "./queryKeys";
import type { AuctionListQuery, BidHistoryItem, SearchQuery, User } from "./types";

/** The signed-in user, or null. Asked once per page load; sign-in and sign-out set it. */
export const meQuery = queryOptions({
  queryKey: queryKeys.me,
  queryFn: async (): Promise<User | null> => {
    try {
      return await auth.me();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  staleTime: Infinity,
  retry: false,
});

export const auctionQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.auction(id),
    queryFn: async ({ client, signal }) => newest(client.getQueryData(queryKeys.auction(id)), await auctions.get(id, signal)),
  });

/**
 * An auction's accepted bids, newest first, the newest `HISTORY_SHOWN` of them.
 * `throughSeq` is the highest seq the API has served: the next fetch asks only for what
 * came after it (0 fetches the whole history again). Entries the live stream added
 * meanwhile (with an empty bidder until the API names it) are kept where the API has
 * not answered for their seq yet.
 */
export interface BidHistory {
  items: BidHistoryItem[];
  throughSeq: number;
}

const HISTORY_PAGE = 200;
export const HISTORY_SHOWN = 200;

export function withBids(items: BidHistoryItem[], added: BidHistoryItem[]): BidHistoryItem[] {
  const bySeq = new Map(items.map((b) => [b.seq, b]));
  for (const item of added) bySeq.set(item.seq, item);
  return [...bySeq.values()].sort((x, y) => y.seq - x.seq).slice(0, HISTORY_SHOWN);
}

export const bidHistoryQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.bidHistory(id),
    queryFn: async ({ client, signal }): Promise<BidHistory> => {
      const key = queryKeys.bidHistory(id);
      const start = client.getQueryData<BidHistory>(key)?.throughSeq ?? 0;
      let through = start;
      const fetched: BidHistoryItem[] = [];
      // A full page means more may follow.
      for (;;) {
        const { items } = await auctions.bids(id, through, HISTORY_PAGE, signal);
        fetched.push(...items);
        for (const b of items) through = Math.max(through, b.seq);
        if (items.length < HISTORY_PAGE) break;
      }
      // Merged into the cache as it is now, not as it was when the fetch began.
      const shown = client.getQueryData<BidHistory>(key)?.items ?? [];
      const kept = start === 0 ? shown.filter((b) => b.seq > through) : shown;
      return { items: withBids(kept, fetched), throughSeq: through };
    },
  });

/** Asks for the whole history again (after a snapshot: events may have been missed). */
export function restartBidHistory(client: QueryClient, id: string): Promise<void> {
  client.setQueryData<BidHistory>(queryKeys.bidHistory(id), (old) => old && { ...old, throughSeq: 0 });
  return client.invalidateQueries({ queryKey: queryKeys.bidHistory(id), exact: true });
}

export const analysisQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.analysis(id),
    queryFn: ({ signal }) => auctions.analysis(id, signal),
  });

export const auctionListQuery = (query: AuctionListQuery) =>
  queryOptions({
    queryKey: queryKeys.auctionList(query),
    queryFn: async ({ client, signal }) => {
      const page = await auctions.list(query, signal);
      return { ...page, items: newestHits(client, page.items) };
    },
  });

export const searchQuery = (query: SearchQuery) =>
  queryOptions({
    queryKey: queryKeys.search(query),
    queryFn: async ({ client, signal }) => {
      const result = await search(query, signal);
      return { ...result, hits: newestHits(client, result.hits) };
    },
  });

export const watchlistQuery = (userId: string) =>
  queryOptions({
    queryKey: queryKeys.watchlist(userId),
    queryFn: async ({ client, signal }) => newestHits(client, (await watchlist.list(signal)).items),
  });
