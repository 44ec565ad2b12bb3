//! This process's resources: CPU time (getrusage) and peak resident memory.

use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub(super) struct Usage {
    pub user: Duration,
    pub sys: Duration,
    pub max_rss_kib: u64,
}

pub(super) fn usage() -> Usage {
    // SAFETY: getrusage fills the zeroed struct it is given and has no other effect.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ru
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Usage {
        user: tv(ru.ru_utime),
        sys: tv(ru.ru_stime),
        // Linux reports kilobytes.
        max_rss_kib: ru.ru_maxrss as u64,
    }
}

/// Resets the kernel's peak-RSS mark of this process (`VmHWM`), so the next reading is the
/// peak of what follows. False where unsupported.
pub(super) fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// `VmHWM` of `/proc/self/status`, in KiB.
pub(super) fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
