// Placing a bid (with an optional maximum for proxy bidding) and buying now. The API
// answers 202 at once; the outcome arrives on the private stream (with GET /api/bids/{id}
// as a fallback) and is shown next to the form.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { describeError } from "../api/client";
import { bidding } from "../api/endpoints";
import { newIdempotencyKey } from "../api/keys";
import { reasonInWords } from "../api/reasons";
import type { Auction, Bid, BidStatus, User } from "../api/types";
import { minimumBid } from "../format/increments";
import { currencySymbol, formatMoney, parseMoney, toInputValue } from "../format/money";
import { bidQuery } from "../api/queries";
import { rememberBid, settleBid } from "../live/myBids";
import { useNotices } from "../live/notices";
import { Field, MoneyInput } from "./Field";

interface Outcome {
  bidId: string;
  kind: "bid" | "buy_now";
  status: BidStatus;
  amount: number | null;
  text: string;
}

const FALLBACK_CHECK_MS = 3000;

export function BidForm({ auction, user }: { auction: Auction; user: User }) {
  const client = useQueryClient();
  const currency = auction.currency;
  const minimum = minimumBid(auction);
  const [amount, setAmount] = useState(() => toInputValue(minimum, currency));
  const [maximum, setMaximum] = useState("");
  const [edited, setEdited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [confirmBuy, setConfirmBuy] = useState(false);
  const amountRef = useRef<HTMLInputElement>(null);

  // Until the bidder types, the amount follows the next minimum as the price moves.
  useEffect(() => {
    if (!edited) setAmount(toInputValue(minimum, currency));
  }, [minimum, currency, edited]);

  const settle = (bidId: string, status: BidStatus, reason?: string, leading?: boolean) => {
    settleBid(client, user.id, bidId, { status, reason });
    setOutcome((o) => {
      if (!o || o.bidId !== bidId || o.status !== "pending") return o;
      const what = o.kind === "buy_now" ? "Purchase" : "Bid";
      const text =
        status === "accepted"
          ? o.kind === "buy_now"
            ? "Purchase confirmed: the item is yours."
            : leading === false
              ? "Bid accepted, but another bidder's maximum is higher."
              : "Bid accepted: you are the highest bidder."
          : `${what} rejected: ${reasonInWords(reason)}.`;
      return { ...o, status, text };
    });
  };

  useNotices((name, notice) => {
    if (!notice.bidId) return;
    if (name === "bid.accepted") settle(notice.bidId, "accepted", undefined, notice.leading);
    if (name === "bid.rejected") settle(notice.bidId, "rejected", notice.reason);
  });

  // If the stream is slow or down, ask for the outcome directly, every few seconds while
  // the bid is pending (the private stream settles the same cache entry when it speaks).
  const pendingId = outcome?.status === "pending" ? outcome.bidId : null;
  const { data: checked } = useQuery({
    ...bidQuery(pendingId ?? ""),
    enabled: pendingId !== null,
    staleTime: FALLBACK_CHECK_MS,
    refetchInterval: (query) => (query.state.data?.status === "pending" ? FALLBACK_CHECK_MS : false),
  });
  useEffect(() => {
    if (pendingId && checked?.bidId === pendingId && checked.status !== "pending") {
      settle(pendingId, checked.status, checked.reason);
    }
  });

  const submitted = (bidId: string, kind: Outcome["kind"], value: number | null, max: number | null) => {
    const bid: Bid = {
      bidId,
      auctionId: auction.id,
      kind,
      amount: value,
      maxAmount: max,
      status: "pending",
      placedAt: new Date().toISOString(),
    };
    rememberBid(client, user.id, bid);
    setOutcome({ bidId, kind, status: "pending", amount: value, text: "Sent: waiting for confirmation…" });
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const value = parseMoney(amount, currency);
    if (value === null || value <= 0) {
      setError(`Enter an amount in ${currency}${currency === "KRW" ? " (whole won)" : ""}.`);
      amountRef.current?.focus();
      return;
    }
    let max: number | undefined;
    if (maximum.trim()) {
      const parsed = parseMoney(maximum, currency);
      if (parsed === null) {
        setError("The maximum must be an amount too, or left empty.");
        return;
      }
      max = parsed;
    }
    setBusy(true);
    try {
      const receipt = await bidding.place(auction.id, value, max, newIdempotencyKey());
      submitted(receipt.bidId, "bid", value, max ?? null);
      setEdited(false);
      setMaximum("");
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const buyNow = async () => {
    setError(null);
    setBusy(true);
    try {
      const receipt = await bidding.buyNow(auction.id, newIdempotencyKey());
      submitted(receipt.bidId, "buy_now", auction.buyNowPrice, null);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
      setConfirmBuy(false);
    }
  };

  const open = auction.status === "open";
  const buyNowOffered =
    auction.buyNowPrice !== null &&
    (auction.buyNowPrice > auction.currentPrice || (auction.bidCount === 0 && auction.buyNowPrice === auction.currentPrice));
  const symbol = currencySymbol(currency);

  return (
    <div className="bid-box">
      <form className="bid-form" onSubmit={onSubmit} noValidate aria-label="Place a bid">
        <Field
          id="bid-amount"
          label="Your bid"
          hint={
            <>
              Next minimum bid: <strong data-testid="minimum-bid">{formatMoney(minimum, currency)}</strong>
            </>
          }
        >
          <MoneyInput
            symbol={symbol}
            ref={amountRef}
            name="amount"
            value={amount}
            disabled={!open}
            onChange={(e) => {
              setAmount(e.target.value);
              setEdited(true);
            }}
          />
        </Field>
        <details className="proxy">
          <summary>Bid automatically up to a maximum</summary>
          <Field id="bid-maximum" label="Maximum (optional)" hint="We bid for you, one increment at a time, up to this amount.">
            <MoneyInput symbol={symbol} name="maxAmount" value={maximum} disabled={!open} onChange={(e) => setMaximum(e.target.value)} />
          </Field>
        </details>
        <button type="submit" className="button primary large" disabled={!open || busy}>
          {busy ? "Placing bid…" : "Place bid"}
        </button>
      </form>
      {buyNowOffered && open && (
        <div className="buy-now">
          {confirmBuy ? (
            <div className="confirm-row">
              <button type="button" className="button accent" onClick={buyNow} disabled={busy} autoFocus>
                Confirm: buy for {formatMoney(auction.buyNowPrice, currency)}
              </button>
              <button type="button" className="button ghost" onClick={() => setConfirmBuy(false)}>
                Keep bidding
              </button>
            </div>
          ) : (
            <button type="button" className="button accent" onClick={() => setConfirmBuy(true)} disabled={busy}>
              Buy now for {formatMoney(auction.buyNowPrice, currency)}
            </button>
          )}
        </div>
      )}
      <div className="bid-feedback" aria-live="polite">
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        {outcome && (
          <p className={`bid-outcome outcome-${outcome.status}`} data-bid-status={outcome.status}>
            {outcome.text}
          </p>
        )}
      </div>
    </div>
  );
}
