import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { AuctionArt } from "../components/AuctionArt";
import { categoryName, LiveIndicator, StatusBadge } from "../components/Badges";
import { BidForm } from "../components/BidForm";
import { BidHistory } from "../components/BidHistory";
import { Countdown } from "../components/Countdown";
import { Results } from "../components/Results";
import { WatchButton } from "../components/WatchButton";
import { minimumBid } from "../format/increments";
import { formatMoney } from "../format/money";
import { formatDateTime, formatShortDateTime } from "../format/time";
import { myBidsQuery, trackedBids } from "../live/myBids";
import { useAuctionLive } from "../live/useAuctionLive";
import { usePseudonym } from "../live/usePseudonym";
import { Link } from "../router";
import { useSession } from "../session";
import { NotFoundPage } from "./NotFoundPage";

export function AuctionPage({ id }: { id: string }) {
  const { user } = useSession();
  const { auction, error, notFound, status, bids, extensions, reload } = useAuctionLive(id);
  const sellerName = usePseudonym(id, auction?.sellerId)?.replace("Bidder", "Seller") ?? null;
  const { data: myBids } = useQuery({ ...myBidsQuery(user?.id ?? ""), enabled: !!user });
  const title = auction?.title;

  useEffect(() => {
    if (title) document.title = `${title} — Gavel`;
  }, [title]);

  if (notFound) return <NotFoundPage what="auction" />;
  if (error)
    return (
      <div className="card center">
        <p className="form-error">{error}</p>
        <button className="button" onClick={reload}>
          Try again
        </button>
      </div>
    );
  if (!auction) return <div className="loading" aria-busy="true">Loading the auction…</div>;

  const currency = auction.currency;
  const isSeller = !!user && user.id === auction.sellerId;
  const leading = !!user && auction.leadingBidderId === user.id;
  const myBidIds = new Set([...(user ? trackedBids(user.id) : []), ...(myBids?.bids ?? [])].map((b) => b.bidId));
  const priceLabel = auction.status === "closed" ? "Final price" : auction.bidCount ? "Current price" : "Starting price";
  const price = auction.status === "closed" && auction.finalPrice != null ? auction.finalPrice : auction.currentPrice;

  return (
    <div className="auction-page">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Auctions</Link> <span aria-hidden="true">/</span>{" "}
        <Link to={`/?category=${auction.category}`}>{categoryName(auction.category)}</Link>
      </nav>
      {auction.status === "closed" && <Results auction={auction} user={user} />}
      <div className="auction-layout">
        <div className="auction-main">
          <AuctionArt title={auction.title} category={auction.category} className="hero" />
          <div className="auction-heading">
            <div className="auction-card-meta">
              <StatusBadge status={auction.status} />
              <LiveIndicator status={status} />
            </div>
            <h1>{auction.title}</h1>
            <p className="muted">
              Sold by <span data-testid="seller">{isSeller ? "you" : (sellerName ?? "a seller")}</span> ·{" "}
              {categoryName(auction.category)}
            </p>
          </div>
          <section className="card description-card" aria-labelledby="description-title">
            <h2 id="description-title">Description</h2>
            <p className="description">{auction.description || "The seller gave no description."}</p>
          </section>
        </div>

        <aside className="auction-side">
          <section className="card price-panel" aria-label="Bidding">
            <div className="price-row">
              <div>
                <span className="muted small">{priceLabel}</span>
                <div className="big-price" data-testid="current-price" aria-live="polite">
                  {formatMoney(price, currency)}
                </div>
              </div>
              <WatchButton auction={auction} />
            </div>
            <dl className="facts">
              <div>
                <dt>Bids</dt>
                <dd data-testid="bid-count">{auction.bidCount}</dd>
              </div>
              <div>
                <dt>Reserve</dt>
                <dd className={auction.reserveMet ? "ok" : "warn"} data-testid="reserve">
                  {auction.reserveMet ? "Met" : "Not met"}
                  {isSeller && auction.reservePrice ? ` (${formatMoney(auction.reservePrice, currency)})` : ""}
                </dd>
              </div>
              <div>
                <dt>{auction.status === "scheduled" ? "Starts" : "Ends"}</dt>
                <dd title={formatDateTime(auction.status === "scheduled" ? auction.startsAt : auction.endsAt)}>
                  {formatShortDateTime(auction.status === "scheduled" ? auction.startsAt : auction.endsAt)}
                </dd>
              </div>
            </dl>
            <div className="countdown-row">
              <Countdown auction={auction} size="long" />
              {extensions > 0 && auction.status === "open" && (
                <span className="extended-note" role="status">
                  Extended {extensions === 1 ? "" : `${extensions}× `}by a late bid
                </span>
              )}
            </div>
            {leading && auction.status === "open" && <p className="leading-note">You are the highest bidder.</p>}
            {auction.status === "open" || auction.status === "scheduled" ? (
              isSeller ? (
                <p className="muted">This is your listing: you can watch it, but not bid on it.</p>
              ) : user ? (
                <BidForm auction={auction} user={user} />
              ) : (
                <div className="signin-prompt">
                  <p>
                    Next minimum bid <strong>{formatMoney(minimumBid(auction), currency)}</strong>
                  </p>
                  <Link className="button primary large" to={`/login?next=/auctions/${auction.id}`}>
                    Sign in to bid
                  </Link>
                </div>
              )
            ) : null}
            {auction.status === "pending" && <p className="muted">This listing is waiting for an admin to schedule it.</p>}
          </section>
          <section className="card history-card" aria-labelledby="history-title">
            <h2 id="history-title">Bid history</h2>
            <BidHistory bids={bids} currency={currency} mine={(bidId) => myBidIds.has(bidId)} />
          </section>
        </aside>
      </div>
    </div>
  );
}
