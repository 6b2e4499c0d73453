//! The one error of every MCP client call: how it went wrong, in the
//! server's own words, with credentials scrubbed out.

use secrecy::{ExposeSecret, SecretString};

use crate::domain::{ErrorClass, TestError};
use crate::server::oauth::Challenge;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct McpError {
    pub class: ErrorClass,
    pub message: String,
    /// The `Bearer` challenge of a 401 or a 403 (RFC 6750 §3): what an
    /// OAuth client acts on (authorize, or ask again for more scopes).
    pub challenge: Option<Challenge>,
}

impl McpError {
    pub fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Self {
            class,
            message: message.into(),
            challenge: None,
        }
    }

    /// The scopes a 403 `insufficient_scope` names: what a token must
    /// carry for the request that was refused (step-up authorization).
    pub fn needed_scopes(&self) -> Option<&str> {
        self.challenge
            .as_ref()
            .filter(|c| c.error.as_deref() == Some("insufficient_scope"))
            .and_then(|c| c.scope.as_deref())
    }

    /// Removes every sent header value, in every form a server might echo
    /// it in, from the message, and only then shortens it: a cut made first
    /// could split a key so that no form of it matches any more.
    pub(super) fn scrubbed(mut self, secrets: &[SecretString]) -> Self {
        for secret in secrets {
            self.message = scrub(&self.message, secret.expose_secret());
        }
        // A challenge is acted on and shown, so a part that echoes a sent
        // value is dropped rather than masked.
        if let Some(c) = self.challenge.as_mut() {
            for part in [&mut c.scope, &mut c.resource_metadata, &mut c.error] {
                let echoes = part
                    .as_deref()
                    .is_some_and(|v| secrets.iter().any(|s| scrub(v, s.expose_secret()) != v));
                if echoes {
                    *part = None;
                }
            }
        }
        self.message = shorten(self.message);
        self
    }
}

impl From<McpError> for TestError {
    fn from(e: McpError) -> Self {
        TestError {
            class: e.class,
            message: shorten(e.message),
        }
    }
}

/// Longest server-provided text we keep; error pages can be large.
pub(super) const MESSAGE_MAX: usize = 500;

fn shorten(mut message: String) -> String {
    if message.len() > MESSAGE_MAX {
        let cut = (0..=MESSAGE_MAX)
            .rev()
            .find(|i| message.is_char_boundary(*i))
            .unwrap_or(0);
        message.truncate(cut);
        message.push('…');
    }
    message
}

/// Every form of a credential a hostile server could echo back: the value
/// and, for a full header value ("Bearer abc123"), its token part; each as
/// is, JSON-escaped (quoted back in a JSON body), URL-encoded (reflected in
/// a URL) and base64-encoded (standard and URL-safe, padded or not).
/// Longest first, so a longer form is replaced before a part of it.
fn forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let secret = secret.trim();
    let token = secret.split_once(' ').map(|(_, t)| t.trim());
    let mut out = Vec::new();
    for value in [Some(secret), token].into_iter().flatten() {
        // Too short to scrub without mangling unrelated text.
        if value.len() < 4 {
            continue;
        }
        out.push(value.to_owned());
        if let Ok(quoted) = serde_json::to_string(value) {
            out.push(quoted.trim_matches('"').to_owned());
        }
        let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        out.push(encoded.replace('+', "%20"));
        out.push(encoded);
        for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
            out.push(engine.encode(value));
        }
    }
    out.sort_by_key(|f| std::cmp::Reverse(f.len()));
    out.dedup();
    out
}

/// A hostile server could echo our credential back in its error text.
fn scrub(message: &str, secret: &str) -> String {
    let mut out = message.to_owned();
    for needle in forms(secret) {
        out = out.replace(&needle, "••••");
    }
    out
}

#[cfg(test)]
mod scrub_tests {
    use super::scrub;

    #[test]
    fn the_key_and_its_token_part_are_both_removed() {
        let said = "refused Bearer abc123xyz; also saw abc123xyz";
        assert_eq!(
            scrub(said, "Bearer abc123xyz"),
            "refused ••••; also saw ••••"
        );
        assert_eq!(scrub("got sk-live-1", " sk-live-1 "), "got ••••");
        assert_eq!(
            scrub("short abc", "abc"),
            "short abc",
            "too short to scrub safely"
        );
    }

    #[test]
    fn encoded_forms_are_removed_too() {
        let key = "Bearer s3cr\"et/+=key";
        let json = r#"{"echo":"Bearer s3cr\"et/+=key"}"#;
        assert_eq!(scrub(json, key), r#"{"echo":"••••"}"#);
        assert_eq!(
            scrub("GET /cb?k=s3cr%22et%2F%2B%3Dkey", key),
            "GET /cb?k=••••"
        );
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode("s3cr\"et/+=key");
        let url_b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key);
        assert_eq!(
            scrub(&format!("saw {b64} and {url_b64}"), key),
            "saw •••• and ••••"
        );
    }

    #[test]
    fn a_long_message_is_scrubbed_before_it_is_cut() {
        use super::McpError;
        use crate::domain::ErrorClass;
        use secrecy::SecretString;
        // The key straddles the cut: cutting first would leave its head.
        let key = "k3y-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let message = format!("{}{key} and more", "x".repeat(490));
        let e = McpError::new(ErrorClass::Auth, message).scrubbed(&[SecretString::from(key)]);
        assert!(!e.message.contains("k3y-"), "{}", e.message);
        assert!(e.message.len() <= 500 + '…'.len_utf8());
    }
}
