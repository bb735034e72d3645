//! One event as it goes on the wire, encoded once (`event:`, `id:`, `data:`, blank line)
//! and shared by every stream that sends it: sending it to one more stream copies a
//! pointer, not the event.

use axum::body::Bytes;
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The SSE `id:`. On an auction stream it is the auction `seq`; on a user's stream an id
    /// that grows with every notice this instance delivers.
    pub id: i64,
    /// The SSE `event:` name (`snapshot`, `price`, `bid.accepted`, ...).
    pub name: Cow<'static, str>,
    /// The whole event as sent.
    pub wire: Bytes,
}

impl Frame {
    /// `data` is one JSON object; a line break in it (JSON text has none outside strings,
    /// where they are escaped) would start another `data:` line, as SSE requires.
    pub fn new(id: i64, name: impl Into<Cow<'static, str>>, data: &str) -> Self {
        let name = name.into();
        let id_text = id.to_string();
        let mut wire = Vec::with_capacity(name.len() + id_text.len() + data.len() + 24);
        wire.extend_from_slice(b"event: ");
        wire.extend_from_slice(name.as_bytes());
        wire.extend_from_slice(b"\nid: ");
        wire.extend_from_slice(id_text.as_bytes());
        wire.push(b'\n');
        for line in data.split('\n') {
            wire.extend_from_slice(b"data: ");
            wire.extend_from_slice(line.trim_end_matches('\r').as_bytes());
            wire.push(b'\n');
        }
        wire.push(b'\n');
        Self {
            id,
            name,
            wire: Bytes::from(wire),
        }
    }
}

/// The wire of the `frames` whose ids are above `sent` (the client has the rest), joined
/// in the order given.
pub fn joined_above<'a>(frames: impl Iterator<Item = &'a Arc<Frame>> + Clone, sent: i64) -> Bytes {
    joined(frames.filter(move |f| f.id > sent).map(|f| f.wire.clone()))
}

/// The pieces as one buffer (a single piece is passed on without copying): frames that go
/// out together are one chunk and one write.
pub fn joined(pieces: impl Iterator<Item = Bytes> + Clone) -> Bytes {
    let mut probe = pieces.clone();
    match (probe.next(), probe.next()) {
        (None, _) => return Bytes::new(),
        (Some(only), None) => return only,
        _ => {}
    }
    let mut all = Vec::with_capacity(pieces.clone().map(|p| p.len()).sum());
    for piece in pieces {
        all.extend_from_slice(&piece);
    }
    Bytes::from(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_join_in_order() {
        let parts = [b"a".as_slice(), b"bc", b"", b"d"].map(Bytes::from_static);
        assert_eq!(
            joined(parts.clone().into_iter()),
            Bytes::from_static(b"abcd")
        );
        let one = joined(parts[1..2].iter().cloned());
        assert_eq!(one.as_ptr(), parts[1].as_ptr(), "one piece is not copied");
        assert!(joined(std::iter::empty()).is_empty());
    }

    #[test]
    fn only_frames_above_what_the_client_has_are_joined() {
        let frames: Vec<Arc<Frame>> = (5..=8)
            .map(|id| Arc::new(Frame::new(id, "price", "{}")))
            .collect();
        let wire = joined_above(frames.iter(), 6);
        let expected = [&frames[2].wire[..], &frames[3].wire[..]].concat();
        assert_eq!(&wire[..], &expected[..]);
        assert!(joined_above(frames.iter(), 8).is_empty());
    }

    #[test]
    fn a_frame_is_one_complete_event() {
        let frame = Frame::new(42, "price", r#"{"seq":42}"#);
        assert_eq!(
            &frame.wire[..],
            b"event: price\nid: 42\ndata: {\"seq\":42}\n\n"
        );
        let two_lines = Frame::new(1, String::from("x"), "a\r\nb");
        assert_eq!(
            &two_lines.wire[..],
            b"event: x\nid: 1\ndata: a\ndata: b\n\n"
        );
    }
}
