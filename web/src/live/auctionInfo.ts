// Titles and currencies of auctions the private notices talk about. Notices carry ids and
// amounts only; the words and money format come from the auction, fetched once.

import { auctions } from "../api/endpoints";
import type { Auction } from "../api/types";

export interface AuctionInfo {
  title: string;
  currency: string;
}

const known = new Map<string, AuctionInfo>();
const loading = new Map<string, Promise<AuctionInfo | null>>();

export function rememberAuction(auction: Pick<Auction, "id" | "title" | "currency">): void {
  if (auction.title && auction.currency) known.set(auction.id, { title: auction.title, currency: auction.currency });
}

/** The auction's title and currency, or null when it cannot be had within `waitMs`. */
export async function auctionInfo(id: string, waitMs = 1500): Promise<AuctionInfo | null> {
  const cached = known.get(id);
  if (cached) return cached;
  let pending = loading.get(id);
  if (!pending) {
    pending = auctions
      .get(id)
      .then((a) => {
        rememberAuction(a);
        return known.get(id) ?? null;
      })
      .catch(() => null)
      .finally(() => loading.delete(id));
    loading.set(id, pending);
  }
  const timeout = new Promise<null>((resolve) => window.setTimeout(() => resolve(null), waitMs));
  return Promise.race([pending, timeout]);
}
