//! The clock port: services ask it for "now" instead of reading the system
//! time, so a test can hold time still or move it forward.

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// Wall-clock time; what the server and the CLI run with.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that moves only when told to. Shared through an `Arc`, so a test
/// keeps a handle and advances the clock the services hold.
#[cfg(any(test, feature = "test-support"))]
#[derive(Debug)]
pub struct FixedClock {
    now: std::sync::Mutex<DateTime<Utc>>,
}

#[cfg(any(test, feature = "test-support"))]
impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self {
            now: std::sync::Mutex::new(at),
        }
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.lock() = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut now = self.lock();
        *now += by;
    }

    // A panic while holding the lock cannot leave a half-written instant,
    // so a poisoned lock is still a good clock.
    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        self.now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(any(test, feature = "test-support"))]
impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}
