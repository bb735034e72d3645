// Rejection reason codes of bids and buy-now, in words.

const REASONS: Record<string, string> = {
  auction_not_open: "the auction has not opened yet",
  auction_closed: "the auction has already ended",
  below_minimum: "the amount is below the next minimum bid",
  seller_cannot_bid: "sellers cannot bid on their own auction",
  buy_now_unavailable: "buy now is no longer available",
  unknown_auction: "this auction does not exist",
};

export function reasonInWords(code: string | undefined | null): string {
  if (!code) return "it was not accepted";
  return REASONS[code] ?? code.replace(/_/g, " ");
}
