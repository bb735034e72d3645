//! Structured logs: JSON lines by default (`LOG_FORMAT=pretty` for humans), filtered by
//! `RUST_LOG` (default `info`).

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(service: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,rdkafka=warn,tower_http=info"));
    let pretty = std::env::var("LOG_FORMAT")
        .map(|v| v == "pretty")
        .unwrap_or(false);
    let result = if pretty {
        fmt().with_env_filter(filter).with_target(false).try_init()
    } else {
        fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_env_filter(filter)
            .try_init()
    };
    if result.is_ok() {
        tracing::info!(service, "telemetry initialised");
    }
}
