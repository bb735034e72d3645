//! The streams attached to one feed, each with a bounded buffer of its own.
//!
//! Fan-out never waits for a client: a frame is offered to every buffer, and a stream whose
//! buffer is full is detached on the spot. It then ends once it has sent what it holds, and
//! the browser reconnects with `Last-Event-ID` to pick up the rest from the history.

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

    pub(crate) fn len(&self) -> usize {
        self.attached.len()
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
                    tracing::info!("stream fell behind and was detached");
                    metrics::counter!("notification_streams_dropped_total", "reason" => "lagging")
                        .increment(1);
                    false
                }
                Err(TrySendError::Closed(_)) => false,
            });
        metrics::counter!("notification_frames_sent_total").increment(self.attached.len() as u64);
    }
}

/// What a feed does when one of its streams goes away.
pub(crate) trait Detach: Send + Sync {
    fn detach(&self, subscriber: u64);
}

/// A stream's place in a feed: frames arrive on it in order; dropping it detaches.
pub struct Subscription {
    frames: mpsc::Receiver<Arc<Frame>>,
    feed: Arc<dyn Detach>,
    id: u64,
    kind: &'static str,
}

impl Subscription {
    pub(crate) fn new(
        frames: mpsc::Receiver<Arc<Frame>>,
        feed: Arc<dyn Detach>,
        id: u64,
        kind: &'static str,
    ) -> Self {
        metrics::gauge!("notification_open_streams", "stream" => kind).increment(1.0);
        Self {
            frames,
            feed,
            id,
            kind,
        }
    }

    /// The next frame; `None` once the stream was detached (it fell behind) and drained.
    pub async fn next(&mut self) -> Option<Arc<Frame>> {
        self.frames.recv().await
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.feed.detach(self.id);
        metrics::gauge!("notification_open_streams", "stream" => self.kind).decrement(1.0);
    }
}
