// The shapes of the public API, named for the app. They are the generated types of the
// platform's OpenAPI document (schema.d.ts, `npm run gen:api`); only what the document
// does not describe, or what the app needs narrower, is written here.

import type { components, operations, paths } from "./schema";

type Schemas = components["schemas"];

export type User = Schemas["UserView"];
export type Session = Schemas["Session"];

/** A listing as GET /api/auctions/{id}, the lists of auctions and search serve it. */
export type Auction = Schemas["AuctionView"];
export type AuctionPage = Schemas["AuctionPage"];
export type AuctionListQuery = NonNullable<paths["/api/auctions"]["get"]["parameters"]["query"]>;
export type NewListing = Schemas["CreateAuctionRequest"];
export type Category = Schemas["Category"];

/** Data of the public stream's state events (`price`, `opened`, `closed`, …). */
export type AuctionEvent = Schemas["AuctionUpdate"];
/** Data of the public stream's `snapshot`. */
export type AuctionSnapshot = Schemas["AuctionSnapshot"];

export type Bid = Schemas["BidView"];
export type BidReceipt = Schemas["BidAccepted"];
export type BidPage = Schemas["MyBidsPage"];
export type BidHistoryItem = Schemas["BidHistoryItem"];

export type SearchQuery = NonNullable<operations["search"]["parameters"]["query"]>;
export type SearchResult = Schemas["SearchPage"];
export type SearchSort = Schemas["Sort"];

export type Analysis = Schemas["AuctionAnalysis"];

/** The contract's auction states. */
export type AuctionStatus = Schemas["AuctionStatus"];

const STATUS_ORDER: Record<AuctionStatus, number> = { pending: 0, scheduled: 1, open: 2, closed: 3, cancelled: 4 };
export const AUCTION_STATUSES = inOrder(STATUS_ORDER);

/** The contract's bid states (the document types `status` as a string). */
export type BidStatus = "pending" | "accepted" | "rejected";

/** Every category, in the order the pickers show them. */
const CATEGORY_ORDER: Record<Category, number> = {
  electronics: 0,
  fashion: 1,
  home: 2,
  collectibles: 3,
  art: 4,
  sports: 5,
  vehicles: 6,
  books: 7,
  other: 8,
};
export const CATEGORIES = inOrder(CATEGORY_ORDER);

/** The keys of `order` sorted by their numbers: every member of a union, checked. */
function inOrder<K extends string>(order: Record<K, number>): K[] {
  return (Object.keys(order) as K[]).sort((a, b) => order[a] - order[b]);
}
