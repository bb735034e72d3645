//! The floor under live fan-out: what it costs to write one piece to each of many loopback
//! TCP connections, round after round, and to read it on the other side, with no HTTP and
//! no application in the way. The same writes can come from a plain loop over non-blocking
//! sockets ([`WriterKind::Bare`]) or from one tokio task per connection, all woken for
//! each round, as the notification service's streams are ([`WriterKind::Tokio`]); the
//! reading side is a plain `epoll` loop ([`ReaderKind::Bare`]) or one tokio task per
//! connection, as the load generator's watchers are ([`ReaderKind::Tokio`]).
//!
//! Whatever the platform does on top, a round over its streams costs at least what this
//! measures for the same number of streams and bytes.

use crate::latency::Latencies;
use std::io::{self, IoSlice, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Connections opened from one source address (ephemeral ports are per address pair).
const CONNECTIONS_PER_ADDRESS: usize = 5_000;

/// Longest a round of the tokio writer may take before the run is given up.
const ROUND_LIMIT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WriterKind {
    /// One thread, a loop over non-blocking sockets.
    Bare,
    /// One tokio task per connection, all woken for each round.
    Tokio,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReaderKind {
    /// One thread, an `epoll` loop over every connection.
    Bare,
    /// One tokio task per connection.
    Tokio,
}

/// What goes out on every connection in every round.
#[derive(Clone, Debug)]
pub struct Payload {
    pieces: Vec<Vec<u8>>,
}

impl Payload {
    /// `bytes` of event text, written as one piece, or (`chunked`) framed as one HTTP/1.1
    /// chunk in three pieces (size line, data, line end), as hyper writes a body's chunk.
    pub fn new(bytes: usize, chunked: bool) -> Self {
        let data: Vec<u8> = b"event: price\nid: 1\ndata: {}\n\n"
            .iter()
            .copied()
            .cycle()
            .take(bytes.max(1))
            .collect();
        let pieces = if chunked {
            vec![
                format!("{:X}\r\n", data.len()).into_bytes(),
                data,
                b"\r\n".to_vec(),
            ]
        } else {
            vec![data]
        };
        Self { pieces }
    }

    pub fn len(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn slices(&self) -> Vec<IoSlice<'_>> {
        self.pieces.iter().map(|p| IoSlice::new(p)).collect()
    }
}

/// What the writing side did.
#[derive(Debug, Default)]
pub struct Written {
    /// Rounds over every connection (the most any one thread made, with several).
    pub rounds: u64,
    pub writes: u64,
    /// Writes the socket took only part of, or none (its buffer was full): the rest of
    /// the round's piece was not sent on that connection.
    pub short: u64,
    pub bytes: u64,
    /// Wall time of each round over every connection (of its thread's share, when the
    /// bare writer runs on several).
    pub round_times: Latencies,
    pub elapsed: Duration,
}

/// What the reading side took in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadTotals {
    pub bytes: u64,
    /// Read calls that returned data.
    pub reads: u64,
    /// Connections that reached their end.
    pub closed: u64,
}

/// Accepts `count` connections on `listener`, ready for non-blocking writes; an error if
/// they have not all come within `within`.
pub fn accept(
    listener: &TcpListener,
    count: usize,
    within: Duration,
) -> io::Result<Vec<TcpStream>> {
    let deadline = Instant::now() + within;
    listener.set_nonblocking(true)?;
    let mut streams = Vec::with_capacity(count);
    while streams.len() < count {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nodelay(true)?;
                stream.set_nonblocking(true)?;
                streams.push(stream);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!(
                            "{} of {count} connections came in {within:?}",
                            streams.len()
                        ),
                    ));
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(streams)
}

/// Opens `count` connections to `to` (a loopback address), from 127.0.0.2, .3, ... so that
/// ephemeral ports never run out; ready for non-blocking reads.
pub fn connect(to: SocketAddr, count: usize) -> io::Result<Vec<TcpStream>> {
    if !to.ip().is_loopback() {
        return Err(io::Error::other(format!("{to} is not a loopback address")));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let mut streams = Vec::with_capacity(count);
        for i in 0..count {
            let from = Ipv4Addr::new(127, 0, 0, 2 + (i / CONNECTIONS_PER_ADDRESS) as u8);
            let socket = tokio::net::TcpSocket::new_v4()?;
            socket.bind(SocketAddr::new(IpAddr::V4(from), 0))?;
            let stream = socket.connect(to).await?.into_std()?;
            stream.set_nonblocking(true)?;
            streams.push(stream);
        }
        Ok(streams)
    })
}

/// Writes `payload` to every stream, round after round, until `seconds` have passed, on
/// `threads` threads (the bare writer: each takes its share of the streams and goes
/// round after round over them on its own; tokio's runtime has that many workers).
pub fn write_rounds(
    kind: WriterKind,
    threads: usize,
    streams: Vec<TcpStream>,
    payload: &Payload,
    seconds: Duration,
) -> io::Result<(Written, Vec<TcpStream>)> {
    let threads = threads.clamp(1, streams.len().max(1));
    match kind {
        WriterKind::Bare if threads == 1 => bare_write_rounds(streams, payload, seconds),
        WriterKind::Bare => {
            let share = streams.len().div_ceil(threads);
            let mut streams = streams.into_iter();
            let shares: Vec<Vec<TcpStream>> = (0..threads)
                .map(|_| streams.by_ref().take(share).collect())
                .collect();
            let done: Vec<io::Result<(Written, Vec<TcpStream>)>> = std::thread::scope(|scope| {
                let running: Vec<_> = shares
                    .into_iter()
                    .map(|share| scope.spawn(|| bare_write_rounds(share, payload, seconds)))
                    .collect();
                running
                    .into_iter()
                    .map(|t| {
                        t.join()
                            .unwrap_or_else(|_| Err(io::Error::other("writer panicked")))
                    })
                    .collect()
            });
            let mut all = Written::default();
            let mut streams = Vec::new();
            for one in done {
                let (written, share) = one?;
                all.rounds = all.rounds.max(written.rounds);
                all.writes += written.writes;
                all.short += written.short;
                all.bytes += written.bytes;
                all.round_times.add(&written.round_times);
                all.elapsed = all.elapsed.max(written.elapsed);
                streams.extend(share);
            }
            Ok((all, streams))
        }
        WriterKind::Tokio => tokio_write_rounds(threads, streams, payload, seconds),
    }
}

fn bare_write_rounds(
    mut streams: Vec<TcpStream>,
    payload: &Payload,
    seconds: Duration,
) -> io::Result<(Written, Vec<TcpStream>)> {
    let slices = payload.slices();
    let whole = payload.len();
    let mut written = Written::default();
    let start = Instant::now();
    while start.elapsed() < seconds {
        let round = Instant::now();
        for stream in &mut streams {
            match stream.write_vectored(&slices) {
                Ok(n) => {
                    written.bytes += n as u64;
                    if n < whole {
                        written.short += 1;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => written.short += 1,
                Err(e) => return Err(e),
            }
            written.writes += 1;
        }
        written.rounds += 1;
        written.round_times.record(round.elapsed());
    }
    written.elapsed = start.elapsed();
    Ok((written, streams))
}

fn tokio_write_rounds(
    threads: usize,
    streams: Vec<TcpStream>,
    payload: &Payload,
    seconds: Duration,
) -> io::Result<(Written, Vec<TcpStream>)> {
    use tokio::io::AsyncWriteExt;
    use tokio::sync::{watch, Notify};

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    let whole = payload.len() as u64;
    let payload = Arc::new(payload.clone());
    let count = streams.len();
    runtime.block_on(async move {
        let (round_tx, round_rx) = watch::channel(0u64);
        let finished = Arc::new((AtomicUsize::new(0), Notify::new()));
        let bytes = Arc::new(AtomicU64::new(0));
        let short = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::with_capacity(count);
        for stream in streams {
            let mut stream = tokio::net::TcpStream::from_std(stream)?;
            let mut round_rx = round_rx.clone();
            let (payload, finished) = (payload.clone(), finished.clone());
            let (bytes, short) = (bytes.clone(), short.clone());
            tasks.push(tokio::spawn(async move {
                while round_rx.changed().await.is_ok() {
                    let n = stream.write_vectored(&payload.slices()).await?;
                    bytes.fetch_add(n as u64, Ordering::Relaxed);
                    if (n as u64) < whole {
                        short.fetch_add(1, Ordering::Relaxed);
                    }
                    if finished.0.fetch_add(1, Ordering::AcqRel) + 1 == count {
                        finished.1.notify_one();
                    }
                }
                stream.into_std()
            }));
        }
        let mut written = Written::default();
        let start = Instant::now();
        while start.elapsed() < seconds {
            let round = Instant::now();
            finished.0.store(0, Ordering::Release);
            let all_done = finished.1.notified();
            round_tx.send_modify(|r| *r += 1);
            // A connection whose write failed never reports: the run ends with an error.
            tokio::time::timeout(ROUND_LIMIT, all_done)
                .await
                .map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("a round did not finish within {ROUND_LIMIT:?}"),
                    )
                })?;
            written.rounds += 1;
            written.writes += count as u64;
            written.round_times.record(round.elapsed());
        }
        written.elapsed = start.elapsed();
        drop(round_tx);
        let mut streams = Vec::with_capacity(count);
        for task in tasks {
            streams.push(task.await.map_err(io::Error::other)??);
        }
        written.bytes = bytes.load(Ordering::Relaxed);
        written.short = short.load(Ordering::Relaxed);
        Ok((written, streams))
    })
}

/// Reads every stream until each has ended or `deadline` passes; what was read is dropped.
pub fn read_all(
    kind: ReaderKind,
    streams: Vec<TcpStream>,
    deadline: Instant,
) -> io::Result<ReadTotals> {
    match kind {
        ReaderKind::Bare => bare_read_all(streams, deadline),
        ReaderKind::Tokio => tokio_read_all(streams, deadline),
    }
}

fn bare_read_all(streams: Vec<TcpStream>, deadline: Instant) -> io::Result<ReadTotals> {
    use mio::{Events, Interest, Poll, Token};

    let mut poll = Poll::new()?;
    let mut open: Vec<Option<mio::net::TcpStream>> = Vec::with_capacity(streams.len());
    for (i, stream) in streams.into_iter().enumerate() {
        let mut stream = mio::net::TcpStream::from_std(stream);
        poll.registry()
            .register(&mut stream, Token(i), Interest::READABLE)?;
        open.push(Some(stream));
    }
    let mut totals = ReadTotals::default();
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; 64 * 1024];
    while (totals.closed as usize) < open.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        poll.poll(&mut events, Some(left.min(Duration::from_millis(100))))?;
        for event in &events {
            let Some(slot) = open.get_mut(event.token().0) else {
                continue;
            };
            let Some(stream) = slot else { continue };
            // Edge-triggered: read until the socket is empty.
            loop {
                match stream.read(&mut buf) {
                    Ok(0) => {
                        poll.registry().deregister(stream)?;
                        *slot = None;
                        totals.closed += 1;
                        break;
                    }
                    Ok(n) => {
                        totals.bytes += n as u64;
                        totals.reads += 1;
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(totals)
}

fn tokio_read_all(streams: Vec<TcpStream>, deadline: Instant) -> io::Result<ReadTotals> {
    use tokio::io::AsyncReadExt;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let mut tasks = Vec::with_capacity(streams.len());
        for stream in streams {
            let mut stream = tokio::net::TcpStream::from_std(stream)?;
            tasks.push(tokio::spawn(async move {
                let mut totals = ReadTotals::default();
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    match stream.read(&mut buf).await? {
                        0 => {
                            totals.closed = 1;
                            return Ok::<_, io::Error>(totals);
                        }
                        n => {
                            totals.bytes += n as u64;
                            totals.reads += 1;
                        }
                    }
                }
            }));
        }
        let mut all = ReadTotals::default();
        let deadline = tokio::time::Instant::from_std(deadline);
        for task in tasks {
            match tokio::time::timeout_at(deadline, task).await {
                Ok(joined) => {
                    let one = joined.map_err(io::Error::other)??;
                    all.bytes += one.bytes;
                    all.reads += one.reads;
                    all.closed += one.closed;
                }
                Err(_) => break,
            }
        }
        Ok(all)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(count: usize) -> (Vec<TcpStream>, Vec<TcpStream>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let to = listener.local_addr().unwrap();
        let readers = std::thread::spawn(move || connect(to, count).unwrap());
        let writers = accept(&listener, count, Duration::from_secs(30)).unwrap();
        (writers, readers.join().unwrap())
    }

    /// Every byte written arrives, whichever side runs on which loop.
    fn everything_written_is_read(writer: WriterKind, threads: usize, reader: ReaderKind) {
        let (writers, readers) = pair(20);
        let deadline = Instant::now() + Duration::from_secs(20);
        let reading = std::thread::spawn(move || read_all(reader, readers, deadline).unwrap());
        let payload = Payload::new(1000, true);
        let (written, writers) = write_rounds(
            writer,
            threads,
            writers,
            &payload,
            Duration::from_millis(200),
        )
        .unwrap();
        drop(writers);
        let read = reading.join().unwrap();
        assert!(written.rounds > 0);
        if threads == 1 {
            assert_eq!(written.writes, written.rounds * 20);
            assert_eq!(written.round_times.count(), written.rounds);
        } else {
            assert!(written.writes <= written.rounds * 20);
            assert!(written.round_times.count() >= written.rounds);
        }
        assert_eq!(read.closed, 20, "every connection ended");
        assert_eq!(read.bytes, written.bytes, "{written:?} {read:?}");
        let whole = written.writes * payload.len() as u64;
        assert!(written.bytes <= whole);
        assert_eq!(written.short == 0, written.bytes == whole, "{written:?}");
    }

    #[test]
    fn a_bare_writer_and_a_bare_reader_agree() {
        everything_written_is_read(WriterKind::Bare, 1, ReaderKind::Bare);
    }

    #[test]
    fn bare_writers_on_several_threads_write_every_stream() {
        everything_written_is_read(WriterKind::Bare, 3, ReaderKind::Bare);
    }

    #[test]
    fn tokio_tasks_on_both_sides_agree() {
        everything_written_is_read(WriterKind::Tokio, 2, ReaderKind::Tokio);
    }

    #[test]
    fn a_chunk_is_framed_as_http_chunked_encoding_frames_it() {
        let payload = Payload::new(300, true);
        let joined: Vec<u8> = payload.pieces.concat();
        assert!(joined.starts_with(b"12C\r\nevent: price\n"));
        assert!(joined.ends_with(b"\r\n"));
        assert_eq!(payload.len(), 5 + 300 + 2);
        assert_eq!(Payload::new(300, false).len(), 300);
    }

    #[test]
    fn connections_that_never_come_are_an_error_not_a_wait() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let err = accept(&listener, 1, Duration::from_millis(50)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
    }

    #[test]
    fn only_loopback_is_connected_to() {
        let far = SocketAddr::from(([10, 0, 0, 1], 9));
        assert!(connect(far, 1).is_err());
    }
}
