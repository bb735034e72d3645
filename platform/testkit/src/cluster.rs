//! The platform as separate processes (gateway, auction, bidding, notification+search)
//! talking through a real Kafka-protocol broker and PostgreSQL, as it runs in production.
//! Each cluster gets its own database and its own bus namespace, so clusters share the
//! broker without seeing each other. The broker is `KAFKA_TEST_URL` (the test command
//! starts one and sets it).

use crate::api::{Api, User, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::TestDatabase;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What a process runs (`SERVICES`) and the settings it has beyond the cluster's own.
struct Process {
    services: &'static str,
    env: Vec<(&'static str, String)>,
}

pub struct Cluster {
    pub api: Api,
    pub database: TestDatabase,
    pub bus_url: String,
    binary: PathBuf,
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

/// What every process of a test cluster is given: its database, one JWT secret, the
/// bootstrap admin, and rate limits far above what a test sends.
fn every_process(database_url: &str) -> HashMap<&'static str, String> {
    HashMap::from([
        ("DATABASE_URL", database_url.to_owned()),
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
    ])
}

/// The name of the process of [`Cluster::one_process`].
pub const ONE_PROCESS: &str = "platform";

impl Cluster {
    /// Starts the four roles from `binary` (the `platform` executable), each in its own
    /// process, and waits until every one is ready; their logs go under `logs`.
    pub async fn start(binary: impl Into<PathBuf>, logs: &Path) -> Self {
        let database = TestDatabase::create("cluster_test").await;
        let database_url = database.url().to_owned();
        let namespace = format!("t{}", uuid::Uuid::new_v4().simple());
        let bus_url = format!("kafka://{}?namespace={namespace}", kafka_url());
        let ports: HashMap<&'static str, u16> = ROLES.iter().map(|r| (*r, free_port())).collect();
        let url = |role: &str| format!("http://127.0.0.1:{}", ports[role]);
        let mut env = every_process(&database_url);
        env.extend([
            ("BUS_URL", bus_url.clone()),
            ("COMMAND_PARTITIONS", "4".into()),
            ("EVENT_PARTITIONS", "4".into()),
            ("DATABASE_MAX_CONNECTIONS", "5".into()),
            ("INTERNAL_TOKEN", uuid::Uuid::new_v4().to_string()),
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
        let logs = logs.join(&namespace);
        std::fs::create_dir_all(&logs).unwrap();
        let mut cluster = Cluster {
            api: Api::new(url("gateway")),
            database,
            bus_url,
            binary: binary.into(),
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

    /// The platform as `./scripts/run.sh` starts it: every role in one process named
    /// [`ONE_PROCESS`], with the default bus and search index (the data directory is the
    /// cluster's own); only the rate limits are raised, for tests that bid fast.
    pub async fn one_process(binary: impl Into<PathBuf>, logs: &Path) -> Self {
        let database = TestDatabase::create("one_process_test").await;
        let port = free_port();
        let logs = logs.join(format!("one-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&logs).unwrap();
        let mut env = every_process(database.url());
        env.extend([
            ("GATEWAY_PORT", port.to_string()),
            (
                "SEARCH_DATA_DIR",
                logs.join("data/search").display().to_string(),
            ),
            ("RUST_LOG", "info".into()),
        ]);
        let mut cluster = Cluster {
            api: Api::new(format!("http://127.0.0.1:{port}")),
            database,
            bus_url: "embedded://".into(),
            binary: binary.into(),
            env,
            processes: HashMap::from([(
                ONE_PROCESS,
                Process {
                    services: "all",
                    env: Vec::new(),
                },
            )]),
            children: HashMap::new(),
            ports: HashMap::from([(ONE_PROCESS, port)]),
            logs,
        };
        cluster.spawn(ONE_PROCESS);
        cluster.wait_ready(ONE_PROCESS).await;
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
        let child = Command::new(&self.binary)
            // What the cluster does not set is the platform's default, whatever the test
            // process was started with.
            .env_remove("BUS_URL")
            .env_remove("SEARCH_URL")
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
        self.api.admin().await
    }

    /// The URL of the cluster's database.
    pub fn database_url(&self) -> &str {
        self.database.url()
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
