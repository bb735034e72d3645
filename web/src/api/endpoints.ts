// Typed calls of the public API, one function per operation.

import { request } from "./client";
import type {
  Analysis,
  Auction,
  AuctionListQuery,
  AuctionPage,
  Bid,
  BidHistoryItem,
  BidPage,
  BidReceipt,
  NewListing,
  SearchQuery,
  SearchResult,
  Session,
  User,
} from "./types";

export const auth = {
  signup: (email: string, password: string, displayName: string) =>
    request<Session>("/api/auth/signup", { method: "POST", body: { email, password, displayName } }),
  login: (email: string, password: string) =>
    request<Session>("/api/auth/login", { method: "POST", body: { email, password } }),
  logout: () => request<void>("/api/auth/logout", { method: "POST" }),
  me: () => request<User>("/api/me"),
};

export const auctions = {
  get: (id: string, signal?: AbortSignal) => request<Auction>(`/api/auctions/${encodeURIComponent(id)}`, { signal }),
  list: (query: AuctionListQuery, signal?: AbortSignal) => request<AuctionPage>("/api/auctions", { query: { ...query }, signal }),
  create: (listing: NewListing) => request<Auction>("/api/auctions", { method: "POST", body: listing }),
  schedule: (id: string, startsAt: string, endsAt: string) =>
    request<Auction>(`/api/admin/auctions/${encodeURIComponent(id)}/schedule`, {
      method: "POST",
      body: { startsAt, endsAt },
    }),
  cancel: (id: string) =>
    request<Auction>(`/api/admin/auctions/${encodeURIComponent(id)}/cancel`, { method: "POST" }),
  bids: (id: string, afterSeq = 0, limit = 200, signal?: AbortSignal) =>
    request<{ items: BidHistoryItem[] }>(`/api/auctions/${encodeURIComponent(id)}/bids`, {
      query: { afterSeq, limit },
      signal,
    }),
  analysis: (id: string, signal?: AbortSignal) =>
    request<Analysis>(`/api/auctions/${encodeURIComponent(id)}/analysis`, { signal }),
};

export const bidding = {
  place: (auctionId: string, amount: number, maxAmount: number | undefined, idempotencyKey: string) =>
    request<BidReceipt>(`/api/auctions/${encodeURIComponent(auctionId)}/bids`, {
      method: "POST",
      body: maxAmount === undefined ? { amount } : { amount, maxAmount },
      headers: { "Idempotency-Key": idempotencyKey },
    }),
  buyNow: (auctionId: string, idempotencyKey: string) =>
    request<BidReceipt>(`/api/auctions/${encodeURIComponent(auctionId)}/buy-now`, {
      method: "POST",
      headers: { "Idempotency-Key": idempotencyKey },
    }),
  get: (bidId: string, signal?: AbortSignal) => request<Bid>(`/api/bids/${encodeURIComponent(bidId)}`, { signal }),
  mine: (cursor?: string, limit = 50, signal?: AbortSignal) =>
    request<BidPage>("/api/me/bids", { query: { cursor, limit }, signal }),
};

export const watchlist = {
  list: (signal?: AbortSignal) => request<{ items: Auction[] }>("/api/me/watchlist", { signal }),
  add: (auctionId: string) => request<void>(`/api/me/watchlist/${encodeURIComponent(auctionId)}`, { method: "PUT" }),
  remove: (auctionId: string) =>
    request<void>(`/api/me/watchlist/${encodeURIComponent(auctionId)}`, { method: "DELETE" }),
};

export const search = (query: SearchQuery, signal?: AbortSignal) =>
  request<SearchResult>("/api/search", { query: { ...query }, signal });
