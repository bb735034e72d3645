// The user's bids with their statuses, and where each auction stands for them. From
// GET /api/me/bids where the platform has it; otherwise from the bids this browser placed,
// their statuses checked with GET /api/bids/{id}.

import { useQueries, useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { describeError } from "../api/client";
import { auctionQuery } from "../api/queries";
import { reasonInWords } from "../api/reasons";
import type { Auction, Bid, User } from "../api/types";
import { StatusBadge } from "../components/Badges";
import { formatMoney } from "../format/money";
import { formatDateTime } from "../format/time";
import { myBidsQuery } from "../live/myBids";
import { Link } from "../router";
import { useSession } from "../session";

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
  // The bids, and each auction they were placed on: the same cache entries the auction
  // pages and the private stream keep current.
  const mine = useQuery({ ...myBidsQuery(user?.id ?? ""), enabled: !!user });
  const bids = mine.data?.bids ?? null;
  const ids = [...new Set((bids ?? []).map((b) => b.auctionId))];
  const byId = useQueries({
    queries: ids.map((id) => auctionQuery(id)),
    combine: (results) => {
      const found: Record<string, Auction> = {};
      for (const r of results) if (r.data) found[r.data.id] = r.data;
      return found;
    },
  });
  const error = mine.error ? describeError(mine.error) : null;

  useEffect(() => {
    document.title = "My bids — Gavel";
  }, []);

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
      {mine.data?.source === "browser" && <p className="muted small">Showing the bids placed from this browser.</p>}
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
