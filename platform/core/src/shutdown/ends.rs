//! Shutdown for things that wait on it in every poll: connections, and the live streams
//! they serve.
//!
//! A connection's task, and a stream's body, poll what ends them every time they are
//! polled: several times per batch of frames, on thousands of them. Waiting on the shutdown
//! token directly takes the token's lock on every one of those polls; an [`End`] is a
//! oneshot receiver of its own, whose poll is an atomic load. Its sender is dropped, and so
//! the end fires, when shutdown does, or at once for an end registered after it.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

#[derive(Default)]
pub struct Ends {
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    senders: HashMap<u64, oneshot::Sender<()>>,
    next: u64,
    closed: bool,
}

impl Ends {
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

    /// One more end.
    pub fn register(self: &Arc<Self>) -> End {
        let (tx, rx) = oneshot::channel();
        let mut open = self.open();
        open.next += 1;
        let key = open.next;
        if !open.closed {
            open.senders.insert(key, tx);
        }
        End {
            rx,
            key,
            ends: self.clone(),
        }
    }

    fn close(&self) {
        let senders = {
            let mut open = self.open();
            open.closed = true;
            std::mem::take(&mut open.senders)
        };
        drop(senders);
    }

    fn open(&self) -> MutexGuard<'_, Open> {
        // Nothing panics while holding it; the map stays usable if something did.
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Resolves when the service shuts down; dropping it unregisters it.
pub struct End {
    rx: oneshot::Receiver<()>,
    key: u64,
    ends: Arc<Ends>,
}

impl Future for End {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.rx).poll(cx).map(|_| ())
    }
}

impl Drop for End {
    fn drop(&mut self) {
        self.ends.open().senders.remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn every_end_fires_at_shutdown_and_later_ones_at_once() {
        let shutdown = CancellationToken::new();
        let ends = Ends::new(shutdown.clone());
        let mut first = ends.register();
        let second = ends.register();
        drop(second);
        assert_eq!(ends.open().senders.len(), 1, "a dropped end is forgotten");
        let waited = tokio::time::timeout(Duration::from_millis(10), &mut first).await;
        assert!(waited.is_err(), "no end before shutdown");
        shutdown.cancel();
        first.await;
        assert!(ends.open().senders.is_empty());
        ends.register().await;
    }
}
