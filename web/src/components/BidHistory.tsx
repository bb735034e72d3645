import type { BidHistoryItem } from "../api/types";
import { formatMoney } from "../format/money";
import { formatClock } from "../format/time";

/** Accepted bids, newest first; bidders appear under per-auction pseudonyms. */
export function BidHistory({ bids, currency, mine }: { bids: BidHistoryItem[]; currency: string; mine?: (bidId: string) => boolean }) {
  if (bids.length === 0) return <p className="muted empty">No bids yet. Be the first!</p>;
  return (
    <ol className="bid-history" aria-label="Bid history">
      {bids.map((b, i) => (
        <li key={b.seq} className={i === 0 ? "top" : ""} data-seq={b.seq}>
          <span className="bidder">
            {b.bidder || "New bid"}
            {mine?.(b.bidId) && <span className="you">you</span>}
          </span>
          <span className="amount">{formatMoney(b.amount, currency)}</span>
          <time dateTime={b.placedAt}>{formatClock(b.placedAt)}</time>
        </li>
      ))}
    </ol>
  );
}
