-- The history is written for every public event and read back only when a client resumes
-- or a snapshot is rebuilt, as whole documents. As jsonb, PostgreSQL parsed each one and
-- sorted its keys on the way in, about an eighth of its CPU on the bid path; as text it
-- stores them as they come.
ALTER TABLE auction_events ALTER COLUMN data TYPE text USING data::text;
ALTER TABLE auction_feeds
    ALTER COLUMN state TYPE text USING state::text,
    ALTER COLUMN terms TYPE text USING terms::text;
