import { useState, type MouseEvent } from "react";
import { describeError } from "../api/client";
import type { Auction } from "../api/types";
import { navigate } from "../router";
import { useSession } from "../session";
import { useWatchlist } from "../watchlist";
import { useToasts } from "./Toasts";

/** A star that watches or unwatches the auction (signing in first when needed). */
export function WatchButton({ auction, compact = false }: { auction: Auction; compact?: boolean }) {
  const { user } = useSession();
  const { isWatched, toggle } = useWatchlist();
  const toasts = useToasts();
  const [busy, setBusy] = useState(false);
  const watched = isWatched(auction.id);

  const onClick = async (e: MouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    if (!user) {
      navigate(`/login?next=${encodeURIComponent(window.location.pathname)}`);
      return;
    }
    setBusy(true);
    try {
      await toggle(auction);
    } catch (error) {
      toasts.show({ kind: "error", title: "Watchlist not updated", body: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  const label = watched ? "Watching" : "Watch";
  return (
    <button
      type="button"
      className={`watch-button ${watched ? "watched" : ""} ${compact ? "compact" : ""}`}
      aria-pressed={watched}
      aria-label={compact ? `${label}: ${auction.title}` : undefined}
      onClick={(e) => void onClick(e)}
      disabled={busy}
    >
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
        <path
          d="M12 17.3 18.2 21l-1.6-7 5.4-4.7-7.1-.6L12 2 9.1 8.7 2 9.3l5.4 4.7L5.8 21z"
          fill={watched ? "currentColor" : "none"}
          stroke="currentColor"
          strokeWidth="1.8"
          strokeLinejoin="round"
        />
      </svg>
      {!compact && <span>{label}</span>}
    </button>
  );
}
