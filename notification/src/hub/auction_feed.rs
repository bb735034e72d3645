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
//! * Waking is paced: streams are woken at once when the last wake-up is at least `pace`
//!   old, and otherwise when it will be. A quiet auction's event goes out at once; a busy
//!   auction's streams wake at most once per `pace` and take every frame since in one
//!   piece, so what thousands of streams cost follows the pace, not the rate of events.
//!   The pace never holds back more than half a stream's buffer (at most [`WAKE_BY`]
//!   frames): a burst wakes them as it goes, so waiting is never what detaches a stream.

use super::frame::{joined_above, Frame};
use super::subscribers::{lagging, Subscription};
use super::views::{AuctionSnapshot, AuctionUpdate};
use crate::history::StoredEvent;
use axum::body::Bytes;
use parking_lot::Mutex;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::futures::Notified;
use tokio::sync::Notify;
use vocabulary::{AuctionId, Event, EventKind, Listing, PublicState, Terms};

pub struct AuctionFeed {
    auction_id: AuctionId,
    inner: Mutex<Inner>,
    /// Woken when frames were added (paced, see [`AuctionFeed::wake`]).
    published: Notify,
    /// Shortest time between two wake-ups of the streams.
    pace: Duration,
    waking: Mutex<Waking>,
}

#[derive(Default)]
struct Waking {
    last: Option<tokio::time::Instant>,
    /// A wake-up is due at `last + pace`.
    scheduled: bool,
    /// Frames published since the last wake-up.
    unwoken: usize,
}

/// Most frames published before the streams are woken, whatever the pace.
const WAKE_BY: usize = 32;

struct Inner {
    seq: i64,
    /// `None` only for a feed the consumer created before its first event.
    state: Option<PublicState>,
    terms: Option<Terms>,
    /// The words of the `listed` event, when it carried them.
    listing: Option<Listing>,
    recent: VecDeque<Arc<Frame>>,
    recent_capacity: usize,
    /// When the ring restarted at an event that did not follow the one before (events
    /// lost on the way): the snapshot at that event, for streams that were before it.
    restart: Option<Arc<Frame>>,
    /// The pieces streams took last, newest last.
    joined: VecDeque<Joined>,
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
pub(crate) enum Taken {
    /// The frames it takes next, as one piece.
    Wire(Bytes),
    /// Frames were taken, but the client had them all: look again.
    Skipped,
    Nothing,
    /// The next frame it needs is gone, or it is too far behind: it is detached.
    Behind,
}

/// Frames after `after` up to `upto`, joined: the streams that wake together at the same
/// cursor take the same piece, so a wake-up costs each of them one reference, not one per
/// frame.
struct Joined {
    after: i64,
    upto: i64,
    wire: Bytes,
}

/// Joined pieces kept per feed: streams at a few different cursors still share.
const JOINED_KEPT: usize = 4;

impl AuctionFeed {
    /// A feed starting at a stored state (or empty, at seq 0, when `state` is `None`);
    /// its streams are woken at most once per `pace`.
    pub fn new(
        auction_id: AuctionId,
        seq: i64,
        state: Option<PublicState>,
        terms: Option<Terms>,
        listing: Option<Listing>,
        recent_capacity: usize,
        pace: Duration,
    ) -> Self {
        Self {
            auction_id,
            inner: Mutex::new(Inner {
                seq,
                state,
                terms,
                listing,
                recent: VecDeque::new(),
                recent_capacity: recent_capacity.max(1),
                restart: None,
                joined: VecDeque::new(),
                readers: HashMap::new(),
                next_reader: 0,
                slowest: seq,
                buffer: usize::MAX,
                last_activity: Instant::now(),
                evicted: false,
            }),
            published: Notify::new(),
            pace,
            waking: Mutex::new(Waking::default()),
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
                inner.listing.as_ref(),
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
    pub fn advance(self: &Arc<Self>, event: &Event, update: AuctionUpdate) -> bool {
        let wake_by = {
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
            if let EventKind::Listed { terms, listing, .. } = &event.kind {
                inner.terms = Some(terms.clone());
                if listing.is_some() {
                    inner.listing = listing.clone();
                }
            }
            inner.last_activity = Instant::now();
            if !follows {
                inner.recent.clear();
                let snapshot = AuctionSnapshot::render(
                    self.auction_id,
                    event.seq,
                    state,
                    inner.terms.as_ref(),
                    inner.listing.as_ref(),
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
            inner.wake_by()
        };
        self.wake(1, wake_by);
        true
    }

    /// Publishes stored events that fill a hole before the next event (`seq` after the
    /// current one, in order). The state is left to the event that follows them.
    pub fn fill(self: &Arc<Self>, stored: Vec<StoredEvent>) {
        let mut published = 0;
        let wake_by = {
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
                published += 1;
            }
            inner.wake_by()
        };
        self.wake(published, wake_by);
    }

    /// After `published` more frames: wakes the waiting streams now if the last wake-up is
    /// `pace` old or `wake_by` frames are waiting, or else makes sure one happens when the
    /// pace allows. Outside a runtime (nothing could run the timer) it wakes them now.
    fn wake(self: &Arc<Self>, published: usize, wake_by: usize) {
        let now = tokio::time::Instant::now();
        let later = {
            let mut waking = self.waking.lock();
            waking.unwoken += published;
            let due = waking
                .last
                .map(|last| last + self.pace)
                .filter(|&due| due > now && waking.unwoken < wake_by);
            if due.is_some() && waking.scheduled {
                return;
            }
            match (due, tokio::runtime::Handle::try_current()) {
                (Some(due), Ok(runtime)) => {
                    waking.scheduled = true;
                    Some((due, runtime))
                }
                _ => {
                    waking.last = Some(now);
                    waking.unwoken = 0;
                    None
                }
            }
        };
        let Some((due, runtime)) = later else {
            self.published.notify_waiters();
            return;
        };
        let feed = self.clone();
        runtime.spawn(async move {
            tokio::time::sleep_until(due).await;
            {
                let mut waking = feed.waking.lock();
                waking.scheduled = false;
                waking.last = Some(tokio::time::Instant::now());
                waking.unwoken = 0;
            }
            feed.published.notify_waiters();
        });
    }

    /// Resolves after frames are published; enable it before looking for frames.
    pub(crate) fn published(&self) -> Notified<'_> {
        self.published.notified()
    }

    /// Takes the frames after the reader's cursor (at most `max`) that the client does not
    /// have yet (ids above `sent`), moves the cursor and `sent` past them, and returns them
    /// as one piece.
    pub(crate) fn wire_after(&self, reader: &Reader, max: usize, sent: &mut i64) -> Taken {
        let mut inner = self.inner.lock();
        if reader.detached.load(Ordering::Relaxed) {
            return Taken::Behind;
        }
        let cursor = reader.cursor.load(Ordering::Relaxed);
        let Some(oldest) = inner.recent.front().map(|f| f.id) else {
            return Taken::Nothing;
        };
        if inner.seq <= cursor {
            return Taken::Nothing;
        }
        if inner.behind(cursor) > inner.buffer as i64 {
            reader.detached.store(true, Ordering::Relaxed);
            lagging();
            return Taken::Behind;
        }
        // Either the ring restarted at a jump (the stream gets the snapshot there) or the
        // stream lagged past the ring's capacity.
        let mut restart = None;
        if oldest > cursor + 1 {
            match &inner.restart {
                Some(snapshot) if snapshot.id == oldest && cursor < oldest => {
                    restart = Some(snapshot.clone());
                }
                _ => {
                    reader.detached.store(true, Ordering::Relaxed);
                    lagging();
                    return Taken::Behind;
                }
            }
        }
        let start = restart.as_ref().map_or(cursor, |s| s.id);
        let from = (start + 1 - oldest) as usize;
        let room = max.saturating_sub(usize::from(restart.is_some())).max(1);
        let upto = inner.recent.len().min(from + room);
        let newest = restart
            .as_ref()
            .map(|s| s.id)
            .into_iter()
            .chain(inner.recent.range(from..upto).map(|f| f.id))
            .max()
            .unwrap_or(cursor);
        reader.cursor.store(newest, Ordering::Relaxed);
        // The common case: a stream at its cursor, with nothing sent past it.
        let shared = restart.is_none() && *sent <= cursor;
        let wire = match inner
            .joined
            .iter()
            .find(|j| j.after == cursor && j.upto == newest)
        {
            Some(j) if shared => j.wire.clone(),
            _ => {
                let frames = restart.iter().chain(inner.recent.range(from..upto));
                let wire = joined_above(frames, *sent);
                if shared {
                    if inner.joined.len() == JOINED_KEPT {
                        inner.joined.pop_front();
                    }
                    inner.joined.push_back(Joined {
                        after: cursor,
                        upto: newest,
                        wire: wire.clone(),
                    });
                }
                wire
            }
        };
        *sent = (*sent).max(newest);
        if wire.is_empty() {
            Taken::Skipped
        } else {
            Taken::Wire(wire)
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

    /// Frames that may wait for a wake-up: half of what a stream may fall behind, so the
    /// pace never detaches one, and at most [`WAKE_BY`].
    fn wake_by(&self) -> usize {
        (self.buffer / 2).clamp(1, WAKE_BY)
    }

    fn push_recent(&mut self, frame: Arc<Frame>) {
        if self.recent.len() == self.recent_capacity {
            self.recent.pop_front();
        }
        self.recent.push_back(frame);
    }
}
