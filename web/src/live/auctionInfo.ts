// Titles and currencies of auctions the private notices talk about. Notices carry ids and
// amounts only; the words and money format come from the auction: the cached one where
// any screen has it, else fetched once through the cache.

import type { QueryClient } from "@tanstack/react-query";
import { auctionQuery } from "../api/queries";
import type { Auction } from "../api/types";
import { findCachedAuction } from "./auctionCache";

export interface AuctionInfo {
  title: string;
  currency: string;
}

function infoOf(auction: Pick<Auction, "title" | "currency"> | undefined): AuctionInfo | null {
  return auction?.title && auction.currency ? { title: auction.title, currency: auction.currency } : null;
}

/** The auction's title and currency, or null when it cannot be had within `waitMs`. */
export async function auctionInfo(client: QueryClient, id: string, waitMs = 1500): Promise<AuctionInfo | null> {
  const cached = infoOf(findCachedAuction(client, id));
  if (cached) return cached;
  const loading = client
    .fetchQuery({ ...auctionQuery(id), staleTime: Infinity })
    .then(infoOf)
    .catch(() => null);
  let timer: number | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = window.setTimeout(() => resolve(null), waitMs);
  });
  try {
    return await Promise.race([loading, timeout]);
  } finally {
    window.clearTimeout(timer);
  }
}
