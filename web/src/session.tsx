// Who is signed in. The access token lives in the HttpOnly cookie login and signup set;
// the app only keeps the user the API returned (the ["me"] query, asked on load).

import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo } from "react";
import { UNAUTHORIZED } from "./api/client";
import { auth } from "./api/endpoints";
import { meQuery } from "./api/queries";
import { queryKeys } from "./api/queryKeys";
import type { User } from "./api/types";

export interface SessionValue {
  user: User | null;
  /** False until the first GET /api/me answered. */
  ready: boolean;
  isAdmin: boolean;
  login: (email: string, password: string) => Promise<User>;
  signup: (email: string, password: string, displayName: string) => Promise<User>;
  logout: () => Promise<void>;
}

export function useSession(): SessionValue {
  const client = useQueryClient();
  const me = useQuery(meQuery);
  const user = me.data ?? null;

  useEffect(() => {
    if (me.error) console.warn("could not load the session", me.error);
  }, [me.error]);

  const login = useCallback(
    async (email: string, password: string) => {
      const session = await auth.login(email, password);
      client.setQueryData(queryKeys.me, session.user);
      return session.user;
    },
    [client],
  );
  const signup = useCallback(
    async (email: string, password: string, displayName: string) => {
      const session = await auth.signup(email, password, displayName);
      client.setQueryData(queryKeys.me, session.user);
      return session.user;
    },
    [client],
  );
  const logout = useCallback(async () => {
    try {
      await auth.logout();
    } finally {
      forgetUser(client);
    }
  }, [client]);

  return useMemo<SessionValue>(
    () => ({ user, ready: !me.isPending, isAdmin: !!user?.roles.includes("admin"), login, signup, logout }),
    [user, me.isPending, login, signup, logout],
  );
}

/** Signed out: the user and everything that was theirs leave the cache. */
function forgetUser(client: QueryClient): void {
  client.setQueryData(queryKeys.me, null);
  for (const key of [queryKeys.watchlists, queryKeys.myBidsOfAnyone]) client.removeQueries({ queryKey: key });
}

/** Forgets the user whenever the API answers 401 (the cookie expired or was revoked). */
export function SessionExpiry() {
  const client = useQueryClient();
  useEffect(() => {
    const forget = () => {
      if (client.getQueryData(queryKeys.me)) forgetUser(client);
    };
    window.addEventListener(UNAUTHORIZED, forget);
    return () => window.removeEventListener(UNAUTHORIZED, forget);
  }, [client]);
  return null;
}
