//! Where the CPU went during a window: the platform's processes, the broker, Postgres,
//! this load generator, and the rest of the machine (other work on the same cores).
//! Read from `/proc` (with `procfs`), so it costs nothing while the load runs.

use procfs::process::{Process, Stat};
use procfs::{CpuTime, CurrentSI, KernelStats};
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

/// CPU time of one process (all its threads), in clock ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Times {
    pub user: u64,
    pub system: u64,
}

impl From<&Stat> for Times {
    fn from(stat: &Stat) -> Self {
        Self {
            user: stat.utime,
            system: stat.stime,
        }
    }
}

impl Times {
    fn ticks(&self) -> u64 {
        self.user + self.system
    }

    /// Seconds of CPU between `earlier` and now: `(user, system)`.
    pub fn seconds_since(&self, earlier: &Times) -> (f64, f64) {
        let per_second = procfs::ticks_per_second() as f64;
        (
            self.user.saturating_sub(earlier.user) as f64 / per_second,
            self.system.saturating_sub(earlier.system) as f64 / per_second,
        )
    }
}

/// The process `pid`, while it is there.
fn process(pid: u32) -> Option<Process> {
    Process::new(i32::try_from(pid).ok()?).ok()
}

/// The CPU time `pid` has used so far; `None` once it is gone.
pub fn times_of(pid: u32) -> Option<Times> {
    let stat = process(pid)?.stat().ok()?;
    Some(Times::from(&stat))
}

/// Write calls (`write`, `writev`, ...; not `send`) the processes `pids` have made so far,
/// from `/proc/<pid>/io` (`syscw`); `None` when one of them cannot be read.
pub fn write_calls(pids: &[u32]) -> Option<u64> {
    pids.iter()
        .map(|pid| Some(process(*pid)?.io().ok()?.syscw))
        .sum()
}

/// Busy ticks of the whole machine from the `cpu` line of `/proc/stat`: all but idle and
/// iowait (guest time is already counted in user time).
fn busy_ticks(cpu: &CpuTime) -> u64 {
    cpu.user
        + cpu.nice
        + cpu.system
        + cpu.irq.unwrap_or(0)
        + cpu.softirq.unwrap_or(0)
        + cpu.steal.unwrap_or(0)
}

impl Sample {
    /// Ticks of every process now; `platform` are the pids of the platform's processes.
    pub fn take(platform: &[u32]) -> Self {
        let me = std::process::id();
        let mut ticks: BTreeMap<&'static str, u64> = GROUPS.iter().map(|g| (*g, 0)).collect();
        // A process that ends while the list is read is left out.
        let stats = procfs::process::all_processes()
            .into_iter()
            .flatten()
            .filter_map(|process| process.ok()?.stat().ok());
        for stat in stats {
            let Ok(pid) = u32::try_from(stat.pid) else {
                continue;
            };
            if let Some(group) = group_of(pid, &stat.comm, platform, me) {
                *ticks.entry(group).or_default() += Times::from(&stat).ticks();
            }
        }
        let machine_busy = KernelStats::current()
            .map(|stats| busy_ticks(&stats.total))
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
        let per_second = procfs::ticks_per_second() as f64;
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

#[cfg(test)]
mod tests {
    use super::*;
    use procfs::{ExplicitSystemInfo, FromBufReadSI, FromRead};

    #[test]
    fn a_process_is_charged_its_user_and_system_time() {
        let line = "1234 (tokio runtime) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 8 0 100 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        let stat = Stat::from_read(line.as_bytes()).unwrap();
        assert_eq!(stat.comm, "tokio runtime");
        let times = Times::from(&stat);
        assert_eq!(
            times,
            Times {
                user: 250,
                system: 50
            }
        );
        assert_eq!(times.ticks(), 300);
    }

    #[test]
    fn this_process_has_used_cpu_and_the_gone_none() {
        let me = std::process::id();
        let spin = Instant::now();
        while times_of(me).unwrap().ticks() == 0 && spin.elapsed().as_secs() < 5 {
            std::hint::black_box((0..10_000u64).sum::<u64>());
        }
        assert!(times_of(me).unwrap().ticks() > 0);
        assert_eq!(times_of(u32::MAX), None);
    }

    #[test]
    fn write_calls_are_read_from_the_io_counters() {
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
        let stat = "cpu  100 5 50 1000 20 3 2 10 7 0\ncpu0 1 1 1 1 1 1 1 1 0 0\nctxt 1\nbtime 1\nprocesses 1\n";
        let system = ExplicitSystemInfo {
            boot_time_secs: 1,
            ticks_per_second: 100,
            page_size: 4096,
            is_little_endian: true,
        };
        let stats = KernelStats::from_buf_read(stat.as_bytes(), &system).unwrap();
        assert_eq!(busy_ticks(&stats.total), 100 + 5 + 50 + 3 + 2 + 10);
        let now = KernelStats::current().unwrap();
        assert!(busy_ticks(&now.total) > 0);
    }

    #[test]
    fn processes_fall_into_their_groups() {
        assert_eq!(group_of(7, "platform", &[7], 1), Some("platform"));
        assert_eq!(group_of(8, "tansu", &[7], 1), Some("broker (tansu)"));
        assert_eq!(group_of(9, "postgres", &[7], 1), Some("postgres"));
        assert_eq!(group_of(1, "bid-path", &[7], 1), Some("load generator"));
        assert_eq!(group_of(10, "rustc", &[7], 1), None);
    }

    #[test]
    fn a_sample_charges_this_process_to_the_load_generator() {
        let before = Sample::take(&[]);
        let spin = Instant::now();
        while spin.elapsed().as_millis() < 300 {
            std::hint::black_box((0..10_000u64).sum::<u64>());
        }
        let usage = Sample::take(&[]).since(&before);
        let generator = usage.cores.iter().find(|(g, _)| *g == GROUPS[3]).unwrap().1;
        assert!(generator > 0.0, "{usage:?}");
        assert!(usage.machine_busy_cores >= generator * 0.5, "{usage:?}");
    }
}
