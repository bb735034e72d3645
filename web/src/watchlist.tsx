// The signed-in user's watchlist: which auctions are watched, for the star toggles and
// the watchlist page.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { watchlist as api } from "./api/endpoints";
import type { Auction } from "./api/types";
import { useSession } from "./session";

interface WatchlistValue {
  items: Auction[];
  loaded: boolean;
  isWatched(id: string): boolean;
  /** Watches or unwatches; resolves to the new state. */
  toggle(auction: Auction): Promise<boolean>;
  refresh(): Promise<void>;
}

const WatchlistContext = createContext<WatchlistValue | null>(null);

export function WatchlistProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const [items, setItems] = useState<Auction[]>([]);
  const [loaded, setLoaded] = useState(false);

  const refresh = useCallback(async () => {
    if (!user) return;
    const page = await api.list();
    setItems(page.items);
    setLoaded(true);
  }, [user]);

  useEffect(() => {
    setItems([]);
    setLoaded(false);
    if (user) refresh().catch(() => setLoaded(true));
  }, [user, refresh]);

  const isWatched = useCallback((id: string) => items.some((a) => a.id === id), [items]);

  const toggle = useCallback(
    async (auction: Auction) => {
      const watched = items.some((a) => a.id === auction.id);
      if (watched) {
        await api.remove(auction.id);
        setItems((all) => all.filter((a) => a.id !== auction.id));
      } else {
        await api.add(auction.id);
        setItems((all) => [auction, ...all.filter((a) => a.id !== auction.id)]);
      }
      return !watched;
    },
    [items],
  );

  const value = useMemo(() => ({ items, loaded, isWatched, toggle, refresh }), [items, loaded, isWatched, toggle, refresh]);
  return <WatchlistContext.Provider value={value}>{children}</WatchlistContext.Provider>;
}

export function useWatchlist(): WatchlistValue {
  const value = useContext(WatchlistContext);
  if (!value) throw new Error("useWatchlist outside WatchlistProvider");
  return value;
}
