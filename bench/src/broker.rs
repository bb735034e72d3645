//! The raw broker, for comparison with the bid path: rdkafka straight to the broker with
//! the platform's producer and consumer settings (`platform_bus::kafka`), no service in
//! between. First every message is produced with many in flight, then all of them are
//! consumed by a new consumer group. The two phases run one after the other, so each rate
//! is the broker doing only that.

use anyhow::Context as _;
use futures::stream::{FuturesUnordered, StreamExt};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::util::Timeout;
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct BrokerConfig {
    /// `host:port` of the broker (loopback).
    pub brokers: String,
    pub messages: usize,
    pub message_bytes: usize,
    pub partitions: i32,
    /// Distinct keys, spread over the partitions like auction ids.
    pub keys: usize,
    /// Most deliveries awaited at once.
    pub in_flight: usize,
    /// Upper bound of the whole run.
    pub time_limit: Duration,
}

#[derive(Clone, Debug)]
pub struct BrokerResult {
    pub messages: usize,
    pub message_bytes: usize,
    pub partitions: i32,
    /// From the first send to the last acknowledgement (acks=all).
    pub produce: Duration,
    /// From subscribing to the first message (group join and assignment).
    pub join: Duration,
    /// From the first message received to the last.
    pub consume: Duration,
}

impl BrokerResult {
    pub fn produce_per_second(&self) -> f64 {
        self.messages as f64 / self.produce.as_secs_f64().max(1e-9)
    }

    pub fn consume_per_second(&self) -> f64 {
        self.messages as f64 / self.consume.as_secs_f64().max(1e-9)
    }

    /// Messages each produced and consumed, per second of the two phases together:
    /// the rate at which the broker can take a message in and hand it out again.
    pub fn round_trip_per_second(&self) -> f64 {
        self.messages as f64 / (self.produce + self.consume).as_secs_f64().max(1e-9)
    }
}

/// The platform's producer: idempotent, `acks=all`, murmur2 partitioner, `linger.ms=2`.
fn producer(brokers: &str) -> anyhow::Result<FutureProducer> {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("partitioner", "murmur2_random")
        .set("linger.ms", "2")
        .set("batch.num.messages", "10000")
        .set("message.timeout.ms", "30000")
        .create()
        .context("creating the Kafka producer")
}

/// The platform's consumer: manual commits, short fetch waits, cooperative-sticky.
fn consumer(brokers: &str, group: &str) -> anyhow::Result<StreamConsumer> {
    ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("session.timeout.ms", "6000")
        .set("heartbeat.interval.ms", "500")
        .set("max.poll.interval.ms", "20000")
        .set("fetch.wait.max.ms", "10")
        .set("partition.assignment.strategy", "cooperative-sticky")
        .set("enable.partition.eof", "false")
        .create()
        .context("creating the Kafka consumer")
}

/// A payload of exactly `bytes` bytes that looks like a command (JSON text).
pub fn payload(n: usize, bytes: usize) -> Vec<u8> {
    let mut text = format!("{{\"type\":\"bench\",\"n\":{n},\"pad\":\"");
    while text.len() + 2 < bytes {
        text.push('x');
    }
    text.push_str("\"}");
    let mut out = text.into_bytes();
    out.truncate(bytes.max(1));
    out
}

pub async fn run(config: &BrokerConfig) -> anyhow::Result<BrokerResult> {
    anyhow::ensure!(
        config.messages > 0,
        "the broker run needs at least one message"
    );
    let topic = format!("bench-raw-{}", uuid::Uuid::new_v4().simple());
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &config.brokers)
        .create()
        .context("creating the Kafka admin client")?;
    let options =
        AdminOptions::new().operation_timeout(Some(Timeout::After(Duration::from_secs(10))));
    let created = admin
        .create_topics(
            [&NewTopic::new(
                &topic,
                config.partitions,
                TopicReplication::Fixed(-1),
            )],
            &options,
        )
        .await
        .context("creating the benchmark topic")?;
    for result in created {
        result.map_err(|(name, code)| anyhow::anyhow!("creating topic {name}: {code}"))?;
    }

    let outcome = tokio::time::timeout(config.time_limit, produce_then_consume(config, &topic))
        .await
        .map_err(|_| anyhow::anyhow!("the broker run took longer than {:?}", config.time_limit))
        .and_then(|r| r);
    // The broker keeps topics in memory: give the space back whatever happened.
    let _ = admin.delete_topics(&[&topic], &options).await;
    outcome
}

async fn produce_then_consume(config: &BrokerConfig, topic: &str) -> anyhow::Result<BrokerResult> {
    let keys: Vec<String> = (0..config.keys.max(1))
        .map(|_| uuid::Uuid::now_v7().to_string())
        .collect();
    let payloads: Vec<Vec<u8>> = (0..64).map(|n| payload(n, config.message_bytes)).collect();

    let producer = producer(&config.brokers)?;
    // Warm-up: metadata and the idempotent producer id, outside the timed window.
    producer
        .send(
            FutureRecord::to(topic).key(&keys[0]).payload(&payloads[0]),
            Timeout::After(Duration::from_secs(30)),
        )
        .await
        .map_err(|(e, _)| anyhow::anyhow!("first produce failed: {e}"))?;
    let total = config.messages;
    let to_produce = total - 1;

    let started = Instant::now();
    let mut pending = FuturesUnordered::new();
    let mut failures = 0usize;
    for n in 0..to_produce {
        while pending.len() >= config.in_flight.max(1) {
            if let Some(done) = pending.next().await {
                failures += delivery_failed(done);
            }
        }
        let record = FutureRecord::to(topic)
            .key(&keys[n % keys.len()])
            .payload(&payloads[n % payloads.len()]);
        match producer.send_result(record) {
            Ok(delivery) => pending.push(delivery),
            Err((e, _)) => anyhow::bail!("enqueuing message {n}: {e}"),
        }
    }
    while let Some(done) = pending.next().await {
        failures += delivery_failed(done);
    }
    let produce = started.elapsed();
    anyhow::ensure!(
        failures == 0,
        "{failures} of {total} messages were not delivered"
    );

    let group = format!("bench-raw-{}", uuid::Uuid::new_v4().simple());
    let consumer = consumer(&config.brokers, &group)?;
    consumer.subscribe(&[topic]).context("subscribing")?;
    let subscribed = Instant::now();
    consumer.recv().await.context("consuming")?;
    let first = Instant::now();
    let mut received = 1usize;
    while received < total {
        consumer.recv().await.context("consuming")?;
        received += 1;
    }
    let consume = first.elapsed();
    Ok(BrokerResult {
        messages: total,
        message_bytes: config.message_bytes,
        partitions: config.partitions,
        produce,
        join: first.duration_since(subscribed),
        consume,
    })
}

/// Deletes every topic whose name starts with `prefix` (a finished run's namespace), so
/// an in-memory broker gives the space back.
pub async fn delete_topics_with_prefix(brokers: &str, prefix: &str) -> anyhow::Result<usize> {
    anyhow::ensure!(!prefix.is_empty(), "refusing to delete every topic");
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()
        .context("creating the Kafka admin client")?;
    let admin = std::sync::Arc::new(admin);
    let lookup = admin.clone();
    let metadata = tokio::task::spawn_blocking(move || {
        lookup.inner().fetch_metadata(None, Duration::from_secs(5))
    })
    .await?
    .context("listing topics")?;
    let names: Vec<String> = metadata
        .topics()
        .iter()
        .map(|t| t.name().to_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    if names.is_empty() {
        return Ok(0);
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let options =
        AdminOptions::new().operation_timeout(Some(Timeout::After(Duration::from_secs(10))));
    admin
        .delete_topics(&refs, &options)
        .await
        .context("deleting topics")?;
    Ok(names.len())
}

fn delivery_failed(
    done: Result<
        rdkafka::producer::future_producer::OwnedDeliveryResult,
        futures::channel::oneshot::Canceled,
    >,
) -> usize {
    match done {
        Ok(Ok(_)) => 0,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_have_the_asked_size_and_are_json() {
        for size in [40, 200, 1000] {
            let p = payload(7, size);
            assert_eq!(p.len(), size);
            let v: serde_json::Value = serde_json::from_slice(&p).unwrap();
            assert_eq!(v["n"], 7);
        }
    }

    #[test]
    fn rates_divide_messages_by_the_phase_times() {
        let r = BrokerResult {
            messages: 1000,
            message_bytes: 200,
            partitions: 4,
            produce: Duration::from_millis(500),
            join: Duration::from_secs(3),
            consume: Duration::from_millis(250),
        };
        assert_eq!(r.produce_per_second().round(), 2000.0);
        assert_eq!(r.consume_per_second().round(), 4000.0);
        assert_eq!(r.round_trip_per_second().round(), 1333.0);
    }
}
