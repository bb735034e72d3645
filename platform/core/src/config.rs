//! Settings every service reads. Each service adds its own `clap::Args` struct with
//! uniquely named fields, so the all-in-one binary can flatten them side by side.

use clap::Args;

#[derive(Args, Clone, Debug)]
#[group(id = "common")]
pub struct Common {
    /// PostgreSQL URL. Every service keeps its tables in a schema of its own.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/auction"
    )]
    pub database_url: String,

    /// Bus adapter: `embedded://` (one process; the log journaled in DATABASE_URL's schema
    /// `bus`, so it survives a restart), `memory://` (one process, kept in memory only: for
    /// tests) or `kafka://host:9092[,host:9092]`.
    #[arg(long, env = "BUS_URL", default_value = "embedded://")]
    pub bus_url: String,

    /// Partitions of the command topic (the unit of scale of bidding engines).
    #[arg(long, env = "COMMAND_PARTITIONS", default_value_t = 8)]
    pub command_partitions: i32,

    /// Partitions of the event topic.
    #[arg(long, env = "EVENT_PARTITIONS", default_value_t = 8)]
    pub event_partitions: i32,

    /// Largest pool each service opens to Postgres.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    pub database_max_connections: u32,
}

impl Common {
    /// Defaults for tests: the given database and bus.
    pub fn for_tests(database_url: &str, bus_url: &str) -> Self {
        Self {
            database_url: database_url.to_owned(),
            bus_url: bus_url.to_owned(),
            command_partitions: 4,
            event_partitions: 4,
            database_max_connections: 8,
        }
    }
}
