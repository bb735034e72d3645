//! The bid generator: open loop on a fixed schedule (bid k is due at `k / rate` seconds),
//! with at most one bid in flight per auction. Each auction's next bid goes out only
//! after the previous one was answered `202`, so it lands behind it on the command topic;
//! its amount is two increments above the previous bid and its bidder differs from the
//! previous one, so the engine accepts nearly every bid. When every auction has a bid in
//! flight the due bid waits: that lateness is reported, not hidden. Nothing is sent after
//! the run's duration: bids still due then are counted as not sent, so a platform that
//! cannot keep up shows a lower rate instead of a longer run. Each auction's bids go over
//! one kept-alive connection of its own ([`crate::http1`]).

use crate::http1::Connection;
use bidding::domain::IncrementTable;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

use crate::latency::Latencies;

/// Bidders taking turns on one auction: a handful, as on a real lot (every one of them is
/// kept in the engine's state of the auction).
pub const BIDDERS_PER_AUCTION: usize = 8;

/// A bid later than this behind its schedule counts as a late start.
pub const LATE_AFTER: Duration = Duration::from_millis(5);

/// The bids of one auction: who bids next, and how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ladder {
    /// Index of the auction; its bidders are chosen from it.
    pub auction: usize,
    pub bids: u64,
    /// Amount of the last bid sent (the starting price before the first).
    pub last_amount: i64,
}

impl Ladder {
    pub fn new(auction: usize, starting_price: i64) -> Self {
        Self {
            auction,
            bids: 0,
            last_amount: starting_price,
        }
    }

    /// The next bid `(bidder index, amount)`: two increments above the last bid, which
    /// is at least one above the current price whatever the engine decided for it, and
    /// from another bidder than the last one (with two bidders or more). The auction's
    /// [`BIDDERS_PER_AUCTION`] bidders take turns.
    pub fn next(&mut self, bidders: usize, increments: &IncrementTable) -> (usize, i64) {
        let bidders = bidders.max(1);
        let group = BIDDERS_PER_AUCTION.min(bidders);
        let turn = (self.bids % group as u64) as usize;
        let bidder = (self.auction * group + turn) % bidders;
        let increment = increments
            .increment_at(vocabulary::Amount::minor(self.last_amount))
            .get();
        let amount = self.last_amount + 2 * increment;
        self.bids += 1;
        self.last_amount = amount;
        (bidder, amount)
    }
}

#[derive(Clone, Debug)]
pub struct LoadConfig {
    /// Bids per second on the schedule.
    pub rate: u32,
    pub duration: Duration,
    /// Longest wait for one answer.
    pub request_timeout: Duration,
}

/// What the client saw.
#[derive(Default)]
pub struct LoadResult {
    /// Bids the schedule held for the run.
    pub scheduled: u64,
    pub sent: u64,
    pub accepted_202: u64,
    /// Answers other than 202, by status.
    pub other_statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer (connection error or timeout).
    pub failed: u64,
    /// Send → 202, as the client measured it.
    pub latency_202: Latencies,
    /// Each bid answered 202, with the wall-clock time the answer arrived (to set against
    /// the time its decision was stored).
    pub answered: Vec<(uuid::Uuid, DateTime<Utc>)>,
    /// Bids sent more than [`LATE_AFTER`] behind their schedule.
    pub late_starts: u64,
    pub max_lateness: Duration,
    /// From the first bid due to the last answer.
    pub elapsed: Duration,
}

/// Sends one bid request and tallies its answer in `result`. `on_send` runs at the instant
/// the request goes out.
pub async fn send_bid(
    request: reqwest::RequestBuilder,
    result: &Mutex<LoadResult>,
    on_send: impl FnOnce(Instant),
) {
    let sent = Instant::now();
    on_send(sent);
    let answer = match request.send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            // Read the body so the connection goes back to the pool.
            let body = res.bytes().await.unwrap_or_default();
            Some((status, body.to_vec()))
        }
        Err(_) => None,
    };
    tally(result, sent, answer);
}

/// Counts the answer to a bid sent at `sent`: `(status, body)`, or `None` when none came.
pub fn tally(result: &Mutex<LoadResult>, sent: Instant, answer: Option<(u16, Vec<u8>)>) {
    let took = sent.elapsed();
    let answered_at = Utc::now();
    let mut r = result.lock().expect("no panic while holding the lock");
    r.sent += 1;
    match answer {
        Some((202, body)) => {
            r.accepted_202 += 1;
            r.latency_202.record(took);
            if let Some(bid_id) = bid_id_of(&body) {
                r.answered.push((bid_id, answered_at));
            }
        }
        Some((status, _)) => *r.other_statuses.entry(status).or_default() += 1,
        None => r.failed += 1,
    }
}

/// The `bidId` of a `202 {bidId, status}` answer.
fn bid_id_of(body: &[u8]) -> Option<uuid::Uuid> {
    let answer: serde_json::Value = serde_json::from_slice(body).ok()?;
    answer.get("bidId")?.as_str()?.parse().ok()
}

/// Everything the generator needs about the platform under test.
pub struct Targets {
    /// The gateway's address, and its name for the `Host` header.
    pub gateway: SocketAddr,
    pub host: String,
    /// Path of each auction's bids (`/api/auctions/{id}/bids`).
    pub bid_paths: Vec<String>,
    pub starting_prices: Vec<i64>,
    /// `Authorization` header value of each bidder.
    pub bidders: Vec<String>,
    pub increments: IncrementTable,
}

/// An auction's bids and the connection they go over.
struct Lane {
    ladder: Ladder,
    connection: Connection,
}

pub async fn run(targets: Arc<Targets>, config: &LoadConfig) -> LoadResult {
    let auctions = targets.bid_paths.len();
    let result = Arc::new(Mutex::new(LoadResult::default()));
    let (idle_tx, mut idle_rx) = mpsc::unbounded_channel::<Lane>();
    for (i, price) in targets.starting_prices.iter().enumerate() {
        let lane = Lane {
            ladder: Ladder::new(i, *price),
            connection: Connection::new(targets.gateway, targets.host.clone()),
        };
        idle_tx.send(lane).ok();
    }
    let interval = Duration::from_secs_f64(1.0 / f64::from(config.rate.max(1)));
    let total = (config.duration.as_secs_f64() * f64::from(config.rate)).floor() as u64;
    let started = Instant::now();
    let end = started + config.duration;
    let mut late = (0u64, Duration::ZERO);
    for k in 0..total {
        let due = started + interval.mul_f64(k as f64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
        let Ok(Some(mut lane)) = tokio::time::timeout_at(end.into(), idle_rx.recv()).await else {
            break;
        };
        let lateness = Instant::now().saturating_duration_since(due);
        if lateness > LATE_AFTER {
            late.0 += 1;
        }
        late.1 = late.1.max(lateness);
        let (bidder, amount) = lane.ladder.next(targets.bidders.len(), &targets.increments);
        let targets = targets.clone();
        let result = result.clone();
        let idle_tx = idle_tx.clone();
        let timeout = config.request_timeout;
        tokio::spawn(async move {
            let body = format!("{{\"amount\":{amount}}}");
            let auth = [("Authorization", targets.bidders[bidder].as_bytes())];
            let path = &targets.bid_paths[lane.ladder.auction];
            let sent = Instant::now();
            let answer = tokio::time::timeout(
                timeout,
                lane.connection.post_json(path, &auth, body.as_bytes()),
            )
            .await;
            let answer = match answer {
                Ok(Ok(response)) => Some((response.status, response.body)),
                _ => None,
            };
            tally(&result, sent, answer);
            idle_tx.send(lane).ok();
        });
    }
    // Every auction back in the idle queue means every bid was answered (or timed out).
    for _ in 0..auctions {
        if idle_rx.recv().await.is_none() {
            break;
        }
    }
    let elapsed = started.elapsed();
    drop(idle_tx);
    let mut out = std::mem::take(&mut *result.lock().expect("no panic while holding the lock"));
    out.scheduled = total;
    out.late_starts = late.0;
    out.max_lateness = late.1;
    out.elapsed = elapsed;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bid_id_is_read_from_the_202_body() {
        let id = uuid::Uuid::new_v4();
        let body = format!("{{\"bidId\":\"{id}\",\"status\":\"pending\"}}");
        assert_eq!(bid_id_of(body.as_bytes()), Some(id));
        assert_eq!(bid_id_of(b"{\"status\":\"pending\"}"), None);
        assert_eq!(bid_id_of(b"not json"), None);
    }

    #[test]
    fn ladders_climb_by_two_increments_and_rotate_bidders() {
        let table = IncrementTable::parse("0:5,100:25").unwrap();
        let mut ladder = Ladder::new(3, 90);
        // Four bidders in all: auction 3 takes turns among bidders 0..4 from 3 * 4 % 4 = 0.
        assert_eq!(ladder.next(4, &table), (0, 100));
        assert_eq!(ladder.next(4, &table), (1, 150));
        assert_eq!(ladder.next(4, &table), (2, 200));
        assert_eq!(ladder.bids, 3);
        // 100 bidders: auction 3 has bidders 24..32, in turn.
        let mut ladder = Ladder::new(3, 90);
        let turns: Vec<usize> = (0..10).map(|_| ladder.next(100, &table).0).collect();
        assert_eq!(turns, vec![24, 25, 26, 27, 28, 29, 30, 31, 24, 25]);
    }

    #[test]
    fn consecutive_bids_on_an_auction_never_come_from_one_bidder() {
        let table = IncrementTable::default();
        for bidders in [2, 3, 5, 8, 9, 200] {
            let mut ladder = Ladder::new(7, 1_000);
            let mut last: Option<(usize, i64)> = None;
            for _ in 0..50 {
                let (bidder, amount) = ladder.next(bidders, &table);
                if let Some((b, a)) = last {
                    assert_ne!(b, bidder);
                    // Whatever the price after the previous bid, this one clears it.
                    let after = table.step_above(vocabulary::Amount::minor(a)).get();
                    assert!(amount >= after, "{amount} after {a}");
                }
                last = Some((bidder, amount));
            }
        }
    }
}
