//! A minimal Server-Sent Events reader for load generation: bytes arrive in chunks of any
//! size, an event is complete at the blank line that ends it, and only what a watcher
//! needs is picked out (`event`, `id`, `data`; `retry:` and comments are skipped). Lines
//! end with LF, as the platform writes them. Numbers in `data` are found by key without
//! parsing the whole JSON object: thousands of clients read every event.

use memchr::memmem;

/// One complete event; the slices borrow the reader's buffer.
#[derive(Debug, PartialEq, Eq)]
pub struct SseEvent<'a> {
    /// The `event:` name (`message` when there is none).
    pub name: &'a [u8],
    pub id: Option<&'a [u8]>,
    /// The `data:` lines, joined with LF.
    pub data: &'a [u8],
}

impl SseEvent<'_> {
    /// The `id:` as a non-negative integer.
    pub fn numeric_id(&self) -> Option<i64> {
        parse_int(self.id?)
    }
}

/// Reads a stream of chunks into events.
#[derive(Default)]
pub struct SseReader {
    /// Bytes of the event still incomplete.
    pending: Vec<u8>,
    /// The joined data of an event with several `data:` lines.
    joined: Vec<u8>,
}

const BLANK_LINE: &[u8] = b"\n\n";

impl SseReader {
    /// Takes the next chunk and hands every event it completes to `on_event`, in order.
    /// Whole events are read where they lie; only an unfinished one is kept.
    pub fn feed(&mut self, chunk: &[u8], mut on_event: impl FnMut(SseEvent<'_>)) {
        let mut rest = chunk;
        if !self.pending.is_empty() {
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
            rest = &chunk[after..];
        }
        while let Some(end) = find_blank_line(rest) {
            if let Some(event) = parse_block(&rest[..end], &mut self.joined) {
                on_event(event);
            }
            rest = &rest[end + BLANK_LINE.len()..];
        }
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
    Some(SseEvent { name, id, data })
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
