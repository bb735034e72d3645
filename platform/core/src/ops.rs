//! Operational endpoints every process serves: `/healthz`, `/readyz`, `/metrics`.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

/// A check of one dependency; `Err` names what is not reachable.
pub type ReadinessCheck =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

static PROMETHEUS: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide Prometheus recorder (once) and returns its handle.
pub fn prometheus() -> &'static PrometheusHandle {
    PROMETHEUS.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets(&[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ])
            .expect("static buckets are valid")
            .install_recorder()
            .expect("the metrics recorder is installed once")
    })
}

/// Readiness check that pings Postgres.
pub fn postgres_check(pool: sqlx::PgPool) -> ReadinessCheck {
    Arc::new(move || {
        let pool = pool.clone();
        Box::pin(async move {
            sqlx::query("SELECT 1")
                .execute(&pool)
                .await
                .map(|_| ())
                .map_err(|e| format!("postgres: {e}"))
        })
    })
}

pub fn router(checks: Vec<ReadinessCheck>) -> Router {
    let checks = Arc::new(checks);
    prometheus();
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(move || {
                let checks = checks.clone();
                async move {
                    let mut failures = Vec::new();
                    for check in checks.iter() {
                        if let Err(e) = check().await {
                            failures.push(e);
                        }
                    }
                    if failures.is_empty() {
                        (StatusCode::OK, "ready".to_owned()).into_response()
                    } else {
                        (StatusCode::SERVICE_UNAVAILABLE, failures.join("\n")).into_response()
                    }
                }
            }),
        )
        .route(
            "/metrics",
            get(|| async {
                (
                    [(
                        axum::http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4",
                    )],
                    prometheus().render(),
                )
            }),
        )
}
