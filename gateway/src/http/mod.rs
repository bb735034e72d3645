//! The gateway's middleware, outermost first: [`observe`] (request id, access log,
//! metrics), [`body_limit`] (the contract's `413`), [`identify`] (token → identity
//! headers), [`rate_limit`].

pub mod body_limit;
pub mod client_ip;
pub mod errors;
pub mod identify;
pub mod observe;
pub mod rate_limit;
pub mod session_cookie;
