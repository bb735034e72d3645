//! The contract suite against a real Kafka-protocol broker at `KAFKA_TEST_URL`
//! (`host:port`). The project's test command starts a broker and sets the variable; without
//! it these tests fail rather than pass unchecked.

use platform_bus::kafka::KafkaBus;
use platform_bus::Bus;
use std::sync::Arc;

async fn kafka_bus() -> Arc<dyn Bus> {
    let brokers = std::env::var("KAFKA_TEST_URL").expect(
        "KAFKA_TEST_URL is not set: start a Kafka-protocol broker and set KAFKA_TEST_URL=host:port \
         to run the Kafka contract tests",
    );
    let bus = KafkaBus::connect(&brokers)
        .await
        .expect("connect to KAFKA_TEST_URL");
    bus.ping()
        .await
        .unwrap_or_else(|e| panic!("no Kafka broker answers at KAFKA_TEST_URL={brokers}: {e:#}"));
    Arc::new(bus)
}

platform_bus::contract_suite!(kafka_bus());

#[tokio::test]
async fn connect_accepts_a_kafka_url() {
    let brokers = std::env::var("KAFKA_TEST_URL").expect("KAFKA_TEST_URL is not set");
    let bus = platform_bus::connect(&format!("kafka://{brokers}"))
        .await
        .expect("kafka:// connects");
    bus.ping().await.expect("ping");
}

#[tokio::test]
async fn ping_fails_without_a_broker() {
    // Port 9 (discard) is closed on test machines: nothing speaks Kafka there.
    let bus = KafkaBus::connect("127.0.0.1:9")
        .await
        .expect("clients are created lazily");
    assert!(bus.ping().await.is_err());
}
