//! The fan-out: every auction and user with a live feed on this instance.
//!
//! Feeds live in memory while streams use them and for `idle` after; a feed not in memory
//! is loaded from the stored history (newest state and terms) the first time a stream or
//! the consumer needs it. Both load the same way and the first one in wins, and the
//! consumer always stores an event before it advances the feed, so a feed loaded at any
//! moment plus the events advanced into it afterwards is every event, once.

mod auction_feed;
mod frame;
mod subscribers;
mod user_feed;
pub mod views;

pub use auction_feed::{AttachError, Attached, AuctionFeed, Catchup};
pub use frame::{joined, Frame};
pub use subscribers::Subscription;
pub use user_feed::{AttachedUser, UserFeed};

use crate::history::History;
use dashmap::DashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use vocabulary::{AuctionId, Event, UserId};

#[derive(Clone, Copy, Debug)]
pub struct HubSettings {
    /// Recent frames a reconnecting client is served from memory, per auction.
    pub recent_per_auction: usize,
    /// Recent notices kept in memory per user.
    pub recent_per_user: usize,
    /// Frames one stream may have waiting before it is detached.
    pub stream_buffer: usize,
    /// Shortest time between two wake-ups of an auction's streams.
    pub wake_pace: Duration,
}

pub struct Hub {
    auctions: DashMap<AuctionId, Arc<AuctionFeed>>,
    users: DashMap<UserId, Arc<UserFeed>>,
    history: History,
    settings: HubSettings,
    next_notice_id: AtomicI64,
}

impl Hub {
    pub fn new(history: History, settings: HubSettings) -> Self {
        // Notice ids start at the start time in microseconds: ids handed out by an earlier
        // run of this service are below it and are never taken for ids of this run.
        let start = chrono::Utc::now().timestamp_micros();
        Self {
            auctions: DashMap::new(),
            users: DashMap::new(),
            history,
            settings,
            next_notice_id: AtomicI64::new(start),
        }
    }

    pub fn settings(&self) -> HubSettings {
        self.settings
    }

    /// The feed of an auction a stream asks for; `None` when nothing is known about it.
    pub async fn attach_auction(
        &self,
        auction_id: AuctionId,
        resume: Option<i64>,
    ) -> anyhow::Result<Option<Attached>> {
        // An eviction between lookup and attach is retried; it needs the feed idle for
        // minutes, so a second one in a row does not happen in practice.
        for _ in 0..3 {
            let Some(feed) = self.auction_feed(auction_id, false).await? else {
                return Ok(None);
            };
            let settings = self.settings;
            match feed.attach(resume, settings.stream_buffer, settings.recent_per_auction) {
                Ok(attached) => return Ok(Some(attached)),
                Err(AttachError::Unknown) => return Ok(None),
                Err(AttachError::Evicted) => continue,
            }
        }
        anyhow::bail!("feed of auction {auction_id} kept being evicted")
    }

    /// The feed the consumer advances: loaded from the history, or empty (seq 0) for an
    /// auction never seen.
    pub async fn feed_for_event(&self, auction_id: AuctionId) -> anyhow::Result<Arc<AuctionFeed>> {
        let feed = self.auction_feed(auction_id, true).await?;
        let feed = feed.expect("an empty feed is created when none is stored");
        feed.touch();
        Ok(feed)
    }

    async fn auction_feed(
        &self,
        auction_id: AuctionId,
        create: bool,
    ) -> anyhow::Result<Option<Arc<AuctionFeed>>> {
        if let Some(feed) = self.auctions.get(&auction_id) {
            return Ok(Some(feed.clone()));
        }
        let stored = self.history.feed(auction_id).await?;
        // The ring holds what streams have yet to send (as deep as their buffer) and what
        // reconnecting clients are served from memory.
        let recent = self
            .settings
            .recent_per_auction
            .max(self.settings.stream_buffer);
        let pace = self.settings.wake_pace;
        let feed = match stored {
            Some(s) => AuctionFeed::new(
                auction_id,
                s.seq,
                Some(s.state),
                s.terms,
                s.listing,
                recent,
                pace,
            ),
            None if create => AuctionFeed::new(auction_id, 0, None, None, None, recent, pace),
            None => return Ok(None),
        };
        // Whoever loaded first wins; the other uses that feed (it saw every event since).
        let feed = self
            .auctions
            .entry(auction_id)
            .or_insert_with(|| Arc::new(feed))
            .clone();
        Ok(Some(feed))
    }

    /// A user's feed, created when missing.
    pub fn attach_user(&self, user_id: UserId, resume: Option<i64>) -> AttachedUser {
        loop {
            let feed = self
                .users
                .entry(user_id)
                .or_insert_with(|| Arc::new(UserFeed::new(self.settings.recent_per_user)))
                .clone();
            if let Some(attached) = feed.attach(resume, self.settings.stream_buffer) {
                return attached;
            }
            self.users.remove_if(&user_id, |_, f| Arc::ptr_eq(f, &feed));
        }
    }

    /// Sends a private notice to its recipient's streams. A user without a feed on this
    /// instance has no stream to receive it and nothing to resume from, so it is dropped.
    pub fn deliver_notice(&self, event: &Event) {
        let Some(user_id) = event.recipient() else {
            return;
        };
        let Some(feed) = self.users.get(&user_id).map(|f| f.clone()) else {
            return;
        };
        feed.deliver(event, || {
            self.next_notice_id.fetch_add(1, Ordering::Relaxed)
        });
    }

    /// Forgets feeds with no stream that were idle for `idle`. Their state stays in the
    /// history; the recent frames and notices go.
    pub fn evict_idle(&self, idle: Duration) -> (usize, usize) {
        let auctions = self.auctions.len();
        self.auctions.retain(|_, feed| !feed.evict_if_idle(idle));
        let users = self.users.len();
        self.users.retain(|_, feed| !feed.evict_if_idle(idle));
        (auctions - self.auctions.len(), users - self.users.len())
    }
}
