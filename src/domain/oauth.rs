//! OAuth grants as both sides of the wire see them: a grant's status, what
//! a member's server list says of it, and the message the callback page
//! posts to the window that opened it (the admin dialog or the
//! Integrations page), which the WASM client reads back with the same type.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{GrantId, ServerId};

/// Where a browser begins connecting an account (seed 002's route): the
/// popup opens it with `?mcpServerId=…`, and it redirects on to the
/// authorization server.
pub const AUTHORIZE_PATH: &str = "/api/skills/mcp-oauth/authorize";
/// Where the authorization server sends the browser back.
pub const CALLBACK_PATH: &str = "/api/skills/mcp-oauth/callback";

/// The authorize URL that connects an account at `server`.
pub fn authorize_path(server: ServerId) -> String {
    format!("{AUTHORIZE_PATH}?mcpServerId={server}")
}

/// A stored grant (`user_mcp_tokens.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantStatus {
    Active,
    /// The access token ran out and could not be refreshed: the user must
    /// connect again.
    Expired,
    Revoked,
}

impl GrantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantStatus::Active => "active",
            GrantStatus::Expired => "expired",
            GrantStatus::Revoked => "revoked",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "active" => Some(GrantStatus::Active),
            "expired" => Some(GrantStatus::Expired),
            "revoked" => Some(GrantStatus::Revoked),
            _ => None,
        }
    }
}

/// Where a user stands with one OAuth server (seed 002's `authStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthStatus {
    Active,
    NotConnected,
    Expired,
}

impl AuthStatus {
    /// A grant's status as the user sees it: a revoked grant is as good as
    /// none.
    pub fn of(grant: Option<GrantStatus>) -> Self {
        match grant {
            Some(GrantStatus::Active) => AuthStatus::Active,
            Some(GrantStatus::Expired) => AuthStatus::Expired,
            Some(GrantStatus::Revoked) | None => AuthStatus::NotConnected,
        }
    }
}

/// The caller's own grant for one server, as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantView {
    /// The grant itself (seed 000's connected service), when there is one.
    pub id: Option<GrantId>,
    pub server_id: ServerId,
    pub status: AuthStatus,
    pub expires_at: Option<DateTime<Utc>>,
    pub scopes: Vec<String>,
    /// Why the grant is no longer usable (a refused refresh), if it is not.
    pub reason: Option<String>,
    /// Scopes the server asked for that the grant lacks (step-up): the
    /// next authorization asks for them.
    #[serde(default)]
    pub wanted_scopes: Vec<String>,
    pub connected_at: Option<DateTime<Utc>>,
}

impl GrantView {
    /// Where a user stands with a server they have not connected.
    pub fn not_connected(server_id: ServerId) -> Self {
        Self {
            id: None,
            server_id,
            status: AuthStatus::NotConnected,
            expires_at: None,
            scopes: Vec::new(),
            reason: None,
            wanted_scopes: Vec::new(),
            connected_at: None,
        }
    }
}

/// One of the tenant's OAuth servers on the Integrations page, with where
/// the caller stands with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integration {
    pub server_id: ServerId,
    pub name: String,
    pub description: String,
    pub grant: GrantView,
    /// The tenant's agents that call this server (assigned and enabled, or
    /// their own), by name: why the user would connect it.
    pub agents: Vec<String>,
}

/// What the callback page posts to its opener (same origin only), and the
/// opener reads back: whether connecting worked, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectOutcome {
    /// Always [`ConnectOutcome::SOURCE`]: an opener ignores other messages.
    pub source: String,
    pub server_id: Option<ServerId>,
    pub ok: bool,
    /// A short code (`invalid_state`, `access_denied`, …).
    pub reason: Option<String>,
    /// The reason, in words a user can act on.
    pub message: Option<String>,
}

impl ConnectOutcome {
    pub const SOURCE: &'static str = "switchboard:oauth";

    pub fn connected(server_id: ServerId) -> Self {
        Self {
            source: Self::SOURCE.to_owned(),
            server_id: Some(server_id),
            ok: true,
            reason: None,
            message: None,
        }
    }

    pub fn failed(server_id: Option<ServerId>, reason: &str, message: impl Into<String>) -> Self {
        Self {
            source: Self::SOURCE.to_owned(),
            server_id,
            ok: false,
            reason: Some(reason.to_owned()),
            message: Some(message.into()),
        }
    }

    /// A message the opener received, if it is one of ours.
    pub fn from_message(raw: &str) -> Option<Self> {
        serde_json::from_str::<Self>(raw)
            .ok()
            .filter(|o| o.source == Self::SOURCE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_read_back_and_revoked_is_not_connected() {
        for s in [
            GrantStatus::Active,
            GrantStatus::Expired,
            GrantStatus::Revoked,
        ] {
            assert_eq!(GrantStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(GrantStatus::parse("ACTIVE"), None);
        assert_eq!(
            AuthStatus::of(Some(GrantStatus::Revoked)),
            AuthStatus::NotConnected
        );
        assert_eq!(AuthStatus::of(None), AuthStatus::NotConnected);
        assert_eq!(
            AuthStatus::of(Some(GrantStatus::Expired)),
            AuthStatus::Expired
        );
    }

    #[test]
    fn only_our_messages_are_read() {
        let ok = ConnectOutcome::connected(ServerId::new(7));
        let text = serde_json::to_string(&ok).expect("json");
        assert_eq!(ConnectOutcome::from_message(&text), Some(ok));
        assert_eq!(
            ConnectOutcome::from_message(r#"{"source":"other","serverId":7,"ok":true}"#),
            None
        );
        assert_eq!(ConnectOutcome::from_message("not json"), None);
    }
}
