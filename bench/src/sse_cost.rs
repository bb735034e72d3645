//! What reading live events costs a watcher, for the choice of SSE reader: the watchers'
//! own reader ([`crate::sse`]) against eventsource-stream, handed the same pieces of
//! price events the way the live benchmark's watchers get them, one watcher after the
//! other on one thread. Each reader yields every event with its id and amount read, as a
//! watcher's tally needs them. No sockets: the readers' own cost, nothing else.

use crate::sse::{JsonKey, SseReader};
use bytes::Bytes;
use eventsource_stream::{Event, EventStream};
use futures::task::{noop_waker_ref, Context, Poll};
use futures::{Stream, StreamExt};
use std::cell::RefCell;
use std::convert::Infallible;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

static AMOUNT: LazyLock<JsonKey> = LazyLock::new(|| JsonKey::new("amount"));

/// Which reader a run measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Reader {
    /// `sse::SseReader`, reading events in place from the piece it is handed.
    InPlace,
    /// eventsource-stream's `EventStream` over a stream of the pieces.
    EventsourceStream,
}

/// Pieces of `price` events as the platform writes them (`event:`, `id:`, one `data:`
/// line of about 450 bytes, blank line), several events to a piece as a write carries
/// them when events come faster than a stream is woken.
pub struct Pieces {
    /// `variants` copies of each round's piece, equal but for one digit of every event.
    rounds: Vec<Vec<Bytes>>,
    pub events_per_piece: usize,
}

impl Pieces {
    /// `variants` > 1 gives neighbouring watchers pieces that differ, as on streams of
    /// different auctions; 1 gives every watcher the same bytes, as on one auction's.
    pub fn new(events_per_piece: usize, variants: usize) -> Self {
        const ROUNDS: usize = 8;
        let rounds = (0..ROUNDS)
            .map(|round| {
                (0..variants.max(1))
                    .map(|variant| {
                        let first = (round * events_per_piece) as i64 + 1;
                        let events = (first..first + events_per_piece as i64)
                            .map(|seq| price_event(seq, variant))
                            .collect::<String>();
                        Bytes::from(events)
                    })
                    .collect()
            })
            .collect();
        Self {
            rounds,
            events_per_piece,
        }
    }

    /// The piece watcher `watcher` gets in round `round`.
    pub fn piece(&self, round: usize, watcher: usize) -> &Bytes {
        let variants = &self.rounds[round % self.rounds.len()];
        &variants[(watcher + round) % variants.len()]
    }

    pub fn bytes_per_piece(&self) -> usize {
        self.rounds[0][0].len()
    }
}

/// One `price` event as the notification service encodes it (`AuctionUpdate`).
fn price_event(seq: i64, variant: usize) -> String {
    let amount = 1_000_000 + 20_000 * seq;
    format!(
        "event: price\nid: {seq}\ndata: {{\"auctionId\":\"0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b\",\"seq\":{seq},\
         \"at\":\"2026-11-22T04:30:00.123456789Z\",\"status\":\"open\",\
         \"startsAt\":\"2026-11-22T04:29:00.000000Z\",\"endsAt\":\"2026-11-22T05:29:30.000000Z\",\
         \"currentPrice\":{amount},\"bidCount\":{seq},\
         \"leadingBidderId\":\"0193a1b2-7c4d-7e8f-9a0b-00000000000{}\",\"reserveMet\":true,\
         \"winnerId\":null,\"finalPrice\":null,\"minimumBid\":{},\
         \"bidId\":\"0193a1b2-7c4d-7e8f-9a0b-aaaaaaaaaaaa\",\"amount\":{amount},\"watchers\":10100}}\n\n",
        variant % 10,
        amount + 20_000
    )
}

/// What one reader got through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Read {
    pub events: u64,
    pub pieces: u64,
    /// Sums of the ids and amounts read: the same pieces must give the same sums.
    pub id_sum: i64,
    pub amount_sum: i64,
    pub elapsed: Duration,
}

impl Read {
    fn see(&mut self, id: Option<i64>, amount: Option<i64>) {
        self.events += 1;
        self.id_sum += id.unwrap_or(-1);
        self.amount_sum += amount.unwrap_or(-1);
    }

    pub fn events_per_second(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// The stream eventsource-stream reads from: what a watcher's connection delivered last,
/// then nothing until the next piece.
#[derive(Clone, Default)]
struct Delivered(Rc<RefCell<Option<Bytes>>>);

impl Stream for Delivered {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.0.borrow_mut().take() {
            Some(piece) => Poll::Ready(Some(Ok(piece))),
            None => Poll::Pending,
        }
    }
}

/// One watcher's reader of either kind.
enum Watcher {
    InPlace(SseReader),
    EventsourceStream {
        delivered: Delivered,
        events: EventStream<Delivered>,
    },
}

impl Watcher {
    fn new(reader: Reader) -> Self {
        match reader {
            Reader::InPlace => Self::InPlace(SseReader::default()),
            Reader::EventsourceStream => {
                let delivered = Delivered::default();
                let events = EventStream::new(delivered.clone());
                Self::EventsourceStream { delivered, events }
            }
        }
    }

    /// Hands the watcher one piece and reads every event it completes.
    fn take(&mut self, piece: &Bytes, read: &mut Read) {
        match self {
            Self::InPlace(reader) => reader.feed(piece, |event| {
                read.see(event.numeric_id(), event.amount());
            }),
            Self::EventsourceStream { delivered, events } => {
                *delivered.0.borrow_mut() = Some(piece.clone());
                let mut cx = Context::from_waker(noop_waker_ref());
                while let Poll::Ready(Some(Ok(event))) = events.poll_next_unpin(&mut cx) {
                    let Event { id, data, .. } = &event;
                    read.see(id.parse().ok(), AMOUNT.int(data.as_bytes()));
                }
            }
        }
    }
}

/// Rounds of one piece to each of `watchers` watchers, until `duration` is over (checked
/// after every round) or `max_rounds` are done.
pub fn run(
    reader: Reader,
    pieces: &Pieces,
    watchers: usize,
    duration: Duration,
    max_rounds: usize,
) -> Read {
    let mut all: Vec<Watcher> = (0..watchers).map(|_| Watcher::new(reader)).collect();
    let mut read = Read::default();
    let started = Instant::now();
    for round in 0..max_rounds {
        for (i, watcher) in all.iter_mut().enumerate() {
            watcher.take(pieces.piece(round, i), &mut read);
            read.pieces += 1;
        }
        if started.elapsed() >= duration {
            break;
        }
    }
    read.elapsed = started.elapsed();
    read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_readers_read_the_same_events_from_the_same_pieces() {
        for (events_per_piece, variants) in [(1, 1), (28, 1), (5, 9)] {
            let pieces = Pieces::new(events_per_piece, variants);
            assert!(pieces.bytes_per_piece() > 400 * events_per_piece);
            let [in_place, library] = [Reader::InPlace, Reader::EventsourceStream]
                .map(|reader| run(reader, &pieces, 7, Duration::MAX, 10));
            assert_eq!(in_place.events, (7 * 10 * events_per_piece) as u64);
            assert_eq!(
                (in_place.events, in_place.id_sum, in_place.amount_sum),
                (library.events, library.id_sum, library.amount_sum),
                "{events_per_piece} events a piece, {variants} variants"
            );
            assert!(in_place.amount_sum > 0 && in_place.id_sum > 0);
        }
    }

    #[test]
    fn neighbouring_watchers_get_different_pieces_when_asked() {
        let pieces = Pieces::new(2, 9);
        assert_ne!(pieces.piece(0, 0), pieces.piece(0, 1));
        assert_ne!(pieces.piece(0, 0), pieces.piece(1, 0));
        let same = Pieces::new(2, 1);
        assert_eq!(same.piece(3, 0), same.piece(3, 5));
    }
}
