-- When the last Close was queued: a Close that does not take effect (its command was lost
-- with an in-process log, say) is queued again after a grace period.
ALTER TABLE auctions ADD COLUMN close_requested_at timestamptz;
