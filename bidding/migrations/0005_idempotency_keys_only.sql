-- Only requests that carry an Idempotency-Key need the uniqueness check. Most bids carry
-- none; keeping them out of the index saves an index entry on every pending insert and on
-- every decision (which rewrites the row).
CREATE UNIQUE INDEX bids_idempotency_key ON bids (bidder_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
ALTER TABLE bids DROP CONSTRAINT IF EXISTS bids_bidder_id_idempotency_key_key;
