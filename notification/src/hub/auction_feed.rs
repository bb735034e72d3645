//! One auction's live feed: its newest public state, the recent frames (a contiguous run of
//! `seq`s ending at the current one) and the count of streams reading them.
//!
//! Promises:
//! * Attaching is atomic with publishing (one lock): a stream attached at `seq` S reads
//!   every frame after S from the ring, and whatever it is told to catch up on ends at S.
//!   Nothing is missed and nothing is sent twice.
//! * Only the event consumer advances a feed, one event at a time, in `seq` order.
//! * Publishing never waits for a stream: it adds the frame to the ring and wakes the
//!   streams waiting for one. A stream more than its buffer behind the newest frame, or
//!   whose next frame has left the ring, is detached (see [`super::subscribers`]).

use super::frame::Frame;
use super::subscribers::{lagging, Subscription};
use super::views::{AuctionSnapshot, AuctionUpdate};
use crate::history::StoredEvent;
use parking_lot::Mutex;
use platform_core::log::{Event, EventKind, PublicState, Terms};
use platform_core::AuctionId;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::futures::Notified;
use tokio::sync::Notify;

pub struct AuctionFeed {
    auction_id: AuctionId,
    inner: Mutex<Inner>,
    /// Woken whenever frames are added.
    published: Notify,
}

struct Inner {
    seq: i64,
    /// `None` only for a feed the consumer created before its first event.
    state: Option<PublicState>,
    terms: Option<Terms>,
    recent: VecDeque<Arc<Frame>>,
    recent_capacity: usize,
    /// When the ring restarted at an event that did not follow the one before (events
    /// lost on the way): the snapshot at that event, for streams that were before it.
    restart: Option<Arc<Frame>>,
    /// Streams reading the ring, by id.
    readers: HashMap<u64, Arc<Reader>>,
    next_reader: u64,
    /// A cursor at or below every reader's (a reader only moves forward): while the
    /// newest frame is within `buffer` of it, nobody is too far behind.
    slowest: i64,
    /// How far behind the newest frame a stream may fall.
    buffer: usize,
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

/// One stream's place in the ring.
pub(crate) struct Reader {
    pub id: u64,
    /// The id of the newest frame it took.
    cursor: AtomicI64,
    /// Set when it fell too far behind; it ends after what it holds.
    detached: AtomicBool,
}

/// What a stream finds after its cursor.
pub(crate) enum Newer {
    /// Frames were added to its batch.
    Frames,
    Nothing,
    /// The next frame it needs is gone, or it is too far behind: it is detached.
    Behind,
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
                restart: None,
                readers: HashMap::new(),
                next_reader: 0,
                slowest: seq,
                buffer: usize::MAX,
                last_activity: Instant::now(),
                evicted: false,
            }),
            published: Notify::new(),
        }
    }

    /// The `seq` of the newest event applied.
    pub fn seq(&self) -> i64 {
        self.inner.lock().seq
    }

    pub fn is_evicted(&self) -> bool {
        self.inner.lock().evicted
    }

    /// Attaches a stream. `resume` is the client's `Last-Event-ID`, if any; `buffer` is how
    /// far behind the newest frame the stream may fall; a resume is served from memory
    /// when it is within the newest `reach` frames.
    pub fn attach(
        self: &Arc<Self>,
        resume: Option<i64>,
        buffer: usize,
        reach: usize,
    ) -> Result<Attached, AttachError> {
        let mut inner = self.inner.lock();
        if inner.evicted {
            return Err(AttachError::Evicted);
        }
        let Some(state) = inner.state.clone() else {
            return Err(AttachError::Unknown);
        };
        inner.last_activity = Instant::now();
        inner.buffer = buffer.max(1);
        inner.next_reader += 1;
        let reader = Arc::new(Reader {
            id: inner.next_reader,
            cursor: AtomicI64::new(inner.seq),
            detached: AtomicBool::new(false),
        });
        inner.readers.insert(reader.id, reader.clone());
        let watchers = inner.readers.len();
        let catchup = match resume {
            None => Catchup::Snapshot,
            Some(n) if n == inner.seq => Catchup::UpToDate,
            Some(n) if n > inner.seq => Catchup::Ahead,
            Some(n) => match inner.recent.front() {
                Some(oldest) if oldest.id <= n + 1 && inner.seq - n <= reach as i64 => {
                    Catchup::Frames(inner.recent.iter().filter(|f| f.id > n).cloned().collect())
                }
                _ => Catchup::FromHistory {
                    after: n,
                    upto: inner.seq,
                },
            },
        };
        let snapshot = Arc::new(Frame::new(
            inner.seq,
            "snapshot",
            &AuctionSnapshot::render(
                self.auction_id,
                inner.seq,
                &state,
                inner.terms.as_ref(),
                watchers,
            ),
        ));
        Ok(Attached {
            subscription: Subscription::on_ring(self.clone(), reader),
            catchup,
            snapshot,
            watchers,
        })
    }

    /// Applies the next public event (`seq` must be above the current one) and publishes
    /// it. When it does not follow the current `seq` directly (the events between are
    /// lost), the ring restarts at it and streams get a fresh `snapshot` there instead (in
    /// place of any frame before it they had not taken yet), so no client believes it saw
    /// everything. `false` if the feed was evicted meanwhile.
    pub fn advance(&self, event: &Event, update: AuctionUpdate) -> bool {
        {
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
            if !follows {
                inner.recent.clear();
                let snapshot = AuctionSnapshot::render(
                    self.auction_id,
                    event.seq,
                    state,
                    inner.terms.as_ref(),
                    inner.readers.len(),
                );
                inner.restart = Some(Arc::new(Frame::new(event.seq, "snapshot", &snapshot)));
            }
            inner.detach_laggards();
            let watchers = inner.readers.len();
            let frame = Arc::new(Frame::new(
                event.seq,
                event.name(),
                &update.render(watchers),
            ));
            inner.push_recent(frame);
            metrics::counter!("notification_frames_sent_total").increment(watchers as u64);
        }
        self.published.notify_waiters();
        true
    }

    /// Publishes stored events that fill a hole before the next event (`seq` after the
    /// current one, in order). The state is left to the event that follows them.
    pub fn fill(&self, stored: Vec<StoredEvent>) {
        {
            let mut inner = self.inner.lock();
            for StoredEvent { name, update } in stored {
                if update.seq != inner.seq + 1 {
                    break;
                }
                inner.seq = update.seq;
                inner.detach_laggards();
                let frame = Arc::new(Frame::new(
                    update.seq,
                    name,
                    &update.render(inner.readers.len()),
                ));
                inner.push_recent(frame);
            }
        }
        self.published.notify_waiters();
    }

    /// Resolves after frames are published; enable it before looking for frames.
    pub(crate) fn published(&self) -> Notified<'_> {
        self.published.notified()
    }

    /// Takes the frames after the reader's cursor into `out` (at most `max`) and moves
    /// the cursor past them.
    pub(crate) fn frames_after(
        &self,
        reader: &Reader,
        max: usize,
        out: &mut Vec<Arc<Frame>>,
    ) -> Newer {
        let inner = self.inner.lock();
        if reader.detached.load(Ordering::Relaxed) {
            return Newer::Behind;
        }
        let mut cursor = reader.cursor.load(Ordering::Relaxed);
        let Some(oldest) = inner.recent.front().map(|f| f.id) else {
            return Newer::Nothing;
        };
        if inner.seq <= cursor {
            return Newer::Nothing;
        }
        if inner.behind(cursor) > inner.buffer as i64 {
            reader.detached.store(true, Ordering::Relaxed);
            lagging();
            return Newer::Behind;
        }
        let taken = out.len();
        if oldest > cursor + 1 {
            // Either the ring restarted at a jump (the stream gets the snapshot there) or
            // the stream lagged past the ring's capacity.
            match &inner.restart {
                Some(snapshot) if snapshot.id == oldest && cursor < oldest => {
                    out.push(snapshot.clone());
                    cursor = oldest;
                }
                _ => {
                    reader.detached.store(true, Ordering::Relaxed);
                    lagging();
                    return Newer::Behind;
                }
            }
        }
        let from = (cursor + 1 - oldest) as usize;
        let upto = inner
            .recent
            .len()
            .min(from + max.saturating_sub(out.len() - taken));
        for frame in inner.recent.range(from..upto) {
            out.push(frame.clone());
            cursor = frame.id;
        }
        reader.cursor.store(cursor, Ordering::Relaxed);
        if out.len() > taken {
            Newer::Frames
        } else {
            Newer::Nothing
        }
    }

    /// A stream went away.
    pub(crate) fn leave(&self, reader: &Reader) {
        let mut inner = self.inner.lock();
        inner.readers.remove(&reader.id);
        inner.last_activity = Instant::now();
    }

    /// Marks the feed as forgotten when no stream is attached and nothing happened for
    /// `idle`; `true` if it was.
    pub fn evict_if_idle(&self, idle: Duration) -> bool {
        let mut inner = self.inner.lock();
        if inner.readers.is_empty() && inner.last_activity.elapsed() >= idle {
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
    /// Detaches the streams more than `buffer` behind the newest frame. Looks at every
    /// stream only when one may be: cursors only move forward, so none is while the
    /// newest frame is within `buffer` of the slowest cursor seen last time.
    fn detach_laggards(&mut self) {
        let limit = self.buffer as i64;
        if self.behind(self.slowest) <= limit {
            return;
        }
        let (seq, floor) = (self.seq, self.restart_floor());
        let mut slowest = seq;
        self.readers.retain(|_, reader| {
            let cursor = reader.cursor.load(Ordering::Relaxed).max(floor);
            if seq - cursor > limit {
                reader.detached.store(true, Ordering::Relaxed);
                lagging();
                false
            } else {
                slowest = slowest.min(cursor);
                true
            }
        });
        self.slowest = slowest;
    }

    /// Frames a stream at `cursor` still has to take. A stream from before the ring's
    /// restart takes the snapshot there instead of the events it skipped.
    fn behind(&self, cursor: i64) -> i64 {
        self.seq - cursor.max(self.restart_floor())
    }

    fn restart_floor(&self) -> i64 {
        self.restart.as_ref().map_or(i64::MIN, |s| s.id - 1)
    }

    fn push_recent(&mut self, frame: Arc<Frame>) {
        if self.recent.len() == self.recent_capacity {
            self.recent.pop_front();
        }
        self.recent.push_back(frame);
    }
}
