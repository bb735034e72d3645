// The signed-in user's private stream (/api/me/events): every notice becomes a toast,
// updates the statuses of the bids this browser tracks, and reaches the pages that listen.

import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from "react";
import { reasonInWords } from "../api/reasons";
import { useToasts, type Toast } from "../components/Toasts";
import { formatMoney } from "../format/money";
import { useSession } from "../session";
import { auctionInfo } from "./auctionInfo";
import { updateTrackedBid } from "./myBids";
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
  subscribe(listener: Listener): () => void;
}

const NoticesContext = createContext<NoticesValue>({ status: "off", subscribe: () => () => {} });

export function NoticesProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const toasts = useToasts();
  const listeners = useRef(new Set<Listener>());
  const userId = user?.id ?? null;

  const handlers = useMemo<StreamHandlers>(() => {
    const entries = NOTICE_NAMES.map((name) => [
      name,
      (data: unknown) => {
        const notice = data as Notice;
        if (!notice || typeof notice.auctionId !== "string") return;
        if (userId && notice.bidId && (name === "bid.accepted" || name === "bid.rejected")) {
          updateTrackedBid(userId, notice.bidId, {
            status: name === "bid.accepted" ? "accepted" : "rejected",
            reason: notice.reason,
            seq: name === "bid.accepted" ? notice.seq : undefined,
          });
        }
        for (const listener of listeners.current) listener(name, notice);
        void toastFor(name, notice).then((toast) => toast && toasts.show(toast));
      },
    ]);
    return Object.fromEntries(entries);
  }, [userId, toasts]);

  const status = useEventStream(userId ? "/api/me/events" : null, handlers);
  const value = useMemo<NoticesValue>(
    () => ({
      status,
      subscribe(listener) {
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
  latest.current = listener;
  useEffect(() => subscribe((name, notice) => latest.current(name, notice)), [subscribe]);
  return status;
}

async function toastFor(name: NoticeName, n: Notice): Promise<Omit<Toast, "id"> | null> {
  const info = await auctionInfo(n.auctionId);
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
