// The signed-in user's watchlist (the ["watchlist", userId] query): which auctions are
// watched, for the star toggles and the watchlist page.

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { watchlist as api } from "./api/endpoints";
import { watchlistQuery } from "./api/queries";
import { queryKeys } from "./api/queryKeys";
import type { Auction } from "./api/types";
import { useSession } from "./session";

export interface WatchlistValue {
  items: Auction[];
  loaded: boolean;
  isWatched: (id: string) => boolean;
  /** Watches or unwatches; resolves to the new state. */
  toggle: (auction: Auction) => Promise<boolean>;
}

const NONE: Auction[] = [];

/** `refreshMs` polls the list (the watchlist page shows prices from it). */
export function useWatchlist(refreshMs?: number): WatchlistValue {
  const { user } = useSession();
  const client = useQueryClient();
  const userId = user?.id ?? null;
  const query = useQuery({
    ...watchlistQuery(userId ?? ""),
    enabled: userId !== null,
    refetchInterval: refreshMs ?? false,
  });
  const items = userId ? (query.data ?? NONE) : NONE;

  const isWatched = useCallback((id: string) => items.some((a) => a.id === id), [items]);

  const toggle = useCallback(
    async (auction: Auction) => {
      if (!userId) throw new Error("not signed in");
      const key = queryKeys.watchlist(userId);
      const watched = (client.getQueryData<Auction[]>(key) ?? []).some((a) => a.id === auction.id);
      if (watched) await api.remove(auction.id);
      else await api.add(auction.id);
      // A refresh that left before the change must not bring the old list back.
      await client.cancelQueries({ queryKey: key });
      client.setQueryData<Auction[]>(key, (all = []) =>
        watched ? all.filter((a) => a.id !== auction.id) : [auction, ...all.filter((a) => a.id !== auction.id)],
      );
      return !watched;
    },
    [client, userId],
  );

  return useMemo(
    () => ({ items, loaded: userId !== null && !query.isPending, isWatched, toggle }),
    [items, userId, query.isPending, isWatched, toggle],
  );
}
