//! What the engine stored, read back from the run's own database (schema `bidding`, view
//! `bids`: each request with its outcome). `received_at` is stamped by the intake before
//! it answers 202 and `decided_at` by the engine in the transaction that stores the
//! decision, so `decided_at - received_at` is an upper bound of "202 → decision stored".
//! The client's own clock (the same machine's) says when each 202 arrived: `decided_at`
//! minus that is "202 → decision stored" itself, as the target names it. `decided_at` is
//! taken as the engine writes the batch's decisions, a moment before the batch's
//! transaction commits.

use crate::latency::Latencies;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use sqlx::PgPool;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Decisions {
    pub total: i64,
    pub pending: i64,
    pub accepted: i64,
    pub rejected: i64,
    /// Rejections by reason, most frequent first.
    pub reasons: Vec<(String, i64)>,
    /// From the first intake stamp to the last decision.
    pub window: Duration,
    /// `decided_at - received_at` of every decided bid.
    pub latency: Latencies,
    /// Accepted decisions stored in each whole second of the window, in order.
    pub accepted_per_second: Vec<i64>,
}

impl Decisions {
    /// Accepted bids per second over the whole window.
    pub fn sustained_accepted_per_second(&self) -> f64 {
        self.accepted as f64 / self.window.as_secs_f64().max(1e-9)
    }

    /// Lowest and median accepted count of the full seconds inside the window (the first
    /// and last, ramping, are left out), when there are any.
    pub fn steady_seconds(&self) -> Option<(i64, i64)> {
        steady_seconds(&self.accepted_per_second)
    }
}

pub fn steady_seconds(per_second: &[i64]) -> Option<(i64, i64)> {
    if per_second.len() < 3 {
        return None;
    }
    let mut inner = per_second[1..per_second.len() - 1].to_vec();
    inner.sort_unstable();
    Some((inner[0], inner[inner.len() / 2]))
}

/// Waits until no bid is pending any more (or `timeout`); returns how many still are.
pub async fn wait_settled(pool: &PgPool, timeout: Duration) -> sqlx::Result<i64> {
    let started = Instant::now();
    loop {
        let pending: i64 =
            sqlx::query_scalar("SELECT count(*) FROM bidding.bids WHERE status = 'pending'")
                .fetch_one(pool)
                .await?;
        if pending == 0 || started.elapsed() >= timeout {
            return Ok(pending);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

pub async fn measure(pool: &PgPool) -> sqlx::Result<Decisions> {
    let counts: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT status, reason, count(*) FROM bidding.bids GROUP BY 1, 2 ORDER BY 3 DESC",
    )
    .fetch_all(pool)
    .await?;
    let count_of = |status: &str| -> i64 {
        counts
            .iter()
            .filter(|(s, _, _)| s == status)
            .map(|(_, _, n)| n)
            .sum()
    };
    let reasons = counts
        .iter()
        .filter(|(s, _, _)| s == "rejected")
        .map(|(_, r, n)| (r.clone().unwrap_or_default(), *n))
        .collect();

    let (first, last): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) =
        sqlx::query_as("SELECT min(received_at), max(decided_at) FROM bidding.bids")
            .fetch_one(pool)
            .await?;
    let window = match (first, last) {
        (Some(f), Some(l)) => (l - f).to_std().unwrap_or_default(),
        _ => Duration::ZERO,
    };

    let mut latency = Latencies::new();
    let mut rows = sqlx::query_scalar::<_, i64>(
        "SELECT (EXTRACT(EPOCH FROM (decided_at - received_at)) * 1000000)::int8
         FROM bidding.bids WHERE decided_at IS NOT NULL",
    )
    .fetch(pool);
    while let Some(micros) = rows.try_next().await? {
        latency.record_micros(u64::try_from(micros).unwrap_or(0));
    }
    drop(rows);

    let accepted_per_second: Vec<i64> = match first {
        Some(first) => {
            let buckets: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT floor(EXTRACT(EPOCH FROM (decided_at - $1)))::int8 AS s, count(*)
                 FROM bidding.bids WHERE status = 'accepted' GROUP BY 1 ORDER BY 1",
            )
            .bind(first)
            .fetch_all(pool)
            .await?;
            let len = buckets.last().map(|(s, _)| s + 1).unwrap_or(0).max(0) as usize;
            let mut seconds = vec![0; len];
            for (s, n) in buckets {
                if let Ok(i) = usize::try_from(s) {
                    seconds[i] = n;
                }
            }
            seconds
        }
        None => Vec::new(),
    };

    Ok(Decisions {
        total: counts.iter().map(|(_, _, n)| n).sum(),
        pending: count_of("pending"),
        accepted: count_of("accepted"),
        rejected: count_of("rejected"),
        reasons,
        window,
        latency,
        accepted_per_second,
    })
}

/// For each bid answered 202 (`answered`: its id and when the answer arrived) whose decision
/// is stored: the time from the answer to the decision. Decisions stamped before the answer
/// arrived (the engine can be quicker than the client's reading of the 202) count as 0.
pub async fn after_202(
    pool: &PgPool,
    answered: &[(uuid::Uuid, DateTime<Utc>)],
) -> sqlx::Result<Latencies> {
    let ids: Vec<uuid::Uuid> = answered.iter().map(|(id, _)| *id).collect();
    let decided: std::collections::HashMap<uuid::Uuid, DateTime<Utc>> = sqlx::query_as(
        "SELECT bid_id, decided_at FROM bidding.bids
         WHERE bid_id = ANY($1) AND decided_at IS NOT NULL",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    Ok(answer_to_decision(answered, &decided))
}

fn answer_to_decision(
    answered: &[(uuid::Uuid, DateTime<Utc>)],
    decided: &std::collections::HashMap<uuid::Uuid, DateTime<Utc>>,
) -> Latencies {
    let mut latency = Latencies::new();
    for (id, at) in answered {
        if let Some(stored) = decided.get(id) {
            latency.record((*stored - *at).to_std().unwrap_or_default());
        }
    }
    latency
}

/// The notices a bidder's private stream must carry for the stored decisions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Notices {
    pub accepted: i64,
    pub rejected: i64,
    /// Times another bidder's accepted bid took the lead from this one.
    pub outbid: i64,
}

impl Notices {
    pub fn total(&self) -> i64 {
        self.accepted + self.rejected + self.outbid
    }
}

/// Notices due to each bidder (by user id), from the decided bids. Bids without a maximum
/// are assumed: the leader is then always the bidder of the newest accepted bid.
pub async fn notices_by_bidder(
    pool: &PgPool,
) -> sqlx::Result<std::collections::HashMap<String, Notices>> {
    let mut due: std::collections::HashMap<String, Notices> = Default::default();
    let decided: Vec<(uuid::Uuid, i64, i64)> = sqlx::query_as(
        "SELECT bidder_id,
                count(*) FILTER (WHERE status = 'accepted'),
                count(*) FILTER (WHERE status = 'rejected')
         FROM bidding.bids GROUP BY 1",
    )
    .fetch_all(pool)
    .await?;
    for (bidder, accepted, rejected) in decided {
        let n = due.entry(bidder.to_string()).or_default();
        n.accepted = accepted;
        n.rejected = rejected;
    }
    let outbid: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
        "SELECT previous, count(*) FROM (
             SELECT bidder_id,
                    lag(bidder_id) OVER (PARTITION BY auction_id ORDER BY seq) AS previous
             FROM bidding.bids WHERE status = 'accepted'
         ) leads
         WHERE previous IS NOT NULL AND previous <> bidder_id GROUP BY 1",
    )
    .fetch_all(pool)
    .await?;
    for (bidder, times) in outbid {
        due.entry(bidder.to_string()).or_default().outbid = times;
    }
    Ok(due)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_set_against_their_own_decisions() {
        let t0 = DateTime::parse_from_rfc3339("2026-11-21T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let ms = chrono::Duration::milliseconds;
        let (a, b, c) = (
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
            uuid::Uuid::new_v4(),
        );
        let answered = vec![(a, t0), (b, t0 + ms(10)), (c, t0)];
        // `a` decided 40 ms after its 202, `b` stamped 5 ms before its 202 arrived, `c` not
        // decided.
        let decided = [(a, t0 + ms(40)), (b, t0 + ms(5))].into_iter().collect();
        let latency = answer_to_decision(&answered, &decided);
        assert_eq!(latency.count(), 2);
        let max = latency.summary().max;
        assert!(
            max >= Duration::from_millis(40) && max < Duration::from_millis(41),
            "{max:?}"
        );
        assert!(latency.quantile(0.0) < Duration::from_millis(1));
    }

    #[test]
    fn steady_seconds_leave_out_the_ramps() {
        assert_eq!(
            steady_seconds(&[10, 5000, 5200, 4900, 300]),
            Some((4900, 5000))
        );
        assert_eq!(steady_seconds(&[10, 20]), None);
    }
}
