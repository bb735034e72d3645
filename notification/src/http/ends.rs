//! Ending every open stream when the service shuts down.
//!
//! A stream's body polls its end every time the connection polls the body, several times
//! per batch of frames on thousands of streams. Waiting on the shutdown token directly
//! takes the token's lock on every one of those polls; an end here is a oneshot receiver
//! of the stream's own, whose poll is an atomic load. The sender is dropped, and so the
//! stream ended, when shutdown fires, or at once for a stream opened after it.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

#[derive(Default)]
pub struct StreamEnds {
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    senders: HashMap<u64, oneshot::Sender<()>>,
    next: u64,
    closed: bool,
}

impl StreamEnds {
    /// Ends that all fire when `shutdown` does.
    pub fn new(shutdown: CancellationToken) -> Arc<Self> {
        let ends = Arc::new(Self::default());
        let closing = ends.clone();
        tokio::spawn(async move {
            shutdown.cancelled().await;
            closing.close();
        });
        ends
    }

    /// An end for one more stream.
    pub fn register(self: &Arc<Self>) -> StreamEnd {
        let (tx, rx) = oneshot::channel();
        let mut open = self.open.lock();
        open.next += 1;
        let key = open.next;
        if !open.closed {
            open.senders.insert(key, tx);
        }
        StreamEnd {
            rx,
            key,
            ends: self.clone(),
        }
    }

    fn close(&self) {
        let senders = {
            let mut open = self.open.lock();
            open.closed = true;
            std::mem::take(&mut open.senders)
        };
        drop(senders);
    }
}

/// Resolves when the service shuts down; dropping it forgets the stream.
pub struct StreamEnd {
    rx: oneshot::Receiver<()>,
    key: u64,
    ends: Arc<StreamEnds>,
}

impl Future for StreamEnd {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.rx).poll(cx).map(|_| ())
    }
}

impl Drop for StreamEnd {
    fn drop(&mut self) {
        self.ends.open.lock().senders.remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

    #[tokio::test]
    async fn every_end_fires_at_shutdown_and_later_ones_at_once() {
        let shutdown = CancellationToken::new();
        let ends = StreamEnds::new(shutdown.clone());
        let mut first = ends.register();
        let second = ends.register();
        drop(second);
        assert_eq!(
            ends.open.lock().senders.len(),
            1,
            "a dropped end is forgotten"
        );
        assert!((&mut first).now_or_never().is_none());
        shutdown.cancel();
        first.await;
        assert!(ends.open.lock().senders.is_empty());
        ends.register().await;
    }
}
