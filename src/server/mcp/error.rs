//! The one error of every MCP client call: how it went wrong, in the
//! server's own words, with credentials scrubbed out.

use secrecy::{ExposeSecret, SecretString};

use crate::domain::{ErrorClass, TestError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct McpError {
    pub class: ErrorClass,
    pub message: String,
}

impl McpError {
    /// Removes every sent header value from the message.
    pub(super) fn scrubbed(mut self, secrets: &[SecretString]) -> Self {
        for secret in secrets {
            self.message = scrub(&self.message, secret.expose_secret());
        }
        self
    }
}

impl From<McpError> for TestError {
    fn from(e: McpError) -> Self {
        TestError {
            class: e.class,
            message: e.message,
        }
    }
}

/// A hostile server could echo our credential back in its error text.
/// A credential stored as a full header value ("Bearer abc123") may come
/// back as just its token, so both forms are removed.
fn scrub(message: &str, secret: &str) -> String {
    let secret = secret.trim();
    let token = secret.split_once(' ').map(|(_, t)| t.trim());
    let mut out = message.to_owned();
    for needle in [Some(secret), token].into_iter().flatten() {
        if needle.len() >= 4 {
            out = out.replace(needle, "••••");
        }
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
}
