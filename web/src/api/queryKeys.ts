// Query keys: one per thing the API serves. Everything about one auction starts with
// ["auction", id]; the lists that show auctions (search, listings, watchlist) have their
// own prefixes, so a live update can find every copy of an auction.

import type { AuctionListQuery, SearchQuery } from "./types";

export const queryKeys = {
  me: ["me"] as const,
  auction: (id: string) => ["auction", id] as const,
  bidHistory: (id: string) => ["auction", id, "bids"] as const,
  analysis: (id: string) => ["auction", id, "analysis"] as const,
  auctionLists: ["auctions"] as const,
  auctionList: (query: AuctionListQuery) => ["auctions", query] as const,
  searches: ["search"] as const,
  search: (query: SearchQuery) => ["search", query] as const,
  watchlists: ["watchlist"] as const,
  watchlist: (userId: string) => ["watchlist", userId] as const,
  myBidsOfAnyone: ["my-bids"] as const,
  myBids: (userId: string) => ["my-bids", userId] as const,
  bid: (bidId: string) => ["bid", bidId] as const,
};
