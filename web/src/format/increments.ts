// The next minimum bid. The platform states it as `minimumBid`; while an answer lacks it,
// it is worked out the way the bidding service does with its default increment table
// (the eBay ladder, in minor units). A platform configured with other increments
// (BID_INCREMENTS) always sends `minimumBid`, which then wins.

import type { Auction } from "../api/types";

const DEFAULT_BANDS: ReadonlyArray<readonly [from: number, increment: number]> = [
  [0, 5],
  [100, 25],
  [500, 50],
  [2_500, 100],
  [10_000, 250],
  [25_000, 500],
  [50_000, 1_000],
  [100_000, 2_500],
  [250_000, 5_000],
  [500_000, 10_000],
];

export function incrementAt(price: number): number {
  let increment = DEFAULT_BANDS[0]![1];
  for (const [from, step] of DEFAULT_BANDS) {
    if (from <= price) increment = step;
  }
  return increment;
}

type Pricing = Pick<Auction, "startingPrice" | "currentPrice" | "leadingBidderId" | "bidCount"> & {
  minimumBid?: number | null;
};

export function minimumBid(auction: Pricing): number {
  if (typeof auction.minimumBid === "number") return auction.minimumBid;
  const noBids = !auction.leadingBidderId && auction.bidCount === 0;
  return noBids ? auction.startingPrice : auction.currentPrice + incrementAt(auction.currentPrice);
}
