//! The position after the last auction of a newest-first page: the creation time and the
//! id, which together order every auction strictly (see [`Cursor`]).

pub use platform_core::cursor::Cursor;
