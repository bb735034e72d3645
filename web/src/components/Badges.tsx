import type { AuctionStatus } from "../api/types";
import type { LiveStatus } from "../live/useEventStream";

const STATUS_WORDS: Record<AuctionStatus, string> & Partial<Record<string, string>> = {
  pending: "Pending review",
  scheduled: "Scheduled",
  open: "Open",
  closed: "Ended",
  cancelled: "Cancelled",
};

/** An auction's state in words (a state this app does not know yet, as it is). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{STATUS_WORDS[status] ?? status}</span>;
}

const LIVE_WORDS: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  off: "Offline",
};

/** Whether updates are arriving: the stream is open, or the browser is reconnecting. */
export function LiveIndicator({ status }: { status: LiveStatus }) {
  return (
    <span className={`live-indicator live-${status}`} role="status" aria-live="polite" data-live={status}>
      <span className="live-dot" aria-hidden="true" />
      {LIVE_WORDS[status]}
    </span>
  );
}

export function categoryName(category: string): string {
  return category ? category[0]!.toUpperCase() + category.slice(1) : "";
}
