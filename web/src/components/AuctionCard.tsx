import type { Auction } from "../api/types";
import { formatMoney } from "../format/money";
import { Link } from "../router";
import { AuctionArt } from "./AuctionArt";
import { categoryName, StatusBadge } from "./Badges";
import { Countdown } from "./Countdown";
import { WatchButton } from "./WatchButton";

/** One auction in a grid: the whole card opens the auction, the star watches it. */
export function AuctionCard({ auction }: { auction: Auction }) {
  const price = auction.status === "closed" && auction.finalPrice != null ? auction.finalPrice : auction.currentPrice;
  const priceLabel = auction.status === "closed" ? (auction.finalPrice != null ? "Sold for" : "Ended at") : auction.bidCount ? "Current bid" : "Starting at";
  return (
    <article className="auction-card" data-auction-id={auction.id}>
      <AuctionArt title={auction.title} category={auction.category} />
      <div className="auction-card-body">
        <div className="auction-card-meta">
          <span className="category">{categoryName(auction.category)}</span>
          <StatusBadge status={auction.status} />
        </div>
        <h3>
          <Link to={`/auctions/${auction.id}`} className="stretched-link">
            {auction.title}
          </Link>
        </h3>
        <div className="auction-card-price">
          <span className="muted small">{priceLabel}</span>
          <strong className="price" data-testid="card-price">
            {formatMoney(price, auction.currency ?? "KRW")}
          </strong>
        </div>
        <div className="auction-card-foot">
          <span className="muted small">
            {auction.bidCount} {auction.bidCount === 1 ? "bid" : "bids"}
          </span>
          <Countdown auction={auction} />
        </div>
      </div>
      <div className="auction-card-watch">
        <WatchButton auction={auction} compact />
      </div>
    </article>
  );
}
