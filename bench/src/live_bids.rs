//! The bids of the live benchmark: an open loop at a fixed rate (bid *j* is due at
//! *j* / rate seconds), spread over the auctions in turn, several in flight at once. Each
//! auction's bids have unique, rising amounts (`base + k × step` for its *k*-th bid) and
//! no maximum, so the `price` event an accepted bid causes carries that amount, and the
//! amount tells which request caused it and when that request was sent.
//!
//! Two ways to send them ([`BidOrder`]):
//! - **in order** ([`run_in_order`]): each auction's bids go over one connection of their
//!   own, written back to back without waiting for answers (HTTP/1.1 pipelining). The
//!   gateway serves a connection's requests one after another, so they reach the intake in
//!   the order they were sent and none overtakes another: every bid can be accepted. The
//!   gateway answers a request only once its bid is stored and published, so one
//!   connection carries one bid per bid-path latency, whatever the rate offered.
//! - **racing** ([`run`]): every bid is a request of its own over a pool of connections, as
//!   many bidders' browsers would send them. Bids in flight together may reach the intake
//!   out of order; a bid overtaken by a higher one is rejected (`below_minimum`), which
//!   the decisions show.
//!
//! Consecutive bids on an auction come from different bidders, so every accepted bid moves
//! the price.

use crate::http1;
use crate::load::{send_bid, tally, LoadResult, LATE_AFTER};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

/// How the bids are sent (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BidOrder {
    /// One pipelined connection per auction: bids arrive in the order they were sent.
    InOrder,
    /// A request per bid over a pool of connections: bids may overtake each other.
    Racing,
}

impl BidOrder {
    pub fn describe(self) -> &'static str {
        match self {
            BidOrder::InOrder => "in order (one pipelined connection per auction)",
            BidOrder::Racing => "racing (a request per bid over a connection pool)",
        }
    }
}

/// When each bid was sent, by auction and by its place on the auction's ladder.
pub struct BidLog {
    epoch: Instant,
    base: i64,
    step: i64,
    /// Microseconds after `epoch` plus one; 0 for a bid not sent.
    sent: Vec<Vec<AtomicU64>>,
}

impl BidLog {
    /// Room for `per_auction` bids on each of `auctions` auctions.
    pub fn new(auctions: usize, per_auction: usize, base: i64, step: i64) -> Self {
        Self {
            epoch: Instant::now(),
            base,
            step: step.max(1),
            sent: (0..auctions)
                .map(|_| (0..per_auction).map(|_| AtomicU64::new(0)).collect())
                .collect(),
        }
    }

    /// The amount of an auction's `k`-th bid.
    pub fn amount(&self, k: usize) -> i64 {
        self.base + self.step * k as i64
    }

    /// Appends the JSON body of the bid at place `k`.
    pub fn write_body(&self, k: usize, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "{{\"amount\":{}}}", self.amount(k));
    }

    fn place_of(&self, amount: i64) -> Option<usize> {
        let above = amount.checked_sub(self.base)?;
        (above % self.step == 0).then(|| usize::try_from(above / self.step).ok())?
    }

    pub fn record_sent(&self, auction: usize, k: usize, at: Instant) {
        if let Some(slot) = self.sent.get(auction).and_then(|a| a.get(k)) {
            let micros = at.saturating_duration_since(self.epoch).as_micros();
            slot.store(
                u64::try_from(micros).unwrap_or(u64::MAX - 1) + 1,
                Ordering::Relaxed,
            );
        }
    }

    /// When the bid of `amount` on `auction` was sent, if it was.
    pub fn sent_at(&self, auction: usize, amount: i64) -> Option<Instant> {
        let slot = self.sent.get(auction)?.get(self.place_of(amount)?)?;
        match slot.load(Ordering::Relaxed) {
            0 => None,
            micros => Some(self.epoch + Duration::from_micros(micros - 1)),
        }
    }
}

/// Everything the generator needs about the platform under test.
pub struct BidTargets {
    pub http: reqwest::Client,
    /// `POST` URL of each auction's bids.
    pub bid_urls: Vec<String>,
    /// `Authorization` header of each bidder.
    pub bidders: Vec<HeaderValue>,
}

#[derive(Clone, Debug)]
pub struct LiveBidConfig {
    /// Bids per second on the schedule, all auctions together.
    pub rate: u32,
    pub duration: Duration,
    /// Most requests in flight at once (racing), or unanswered on one auction's connection
    /// (in order); a due bid waits for one to finish.
    pub in_flight: usize,
    pub request_timeout: Duration,
}

/// The bidder of an auction's `k`-th bid: the bidders take turns, starting at a different
/// one on each auction, so two consecutive bids on an auction never share a bidder.
pub fn bidder_of(auction: usize, k: usize, bidders: usize) -> usize {
    (auction + k) % bidders.max(1)
}

/// The open loop both ways of sending share: bid *j* is due at *j* / rate seconds, the
/// auctions take turns, and nothing is sent after the run's duration. A bid that must wait
/// for room is late; lateness is reported, not hidden.
struct Schedule {
    started: Instant,
    end: Instant,
    interval: Duration,
    total: u64,
    /// Bids placed on each auction so far.
    placed: Vec<usize>,
    /// Bids sent later than [`LATE_AFTER`], and the latest.
    late: (u64, Duration),
}

impl Schedule {
    fn new(config: &LiveBidConfig, auctions: usize) -> Self {
        let started = Instant::now();
        Self {
            started,
            end: started + config.duration,
            interval: Duration::from_secs_f64(1.0 / f64::from(config.rate.max(1))),
            total: (config.duration.as_secs_f64() * f64::from(config.rate)).floor() as u64,
            placed: vec![0; auctions.max(1)],
            late: (0, Duration::ZERO),
        }
    }

    /// The auction of bid `j`, and its place on that auction's ladder.
    fn upcoming(&self, j: u64) -> (usize, usize) {
        let auction = (j % self.placed.len() as u64) as usize;
        (auction, self.placed[auction])
    }

    /// Waits until bid `j` is due and `room` has a permit; `None` once the run's time is up.
    async fn wait_for(&mut self, j: u64, room: &Arc<Semaphore>) -> Option<OwnedSemaphorePermit> {
        let due = self.started + self.interval.mul_f64(j as f64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            tokio::time::sleep(wait).await;
        }
        if Instant::now() >= self.end {
            return None;
        }
        let permit = tokio::time::timeout_at(self.end.into(), room.clone().acquire_owned())
            .await
            .ok()?
            .ok()?;
        let lateness = Instant::now().saturating_duration_since(due);
        if lateness > LATE_AFTER {
            self.late.0 += 1;
        }
        self.late.1 = self.late.1.max(lateness);
        Some(permit)
    }

    /// Takes bid `j`'s place: its auction and its place on that auction's ladder.
    fn place(&mut self, j: u64) -> (usize, usize) {
        let (auction, k) = self.upcoming(j);
        self.placed[auction] += 1;
        (auction, k)
    }

    /// What was tallied, with the schedule's own figures.
    fn finish(&self, result: &Mutex<LoadResult>) -> LoadResult {
        let mut out = std::mem::take(&mut *result.lock().expect("no panic while holding the lock"));
        out.scheduled = self.total;
        out.late_starts = self.late.0;
        out.max_lateness = self.late.1;
        out.elapsed = self.started.elapsed();
        out
    }
}

pub async fn run(targets: Arc<BidTargets>, log: Arc<BidLog>, config: &LiveBidConfig) -> LoadResult {
    let result = Arc::new(Mutex::new(LoadResult::default()));
    let permits = Arc::new(Semaphore::new(config.in_flight.max(1)));
    let mut schedule = Schedule::new(config, targets.bid_urls.len());
    for j in 0..schedule.total {
        let Some(permit) = schedule.wait_for(j, &permits).await else {
            break;
        };
        let (auction, k) = schedule.place(j);
        let bidder = bidder_of(auction, k, targets.bidders.len());
        let (targets, log, result) = (targets.clone(), log.clone(), result.clone());
        let timeout = config.request_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let request = targets
                .http
                .post(&targets.bid_urls[auction])
                .header(AUTHORIZATION, targets.bidders[bidder].clone())
                .header(CONTENT_TYPE, "application/json")
                .body({
                    let mut body = String::with_capacity(32);
                    log.write_body(k, &mut body);
                    body
                })
                .timeout(timeout);
            send_bid(request, &result, |sent| log.record_sent(auction, k, sent)).await;
        });
    }
    // Every permit back means every request was answered (or timed out).
    let _all = permits.acquire_many(config.in_flight.max(1) as u32).await;
    schedule.finish(&result)
}

/// Where the bids go when they are sent in order.
pub struct PipelineTargets {
    /// The gateway's address, and its name for the `Host` header.
    pub gateway: SocketAddr,
    pub host: String,
    /// Path of each auction's bids (`/api/auctions/{id}/bids`).
    pub bid_paths: Vec<String>,
    /// `Authorization` header value of each bidder.
    pub bidders: Vec<String>,
}

/// One auction's connection: its requests half, the room for unanswered requests, and
/// the queue telling its reader when each request went out.
struct Lane {
    requests: http1::Requests,
    room: Arc<Semaphore>,
    sent: mpsc::UnboundedSender<(Instant, OwnedSemaphorePermit)>,
    reader: tokio::task::JoinHandle<()>,
    /// Set when the connection failed: the lane's later bids are counted as failed.
    broken: bool,
}

/// Sends the bids in order (see the module's documentation): the same schedule, amounts
/// and bidders as [`run`], each auction's bids pipelined over one connection with at most
/// `in_flight` unanswered. A connection that fails is not reopened: the bids left on it
/// are counted as failed, so a failure shows in the figures.
pub async fn run_in_order(
    targets: Arc<PipelineTargets>,
    log: Arc<BidLog>,
    config: &LiveBidConfig,
) -> anyhow::Result<LoadResult> {
    let result = Arc::new(Mutex::new(LoadResult::default()));
    let mut lanes = Vec::with_capacity(targets.bid_paths.len());
    for _ in &targets.bid_paths {
        let (requests, answers) = http1::pipeline(targets.gateway, targets.host.clone()).await?;
        let (sent, queue) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_answers(
            answers,
            queue,
            result.clone(),
            config.request_timeout,
        ));
        lanes.push(Lane {
            requests,
            room: Arc::new(Semaphore::new(config.in_flight.max(1))),
            sent,
            reader,
            broken: false,
        });
    }
    let mut schedule = Schedule::new(config, lanes.len());
    let mut body = String::with_capacity(32);
    for j in 0..schedule.total {
        let (auction, _) = schedule.upcoming(j);
        let lane = &mut lanes[auction];
        let Some(permit) = schedule.wait_for(j, &lane.room).await else {
            break;
        };
        let (_, k) = schedule.place(j);
        let sent = Instant::now();
        if lane.broken {
            tally(&result, sent, None);
            continue;
        }
        let bidder = &targets.bidders[bidder_of(auction, k, targets.bidders.len())];
        body.clear();
        log.write_body(k, &mut body);
        log.record_sent(auction, k, sent);
        let auth = [("Authorization", bidder.as_bytes())];
        let path = &targets.bid_paths[auction];
        match lane.requests.post_json(path, &auth, body.as_bytes()).await {
            Ok(()) => lane.broken = lane.sent.send((sent, permit)).is_err(),
            Err(_) => {
                lane.broken = true;
                tally(&result, sent, None);
            }
        }
    }
    // The readers end once every request sent was answered (or failed).
    for lane in lanes {
        drop(lane.sent);
        lane.reader.await.ok();
    }
    Ok(schedule.finish(&result))
}

/// Reads a lane's answers in the order its requests went out, tallying each; once one
/// fails, the rest of the lane's requests are counted as failed.
async fn read_answers(
    mut answers: http1::Answers,
    mut queue: mpsc::UnboundedReceiver<(Instant, OwnedSemaphorePermit)>,
    result: Arc<Mutex<LoadResult>>,
    timeout: Duration,
) {
    let mut failed = false;
    while let Some((sent, permit)) = queue.recv().await {
        let answer = if failed {
            None
        } else {
            match tokio::time::timeout(timeout, answers.next()).await {
                Ok(Ok(response)) => Some((response.status, response.body)),
                _ => None,
            }
        };
        failed |= answer.is_none();
        tally(&result, sent, answer);
        drop(permit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amount_names_its_bid_and_when_it_was_sent() {
        let log = BidLog::new(2, 10, 1_000_000, 20_000);
        assert_eq!(log.amount(0), 1_000_000);
        assert_eq!(log.amount(3), 1_060_000);
        assert_eq!(log.sent_at(1, 1_060_000), None, "not sent yet");
        let at = Instant::now();
        log.record_sent(1, 3, at);
        let back = log.sent_at(1, 1_060_000).unwrap();
        assert!(back <= at && at - back < Duration::from_micros(2));
        assert_eq!(log.sent_at(0, 1_060_000), None, "another auction's ladder");
        // Amounts off the ladder or past its room name no bid.
        assert_eq!(log.sent_at(1, 1_060_001), None);
        assert_eq!(log.sent_at(1, 999_999), None);
        assert_eq!(log.sent_at(1, 1_000_000 + 20_000 * 10), None);
        log.record_sent(5, 0, at);
        log.record_sent(0, 99, at);
    }

    #[tokio::test]
    async fn the_schedule_turns_over_the_auctions_and_stops_at_the_end() {
        let config = LiveBidConfig {
            rate: 100,
            duration: Duration::from_millis(60),
            in_flight: 1,
            request_timeout: Duration::from_secs(1),
        };
        let mut schedule = Schedule::new(&config, 2);
        assert_eq!(schedule.total, 6);
        let room = Arc::new(Semaphore::new(1));
        let places: Vec<(usize, usize)> = (0..4).map(|j| schedule.place(j)).collect();
        assert_eq!(places, vec![(0, 0), (1, 0), (0, 1), (1, 1)]);
        assert_eq!(schedule.upcoming(4), (0, 2));
        // With no room, the wait ends when the run's time does.
        let held = room.clone().acquire_owned().await.unwrap();
        assert!(schedule.wait_for(5, &room).await.is_none());
        assert!(Instant::now() >= schedule.end);
        drop(held);
        assert!(
            schedule.wait_for(0, &room).await.is_none(),
            "the run is over"
        );
        let result = Mutex::new(LoadResult {
            sent: 4,
            ..LoadResult::default()
        });
        let out = schedule.finish(&result);
        assert_eq!((out.scheduled, out.sent), (6, 4));
    }

    #[test]
    fn consecutive_bids_on_an_auction_have_different_bidders() {
        for bidders in [2, 3, 7, 100] {
            for auction in 0..5 {
                for k in 0..50 {
                    assert_ne!(
                        bidder_of(auction, k, bidders),
                        bidder_of(auction, k + 1, bidders)
                    );
                    assert!(bidder_of(auction, k, bidders) < bidders);
                }
            }
        }
    }
}
