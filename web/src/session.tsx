// Who is signed in. The access token lives in the HttpOnly cookie login and signup set;
// the app only keeps the user the API returned, and asks GET /api/me on load.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { ApiError, UNAUTHORIZED } from "./api/client";
import { auth } from "./api/endpoints";
import type { User } from "./api/types";

interface SessionValue {
  user: User | null;
  /** False until the first GET /api/me answered. */
  ready: boolean;
  isAdmin: boolean;
  login(email: string, password: string): Promise<User>;
  signup(email: string, password: string, displayName: string): Promise<User>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let live = true;
    auth
      .me()
      .then((me) => live && setUser(me))
      .catch((e: unknown) => {
        if (!(e instanceof ApiError && e.status === 401)) console.warn("could not load the session", e);
      })
      .finally(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, []);

  const login = useCallback(async (email: string, password: string) => {
    const session = await auth.login(email, password);
    setUser(session.user);
    return session.user;
  }, []);
  const signup = useCallback(async (email: string, password: string, displayName: string) => {
    const session = await auth.signup(email, password, displayName);
    setUser(session.user);
    return session.user;
  }, []);
  const logout = useCallback(async () => {
    try {
      await auth.logout();
    } finally {
      setUser(null);
    }
  }, []);
  useEffect(() => {
    const forget = () => setUser(null);
    window.addEventListener(UNAUTHORIZED, forget);
    return () => window.removeEventListener(UNAUTHORIZED, forget);
  }, []);

  const value = useMemo<SessionValue>(
    () => ({ user, ready, isAdmin: !!user?.roles.includes("admin"), login, signup, logout }),
    [user, ready, login, signup, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
