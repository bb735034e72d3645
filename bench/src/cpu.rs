//! Where the CPU went during a window: the platform's processes, the broker, Postgres,
//! this load generator, and the rest of the machine (other work on the same cores).
//! Read from `/proc`, so it costs nothing while the load runs.

use std::collections::BTreeMap;
use std::time::Instant;

/// The groups CPU time is split into, in the order they are reported.
pub const GROUPS: [&str; 5] = [
    "platform",
    "broker (tansu)",
    "postgres",
    "load generator",
    "rest of the machine",
];

/// CPU ticks per group and in total at one moment.
#[derive(Clone, Debug)]
pub struct Sample {
    at: Instant,
    ticks: BTreeMap<&'static str, u64>,
    machine_busy: u64,
}

/// CPU used per group between two samples, in cores (1.0 = one core busy all along).
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    pub cores: Vec<(&'static str, f64)>,
    pub machine_busy_cores: f64,
}

/// Which group a process belongs to, from its pid and command name.
fn group_of(pid: u32, comm: &str, platform: &[u32], me: u32) -> Option<&'static str> {
    if platform.contains(&pid) {
        Some(GROUPS[0])
    } else if comm.starts_with("tansu") {
        Some(GROUPS[1])
    } else if comm.starts_with("postgres") {
        Some(GROUPS[2])
    } else if pid == me {
        Some(GROUPS[3])
    } else {
        None
    }
}

/// `(comm, utime + stime)` of one `/proc/<pid>/stat` line.
pub fn parse_stat(stat: &str) -> Option<(String, u64)> {
    let (comm, times) = parse_times(stat)?;
    Some((comm, times.user + times.system))
}

/// CPU time of one process (all its threads), in clock ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Times {
    pub user: u64,
    pub system: u64,
}

/// `(comm, times)` of one `/proc/<pid>/stat` line. The command name sits in parentheses
/// and may hold spaces, so fields are counted from the last `)`.
pub fn parse_times(stat: &str) -> Option<(String, Times)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_owned();
    let fields: Vec<&str> = stat.get(close + 1..)?.split_whitespace().collect();
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((comm, Times { user, system }))
}

/// The CPU time `pid` has used so far; `None` once it is gone.
pub fn times_of(pid: u32) -> Option<Times> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_times(&stat).map(|(_, times)| times)
}

impl Times {
    /// Seconds of CPU between `earlier` and now: `(user, system)`.
    pub fn seconds_since(&self, earlier: &Times) -> (f64, f64) {
        let per_second = ticks_per_second() as f64;
        (
            self.user.saturating_sub(earlier.user) as f64 / per_second,
            self.system.saturating_sub(earlier.system) as f64 / per_second,
        )
    }
}

/// Write calls (`write`, `writev`, ...; not `send`) the processes `pids` have made so far,
/// from `/proc/<pid>/io`; `None` when one of them cannot be read.
pub fn write_calls(pids: &[u32]) -> Option<u64> {
    pids.iter()
        .map(|pid| {
            let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
            parse_write_calls(&io)
        })
        .sum()
}

/// The `syscw` count of a `/proc/<pid>/io` text.
pub fn parse_write_calls(io: &str) -> Option<u64> {
    io.lines()
        .find_map(|line| line.strip_prefix("syscw:"))
        .and_then(|n| n.trim().parse().ok())
}

/// Busy ticks of the whole machine from the `cpu` line of `/proc/stat` (all but idle
/// and iowait).
pub fn parse_machine_busy(proc_stat: &str) -> Option<u64> {
    let line = proc_stat.lines().find(|l| l.starts_with("cpu "))?;
    let values: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    Some(total.saturating_sub(idle))
}

impl Sample {
    /// Ticks of every process now; `platform` are the pids of the platform's processes.
    pub fn take(platform: &[u32]) -> Self {
        let me = std::process::id();
        let mut ticks: BTreeMap<&'static str, u64> = GROUPS.iter().map(|g| (*g, 0)).collect();
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for entry in entries.flatten() {
                let Some(pid) = entry
                    .file_name()
                    .to_str()
                    .and_then(|n| n.parse::<u32>().ok())
                else {
                    continue;
                };
                let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                    continue;
                };
                let Some((comm, used)) = parse_stat(&stat) else {
                    continue;
                };
                if let Some(group) = group_of(pid, &comm, platform, me) {
                    *ticks.entry(group).or_default() += used;
                }
            }
        }
        let machine_busy = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| parse_machine_busy(&s))
            .unwrap_or(0);
        Self {
            at: Instant::now(),
            ticks,
            machine_busy,
        }
    }

    /// CPU used since `earlier`. Processes that ended in between are not counted.
    pub fn since(&self, earlier: &Sample) -> Usage {
        let seconds = self.at.duration_since(earlier.at).as_secs_f64().max(1e-9);
        let per_second = ticks_per_second() as f64;
        let cores_of = |ticks: u64| ticks as f64 / per_second / seconds;
        let machine_busy_cores = cores_of(self.machine_busy.saturating_sub(earlier.machine_busy));
        let mut cores: Vec<(&'static str, f64)> = GROUPS[..4]
            .iter()
            .map(|g| {
                let used = self.ticks[g].saturating_sub(earlier.ticks[g]);
                (*g, cores_of(used))
            })
            .collect();
        let known: f64 = cores.iter().map(|(_, c)| c).sum();
        cores.push((GROUPS[4], (machine_busy_cores - known).max(0.0)));
        Usage {
            cores,
            machine_busy_cores,
        }
    }
}

/// Clock ticks per second of `/proc` times (`getconf CLK_TCK`, 100 on Linux).
fn ticks_per_second() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .filter(|t| *t > 0)
        .unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_spaces_in_the_name_parse() {
        let line = "1234 (tokio runtime) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 8 0 100 0 0";
        assert_eq!(parse_stat(line), Some(("tokio runtime".to_owned(), 300)));
        assert_eq!(parse_stat("garbage"), None);
        let (_, times) = parse_times(line).unwrap();
        assert_eq!(
            times,
            Times {
                user: 250,
                system: 50
            }
        );
    }

    #[test]
    fn write_calls_are_read_from_the_io_counters() {
        let io = "rchar: 100\nwchar: 200\nsyscr: 3\nsyscw: 4567\nread_bytes: 0\n";
        assert_eq!(parse_write_calls(io), Some(4567));
        assert_eq!(parse_write_calls("rchar: 1\n"), None);
        let me = std::process::id();
        let before = write_calls(&[me]).expect("this process's counters");
        use std::io::Write;
        let mut sink =
            std::fs::File::create(std::env::temp_dir().join(format!("syscw-{me}"))).unwrap();
        sink.write_all(b"x").unwrap();
        assert!(write_calls(&[me]).unwrap() > before);
        assert_eq!(
            write_calls(&[me, u32::MAX]),
            None,
            "a process that is not there"
        );
    }

    #[test]
    fn machine_busy_leaves_out_idle_and_iowait() {
        let stat = "cpu  100 5 50 1000 20 3 2 10 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\n";
        assert_eq!(parse_machine_busy(stat), Some(100 + 5 + 50 + 3 + 2 + 10));
    }

    #[test]
    fn processes_fall_into_their_groups() {
        assert_eq!(group_of(7, "platform", &[7], 1), Some("platform"));
        assert_eq!(group_of(8, "tansu", &[7], 1), Some("broker (tansu)"));
        assert_eq!(group_of(9, "postgres", &[7], 1), Some("postgres"));
        assert_eq!(group_of(1, "bid-path", &[7], 1), Some("load generator"));
        assert_eq!(group_of(10, "rustc", &[7], 1), None);
    }
}
