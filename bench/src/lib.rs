//! Load generators and benchmarks of the platform, run on one machine against loopback
//! addresses only, bounded in count and time. They print their figures together with the
//! machine they ran on; nothing here asserts on timings.
//!
//! * [`machine`] — what the figures were measured on.
//! * [`latency`] — percentiles (hdrhistogram, microsecond resolution).
//! * [`cpu`] — CPU time of the processes on the bid path during a window.
//! * [`broker`] — the raw Kafka-protocol broker: produce then consume with rdkafka.
//! * [`cluster`] — the platform binary started as one process or as separate roles.
//! * [`api`] — the public HTTP API as a script uses it (setup of sellers, bidders, auctions).
//! * [`load`] — the open-loop bid generator of the bid path.
//! * [`live_bids`] — the live benchmark's bids: rising amounts that name the bid.
//! * [`loopback`] — the floor under live fan-out: bare writes to many loopback connections.
//! * [`sse`] — a minimal Server-Sent Events reader.
//! * [`sse_cost`] — what reading events costs a watcher, with that reader and with eventsource-stream.
//! * [`watch`] — thousands of SSE watchers, public and private, and their checks.
//! * [`memory`] — resident memory of the platform's processes.
//! * [`decisions`] — what the engine stored, read back from Postgres.
//! * [`engine`] — the engine's batch counters from its `/metrics`.
//! * [`report`] — the bid path's printed block and its markdown twin.
//! * [`live_report`] — the same for the live benchmark.

pub mod api;
pub mod broker;
pub mod cluster;
pub mod cpu;
pub mod decisions;
pub mod engine;
pub mod http1;
pub mod latency;
pub mod live_bids;
pub mod live_report;
pub mod load;
pub mod loopback;
pub mod machine;
pub mod memory;
pub mod report;
pub mod sse;
pub mod sse_cost;
pub mod watch;

/// Whether `host` (a host, `host:port` or a URL authority) is on this machine. Load is
/// only ever sent to loopback addresses.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)
    };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::is_loopback_host;

    #[test]
    fn only_loopback_hosts_are_targets() {
        assert!(is_loopback_host("127.0.0.1:19092"));
        assert!(is_loopback_host("127.3.2.1"));
        assert!(is_loopback_host("localhost:5432"));
        assert!(is_loopback_host("[::1]:9092"));
        assert!(!is_loopback_host("10.0.0.5:9092"));
        assert!(!is_loopback_host("kafka:9092"));
        assert!(!is_loopback_host("192.168.1.2"));
    }
}
