//! Resident memory of the platform's processes, read from `/proc/<pid>/status` (`VmRSS`):
//! what the processes hold in RAM, heap and stacks included, kernel socket buffers not.

/// `VmRSS` of one `/proc/<pid>/status` text, in bytes.
pub fn parse_vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Resident bytes of one process; `None` when it is gone.
pub fn rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_vm_rss(&status)
}

/// Resident bytes of each `(name, pid)`, with their sum.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resident {
    pub processes: Vec<(String, u64)>,
    pub total: u64,
}

impl Resident {
    pub fn of(processes: &[(String, u32)]) -> Self {
        let processes: Vec<(String, u64)> = processes
            .iter()
            .map(|(name, pid)| (name.clone(), rss_of(*pid).unwrap_or(0)))
            .collect();
        let total = processes.iter().map(|(_, b)| b).sum();
        Self { processes, total }
    }
}

/// Mebibytes with one decimal.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_rss_in_bytes() {
        let status = "Name:\tplatform\nVmPeak:\t  900000 kB\nVmRSS:\t   51200 kB\nThreads:\t6\n";
        assert_eq!(parse_vm_rss(status), Some(51_200 * 1024));
        assert_eq!(parse_vm_rss("Name:\tx\n"), None);
        assert_eq!(mib(3 << 20), "3.0 MiB");
    }

    #[test]
    fn this_process_is_resident() {
        let me = Resident::of(&[("me".into(), std::process::id())]);
        assert!(me.total > 0);
        assert_eq!(me.processes[0].1, me.total);
        assert_eq!(rss_of(u32::MAX), None);
    }
}
