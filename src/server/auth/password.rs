//! Argon2id password hashing (the `argon2` crate's defaults: OWASP's minimum).

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use std::sync::LazyLock;

pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Constant outcome for unknown and known users alike: a missing user is
/// verified against a dummy hash so timing does not reveal which emails exist.
pub fn verify(password: &str, stored_hash: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash("switchboard-dummy-password").unwrap_or_default());
    let candidate = stored_hash.unwrap_or(DUMMY.as_str());
    let Ok(parsed) = PasswordHash::new(candidate) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && stored_hash.is_some()
}

/// Password checks run at once at most one per core; more would only slow
/// every check down and let a flood of sign-ins starve the whole server.
/// One per app (in its `Ports`), so apps in one process do not share it.
pub fn check_slots() -> tokio::sync::Semaphore {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    tokio::sync::Semaphore::new(cores)
}

/// How long a sign-in waits for a free core before it is turned away.
const CHECK_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// No core came free in time: answer 503 and let the client retry.
#[derive(Debug)]
pub struct Busy;

/// [`verify`] on a blocking thread, holding one of `slots` (see
/// [`check_slots`]).
pub async fn verify_limited(
    slots: &tokio::sync::Semaphore,
    password: String,
    stored_hash: Option<String>,
) -> Result<bool, Busy> {
    let permit = tokio::time::timeout(CHECK_QUEUE_WAIT, slots.acquire())
        .await
        .map_err(|_| Busy)?
        .map_err(|_| Busy)?;
    let ok = tokio::task::spawn_blocking(move || verify(&password, stored_hash.as_deref()))
        .await
        .unwrap_or(false);
    drop(permit);
    Ok(ok)
}

/// A random password for the demo admin: 20 characters from an unambiguous alphabet.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_by_salt() {
        let a = hash("correct horse").expect("hash");
        let b = hash("correct horse").expect("hash");
        assert_ne!(a, b);
        assert!(verify("correct horse", Some(&a)));
        assert!(!verify("wrong horse", Some(&a)));
        assert!(!verify("correct horse", None));
    }
}
