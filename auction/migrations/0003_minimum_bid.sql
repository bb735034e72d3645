-- Read model: the lowest amount a new bid must have, as the engine last reported it
-- (NULL when the auction takes no more bids, or while not known).
ALTER TABLE auctions ADD COLUMN minimum_bid bigint CHECK (minimum_bid > 0);

-- Without a bid the minimum is the starting price. An auction with bids waits for its
-- next event: its minimum depends on the engine's increments.
UPDATE auctions SET minimum_bid = starting_price
WHERE bid_count = 0 AND status IN ('pending', 'scheduled', 'open');
