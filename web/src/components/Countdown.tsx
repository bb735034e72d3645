import type { Auction } from "../api/types";
import { formatDuration } from "../format/time";
import { useNow } from "../live/useNow";

interface Props {
  auction: Pick<Auction, "status" | "startsAt" | "endsAt">;
  /** "long" on the auction page, "short" on cards. */
  size?: "long" | "short";
}

/** Time left (or until the start), following `endsAt` as soft close moves it. */
export function Countdown({ auction, size = "short" }: Props) {
  const now = useNow();
  const { status, startsAt, endsAt } = auction;
  let label: string;
  let value = "";
  let urgency = "";
  if (status === "open" && endsAt) {
    const left = Date.parse(endsAt) - now;
    if (left > 0) {
      label = size === "long" ? "Ends in" : "Left";
      value = formatDuration(left);
      urgency = left < 60_000 ? "urgent" : left < 3_600_000 ? "soon" : "";
    } else {
      label = "Closing…";
    }
  } else if (status === "scheduled" && startsAt) {
    const until = Date.parse(startsAt) - now;
    label = until > 0 ? "Starts in" : "Opening…";
    value = until > 0 ? formatDuration(until) : "";
  } else if (status === "closed") {
    label = "Ended";
  } else if (status === "cancelled") {
    label = "Cancelled";
  } else {
    label = "Awaiting schedule";
  }
  return (
    <span className={`countdown countdown-${size} ${urgency}`} data-ends-at={endsAt ?? ""} role="timer" aria-label={`${label} ${value}`.trim()}>
      <span className="countdown-label">{label}</span>
      {value && <span className="countdown-value">{value}</span>}
    </span>
  );
}
