//! One auction's live feed: its newest public state, the recent frames (a contiguous run of
//! `seq`s ending at the current one) and the streams attached to it.
//!
//! Promises:
//! * Attaching is atomic with publishing (one lock): a stream attached at `seq` S receives
//!   through its buffer every frame after S, and whatever it is told to catch up on ends
//!   at S. Nothing is missed and nothing is sent twice.
//! * Only the event consumer advances a feed, one event at a time, in `seq` order.

use super::frame::Frame;
use super::subscribers::{Detach, Subscribers, Subscription};
use super::views::{AuctionSnapshot, AuctionUpdate};
use crate::history::StoredEvent;
use parking_lot::Mutex;
use platform_core::log::{Event, EventKind, PublicState, Terms};
use platform_core::AuctionId;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct AuctionFeed {
    auction_id: AuctionId,
    inner: Mutex<Inner>,
}

struct Inner {
    seq: i64,
    /// `None` only for a feed the consumer created before its first event.
    state: Option<PublicState>,
    terms: Option<Terms>,
    recent: VecDeque<Arc<Frame>>,
    recent_capacity: usize,
    subscribers: Subscribers,
    last_activity: Instant,
    /// Set when the hub forgets the feed; a stream must not attach to it any more.
    evicted: bool,
}

/// What a newly attached stream sends before the live frames.
pub enum Catchup {
    /// The client already has everything up to the current `seq`.
    UpToDate,
    /// The frames the client missed, from memory.
    Frames(Vec<Arc<Frame>>),
    /// Memory does not reach back to the client's id: the stored history from `after`
    /// (exclusive) to `upto` (inclusive), or the snapshot if that does not either.
    FromHistory { after: i64, upto: i64 },
    /// A fresh start: the snapshot.
    Snapshot,
    /// The client's id is past this instance's `seq`: fine if another instance stored it
    /// already (this one is just behind, and live frames up to it are skipped); otherwise
    /// the id is not to be trusted and the snapshot is sent.
    Ahead,
}

pub struct Attached {
    pub subscription: Subscription,
    pub catchup: Catchup,
    /// The state at attach time, as a `snapshot` frame.
    pub snapshot: Arc<Frame>,
    /// Streams attached to the auction, this one included.
    pub watchers: usize,
}

pub enum AttachError {
    /// Nothing is known about the auction.
    Unknown,
    /// The hub forgot this feed meanwhile; look it up again.
    Evicted,
}

impl AuctionFeed {
    /// A feed starting at a stored state (or empty, at seq 0, when `state` is `None`).
    pub fn new(
        auction_id: AuctionId,
        seq: i64,
        state: Option<PublicState>,
        terms: Option<Terms>,
        recent_capacity: usize,
    ) -> Self {
        Self {
            auction_id,
            inner: Mutex::new(Inner {
                seq,
                state,
                terms,
                recent: VecDeque::new(),
                recent_capacity: recent_capacity.max(1),
                subscribers: Subscribers::default(),
                last_activity: Instant::now(),
                evicted: false,
            }),
        }
    }

    /// The `seq` of the newest event applied.
    pub fn seq(&self) -> i64 {
        self.inner.lock().seq
    }

    pub fn is_evicted(&self) -> bool {
        self.inner.lock().evicted
    }

    /// Attaches a stream. `resume` is the client's `Last-Event-ID`, if any.
    pub fn attach(
        self: &Arc<Self>,
        resume: Option<i64>,
        buffer: usize,
    ) -> Result<Attached, AttachError> {
        let mut inner = self.inner.lock();
        if inner.evicted {
            return Err(AttachError::Evicted);
        }
        let Some(state) = inner.state.clone() else {
            return Err(AttachError::Unknown);
        };
        inner.last_activity = Instant::now();
        let (id, frames) = inner.subscribers.add(buffer);
        let watchers = inner.subscribers.len();
        let catchup = match resume {
            None => Catchup::Snapshot,
            Some(n) if n == inner.seq => Catchup::UpToDate,
            Some(n) if n > inner.seq => Catchup::Ahead,
            Some(n) => match inner.recent.front() {
                Some(oldest) if oldest.id <= n + 1 => {
                    Catchup::Frames(inner.recent.iter().filter(|f| f.id > n).cloned().collect())
                }
                _ => Catchup::FromHistory {
                    after: n,
                    upto: inner.seq,
                },
            },
        };
        let snapshot = Arc::new(Frame {
            id: inner.seq,
            name: Cow::Borrowed("snapshot"),
            data: AuctionSnapshot::render(
                self.auction_id,
                inner.seq,
                &state,
                inner.terms.as_ref(),
                watchers,
            ),
        });
        let feed: Arc<dyn Detach> = self.clone();
        Ok(Attached {
            subscription: Subscription::new(frames, feed, id, "auction"),
            catchup,
            snapshot,
            watchers,
        })
    }

    /// Applies the next public event (`seq` must be above the current one) and sends it to
    /// every attached stream. When it does not follow the current `seq` directly (the
    /// events between are lost), the ring restarts at it and streams get a fresh
    /// `snapshot` instead, so no client believes it saw everything. `false` if the feed was
    /// evicted meanwhile.
    pub fn advance(&self, event: &Event, update: AuctionUpdate) -> bool {
        let mut inner = self.inner.lock();
        if inner.evicted {
            return false;
        }
        debug_assert!(event.seq > inner.seq);
        let Some(state) = event.public_state() else {
            return true;
        };
        let follows = event.seq == inner.seq + 1;
        inner.seq = event.seq;
        inner.state = Some(state.clone());
        if let EventKind::Listed { terms, .. } = &event.kind {
            inner.terms = Some(terms.clone());
        }
        inner.last_activity = Instant::now();
        let watchers = inner.subscribers.len();
        let frame = Arc::new(Frame {
            id: event.seq,
            name: Cow::Borrowed(event.name()),
            data: update.render(watchers),
        });
        if follows {
            inner.push_recent(frame.clone());
            inner.subscribers.send(&frame);
        } else {
            inner.recent.clear();
            inner.push_recent(frame);
            let snapshot = Arc::new(Frame {
                id: event.seq,
                name: Cow::Borrowed("snapshot"),
                data: AuctionSnapshot::render(
                    self.auction_id,
                    event.seq,
                    state,
                    inner.terms.as_ref(),
                    watchers,
                ),
            });
            inner.subscribers.send(&snapshot);
        }
        true
    }

    /// Sends stored events that fill a hole before the next event (`seq` after the
    /// current one, in order). The state is left to the event that follows them.
    pub fn fill(&self, stored: Vec<StoredEvent>) {
        let mut inner = self.inner.lock();
        for StoredEvent { name, update } in stored {
            if update.seq != inner.seq + 1 {
                break;
            }
            inner.seq = update.seq;
            let watchers = inner.subscribers.len();
            let frame = Arc::new(Frame {
                id: update.seq,
                name: Cow::Owned(name),
                data: update.render(watchers),
            });
            inner.push_recent(frame.clone());
            inner.subscribers.send(&frame);
        }
    }

    /// Marks the feed as forgotten when no stream is attached and nothing happened for
    /// `idle`; `true` if it was.
    pub fn evict_if_idle(&self, idle: Duration) -> bool {
        let mut inner = self.inner.lock();
        if inner.subscribers.is_empty() && inner.last_activity.elapsed() >= idle {
            inner.evicted = true;
        }
        inner.evicted
    }

    /// Keeps the feed from being evicted for a while (the consumer is about to use it).
    pub fn touch(&self) {
        self.inner.lock().last_activity = Instant::now();
    }
}

impl Inner {
    fn push_recent(&mut self, frame: Arc<Frame>) {
        if self.recent.len() == self.recent_capacity {
            self.recent.pop_front();
        }
        self.recent.push_back(frame);
    }
}

impl Detach for AuctionFeed {
    fn detach(&self, subscriber: u64) {
        let mut inner = self.inner.lock();
        inner.subscribers.remove(subscriber);
        inner.last_activity = Instant::now();
    }
}
