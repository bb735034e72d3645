//! The auction service's rules, as plain functions over plain data (no sqlx, axum or bus).
//!
//! * [`listing`] — what a seller may put up for sale.
//! * [`window`] — when an admin may schedule it.
//! * [`auction`] — the stored auction and which admin actions its state allows.
//! * [`cursor`] — the opaque position of a newest-first listing page.

pub mod auction;
pub mod category;
pub mod cursor;
pub mod listing;
pub mod window;

pub use auction::Auction;
use vocabulary::ErrorCode;

pub use category::Category;
pub use cursor::Cursor;
pub use listing::{Listing, ListingDraft};
pub use window::Window;

/// Why an input was refused. `code` is the stable API error code (from the table),
/// `message` says what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub code: ErrorCode,
    pub message: String,
}

impl Invalid {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Invalid {}
