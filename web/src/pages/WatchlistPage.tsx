import { useEffect } from "react";
import { AuctionCard } from "../components/AuctionCard";
import { Link } from "../router";
import { useSession } from "../session";
import { useWatchlist } from "../watchlist";

const REFRESH_MS = 5000;

export function WatchlistPage() {
  const { user } = useSession();
  // Prices and ends on the cards: the live streams update them, and the list is asked
  // again every few seconds for the auctions no open page follows.
  const { items, loaded } = useWatchlist(REFRESH_MS);

  useEffect(() => {
    document.title = "Watchlist — Gavel";
  }, []);

  if (!user)
    return (
      <div className="card empty-state">
        <h1>Watchlist</h1>
        <p className="muted">Sign in to keep an eye on auctions.</p>
        <Link className="button primary" to="/login?next=/watchlist">
          Sign in
        </Link>
      </div>
    );
  return (
    <div>
      <h1>Watchlist</h1>
      {!loaded ? (
        <p className="loading">Loading…</p>
      ) : items.length === 0 ? (
        <div className="card empty-state">
          <h2>Nothing watched yet</h2>
          <p className="muted">Tap the star on any auction to follow it here.</p>
          <Link className="button primary" to="/">
            Browse auctions
          </Link>
        </div>
      ) : (
        <div className="grid">
          {items.map((a) => (
            <AuctionCard key={a.id} auction={a} />
          ))}
        </div>
      )}
    </div>
  );
}
