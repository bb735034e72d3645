// One auction kept current: the listing (GET /api/auctions/{id}) and its bid history in
// the query cache, then the public stream writing every event into that cache (see
// auctionCache.ts), so this page, the cards and "my bids" all show the same state.
// The bid history follows `price` events: the bid shows at once from the event, and the
// history is asked again for what came after the last seq it holds.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, describeError } from "../api/client";
import { auctionQuery, bidHistoryQuery, restartBidHistory, withBids, type BidHistory } from "../api/queries";
import { queryKeys } from "../api/queryKeys";
import type { Auction, BidHistoryItem } from "../api/types";
import { applyLiveUpdate, type LiveUpdate } from "./auctionCache";
import { useEventStream, type LiveStatus, type StreamHandlers } from "./useEventStream";

export interface AuctionLive {
  auction: Auction | null;
  error: string | null;
  notFound: boolean;
  status: LiveStatus;
  bids: BidHistoryItem[];
  /** Times `endsAt` moved later while this page was open. */
  extensions: number;
  reload: () => void;
}

const NO_BIDS: BidHistoryItem[] = [];

/** The history with the bid a `price` event announced, until the API names its bidder. */
export function withAnnouncedBid(history: BidHistory | undefined, update: LiveUpdate): BidHistory | undefined {
  if (typeof update.amount !== "number" || !update.bidId) return history;
  const items = history?.items ?? [];
  if (items.some((b) => b.seq === update.seq)) return history;
  const announced: BidHistoryItem = {
    seq: update.seq,
    bidId: update.bidId,
    amount: update.amount,
    bidder: "",
    placedAt: update.at ?? new Date().toISOString(),
  };
  return { items: withBids(items, [announced]), throughSeq: history?.throughSeq ?? 0 };
}

/** Public event names that carry the auction's state (besides `snapshot` and `price`). */
const STATE_EVENTS = ["listed", "scheduled", "opened", "extended", "closed", "cancelled"];

export function useAuctionLive(id: string): AuctionLive {
  const client = useQueryClient();
  const listing = useQuery(auctionQuery(id));
  const history = useQuery(bidHistoryQuery(id));
  const auction = listing.data ?? null;
  // Events that arrive before the listing itself are applied once it is there.
  const early = useRef<LiveUpdate | null>(null);

  const apply = useCallback(
    (update: LiveUpdate, replace: boolean) => {
      if (!client.getQueryData(queryKeys.auction(id))) {
        const pending = early.current;
        if (!pending || replace || update.seq > pending.seq) early.current = update;
      }
      applyLiveUpdate(client, id, update, replace);
    },
    [client, id],
  );

  useEffect(() => {
    const pending = early.current;
    if (!auction || !pending) return;
    early.current = null;
    applyLiveUpdate(client, id, pending);
  }, [client, id, auction]);

  const handlers: StreamHandlers = {
    snapshot: (data) => {
      apply(data as LiveUpdate, true);
      void restartBidHistory(client, id);
    },
    price: (data) => {
      const update = data as LiveUpdate;
      apply(update, false);
      client.setQueryData<BidHistory>(queryKeys.bidHistory(id), (old) => withAnnouncedBid(old, update));
      void client.invalidateQueries({ queryKey: queryKeys.bidHistory(id), exact: true });
    },
  };
  for (const name of STATE_EVENTS) handlers[name] = (data) => apply(data as LiveUpdate, false);

  // An end that moves later while the auction is open is a soft-close extension.
  const [extensions, setExtensions] = useState(0);
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
  const { refetch: refetchListing } = listing;
  const { refetch: refetchHistory } = history;
  const reload = useCallback(() => {
    void refetchListing();
    void refetchHistory();
  }, [refetchListing, refetchHistory]);

  const failure = listing.error;
  const notFound = failure instanceof ApiError && (failure.status === 404 || failure.status === 400);
  const error = failure && !auction && !notFound ? describeError(failure) : null;
  return { auction, error, notFound, status, bids: history.data?.items ?? NO_BIDS, extensions, reload };
}
