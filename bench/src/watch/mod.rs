//! The watchers of the live benchmark: thousands of SSE clients through the gateway, on
//! auctions' public streams and on bidders' private streams, opened in waves and read
//! until the run is over.
//!
//! Connections come from several loopback source addresses (127.0.0.2, 127.0.0.3, ...),
//! so the ephemeral ports of one address do not run out. Every watcher runs for a bounded
//! time: it stops when the run says so, and gives up after a bounded number of failed
//! requests or ended streams.

mod stream;
mod tally;

pub use tally::{Latest, Tally, Watching};

use crate::latency::Latencies;
use crate::live_bids::BidLog;
use reqwest::header::HeaderValue;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::Range;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use stream::Stream;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// Latency histograms are split so that watchers on different threads rarely meet.
const SHARDS: usize = 16;

/// One public watcher in this many also measures event emitted → received.
pub const EMITTED_SAMPLE: usize = 50;

/// Connections per source address: well under the ~28,000 ephemeral ports of one.
pub const CONNECTIONS_PER_ADDRESS: usize = 2_000;

pub struct WatchPlan {
    /// `http://127.0.0.1:port` of the gateway.
    pub gateway: String,
    /// Ids of the auctions; public watchers spread over them in turn.
    pub auction_ids: Vec<String>,
    /// Public watchers (anonymous, on an auction's stream).
    pub public: usize,
    /// `Authorization` of each private watcher, by bidder index.
    pub private: Vec<HeaderValue>,
    /// Streams opened together before waiting for them to be served.
    pub wave: usize,
    /// Longest wait for one wave.
    pub wave_timeout: Duration,
    /// Failed requests, and separately ended streams, one watcher tolerates.
    pub max_retries: u32,
}

/// What every watcher shares.
pub(crate) struct Shared {
    pub log: Arc<BidLog>,
    /// Auction id (as on the wire) → index.
    pub auctions: HashMap<Vec<u8>, usize>,
    /// Newest progress of each watcher (see [`Tally::progress`]), public ones first.
    pub progress: Vec<AtomicI64>,
    latency_shards: Vec<Mutex<Latencies>>,
    notice_latency: Mutex<Latencies>,
    emitted_latency: Mutex<Latencies>,
    prices: AtomicU64,
}

impl Shared {
    /// Publishes what a watcher saw in one chunk.
    fn record(&self, slot: usize, tally: &Tally, prices: u64, latencies: &mut Latest) {
        self.progress[slot].store(tally.progress(), Ordering::Relaxed);
        if prices > 0 {
            self.prices.fetch_add(prices, Ordering::Relaxed);
        }
        if !latencies.from_bid.is_empty() {
            let mut histogram = match tally.watching {
                Watching::Auction(_) => locked(&self.latency_shards[slot % SHARDS]),
                Watching::Mine(_) => locked(&self.notice_latency),
            };
            for latency in latencies.from_bid.drain(..) {
                histogram.record(latency);
            }
        }
        if !latencies.from_emitted.is_empty() {
            let mut histogram = locked(&self.emitted_latency);
            for latency in latencies.from_emitted.drain(..) {
                histogram.record(latency);
            }
        }
    }
}

fn locked(histogram: &Mutex<Latencies>) -> MutexGuard<'_, Latencies> {
    histogram.lock().expect("no panic while holding the lock")
}

pub struct Watchers {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<Tally>>,
    stop: watch::Sender<bool>,
    public: usize,
    /// The source addresses streams connect from, in turn.
    addresses: Vec<IpAddr>,
    gateway: SocketAddr,
    /// The gateway's name for the `Host` header.
    host: Arc<str>,
}

/// How the opening went.
#[derive(Clone, Debug)]
pub struct Opened {
    pub streams: usize,
    /// Streams not served within their wave's time (they keep trying in the background).
    pub late: usize,
    pub source_addresses: usize,
    pub took: Duration,
}

/// What the watchers saw, once stopped.
pub struct Watched {
    pub public: Vec<Tally>,
    pub private: Vec<Tally>,
    /// Bid sent → price event received, over every (public watcher, price event).
    pub price_latency: Latencies,
    /// Bid sent → `bid.accepted` received on the bidder's own stream.
    pub notice_latency: Latencies,
    /// Engine emitted a price event (its `at`) → received, on one public watcher in
    /// [`EMITTED_SAMPLE`]: the delivery path alone, without the bid path before it.
    pub emitted_latency: Latencies,
}

/// Source addresses 127.0.0.2, 127.0.0.3, ... enough for `streams`.
fn source_addresses(streams: usize) -> Vec<IpAddr> {
    let addresses = streams.div_ceil(CONNECTIONS_PER_ADDRESS).clamp(1, 250);
    (0..addresses)
        .map(|i| IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + i as u8)))
        .collect()
}

impl Watchers {
    /// The watchers of `plan`, none of them open yet.
    pub fn new(plan: &WatchPlan, log: Arc<BidLog>) -> anyhow::Result<Self> {
        let streams = plan.public + plan.private.len();
        let shared = Arc::new(Shared {
            log,
            auctions: plan
                .auction_ids
                .iter()
                .enumerate()
                .map(|(i, id)| (id.as_bytes().to_vec(), i))
                .collect(),
            progress: (0..streams).map(|_| AtomicI64::new(0)).collect(),
            latency_shards: (0..SHARDS).map(|_| Mutex::new(Latencies::new())).collect(),
            notice_latency: Mutex::new(Latencies::new()),
            emitted_latency: Mutex::new(Latencies::new()),
            prices: AtomicU64::new(0),
        });
        let (stop, _) = watch::channel(false);
        let (gateway, host) = crate::http1::gateway_address(&plan.gateway)?;
        Ok(Self {
            shared,
            tasks: Vec::with_capacity(streams),
            stop,
            public: plan.public,
            addresses: source_addresses(streams),
            gateway,
            host: host.into(),
        })
    }

    /// Opens the streams of `slots` (the plan's watchers, public ones first), a wave at a
    /// time: a wave's streams are all served (snapshot or answer received) before the next
    /// wave starts, or its time runs out. Slots must be opened in order, each once.
    pub async fn open(&mut self, plan: &WatchPlan, slots: Range<usize>) -> Opened {
        assert_eq!(slots.start, self.tasks.len(), "slots are opened in order");
        let started = Instant::now();
        let streams = slots.len();
        let mut late = 0;
        let slots: Vec<usize> = slots.collect();
        for wave in slots.chunks(plan.wave.max(1)) {
            let mut served = Vec::with_capacity(wave.len());
            for &slot in wave {
                let (watching, path, authorization) = if slot < plan.public {
                    let auction = slot % plan.auction_ids.len().max(1);
                    let path = format!("/api/auctions/{}/events", plan.auction_ids[auction]);
                    (Watching::Auction(auction), path, None)
                } else {
                    let bidder = slot - plan.public;
                    let authorization = plan.private[bidder].to_str().ok().map(str::to_owned);
                    (
                        Watching::Mine(bidder),
                        "/api/me/events".to_owned(),
                        authorization,
                    )
                };
                let stream = Stream {
                    local: self.addresses[slot % self.addresses.len()],
                    gateway: self.gateway,
                    host: self.host.clone(),
                    path,
                    authorization,
                    slot,
                    max_retries: plan.max_retries,
                    samples_emitted: slot < plan.public && slot % EMITTED_SAMPLE == 0,
                };
                let (ready, ready_rx) = oneshot::channel();
                served.push(ready_rx);
                self.tasks.push(tokio::spawn(stream.watch(
                    watching,
                    self.shared.clone(),
                    ready,
                    self.stop.subscribe(),
                )));
            }
            let deadline = tokio::time::Instant::now() + plan.wave_timeout;
            for ready in served {
                if !matches!(tokio::time::timeout_at(deadline, ready).await, Ok(Ok(()))) {
                    late += 1;
                }
            }
        }
        Opened {
            streams,
            late,
            source_addresses: self.addresses.len(),
            took: started.elapsed(),
        }
    }

    /// Price events received so far, over every public watcher.
    pub fn prices_received(&self) -> u64 {
        self.shared.prices.load(Ordering::Relaxed)
    }

    /// Waits until every public watcher of auction *i* has `final_seqs[i]` and every
    /// private watcher of bidder *b* has `notices[b]` notices, or `timeout`. Returns how
    /// many watchers are still short.
    pub async fn wait_caught_up(
        &self,
        final_seqs: &[i64],
        notices: &[u64],
        timeout: Duration,
    ) -> usize {
        let deadline = Instant::now() + timeout;
        loop {
            let short = self
                .shared
                .progress
                .iter()
                .enumerate()
                .filter(|(slot, progress)| {
                    let want = if *slot < self.public {
                        final_seqs[slot % final_seqs.len().max(1)]
                    } else {
                        notices.get(slot - self.public).copied().unwrap_or(0) as i64
                    };
                    progress.load(Ordering::Relaxed) < want
                })
                .count();
            if short == 0 || Instant::now() >= deadline {
                return short;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops every watcher and gathers what they saw.
    pub async fn finish(self) -> Watched {
        self.stop.send(true).ok();
        let mut public = Vec::with_capacity(self.public);
        let mut private = Vec::new();
        for task in self.tasks {
            let Ok(tally) = task.await else {
                continue;
            };
            match tally.watching {
                Watching::Auction(_) => public.push(tally),
                Watching::Mine(_) => private.push(tally),
            }
        }
        let mut price_latency = Latencies::new();
        for shard in &self.shared.latency_shards {
            price_latency.add(&locked(shard));
        }
        let notice_latency = std::mem::take(&mut *locked(&self.shared.notice_latency));
        let emitted_latency = std::mem::take(&mut *locked(&self.shared.emitted_latency));
        Watched {
            public,
            private,
            price_latency,
            notice_latency,
            emitted_latency,
        }
    }
}
