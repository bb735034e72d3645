-- The embedded log's journal: every record the in-process log holds, written before a
-- publish is acknowledged, and the offsets each consumer group committed, so a process
-- that restarts (or is killed) finds its log as it left it.

-- Names this log, once: offsets stored elsewhere against it stay meaningful.
CREATE TABLE log_identity (
    single   boolean PRIMARY KEY DEFAULT true CHECK (single),
    identity text NOT NULL
);

CREATE TABLE topics (
    topic      text PRIMARY KEY,
    partitions integer NOT NULL CHECK (partitions > 0)
);

CREATE TABLE records (
    topic     text    NOT NULL,
    partition integer NOT NULL,
    "offset"  bigint  NOT NULL,
    key       bytea   NOT NULL,
    payload   bytea   NOT NULL,
    PRIMARY KEY (topic, partition, "offset")
);

CREATE TABLE committed (
    topic       text    NOT NULL,
    grp         text    NOT NULL,
    partition   integer NOT NULL,
    next_offset bigint  NOT NULL CHECK (next_offset >= 0),
    PRIMARY KEY (topic, grp, partition)
);
