-- The history keeps events, not views: `event` holds the public event as it was read from
-- the event topic (the wire format), and a stream renders it when it sends it, so a change
-- of the stream's JSON never needs the history rewritten. Rows written before hold the
-- rendered view in `data` and are still served from it until pruning removes them.
--
-- `listing` keeps the words of the auction's `listed` event next to its terms, so that a
-- snapshot carries the whole auction object.
ALTER TABLE auction_events ADD COLUMN event text;
ALTER TABLE auction_events ALTER COLUMN data DROP NOT NULL;
ALTER TABLE auction_events
    ADD CONSTRAINT auction_events_kept CHECK (event IS NOT NULL OR data IS NOT NULL);
ALTER TABLE auction_feeds ADD COLUMN listing text;
