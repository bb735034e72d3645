//! One cancellation token per process, fired by SIGINT or SIGTERM. Servers stop accepting,
//! workers finish their batch and commit, SSE streams end (each waits on
//! `CancellationToken::cancelled_owned`).

use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Sleeps for `wait` unless shutdown comes first; `false` when it did. Workers pause with
/// it before trying a failed step again.
pub async fn pause(wait: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        _ = shutdown.cancelled() => false,
        _ = tokio::time::sleep(wait) => true,
    }
}

pub fn on_signal() -> CancellationToken {
    let token = CancellationToken::new();
    let fire = token.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutdown signal received");
        fire.cancel();
    });
    token
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
