// Admin: pending listings get a window (start and end pickers, in local time) and are
// scheduled, or cancelled; scheduled and live auctions can still be cancelled.

import { useQueries, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { describeError } from "../api/client";
import { auctions } from "../api/endpoints";
import { auctionListQuery } from "../api/queries";
import { queryKeys } from "../api/queryKeys";
import type { Auction } from "../api/types";
import { categoryName, StatusBadge } from "../components/Badges";
import { Countdown } from "../components/Countdown";
import { Field } from "../components/Field";
import { useToasts } from "../components/Toasts";
import { formatMoney } from "../format/money";
import { formatDateTime } from "../format/time";
import { Link } from "../router";
import { replaceAuction } from "../live/auctionCache";
import { useSession } from "../session";

/** A Date as a datetime-local value ("2026-05-01T14:30:00", local time). */
function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

const REVIEWED = ["pending", "scheduled", "open"] as const;
const LIST_LIMIT = 100;

function fromLocalInput(value: string): Date | null {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? date : null;
}

/** The admin changed `auction`: its page shows the answer, the lists are asked again. */
function changed(client: QueryClient, auction: Auction): void {
  replaceAuction(client, auction);
  void client.invalidateQueries({ queryKey: queryKeys.auctionLists });
}

function PendingRow({ auction }: { auction: Auction }) {
  const toasts = useToasts();
  const client = useQueryClient();
  const [startsAt, setStartsAt] = useState(() => toLocalInput(new Date(Date.now() + 60_000)));
  const [endsAt, setEndsAt] = useState(() => toLocalInput(new Date(Date.now() + 60_000 + 7 * 86_400_000)));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `schedule-${auction.id}`;

  const schedule = async () => {
    setError(null);
    const start = fromLocalInput(startsAt);
    const end = fromLocalInput(endsAt);
    if (!start || !end) {
      setError("Pick both a start and an end.");
      return;
    }
    setBusy(true);
    try {
      changed(client, await auctions.schedule(auction.id, start.toISOString(), end.toISOString()));
      toasts.show({ kind: "success", title: "Scheduled", body: `“${auction.title}” opens ${formatDateTime(start.toISOString())}.` });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const cancel = async () => {
    setError(null);
    setBusy(true);
    try {
      changed(client, await auctions.cancel(auction.id));
      toasts.show({ kind: "info", title: "Cancelled", body: `“${auction.title}” will not be auctioned.` });
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="card admin-row" data-auction-id={auction.id}>
      <div className="admin-row-head">
        <div>
          <h3>
            <Link to={`/auctions/${auction.id}`}>{auction.title}</Link>
          </h3>
          <p className="muted small">
            {categoryName(auction.category)} · starts at {formatMoney(auction.startingPrice, auction.currency)}
            {auction.buyNowPrice != null && ` · buy now ${formatMoney(auction.buyNowPrice, auction.currency)}`}
          </p>
        </div>
        <StatusBadge status={auction.status} />
      </div>
      <div className="admin-row-controls">
        <Field id={`${base}-start`} label="Starts">
          <input type="datetime-local" step={1} name="startsAt" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </Field>
        <Field id={`${base}-end`} label="Ends">
          <input type="datetime-local" step={1} name="endsAt" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
        </Field>
        <div className="admin-row-actions">
          <button type="button" className="button primary" onClick={() => void schedule()} disabled={busy}>
            Schedule
          </button>
          <button type="button" className="button danger ghost" onClick={() => void cancel()} disabled={busy}>
            Cancel listing
          </button>
        </div>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

function ActiveRow({ auction }: { auction: Auction }) {
  const toasts = useToasts();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const cancel = async () => {
    setBusy(true);
    try {
      changed(client, await auctions.cancel(auction.id));
      toasts.show({ kind: "info", title: "Cancelled", body: `“${auction.title}” was cancelled.` });
    } catch (e) {
      toasts.show({ kind: "error", title: "Not cancelled", body: describeError(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="admin-active" data-auction-id={auction.id}>
      <Link to={`/auctions/${auction.id}`}>{auction.title}</Link>
      <StatusBadge status={auction.status} />
      <Countdown auction={auction} />
      <button type="button" className="button small danger ghost" onClick={() => void cancel()} disabled={busy}>
        Cancel
      </button>
    </li>
  );
}

export function AdminPage() {
  const { isAdmin, user, ready } = useSession();
  const lists = useQueries({
    queries: REVIEWED.map((status) => ({ ...auctionListQuery({ status, limit: LIST_LIMIT }), enabled: isAdmin })),
    combine: (results) => ({
      // Each list shows what is still in its state (an answer may have moved one on).
      byStatus: results.map((r, i) => r.data?.items.filter((a) => a.status === REVIEWED[i]) ?? null),
      error: results.find((r) => r.error)?.error ?? null,
    }),
  });
  const [pendingItems, scheduled, opened] = lists.byStatus;
  const pending = pendingItems ?? null;
  const active = [...(opened ?? []), ...(scheduled ?? [])];
  const error = lists.error ? describeError(lists.error) : null;

  useEffect(() => {
    document.title = "Admin — Gavel";
  }, []);

  if (!ready) return <div className="loading">Loading…</div>;
  if (!user || !isAdmin)
    return (
      <div className="card empty-state">
        <h1>Admins only</h1>
        <p className="muted">Sign in with an admin account to schedule listings.</p>
        {!user && (
          <Link className="button primary" to="/login?next=/admin">
            Sign in
          </Link>
        )}
      </div>
    );

  return (
    <div className="admin-page">
      <h1>Listings to review</h1>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {pending === null ? (
        <p className="loading">Loading…</p>
      ) : pending.length === 0 ? (
        <p className="muted card empty-state">Nothing waiting: every listing is scheduled.</p>
      ) : (
        <ul className="admin-list">
          {pending.map((a) => (
            <PendingRow key={a.id} auction={a} />
          ))}
        </ul>
      )}
      <h2>Scheduled and live</h2>
      {active.length === 0 ? (
        <p className="muted">No auctions are scheduled or running.</p>
      ) : (
        <ul className="card admin-actives">
          {active.map((a) => (
            <ActiveRow key={a.id} auction={a} />
          ))}
        </ul>
      )}
    </div>
  );
}
