import { QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { createQueryClient } from "./api/queryClient";
import { ToastProvider, useToasts } from "./components/Toasts";
import { NoticesProvider } from "./live/notices";
import { AdminPage } from "./pages/AdminPage";
import { AuctionPage } from "./pages/AuctionPage";
import { AuthPage } from "./pages/AuthPage";
import { BrowsePage } from "./pages/BrowsePage";
import { MyBidsPage } from "./pages/MyBidsPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SellPage } from "./pages/SellPage";
import { WatchlistPage } from "./pages/WatchlistPage";
import { Link, matchPath, navigate, RouterProvider, useLocation } from "./router";
import { SessionExpiry, useSession } from "./session";

function Page() {
  const { path } = useLocation();
  const auction = matchPath("/auctions/:id", path);
  if (auction) return <AuctionPage key={auction.id} id={auction.id!} />;
  switch (path) {
    case "/":
      return <BrowsePage />;
    case "/sell":
      return <SellPage />;
    case "/admin":
      return <AdminPage />;
    case "/login":
      return <AuthPage mode="login" />;
    case "/signup":
      return <AuthPage mode="signup" />;
    case "/me/bids":
      return <MyBidsPage />;
    case "/watchlist":
      return <WatchlistPage />;
    default:
      return <NotFoundPage />;
  }
}

function Header() {
  const { user, isAdmin, logout } = useSession();
  const toasts = useToasts();
  const { path } = useLocation();
  // The menu (on narrow screens) stays open on the page it was opened on: following a
  // link closes it.
  const [menuOpenOn, setMenuOpenOn] = useState<string | null>(null);
  const menuOpen = menuOpenOn === path;

  const onLogout = async () => {
    await logout().catch(() => {});
    toasts.show({ kind: "info", title: "Signed out" });
    navigate("/");
  };

  return (
    <header className="site-header">
      <div className="container header-inner">
        <Link to="/" className="brand" aria-label="Gavel home">
          <span className="brand-mark" aria-hidden="true">
            G
          </span>
          Gavel
        </Link>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="site-nav"
          onClick={() => setMenuOpenOn(menuOpen ? null : path)}
        >
          <span className="visually-hidden">Menu</span>
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <path d="M4 7h16M4 12h16M4 17h16" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </button>
        <nav id="site-nav" className={`site-nav ${menuOpen ? "open" : ""}`} aria-label="Main">
          <Link to="/">Browse</Link>
          <Link to="/sell">Sell</Link>
          {user && <Link to="/me/bids">My bids</Link>}
          {user && <Link to="/watchlist">Watchlist</Link>}
          {isAdmin && <Link to="/admin">Admin</Link>}
          <span className="nav-spacer" />
          {user ? (
            <>
              <span className="user-chip" title={user.email}>
                <span className="avatar" aria-hidden="true">
                  {user.displayName.slice(0, 1).toUpperCase()}
                </span>
                <span data-testid="user-name">{user.displayName}</span>
              </span>
              <button type="button" className="button ghost small" onClick={() => void onLogout()}>
                Sign out
              </button>
            </>
          ) : (
            <>
              <Link to="/login">Sign in</Link>
              <Link to="/signup" className="button primary small">
                Sign up
              </Link>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}

/** Moves focus to the page's content after navigation, so keyboard users start there. */
function Main() {
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [path]);
  return (
    <main id="main" ref={main} tabIndex={-1} className="container">
      <Page />
    </main>
  );
}

const queryClient = createQueryClient();

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider>
        <ToastProvider>
          <SessionExpiry />
          <NoticesProvider>
            <a href="#main" className="skip-link">
              Skip to content
            </a>
            <Header />
            <Main />
            <footer className="site-footer container muted small">Gavel · live auctions · prices update as bids land</footer>
          </NoticesProvider>
        </ToastProvider>
      </RouterProvider>
    </QueryClientProvider>
  );
}
