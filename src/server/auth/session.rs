//! Browser sessions: a random cookie value; the database keeps only its SHA-256.

use axum::http::{HeaderMap, header};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The session cookie over plain HTTP (local development).
pub const COOKIE_NAME: &str = "sb_session";
/// Over HTTPS the cookie takes the `__Host-` prefix: a browser then keeps it
/// only if it is `Secure`, for this exact host and `Path=/`, so a sibling
/// subdomain can neither set nor shadow it.
pub const SECURE_COOKIE_NAME: &str = "__Host-sb_session";
pub const SESSION_TTL: Duration = Duration::days(7);
/// A session not used for this long ends, whatever its lifetime left.
pub const SESSION_IDLE: Duration = Duration::hours(8);
/// How often a session in use records it (one write a minute at most).
pub const SESSION_TOUCH_EVERY: Duration = Duration::minutes(1);

pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_COOKIE_NAME
    } else {
        COOKIE_NAME
    }
}

/// What a request's cookies say about its session.
#[derive(Debug, PartialEq, Eq)]
pub enum SessionCookie {
    Absent,
    One(String),
    /// Two cookies of that name: one was planted (a sibling host, a path
    /// cookie), and we cannot tell which, so neither is used.
    Several,
}

/// Reads every `Cookie` header itself: a cookie jar keeps one value per
/// name and would hide the second session cookie.
pub fn session_cookie(headers: &HeaderMap, secure: bool) -> SessionCookie {
    let name = cookie_name(secure);
    let mut values = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(n, _)| *n == name)
        .map(|(_, value)| value.trim().to_owned());
    match (values.next(), values.next()) {
        (None, _) => SessionCookie::Absent,
        (Some(value), None) => SessionCookie::One(value),
        (Some(_), Some(_)) => SessionCookie::Several,
    }
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn expires_at(now: DateTime<Utc>) -> DateTime<Utc> {
    now + SESSION_TTL
}

/// The `Set-Cookie` value that starts a session.
pub fn set_cookie(token: &str, secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_TTL.num_seconds()
    )
}

/// The `Set-Cookie` value that ends one.
pub fn clear_cookie(secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::COOKIE, v.parse().expect("header"));
        }
        headers
    }

    #[test]
    fn one_session_cookie_is_read_and_two_are_refused() {
        assert_eq!(
            session_cookie(&cookies(&["a=1; sb_session=xyz"]), false),
            SessionCookie::One("xyz".into())
        );
        assert_eq!(
            session_cookie(&cookies(&["sb_session=one; sb_session=two"]), false),
            SessionCookie::Several
        );
        assert_eq!(
            session_cookie(&cookies(&["sb_session=one", "sb_session=two"]), false),
            SessionCookie::Several,
            "also across two Cookie headers"
        );
        assert_eq!(
            session_cookie(&HeaderMap::new(), false),
            SessionCookie::Absent
        );
        // Over HTTPS only the prefixed name counts.
        assert_eq!(
            session_cookie(&cookies(&["sb_session=plain"]), true),
            SessionCookie::Absent
        );
        assert_eq!(
            session_cookie(&cookies(&["__Host-sb_session=xyz; sb_session=plain"]), true),
            SessionCookie::One("xyz".into())
        );
        assert!(set_cookie("t", true).starts_with("__Host-sb_session=t; Path=/;"));
        assert!(set_cookie("t", true).ends_with("; Secure"));
        assert!(set_cookie("t", false).starts_with("sb_session=t;"));
    }
}
