//! auction
