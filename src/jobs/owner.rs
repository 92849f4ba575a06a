//! Who holds a job or a lock: `host/pid/random`, so a holder on this machine that no longer runs
//! can be recognised at once instead of waiting for its lease to expire.

use rand::RngCore;

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// A new owner id for this process (one per worker pool or lock holder).
pub fn new_owner() -> String {
    format!(
        "{}/{}/{:08x}",
        hostname(),
        std::process::id(),
        rand::rng().next_u32()
    )
}

/// Whether `owner` names a process on this machine that has exited. Unknown formats, other
/// machines and platforms without /proc answer "not known dead" (the lease still expires).
pub fn is_dead(owner: &str) -> bool {
    let mut parts = owner.splitn(3, '/');
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    if host != hostname() || !cfg!(target_os = "linux") {
        return false;
    }
    !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::{is_dead, new_owner};

    #[test]
    fn this_process_is_alive_and_a_gone_pid_is_dead() {
        assert!(!is_dead(&new_owner()));
        let host = new_owner().split('/').next().unwrap().to_owned();
        if cfg!(target_os = "linux") {
            assert!(is_dead(&format!("{host}/4000000000/0")));
        }
        assert!(!is_dead("other-host/1/0"));
        assert!(!is_dead("garbage"));
    }
}
