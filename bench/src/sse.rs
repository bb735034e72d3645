//! A minimal Server-Sent Events reader for load generation: bytes arrive in chunks of any
//! size, an event is complete at the blank line that ends it, and only what a watcher
//! needs is picked out (`event`, `id`, `data`; `retry:` and comments are skipped). Lines
//! end with LF, as the platform writes them. Numbers in `data` are found by key without
//! parsing the whole JSON object: thousands of clients read every event.
//!
//! Thousands of watchers of one auction receive the same bytes: the platform writes one
//! piece to every stream at the same place. Each thread remembers where the events lay in
//! the last few chunks it parsed, and a chunk equal byte for byte to one of them (checked
//! in full) is read from those places instead of being split into lines again. Either way
//! each watcher is handed every event of its own stream, from its own bytes.
//!
//! Kept hand-written rather than eventsource-stream, measured with `sse-readers`
//! (`BENCHMARKS.md`, "SSE readers"): on one core of the 2-core AMD EPYC the live runs use,
//! eventsource-stream took 1.9–2.4 µs of CPU per price event (350,000–500,000 events a
//! second; it copies each piece into a `String` and re-allocates the rest of its buffer
//! after every line), this reader 13 ns with every watcher on one auction and 270–320 ns
//! with neighbouring watchers' pieces differing. The live benchmark's watchers take up to
//! 3.1 million events a second: about 7 cores with eventsource-stream.

use memchr::memmem;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::LazyLock;

/// One complete event; the slices borrow the reader's buffer.
#[derive(Debug, PartialEq, Eq)]
pub struct SseEvent<'a> {
    /// The `event:` name (`message` when there is none).
    pub name: &'a [u8],
    pub id: Option<&'a [u8]>,
    /// The `data:` lines, joined with LF.
    pub data: &'a [u8],
    numbers: Numbers,
}

/// The numbers every watcher reads, read once per parse: a repeated piece's events carry
/// them from where the piece was first parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Numbers {
    id: Option<i64>,
    amount: Option<i64>,
}

static AMOUNT: LazyLock<JsonKey> = LazyLock::new(|| JsonKey::new("amount"));

impl<'a> SseEvent<'a> {
    pub fn new(name: &'a [u8], id: Option<&'a [u8]>, data: &'a [u8]) -> Self {
        let numbers = Numbers {
            id: id.and_then(parse_int),
            amount: AMOUNT.int(data),
        };
        Self {
            name,
            id,
            data,
            numbers,
        }
    }

    /// The `id:` as a non-negative integer.
    pub fn numeric_id(&self) -> Option<i64> {
        self.numbers.id
    }

    /// The data's `"amount"`, as [`JsonKey::int`] reads it.
    pub fn amount(&self) -> Option<i64> {
        self.numbers.amount
    }
}

/// Reads a stream of chunks into events.
#[derive(Default)]
pub struct SseReader {
    /// Bytes of the event still incomplete.
    pending: Vec<u8>,
    /// The joined data of an event with several `data:` lines.
    joined: Vec<u8>,
    /// Where the events of the chunk being parsed lie, to remember it by.
    spans: Vec<Spans>,
}

const BLANK_LINE: &[u8] = b"\n\n";

/// Chunks remembered per thread.
const RECENT: usize = 4;

thread_local! {
    static PARSED: RefCell<Recent> = RefCell::new(Recent::default());
}

/// Where an event's parts lie in the chunk it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Spans {
    /// `None` for an event without a name (`message`).
    name: Option<Range<usize>>,
    id: Option<Range<usize>>,
    data: Range<usize>,
    numbers: Numbers,
}

impl Spans {
    /// The places of `event`'s parts in `chunk`, if they all lie in it (a joined `data`
    /// does not).
    fn of(chunk: &[u8], event: &SseEvent<'_>) -> Option<Self> {
        let name = match span(chunk, event.name) {
            Some(name) => Some(name),
            None if event.name == b"message" => None,
            None => return None,
        };
        let id = match event.id {
            Some(id) => Some(span(chunk, id)?),
            None => None,
        };
        Some(Self {
            name,
            id,
            data: span(chunk, event.data)?,
            numbers: event.numbers,
        })
    }

    fn event<'a>(&self, chunk: &'a [u8]) -> SseEvent<'a> {
        SseEvent {
            name: self.name.clone().map_or(b"message", |r| &chunk[r]),
            id: self.id.clone().map(|r| &chunk[r]),
            data: &chunk[self.data.clone()],
            numbers: self.numbers,
        }
    }
}

/// Where `part` lies in `whole`, if it lies in it.
fn span(whole: &[u8], part: &[u8]) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start + part.len();
    (end <= whole.len()).then_some(start..end)
}

/// A chunk parsed before: its bytes, its events' places, and where its unfinished tail
/// starts.
#[derive(Default)]
struct Parsed {
    chunk: Vec<u8>,
    events: Vec<Spans>,
    tail: usize,
}

/// The last [`RECENT`] chunks parsed on one thread, the oldest replaced first.
#[derive(Default)]
struct Recent {
    parsed: [Parsed; RECENT],
    next: usize,
}

impl Recent {
    fn find(&self, chunk: &[u8]) -> Option<&Parsed> {
        self.parsed
            .iter()
            .find(|p| !p.chunk.is_empty() && p.chunk == chunk)
    }

    fn remember(&mut self, chunk: &[u8], events: &[Spans], tail: usize) {
        let slot = &mut self.parsed[self.next];
        self.next = (self.next + 1) % RECENT;
        slot.chunk.clear();
        slot.chunk.extend_from_slice(chunk);
        slot.events.clear();
        slot.events.extend_from_slice(events);
        slot.tail = tail;
    }
}

impl SseReader {
    /// Takes the next chunk and hands every event it completes to `on_event`, in order.
    /// Whole events are read where they lie; only an unfinished one is kept.
    pub fn feed(&mut self, chunk: &[u8], mut on_event: impl FnMut(SseEvent<'_>)) {
        if self.pending.is_empty() {
            self.feed_from_start(chunk, on_event);
            return;
        }
        // The pending event ends in this chunk, or across its first byte.
        let straddles = self.pending.last() == Some(&b'\n') && chunk.first() == Some(&b'\n');
        let (block_end, after) = if straddles {
            (self.pending.len() - 1, 1)
        } else {
            let Some(i) = find_blank_line(chunk) else {
                self.pending.extend_from_slice(chunk);
                return;
            };
            self.pending.extend_from_slice(&chunk[..i]);
            (self.pending.len(), i + BLANK_LINE.len())
        };
        if let Some(event) = parse_block(&self.pending[..block_end], &mut self.joined) {
            on_event(event);
        }
        self.pending.clear();
        // The rest starts an event.
        self.feed_from_start(&chunk[after..], on_event);
    }

    /// [`Self::feed`] with nothing pending: the chunk starts an event, so a chunk parsed
    /// before on this thread is read from where its events lay.
    fn feed_from_start(&mut self, chunk: &[u8], mut on_event: impl FnMut(SseEvent<'_>)) {
        let tail = PARSED.with_borrow(|recent| {
            let parsed = recent.find(chunk)?;
            for spans in &parsed.events {
                on_event(spans.event(chunk));
            }
            Some(parsed.tail)
        });
        if let Some(tail) = tail {
            self.keep(&chunk[tail..]);
            return;
        }
        self.spans.clear();
        let mut whole = true;
        let mut at = 0;
        while let Some(end) = find_blank_line(&chunk[at..]) {
            if let Some(event) = parse_block(&chunk[at..at + end], &mut self.joined) {
                match Spans::of(chunk, &event) {
                    Some(spans) => self.spans.push(spans),
                    None => whole = false,
                }
                on_event(event);
            }
            at += end + BLANK_LINE.len();
        }
        // A chunk without a whole event is not worth a place.
        if whole && !self.spans.is_empty() {
            PARSED.with_borrow_mut(|recent| recent.remember(chunk, &self.spans, at));
        }
        self.keep(&chunk[at..]);
    }

    /// Keeps the start of an unfinished event.
    fn keep(&mut self, rest: &[u8]) {
        self.pending.extend_from_slice(rest);
        // A long quiet stream must not keep the largest event's buffer alive.
        if self.pending.is_empty() && self.pending.capacity() > 16 * 1024 {
            self.pending = Vec::new();
        }
    }

    /// Forgets a partly received event (the connection it came on is gone).
    pub fn reset(&mut self) {
        self.pending.clear();
    }
}

/// The event of one block, if it has data (a block of only `retry:`, `id:` or comments
/// dispatches nothing).
fn parse_block<'a>(block: &'a [u8], joined: &'a mut Vec<u8>) -> Option<SseEvent<'a>> {
    let mut name: &[u8] = b"message";
    let mut id = None;
    let mut data: Option<&[u8]> = None;
    let mut data_lines = 0;
    joined.clear();
    for line in lines(block) {
        if line.first() == Some(&b':') {
            continue;
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (line, &b""[..]),
        };
        let value = value.strip_prefix(b" ").unwrap_or(value);
        match field {
            b"event" => name = value,
            b"id" => id = Some(value),
            b"data" => {
                if data_lines > 0 {
                    if data_lines == 1 {
                        joined.extend_from_slice(data.unwrap_or_default());
                    }
                    joined.push(b'\n');
                    joined.extend_from_slice(value);
                }
                data = Some(value);
                data_lines += 1;
            }
            _ => {}
        }
    }
    let data = match data_lines {
        0 => return None,
        1 => data.unwrap_or_default(),
        _ => joined.as_slice(),
    };
    Some(SseEvent::new(name, id, data))
}

/// Where the first blank line (`LF LF`) starts.
fn find_blank_line(bytes: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\n', bytes).find(|&i| bytes.get(i + 1) == Some(&b'\n'))
}

/// The lines of `block` (as `split` on LF gives them), found with `memchr`: every watcher
/// splits every event it receives.
fn lines(block: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', block)
        .map(Some)
        .chain(std::iter::once(None))
        .map(move |end| {
            let end = end.unwrap_or(block.len());
            let line = &block[start..end];
            start = end + 1;
            line
        })
}

/// A non-negative decimal integer.
pub fn parse_int(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0i64, |n, d| n * 10 + i64::from(d - b'0')),
    )
}

/// A key of a flat JSON object, looked up in many objects. The platform writes `"key":`
/// without spaces, so that is searched for first, from the end (the keys watchers read
/// most, `amount` and `currentPrice`, sit in the second half of a price event), with a
/// searcher built once; any other spelling is found by the slower scan of every quote.
pub struct JsonKey {
    name: &'static str,
    compact: memmem::FinderRev<'static>,
}

impl JsonKey {
    pub fn new(name: &'static str) -> Self {
        let compact = format!("\"{name}\":");
        Self {
            name,
            compact: memmem::FinderRev::new(compact.as_bytes()).into_owned(),
        }
    }

    /// The integer value of the key (`None` when absent or not a non-negative integer).
    pub fn int(&self, data: &[u8]) -> Option<i64> {
        let value = self.value(data)?;
        let end = value
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(value.len());
        parse_int(&value[..end])
    }

    /// The string value of the key, without its quotes (escapes are not undone: ids and
    /// status names have none).
    pub fn str<'a>(&self, data: &'a [u8]) -> Option<&'a [u8]> {
        let value = self.value(data)?.strip_prefix(b"\"")?;
        let end = memchr::memchr(b'"', value)?;
        Some(&value[..end])
    }

    fn value<'a>(&self, data: &'a [u8]) -> Option<&'a [u8]> {
        if let Some(at) = self.compact.rfind(data) {
            // A key follows `{` or `,`; inside a string value the quote would be escaped.
            if matches!(data[..at].trim_ascii_end().last(), Some(b'{' | b',')) {
                let value = &data[at + self.compact.needle().len()..];
                return Some(value.trim_ascii_start());
            }
        }
        value_after(data, self.name)
    }
}

fn value_after<'a>(data: &'a [u8], key: &str) -> Option<&'a [u8]> {
    let key = key.as_bytes();
    // `"key"` may also appear inside a string value; the one followed by `:` is the key.
    // Looking at each quote is cheaper here than setting up a substring search per call.
    for quote in memchr::memchr_iter(b'"', data) {
        let begin = quote + 1;
        let end = begin + key.len();
        if data.get(begin..end) != Some(key) || data.get(end) != Some(&b'"') {
            continue;
        }
        let rest = data[end + 1..].trim_ascii_start();
        if let Some(value) = rest.strip_prefix(b":") {
            return Some(value.trim_ascii_start());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events_of(chunks: &[&[u8]]) -> Vec<(String, Option<i64>, String)> {
        let mut reader = SseReader::default();
        let mut out = Vec::new();
        for chunk in chunks {
            reader.feed(chunk, |e| {
                out.push((
                    String::from_utf8_lossy(e.name).into_owned(),
                    e.numeric_id(),
                    String::from_utf8_lossy(e.data).into_owned(),
                ))
            });
        }
        out
    }

    #[test]
    fn events_split_across_chunks_come_out_whole_and_in_order() {
        let wire = b"retry: 3000\n\nevent: snapshot\nid: 4\ndata: {\"seq\":4}\n\n: heartbeat\n\nevent: price\nid: 5\ndata: {\"seq\":5}\n\n";
        let whole = events_of(&[wire]);
        assert_eq!(
            whole,
            vec![
                ("snapshot".into(), Some(4), "{\"seq\":4}".into()),
                ("price".into(), Some(5), "{\"seq\":5}".into()),
            ]
        );
        // Every split point gives the same events.
        for cut in 1..wire.len() {
            assert_eq!(
                events_of(&[&wire[..cut], &wire[cut..]]),
                whole,
                "cut at {cut}"
            );
        }
        let bytes: Vec<&[u8]> = wire.chunks(1).collect();
        assert_eq!(events_of(&bytes), whole);
    }

    #[test]
    fn ids_and_amounts_are_read_once_and_carried_with_a_repeated_piece() {
        let piece: &[u8] = b"event: price\nid: 71\ndata: {\"amount\":120,\"seq\":71}\n\n";
        let numbers = |chunk: &[u8]| {
            let mut got = Vec::new();
            SseReader::default().feed(chunk, |e| got.push((e.numeric_id(), e.amount())));
            got
        };
        assert_eq!(numbers(piece), [(Some(71), Some(120))]);
        let copy = piece.to_vec();
        assert!(PARSED.with_borrow(|r| r.find(&copy).is_some()));
        assert_eq!(numbers(&copy), [(Some(71), Some(120))]);
        // Joined data is read whole.
        let joined: &[u8] = b"id: x\ndata: {\"seq\":1,\ndata: \"amount\":5}\n\n";
        assert_eq!(numbers(joined), [(None, Some(5))]);
    }

    #[test]
    fn a_chunk_read_again_gives_each_reader_the_same_events_from_its_own_bytes() {
        let piece: &[u8] =
            b"event: price\nid: 5\ndata: {\"seq\":5}\n\ndata: a\n\nevent: price\nid: 6\ndata: {";
        let first = events_of(&[piece, b"\"seq\":6}\n\n"]);
        assert_eq!(first.len(), 3);
        assert_eq!(first[2], ("price".into(), Some(6), "{\"seq\":6}".into()));
        // The same bytes again, in another buffer: remembered, and read the same way,
        // its unfinished tail kept for the next chunk.
        let copy = piece.to_vec();
        assert!(PARSED.with_borrow(|r| r.find(&copy).is_some()));
        assert_eq!(events_of(&[&copy, b"\"seq\":6}\n\n"]), first);
        let mut reader = SseReader::default();
        let mut datas = Vec::new();
        reader.feed(&copy, |e| datas.push(span(&copy, e.data)));
        assert_eq!(
            datas,
            vec![Some(25..34), Some(42..43)],
            "the events borrow the chunk they came in"
        );
        // Behind an unfinished event the same bytes are parsed afresh.
        let mut after = vec![b"data: x\n".as_slice()];
        after.push(piece);
        let got = events_of(&after);
        assert_eq!(got[0], ("price".into(), Some(5), "x\n{\"seq\":5}".into()));
        // A chunk whose data is joined from several lines is read, never remembered.
        let joined: &[u8] = b"data: a\ndata: b\n\n";
        assert_eq!(
            events_of(&[joined]),
            vec![("message".into(), None, "a\nb".into())]
        );
        assert!(PARSED.with_borrow(|r| r.find(joined).is_none()));
        assert_eq!(events_of(&[joined]), events_of(&[joined]));
    }

    #[test]
    fn lines_split_as_split_does() {
        for block in [&b""[..], b"a", b"a\n", b"\n\nb", b"x\ny\nz"] {
            let ours: Vec<&[u8]> = lines(block).collect();
            let split: Vec<&[u8]> = block.split(|b| *b == b'\n').collect();
            assert_eq!(ours, split);
        }
    }

    #[test]
    fn several_data_lines_join_and_missing_names_are_message() {
        let got = events_of(&[b"data: a\ndata:b\nid: x\n\n"]);
        assert_eq!(got, vec![("message".into(), None, "a\nb".into())]);
        assert!(events_of(&[b"id: 7\n\n", b"event: price\n\n"]).is_empty());
    }

    #[test]
    fn numbers_and_strings_are_found_by_key() {
        let data = br#"{"auctionId":"0190-ab","note":"amount","seq":12,"currentPrice": 1020000,"amount":1020000,"leadingBidderId":null}"#;
        let key = JsonKey::new;
        assert_eq!(key("seq").int(data), Some(12));
        assert_eq!(key("currentPrice").int(data), Some(1_020_000));
        assert_eq!(key("amount").int(data), Some(1_020_000));
        assert_eq!(key("leadingBidderId").int(data), None);
        assert_eq!(key("bidCount").int(data), None);
        assert_eq!(key("auctionId").str(data), Some(&b"0190-ab"[..]));
        assert_eq!(key("seq").str(data), None);
        // The compact spelling inside a string value is not the key.
        let quoted = br#"{"amount" : 7,"note":"x\"amount\":9"}"#;
        assert_eq!(key("amount").int(quoted), Some(7));
        assert_eq!(parse_int(b"-3"), None);
        assert_eq!(parse_int(b"9999999999999999999"), None);
    }
}
