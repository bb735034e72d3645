-- Every bid the intake answered 202 for, from `pending` to its one outcome.
CREATE TABLE bids (
    bid_id          uuid PRIMARY KEY,
    auction_id      uuid NOT NULL,
    bidder_id       uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('bid', 'buy_now')),
    amount          bigint CHECK (amount > 0),
    max_amount      bigint CHECK (max_amount > 0),
    idempotency_key text,
    request_hash    text,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    reason          text,
    seq             bigint,
    received_at     timestamptz NOT NULL,
    decided_at      timestamptz,
    UNIQUE (bidder_id, idempotency_key)
);
CREATE INDEX bids_history ON bids (auction_id, seq) WHERE status = 'accepted';

-- The engine's state of each auction, written in the same transaction as the offsets
-- that produced it.
CREATE TABLE engine_auctions (
    auction_id  uuid PRIMARY KEY,
    seller_id   uuid,
    state       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Next command-topic offset to apply, per partition: the engine's source of truth for
-- where to resume (the bus's committed offsets only save re-reading).
CREATE TABLE engine_offsets (
    topic       text NOT NULL,
    partition   int NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);

-- Events decided but not yet confirmed on the event topic (transactional outbox).
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    partition   int NOT NULL,
    auction_id  uuid NOT NULL,
    payload     jsonb NOT NULL
);
CREATE INDEX outbox_by_partition ON outbox (partition, id);
