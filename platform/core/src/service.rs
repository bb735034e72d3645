//! How a service is started and served, the same in its own binary and in the all-in-one
//! process: `start` returns a [`Started`] (routes, background workers, readiness checks),
//! and [`serve`] binds it next to the operational endpoints until shutdown.

use crate::ops::ReadinessCheck;
use axum::Router;
use std::future::Future;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

pub struct Started {
    /// The service's `/api/...` routes.
    pub router: Router,
    /// Background workers; each ends when the shutdown token fires.
    pub tasks: JoinSet<anyhow::Result<()>>,
    pub readiness: Vec<ReadinessCheck>,
}

impl Started {
    pub fn new(router: Router) -> Self {
        Self {
            router,
            tasks: JoinSet::new(),
            readiness: Vec::new(),
        }
    }

    pub fn spawn(&mut self, task: impl Future<Output = anyhow::Result<()>> + Send + 'static) {
        self.tasks.spawn(task);
    }

    /// Joins another service into this one (the all-in-one process). The other service's
    /// workers keep running; one task here waits on them and reports the first failure.
    pub fn merge(mut self, other: Started) -> Self {
        self.router = self.router.merge(other.router);
        let mut rest = other.tasks;
        if !rest.is_empty() {
            self.tasks.spawn(async move {
                while let Some(res) = rest.join_next().await {
                    res??;
                }
                Ok(())
            });
        }
        self.readiness.extend(other.readiness);
        self
    }
}

/// Serves `router` (plus `/healthz`, `/readyz`, `/metrics`) on `listener` until `shutdown`
/// fires, then waits for the workers to finish. A worker that fails brings the process
/// down (so an orchestrator restarts it) instead of leaving it half alive.
pub async fn serve(
    listener: TcpListener,
    started: Started,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let Started {
        router,
        mut tasks,
        readiness,
    } = started;
    let app = router.merge(crate::ops::router(readiness));
    let server = crate::server::serve_connections(listener, app, shutdown.clone());
    let mut server = std::pin::pin!(server);
    let mut result = Ok(());
    loop {
        tokio::select! {
            () = &mut server => {
                shutdown.cancel();
                break;
            }
            Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                let failure = match joined {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e),
                    Err(e) => Some(anyhow::anyhow!("worker panicked: {e}")),
                };
                if let Some(e) = failure {
                    tracing::error!(error = %format!("{e:#}"), "worker failed, shutting down");
                    result = Err(e);
                    shutdown.cancel();
                }
            }
        }
    }
    while let Some(joined) = tasks.join_next().await {
        if let Ok(Err(e)) = joined {
            tracing::warn!(error = %format!("{e:#}"), "worker ended with an error during shutdown");
        }
    }
    result
}
