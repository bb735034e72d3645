// The signed-in user's private stream (/api/me/events): every notice becomes a toast,
// settles the user's bids and updates the auctions it is about in the cache (so cards and
// "my bids" follow it), and reaches the components that listen.

import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from "react";
import { reasonInWords } from "../api/reasons";
import type { Auction } from "../api/types";
import { useToasts, type Toast } from "../components/Toasts";
import { formatMoney } from "../format/money";
import { useSession } from "../session";
import { applyHint, changeAuction } from "./auctionCache";
import { auctionInfo } from "./auctionInfo";
import { settleBid } from "./myBids";
import { useEventStream, type LiveStatus, type StreamHandlers } from "./useEventStream";

export interface Notice {
  auctionId: string;
  seq: number;
  at: string;
  bidId?: string;
  amount?: number;
  currentPrice?: number;
  leading?: boolean;
  reason?: string;
  finalPrice?: number | null;
  winnerId?: string | null;
  endsAt?: string;
}

export const NOTICE_NAMES = ["bid.accepted", "bid.rejected", "outbid", "won", "auction.closed", "auction.ending"] as const;
export type NoticeName = (typeof NOTICE_NAMES)[number];
type Listener = (name: NoticeName, notice: Notice) => void;

interface NoticesValue {
  status: LiveStatus;
  subscribe: (listener: Listener) => () => void;
}

const NoticesContext = createContext<NoticesValue>({ status: "off", subscribe: () => () => {} });

/** What notice `name` tells about its auction, as seen by user `userId`. */
export function noticeChange(
  name: NoticeName,
  n: Notice,
  userId: string,
): (auction: Auction) => Partial<Auction> | null {
  return (auction) => {
    switch (name) {
      case "bid.accepted":
        return n.currentPrice === undefined
          ? null
          : { currentPrice: n.currentPrice, ...(n.leading ? { leadingBidderId: userId } : {}) };
      case "outbid":
        // Someone else leads now; who, the public stream tells.
        return {
          ...(n.currentPrice === undefined ? {} : { currentPrice: n.currentPrice }),
          ...(auction.leadingBidderId === userId ? { leadingBidderId: null } : {}),
        };
      case "won":
        return { status: "closed", winnerId: userId, finalPrice: n.finalPrice ?? auction.finalPrice };
      case "auction.closed":
        return { status: "closed", winnerId: n.winnerId ?? null, finalPrice: n.finalPrice ?? null };
      case "auction.ending":
        return n.endsAt ? { endsAt: n.endsAt } : null;
      case "bid.rejected":
        return null;
    }
  };
}

/** Notice `name` into the cache: the bid's outcome and what it says about the auction. */
export function applyNotice(client: QueryClient, name: NoticeName, notice: Notice, userId: string): void {
  if (notice.bidId && (name === "bid.accepted" || name === "bid.rejected")) {
    settleBid(client, userId, notice.bidId, {
      status: name === "bid.accepted" ? "accepted" : "rejected",
      reason: notice.reason,
      seq: name === "bid.accepted" ? notice.seq : undefined,
    });
  }
  const change = noticeChange(name, notice, userId);
  changeAuction(client, notice.auctionId, (auction) => {
    const patch = change(auction);
    return patch ? applyHint(auction, notice.seq, patch) : auction;
  });
}

export function NoticesProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const client = useQueryClient();
  const toasts = useToasts();
  const listeners = useRef(new Set<Listener>());
  const userId = user?.id ?? null;

  const handlers = useMemo<StreamHandlers>(() => {
    const entries = NOTICE_NAMES.map((name): [NoticeName, StreamHandlers[string]] => [
      name,
      (data: unknown) => {
        const notice = data as Notice;
        if (!notice || typeof notice.auctionId !== "string") return;
        if (userId) applyNotice(client, name, notice, userId);
        for (const listener of listeners.current) listener(name, notice);
        void toastFor(client, name, notice).then((toast) => toast && toasts.show(toast));
      },
    ]);
    return Object.fromEntries(entries);
  }, [userId, client, toasts]);

  const status = useEventStream(userId ? "/api/me/events" : null, handlers);
  const value = useMemo<NoticesValue>(
    () => ({
      status,
      subscribe: (listener) => {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
    }),
    [status],
  );
  return <NoticesContext.Provider value={value}>{children}</NoticesContext.Provider>;
}

/** Calls `listener` for every private notice while the component is mounted. */
export function useNotices(listener: Listener): LiveStatus {
  const { status, subscribe } = useContext(NoticesContext);
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => subscribe((name, notice) => latest.current(name, notice)), [subscribe]);
  return status;
}

async function toastFor(client: QueryClient, name: NoticeName, n: Notice): Promise<Omit<Toast, "id"> | null> {
  const info = await auctionInfo(client, n.auctionId);
  const title = info ? `“${info.title}”` : "an auction";
  const money = (amount: number | null | undefined) => (info ? formatMoney(amount, info.currency) : String(amount ?? "—"));
  switch (name) {
    case "bid.accepted":
      return {
        kind: "success",
        topic: name,
        title: `Bid accepted: ${money(n.amount)}`,
        body: n.leading
          ? `You are the highest bidder on ${title}.`
          : `Another bidder's maximum is higher on ${title}: the price is now ${money(n.currentPrice)}.`,
      };
    case "bid.rejected":
      return {
        kind: "error",
        topic: name,
        title: "Bid rejected",
        body: `Your bid on ${title} was rejected: ${reasonInWords(n.reason)}.`,
      };
    case "outbid":
      return {
        kind: "warning",
        topic: name,
        title: "You have been outbid",
        body: `The price of ${title} is now ${money(n.currentPrice)}.`,
      };
    case "won":
      return {
        kind: "won",
        topic: name,
        title: "You won!",
        body: `${title} is yours for ${money(n.finalPrice)}.`,
      };
    case "auction.closed":
      return {
        kind: "info",
        topic: name,
        title: "Auction ended",
        body: n.finalPrice ? `${title} sold to another bidder for ${money(n.finalPrice)}.` : `${title} ended without a sale.`,
      };
    case "auction.ending":
      return { kind: "info", topic: name, title: "Ending soon", body: `${title} is about to close.` };
  }
}
