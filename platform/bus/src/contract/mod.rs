//! The contract suite: one set of test bodies every adapter must pass. An adapter's test
//! binary runs them all with [`contract_suite!`](crate::contract_suite), giving it an
//! async expression that yields a fresh `Arc<dyn Bus>`.
//!
//! Every test uses its own topics and groups, so the tests can share one broker and run
//! in parallel; every wait is bounded, so a broken adapter fails instead of hanging.

mod member;

pub use member::{
    assert_exactly_once, first_halves, not_committed, positions, publish_many, read_topic, unique,
    Deadline, Member, PATIENCE, STEP,
};

use crate::memory::partition_for_key;
use crate::{Bus, Pace, StartFrom};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

const PARTITIONS: i32 = 4;

/// Generates one `#[tokio::test]` per contract test, each on the bus `$bus` yields.
#[macro_export]
macro_rules! contract_suite {
    ($bus:expr) => {
        $crate::contract_suite!(@each $bus;
            ensure_topic_is_idempotent,
            offsets_increase_within_a_partition,
            records_of_one_key_arrive_in_publish_order,
            a_committing_group_reads_everything_once,
            uncommitted_records_are_redelivered_after_restart,
            members_split_partitions_and_take_over_on_leave,
            a_dropped_member_leaves_the_group,
            separate_groups_each_see_everything,
            latest_skips_old_records,
            seek_rereads,
            a_relaxed_subscriber_reads_every_record,
            headers_travel_with_their_record,
        );
    };
    (@each $bus:expr; $($test:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                let bus: ::std::sync::Arc<dyn $crate::Bus> = $bus.await;
                $crate::contract::$test(bus).await;
            }
        )*
    };
}

async fn new_topic(bus: &Arc<dyn Bus>, what: &str) -> String {
    let topic = unique(what);
    bus.ensure_topic(&topic, PARTITIONS)
        .await
        .expect("ensure_topic");
    topic
}

pub async fn ensure_topic_is_idempotent(bus: Arc<dyn Bus>) {
    bus.ping().await.expect("ping");
    let topic = new_topic(&bus, "idempotent").await;
    bus.ensure_topic(&topic, PARTITIONS)
        .await
        .expect("second ensure_topic");
    assert_eq!(bus.partition_count(&topic).await.unwrap(), PARTITIONS);
    // An existing topic keeps its partitions: keys must not move.
    bus.ensure_topic(&topic, PARTITIONS + 2)
        .await
        .expect("ensure_topic of an existing topic");
    assert_eq!(bus.partition_count(&topic).await.unwrap(), PARTITIONS);
    assert!(bus.ensure_topic(&unique("no-partitions"), 0).await.is_err());
}

pub async fn offsets_increase_within_a_partition(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "offsets").await;
    let published = publish_many(&bus, &topic, 7, 70).await;
    let mut last: BTreeMap<i32, i64> = BTreeMap::new();
    for record in &published {
        // Same partitioner as Kafka's clients, so a key has one home on every adapter.
        assert_eq!(record.partition, partition_for_key(&record.key, PARTITIONS));
        if let Some(previous) = last.insert(record.partition, record.offset) {
            assert!(
                record.offset > previous,
                "offsets increase within partition {}",
                record.partition
            );
        } else {
            assert!(record.offset >= 0);
        }
    }
}

pub async fn records_of_one_key_arrive_in_publish_order(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "key-order").await;
    // Several keys published concurrently, each key's records one after the other.
    let publishers: Vec<_> = (0..5)
        .map(|k| {
            let (bus, topic) = (bus.clone(), topic.clone());
            tokio::spawn(async move {
                let key = format!("auction-{k}").into_bytes();
                for seq in 0..20 {
                    bus.publish(&topic, &key, format!("{seq}").as_bytes())
                        .await
                        .expect("publish");
                }
            })
        })
        .collect();
    for publisher in publishers {
        publisher.await.unwrap();
    }
    let mut reader = Member::join(&bus, &topic, &unique("group"), StartFrom::Earliest, true).await;
    reader
        .until("100 records are read", |m| m.records.len() >= 100)
        .await;
    let mut per_key: BTreeMap<Vec<u8>, Vec<(i32, u32)>> = BTreeMap::new();
    for record in &reader.records {
        let seq = std::str::from_utf8(&record.payload)
            .unwrap()
            .parse()
            .unwrap();
        per_key
            .entry(record.key.clone())
            .or_default()
            .push((record.partition, seq));
    }
    assert_eq!(per_key.len(), 5);
    for (key, seen) in per_key {
        let partition = partition_for_key(&key, PARTITIONS);
        let expected: Vec<(i32, u32)> = (0..20).map(|seq| (partition, seq)).collect();
        assert_eq!(seen, expected, "one partition, publish order");
    }
    reader.close().await;
}

pub async fn a_committing_group_reads_everything_once(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "once").await;
    let group = unique("group");
    let published = publish_many(&bus, &topic, 10, 100).await;
    let mut reader = Member::join(&bus, &topic, &group, StartFrom::Earliest, true).await;
    reader
        .until("100 records are read", |m| m.records.len() >= 100)
        .await;
    reader.idle(Duration::from_millis(500)).await;
    assert_exactly_once(&reader.records, &published);
    reader.close().await;

    // Everything was committed: the next member of the group finds nothing to read.
    let mut next = Member::join(&bus, &topic, &group, StartFrom::Earliest, true).await;
    next.until("the partitions are assigned", |m| {
        m.owned().len() == PARTITIONS as usize
    })
    .await;
    let more = next.idle(Duration::from_secs(1)).await;
    assert!(
        more.is_empty(),
        "committed records delivered again: {more:?}"
    );
    next.close().await;
}

pub async fn uncommitted_records_are_redelivered_after_restart(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "redeliver").await;
    let group = unique("group");
    let published = publish_many(&bus, &topic, 8, 80).await;
    let mut first = Member::join(&bus, &topic, &group, StartFrom::Earliest, false).await;
    first
        .until("80 records are read", |m| m.records.len() >= 80)
        .await;

    // Commit the first half of what each partition holds.
    let commits = first_halves(&published);
    first.sub.commit(&commits).await.expect("commit");
    first.close().await;

    let rest = not_committed(&published, &commits);
    let mut second = Member::join(&bus, &topic, &group, StartFrom::Earliest, true).await;
    second
        .until("the uncommitted rest is read", |m| {
            m.records.len() >= rest.len()
        })
        .await;
    second.idle(Duration::from_millis(500)).await;
    assert_exactly_once(&second.records, &rest);
    second.close().await;
}

pub async fn members_split_partitions_and_take_over_on_leave(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "split").await;
    let group = unique("group");
    let all: Vec<i32> = (0..PARTITIONS).collect();
    let mut a = Member::join(&bus, &topic, &group, StartFrom::Earliest, true).await;
    a.until("the first member owns every partition", |m| {
        m.owned() == all
    })
    .await;
    let mut b = Member::join(&bus, &topic, &group, StartFrom::Earliest, false).await;
    let deadline = Deadline::after(PATIENCE, "two members split the partitions");
    while !split(&a.owned(), &b.owned(), &all) {
        deadline.check();
        tokio::join!(a.step(), b.step());
    }

    // A rebalance takes away only what moves: a keeps reading its other partitions.
    assert!(
        a.revoked.iter().all(|p| b.owned().contains(p)),
        "a lost {:?} but b owns {:?}",
        a.revoked,
        b.owned()
    );

    let published = publish_many(&bus, &topic, 12, 120).await;
    let deadline = Deadline::after(PATIENCE, "the two members read every record");
    while a.records.len() + b.records.len() < published.len() {
        deadline.check();
        tokio::join!(a.step(), b.step());
    }
    let together: Vec<_> = a.records.iter().chain(&b.records).cloned().collect();
    assert_exactly_once(&together, &published);
    assert!(a.records.iter().all(|r| a.owned().contains(&r.partition)));
    assert!(b.records.iter().all(|r| b.owned().contains(&r.partition)));

    // b commits only the first half of each of its partitions, then leaves.
    let b_partitions = b.owned();
    let mut commits = Vec::new();
    for &p in &b_partitions {
        let offsets: Vec<i64> = published
            .iter()
            .filter(|r| r.partition == p)
            .map(|r| r.offset)
            .collect();
        if !offsets.is_empty() {
            commits.push((p, offsets[offsets.len() / 2]));
        }
    }
    b.sub.commit(&commits).await.expect("commit");
    b.close().await;

    let rest = not_committed(&published, &commits);
    let before = a.records.len();
    a.until(
        "the remaining member owns every partition and read b's rest",
        |m| m.owned() == all && m.records.len() - before >= rest.len(),
    )
    .await;
    a.idle(Duration::from_millis(500)).await;
    assert!(
        b_partitions.iter().all(|p| a.assigned.contains(p)),
        "b's partitions {b_partitions:?} reported assigned to a: {:?}",
        a.assigned
    );
    assert_exactly_once(&a.records[before..], &rest);
    a.close().await;
}

pub async fn a_dropped_member_leaves_the_group(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "dropped").await;
    let group = unique("group");
    let all: Vec<i32> = (0..PARTITIONS).collect();
    let mut a = Member::join(&bus, &topic, &group, StartFrom::Earliest, true).await;
    a.until("the first member owns every partition", |m| {
        m.owned() == all
    })
    .await;
    let mut b = Member::join(&bus, &topic, &group, StartFrom::Earliest, true).await;
    let deadline = Deadline::after(PATIENCE, "two members split the partitions");
    while !split(&a.owned(), &b.owned(), &all) {
        deadline.check();
        tokio::join!(a.step(), b.step());
    }
    let b_partitions = b.owned();
    drop(b);
    a.until("the remaining member owns every partition again", |m| {
        m.owned() == all
    })
    .await;
    assert!(b_partitions.iter().all(|p| a.assigned.contains(p)));
    a.close().await;
}

fn split(a: &[i32], b: &[i32], all: &[i32]) -> bool {
    let union: BTreeSet<i32> = a.iter().chain(b).copied().collect();
    !a.is_empty()
        && !b.is_empty()
        && a.len() + b.len() == all.len()
        && union.into_iter().eq(all.iter().copied())
}

pub async fn separate_groups_each_see_everything(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "groups").await;
    let published = publish_many(&bus, &topic, 5, 50).await;
    let mut one = Member::join(
        &bus,
        &topic,
        &unique("group-one"),
        StartFrom::Earliest,
        true,
    )
    .await;
    let mut two = Member::join(
        &bus,
        &topic,
        &unique("group-two"),
        StartFrom::Earliest,
        true,
    )
    .await;
    let deadline = Deadline::after(PATIENCE, "both groups read every record");
    while one.records.len() < published.len() || two.records.len() < published.len() {
        deadline.check();
        tokio::join!(one.step(), two.step());
    }
    assert_exactly_once(&one.records, &published);
    assert_exactly_once(&two.records, &published);
    one.close().await;
    two.close().await;
}

pub async fn latest_skips_old_records(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "latest").await;
    let old = publish_many(&bus, &topic, 8, 40).await;
    let all: Vec<i32> = (0..PARTITIONS).collect();
    let mut reader = Member::join(&bus, &topic, &unique("group"), StartFrom::Latest, true).await;
    reader
        .until("the partitions are assigned", |m| m.owned() == all)
        .await;
    // A broker may settle the start position a little after the assignment, so keep
    // publishing until new records arrive; none of the old ones may ever show up.
    let mut new = Vec::new();
    let deadline = Deadline::after(PATIENCE, "records published after subscribing arrive");
    while reader.records.is_empty() {
        deadline.check();
        new.extend(publish_many(&bus, &topic, 8, 8).await);
        reader.step().await;
    }
    reader.idle(Duration::from_millis(300)).await;
    let old = positions(&old);
    let new = positions(&new);
    for seen in reader.positions() {
        assert!(!old.contains(&seen), "old record {seen:?} read from Latest");
        assert!(new.contains(&seen), "unknown record {seen:?}");
    }
    reader.close().await;
}

pub async fn seek_rereads(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "seek").await;
    let published = publish_many(&bus, &topic, 1, 10).await;
    let partition = published[0].partition;
    let mut reader = Member::join(&bus, &topic, &unique("group"), StartFrom::Earliest, false).await;
    reader
        .until("10 records are read", |m| m.records.len() >= 10)
        .await;
    assert_exactly_once(&reader.records, &published);

    reader
        .sub
        .seek(partition, published[3].offset)
        .await
        .expect("seek");
    reader
        .until("the records after the seek are read again", |m| {
            m.records.len() >= 17
        })
        .await;
    reader.idle(Duration::from_millis(300)).await;
    assert_exactly_once(&reader.records[10..], &published[3..]);
    assert!(
        reader.sub.seek(PARTITIONS, 0).await.is_err(),
        "seek of a partition not owned"
    );
    reader.close().await;
}

pub async fn a_relaxed_subscriber_reads_every_record(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "relaxed").await;
    let published = publish_many(&bus, &topic, 10, 100).await;
    let mut sub = bus
        .subscribe_at(&topic, &unique("group"), StartFrom::Earliest, Pace::Relaxed)
        .await
        .expect("subscribe");
    let deadline = Deadline::after(PATIENCE, "a relaxed subscriber read 100 records");
    let mut seen = Vec::new();
    while seen.len() < published.len() {
        deadline.check();
        seen.extend(sub.poll(1_000, STEP).await.expect("poll").records);
    }
    assert_exactly_once(&seen, &published);
    sub.close().await.expect("close");
}

pub async fn headers_travel_with_their_record(bus: Arc<dyn Bus>) {
    let topic = new_topic(&bus, "headers").await;
    let headers: [(&str, &[u8]); 4] = [
        ("origin-topic", b"auction.commands"),
        ("attempts", b"3"),
        ("raw", &[0, 159, 255]),
        ("attempts", b"4"),
    ];
    let (partition, offset) = bus
        .publish_with_headers(&topic, b"k", b"with", &headers)
        .await
        .expect("publish with headers");
    bus.publish(&topic, b"k", b"without")
        .await
        .expect("publish");

    let mut reader = Member::join(&bus, &topic, &unique("group"), StartFrom::Earliest, false).await;
    reader
        .until("both records are read", |m| m.records.len() >= 2)
        .await;
    let seen = std::mem::take(&mut reader.records);
    reader.close().await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    let with = &seen[0];
    assert_eq!((with.partition, with.offset), (partition, offset));
    let expected: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.to_vec()))
        .collect();
    assert_eq!(
        with.headers, expected,
        "every header, in order, repeats kept"
    );
    assert_eq!(
        with.header("attempts"),
        Some(&b"3"[..]),
        "the first of a name"
    );
    assert_eq!(with.header("missing"), None);
    assert!(
        seen[1].headers.is_empty(),
        "a record published without headers has none"
    );
}
