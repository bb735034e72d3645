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

use super::auction_feed::{AuctionFeed, Newer, Reader};
use super::frame::Frame;
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

    /// Waits for frames and appends them to `out`, oldest first, at most `max` at once;
    /// `false` once the stream was detached (it fell behind) and has nothing left.
    pub async fn next_frames(&mut self, out: &mut Vec<Arc<Frame>>, max: usize) -> bool {
        let max = max.max(1);
        match &mut self.source {
            Source::Queue { frames, .. } => {
                let Some(first) = frames.recv().await else {
                    return false;
                };
                out.push(first);
                while out.len() < max {
                    match frames.try_recv() {
                        Ok(frame) => out.push(frame),
                        Err(_) => break,
                    }
                }
                true
            }
            Source::Ring { feed, reader } => loop {
                // Registered before looking, so a frame published in between still wakes.
                let published = feed.published();
                tokio::pin!(published);
                published.as_mut().enable();
                match feed.frames_after(reader, max, out) {
                    Newer::Frames => return true,
                    Newer::Behind => return false,
                    Newer::Nothing => published.await,
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
    use platform_core::log::{Event, EventKind, PublicState};
    use platform_core::AuctionId;

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

    fn publish(feed: &AuctionFeed, event: &Event) {
        assert!(feed.advance(event, AuctionUpdate::of(event).unwrap()));
    }

    /// Frames ready now, without waiting.
    fn ready(sub: &mut Subscription, max: usize) -> Option<Vec<Arc<Frame>>> {
        let mut out = Vec::new();
        let more = sub.next_frames(&mut out, max).now_or_never()?;
        more.then_some(out)
    }

    fn ids(frames: &[Arc<Frame>]) -> Vec<i64> {
        frames.iter().map(|f| f.id).collect()
    }

    fn feed_at(seq: i64) -> (AuctionId, Arc<AuctionFeed>) {
        let id = AuctionId::new();
        (
            id,
            Arc::new(AuctionFeed::new(id, seq, Some(state(1)), None, 16)),
        )
    }

    fn attach(feed: &Arc<AuctionFeed>, buffer: usize) -> Subscription {
        match feed.attach(None, buffer, 16) {
            Ok(attached) => {
                assert!(matches!(attached.catchup, Catchup::Snapshot));
                attached.subscription
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
        assert!(Arc::ptr_eq(&first[0], &all[0]), "encoded once, shared");
        assert!(ready(&mut b, 8).is_none());
    }

    #[tokio::test]
    async fn a_waiting_stream_wakes_when_a_frame_is_published() {
        let (id, feed) = feed_at(1);
        let mut sub = attach(&feed, 8);
        let waiting = tokio::spawn(async move {
            let mut out = Vec::new();
            assert!(sub.next_frames(&mut out, 8).await);
            ids(&out)
        });
        tokio::task::yield_now().await;
        publish(&feed, &opened(id, 2));
        assert_eq!(waiting.await.unwrap(), [2]);
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
        let mut out = Vec::new();
        assert_eq!(slow.next_frames(&mut out, 8).now_or_never(), Some(false));
        assert!(out.is_empty());
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
            let frames = ready(stream, 8).unwrap();
            assert_eq!(ids(&frames), [100, 101]);
            assert_eq!(frames[0].name, "snapshot");
            assert_eq!(frames[1].name, "opened");
        }
    }
}
