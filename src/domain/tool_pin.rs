//! Tool pinning: each server's tools as an admin approved them, beside what
//! the server defines now. A tool that changed since it was approved (a
//! new description is how a poisoned tool talks an agent into things) is
//! flagged, and under the tenant's `hold` policy kept from agents until an
//! admin approves the change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AppError;

/// What the agent gateway does with a tool that changed since it was
/// approved (or appeared since the server's tools were first pinned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ToolChangePolicy {
    /// Still listed; the server dialog flags the change.
    Warn,
    /// Kept from agents until an admin approves it.
    #[default]
    Hold,
    /// Approved as it is seen (and audited as such).
    Accept,
}

impl ToolChangePolicy {
    pub const ALL: [ToolChangePolicy; 3] = [Self::Warn, Self::Hold, Self::Accept];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Warn => "warn",
            Self::Hold => "hold",
            Self::Accept => "accept",
        }
    }

    pub fn parse(s: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| AppError::invalid("policy", "Choose warn, hold or accept."))
    }

    /// What the policy does, as the server dialog says it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Warn => "Changed tools stay available to agents and are flagged here.",
            Self::Hold => "Changed tools are held back from agents until an admin approves them.",
            Self::Accept => "Changes are approved as they are seen, and audited.",
        }
    }
}

/// A tool's standing against its approved definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinState {
    /// As approved.
    Approved,
    /// Its definition differs from the approved one.
    Changed,
    /// It appeared after the server's tools were first pinned.
    New,
}

impl PinState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Approved => "Approved",
            Self::Changed => "Changed",
            Self::New => "New",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

/// One line of the approved definition against the current one (both as
/// indented JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

/// One tool as the server dialog reviews it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolPinView {
    pub name: String,
    pub description: Option<String>,
    pub state: PinState,
    /// The current definition's hash: what an approval names, so that a
    /// tool that changed again after the admin looked is not approved.
    pub hash: String,
    pub approved_at: Option<DateTime<Utc>>,
    /// Who approved it; `None` when it was approved on first sight or by
    /// the tenant's `accept` policy.
    pub approved_by: Option<String>,
    /// Empty for an approved tool.
    pub diff: Vec<DiffLine>,
}

/// A server's pinned tools, and how fresh the list is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolPinsView {
    pub policy: ToolChangePolicy,
    /// The last successful refresh (test connection or scheduled check).
    pub refreshed_at: Option<DateTime<Utc>>,
    /// No successful refresh for longer than the schedule allows.
    pub stale: bool,
    pub tools: Vec<ToolPinView>,
}

impl ToolPinsView {
    /// The tools waiting for an admin.
    pub fn pending(&self) -> impl Iterator<Item = &ToolPinView> {
        self.tools.iter().filter(|t| t.state != PinState::Approved)
    }
}

/// "Approve this tool as it was when I looked."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolApproval {
    pub name: String,
    pub hash: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_round_trip_and_default_to_hold() {
        for p in ToolChangePolicy::ALL {
            assert_eq!(ToolChangePolicy::parse(p.as_str()).ok(), Some(p));
        }
        assert!(ToolChangePolicy::parse("HOLD").is_err());
        assert_eq!(ToolChangePolicy::default(), ToolChangePolicy::Hold);
    }
}
