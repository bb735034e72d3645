// The bids this browser placed, per user, kept in localStorage. "My bids" lists them
// when the platform has no GET /api/me/bids, and their statuses follow the private
// stream and GET /api/bids/{id}.

import type { Bid } from "../api/types";

const CHANGED = "gavel:my-bids";
const LIMIT = 500;

function key(userId: string): string {
  return `gavel.bids.${userId}`;
}

export function trackedBids(userId: string): Bid[] {
  try {
    const raw = window.localStorage.getItem(key(userId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as Bid[]) : [];
  } catch {
    return [];
  }
}

function save(userId: string, bids: Bid[]): void {
  try {
    window.localStorage.setItem(key(userId), JSON.stringify(bids.slice(0, LIMIT)));
  } catch {
    // Storage full or disabled: the list is a convenience, the platform keeps the truth.
  }
  window.dispatchEvent(new CustomEvent(CHANGED));
}

export function trackBid(userId: string, bid: Bid): void {
  const others = trackedBids(userId).filter((b) => b.bidId !== bid.bidId);
  save(userId, [bid, ...others]);
}

export function updateTrackedBid(userId: string, bidId: string, patch: Partial<Bid>): void {
  const bids = trackedBids(userId);
  const bid = bids.find((b) => b.bidId === bidId);
  const changes = bid && (Object.keys(patch) as (keyof Bid)[]).some((k) => patch[k] !== undefined && patch[k] !== bid[k]);
  if (!changes) return;
  save(
    userId,
    bids.map((b) => (b.bidId === bidId ? { ...b, ...patch } : b)),
  );
}

export function onTrackedBidsChanged(listener: () => void): () => void {
  window.addEventListener(CHANGED, listener);
  return () => window.removeEventListener(CHANGED, listener);
}
