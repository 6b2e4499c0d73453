//! The overview page's one answer: how the tenant is doing. Which servers
//! work, fail, were never tested or are off; which stored keys are old;
//! whose OAuth sign-ins have ended or end soon; what happened last.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{AuditEvent, ErrorClass, GrantStatus, ServerId, ServerView};

/// A stored key older than this is due for rotation.
pub const KEY_ROTATION_DAYS: i64 = 90;
/// OAuth sign-ins that end within this, and cannot renew themselves, are listed.
pub const GRANT_WINDOW_DAYS: i64 = 7;
/// The latest audit events shown.
pub const RECENT_EVENTS: u32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Healthy,
    Failing,
    NeverTested,
    Disabled,
}

impl Health {
    /// A server's standing, from its last test (a disabled one is off,
    /// whatever its last test said).
    pub fn of(server: &ServerView) -> Health {
        match (&server.last_test, server.enabled) {
            (_, false) => Health::Disabled,
            (None, true) => Health::NeverTested,
            (Some(t), true) if t.ok => Health::Healthy,
            (Some(_), true) => Health::Failing,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Health::Healthy => "Healthy",
            Health::Failing => "Failing",
            Health::NeverTested => "Never tested",
            Health::Disabled => "Disabled",
        }
    }
}

/// One server as the overview lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerHealth {
    pub id: ServerId,
    pub name: String,
    pub health: Health,
    pub tested_at: Option<DateTime<Utc>>,
    /// A failing server's error class and message.
    pub error: Option<(ErrorClass, String)>,
}

impl ServerHealth {
    pub fn of(server: &ServerView) -> Self {
        let health = Health::of(server);
        let test = server.last_test.as_ref();
        Self {
            id: server.id,
            name: server.name.clone(),
            health,
            tested_at: test.map(|t| t.tested_at),
            error: test
                .filter(|_| health == Health::Failing)
                .and_then(|t| t.error.as_ref())
                .map(|e| (e.class, e.message.clone())),
        }
    }
}

/// A server whose stored key was set (or last rotated) too long ago.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyDue {
    pub server_id: ServerId,
    pub name: String,
    pub since: DateTime<Utc>,
    pub age_days: i64,
}

impl KeyDue {
    /// `Some` when `server` holds a key older than [`KEY_ROTATION_DAYS`].
    pub fn of(server: &ServerView, now: DateTime<Utc>) -> Option<Self> {
        if !server.has_credential {
            return None;
        }
        let since = server.credential_rotated_at.unwrap_or(server.created_at);
        let age = now - since;
        (age >= Duration::days(KEY_ROTATION_DAYS)).then(|| KeyDue {
            server_id: server.id,
            name: server.name.clone(),
            since,
            age_days: age.num_days(),
        })
    }
}

/// A user's OAuth sign-in at a server that has ended or ends soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantDue {
    pub server_id: ServerId,
    pub server_name: String,
    pub username: String,
    pub status: GrantStatus,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// Failing first, then never tested, disabled and healthy; by name.
    pub servers: Vec<ServerHealth>,
    /// Oldest first.
    pub keys_due: Vec<KeyDue>,
    /// Ended first, then by when they end. Admins see everyone's; a
    /// member, their own.
    pub grants_due: Vec<GrantDue>,
    /// Newest first; admins only (`None` for a member).
    pub recent: Option<Vec<AuditEvent>>,
    pub as_of: DateTime<Utc>,
}

impl Overview {
    pub fn count(&self, health: Health) -> usize {
        self.servers.iter().filter(|s| s.health == health).count()
    }
}

/// The order servers are listed in: what needs a look first.
pub fn health_rank(health: Health) -> u8 {
    match health {
        Health::Failing => 0,
        Health::NeverTested => 1,
        Health::Disabled => 2,
        Health::Healthy => 3,
    }
}
