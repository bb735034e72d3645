//! One event as it goes on the wire (`event:`, `id:`, `data:`), rendered once and shared by
//! every stream that sends it.

use std::borrow::Cow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The SSE `id:`. On an auction stream it is the auction `seq`; on a user's stream an id
    /// that grows with every notice this instance delivers.
    pub id: i64,
    /// The SSE `event:` name (`snapshot`, `price`, `bid.accepted`, ...).
    pub name: Cow<'static, str>,
    /// One JSON object.
    pub data: String,
}
