-- When the watchers of an open auction were told it is about to end. Set once, never
-- cleared: a soft-close extension after the notice sends no second one.
ALTER TABLE auctions ADD COLUMN ending_noticed_at timestamptz;

-- What the scheduler scans every tick for ending notices.
CREATE INDEX auctions_due_ending_notice ON auctions (ends_at)
    WHERE status = 'open' AND ending_noticed_at IS NULL;

-- The watchers of one auction (the primary key leads with the user).
CREATE INDEX watchlist_by_auction ON watchlist (auction_id);

-- Private events this service emits itself (ending notices), written in the same
-- transaction that marks them sent; a relay of their own publishes them to the event
-- topic in id order, apart from the commands, so a stalled event topic never holds back
-- an Open or a Close.
CREATE TABLE event_outbox (
    id         bigserial   PRIMARY KEY,
    auction_id uuid        NOT NULL,
    payload    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
