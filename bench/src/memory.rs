//! Resident memory of the platform's processes, read from `/proc/<pid>/status` (`VmRSS`):
//! what the processes hold in RAM, heap and stacks included, kernel socket buffers not.

use procfs::process::{Process, Status};

/// Resident bytes of one process; `None` when it is gone.
pub fn rss_of(pid: u32) -> Option<u64> {
    let status = Process::new(i32::try_from(pid).ok()?).ok()?.status().ok()?;
    resident_bytes(&status)
}

/// `VmRSS` of a process's status, in bytes (the kernel gives kibibytes).
fn resident_bytes(status: &Status) -> Option<u64> {
    status.vmrss.map(|kib| kib * 1024)
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
        use procfs::FromRead;
        // This process's own status, with its `VmRSS` line changed, then left out.
        let own = std::fs::read_to_string("/proc/self/status").unwrap();
        let with_rss: String = own
            .lines()
            .map(|line| match line.starts_with("VmRSS:") {
                true => "VmRSS:\t   51200 kB\n".to_owned(),
                false => format!("{line}\n"),
            })
            .collect();
        let without: String = own
            .lines()
            .filter(|line| !line.starts_with("VmRSS:"))
            .map(|line| format!("{line}\n"))
            .collect();
        let status = |text: &str| Status::from_read(text.as_bytes()).unwrap();
        assert_eq!(resident_bytes(&status(&with_rss)), Some(51_200 * 1024));
        assert_eq!(
            resident_bytes(&status(&without)),
            None,
            "a kernel thread has none"
        );
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
