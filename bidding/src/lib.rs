//! bidding
