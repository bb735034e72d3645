-- The engine writes the state of every auction a batch touched, and reads one back only
-- when it takes a partition over (or the analysis asks). As jsonb, PostgreSQL parsed each
-- state and sorted its keys on every write; as text it stores them as they come. Readers
-- cast to json, which only checks the syntax.
ALTER TABLE engine_auctions ALTER COLUMN state TYPE text USING state::text;
