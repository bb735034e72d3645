-- A bid's outcome in a table of its own, written once by the engine, next to the request
-- the intake wrote once. Before, the engine updated the pending row: the update changed
-- `status`, which the history index's predicate reads, so it was never a HOT update and
-- rewrote every index entry of the row, leaving a dead row behind (five index entries and
-- two row versions per bid; now four entries, and no row ever changes). Readers see both
-- through the view `bids`, shaped as the table was. Bidding processes of an older version
-- write the table and fail against the view: stop them before this runs (k8s/README.md).
CREATE TABLE bid_outcomes (
    bid_id      uuid PRIMARY KEY,
    auction_id  uuid NOT NULL,
    status      text NOT NULL CHECK (status IN ('accepted', 'rejected')),
    reason      text,
    seq         bigint,
    -- The amount paid, for a buy-now (its request has none); a bid's own amount otherwise.
    amount      bigint CHECK (amount > 0),
    decided_at  timestamptz NOT NULL
);
INSERT INTO bid_outcomes (bid_id, auction_id, status, reason, seq, amount, decided_at)
SELECT bid_id, auction_id, status, reason, seq, amount, COALESCE(decided_at, received_at)
FROM bids WHERE status <> 'pending';
CREATE INDEX bid_outcomes_history ON bid_outcomes (auction_id, seq) WHERE status = 'accepted';

ALTER TABLE bids RENAME TO bid_requests;
DROP INDEX bids_history;
ALTER TABLE bid_requests
    DROP COLUMN status,
    DROP COLUMN reason,
    DROP COLUMN seq,
    DROP COLUMN decided_at;

CREATE VIEW bids AS
SELECT r.bid_id, r.auction_id, r.bidder_id, r.kind,
       COALESCE(o.amount, r.amount) AS amount, r.max_amount, r.idempotency_key,
       r.request_hash, COALESCE(o.status, 'pending') AS status, o.reason, o.seq,
       r.received_at, o.decided_at
FROM bid_requests r LEFT JOIN bid_outcomes o ON o.bid_id = r.bid_id;
