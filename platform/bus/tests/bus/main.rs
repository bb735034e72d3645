//! The bus port's contract against every adapter: the in-process log, the same journaled
//! in PostgreSQL (`TEST_DATABASE_URL`), and Kafka against a real Kafka-protocol broker
//! (`KAFKA_TEST_URL`).

#[cfg(feature = "journal")]
mod journal;
#[cfg(feature = "kafka")]
mod kafka;
mod memory;
