//! The platform as separate processes — gateway, auction, bidding, notification+search —
//! talking through a real Kafka-protocol broker and PostgreSQL, as it runs in production.
//! Each run gets its own database and its own bus namespace, so runs share the broker
//! without seeing each other.

use crate::client::{Api, User};
use crate::harness::{self, ADMIN_EMAIL, ADMIN_PASSWORD};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What a process runs (`SERVICES`) and the settings it has beyond the cluster's own.
struct Process {
    services: &'static str,
    env: Vec<(&'static str, String)>,
}

pub struct Cluster {
    pub api: Api,
    pub database_url: String,
    pub bus_url: String,
    env: HashMap<&'static str, String>,
    processes: HashMap<&'static str, Process>,
    children: HashMap<&'static str, Child>,
    ports: HashMap<&'static str, u16>,
    logs: std::path::PathBuf,
}

fn kafka_url() -> String {
    std::env::var("KAFKA_TEST_URL").expect(
        "KAFKA_TEST_URL is not set: these tests need a Kafka-protocol broker \
         (scripts/test.sh starts one and sets it)",
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

const ROLES: [&str; 4] = ["auction", "bidding", "notification,search", "gateway"];

impl Cluster {
    pub async fn start() -> Self {
        let database_url =
            platform_core::db::create_fresh_database(&harness::base_database_url(), "cluster_test")
                .await
                .unwrap();
        let namespace = format!("t{}", uuid::Uuid::new_v4().simple());
        let bus_url = format!("kafka://{}?namespace={namespace}", kafka_url());
        let ports: HashMap<&'static str, u16> = ROLES.iter().map(|r| (*r, free_port())).collect();
        let url = |role: &str| format!("http://127.0.0.1:{}", ports[role]);
        let env: HashMap<&'static str, String> = HashMap::from([
            ("DATABASE_URL", database_url.clone()),
            ("BUS_URL", bus_url.clone()),
            ("COMMAND_PARTITIONS", "4".into()),
            ("EVENT_PARTITIONS", "4".into()),
            ("DATABASE_MAX_CONNECTIONS", "5".into()),
            ("INTERNAL_TOKEN", uuid::Uuid::new_v4().to_string()),
            (
                "JWT_SECRET",
                format!("{}{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4()),
            ),
            ("ADMIN_EMAIL", ADMIN_EMAIL.into()),
            ("ADMIN_PASSWORD", ADMIN_PASSWORD.into()),
            ("AUTH_RATE_PER_MINUTE", "100000".into()),
            ("AUTH_RATE_BURST", "10000".into()),
            ("BID_RATE_PER_SECOND", "100000".into()),
            ("BID_RATE_BURST", "10000".into()),
            ("SOFT_CLOSE_WINDOW_SECS", "0".into()),
            ("SEARCH_URL", "memory://".into()),
            ("AUCTION_SCHEDULER_TICK_MS", "50".into()),
            ("AUCTION_PORT", ports["auction"].to_string()),
            ("BIDDING_PORT", ports["bidding"].to_string()),
            (
                "NOTIFICATION_PORT",
                ports["notification,search"].to_string(),
            ),
            ("GATEWAY_PORT", ports["gateway"].to_string()),
            ("AUCTION_SERVICE_URL", url("auction")),
            ("BIDDING_SERVICE_URL", url("bidding")),
            ("NOTIFICATION_SERVICE_URL", url("notification,search")),
            ("SEARCH_SERVICE_URL", url("notification,search")),
            ("RUST_LOG", "info,rdkafka=warn,librdkafka=warn".into()),
        ]);
        let logs = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(&namespace);
        std::fs::create_dir_all(&logs).unwrap();
        let mut cluster = Cluster {
            api: Api::new(url("gateway")),
            database_url,
            bus_url,
            env,
            processes: ROLES
                .iter()
                .map(|r| {
                    let process = Process {
                        services: r,
                        env: Vec::new(),
                    };
                    (*r, process)
                })
                .collect(),
            children: HashMap::new(),
            ports,
            logs,
        };
        for role in ROLES {
            cluster.spawn(role);
        }
        for role in ROLES {
            cluster.wait_ready(role).await;
        }
        cluster
    }

    /// Starts one more process named `name` running `services`, listening on a port of
    /// its own given to it by `port_variable`; returns its base URL once it is ready.
    pub async fn add_process(
        &mut self,
        name: &'static str,
        services: &'static str,
        port_variable: &'static str,
    ) -> String {
        let port = free_port();
        self.ports.insert(name, port);
        let env = vec![(port_variable, port.to_string())];
        self.processes.insert(name, Process { services, env });
        self.spawn(name);
        self.wait_ready(name).await;
        format!("http://127.0.0.1:{port}")
    }

    /// Starts (or starts again) the process named `name`.
    pub fn spawn(&mut self, name: &'static str) {
        let Process { services, env } = &self.processes[name];
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.logs.join(format!("{}.log", name.replace(',', "-"))))
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_platform"))
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("SERVICES", *services)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("the platform binary starts");
        self.children.insert(name, child);
    }

    pub async fn wait_ready(&mut self, role: &'static str) {
        let url = format!("http://127.0.0.1:{}/readyz", self.ports[role]);
        let start = Instant::now();
        loop {
            if let Ok(res) = self.api.http.get(&url).send().await {
                if res.status() == 200 {
                    return;
                }
            }
            if let Some(child) = self.children.get_mut(role) {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!(
                        "{role} exited with {status}; logs in {}",
                        self.logs.display()
                    );
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{role} not ready after 60 s; logs in {}",
                self.logs.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no shutdown hook runs, whatever was in flight is cut off.
    pub fn kill(&mut self, role: &'static str) {
        if let Some(mut child) = self.children.remove(role) {
            child.kill().ok();
            child.wait().ok();
        }
    }

    pub async fn admin(&self) -> User {
        self.api.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for (_, mut child) in self.children.drain() {
            child.kill().ok();
            child.wait().ok();
        }
    }
}

#[tokio::test]
async fn separate_processes_over_kafka_tell_the_same_story() {
    let cluster = Cluster::start().await;
    let admin = cluster.admin().await;
    crate::journey::listing_to_winner(&cluster.api, &admin).await;
}

#[tokio::test]
async fn killing_the_bidding_process_loses_no_bid_and_applies_none_twice() {
    let mut cluster = Cluster::start().await;
    let api = cluster.api.clone();
    let admin = cluster.admin().await;
    let seller = api.signup("seller").await;
    let id = api
        .open_auction(&admin, &seller, "Under fire", Duration::from_secs(600))
        .await;
    let mut bidders = Vec::new();
    for i in 0..8 {
        bidders.push(api.signup(&format!("bidder{i}")).await);
    }

    // A steady stream of bids from 8 bidders while bidding is killed and restarted.
    let stop = tokio_util::sync::CancellationToken::new();
    let mut streams = Vec::new();
    for (n, bidder) in bidders.iter().cloned().enumerate() {
        let api = api.clone();
        let id = id.clone();
        let stop = stop.clone();
        streams.push(tokio::spawn(async move {
            let mut placed: Vec<(User, String)> = Vec::new();
            let mut amount = 1_000 + n as i64 * 10;
            while !stop.is_cancelled() {
                amount += 300 + (n as i64 * 7) % 50;
                let body = serde_json::json!({"amount": amount, "maxAmount": amount + 200});
                let req = api
                    .http
                    .post(format!("{}/api/auctions/{id}/bids", api.base))
                    .bearer_auth(&bidder.token)
                    .json(&body)
                    .timeout(Duration::from_secs(5));
                match req.send().await {
                    Ok(res) if res.status() == 202 => {
                        let v: serde_json::Value = res.json().await.unwrap();
                        placed.push((bidder.clone(), v["bidId"].as_str().unwrap().to_owned()));
                    }
                    Ok(res) => assert!(
                        [502, 503, 504].contains(&res.status().as_u16()),
                        "unexpected {}",
                        res.status()
                    ),
                    Err(_) => {} // the connection died with the process: no promise was made
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            placed
        }));
    }

    let bidding = platform_core::db::connect(&cluster.database_url, "bidding", 1)
        .await
        .unwrap();
    let mut orphans = Vec::new();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        cluster.kill("bidding");
        // What a kill between recording a bid and publishing its command leaves behind: a
        // pending row whose command no log holds. Its client got no 202. (Its amount is
        // below any minimum, so it does not stop the other bids from being accepted.)
        orphans.push(harness::leave_pending_bid(&bidding, &id, &bidders[0], 1).await);
        tokio::time::sleep(Duration::from_millis(500)).await;
        cluster.spawn("bidding");
        cluster.wait_ready("bidding").await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.cancel();
    let mut placed = Vec::new();
    for s in streams {
        placed.extend(s.await.unwrap());
    }
    assert!(placed.len() > 50, "only {} bids got through", placed.len());

    // Every 202 ends in exactly one outcome.
    let mut accepted_seqs = Vec::new();
    for (bidder, bid_id) in &placed {
        let outcome = api.outcome(bidder, bid_id).await;
        if outcome["status"] == "accepted" {
            accepted_seqs.push(outcome["seq"].as_i64().unwrap());
        }
    }
    let mut sorted = accepted_seqs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        accepted_seqs.len(),
        "an accepted bid was applied twice"
    );

    // No row stays pending: the orphans, and any a kill left, were published again when
    // bidding restarted, and decided.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let pending: Vec<uuid::Uuid> =
            sqlx::query_scalar("SELECT bid_id FROM bids WHERE status = 'pending'")
                .fetch_all(&bidding)
                .await
                .unwrap();
        if pending.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "bids left pending: {pending:?} (orphans {orphans:?})"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let decided: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bids WHERE bid_id = ANY($1) AND reason = 'below_minimum'",
    )
    .bind(&orphans)
    .fetch_one(&bidding)
    .await
    .unwrap();
    assert_eq!(decided, orphans.len() as i64);

    let bus = platform_bus::connect(&cluster.bus_url).await.unwrap();
    let rules = bidding::Config {
        soft_close_window_secs: 0,
        ..bidding::Config::for_tests()
    }
    .rules()
    .unwrap();
    let state =
        harness::assert_matches_serial_replay(bus.as_ref(), &cluster.database_url, &rules, &id)
            .await;
    assert!(state.public().bid_count >= accepted_seqs.len() as i64);

    // The read model catches up with the engine (a 202 lost with a killed connection may
    // still have been applied: the engine's count can exceed what the clients saw).
    let seq = state.seq();
    let auction = api
        .wait_auction(
            &id,
            Duration::from_secs(20),
            "the read model to catch up",
            |a| a["seq"] == seq,
        )
        .await;
    assert_eq!(auction["bidCount"], state.public().bid_count);
    assert_eq!(auction["currentPrice"], state.public().current_price);
}
