// One auction kept current: the full listing from GET /api/auctions/{id}, then the public
// stream. Every public event carries the whole public state, so the newest one (by seq)
// wins; `snapshot` (sent on connect, and after a resume the history cannot serve)
// replaces the live state whatever its seq. Bid history follows `price` events.

import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, describeError } from "../api/client";
import { auctions } from "../api/endpoints";
import type { Auction, BidHistoryItem } from "../api/types";
import { rememberAuction } from "./auctionInfo";
import { useEventStream, type LiveStatus, type StreamHandlers } from "./useEventStream";

/** Fields every public event and snapshot carries. */
const LIVE_FIELDS = [
  "status",
  "startsAt",
  "endsAt",
  "currentPrice",
  "bidCount",
  "leadingBidderId",
  "reserveMet",
  "winnerId",
  "finalPrice",
  "minimumBid",
  "sellerId",
  "currency",
  "startingPrice",
  "buyNowPrice",
] as const;

const HISTORY_PAGE = 200;
/** The newest bids kept on the page. */
const HISTORY_SHOWN = 200;

type LiveUpdate = Partial<Auction> & { seq: number; at?: string; bidId?: string; amount?: number };

export interface AuctionLive {
  auction: Auction | null;
  error: string | null;
  notFound: boolean;
  status: LiveStatus;
  bids: BidHistoryItem[];
  /** Times `endsAt` moved later while this page was open. */
  extensions: number;
  reload(): void;
}

function merge(base: Auction, update: LiveUpdate): Auction {
  const next: Auction = { ...base, seq: update.seq };
  for (const field of LIVE_FIELDS) {
    if (field in update && update[field] !== undefined) (next as unknown as Record<string, unknown>)[field] = update[field];
  }
  return next;
}

export function useAuctionLive(id: string): AuctionLive {
  const [auction, setAuction] = useState<Auction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);
  const [bids, setBids] = useState<BidHistoryItem[]>([]);
  const [extensions, setExtensions] = useState(0);
  const [attempt, setAttempt] = useState(0);
  // Events that arrive before the listing itself are applied once it is there.
  const early = useRef<LiveUpdate | null>(null);
  const historyBusy = useRef(false);
  const historyAgain = useRef(false);
  const historyScratch = useRef(false);
  const lastHistorySeq = useRef(0);

  // One history request at a time; a request asked for meanwhile runs right after, from
  // the start when a snapshot asked for that. A full page means more may follow.
  const refreshHistory = useCallback(
    async (fromScratch = false) => {
      if (fromScratch) historyScratch.current = true;
      if (historyBusy.current) {
        historyAgain.current = true;
        return;
      }
      historyBusy.current = true;
      try {
        do {
          historyAgain.current = false;
          const restart = historyScratch.current;
          historyScratch.current = false;
          if (restart) lastHistorySeq.current = 0;
          const { items } = await auctions.bids(id, lastHistorySeq.current, HISTORY_PAGE);
          if (items.length) lastHistorySeq.current = Math.max(lastHistorySeq.current, ...items.map((b) => b.seq));
          if (items.length === HISTORY_PAGE) historyAgain.current = true;
          setBids((shown) => {
            const bySeq = new Map((restart ? [] : shown).map((b) => [b.seq, b]));
            for (const item of items) bySeq.set(item.seq, item);
            return [...bySeq.values()].sort((x, y) => y.seq - x.seq).slice(0, HISTORY_SHOWN);
          });
        } while (historyAgain.current);
      } catch {
        // The live price stays right; the list catches up with the next event.
      } finally {
        historyBusy.current = false;
      }
    },
    [id],
  );

  useEffect(() => {
    let live = true;
    setAuction(null);
    setError(null);
    setNotFound(false);
    setBids([]);
    setExtensions(0);
    early.current = null;
    lastHistorySeq.current = 0;
    auctions
      .get(id)
      .then((loaded) => {
        if (!live) return;
        rememberAuction(loaded);
        const pending = early.current;
        setAuction(pending && pending.seq > loaded.seq ? merge(loaded, pending) : loaded);
      })
      .catch((e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && (e.status === 404 || e.status === 400)) setNotFound(true);
        else setError(describeError(e));
      });
    void refreshHistory(true);
    return () => {
      live = false;
    };
  }, [id, attempt, refreshHistory]);

  const apply = useCallback((update: LiveUpdate, replace: boolean) => {
    setAuction((current) => {
      if (!current) {
        if (!early.current || replace || update.seq > early.current.seq) early.current = update;
        return current;
      }
      if (!replace && update.seq <= current.seq) return current;
      return merge(current, update);
    });
  }, []);

  const handlers: StreamHandlers = {
    snapshot: (data) => {
      const snap = data as LiveUpdate;
      apply(snap, true);
      void refreshHistory(true);
    },
    price: (data) => {
      const update = data as LiveUpdate;
      apply(update, false);
      if (typeof update.amount === "number" && update.bidId) {
        const placeholder: BidHistoryItem = {
          seq: update.seq,
          bidId: update.bidId,
          amount: update.amount,
          bidder: "",
          placedAt: update.at ?? new Date().toISOString(),
        };
        setBids((shown) =>
          shown.some((b) => b.seq === update.seq)
            ? shown
            : [placeholder, ...shown].sort((x, y) => y.seq - x.seq).slice(0, HISTORY_SHOWN),
        );
      }
      void refreshHistory();
    },
  };
  for (const name of ["listed", "scheduled", "opened", "extended", "closed", "cancelled"]) {
    handlers[name] = (data) => apply(data as LiveUpdate, false);
  }

  // An end that moves later while the auction is open is a soft-close extension.
  const shownEnd = useRef<{ id: string; endsAt: string | null } | null>(null);
  const endsAt = auction?.endsAt ?? null;
  const open = auction?.status === "open";
  useEffect(() => {
    const before = shownEnd.current;
    shownEnd.current = { id, endsAt };
    if (open && before?.id === id && before.endsAt && endsAt && Date.parse(endsAt) > Date.parse(before.endsAt)) {
      setExtensions((n) => n + 1);
    }
  }, [id, endsAt, open]);

  const status = useEventStream(`/api/auctions/${encodeURIComponent(id)}/events`, handlers);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { auction, error, notFound, status, bids, extensions, reload };
}
