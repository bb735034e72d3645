//! Per-client rate limits: sign-up and login per client address (guessing passwords and
//! mass sign-ups), bids and buy-now per user, or per address for anonymous callers (whom
//! the intake refuses anyway, but who must not get unlimited tries at it).

use super::client_ip::client_ip;
use crate::limiter::{refill_time, RateLimiter};
use crate::upstream::routes::RouteClass;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use platform_core::{ApiError, Identity};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use vocabulary::UserId;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BidderKey {
    User(UserId),
    Address(IpAddr),
}

pub struct RateLimits {
    pub sign_in: RateLimiter<IpAddr>,
    pub bids: RateLimiter<BidderKey>,
    pub trust_forwarded_for: bool,
}

pub async fn rate_limit(
    State(limits): State<Arc<RateLimits>>,
    req: Request,
    next: Next,
) -> Response {
    let class = RouteClass::of(req.uri().path());
    let verdict = if class.is_sign_in() {
        limits
            .sign_in
            .check(&client_ip(&req, limits.trust_forwarded_for))
    } else if class.is_bid(req.method()) {
        let key = match req.extensions().get::<Identity>() {
            Some(identity) => BidderKey::User(identity.user_id),
            None => BidderKey::Address(client_ip(&req, limits.trust_forwarded_for)),
        };
        limits.bids.check(&key)
    } else {
        Ok(())
    };
    match verdict {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            metrics::counter!("http_rate_limited_total", "route" => class.as_str()).increment(1);
            ApiError::too_many_requests(whole_seconds(wait)).into_response()
        }
    }
}

/// `Retry-After` is whole seconds; rounding up never invites a retry that fails again. The
/// wait is measured a moment after the refusal, so it can have run out already: still 1.
fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// Forgets idle clients now and then, until shutdown.
pub async fn sweep_until_shutdown(
    limits: Arc<RateLimits>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let every = refill_time(&limits.sign_in.quota())
        .min(refill_time(&limits.bids.quota()))
        .clamp(Duration::from_secs(1), Duration::from_secs(60));
    let mut ticker = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return Ok(()),
            _ = ticker.tick() => {
                limits.sign_in.sweep();
                limits.bids.sweep();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(3)), 3);
        assert_eq!(whole_seconds(Duration::from_millis(3001)), 4);
    }
}
