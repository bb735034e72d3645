-- Which log the stored offsets were read from. An in-process log is new in every process:
-- offsets stored against an earlier one say nothing about the current one.
ALTER TABLE engine_offsets ADD COLUMN log_identity text NOT NULL DEFAULT 'durable';
