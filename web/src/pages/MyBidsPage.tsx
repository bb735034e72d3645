// The user's bids with their statuses, and where each auction stands for them. From
// GET /api/me/bids where the platform has it; otherwise from the bids this browser placed,
// their statuses checked with GET /api/bids/{id}.

import { useCallback, useEffect, useState } from "react";
import { ApiError, describeError } from "../api/client";
import { auctions, bidding } from "../api/endpoints";
import { reasonInWords } from "../api/reasons";
import type { Auction, Bid, User } from "../api/types";
import { StatusBadge } from "../components/Badges";
import { formatMoney } from "../format/money";
import { formatDateTime } from "../format/time";
import { onTrackedBidsChanged, trackedBids, updateTrackedBid } from "../live/myBids";
import { useNotices } from "../live/notices";
import { Link } from "../router";
import { useSession } from "../session";

type Source = "platform" | "browser";

async function loadBids(user: User): Promise<{ bids: Bid[]; source: Source }> {
  try {
    const page = await bidding.mine(undefined, 100);
    return { bids: page.items, source: "platform" };
  } catch (e) {
    if (!(e instanceof ApiError && (e.status === 404 || e.status === 405))) throw e;
  }
  const local = trackedBids(user.id);
  await Promise.all(
    local
      .filter((b) => b.status === "pending")
      .map(async (b) => {
        try {
          const fresh = await bidding.get(b.bidId);
          updateTrackedBid(user.id, b.bidId, { status: fresh.status, reason: fresh.reason, seq: fresh.seq });
        } catch {
          // Still pending as far as this page knows; the private stream will tell.
        }
      }),
  );
  return { bids: trackedBids(user.id), source: "browser" };
}

function standing(auction: Auction | undefined, user: User, bids: Bid[]): { text: string; tone: string } {
  if (!auction) return { text: "—", tone: "" };
  const anyAccepted = bids.some((b) => b.status === "accepted");
  switch (auction.status) {
    case "closed":
      return auction.winnerId === user.id ? { text: "Won", tone: "won" } : { text: anyAccepted ? "Lost" : "Ended", tone: "lost" };
    case "cancelled":
      return { text: "Cancelled", tone: "lost" };
    case "open":
      if (auction.leadingBidderId === user.id) return { text: "Highest bidder", tone: "leading" };
      return anyAccepted ? { text: "Outbid", tone: "outbid" } : { text: "No accepted bid", tone: "" };
    default:
      return { text: "Not started", tone: "" };
  }
}

export function MyBidsPage() {
  const { user } = useSession();
  const [bids, setBids] = useState<Bid[] | null>(null);
  const [source, setSource] = useState<Source>("platform");
  const [byId, setById] = useState<Record<string, Auction>>({});
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    if (!user) return;
    try {
      const loaded = await loadBids(user);
      setBids(loaded.bids);
      setSource(loaded.source);
      const ids = [...new Set(loaded.bids.map((b) => b.auctionId))];
      const found = await Promise.all(ids.map((id) => auctions.get(id).catch(() => null)));
      setById(Object.fromEntries(found.filter((a): a is Auction => a !== null).map((a) => [a.id, a])));
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  }, [user]);

  useEffect(() => {
    document.title = "My bids — Gavel";
    void refresh();
    return onTrackedBidsChanged(() => void refresh());
  }, [refresh]);
  useNotices(() => void refresh());

  if (!user)
    return (
      <div className="card empty-state">
        <h1>My bids</h1>
        <p className="muted">Sign in to see your bids.</p>
        <Link className="button primary" to="/login?next=/me/bids">
          Sign in
        </Link>
      </div>
    );

  const groups = new Map<string, Bid[]>();
  for (const b of bids ?? []) groups.set(b.auctionId, [...(groups.get(b.auctionId) ?? []), b]);

  return (
    <div className="my-bids">
      <h1>My bids</h1>
      {source === "browser" && <p className="muted small">Showing the bids placed from this browser.</p>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {bids === null ? (
        <p className="loading">Loading…</p>
      ) : bids.length === 0 ? (
        <div className="card empty-state">
          <h2>No bids yet</h2>
          <Link className="button primary" to="/?status=open">
            Find a live auction
          </Link>
        </div>
      ) : (
        [...groups.entries()].map(([auctionId, list]) => {
          const auction = byId[auctionId];
          const stand = standing(auction, user, list);
          const currency = auction?.currency ?? "KRW";
          return (
            <section className="card my-bid-group" key={auctionId} data-auction-id={auctionId}>
              <header>
                <h2>
                  <Link to={`/auctions/${auctionId}`}>{auction?.title ?? "Auction"}</Link>
                </h2>
                {auction && <StatusBadge status={auction.status} />}
                <span className={`standing standing-${stand.tone}`} data-testid="standing">
                  {stand.text}
                </span>
              </header>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Placed</th>
                      <th scope="col">Bid</th>
                      <th scope="col">Maximum</th>
                      <th scope="col">Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((b) => (
                      <tr key={b.bidId} data-bid-status={b.status}>
                        <td>{formatDateTime(b.placedAt)}</td>
                        <td>{b.kind === "buy_now" ? `Buy now ${formatMoney(b.amount, currency)}` : formatMoney(b.amount, currency)}</td>
                        <td>{b.maxAmount ? formatMoney(b.maxAmount, currency) : "—"}</td>
                        <td>
                          <span className={`bid-status bid-${b.status}`}>{b.status}</span>
                          {b.status === "rejected" && <span className="muted small"> — {reasonInWords(b.reason)}</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          );
        })
      )}
    </div>
  );
}
