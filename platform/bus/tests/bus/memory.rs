//! The contract suite against the in-process bus, plus what only it can show cheaply.

use platform_bus::memory::MemoryBus;
use platform_bus::{Bus, StartFrom};
use std::sync::Arc;
use std::time::{Duration, Instant};

platform_bus::contract_suite!(async { Arc::new(MemoryBus::new()) as Arc<dyn Bus> });

#[tokio::test]
async fn connect_picks_the_adapter_from_the_url() {
    let bus = platform_bus::connect("memory://")
        .await
        .expect("memory:// connects");
    bus.ping().await.expect("ping");
    let unsupported = platform_bus::connect("nope://somewhere")
        .await
        .err()
        .expect("nope:// is refused");
    assert!(
        unsupported.to_string().contains("not supported"),
        "{unsupported}"
    );
    assert!(platform_bus::connect("not a url").await.is_err());
}

#[tokio::test]
async fn unknown_topics_are_refused() {
    let bus = MemoryBus::new();
    assert!(bus.publish("missing", b"k", b"v").await.is_err());
    assert!(bus
        .subscribe("missing", "g", StartFrom::Earliest)
        .await
        .is_err());
    assert!(bus.partition_count("missing").await.is_err());
}

#[tokio::test]
async fn a_dropped_subscription_leaves_its_group() {
    let bus = MemoryBus::new();
    bus.ensure_topic("t", 2).await.unwrap();
    let mut a = bus.subscribe("t", "g", StartFrom::Earliest).await.unwrap();
    assert_eq!(
        a.poll(10, Duration::from_millis(10))
            .await
            .unwrap()
            .assigned,
        vec![0, 1]
    );
    let mut b = bus.subscribe("t", "g", StartFrom::Earliest).await.unwrap();
    // b waits for partition 1 until a, polling, lets go of it.
    let (of_a, of_b) = tokio::join!(
        a.poll(10, Duration::from_secs(5)),
        b.poll(10, Duration::from_secs(5))
    );
    assert_eq!(of_a.unwrap().revoked, vec![1]);
    assert_eq!(of_b.unwrap().assigned, vec![1]);
    drop(b);
    assert_eq!(
        a.poll(10, Duration::from_millis(10))
            .await
            .unwrap()
            .assigned,
        vec![1]
    );
    assert_eq!(a.assignment(), vec![0, 1]);
}

/// On the test's paused clock: the poll's own timeout is far off, so a poll that returns
/// at the very instant of the publish was woken by it.
#[tokio::test(start_paused = true)]
async fn a_waiting_poll_wakes_on_publish() {
    let bus = MemoryBus::new();
    bus.ensure_topic("t", 1).await.unwrap();
    let mut sub = bus.subscribe("t", "g", StartFrom::Earliest).await.unwrap();
    sub.poll(10, Duration::ZERO).await.unwrap();
    let publisher = bus.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        publisher.publish("t", b"k", b"v").await.unwrap();
    });
    let started = tokio::time::Instant::now();
    let batch = sub.poll(10, Duration::from_secs(10)).await.unwrap();
    assert_eq!(batch.records.len(), 1);
    assert_eq!(
        started.elapsed(),
        Duration::from_millis(50),
        "poll returned when the record arrived"
    );
}

#[tokio::test]
async fn commits_are_refused_for_partitions_not_owned() {
    let bus = MemoryBus::new();
    bus.ensure_topic("t", 2).await.unwrap();
    let mut sub = bus.subscribe("t", "g", StartFrom::Earliest).await.unwrap();
    sub.poll(10, Duration::ZERO).await.unwrap();
    assert!(sub.commit(&[(0, 1), (2, 1)]).await.is_err());
    assert!(sub.commit(&[(0, 0), (1, 0)]).await.is_ok());
}

/// Publishes and consumes concurrently: every record arrives, once. (How fast is the
/// benchmarks' question.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_records_flow_through_once() {
    const RECORDS: usize = 200_000;
    let bus = MemoryBus::new();
    bus.ensure_topic("t", 8).await.unwrap();
    let mut sub = bus.subscribe("t", "g", StartFrom::Earliest).await.unwrap();
    let publisher = bus.clone();
    let publishing = tokio::spawn(async move {
        for i in 0..RECORDS {
            publisher
                .publish(
                    "t",
                    format!("auction-{}", i % 1000).as_bytes(),
                    &i.to_be_bytes(),
                )
                .await
                .unwrap();
        }
    });
    let mut seen = vec![false; RECORDS];
    loop {
        // Whether publishing had ended before this poll: then an empty poll means the
        // log is read to its end.
        let published_all = publishing.is_finished();
        let batch = sub.poll(1000, Duration::from_millis(100)).await.unwrap();
        if batch.records.is_empty() && published_all {
            break;
        }
        for record in &batch.records {
            let i = usize::from_be_bytes(record.payload[..].try_into().unwrap());
            assert!(!seen[i], "record {i} read twice");
            seen[i] = true;
        }
        if let Some(last) = batch.records.last() {
            sub.commit(&[(last.partition, last.offset + 1)])
                .await
                .unwrap();
        }
    }
    publishing.await.unwrap();
    let missing = seen.iter().filter(|s| !**s).count();
    assert_eq!(missing, 0, "records never read");
}

/// The namespace wrapper keeps every promise of the port.
mod namespaced {
    use platform_bus::memory::MemoryBus;
    use platform_bus::namespace::Namespaced;
    use platform_bus::Bus;
    use std::sync::Arc;

    platform_bus::contract_suite!(async {
        Arc::new(Namespaced::new(Arc::new(MemoryBus::new()), "ns").unwrap()) as Arc<dyn Bus>
    });
}

#[tokio::test]
async fn namespaces_share_a_broker_without_seeing_each_other() {
    let shared: Arc<dyn Bus> = Arc::new(MemoryBus::new());
    let a = platform_bus::namespace::Namespaced::new(shared.clone(), "a").unwrap();
    let b = platform_bus::namespace::Namespaced::new(shared.clone(), "b").unwrap();
    a.ensure_topic("t", 2).await.unwrap();
    b.ensure_topic("t", 2).await.unwrap();
    a.publish("t", b"k", b"from a").await.unwrap();
    let mut sub = b.subscribe("t", "g", StartFrom::Earliest).await.unwrap();
    let batch = sub.poll(10, Duration::from_millis(200)).await.unwrap();
    assert!(batch.records.is_empty(), "b sees nothing of a");
    let mut sub = a.subscribe("t", "g", StartFrom::Earliest).await.unwrap();
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while seen.is_empty() && Instant::now() < deadline {
        seen.extend(
            sub.poll(10, Duration::from_millis(200))
                .await
                .unwrap()
                .records,
        );
    }
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].topic, "t", "records carry the plain topic name");
    assert!(platform_bus::namespace::Namespaced::new(shared, "bad name").is_err());
    assert!(platform_bus::connect("memory://?namespace=x").await.is_ok());
    assert!(platform_bus::connect("memory://?colour=red").await.is_err());
}

#[test]
fn every_in_process_log_has_an_identity_of_its_own() {
    let a = MemoryBus::new();
    let b = MemoryBus::new();
    assert_ne!(a.log_identity(), b.log_identity());
    assert_eq!(
        a.log_identity(),
        a.clone().log_identity(),
        "clones share one log"
    );
    let wrapped = platform_bus::namespace::Namespaced::new(Arc::new(a.clone()), "ns").unwrap();
    assert_eq!(wrapped.log_identity(), a.log_identity());
}
