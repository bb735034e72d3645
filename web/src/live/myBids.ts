// The user's bids (the ["my-bids", userId] query): from GET /api/me/bids where the
// platform has it; otherwise from the bids this browser placed, kept per user in
// localStorage, their statuses checked with GET /api/bids/{id}. A placed bid and every
// outcome on the private stream go into both the cache and the browser's list.

import { queryOptions, type QueryClient } from "@tanstack/react-query";
import { ApiError } from "../api/client";
import { bidding } from "../api/endpoints";
import { queryKeys } from "../api/queryKeys";
import type { Bid } from "../api/types";

export type BidSource = "platform" | "browser";

export interface MyBids {
  bids: Bid[];
  source: BidSource;
}

const LIMIT = 500;
const PAGE = 100;

function storageKey(userId: string): string {
  return `gavel.bids.${userId}`;
}

export function trackedBids(userId: string): Bid[] {
  try {
    const raw = window.localStorage.getItem(storageKey(userId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as Bid[]) : [];
  } catch {
    return [];
  }
}

function save(userId: string, bids: Bid[]): void {
  try {
    window.localStorage.setItem(storageKey(userId), JSON.stringify(bids.slice(0, LIMIT)));
  } catch {
    // Storage full or disabled: the list is a convenience, the platform keeps the truth.
  }
}

/** `bid` first in `bids`, replacing an older copy of it. */
export function withBid(bids: Bid[], bid: Bid): Bid[] {
  return [bid, ...bids.filter((b) => b.bidId !== bid.bidId)];
}

/** `bids` with `patch` applied to bid `bidId`; `bids` itself when nothing changes. */
export function patchBid(bids: Bid[], bidId: string, patch: Partial<Bid>): Bid[] {
  const bid = bids.find((b) => b.bidId === bidId);
  const keys = Object.keys(patch) as (keyof Bid)[];
  const changes = bid && keys.some((k) => patch[k] !== undefined && patch[k] !== bid[k]);
  if (!changes) return bids;
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  return bids.map((b) => (b.bidId === bidId ? { ...b, ...defined } : b));
}

export const myBidsQuery = (userId: string) =>
  queryOptions({
    queryKey: queryKeys.myBids(userId),
    queryFn: async ({ signal }): Promise<MyBids> => {
      try {
        const page = await bidding.mine(undefined, PAGE, signal);
        return { bids: page.items, source: "platform" };
      } catch (e) {
        if (!(e instanceof ApiError && (e.status === 404 || e.status === 405))) throw e;
      }
      const pending = trackedBids(userId).filter((b) => b.status === "pending");
      await Promise.all(
        pending.map(async (b) => {
          try {
            const fresh = await bidding.get(b.bidId, signal);
            save(userId, patchBid(trackedBids(userId), b.bidId, { status: fresh.status, reason: fresh.reason, seq: fresh.seq }));
          } catch {
            // Still pending as far as this page knows; the private stream will tell.
          }
        }),
      );
      return { bids: trackedBids(userId), source: "browser" };
    },
  });

/**
 * One of the user's bids, asked for directly: the fallback while the private stream is
 * slow or down. An answer still pending never undoes an outcome the stream brought.
 */
export const bidCheckQuery = (userId: string, bidId: string) =>
  queryOptions({
    queryKey: queryKeys.bid(bidId),
    queryFn: async ({ client, signal }): Promise<Bid> => {
      const fresh = await bidding.get(bidId, signal);
      const known = client.getQueryData<Bid>(queryKeys.bid(bidId));
      if (fresh.status === "pending") return known && known.status !== "pending" ? known : fresh;
      settleBid(client, userId, bidId, { status: fresh.status, reason: fresh.reason, seq: fresh.seq });
      return { ...known, ...fresh };
    },
  });

/** A bid just placed: first in the user's list, with any outcome that came before it. */
export function rememberBid(client: QueryClient, userId: string, placed: Bid): void {
  const known = client.getQueryData<Bid>(queryKeys.bid(placed.bidId));
  const bid: Bid =
    known && known.status !== "pending" ? { ...placed, status: known.status, reason: known.reason, seq: known.seq } : placed;
  save(userId, withBid(trackedBids(userId), bid));
  client.setQueryData<MyBids>(queryKeys.myBids(userId), (old) => old && { ...old, bids: withBid(old.bids, bid) });
  client.setQueryData<Bid>(queryKeys.bid(bid.bidId), bid);
}

/**
 * An outcome (accepted or rejected, with its reason) of one of the user's bids. It may
 * come before the answer to placing the bid: the bid's entry then starts with it.
 */
export function settleBid(client: QueryClient, userId: string, bidId: string, patch: Partial<Bid>): void {
  const tracked = trackedBids(userId);
  const next = patchBid(tracked, bidId, patch);
  if (next !== tracked) save(userId, next);
  const key = queryKeys.myBids(userId);
  const cached = client.getQueryData<MyBids>(key);
  if (cached && !cached.bids.some((b) => b.bidId === bidId)) {
    // A bid placed elsewhere (another browser or tab): the list is asked again.
    void client.invalidateQueries({ queryKey: key, exact: true });
  } else if (cached) {
    const bids = patchBid(cached.bids, bidId, patch);
    if (bids !== cached.bids) client.setQueryData<MyBids>(key, { ...cached, bids });
  }
  const bidKey = queryKeys.bid(bidId);
  const known = client.getQueryData<Bid>(bidKey);
  const base: Bid = known ?? {
    bidId,
    auctionId: "",
    kind: "bid",
    amount: null,
    maxAmount: null,
    status: "pending",
    placedAt: new Date().toISOString(),
  };
  const settled = patchBid([base], bidId, patch)[0] ?? base;
  if (settled !== known) client.setQueryData<Bid>(bidKey, settled);
}
