//! Failed sign-ins (and API-token attempts), counted in the database so
//! every replica sees the same numbers.
//!
//! Keys are stored as SHA-256 digests, so the table never holds the email
//! addresses and client addresses people tried. An attempt is recorded
//! before it is counted ([`attempt`]): concurrent attempts cannot all pass
//! the check before any of them is written down.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::server::store::{Store, StoreResult};

pub const WINDOW: Duration = Duration::minutes(15);
/// Failures per email address from one client in the window; past it that
/// client is refused for that address. Others are not: the owner of the
/// account signs in from their own address while someone guesses elsewhere.
pub const PER_EMAIL_CLIENT: i64 = 5;
/// Failures per client address in the window (several users may share one).
pub const PER_IP: i64 = 20;
/// Failures per email address from all clients before each further attempt
/// is slowed down (not refused: that would lock the owner out).
pub const EMAIL_SLOWDOWN_AFTER: i64 = 10;
/// The most a slowed-down attempt waits.
pub const EMAIL_SLOWDOWN_MAX: std::time::Duration = std::time::Duration::from_secs(2);

fn digest(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn normal_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn email_key(email: &str) -> String {
    digest(&format!("email:{}", normal_email(email)))
}

pub fn ip_key(ip: &str) -> String {
    digest(&format!("ip:{ip}"))
}

pub fn email_client_key(email: &str, ip: &str) -> String {
    digest(&format!("email+ip:{}\n{ip}", normal_email(email)))
}

pub fn token_ip_key(ip: &str) -> String {
    digest(&format!("token-ip:{ip}"))
}

/// Attempts recorded by [`attempt`]: forgotten again if the attempt succeeds.
#[derive(Debug, Default)]
pub struct Recorded(Vec<i64>);

impl Recorded {
    pub async fn forget(self, store: &dyn Store) -> StoreResult<()> {
        for id in self.0 {
            store.forget_auth_failure(id).await?;
        }
        Ok(())
    }
}

/// Records one attempt under every key, then counts: `Err(seconds to wait)`
/// when any key is past its limit, else what to forget on success.
pub async fn attempt(
    store: &dyn Store,
    keys: &[(String, i64)],
    now: DateTime<Utc>,
) -> StoreResult<Result<Recorded, u64>> {
    let mut recorded = Recorded::default();
    for (key, _) in keys {
        recorded.0.push(store.record_auth_failure(key, now).await?);
    }
    let since = now - WINDOW;
    for (key, limit) in keys {
        // This attempt is one of those counted.
        if store.count_auth_failures(key, since).await? > *limit {
            return Ok(Err(u64::try_from(WINDOW.num_seconds()).unwrap_or(900)));
        }
    }
    Ok(Ok(recorded))
}

/// How long to hold an attempt on an address that many clients have failed
/// on: 200 ms per failure past [`EMAIL_SLOWDOWN_AFTER`], up to
/// [`EMAIL_SLOWDOWN_MAX`].
pub async fn slowdown(
    store: &dyn Store,
    email: &str,
    now: DateTime<Utc>,
) -> StoreResult<std::time::Duration> {
    let failures = store
        .count_auth_failures(&email_key(email), now - WINDOW)
        .await?;
    let past = u32::try_from((failures - EMAIL_SLOWDOWN_AFTER).max(0)).unwrap_or(u32::MAX);
    Ok((std::time::Duration::from_millis(200) * past).min(EMAIL_SLOWDOWN_MAX))
}

/// Records one failure under `key` without counting (the email-wide tally).
pub async fn record(store: &dyn Store, key: &str, now: DateTime<Utc>) -> StoreResult<()> {
    store.record_auth_failure(key, now).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_digests_that_do_not_collide_across_kinds() {
        let keys = [
            email_key("Bob@Acme.test "),
            ip_key("203.0.113.7"),
            email_client_key("bob@acme.test", "203.0.113.7"),
            token_ip_key("203.0.113.7"),
        ];
        for key in &keys {
            assert_eq!(key.len(), 64);
            assert!(!key.contains("acme") && !key.contains("203.0"), "{key}");
        }
        assert_eq!(
            keys[0],
            email_key("bob@acme.test"),
            "case and spaces do not matter"
        );
        let unique: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
    }
}
