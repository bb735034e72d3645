//! What the engine keeps for one auction between commands.

use super::rules::Rules;
use chrono::{DateTime, Utc};
use platform_core::log::{AuctionStatus, Event, EventKind, PublicState, Terms};
use platform_core::{Amount, AuctionId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The whole of one auction as the engine persists it (as JSON). Only [`super::apply`]
/// changes it, so every change is one the command log can replay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuctionState {
    pub(super) auction_id: AuctionId,
    /// `None` until the listing's `List` command is seen: the auction is unknown.
    pub(super) terms: Option<Terms>,
    pub(super) status: AuctionStatus,
    pub(super) starts_at: Option<DateTime<Utc>>,
    pub(super) ends_at: Option<DateTime<Utc>>,
    /// The end as scheduled, before any soft-close extension; the extension cap counts
    /// from here.
    pub(super) scheduled_end: Option<DateTime<Utc>>,
    pub(super) current_price: Amount,
    pub(super) bid_count: i64,
    pub(super) leader: Option<Leader>,
    /// Everyone who ever had a bid accepted; ordered, so the events sent to them are in the
    /// same order on every replay.
    pub(super) bidders: BTreeSet<UserId>,
    pub(super) winner_id: Option<UserId>,
    pub(super) final_price: Option<Amount>,
    pub(super) seq: i64,
}

/// The bidder currently winning, with the most they are willing to pay. The maximum is the
/// bidder's secret: it never leaves the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Leader {
    pub bidder_id: UserId,
    pub max_amount: Amount,
}

impl AuctionState {
    pub fn new(auction_id: AuctionId) -> Self {
        Self {
            auction_id,
            terms: None,
            status: AuctionStatus::Pending,
            starts_at: None,
            ends_at: None,
            scheduled_end: None,
            current_price: 0,
            bid_count: 0,
            leader: None,
            bidders: BTreeSet::new(),
            winner_id: None,
            final_price: None,
            seq: 0,
        }
    }

    pub fn auction_id(&self) -> AuctionId {
        self.auction_id
    }

    /// The sequence number of the last public event (0 before the first).
    pub fn seq(&self) -> i64 {
        self.seq
    }

    pub fn status(&self) -> AuctionStatus {
        self.status
    }

    pub fn terms(&self) -> Option<&Terms> {
        self.terms.as_ref()
    }

    pub fn seller_id(&self) -> Option<UserId> {
        self.terms.as_ref().map(|terms| terms.seller_id)
    }

    pub fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.ends_at
    }

    pub fn leader(&self) -> Option<Leader> {
        self.leader
    }

    /// Everyone who ever had a bid accepted, in a stable order.
    pub fn bidders(&self) -> impl Iterator<Item = UserId> + '_ {
        self.bidders.iter().copied()
    }

    /// The lowest `amount` a bid may have now: the starting price until someone bids, then
    /// the current price plus the increment of its band.
    pub fn minimum_next_bid(&self, rules: &Rules) -> Amount {
        match (&self.leader, &self.terms) {
            (None, Some(terms)) => terms.starting_price,
            (None, None) => 0,
            (Some(_), _) => rules.increments.step_above(self.current_price),
        }
    }

    /// True when a close now would have a winner as far as the reserve is concerned: no
    /// reserve, or a leader at or above it. A buy-now winner met the seller's own price.
    pub fn reserve_met(&self) -> bool {
        if self.winner_id.is_some() {
            return true;
        }
        match &self.terms {
            None => false,
            Some(Terms {
                reserve_price: None,
                ..
            }) => true,
            Some(Terms {
                reserve_price: Some(reserve),
                ..
            }) => self.leader.is_some() && self.current_price >= *reserve,
        }
    }

    pub fn public(&self) -> PublicState {
        PublicState {
            status: self.status,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            current_price: self.current_price,
            bid_count: self.bid_count,
            leading_bidder_id: self.leader.map(|leader| leader.bidder_id),
            reserve_met: self.reserve_met(),
            winner_id: self.winner_id,
            final_price: self.final_price,
        }
    }

    /// Appends a public event: advances `seq` by one and carries the state as it is now,
    /// so callers change the state first and publish after.
    pub(super) fn publish(
        &mut self,
        at: DateTime<Utc>,
        events: &mut Vec<Event>,
        kind: impl FnOnce(PublicState) -> EventKind,
    ) {
        self.seq += 1;
        events.push(Event {
            auction_id: self.auction_id,
            seq: self.seq,
            at,
            kind: kind(self.public()),
        });
    }

    /// Appends a private event; it carries the current `seq` and does not advance it.
    pub(super) fn notify(&self, at: DateTime<Utc>, events: &mut Vec<Event>, kind: EventKind) {
        events.push(Event {
            auction_id: self.auction_id,
            seq: self.seq,
            at,
            kind,
        });
    }

    /// Tells every bidder but the winner that the auction is over, with its result.
    pub(super) fn notify_closed_for_bidders(&self, at: DateTime<Utc>, events: &mut Vec<Event>) {
        for bidder_id in self.bidders() {
            if Some(bidder_id) != self.winner_id {
                self.notify(
                    at,
                    events,
                    EventKind::AuctionClosedFor {
                        bidder_id,
                        winner_id: self.winner_id,
                        final_price: self.final_price,
                    },
                );
            }
        }
    }
}
