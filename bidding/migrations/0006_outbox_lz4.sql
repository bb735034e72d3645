-- An outbox row lives for milliseconds, but a batch's events are large enough (a few KB
-- and up) to be compressed on insert, and pglz, the default, was a measurable part of
-- PostgreSQL's work on the bid path. lz4 compresses them as small at a quarter of the
-- cost. A server built without lz4 stores them uncompressed instead.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE outbox_batches ALTER COLUMN events SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    ALTER TABLE outbox_batches ALTER COLUMN events SET STORAGE EXTERNAL;
END
$$;
