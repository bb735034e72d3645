//! The machine the figures were measured on: CPU model, cores, memory.

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
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0);
        Self::parse(&cpuinfo, &meminfo, cores)
    }

    pub fn parse(cpuinfo: &str, meminfo: &str, cores: usize) -> Self {
        let cpu_model = field(cpuinfo, "model name")
            .unwrap_or("unknown CPU")
            .to_owned();
        let memory_bytes = field(meminfo, "MemTotal")
            .and_then(|v| v.trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
            .unwrap_or(0);
        Self {
            cpu_model,
            cores,
            memory_bytes,
        }
    }
}

/// Raises this process's limit of open files (every socket is one) to the most the system
/// allows it, and returns the limit now in force. Processes started afterwards inherit it.
pub fn raise_open_files_limit() -> anyhow::Result<u64> {
    let soft = rlimit::increase_nofile_limit(u64::MAX)?;
    Ok(soft)
}

/// The value of the first `name : value` line.
fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then(|| value.trim())
    })
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
        let cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n";
        let meminfo = "MemTotal:       24576000 kB\nMemFree:        1000 kB\n";
        let m = Machine::parse(cpuinfo, meminfo, 2);
        assert_eq!(m.cpu_model, "AMD EPYC 7B13");
        assert_eq!(m.memory_bytes, 24_576_000 * 1024);
        assert_eq!(m.to_string(), "AMD EPYC 7B13, 2 cores, 23.4 GiB memory");
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
        let m = Machine::parse("", "", 1);
        assert_eq!(m.cpu_model, "unknown CPU");
        assert_eq!(m.memory_bytes, 0);
    }
}
