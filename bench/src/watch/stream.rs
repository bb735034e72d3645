//! One watcher: opens its stream, reads it until told to stop, and reconnects with
//! `Last-Event-ID` when the stream ends or breaks, a bounded number of times.

use super::tally::{Latest, Tally, Watching};
use super::Shared;
use crate::sse::SseReader;
use reqwest::header::{HeaderValue, AUTHORIZATION};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};

/// Wait before asking again after a request that got no stream.
const RETRY_AFTER: Duration = Duration::from_millis(250);

pub(super) struct Stream {
    pub http: reqwest::Client,
    pub url: String,
    pub authorization: Option<HeaderValue>,
    /// Where the run reads this watcher's progress.
    pub slot: usize,
    pub max_retries: u32,
    /// Whether it also measures event emitted → received.
    pub samples_emitted: bool,
}

enum Ended {
    /// The run is over.
    Stopped,
    /// The stream ended or broke: resume.
    Broke,
}

impl Stream {
    pub(super) async fn watch(
        self,
        watching: Watching,
        shared: Arc<Shared>,
        ready: oneshot::Sender<()>,
        mut stop: watch::Receiver<bool>,
    ) -> Tally {
        let mut tally = Tally::new(watching);
        tally.samples_emitted = self.samples_emitted;
        let mut ready = Some(ready);
        let mut reader = SseReader::default();
        let mut latencies = Latest::default();
        loop {
            if *stop.borrow() {
                break;
            }
            let resume = (tally.first_seq.is_some() || tally.last_id > 0).then_some(tally.last_id);
            let mut request = self.http.get(&self.url);
            if let Some(auth) = &self.authorization {
                request = request.header(AUTHORIZATION, auth.clone());
            }
            if let Some(id) = resume {
                request = request.header("last-event-id", id.to_string());
            }
            let answer = tokio::select! {
                answer = request.send() => answer,
                _ = stop.changed() => break,
            };
            let mut response = match answer {
                Ok(res) if res.status() == 200 => res,
                other => {
                    tally.failed_requests += 1;
                    if tally.failed_requests > self.max_retries {
                        tally.gave_up = Some(match other {
                            Ok(res) => format!("answered {}", res.status()),
                            Err(e) => format!("request failed: {e}"),
                        });
                        break;
                    }
                    tokio::time::sleep(RETRY_AFTER).await;
                    continue;
                }
            };
            if matches!(watching, Watching::Mine(_)) {
                // A user's stream sends nothing until a notice: its answer is the sign.
                if let Some(ready) = ready.take() {
                    ready.send(()).ok();
                }
            }
            reader.reset();
            // One wait for the stop per connection, not one per chunk: thousands of
            // watchers read many chunks a second each.
            let ended = {
                let stopped = stop.changed();
                tokio::pin!(stopped);
                loop {
                    let chunk = tokio::select! {
                        biased;
                        chunk = response.chunk() => chunk,
                        _ = &mut stopped => break Ended::Stopped,
                    };
                    let Ok(Some(bytes)) = chunk else {
                        break Ended::Broke;
                    };
                    let now = Instant::now();
                    latencies.wall = None;
                    let prices_before = tally.prices;
                    reader.feed(&bytes, |event| {
                        tally.see(&event, now, &shared.log, &shared.auctions, &mut latencies);
                    });
                    shared.record(
                        self.slot,
                        &tally,
                        tally.prices - prices_before,
                        &mut latencies,
                    );
                    if tally.first_seq.is_some() {
                        if let Some(ready) = ready.take() {
                            ready.send(()).ok();
                        }
                    }
                }
            };
            match ended {
                Ended::Stopped => break,
                Ended::Broke if *stop.borrow() => break,
                Ended::Broke => {
                    tally.reconnects += 1;
                    if tally.reconnects > self.max_retries {
                        tally.gave_up = Some("the stream kept ending".to_owned());
                        break;
                    }
                }
            }
        }
        shared.progress[self.slot].store(tally.progress(), Ordering::Relaxed);
        tally
    }
}
