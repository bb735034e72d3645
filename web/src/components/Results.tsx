// What a closed auction came to: the winner and final price, and charts of the price over
// time and bids per minute from GET /api/auctions/{id}/analysis.

import { useEffect, useState } from "react";
import { describeError } from "../api/client";
import { auctions } from "../api/endpoints";
import type { Analysis, Auction, User } from "../api/types";
import { formatMoney } from "../format/money";
import { bidderPseudonym } from "../format/pseudonym";
import { BidsPerMinuteChart, PriceChart } from "./charts";

const RETRY_MS = 1500;
const MAX_TRIES = 8;

export function Results({ auction, user }: { auction: Auction; user: User | null }) {
  const [analysis, setAnalysis] = useState<Analysis | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [winnerName, setWinnerName] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    let tries = 0;
    const load = () => {
      tries++;
      auctions
        .analysis(auction.id)
        .then((a) => {
          if (!live) return;
          setAnalysis(a);
          setError(null);
          // The analysis is built from the event log and may trail the close by a moment.
          const behind = a.status !== "closed" || a.bidCount < auction.bidCount;
          if (behind && tries < MAX_TRIES) timer = window.setTimeout(load, RETRY_MS);
        })
        .catch((e: unknown) => {
          if (!live) return;
          if (tries < MAX_TRIES) timer = window.setTimeout(load, RETRY_MS);
          else setError(describeError(e));
        });
    };
    load();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [auction.id, auction.bidCount]);

  useEffect(() => {
    setWinnerName(null);
    if (auction.winnerId) void bidderPseudonym(auction.id, auction.winnerId).then(setWinnerName);
  }, [auction.id, auction.winnerId]);

  const youWon = !!user && auction.winnerId === user.id;
  const youSold = !!user && auction.sellerId === user.id;
  const sold = auction.winnerId !== null && auction.finalPrice !== null;

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
