-- One outbox row per command partition and engine batch, holding that batch's events of
-- the partition in order (a JSON array, stored as bytes: written once, read once). One row
-- per event cost three inserts and three deletes per bid.
CREATE TABLE outbox_batches (
    id          bigserial PRIMARY KEY,
    partition   int NOT NULL,
    events      bytea NOT NULL
);
CREATE INDEX outbox_batches_by_partition ON outbox_batches (partition, id);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM outbox) THEN
        RAISE EXCEPTION 'the event outbox still holds events: run the previous version until it is empty';
    END IF;
END
$$;
DROP TABLE outbox;
