//! How a stream receives its feed's frames.
//!
//! Fan-out never waits for a client, and a stream further behind than its buffer is
//! detached: it ends once it has sent what it holds, and the browser reconnects with
//! `Last-Event-ID` to pick up the rest from the history.
//!
//! * A user's feed has a stream or two: each gets its own bounded queue ([`Subscribers`]).
//! * An auction's feed may have thousands. They all read the feed's ring of recent frames,
//!   each from its own cursor, and are woken together when frames arrive: publishing costs
//!   the same whatever the number of streams, a stream that is busy is not woken again,
//!   and a stream that wakes late takes every frame since in one piece.

use super::auction_feed::{AuctionFeed, Reader, Taken};
use super::frame::{joined_above, Frame};
use axum::body::Bytes;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

#[derive(Default)]
pub(crate) struct Subscribers {
    next_id: u64,
    attached: Vec<(u64, mpsc::Sender<Arc<Frame>>)>,
}

impl Subscribers {
    pub(crate) fn add(&mut self, buffer: usize) -> (u64, mpsc::Receiver<Arc<Frame>>) {
        let (tx, rx) = mpsc::channel(buffer.max(1));
        self.next_id += 1;
        self.attached.push((self.next_id, tx));
        (self.next_id, rx)
    }

    pub(crate) fn remove(&mut self, id: u64) {
        self.attached.retain(|(sid, _)| *sid != id);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.attached.is_empty()
    }

    /// Offers `frame` to every attached stream, detaching those that fell behind.
    pub(crate) fn send(&mut self, frame: &Arc<Frame>) {
        self.attached
            .retain(|(_, tx)| match tx.try_send(frame.clone()) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    lagging();
                    false
                }
                Err(TrySendError::Closed(_)) => false,
            });
        metrics::counter!("notification_frames_sent_total").increment(self.attached.len() as u64);
    }
}

pub(crate) fn lagging() {
    tracing::info!("stream fell behind and was detached");
    metrics::counter!("notification_streams_dropped_total", "reason" => "lagging").increment(1);
}

/// What a feed does when one of its streams goes away.
pub(crate) trait Detach: Send + Sync {
    fn detach(&self, subscriber: u64);
}

enum Source {
    Queue {
        frames: mpsc::Receiver<Arc<Frame>>,
        feed: Arc<dyn Detach>,
        id: u64,
    },
    Ring {
        feed: Arc<AuctionFeed>,
        reader: Arc<Reader>,
    },
}

/// A stream's place in a feed: frames arrive on it in order; dropping it detaches.
pub struct Subscription {
    source: Source,
    kind: &'static str,
}

impl Subscription {
    /// A stream with a queue of its own.
    pub(crate) fn new(
        frames: mpsc::Receiver<Arc<Frame>>,
        feed: Arc<dyn Detach>,
        id: u64,
        kind: &'static str,
    ) -> Self {
        Self::opened(Source::Queue { frames, feed, id }, kind)
    }

    /// A stream reading an auction's ring; the feed has counted it among its readers.
    pub(crate) fn on_ring(feed: Arc<AuctionFeed>, reader: Arc<Reader>) -> Self {
        Self::opened(Source::Ring { feed, reader }, "auction")
    }

    fn opened(source: Source, kind: &'static str) -> Self {
        metrics::gauge!("notification_open_streams", "stream" => kind).increment(1.0);
        Self { source, kind }
    }

    /// Waits for frames the client does not have yet (ids above `sent`) and returns them
    /// as one piece, oldest first, at most `max` frames at once, moving `sent` past them;
    /// `None` once the stream was detached (it fell behind) and has nothing left.
    pub async fn next_wire(&mut self, sent: &mut i64, max: usize) -> Option<Bytes> {
        let max = max.max(1);
        match &mut self.source {
            Source::Queue { frames, .. } => {
                let mut batch: Vec<Arc<Frame>> = Vec::new();
                loop {
                    batch.push(frames.recv().await?);
                    while batch.len() < max {
                        match frames.try_recv() {
                            Ok(frame) => batch.push(frame),
                            Err(_) => break,
                        }
                    }
                    let wire = joined_above(batch.iter(), *sent);
                    if let Some(newest) = batch.iter().map(|f| f.id).max() {
                        *sent = (*sent).max(newest);
                    }
                    batch.clear();
                    if !wire.is_empty() {
                        return Some(wire);
                    }
                }
            }
            Source::Ring { feed, reader } => loop {
                // Registered before looking, so a frame published in between still wakes.
                let published = feed.published();
                tokio::pin!(published);
                published.as_mut().enable();
                match feed.wire_after(reader, max, sent) {
                    Taken::Wire(wire) => return Some(wire),
                    Taken::Skipped => continue,
                    Taken::Behind => return None,
                    Taken::Nothing => published.await,
                }
            },
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        match &self.source {
            Source::Queue { feed, id, .. } => feed.detach(*id),
            Source::Ring { feed, reader } => feed.leave(reader),
        }
        metrics::gauge!("notification_open_streams", "stream" => self.kind).decrement(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::super::auction_feed::{AuctionFeed, Catchup};
    use super::super::views::AuctionUpdate;
    use super::*;
    use futures::FutureExt;
    use std::time::Duration;
    use vocabulary::{AuctionId, Event, EventKind, PublicState};

    fn state(price: i64) -> PublicState {
        serde_json::from_value(serde_json::json!({
            "status": "open", "currentPrice": price, "bidCount": 0, "reserveMet": false
        }))
        .unwrap()
    }

    fn opened(feed_id: AuctionId, seq: i64) -> Event {
        Event {
            auction_id: feed_id,
            seq,
            at: chrono::Utc::now(),
            kind: EventKind::Opened {
                state: state(seq * 10),
            },
        }
    }

    fn publish(feed: &Arc<AuctionFeed>, event: &Event) {
        assert!(feed.advance(event, AuctionUpdate::of(event).unwrap()));
    }

    /// A stream and the newest id its client has.
    struct Watcher {
        sub: Subscription,
        sent: i64,
    }

    /// What a stream sends now, without waiting (`None` if nothing, or detached).
    fn ready(w: &mut Watcher, max: usize) -> Option<Bytes> {
        w.sub.next_wire(&mut w.sent, max).now_or_never().flatten()
    }

    /// The `id:`s of the events in `wire`, in order.
    fn ids(wire: &[u8]) -> Vec<i64> {
        fields(wire, "id: ").map(|id| id.parse().unwrap()).collect()
    }

    fn fields<'a>(wire: &'a [u8], prefix: &'a str) -> impl Iterator<Item = &'a str> {
        std::str::from_utf8(wire)
            .unwrap()
            .lines()
            .filter_map(move |line| line.strip_prefix(prefix))
    }

    fn feed_at(seq: i64) -> (AuctionId, Arc<AuctionFeed>) {
        paced_feed_at(seq, Duration::ZERO)
    }

    fn paced_feed_at(seq: i64, pace: Duration) -> (AuctionId, Arc<AuctionFeed>) {
        let id = AuctionId::new();
        let feed = AuctionFeed::new(id, seq, Some(state(1)), None, None, 16, pace);
        (id, Arc::new(feed))
    }

    fn attach(feed: &Arc<AuctionFeed>, buffer: usize) -> Watcher {
        match feed.attach(None, buffer, 16) {
            Ok(attached) => {
                assert!(matches!(attached.catchup, Catchup::Snapshot));
                Watcher {
                    sub: attached.subscription,
                    sent: feed.seq(),
                }
            }
            Err(_) => panic!("the feed takes streams"),
        }
    }

    #[test]
    fn every_stream_takes_every_frame_in_order_and_shares_it() {
        let (id, feed) = feed_at(5);
        let mut a = attach(&feed, 8);
        let mut b = attach(&feed, 8);
        assert!(ready(&mut a, 8).is_none(), "nothing published yet");
        for seq in 6..=9 {
            publish(&feed, &opened(id, seq));
        }
        let first = ready(&mut a, 3).unwrap();
        assert_eq!(ids(&first), [6, 7, 8], "at most `max` at once");
        assert_eq!(ids(&ready(&mut a, 3).unwrap()), [9]);
        let all = ready(&mut b, 8).unwrap();
        assert_eq!(ids(&all), [6, 7, 8, 9]);
        assert!(ready(&mut b, 8).is_none());
        assert!(ready(&mut a, 8).is_none());
        // Streams at the same place take the same piece: joined once, shared.
        publish(&feed, &opened(id, 10));
        publish(&feed, &opened(id, 11));
        let (a_wire, b_wire) = (ready(&mut a, 8).unwrap(), ready(&mut b, 8).unwrap());
        assert_eq!(ids(&a_wire), [10, 11]);
        assert_eq!(a_wire.as_ptr(), b_wire.as_ptr());
    }

    #[test]
    fn frames_the_client_already_has_are_skipped_however_many() {
        let (id, feed) = feed_at(5);
        let mut w = attach(&feed, 8);
        for seq in 6..=9 {
            publish(&feed, &opened(id, seq));
        }
        // Its client resumed from 7 on another instance: 6 and 7 are not sent again, even
        // when taking one frame at a time finds only those first.
        w.sent = 7;
        assert_eq!(ids(&ready(&mut w, 1).unwrap()), [8]);
        assert_eq!(ids(&ready(&mut w, 1).unwrap()), [9]);
        assert_eq!(w.sent, 9);
        assert!(ready(&mut w, 1).is_none());
    }

    #[tokio::test]
    async fn a_waiting_stream_wakes_when_a_frame_is_published() {
        let (id, feed) = feed_at(1);
        let mut w = attach(&feed, 8);
        let waiting =
            tokio::spawn(async move { ids(&w.sub.next_wire(&mut w.sent, 8).await.unwrap()) });
        tokio::task::yield_now().await;
        publish(&feed, &opened(id, 2));
        assert_eq!(waiting.await.unwrap(), [2]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_feed_wakes_its_streams_at_most_once_per_pace() {
        let pace = Duration::from_millis(50);
        let (id, feed) = paced_feed_at(1, pace);
        let mut w = attach(&feed, 8);
        let wait = |mut w: Watcher| {
            tokio::spawn(async move {
                let wire = w.sub.next_wire(&mut w.sent, 8).await.unwrap();
                (tokio::time::Instant::now(), ids(&wire), w)
            })
        };
        publish(&feed, &opened(id, 2));
        assert_eq!(ids(&ready(&mut w, 8).unwrap()), [2]);
        // Two more within the pace: the stream wakes once, when the pace allows, and takes
        // both in one piece.
        let waiting = wait(w);
        tokio::task::yield_now().await;
        let published = tokio::time::Instant::now();
        publish(&feed, &opened(id, 3));
        publish(&feed, &opened(id, 4));
        let (woken, got, w) = waiting.await.unwrap();
        assert_eq!(got, [3, 4]);
        assert!(
            woken - published >= pace,
            "woken after {:?}",
            woken - published
        );
        // After a quiet spell longer than the pace, the next event goes out at once.
        tokio::time::advance(pace * 2).await;
        let waiting = wait(w);
        tokio::task::yield_now().await;
        let published = tokio::time::Instant::now();
        publish(&feed, &opened(id, 5));
        let (woken, got, _) = waiting.await.unwrap();
        assert_eq!(got, [5]);
        assert_eq!(woken, published);
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_wakes_streams_before_the_pace_would_detach_them() {
        let (id, feed) = paced_feed_at(1, Duration::from_secs(1));
        // A buffer of 8: the pace holds back at most 4 frames.
        let mut w = attach(&feed, 8);
        publish(&feed, &opened(id, 2));
        assert_eq!(ids(&ready(&mut w, 8).unwrap()), [2]);
        let waiting = tokio::spawn(async move {
            let wire = w.sub.next_wire(&mut w.sent, 8).await.unwrap();
            (tokio::time::Instant::now(), ids(&wire))
        });
        tokio::task::yield_now().await;
        let published = tokio::time::Instant::now();
        for seq in 3..=6 {
            publish(&feed, &opened(id, seq));
        }
        let (woken, got) = waiting.await.unwrap();
        assert_eq!(got, [3, 4, 5, 6]);
        assert_eq!(woken, published, "woken by the fourth frame, not the pace");
    }

    #[test]
    fn a_stream_further_behind_than_its_buffer_is_detached() {
        let (id, feed) = feed_at(0);
        let mut slow = attach(&feed, 4);
        let mut quick = attach(&feed, 4);
        for seq in 1..=4 {
            publish(&feed, &opened(id, seq));
            assert_eq!(ids(&ready(&mut quick, 8).unwrap()), [seq]);
        }
        publish(&feed, &opened(id, 5));
        assert_eq!(ids(&ready(&mut quick, 8).unwrap()), [5]);
        // The frame published after the detachment no longer counts the slow stream.
        let snapshot = feed.attach(None, 4, 16).ok().unwrap();
        assert_eq!(snapshot.watchers, 2, "quick and the newcomer");
        let taken = slow.sub.next_wire(&mut slow.sent, 8).now_or_never();
        assert_eq!(taken, Some(None), "detached, with nothing left to send");
    }

    #[test]
    fn after_a_jump_streams_get_a_snapshot_then_the_next_frames() {
        let (id, feed) = feed_at(3);
        let mut sub = attach(&feed, 4);
        let mut late = attach(&feed, 4);
        publish(&feed, &opened(id, 4));
        assert_eq!(ids(&ready(&mut sub, 8).unwrap()), [4]);
        // 5..=99 never arrived: far more than the buffer, yet no stream is detached. A
        // stream that had not taken 4 yet gets the snapshot instead, which covers it.
        publish(&feed, &opened(id, 100));
        publish(&feed, &opened(id, 101));
        for stream in [&mut sub, &mut late] {
            let wire = ready(stream, 8).unwrap();
            assert_eq!(ids(&wire), [100, 101]);
            let names: Vec<_> = fields(&wire, "event: ").collect();
            assert_eq!(names, ["snapshot", "opened"]);
        }
    }
}
