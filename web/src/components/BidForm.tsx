// Placing a bid (with an optional maximum for proxy bidding) and buying now. The API
// answers 202 at once; the outcome arrives on the private stream (with GET /api/bids/{id}
// as a fallback) and is shown next to the form.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { describeError } from "../api/client";
import { bidding } from "../api/endpoints";
import { newIdempotencyKey } from "../api/keys";
import { reasonInWords } from "../api/reasons";
import type { Auction, Bid, User } from "../api/types";
import { minimumBid } from "../format/increments";
import { currencySymbol, formatMoney, parseMoney, toInputValue } from "../format/money";
import { bidCheckQuery, rememberBid } from "../live/myBids";
import { useNotices } from "../live/notices";
import { Field, MoneyInput } from "./Field";

const FALLBACK_CHECK_MS = 3000;

/** What the bidder is told about their bid; `leading` is what the acceptance said. */
export function outcomeText(bid: Pick<Bid, "kind" | "status" | "reason">, leading?: boolean): string {
  const buyNow = bid.kind === "buy_now";
  switch (bid.status) {
    case "pending":
      return "Sent: waiting for confirmation…";
    case "accepted":
      if (buyNow) return "Purchase confirmed: the item is yours.";
      return leading === false
        ? "Bid accepted, but another bidder's maximum is higher."
        : "Bid accepted: you are the highest bidder.";
    case "rejected":
      return `${buyNow ? "Purchase" : "Bid"} rejected: ${reasonInWords(bid.reason)}.`;
    default:
      return `Bid ${bid.status}.`;
  }
}

export function BidForm({ auction, user }: { auction: Auction; user: User }) {
  const client = useQueryClient();
  const currency = auction.currency;
  const minimum = minimumBid(auction);
  // Until the bidder types, the amount follows the next minimum as the price moves.
  const [typed, setTyped] = useState<string | null>(null);
  const amount = typed ?? toInputValue(minimum, currency);
  const [maximum, setMaximum] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmBuy, setConfirmBuy] = useState(false);
  const amountRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  // The last bid sent from this form. Its outcome comes into the bid's cache entry from
  // the private stream; if the stream is slow or down, it is asked for directly, every
  // few seconds while the bid is pending.
  const [sentId, setSentId] = useState<string | null>(null);
  const [leading, setLeading] = useState<Record<string, boolean | undefined>>({});
  const { data: sent } = useQuery({
    ...bidCheckQuery(user.id, sentId ?? ""),
    enabled: sentId !== null,
    staleTime: FALLBACK_CHECK_MS,
    refetchInterval: (query) => (query.state.data?.status === "pending" ? FALLBACK_CHECK_MS : false),
  });
  const outcome = sentId && sent ? { status: sent.status, text: outcomeText(sent, leading[sentId]) } : null;

  useNotices((name, notice) => {
    const bidId = notice.bidId;
    if (name === "bid.accepted" && bidId) setLeading((all) => ({ ...all, [bidId]: notice.leading }));
  });

  // The confirmation replaces the buy-now button: the focus moves onto it.
  useEffect(() => {
    if (confirmBuy) confirmRef.current?.focus();
  }, [confirmBuy]);

  const submitted = (bidId: string, kind: Bid["kind"], value: number | null, max: number | null) => {
    rememberBid(client, user.id, {
      bidId,
      auctionId: auction.id,
      kind,
      amount: value,
      maxAmount: max,
      status: "pending",
      placedAt: new Date().toISOString(),
    });
    setSentId(bidId);
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
      setTyped(null);
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
      submitted(receipt.bidId, "buy_now", auction.buyNowPrice ?? null, null);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
      setConfirmBuy(false);
    }
  };

  const open = auction.status === "open";
  const buyNowPrice = auction.buyNowPrice;
  const buyNowOffered =
    buyNowPrice != null &&
    (buyNowPrice > auction.currentPrice || (auction.bidCount === 0 && buyNowPrice === auction.currentPrice));
  const symbol = currencySymbol(currency);

  return (
    <div className="bid-box">
      <form className="bid-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Place a bid">
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
            onChange={(e) => setTyped(e.target.value)}
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
              <button type="button" className="button accent" onClick={() => void buyNow()} disabled={busy} ref={confirmRef}>
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
