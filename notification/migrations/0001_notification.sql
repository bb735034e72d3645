-- Live-stream history of the notification service (schema `notification`).
--
-- `auction_feeds` keeps, per auction, the newest public state seen on the event topic and
-- the listing terms from its `listed` event: enough to build a snapshot after a restart.
-- `auction_events` keeps the recent public events as they are sent on the stream, so a
-- client that reconnects with `Last-Event-ID` gets exactly what it missed, even from
-- another instance or after a restart. Both are written idempotently: a row per
-- (auction_id, seq) and "newest seq wins" for the state, so re-reading the topic is safe.

CREATE TABLE auction_feeds (
    auction_id uuid PRIMARY KEY,
    seq bigint NOT NULL CHECK (seq >= 0),
    state jsonb NOT NULL,
    terms jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE auction_events (
    auction_id uuid NOT NULL,
    seq bigint NOT NULL CHECK (seq > 0),
    name text NOT NULL,
    data jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (auction_id, seq)
);

CREATE INDEX auction_events_recorded_at ON auction_events (recorded_at);
