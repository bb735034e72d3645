//! The Kafka adapter (rdkafka / librdkafka), the bus of the distributed deployment.
//!
//! Settings and why:
//! * producer: `enable.idempotence=true` + `acks=all` so `publish` returns only once the
//!   record is on every in-sync replica and retries never duplicate or reorder a key's
//!   records; `partitioner=murmur2_random` so keys land where Kafka's Java client and the
//!   in-process bus put them (librdkafka's default, `consistent_random`, uses CRC32);
//!   `linger.ms=2` lets concurrent publishes share a produce request without costing a
//!   single publisher noticeable latency; `message.timeout.ms` bounds a publish when the
//!   cluster is gone, so callers see an error instead of waiting forever.
//! * consumers: see [`subscription`].

mod subscription;

use crate::{Bus, Pace, StartFrom, Subscription};
use anyhow::Context as _;
use async_trait::async_trait;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::metadata::Metadata;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use rdkafka::util::Timeout;
use std::sync::Arc;
use std::time::Duration;
use subscription::KafkaSubscription;

/// How long `publish` may take before it fails (librdkafka retries within it).
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a new topic may take to show up in the cluster metadata.
const TOPIC_VISIBLE_WITHIN: Duration = Duration::from_secs(30);
const METADATA_TIMEOUT: Duration = Duration::from_secs(5);
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// The bus on a Kafka cluster (or anything speaking its protocol).
#[derive(Clone)]
pub struct KafkaBus {
    brokers: String,
    producer: FutureProducer,
    admin: Arc<AdminClient<DefaultClientContext>>,
}

impl KafkaBus {
    /// Prepares the clients; connections are opened lazily, so a cluster that is not up
    /// yet shows in `ping` and in the first calls, not here.
    pub async fn connect(brokers: &str) -> anyhow::Result<KafkaBus> {
        anyhow::ensure!(!brokers.trim().is_empty(), "no Kafka brokers given");
        let producer: FutureProducer = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("partitioner", "murmur2_random")
            .set("linger.ms", "2")
            .set("batch.num.messages", "10000")
            .set(
                "message.timeout.ms",
                DELIVERY_TIMEOUT.as_millis().to_string(),
            )
            .create()
            .context("creating the Kafka producer")?;
        let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .create()
            .context("creating the Kafka admin client")?;
        Ok(KafkaBus {
            brokers: brokers.to_owned(),
            producer,
            admin: Arc::new(admin),
        })
    }

    /// Cluster metadata for one topic (or all), fetched off the async threads because
    /// librdkafka blocks while it waits.
    async fn metadata(&self, topic: Option<&str>, timeout: Duration) -> anyhow::Result<Metadata> {
        let producer = self.producer.clone();
        let topic = topic.map(str::to_owned);
        tokio::task::spawn_blocking(move || {
            producer.client().fetch_metadata(topic.as_deref(), timeout)
        })
        .await?
        .context("fetching Kafka metadata")
    }

    /// The topic's partition count once the cluster knows the topic, `None` before.
    async fn visible_partitions(&self, topic: &str) -> anyhow::Result<Option<i32>> {
        let metadata = self.metadata(Some(topic), METADATA_TIMEOUT).await?;
        let Some(found) = metadata.topics().iter().find(|t| t.name() == topic) else {
            return Ok(None);
        };
        match found.error() {
            None if !found.partitions().is_empty() => Ok(Some(found.partitions().len() as i32)),
            None => Ok(None),
            Some(e) if RDKafkaErrorCode::from(e) == RDKafkaErrorCode::UnknownTopicOrPartition => {
                Ok(None)
            }
            Some(e) if RDKafkaErrorCode::from(e) == RDKafkaErrorCode::LeaderNotAvailable => {
                Ok(None)
            }
            Some(e) => anyhow::bail!("topic {topic:?}: {}", RDKafkaErrorCode::from(e)),
        }
    }
}

#[async_trait]
impl Bus for KafkaBus {
    async fn ensure_topic(&self, topic: &str, partitions: i32) -> anyhow::Result<()> {
        anyhow::ensure!(!topic.is_empty(), "a topic needs a name");
        anyhow::ensure!(
            partitions > 0,
            "topic {topic:?} needs at least one partition, not {partitions}"
        );
        // Replication -1: the cluster's `default.replication.factor`.
        let new_topic = NewTopic::new(topic, partitions, TopicReplication::Fixed(-1));
        let options = AdminOptions::new().operation_timeout(Some(Timeout::After(METADATA_TIMEOUT)));
        let results = self
            .admin
            .create_topics([&new_topic], &options)
            .await
            .with_context(|| format!("creating topic {topic:?}"))?;
        for result in results {
            match result {
                Ok(_) => {}
                Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
                Err((name, code)) => anyhow::bail!("creating topic {name:?}: {code}"),
            }
        }
        // Creation is asynchronous in the cluster: wait until producers and consumers can
        // see the topic, so the caller can use it right away.
        let deadline = tokio::time::Instant::now() + TOPIC_VISIBLE_WITHIN;
        loop {
            if self.visible_partitions(topic).await?.is_some() {
                return Ok(());
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "topic {topic:?} was created but is not visible after {TOPIC_VISIBLE_WITHIN:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn publish_with_headers(
        &self,
        topic: &str,
        key: &[u8],
        payload: &[u8],
        headers: &[(&str, &[u8])],
    ) -> anyhow::Result<(i32, i64)> {
        let mut record = FutureRecord::to(topic).key(key).payload(payload);
        if !headers.is_empty() {
            let owned = headers.iter().fold(
                OwnedHeaders::new_with_capacity(headers.len()),
                |h, (key, value)| {
                    h.insert(Header {
                        key,
                        value: Some(*value),
                    })
                },
            );
            record = record.headers(owned);
        }
        // A full local queue waits (up to the delivery timeout) instead of failing.
        let delivery = self
            .producer
            .send(record, Timeout::After(DELIVERY_TIMEOUT))
            .await
            .map_err(|(e, _)| anyhow::anyhow!("publishing to {topic:?}: {e}"))?;
        Ok((delivery.partition, delivery.offset))
    }

    async fn subscribe_at(
        &self,
        topic: &str,
        group: &str,
        start: StartFrom,
        pace: Pace,
    ) -> anyhow::Result<Box<dyn Subscription>> {
        anyhow::ensure!(!group.is_empty(), "a consumer group needs a name");
        Ok(Box::new(KafkaSubscription::join(
            &self.brokers,
            topic,
            group,
            start,
            pace,
        )?))
    }

    async fn partition_count(&self, topic: &str) -> anyhow::Result<i32> {
        self.visible_partitions(topic)
            .await?
            .ok_or_else(|| anyhow::anyhow!("topic {topic:?} does not exist"))
    }

    async fn ping(&self) -> anyhow::Result<()> {
        let metadata = self.metadata(None, PING_TIMEOUT).await?;
        anyhow::ensure!(
            !metadata.brokers().is_empty(),
            "the Kafka cluster lists no brokers"
        );
        Ok(())
    }
}
