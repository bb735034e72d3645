//! The platform under test: the release `platform` binary started with a fresh database
//! and a fresh bus namespace, as one process (`SERVICES=all`) or as the separate roles of
//! a production deployment, over the Kafka-protocol broker or (one process only) the
//! in-process log. Dropping the cluster stops every process it started.

use anyhow::Context as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_EMAIL: &str = "bench-admin@example.com";
pub const ADMIN_PASSWORD: &str = "bench-admin-password";

/// How the roles are spread over processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Topology {
    /// Every role in one process, routing in process.
    Single,
    /// gateway / auction / bidding / notification+search as four processes over HTTP.
    Split,
}

impl Topology {
    /// `(SERVICES value, port variable)` of each process, the gateway last.
    fn roles(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Topology::Single => &[("all", "GATEWAY_PORT")],
            Topology::Split => &[
                ("auction", "AUCTION_PORT"),
                ("bidding", "BIDDING_PORT"),
                ("notification,search", "NOTIFICATION_PORT"),
                ("gateway", "GATEWAY_PORT"),
            ],
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Topology::Single => "one process (SERVICES=all)",
            Topology::Split => "four processes: gateway, auction, bidding, notification+search",
        }
    }
}

/// The bus the processes share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BusChoice {
    /// The in-process partitioned log: every role must be in the one process.
    Memory,
    /// The in-process log journaled in PostgreSQL, the one-process default.
    Embedded,
    /// A Kafka-protocol broker at `host:port[,host:port]`, with a namespace of the run's own.
    Kafka(String),
}

#[derive(Clone, Debug)]
pub struct ClusterConfig {
    pub binary: PathBuf,
    /// A database URL on the server to create the fresh database on.
    pub base_database_url: String,
    pub bus: BusChoice,
    pub topology: Topology,
    pub command_partitions: i32,
    pub event_partitions: i32,
    /// Pool size of each process.
    pub database_max_connections: u32,
    /// Where the processes' logs go.
    pub logs: PathBuf,
    /// Settings of the run on top of the shared ones (they win over them).
    pub extra_env: Vec<(String, String)>,
}

pub struct Cluster {
    pub gateway_url: String,
    pub database_url: String,
    pub namespace: String,
    pub logs: PathBuf,
    /// `/metrics` of the process that runs the bid engine.
    pub engine_metrics_url: String,
    children: Vec<(String, Child)>,
}

/// Where the platform under test runs: the settings both load generators share.
#[derive(clap::Args, Debug, Clone)]
pub struct PlatformArgs {
    /// Kafka-protocol broker (loopback only).
    #[arg(long, env = "KAFKA_URL", default_value = "127.0.0.1:19092")]
    pub kafka: String,
    /// Any database on the Postgres server; the run creates its own database next to it.
    #[arg(
        long,
        env = "BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub database_url: String,
    /// The release `platform` binary (default: $CARGO_TARGET_DIR/release/platform).
    #[arg(long)]
    pub platform_bin: Option<PathBuf>,
    /// Postgres pool size of each platform process.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(2..=90))]
    pub db_connections: u32,
    /// Keep the run's database and bus topics (they are dropped otherwise).
    #[arg(long)]
    pub keep: bool,
}

impl PlatformArgs {
    /// Load goes to this machine only: the broker and Postgres must be on loopback.
    pub fn ensure_loopback(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.kafka.split(',').all(crate::is_loopback_host),
            "the broker must be on this machine (loopback), not {}",
            self.kafka
        );
        anyhow::ensure!(
            crate::is_loopback_host(database_host(&self.database_url)),
            "Postgres must be on this machine (loopback)"
        );
        Ok(())
    }
}

/// The host (and port) of a database URL.
pub fn database_host(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority)
}

/// `given`, or the release `platform` binary under `$CARGO_TARGET_DIR` (else `target`).
pub fn release_binary(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("target"));
        target.join("release").join("platform")
    })
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The environment every process of the cluster shares.
fn shared_env(
    config: &ClusterConfig,
    database_url: &str,
    namespace: &str,
    ports: &BTreeMap<&'static str, u16>,
) -> Vec<(String, String)> {
    let url = |var: &str| format!("http://127.0.0.1:{}", ports[var]);
    let mut env: Vec<(&str, String)> = vec![
        ("DATABASE_URL", database_url.to_owned()),
        (
            "BUS_URL",
            match &config.bus {
                BusChoice::Memory => "memory://".to_owned(),
                BusChoice::Embedded => "embedded://".to_owned(),
                BusChoice::Kafka(brokers) => format!("kafka://{brokers}?namespace={namespace}"),
            },
        ),
        ("COMMAND_PARTITIONS", config.command_partitions.to_string()),
        ("EVENT_PARTITIONS", config.event_partitions.to_string()),
        (
            "DATABASE_MAX_CONNECTIONS",
            config.database_max_connections.to_string(),
        ),
        (
            "JWT_SECRET",
            format!(
                "bench-{}-{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            ),
        ),
        ("INTERNAL_TOKEN", uuid::Uuid::new_v4().simple().to_string()),
        ("ADMIN_EMAIL", ADMIN_EMAIL.to_owned()),
        ("ADMIN_PASSWORD", ADMIN_PASSWORD.to_owned()),
        // Limits far above the load: the benchmark measures the path, not the limiter.
        ("AUTH_RATE_PER_MINUTE", "1000000".to_owned()),
        ("AUTH_RATE_BURST", "100000".to_owned()),
        ("BID_RATE_PER_SECOND", "1000000".to_owned()),
        ("BID_RATE_BURST", "100000".to_owned()),
        // No soft close: auctions keep their end, bids never extend them.
        ("SOFT_CLOSE_WINDOW_SECS", "0".to_owned()),
        // A search index of the run's own: each run has a fresh database too.
        ("SEARCH_URL", "memory://".to_owned()),
    ];
    if ports.len() > 1 {
        env.extend([
            ("AUCTION_SERVICE_URL", url("AUCTION_PORT")),
            ("BIDDING_SERVICE_URL", url("BIDDING_PORT")),
            ("NOTIFICATION_SERVICE_URL", url("NOTIFICATION_PORT")),
            ("SEARCH_SERVICE_URL", url("NOTIFICATION_PORT")),
        ]);
    }
    for (var, port) in ports {
        env.push((var, port.to_string()));
    }
    let mut env: Vec<(String, String)> = env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for (var, value) in &config.extra_env {
        env.retain(|(k, _)| k != var);
        env.push((var.clone(), value.clone()));
    }
    env
}

impl Cluster {
    pub async fn start(config: &ClusterConfig) -> anyhow::Result<Self> {
        anyhow::ensure!(
            config.binary.is_file(),
            "no platform binary at {} (build it with `cargo build --release -p platform-app --bin platform`)",
            config.binary.display()
        );
        anyhow::ensure!(
            matches!(config.bus, BusChoice::Kafka(_)) || config.topology == Topology::Single,
            "the in-process bus only connects roles of one process: use a broker for split roles"
        );
        let database_url =
            platform_core::db::create_fresh_database(&config.base_database_url, "bench")
                .await
                .context("creating the benchmark database")?;
        let namespace = format!("bench{}", uuid::Uuid::new_v4().simple());
        let logs = config.logs.join(&namespace);
        std::fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
        let mut ports = BTreeMap::new();
        for (_, var) in config.topology.roles() {
            ports.insert(*var, free_port()?);
        }
        let env = shared_env(config, &database_url, &namespace, &ports);
        let engine_port = ports.get("BIDDING_PORT").unwrap_or(&ports["GATEWAY_PORT"]);
        let mut cluster = Cluster {
            engine_metrics_url: format!("http://127.0.0.1:{engine_port}/metrics"),
            gateway_url: format!("http://127.0.0.1:{}", ports["GATEWAY_PORT"]),
            database_url,
            namespace,
            logs,
            children: Vec::new(),
        };
        let http = reqwest::Client::new();
        // Services first, each ready before the next: they create topics and schemas.
        for (role, var) in config.topology.roles() {
            cluster.spawn(&config.binary, role, &env)?;
            cluster.wait_ready(&http, role, ports[var]).await?;
        }
        Ok(cluster)
    }

    fn spawn(&mut self, binary: &Path, role: &str, env: &[(String, String)]) -> anyhow::Result<()> {
        let path = self.logs.join(format!("{}.log", role.replace(',', "-")));
        let log = std::fs::File::create(&path)?;
        let child = Command::new(binary)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("SERVICES", role)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        self.children.push((role.to_owned(), child));
        Ok(())
    }

    async fn wait_ready(
        &mut self,
        http: &reqwest::Client,
        role: &str,
        port: u16,
    ) -> anyhow::Result<()> {
        let url = format!("http://127.0.0.1:{port}/readyz");
        let started = Instant::now();
        loop {
            if let Ok(res) = http.get(&url).send().await {
                if res.status().is_success() {
                    return Ok(());
                }
            }
            if let Some((_, child)) = self.children.iter_mut().find(|(r, _)| r == role) {
                if let Some(status) = child.try_wait()? {
                    anyhow::bail!(
                        "{role} exited with {status}; logs in {}",
                        self.logs.display()
                    );
                }
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(60),
                "{role} not ready after 60 s; logs in {}",
                self.logs.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Pids of the platform's processes (for the CPU split).
    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().map(|(_, c)| c.id()).collect()
    }

    /// `(SERVICES value, pid)` of each process, in start order (the gateway last).
    pub fn processes(&self) -> Vec<(String, u32)> {
        self.children
            .iter()
            .map(|(role, c)| (role.clone(), c.id()))
            .collect()
    }

    /// Whether every process is still running.
    pub fn check_alive(&mut self) -> anyhow::Result<()> {
        for (role, child) in &mut self.children {
            if let Some(status) = child.try_wait()? {
                anyhow::bail!(
                    "{role} exited with {status}; logs in {}",
                    self.logs.display()
                );
            }
        }
        Ok(())
    }

    /// Drops the run's database and bus topics; failures only leave garbage, so they are
    /// reported and ignored.
    pub async fn drop_run_data(&self, config: &ClusterConfig) {
        if let BusChoice::Kafka(brokers) = &config.bus {
            let prefix = format!("{}.", self.namespace);
            if let Err(e) = crate::broker::delete_topics_with_prefix(brokers, &prefix).await {
                eprintln!("could not delete the run's topics: {e:#}");
            }
        }
        let name = self
            .database_url
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_owned();
        let dropped = async {
            let mut conn =
                <sqlx::PgConnection as sqlx::Connection>::connect(&config.base_database_url)
                    .await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut conn)
                .await?;
            anyhow::Ok(())
        };
        if let Err(e) = dropped.await {
            eprintln!("could not drop database {name}: {e:#}");
        }
    }

    /// Stops the processes (SIGKILL: the run is over, nothing of it is needed any more).
    pub fn stop(&mut self) {
        for (_, mut child) in self.children.drain(..) {
            child.kill().ok();
            child.wait().ok();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(topology: Topology) -> ClusterConfig {
        ClusterConfig {
            binary: PathBuf::from("/nonexistent/platform"),
            base_database_url: "postgres://postgres@127.0.0.1:5432/postgres".into(),
            bus: BusChoice::Kafka("127.0.0.1:19092".into()),
            topology,
            command_partitions: 8,
            event_partitions: 8,
            database_max_connections: 20,
            logs: PathBuf::from("/tmp"),
            extra_env: vec![("SOFT_CLOSE_WINDOW_SECS".into(), "30".into())],
        }
    }

    fn ports(topology: Topology) -> BTreeMap<&'static str, u16> {
        topology
            .roles()
            .iter()
            .enumerate()
            .map(|(i, (_, var))| (*var, 9000 + i as u16))
            .collect()
    }

    #[test]
    fn database_host_is_read_from_the_url() {
        assert_eq!(
            database_host("postgres://postgres@127.0.0.1:5432/postgres"),
            "127.0.0.1:5432"
        );
        assert_eq!(
            database_host("postgres://u:p@db.example:5432/x?sslmode=disable"),
            "db.example:5432"
        );
        assert_eq!(database_host("postgres://localhost/x"), "localhost");
        assert_eq!(
            release_binary(Some("/x/platform".into())),
            PathBuf::from("/x/platform")
        );
    }

    #[test]
    fn split_processes_know_where_the_others_listen() {
        let env = shared_env(
            &config(Topology::Split),
            "postgres://db",
            "benchx",
            &ports(Topology::Split),
        );
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(
            get("BUS_URL"),
            Some("kafka://127.0.0.1:19092?namespace=benchx")
        );
        assert_eq!(get("AUCTION_PORT"), Some("9000"));
        assert_eq!(get("BIDDING_SERVICE_URL"), Some("http://127.0.0.1:9001"));
        assert_eq!(get("SEARCH_SERVICE_URL"), get("NOTIFICATION_SERVICE_URL"));
        assert_eq!(get("GATEWAY_PORT"), Some("9003"));
        assert!(get("JWT_SECRET").unwrap().len() >= 32);
        // A run's own setting replaces the shared one instead of adding a second value.
        assert_eq!(get("SOFT_CLOSE_WINDOW_SECS"), Some("30"));
        assert_eq!(
            env.iter()
                .filter(|(k, _)| k == "SOFT_CLOSE_WINDOW_SECS")
                .count(),
            1
        );
    }

    #[test]
    fn one_process_needs_no_service_urls() {
        let env = shared_env(
            &config(Topology::Single),
            "postgres://db",
            "benchx",
            &ports(Topology::Single),
        );
        assert!(env.iter().all(|(k, _)| !k.ends_with("_SERVICE_URL")));
        assert!(env.iter().any(|(k, v)| k == "GATEWAY_PORT" && v == "9000"));
        assert_eq!(Topology::roles(Topology::Single)[0].0, "all");
        let mut memory = config(Topology::Single);
        memory.bus = BusChoice::Memory;
        let env = shared_env(&memory, "postgres://db", "benchx", &ports(Topology::Single));
        assert!(env.iter().any(|(k, v)| k == "BUS_URL" && v == "memory://"));
    }

    #[tokio::test]
    async fn split_roles_need_a_broker() {
        let mut split = config(Topology::Split);
        split.bus = BusChoice::Memory;
        split.binary = std::env::current_exe().unwrap();
        let err = Cluster::start(&split).await.err().unwrap();
        assert!(err.to_string().contains("in-process bus"), "{err}");
    }

    #[tokio::test]
    async fn a_missing_binary_is_a_clear_error() {
        let err = Cluster::start(&config(Topology::Single))
            .await
            .err()
            .unwrap();
        assert!(err.to_string().contains("no platform binary"), "{err}");
    }
}
