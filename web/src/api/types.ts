// Shapes of the public API (/work contract: camelCase JSON, money in minor units, RFC 3339
// times). Fields the platform may add later are optional here.

export type AuctionStatus = "pending" | "scheduled" | "open" | "closed" | "cancelled";

export const CATEGORIES = [
  "electronics",
  "fashion",
  "home",
  "collectibles",
  "art",
  "sports",
  "vehicles",
  "books",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface User {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
}

export interface Session {
  user: User;
  accessToken: string;
  expiresIn: number;
}

export interface Auction {
  id: string;
  sellerId: string | null;
  title: string;
  description: string;
  category: string;
  currency: string;
  startingPrice: number;
  /** Present only for the seller. */
  reservePrice?: number | null;
  reserveMet: boolean;
  buyNowPrice: number | null;
  status: AuctionStatus;
  startsAt: string | null;
  endsAt: string | null;
  currentPrice: number;
  bidCount: number;
  leadingBidderId: string | null;
  seq: number;
  winnerId: string | null;
  finalPrice: number | null;
  /** The lowest amount a new bid must have now, when the platform says so. */
  minimumBid?: number | null;
}

export interface AuctionPage {
  items: Auction[];
  nextCursor: string | null;
}

export interface AuctionListQuery {
  status?: AuctionStatus;
  category?: string;
  sellerId?: string;
  limit?: number;
  cursor?: string;
}

export interface NewListing {
  title: string;
  description: string;
  category: string;
  startingPrice: number;
  reservePrice?: number;
  buyNowPrice?: number;
  currency?: string;
}

export type BidStatus = "pending" | "accepted" | "rejected";

export interface BidReceipt {
  bidId: string;
  status: BidStatus;
}

export interface Bid {
  bidId: string;
  auctionId: string;
  kind?: "bid" | "buy_now";
  amount: number | null;
  maxAmount: number | null;
  status: BidStatus;
  reason?: string;
  seq?: number;
  placedAt?: string;
}

export interface BidPage {
  items: Bid[];
  nextCursor: string | null;
}

export interface BidHistoryItem {
  seq: number;
  bidId: string;
  amount: number;
  bidder: string;
  placedAt: string;
}

export type SearchSort = "relevance" | "ending_soon" | "price_asc" | "price_desc" | "newest";

export interface SearchQuery {
  q?: string;
  category?: string;
  status?: string;
  sort?: SearchSort;
  page?: number;
  size?: number;
}

export interface SearchResult {
  total: number;
  hits: Auction[];
  facets: { category: Record<string, number>; status: Record<string, number> };
}

export interface Analysis {
  auctionId: string;
  status: AuctionStatus;
  bidCount: number;
  uniqueBidders: number;
  startingPrice: number;
  finalPrice: number | null;
  pricePoints: { at: string; price: number; seq: number }[];
  bidsPerMinute: { minute: string; count: number }[];
}
