//! The machine-wide CPU budget. Heavy jobs (decoding, analysis, transcription, encoding) each take
//! slots before they start, so however many jobs, windows and CLI processes are at work, together
//! they never ask for more cores than the machine has: oversubscribed media work is slower in total
//! (SPEC §4.3: ggml threads spin under contention; 2 threads on 2 busy cores ran 10× slower).
//!
//! A slot is an exclusive lock on one of N files in a directory shared by every Edit Factory
//! process of this user. The operating system releases the lock when its process dies, so a crash
//! never leaks a slot.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::JobError;

/// Environment variable: how many slots (default: the number of cores).
pub const SLOTS_ENV: &str = "EDIT_FACTORY_CPU_SLOTS";

#[derive(Debug, Clone)]
pub struct CpuBudget {
    dir: PathBuf,
    slots: usize,
}

/// Slots held by one job; released when dropped.
#[derive(Debug)]
pub struct CpuSlots {
    held: Vec<File>,
}

impl CpuSlots {
    /// How many threads the holder may keep busy.
    pub fn threads(&self) -> usize {
        self.held.len().max(1)
    }

    /// No slots: for light jobs (file checks) that take none.
    pub fn none() -> Self {
        Self { held: Vec::new() }
    }
}

impl CpuBudget {
    /// A budget of `slots` in `dir` (created if needed).
    pub fn new(dir: &Path, slots: usize) -> Result<Self, JobError> {
        std::fs::create_dir_all(dir).map_err(|source| JobError::Budget {
            dir: dir.display().to_string(),
            source,
        })?;
        Ok(Self {
            dir: dir.to_path_buf(),
            slots: slots.max(1),
        })
    }

    /// The user's machine-wide budget: as many slots as cores (or `EDIT_FACTORY_CPU_SLOTS`).
    pub fn for_this_machine(dir: &Path) -> Result<Self, JobError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let slots = std::env::var(SLOTS_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0)
            .unwrap_or(cores);
        Self::new(dir, slots)
    }

    pub fn slots(&self) -> usize {
        self.slots
    }

    /// Take `wanted` slots (capped at the budget) if that many are free now.
    pub fn try_acquire(&self, wanted: usize) -> Result<Option<CpuSlots>, JobError> {
        if wanted == 0 {
            return Ok(Some(CpuSlots::none()));
        }
        let wanted = wanted.min(self.slots);
        let mut held = Vec::with_capacity(wanted);
        for index in 0..self.slots {
            if held.len() == wanted {
                break;
            }
            let path = self.dir.join(format!("slot-{index}.lock"));
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|source| JobError::Budget {
                    dir: self.dir.display().to_string(),
                    source,
                })?;
            match file.try_lock() {
                Ok(()) => held.push(file),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(source)) => {
                    return Err(JobError::Budget {
                        dir: self.dir.display().to_string(),
                        source,
                    })
                }
            }
        }
        // Partial holdings are dropped (unlocked) at once: a job starts with all it needs or waits.
        Ok((held.len() == wanted).then_some(CpuSlots { held }))
    }

    /// As many slots as are free, up to `wanted`, waiting until at least one is: for work that
    /// runs on any number of threads (transcription). `None` when cancelled while waiting.
    pub fn acquire_up_to(
        &self,
        wanted: usize,
        cancel: &super::CancelToken,
    ) -> Result<Option<CpuSlots>, JobError> {
        loop {
            for n in (1..=wanted.clamp(1, self.slots)).rev() {
                if let Some(slots) = self.try_acquire(n)? {
                    return Ok(Some(slots));
                }
            }
            if cancel.wait(std::time::Duration::from_millis(100)) {
                return Ok(None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CpuBudget, CpuSlots};

    /// Slots freed by a drop can stay held for a moment: a process another test forks at that
    /// instant holds a copy of the lock's file until it execs (close-on-exec), and a `flock`
    /// lasts while any copy is open. Jobs simply wait for the next try; the test waits too.
    fn acquire_soon(budget: &CpuBudget, wanted: usize) -> Option<CpuSlots> {
        for _ in 0..100 {
            if let Some(slots) = budget.try_acquire(wanted).unwrap() {
                return Some(slots);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }

    #[test]
    fn slots_are_exclusive_and_come_back_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let budget = CpuBudget::new(dir.path(), 2).unwrap();
        let first = budget.try_acquire(1).unwrap().unwrap();
        let second = budget.try_acquire(1).unwrap().unwrap();
        assert!(
            budget.try_acquire(1).unwrap().is_none(),
            "both slots are taken"
        );
        drop(first);
        assert!(budget.try_acquire(2).unwrap().is_none(), "only one is free");
        let again = acquire_soon(&budget, 1).unwrap();
        assert_eq!(again.threads(), 1);
        drop((second, again));
        assert_eq!(
            acquire_soon(&budget, 5).unwrap().threads(),
            2,
            "capped at the budget"
        );
        assert!(budget.try_acquire(0).unwrap().is_some());
    }
}
