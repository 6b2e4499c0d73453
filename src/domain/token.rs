//! API tokens: what the Settings page lists and sends. The token itself is
//! seen once, in [`CreatedToken`], and never again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldError};
use super::ids::TokenId;

pub const TOKEN_NAME_MAX: usize = 60;
/// A token's lifetime, when it has one: at least a minute, at most ten years.
pub const EXPIRES_IN_MIN_SECS: u64 = 60;
pub const EXPIRES_IN_MAX_SECS: u64 = 10 * 366 * 24 * 3600;
/// The lifetimes the Settings page offers, in days (`0`: never).
pub const LIFETIME_CHOICES_DAYS: [u64; 5] = [0, 7, 30, 90, 365];

/// What a token may do. A user's token acts as its user on both REST
/// contracts. A runtime token, made by an admin for an agent runtime, may
/// only ask `POST /api/runtime/resolve`: it carries credentials out, so it
/// can do nothing else, and nothing else accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    #[default]
    User,
    Runtime,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::User => "user",
            TokenKind::Runtime => "runtime",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [TokenKind::User, TokenKind::Runtime]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One token as listed: enough to recognise it, never enough to use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenView {
    pub id: TokenId,
    pub name: String,
    /// The token's first characters, e.g. `sbt_3f9a1c`.
    pub prefix: String,
    pub kind: TokenKind,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// `None`: it never expires. Past it, the token is refused as a revoked
    /// one is (it stays listed, so its owner sees why).
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Past `expires_at` when it was listed (the browser does not read the
    /// clock).
    #[serde(default)]
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewApiToken {
    pub name: String,
    /// Only admins may make a runtime token.
    #[serde(default)]
    pub kind: TokenKind,
    /// Seconds from now until it stops working; `None`: never.
    #[serde(default)]
    pub expires_in_secs: Option<u64>,
}

/// The answer to a create: the listing row and, this once, the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: ApiTokenView,
    pub secret: String,
}

impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("token", &self.token)
            .field("secret", &"<redacted>")
            .finish()
    }
}

impl NewApiToken {
    pub const NAME: &'static str = "name";
    pub const EXPIRES_IN: &'static str = "expires_in";

    /// Trims in place. A name tells the owner which script holds the token.
    pub fn validate(&mut self) -> Result<(), AppError> {
        self.name = self.name.trim().to_owned();
        let problem = if self.name.is_empty() {
            Some("Name is required.".to_owned())
        } else if self.name.chars().count() > TOKEN_NAME_MAX {
            Some(format!("Name must be at most {TOKEN_NAME_MAX} characters."))
        } else if self.name.chars().any(char::is_control) {
            Some("Name cannot contain control characters.".to_owned())
        } else {
            None
        };
        let mut errors: Vec<FieldError> = problem
            .map(|message| FieldError::new(Self::NAME, message))
            .into_iter()
            .collect();
        if let Some(secs) = self.expires_in_secs
            && !(EXPIRES_IN_MIN_SECS..=EXPIRES_IN_MAX_SECS).contains(&secs)
        {
            errors.push(FieldError::new(
                Self::EXPIRES_IN,
                "A token expires between one minute and ten years from now.",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        let mut ok = NewApiToken {
            name: "  ci deploy ".into(),
            ..Default::default()
        };
        ok.validate().expect("valid");
        assert_eq!(ok.name, "ci deploy");
        for bad in ["", "   ", "a\tb"] {
            let mut t = NewApiToken {
                name: bad.into(),
                ..Default::default()
            };
            assert!(t.validate().is_err(), "{bad:?}");
        }
        let mut long = NewApiToken {
            name: "x".repeat(TOKEN_NAME_MAX + 1),
            ..Default::default()
        };
        assert!(long.validate().unwrap_err().field_message("name").is_some());
    }

    #[test]
    fn lifetimes_are_bounded() {
        let token = |secs| NewApiToken {
            name: "ci".into(),
            expires_in_secs: Some(secs),
            ..Default::default()
        };
        assert!(token(EXPIRES_IN_MIN_SECS).validate().is_ok());
        assert!(token(30 * 86_400).validate().is_ok());
        for bad in [0, 59, EXPIRES_IN_MAX_SECS + 1] {
            let e = token(bad).validate().unwrap_err();
            assert!(e.field_message(NewApiToken::EXPIRES_IN).is_some(), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip_and_default_to_user() {
        for k in [TokenKind::User, TokenKind::Runtime] {
            assert_eq!(TokenKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(TokenKind::parse("admin"), None);
        let new: NewApiToken = serde_json::from_str(r#"{"name":"ci"}"#).expect("json");
        assert_eq!(new.kind, TokenKind::User, "older clients send no kind");
    }
}
