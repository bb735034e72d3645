// How live events change the cached auctions. Every public event carries the whole public
// state, so the newest one (by seq) wins; `snapshot` (sent on connect, and after a resume
// the history cannot serve) replaces the live state whatever its seq. An auction is
// cached once under ["auction", id] and again in every list that shows it (search hits,
// listings, the watchlist): an update reaches all of them, so cards and pages agree
// without asking the API again. A fetched copy never moves the live state back.

import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { queryKeys } from "../api/queryKeys";
import type { Auction, AuctionEvent, AuctionPage, SearchResult } from "../api/types";

/** Fields every public event and snapshot carries (and the terms a `listed` adds). */
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

/** The listing's terms: an event that lacks them says nothing about them. */
const TERMS: ReadonlySet<string> = new Set(["sellerId", "currency", "startingPrice"]);

type LiveField = (typeof LIVE_FIELDS)[number];

/** The data of a public event or snapshot (or any copy of an auction). */
export type LiveUpdate = Pick<AuctionEvent, "seq"> & Partial<Pick<AuctionEvent, LiveField | "at" | "bidId" | "amount">>;

/** `base` with the live fields `update` carries, at `update`'s seq. */
export function mergeLive<T extends Auction>(base: T, update: LiveUpdate): T {
  const next: T = { ...base, seq: update.seq };
  const target = next as Record<string, unknown>;
  for (const field of LIVE_FIELDS) {
    const value = update[field];
    if (value === undefined || (value === null && TERMS.has(field))) continue;
    target[field] = value;
  }
  return next;
}

/** The auction after `update`; `current` itself when the update is not newer. */
export function applyUpdate<T extends Auction>(current: T, update: LiveUpdate, replace = false): T {
  if (!replace && update.seq <= current.seq) return current;
  return mergeLive(current, update);
}

/** Of a cached and a freshly fetched copy, the fetched one with the newer live state. */
export function newest<T extends Auction>(cached: Auction | undefined, fetched: T): T {
  if (!cached || cached.seq <= fetched.seq) return fetched;
  return mergeLive(fetched, cached);
}

/** Fetched auctions, each as new as the cached copy of it. */
export function newestHits<T extends Auction>(client: QueryClient, items: T[]): T[] {
  return items.map((a) => newest(client.getQueryData<Auction>(queryKeys.auction(a.id)), a));
}

/** A change to one copy of an auction, whichever shape that copy has. */
type Change = <T extends Auction>(auction: T) => T;

function changeItems<T extends Auction>(items: T[], id: string, change: Change): T[] {
  let changed = false;
  const next = items.map((a) => {
    if (a.id !== id) return a;
    const after = change(a);
    if (after !== a) changed = true;
    return after;
  });
  return changed ? next : items;
}

/** Runs `update` on every cached entry under `prefix`, writing back only what changed. */
function changeEach<T>(client: QueryClient, prefix: QueryKey, update: (data: T) => T): void {
  for (const [key, data] of client.getQueriesData<T>({ queryKey: prefix })) {
    if (data === undefined) continue;
    const next = update(data);
    if (next !== data) client.setQueryData(key, next);
  }
}

/** Applies `change` to auction `id` wherever it is cached. */
export function changeAuction(client: QueryClient, id: string, change: Change): void {
  const key = queryKeys.auction(id);
  const cached = client.getQueryData<Auction>(key);
  if (cached) {
    const next = change(cached);
    if (next !== cached) client.setQueryData(key, next);
  }
  changeEach<SearchResult>(client, queryKeys.searches, (r) => {
    const hits = changeItems(r.hits, id, change);
    return hits === r.hits ? r : { ...r, hits };
  });
  changeEach<AuctionPage>(client, queryKeys.auctionLists, (p) => {
    const items = changeItems(p.items, id, change);
    return items === p.items ? p : { ...p, items };
  });
  changeEach<Auction[]>(client, queryKeys.watchlists, (items) => changeItems(items, id, change));
}

/** `auction` as an answer from the API just gave it, everywhere it is cached. */
export function replaceAuction(client: QueryClient, auction: Auction): void {
  client.setQueryData(queryKeys.auction(auction.id), auction);
  changeAuction(client, auction.id, (copy) => ({ ...copy, ...auction }));
}

/** A public event (or snapshot, with `replace`) of auction `id`, into the cache. */
export function applyLiveUpdate(client: QueryClient, id: string, update: LiveUpdate, replace = false): void {
  changeAuction(client, id, (a) => applyUpdate(a, update, replace));
}

/**
 * What a private notice tells about the auction, applied where the cached state is older
 * than the notice. The notice carries only part of the state, so the cached seq stays:
 * the public event of the same seq still applies in full when it comes.
 */
export function applyHint<T extends Auction>(current: T, seq: number, patch: Partial<Auction>): T {
  if (seq <= current.seq) return current;
  const changed = (Object.keys(patch) as (keyof Auction)[]).some((k) => patch[k] !== current[k]);
  return changed ? { ...current, ...patch } : current;
}

/** The cached auction `id`, from its own entry or from any list that shows it. */
export function findCachedAuction(client: QueryClient, id: string): Auction | undefined {
  const own = client.getQueryData<Auction>(queryKeys.auction(id));
  if (own) return own;
  for (const [, r] of client.getQueriesData<SearchResult>({ queryKey: queryKeys.searches })) {
    const hit = r?.hits.find((a) => a.id === id);
    if (hit) return hit;
  }
  for (const [, p] of client.getQueriesData<AuctionPage>({ queryKey: queryKeys.auctionLists })) {
    const item = p?.items.find((a) => a.id === id);
    if (item) return item;
  }
  for (const [, items] of client.getQueriesData<Auction[]>({ queryKey: queryKeys.watchlists })) {
    const item = items?.find((a) => a.id === id);
    if (item) return item;
  }
  return undefined;
}
