//! The bus port's contract against both adapters: the in-process log, and Kafka against a
//! real Kafka-protocol broker (`KAFKA_TEST_URL`).

#[cfg(feature = "kafka")]
mod kafka;
mod memory;
