//! What search knows about an auction, and how the two sources of that knowledge merge.
//!
//! The words of a listing (title, description, category) come once, on the `List` command;
//! the public state comes with every public event and carries `seq`. Either may arrive
//! first. A document is the merge of both: words never change once known, state is
//! replaced only by a newer `seq`. [`AuctionDoc::version`] orders merged documents so that
//! a store can refuse any write that would move a document backwards.

pub mod query;
pub mod text;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocabulary::{Amount, AuctionId, AuctionStatus, AuctionView, Listing, PublicState, Terms};

/// One auction as the index stores it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuctionDoc {
    pub id: AuctionId,
    /// From the `List` command or the `listed` event, whichever came first.
    pub terms: Option<Terms>,
    /// From the `List` command only.
    pub listing: Option<Listing>,
    /// When the listing was created (`List.at`, or the `listed` event's time).
    pub listed_at: Option<DateTime<Utc>>,
    /// Newest public state seen, with its `seq` (0 = no event yet).
    pub seq: i64,
    pub state: Option<PublicState>,
}

/// One thing the logs told about an auction.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Words {
        auction_id: AuctionId,
        terms: Terms,
        listing: Listing,
        at: DateTime<Utc>,
    },
    State {
        auction_id: AuctionId,
        seq: i64,
        at: DateTime<Utc>,
        /// Present on `listed` events.
        terms: Option<Terms>,
        /// Present on `listed` events written since the words travel with them.
        listing: Option<Listing>,
        state: PublicState,
    },
}

impl Change {
    pub fn auction_id(&self) -> AuctionId {
        match self {
            Change::Words { auction_id, .. } | Change::State { auction_id, .. } => *auction_id,
        }
    }
}

impl AuctionDoc {
    pub fn empty(id: AuctionId) -> Self {
        Self {
            id,
            terms: None,
            listing: None,
            listed_at: None,
            seq: 0,
            state: None,
        }
    }

    /// Whether this document may replace `stored`: it has everything `stored` has (a state
    /// at least as new, the words if `stored` has them) and something more. Two writers
    /// that each merged their change into a stale copy (one the words, the other a newer
    /// state) would otherwise each look newer by [`Self::version`] alone, and the second
    /// write would lose the first one's change.
    pub fn supersedes(&self, stored: &AuctionDoc) -> bool {
        self.seq >= stored.seq
            && (self.listing.is_some() || stored.listing.is_none())
            && self.version() > stored.version()
    }

    /// Monotonic in everything a merge can add: twice the `seq`, plus one once the words
    /// are known.
    pub fn version(&self) -> i64 {
        self.seq * 2 + i64::from(self.listing.is_some())
    }

    /// Folds a change in. Returns whether anything changed.
    pub fn merge(&mut self, change: &Change) -> bool {
        match change {
            Change::Words {
                terms, listing, at, ..
            } => {
                if self.listing.is_some() {
                    return false;
                }
                self.listing = Some(listing.clone());
                self.terms.get_or_insert_with(|| terms.clone());
                self.listed_at.get_or_insert(*at);
                true
            }
            Change::State {
                seq,
                at,
                terms,
                listing,
                state,
                ..
            } => {
                if *seq <= self.seq {
                    return false;
                }
                self.seq = *seq;
                self.state = Some(state.clone());
                if let Some(terms) = terms {
                    self.terms.get_or_insert_with(|| terms.clone());
                    self.listed_at.get_or_insert(*at);
                    if let Some(listing) = listing.as_ref().filter(|l| l.is_known()) {
                        self.listing.get_or_insert_with(|| listing.clone());
                    }
                }
                true
            }
        }
    }

    /// Status as the public sees it: `pending` until an event says otherwise.
    pub fn status(&self) -> AuctionStatus {
        self.state
            .as_ref()
            .map_or(AuctionStatus::Pending, |s| s.status)
    }

    pub fn current_price(&self) -> Amount {
        match (&self.state, &self.terms) {
            (Some(s), _) => s.current_price,
            (None, Some(t)) => t.starting_price,
            (None, None) => Amount::ZERO,
        }
    }

    /// Sort key of `ending_soon`: the end of a live auction; finished ones go last.
    pub fn ending_key(&self) -> i64 {
        match &self.state {
            Some(s) if !s.status.is_final() => s.ends_at.map_or(i64::MAX, |t| t.timestamp_micros()),
            _ => i64::MAX,
        }
    }

    pub fn listed_micros(&self) -> i64 {
        self.listed_at.map_or(0, |t| t.timestamp_micros())
    }

    pub fn title(&self) -> &str {
        self.listing.as_ref().map_or("", |l| l.title.as_str())
    }

    pub fn description(&self) -> &str {
        self.listing.as_ref().map_or("", |l| l.description.as_str())
    }

    pub fn category(&self) -> &str {
        self.listing.as_ref().map_or("", |l| l.category.as_str())
    }

    /// The auction object of the API, once search knows the listing (its terms and words
    /// come together); `None` before, and such documents are never matched.
    pub fn hit(&self) -> Option<Hit> {
        let terms = self.terms.as_ref()?;
        let listing = self.listing.clone()?;
        let state = match &self.state {
            Some(state) => state.clone(),
            None => PublicState::before_any_event(terms),
        };
        Some(AuctionView::public(
            self.id, terms, listing, self.seq, state,
        ))
    }
}

/// An auction in search results: the API's auction object, the one every service shows.
pub type Hit = AuctionView;
