-- Catalog (owned by this service) and read model (fed by the event topic) of every auction.
CREATE TABLE auctions (
    id                  uuid PRIMARY KEY,
    seller_id           uuid        NOT NULL,
    title               text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description         text        NOT NULL CHECK (char_length(description) <= 10000),
    category            text        NOT NULL,
    currency            text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    starting_price      bigint      NOT NULL CHECK (starting_price > 0),
    reserve_price       bigint      CHECK (reserve_price > 0 AND reserve_price >= starting_price),
    buy_now_price       bigint      CHECK (buy_now_price > 0 AND buy_now_price > starting_price),
    status              text        NOT NULL
        CHECK (status IN ('pending', 'scheduled', 'open', 'closed', 'cancelled')),
    starts_at           timestamptz,
    ends_at             timestamptz,
    -- Read model: written only from events, newest `seq` wins.
    current_price       bigint      NOT NULL CHECK (current_price > 0),
    bid_count           bigint      NOT NULL DEFAULT 0 CHECK (bid_count >= 0),
    leading_bidder_id   uuid,
    reserve_met         boolean     NOT NULL DEFAULT false,
    winner_id           uuid,
    final_price         bigint      CHECK (final_price > 0),
    seq                 bigint      NOT NULL DEFAULT 0 CHECK (seq >= 0),
    -- Scheduler bookkeeping: when the Open command was queued, and for which end the
    -- last Close command was queued (a soft-close extension moves ends_at past it).
    open_requested_at   timestamptz,
    close_requested_for timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CHECK (buy_now_price IS NULL OR reserve_price IS NULL OR buy_now_price >= reserve_price)
);

-- Newest-first listing, unfiltered and per filter.
CREATE INDEX auctions_newest ON auctions (created_at DESC, id DESC);
CREATE INDEX auctions_status_newest ON auctions (status, created_at DESC, id DESC);
CREATE INDEX auctions_category_newest ON auctions (category, created_at DESC, id DESC);
CREATE INDEX auctions_seller_newest ON auctions (seller_id, created_at DESC, id DESC);

-- What the scheduler scans every tick.
CREATE INDEX auctions_due_to_open ON auctions (starts_at)
    WHERE status = 'scheduled' AND open_requested_at IS NULL;
CREATE INDEX auctions_due_to_close ON auctions (ends_at)
    WHERE status IN ('scheduled', 'open') AND open_requested_at IS NOT NULL;

-- Status only moves forward: pending < scheduled < open < closed = cancelled. The API sets
-- scheduled and cancelled itself; an event that was emitted earlier must not undo that.
CREATE FUNCTION auction_status_rank(status text) RETURNS int
    LANGUAGE sql IMMUTABLE STRICT
    AS $$
        SELECT CASE status
            WHEN 'pending' THEN 0
            WHEN 'scheduled' THEN 1
            WHEN 'open' THEN 2
            ELSE 3
        END
    $$;

CREATE TABLE watchlist (
    user_id    uuid        NOT NULL,
    auction_id uuid        NOT NULL REFERENCES auctions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, auction_id)
);

CREATE INDEX watchlist_by_user_newest ON watchlist (user_id, created_at DESC);

-- Commands written in the same transaction as the change that caused them; the relay
-- publishes them to the command topic in id order and deletes them once acknowledged.
CREATE TABLE command_outbox (
    id         bigserial   PRIMARY KEY,
    auction_id uuid        NOT NULL,
    payload    jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
