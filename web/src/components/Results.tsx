// What a closed auction came to: the winner and final price, and charts of the price over
// time and bids per minute from GET /api/auctions/{id}/analysis.

import { useQuery } from "@tanstack/react-query";
import { describeError } from "../api/client";
import { analysisQuery } from "../api/queries";
import type { Analysis, Auction, User } from "../api/types";
import { formatMoney } from "../format/money";
import { usePseudonym } from "../live/usePseudonym";
import { BidsPerMinuteChart, PriceChart } from "./charts";

const RETRY_MS = 1500;
const MAX_TRIES = 8;

/** The analysis is built from the event log and may trail the close by a moment. */
export function analysisBehind(analysis: Analysis | undefined, auction: Pick<Auction, "bidCount">): boolean {
  return !analysis || analysis.status !== "closed" || analysis.bidCount < auction.bidCount;
}

export function Results({ auction, user }: { auction: Auction; user: User | null }) {
  const { data: analysis, error: failure } = useQuery({
    ...analysisQuery(auction.id),
    retry: MAX_TRIES - 1,
    retryDelay: RETRY_MS,
    refetchInterval: (query) =>
      analysisBehind(query.state.data, auction) && query.state.dataUpdateCount < MAX_TRIES ? RETRY_MS : false,
  });
  const error = failure && !analysis ? describeError(failure) : null;
  const winnerName = usePseudonym(auction.id, auction.winnerId);

  const youWon = !!user && auction.winnerId === user.id;
  const youSold = !!user && auction.sellerId === user.id;
  const sold = auction.winnerId != null && auction.finalPrice != null;

  return (
    <section className="card results" aria-labelledby="results-title">
      <h2 id="results-title">Results</h2>
      <div className={`result-banner ${youWon ? "won" : sold ? "sold" : "unsold"}`} data-testid="result-banner">
        {youWon ? (
          <>
            <strong>You won this auction!</strong>
            <span>Final price {formatMoney(auction.finalPrice, auction.currency)}</span>
          </>
        ) : sold ? (
          <>
            <strong>{youSold ? "Your item sold" : "Sold"}</strong>
            <span>
              to {winnerName ?? "the highest bidder"} for {formatMoney(auction.finalPrice, auction.currency)}
            </span>
          </>
        ) : (
          <>
            <strong>Not sold</strong>
            <span>{auction.bidCount > 0 ? "The reserve price was not met." : "There were no bids."}</span>
          </>
        )}
      </div>
      {analysis && (
        <dl className="figures">
          <div>
            <dt>Bids</dt>
            <dd>{analysis.bidCount}</dd>
          </div>
          <div>
            <dt>Bidders</dt>
            <dd>{analysis.uniqueBidders}</dd>
          </div>
          <div>
            <dt>Starting price</dt>
            <dd>{formatMoney(analysis.startingPrice, auction.currency)}</dd>
          </div>
          <div>
            <dt>Final price</dt>
            <dd>{formatMoney(analysis.finalPrice, auction.currency)}</dd>
          </div>
        </dl>
      )}
      {analysis ? (
        <div className="charts">
          <figure>
            <figcaption>Price over time</figcaption>
            <PriceChart points={analysis.pricePoints} currency={auction.currency} endsAt={auction.endsAt} />
          </figure>
          <figure>
            <figcaption>Bids per minute</figcaption>
            <BidsPerMinuteChart minutes={analysis.bidsPerMinute} />
          </figure>
        </div>
      ) : (
        <p className="muted">{error ? `The price chart is not available: ${error}` : "Loading the price chart…"}</p>
      )}
    </section>
  );
}
