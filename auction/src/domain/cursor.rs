//! The position after the last auction of a newest-first page. Clients treat it as an
//! opaque string; it is the hex of the creation time (microseconds) and the id, which
//! together order every auction strictly.

use super::Invalid;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// 9999-12-31T23:59:59.999999Z in microseconds since the Unix epoch.
const MAX_MICROS: i64 = 253_402_300_799_999_999;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(24);
        bytes.extend_from_slice(&self.created_at.timestamp_micros().to_be_bytes());
        bytes.extend_from_slice(self.id.as_bytes());
        hex::encode(bytes)
    }

    pub fn decode(s: &str) -> Result<Self, Invalid> {
        let invalid = || Invalid::new("invalid_cursor", "cursor is not one this API returned");
        let bytes = hex::decode(s).map_err(|_| invalid())?;
        if bytes.len() != 24 {
            return Err(invalid());
        }
        let (micros, id) = bytes.split_at(8);
        let micros = i64::from_be_bytes(micros.try_into().map_err(|_| invalid())?);
        // Only times this service can have written (1970 to 9999) can be a position.
        if !(0..=MAX_MICROS).contains(&micros) {
            return Err(invalid());
        }
        let created_at = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
        let id = Uuid::from_slice(id).map_err(|_| invalid())?;
        Ok(Self { created_at, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = Cursor {
            created_at: DateTime::from_timestamp_micros(1_763_700_000_123_456).unwrap(),
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&c.encode()), Ok(c));
        assert!(Cursor::decode("zz").is_err());
        assert!(Cursor::decode("").is_err());
        assert!(Cursor::decode(&c.encode()[2..]).is_err());
        assert!(
            Cursor::decode(&"f".repeat(48)).is_err(),
            "time out of range"
        );
    }
}
