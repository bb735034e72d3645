//! The machine the figures were measured on: CPU model, cores, memory.

use procfs::{CpuInfo, Current, Meminfo};
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    pub cpu_model: String,
    /// Cores this process may run on.
    pub cores: usize,
    pub memory_bytes: u64,
}

impl Machine {
    /// Reads `/proc/cpuinfo` and `/proc/meminfo`; what cannot be read shows as unknown.
    pub fn current() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0);
        Self::of(
            CpuInfo::current().ok().as_ref(),
            Meminfo::current().ok().as_ref(),
            cores,
        )
    }

    pub fn of(cpuinfo: Option<&CpuInfo>, meminfo: Option<&Meminfo>, cores: usize) -> Self {
        Self {
            cpu_model: cpuinfo
                .and_then(|info| info.model_name(0))
                .unwrap_or("unknown CPU")
                .to_owned(),
            cores,
            memory_bytes: meminfo.map_or(0, |info| info.mem_total),
        }
    }
}

/// Raises this process's limit of open files (every socket is one) to the most the system
/// allows it, and returns the limit now in force. Processes started afterwards inherit it.
pub fn raise_open_files_limit() -> anyhow::Result<u64> {
    let soft = rlimit::increase_nofile_limit(u64::MAX)?;
    Ok(soft)
}

impl fmt::Display for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {} cores, {:.1} GiB memory",
            self.cpu_model,
            self.cores,
            self.memory_bytes as f64 / (1u64 << 30) as f64
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_model_and_memory_from_proc_text() {
        use procfs::FromRead;
        let cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n";
        let meminfo = "MemTotal:       24576000 kB\nMemFree:        1000 kB\nBuffers: 1 kB\nCached: 1 kB\nSwapCached: 0 kB\nActive: 1 kB\nInactive: 1 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\nDirty: 0 kB\nWriteback: 0 kB\nMapped: 1 kB\nSlab: 1 kB\nCommitLimit: 1 kB\nCommitted_AS: 1 kB\nVmallocTotal: 1 kB\nVmallocUsed: 0 kB\nVmallocChunk: 0 kB\n";
        let cpuinfo = CpuInfo::from_read(cpuinfo.as_bytes()).unwrap();
        let meminfo = Meminfo::from_read(meminfo.as_bytes()).unwrap();
        let m = Machine::of(Some(&cpuinfo), Some(&meminfo), 2);
        assert_eq!(m.cpu_model, "AMD EPYC 7B13");
        assert_eq!(m.memory_bytes, 24_576_000 * 1024);
        assert_eq!(m.to_string(), "AMD EPYC 7B13, 2 cores, 23.4 GiB memory");
    }

    #[test]
    fn this_machine_has_a_model_and_memory() {
        let m = Machine::current();
        assert_ne!(m.cpu_model, "unknown CPU");
        assert!(m.memory_bytes > 0 && m.cores > 0, "{m}");
    }

    #[test]
    fn the_open_files_limit_is_raised_to_the_hard_one() {
        let soft = raise_open_files_limit().unwrap();
        let (now, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
        assert_eq!(soft, now);
        assert!(now == hard || hard == rlimit::INFINITY, "{now} of {hard}");
    }

    #[test]
    fn missing_fields_show_as_unknown() {
        let m = Machine::of(None, None, 1);
        assert_eq!(m.cpu_model, "unknown CPU");
        assert_eq!(m.memory_bytes, 0);
    }
}
