//! What one watcher saw, and the checks on it.
//!
//! On an auction's stream every event's `id:` is the auction's `seq`: after the first
//! `snapshot` each event must be the previous id plus one. A lower or equal id is a
//! duplicate, a higher one a gap (the events in between never arrived). A later `snapshot`
//! (sent when a resume could not be served from the history) skips the events up to it:
//! they count as gaps too. A stream that ended and was resumed with `Last-Event-ID` counts
//! as a reconnect, and only as a gap if the resume left a hole.
//!
//! On a user's stream ids grow with every notice the instance sends (to anyone), so only
//! duplicates can be told from the ids; what arrived is compared with the stored decisions
//! at the end instead.

use crate::live_bids::BidLog;
use crate::sse::{JsonKey, SseEvent};
use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

// The keys watchers read, each with its searcher built once.
static CURRENT_PRICE: LazyLock<JsonKey> = LazyLock::new(|| JsonKey::new("currentPrice"));
static AUCTION_ID: LazyLock<JsonKey> = LazyLock::new(|| JsonKey::new("auctionId"));
static AT: LazyLock<JsonKey> = LazyLock::new(|| JsonKey::new("at"));

/// Latencies seen in one chunk, before they go to the shared histograms.
#[derive(Default)]
pub struct Latest {
    /// Bid sent → event received.
    pub from_bid: Vec<Duration>,
    /// Engine emitted the event (`at`, wall clock) → received, when sampled.
    pub from_emitted: Vec<Duration>,
    /// Wall clock when the chunk arrived.
    pub wall: Option<chrono::DateTime<chrono::Utc>>,
}

impl Latest {
    fn note_emitted(&mut self, data: &[u8]) {
        let at = AT
            .str(data)
            .and_then(|at| std::str::from_utf8(at).ok())
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok());
        let wall = *self.wall.get_or_insert_with(chrono::Utc::now);
        if let Some(at) = at {
            let took = wall.signed_duration_since(at).to_std().unwrap_or_default();
            self.from_emitted.push(took);
        }
    }
}

/// Which stream a watcher reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watching {
    /// `GET /api/auctions/{id}/events` of the auction with this index.
    Auction(usize),
    /// `GET /api/me/events` of the bidder with this index.
    Mine(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    pub watching: Watching,
    /// `seq` of the first snapshot (auction streams).
    pub first_seq: Option<i64>,
    /// The newest id received.
    pub last_id: i64,
    /// Events received after the first snapshot (private: notices).
    pub events: u64,
    pub prices: u64,
    /// Events that never arrived (see the module's notes).
    pub gaps: u64,
    pub duplicates: u64,
    /// Snapshots after the first one.
    pub resnapshots: u64,
    pub reconnects: u32,
    /// Requests that got no stream (connection refused, an error status...).
    pub failed_requests: u32,
    /// Notices on a user's stream, by kind.
    pub accepted: u64,
    pub rejected: u64,
    pub outbid: u64,
    /// Prices and acceptances whose amount names no bid that was sent.
    pub unmatched: u64,
    /// Events without a usable id.
    pub unreadable: u64,
    /// Whether this watcher also measures event emitted → received (its `at` is parsed,
    /// which is too costly to do on every watcher).
    pub samples_emitted: bool,
    /// Why the watcher gave up, if it did.
    pub gave_up: Option<String>,
}

impl Tally {
    pub fn new(watching: Watching) -> Self {
        Self {
            watching,
            first_seq: None,
            last_id: 0,
            events: 0,
            prices: 0,
            gaps: 0,
            duplicates: 0,
            resnapshots: 0,
            reconnects: 0,
            failed_requests: 0,
            accepted: 0,
            rejected: 0,
            outbid: 0,
            unmatched: 0,
            unreadable: 0,
            samples_emitted: false,
            gave_up: None,
        }
    }

    /// Notes one event received at `now`; the bid sent → receipt latency of a price (or
    /// of an acceptance) goes to `latencies`.
    pub fn see(
        &mut self,
        event: &SseEvent<'_>,
        now: Instant,
        log: &BidLog,
        auctions: &HashMap<Vec<u8>, usize>,
        latencies: &mut Latest,
    ) {
        let Some(id) = event.numeric_id() else {
            self.unreadable += 1;
            return;
        };
        match self.watching {
            Watching::Auction(auction) => {
                let before = self.prices;
                self.see_public(event, id, now, log, auction, &mut latencies.from_bid);
                if self.samples_emitted && self.prices > before {
                    latencies.note_emitted(event.data);
                }
            }
            Watching::Mine(_) => {
                self.see_notice(event, id, now, log, auctions, &mut latencies.from_bid)
            }
        }
    }

    fn see_public(
        &mut self,
        event: &SseEvent<'_>,
        id: i64,
        now: Instant,
        log: &BidLog,
        auction: usize,
        latencies: &mut Vec<Duration>,
    ) {
        if event.name == b"snapshot" {
            if self.first_seq.is_none() {
                self.first_seq = Some(id);
                self.last_id = id;
            } else {
                self.resnapshots += 1;
                if id > self.last_id {
                    self.gaps += (id - self.last_id) as u64;
                    self.last_id = id;
                }
            }
            return;
        }
        if self.first_seq.is_none() {
            // The stream promised a snapshot first.
            self.unreadable += 1;
            return;
        }
        self.events += 1;
        if id <= self.last_id {
            self.duplicates += 1;
            return;
        }
        self.gaps += (id - self.last_id - 1) as u64;
        self.last_id = id;
        if event.name == b"price" {
            self.prices += 1;
            // `amount` is the accepted bid's own; `currentPrice` equals it for bids without
            // a maximum, and is what the contract promises.
            let amount = event.amount().or_else(|| CURRENT_PRICE.int(event.data));
            match amount.and_then(|a| log.sent_at(auction, a)) {
                Some(sent) => latencies.push(now.saturating_duration_since(sent)),
                None => self.unmatched += 1,
            }
        }
    }

    fn see_notice(
        &mut self,
        event: &SseEvent<'_>,
        id: i64,
        now: Instant,
        log: &BidLog,
        auctions: &HashMap<Vec<u8>, usize>,
        latencies: &mut Vec<Duration>,
    ) {
        if id <= self.last_id {
            self.duplicates += 1;
            return;
        }
        self.last_id = id;
        self.events += 1;
        match event.name {
            b"bid.accepted" => {
                self.accepted += 1;
                let auction = AUCTION_ID.str(event.data).and_then(|a| auctions.get(a));
                let amount = event.amount();
                match auction.zip(amount).and_then(|(a, m)| log.sent_at(*a, m)) {
                    Some(sent) => latencies.push(now.saturating_duration_since(sent)),
                    None => self.unmatched += 1,
                }
            }
            b"bid.rejected" => self.rejected += 1,
            b"outbid" => self.outbid += 1,
            _ => {}
        }
    }

    /// How far the watcher got, as the one number the run waits on: the newest `seq` on
    /// an auction's stream, the notices received on a user's.
    pub fn progress(&self) -> i64 {
        match self.watching {
            Watching::Auction(_) => self.last_id,
            Watching::Mine(_) => self.events as i64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(name: &'a str, id: &'a str, data: &'a str) -> SseEvent<'a> {
        SseEvent::new(name.as_bytes(), Some(id.as_bytes()), data.as_bytes())
    }

    #[test]
    fn auction_streams_count_gaps_duplicates_and_late_snapshots() {
        let log = BidLog::new(1, 100, 1_000, 10);
        let sent = Instant::now();
        log.record_sent(0, 2, sent);
        log.record_sent(0, 3, sent);
        let now = sent + Duration::from_millis(30);
        let mut t = Tally::new(Watching::Auction(0));
        let mut lat = Latest::default();
        let none = HashMap::new();
        let at = (chrono::Utc::now() - chrono::Duration::milliseconds(40)).to_rfc3339();
        let emitted = format!(r#"{{"at":"{at}","amount":1030}}"#);
        let mut see = |t: &mut Tally, name, id, data| {
            t.see(&event(name, id, data), now, &log, &none, &mut lat);
        };
        see(&mut t, "price", "3", "{}");
        assert_eq!(
            (t.unreadable, t.events),
            (1, 0),
            "nothing before the snapshot"
        );
        see(&mut t, "snapshot", "4", "{}");
        see(&mut t, "price", "5", r#"{"amount":1020}"#);
        see(&mut t, "price", "5", r#"{"amount":1020}"#);
        t.samples_emitted = true;
        see(&mut t, "price", "6", &emitted);
        see(&mut t, "price", "8", r#"{"currentPrice":999}"#);
        see(&mut t, "snapshot", "10", "{}");
        see(&mut t, "closed", "11", "{}");
        assert_eq!(t.first_seq, Some(4));
        assert_eq!((t.events, t.prices, t.duplicates), (5, 3, 1));
        assert_eq!(
            t.gaps,
            1 + 2,
            "7 missing, then 9 and 10 covered by a snapshot"
        );
        assert_eq!((t.resnapshots, t.unmatched, t.last_id), (1, 1, 11));
        assert_eq!(t.progress(), 11);
        assert_eq!(lat.from_bid.len(), 2);
        assert!(lat.from_bid.iter().all(|l| *l >= Duration::from_millis(30)));
        assert_eq!(lat.from_emitted.len(), 1, "only once sampling, only prices");
        assert!(lat.from_emitted[0] >= Duration::from_millis(40));
    }

    #[test]
    fn user_streams_count_notices_and_duplicates() {
        let log = BidLog::new(2, 100, 1_000, 10);
        let now = Instant::now();
        log.record_sent(1, 0, now);
        let auctions = HashMap::from([(b"a-0".to_vec(), 0), (b"a-1".to_vec(), 1)]);
        let mut t = Tally::new(Watching::Mine(3));
        let mut lat = Latest::default();
        let mut see = |t: &mut Tally, name, id, data| {
            t.see(&event(name, id, data), now, &log, &auctions, &mut lat);
        };
        let accepted = r#"{"auctionId":"a-1","amount":1000,"bidId":"b"}"#;
        see(&mut t, "bid.accepted", "900", accepted);
        see(&mut t, "bid.accepted", "900", accepted);
        see(&mut t, "outbid", "1200", "{}");
        see(&mut t, "bid.rejected", "1201", "{}");
        see(
            &mut t,
            "bid.accepted",
            "1300",
            r#"{"auctionId":"a-9","amount":1000}"#,
        );
        assert_eq!((t.accepted, t.outbid, t.rejected), (2, 1, 1));
        assert_eq!((t.duplicates, t.unmatched, lat.from_bid.len()), (1, 1, 1));
        assert_eq!(
            t.progress(),
            4,
            "ids of others' notices in between are no gap"
        );
    }
}
