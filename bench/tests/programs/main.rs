//! The benchmark programs and their measuring parts against the real things, checked for
//! what they do (never for how fast).

mod loopback_floor;
mod measurements;
