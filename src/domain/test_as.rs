//! "Test as…": Test Connection with exactly the credential resolution picks
//! for one scope (a user, an agent, the tenant), and what the admin page
//! shows of it: the rule that picked it and an auth-aware state.

use serde::{Deserialize, Serialize};

use super::agent::AgentUid;
use super::ids::ConnectionId;
use super::resolution::{Resolution, Rule};
use super::server::{ErrorClass, TestOutcome};

/// Whom to test as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TestAs {
    Tenant,
    Agent(AgentUid),
    /// A username of the tenant.
    User(String),
}

/// What the test found, in the words an admin acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TestAsState {
    /// Connected and listed the tools.
    Healthy,
    /// Nothing to send: this scope needs a connection first.
    NeedsConnection,
    /// The server refused the credential resolution picked.
    AuthFailed,
    /// Could not reach the server (network, TLS, timeout, wrong transport).
    Unreachable,
    /// The server answered, but with an error.
    Degraded,
    /// The server is switched off.
    Disabled,
}

impl TestAsState {
    pub fn label(self) -> &'static str {
        match self {
            TestAsState::Healthy => "Healthy",
            TestAsState::NeedsConnection => "Needs connection",
            TestAsState::AuthFailed => "Auth failed",
            TestAsState::Unreachable => "Unreachable",
            TestAsState::Degraded => "Degraded",
            TestAsState::Disabled => "Disabled",
        }
    }

    /// A finished test's state, by how it failed.
    pub fn of(outcome: &TestOutcome) -> Self {
        match outcome.error.as_ref().map(|e| e.class) {
            None if outcome.ok => TestAsState::Healthy,
            None => TestAsState::Degraded,
            Some(ErrorClass::Auth) => TestAsState::AuthFailed,
            Some(ErrorClass::Transport) => TestAsState::Unreachable,
            Some(ErrorClass::Downstream) => TestAsState::Degraded,
        }
    }

    /// A resolution that found nothing to send, and why, in a sentence.
    pub fn refused(resolution: &Resolution) -> (Self, &'static str) {
        match resolution {
            Resolution::Disabled { .. } => (
                TestAsState::Disabled,
                "The server is switched off: enable it to test it.",
            ),
            Resolution::NeedsUserConnection { .. } => (
                TestAsState::NeedsConnection,
                "This server takes each user's own credential, and this user has not connected one.",
            ),
            Resolution::NeedsAgentConnection { .. } => (
                TestAsState::NeedsConnection,
                "This server takes an agent's or a user's own credential, and none is connected for this scope.",
            ),
            Resolution::NoCredential { .. } => (
                TestAsState::NeedsConnection,
                "This server needs a credential, and none is connected at any scope that applies.",
            ),
            Resolution::NotAvailable | Resolution::Resolved(_) => (
                TestAsState::NeedsConnection,
                "This server is not available to this tenant.",
            ),
        }
    }
}

/// The answer: the state, which rule (and connection) resolution used, and
/// the test itself when there was something to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestAsOutcome {
    pub state: TestAsState,
    pub rule: Option<Rule>,
    pub connection_id: Option<ConnectionId>,
    pub message: String,
    pub test: Option<TestOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ServerId;
    use crate::domain::server::TestError;
    use chrono::Utc;

    fn outcome(ok: bool, class: Option<ErrorClass>) -> TestOutcome {
        TestOutcome {
            ok,
            tools: Vec::new(),
            error: class.map(|class| TestError {
                class,
                message: "m".into(),
            }),
            tested_at: Utc::now(),
        }
    }

    #[test]
    fn states_follow_how_the_test_failed() {
        assert_eq!(TestAsState::of(&outcome(true, None)), TestAsState::Healthy);
        assert_eq!(
            TestAsState::of(&outcome(false, Some(ErrorClass::Auth))),
            TestAsState::AuthFailed
        );
        assert_eq!(
            TestAsState::of(&outcome(false, Some(ErrorClass::Transport))),
            TestAsState::Unreachable
        );
        assert_eq!(
            TestAsState::of(&outcome(false, Some(ErrorClass::Downstream))),
            TestAsState::Degraded
        );
        let needs = Resolution::NeedsUserConnection {
            server: ServerId::new(1),
            oauth: false,
        };
        assert_eq!(TestAsState::refused(&needs).0, TestAsState::NeedsConnection);
    }
}
