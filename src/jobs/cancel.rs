//! Cancellation: a flag every long step checks, and that waits can sleep on, so a cancel wakes a
//! waiting job at once instead of at its next poll.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Why a job was told to stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelReason {
    /// A person asked (the window, the CLI).
    Requested,
    /// The job no longer holds its lease (recovered by another process) or its project lock.
    Lost(String),
}

#[derive(Debug, Default)]
struct Inner {
    reason: Mutex<Option<CancelReason>>,
    woken: Condvar,
}

#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<Inner>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// A person asked to stop.
    pub fn cancel(&self) {
        self.stop(CancelReason::Requested);
    }

    /// Stop for `reason`; the first reason given is kept.
    pub fn stop(&self, reason: CancelReason) {
        let mut current = self.0.reason.lock().unwrap_or_else(|p| p.into_inner());
        if current.is_none() {
            *current = Some(reason);
        }
        self.0.woken.notify_all();
    }

    pub fn is_cancelled(&self) -> bool {
        self.reason().is_some()
    }

    pub fn reason(&self) -> Option<CancelReason> {
        self.0
            .reason
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Sleep up to `timeout`, waking at once on cancel; returns whether cancelled.
    pub fn wait(&self, timeout: Duration) -> bool {
        let guard = self.0.reason.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = self
            .0
            .woken
            .wait_timeout_while(guard, timeout, |r| r.is_none())
            .unwrap_or_else(|p| p.into_inner());
        guard.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::{CancelReason, CancelToken};
    use std::time::{Duration, Instant};

    #[test]
    fn a_cancel_wakes_a_waiter_at_once() {
        let token = CancelToken::new();
        let other = token.clone();
        let started = Instant::now();
        let waiter = std::thread::spawn(move || other.wait(Duration::from_secs(30)));
        std::thread::sleep(Duration::from_millis(50));
        token.stop(CancelReason::Lost("lock".into()));
        token.cancel();
        assert!(waiter.join().unwrap());
        assert!(started.elapsed() < Duration::from_secs(30));
        assert_eq!(token.reason(), Some(CancelReason::Lost("lock".into())));
    }
}
