//! The bidding service's read endpoints through its HTTP router: a fresh database per
//! test, the in-process bus, a running engine, and gateway-style identity headers.

#[path = "api/support.rs"]
mod support;

#[path = "api/analysis.rs"]
mod analysis;
#[path = "api/my_bids.rs"]
mod my_bids;
