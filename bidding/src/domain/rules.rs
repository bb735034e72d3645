//! The house rules every auction is run by: the increment ladder and soft close.

use super::increments::IncrementTable;
use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Rules {
    pub increments: IncrementTable,
    pub soft_close: SoftClose,
}

/// Anti-sniping: a price change in the last `window` before the end pushes the end to
/// `extension` after that bid, but never past the scheduled end plus `max_total_extension`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoftClose {
    pub window: Duration,
    pub extension: Duration,
    pub max_total_extension: Duration,
}

impl Default for SoftClose {
    fn default() -> Self {
        Self {
            window: Duration::seconds(60),
            extension: Duration::seconds(60),
            max_total_extension: Duration::minutes(10),
        }
    }
}

impl SoftClose {
    /// The new end after a price change received at `received_at`, or `None` when the end
    /// stays: the bid came before the window, or the cap leaves no room to move it later.
    pub fn extended_end(
        &self,
        ends_at: DateTime<Utc>,
        scheduled_end: DateTime<Utc>,
        received_at: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        if received_at <= ends_at - self.window {
            return None;
        }
        let cap = scheduled_end + self.max_total_extension;
        let new_end = (received_at + self.extension).min(cap);
        (new_end > ends_at).then_some(new_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn bids_before_the_window_do_not_extend() {
        let rules = SoftClose::default();
        assert_eq!(rules.extended_end(t(600), t(600), t(500)), None);
        assert_eq!(rules.extended_end(t(600), t(600), t(540)), None);
    }

    #[test]
    fn bids_inside_the_window_extend_to_one_extension_after_the_bid() {
        let rules = SoftClose::default();
        assert_eq!(rules.extended_end(t(600), t(600), t(541)), Some(t(601)));
        assert_eq!(rules.extended_end(t(600), t(600), t(590)), Some(t(650)));
    }

    #[test]
    fn extensions_stop_at_the_cap() {
        let rules = SoftClose::default();
        // Scheduled end 600, cap 1200: already at 1190, a bid at 1180 may only reach 1200.
        assert_eq!(rules.extended_end(t(1190), t(600), t(1180)), Some(t(1200)));
        assert_eq!(rules.extended_end(t(1200), t(600), t(1199)), None);
    }
}
