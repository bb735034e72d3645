// Typed calls of the public API, one function per operation.

import { request } from "./client";
import type {
  Analysis,
  Auction,
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
  list: (query: { status?: string; category?: string; sellerId?: string; limit?: number; cursor?: string }) =>
    request<AuctionPage>("/api/auctions", { query }),
  create: (listing: NewListing) => request<Auction>("/api/auctions", { method: "POST", body: listing }),
  schedule: (id: string, startsAt: string, endsAt: string) =>
    request<Auction>(`/api/admin/auctions/${encodeURIComponent(id)}/schedule`, {
      method: "POST",
      body: { startsAt, endsAt },
    }),
  cancel: (id: string) =>
    request<Auction>(`/api/admin/auctions/${encodeURIComponent(id)}/cancel`, { method: "POST" }),
  bids: (id: string, afterSeq = 0, limit = 200) =>
    request<{ items: BidHistoryItem[] }>(`/api/auctions/${encodeURIComponent(id)}/bids`, {
      query: { afterSeq, limit },
    }),
  analysis: (id: string) => request<Analysis>(`/api/auctions/${encodeURIComponent(id)}/analysis`),
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
  get: (bidId: string) => request<Bid>(`/api/bids/${encodeURIComponent(bidId)}`),
  mine: (cursor?: string, limit = 50) => request<BidPage>("/api/me/bids", { query: { cursor, limit } }),
};

export const watchlist = {
  list: () => request<{ items: Auction[] }>("/api/me/watchlist"),
  add: (auctionId: string) => request<void>(`/api/me/watchlist/${encodeURIComponent(auctionId)}`, { method: "PUT" }),
  remove: (auctionId: string) =>
    request<void>(`/api/me/watchlist/${encodeURIComponent(auctionId)}`, { method: "DELETE" }),
};

export const search = (query: SearchQuery, signal?: AbortSignal) =>
  request<SearchResult>("/api/search", { query: { ...query }, signal });
