//! One user's private feed: the notices addressed to them and the streams they have open.
//!
//! Promises:
//! * Only notices whose recipient is this user are ever put here.
//! * Ids grow with every notice (they come from one counter per instance, started at the
//!   instance's start time in microseconds, so ids of an earlier run are never mistaken for
//!   this run's). A client that reconnects with the id of a notice still in the recent
//!   buffer gets every later one; with any other id it gets live notices only.
//! * A notice delivered twice by the bus (same content) is sent once.

use super::frame::Frame;
use super::subscribers::{Detach, Subscribers, Subscription};
use super::views::notice;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vocabulary::Event;

pub struct UserFeed {
    inner: Mutex<Inner>,
}

struct Inner {
    recent: VecDeque<(Event, Arc<Frame>)>,
    recent_capacity: usize,
    subscribers: Subscribers,
    last_activity: Instant,
    evicted: bool,
}

pub struct AttachedUser {
    pub subscription: Subscription,
    /// The notices after the client's id (empty when it cannot be resumed).
    pub missed: Vec<Arc<Frame>>,
    /// The id the client is known to have; live frames up to it are skipped.
    pub sent: i64,
}

impl UserFeed {
    pub fn new(recent_capacity: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                recent: VecDeque::new(),
                recent_capacity: recent_capacity.max(1),
                subscribers: Subscribers::default(),
                last_activity: Instant::now(),
                evicted: false,
            }),
        }
    }

    /// Attaches a stream; `None` if the feed was evicted meanwhile (look it up again).
    pub fn attach(self: &Arc<Self>, resume: Option<i64>, buffer: usize) -> Option<AttachedUser> {
        let mut inner = self.inner.lock();
        if inner.evicted {
            return None;
        }
        inner.last_activity = Instant::now();
        let (id, frames) = inner.subscribers.add(buffer);
        let newest = inner.recent.back().map(|(_, f)| f.id).unwrap_or(0);
        let missed = match resume {
            Some(n) if inner.recent.iter().any(|(_, f)| f.id == n) => inner
                .recent
                .iter()
                .filter(|(_, f)| f.id > n)
                .map(|(_, f)| f.clone())
                .collect(),
            _ => Vec::new(),
        };
        let sent = missed.last().map(|f| f.id).unwrap_or(newest);
        let feed: Arc<dyn Detach> = self.clone();
        Some(AttachedUser {
            subscription: Subscription::new(frames, feed, id, "user"),
            missed,
            sent,
        })
    }

    /// Sends a notice to the user's streams unless it was already delivered; `next_id`
    /// gives the frame its id. `false` if the feed was evicted meanwhile.
    pub fn deliver(&self, event: &Event, next_id: impl FnOnce() -> i64) -> bool {
        let mut inner = self.inner.lock();
        if inner.evicted {
            return false;
        }
        if inner.recent.iter().any(|(seen, _)| seen == event) {
            metrics::counter!("notification_duplicates_total", "stream" => "user").increment(1);
            return true;
        }
        let Some(data) = notice(event) else {
            return true;
        };
        let frame = Arc::new(Frame::new(next_id(), event.name(), &data));
        if inner.recent.len() == inner.recent_capacity {
            inner.recent.pop_front();
        }
        inner.recent.push_back((event.clone(), frame.clone()));
        inner.last_activity = Instant::now();
        inner.subscribers.send(&frame);
        true
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
}

impl Detach for UserFeed {
    fn detach(&self, subscriber: u64) {
        let mut inner = self.inner.lock();
        inner.subscribers.remove(subscriber);
        inner.last_activity = Instant::now();
    }
}
