//! The gateway end to end: a real server on port 0, a database of its own per test.

mod accounts;
mod helpers;
mod limits;
mod remote;
mod routing;
mod tokens;
