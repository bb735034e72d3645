//! One watcher: opens its stream, reads it until told to stop, and reconnects with
//! `Last-Event-ID` when the stream ends or breaks, a bounded number of times.

use super::tally::{Latest, Tally, Watching};
use super::Shared;
use crate::http1;
use crate::sse::SseReader;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};

/// Wait before asking again after a request that got no stream.
const RETRY_AFTER: Duration = Duration::from_millis(250);

/// Longest wait for a stream's answer (its head), connecting included.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

pub(super) struct Stream {
    /// The source address to connect from.
    pub local: IpAddr,
    pub gateway: SocketAddr,
    /// The gateway's name for the `Host` header.
    pub host: Arc<str>,
    pub path: String,
    /// `Authorization` header value (private streams).
    pub authorization: Option<String>,
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
            let resume_text = resume.map(|id| id.to_string());
            let mut headers: Vec<(&str, &[u8])> = vec![("Accept", b"text/event-stream")];
            if let Some(auth) = &self.authorization {
                headers.push(("Authorization", auth.as_bytes()));
            }
            if let Some(id) = &resume_text {
                headers.push(("Last-Event-ID", id.as_bytes()));
            }
            let request = http1::open_stream(
                Some(self.local),
                self.gateway,
                &self.host,
                &self.path,
                &headers,
            );
            let answer = tokio::select! {
                answer = tokio::time::timeout(CONNECT_TIMEOUT, request) => answer,
                _ = stop.changed() => break,
            };
            let answer = match answer {
                Ok(Ok(Ok(body))) => Ok(body),
                Ok(Ok(Err(status))) => Err(format!("answered {status}")),
                Ok(Err(e)) => Err(format!("request failed: {e}")),
                Err(_) => Err("no answer in time".to_owned()),
            };
            let mut response = match answer {
                Ok(body) => body,
                Err(why) => {
                    tally.failed_requests += 1;
                    if tally.failed_requests > self.max_retries {
                        tally.gave_up = Some(why);
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
                    let piece = tokio::select! {
                        biased;
                        piece = response.next_piece() => piece,
                        _ = &mut stopped => break Ended::Stopped,
                    };
                    let Ok(Some(bytes)) = piece else {
                        break Ended::Broke;
                    };
                    let now = Instant::now();
                    latencies.wall = None;
                    let prices_before = tally.prices;
                    reader.feed(bytes, |event| {
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
