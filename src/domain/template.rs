//! Agent templates: a named set of server assignments that agents are made
//! from and synced to, and the pure rules of a sync (what it would change,
//! and whether an agent was changed by hand since its last one).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::{AppError, FieldError};
use super::ids::{ServerId, TemplateId};

pub const TEMPLATE_NAME_MAX: usize = 100;
pub const TEMPLATE_DESCRIPTION_MAX: usize = 1000;
/// An allow-list names at most this many tools, each at most this long.
pub const ALLOWLIST_MAX: usize = 1000;
pub const TOOL_NAME_MAX: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub id: TemplateId,
    pub name: String,
    pub description: String,
    /// How many servers are assigned.
    pub servers: u32,
    /// How many agents were made from it or synced to it.
    pub agents: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewTemplate {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

impl NewTemplate {
    pub const NAME: &'static str = "name";
    pub const DESCRIPTION: &'static str = "description";

    /// Trims in place and reports every problem at once.
    pub fn validate(&mut self) -> Result<(), AppError> {
        let errors: Vec<FieldError> = [
            validate_template_name(&mut self.name).err(),
            validate_template_description(&mut self.description).err(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

pub fn validate_template_name(name: &mut String) -> Result<(), FieldError> {
    *name = name.trim().to_owned();
    let problem = if name.is_empty() {
        "Name is required.".to_owned()
    } else if name.chars().count() > TEMPLATE_NAME_MAX {
        format!("Name must be at most {TEMPLATE_NAME_MAX} characters.")
    } else if name.chars().any(char::is_control) {
        "Name cannot contain control characters.".to_owned()
    } else {
        return Ok(());
    };
    Err(FieldError::new(NewTemplate::NAME, problem))
}

pub fn validate_template_description(description: &mut String) -> Result<(), FieldError> {
    *description = description.trim().to_owned();
    if description.chars().count() > TEMPLATE_DESCRIPTION_MAX {
        return Err(FieldError::new(
            NewTemplate::DESCRIPTION,
            format!("Description must be at most {TEMPLATE_DESCRIPTION_MAX} characters."),
        ));
    }
    Ok(())
}

/// One server assigned to a template or an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub server_id: ServerId,
    pub enabled: bool,
    /// `None`: every tool the server offers. `Some`: only these.
    pub tool_allowlist: Option<Vec<String>>,
}

pub const ALLOWLIST_FIELD: &str = "toolAllowlist";

/// Trims, drops empty and repeated names, sorts; refuses what is too long.
pub fn normalize_allowlist(list: Vec<String>) -> Result<Vec<String>, FieldError> {
    let mut names: Vec<String> = list
        .into_iter()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    if names.len() > ALLOWLIST_MAX {
        return Err(FieldError::new(
            ALLOWLIST_FIELD,
            format!("An allow-list names at most {ALLOWLIST_MAX} tools."),
        ));
    }
    if let Some(long) = names.iter().find(|n| n.chars().count() > TOOL_NAME_MAX) {
        let shown: String = long.chars().take(40).collect();
        return Err(FieldError::new(
            ALLOWLIST_FIELD,
            format!("Tool names are at most {TOOL_NAME_MAX} characters (\"{shown}…\")."),
        ));
    }
    Ok(names)
}

/// What a sync would do to one agent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncPlan {
    pub added: Vec<ServerId>,
    pub removed: Vec<ServerId>,
    /// Servers kept whose allow-list or switch the sync changes.
    pub changed: Vec<ServerId>,
    /// The agent's assignments no longer match what its last sync wrote:
    /// someone changed them by hand, and the sync will overwrite that.
    pub drifted: bool,
    /// The agent's assignments after the sync.
    pub result: Vec<Assignment>,
}

impl SyncPlan {
    pub fn is_noop(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// The sync of one agent to its template: afterwards the agent has exactly
/// the template's servers, switched as the template has them. Where the
/// template sets no allow-list, an agent's own allow-list for that server is
/// kept (ThinkWork's sync loses it). `synced` is the fingerprint the last
/// sync left, if any.
pub fn plan_sync(template: &[Assignment], agent: &[Assignment], synced: Option<&str>) -> SyncPlan {
    let mut plan = SyncPlan {
        drifted: synced.is_some_and(|f| f != fingerprint(agent)),
        ..SyncPlan::default()
    };
    for wanted in template {
        let mine = agent.iter().find(|a| a.server_id == wanted.server_id);
        let next = Assignment {
            server_id: wanted.server_id,
            enabled: wanted.enabled,
            tool_allowlist: match (&wanted.tool_allowlist, mine) {
                (Some(list), _) => Some(list.clone()),
                (None, Some(own)) => own.tool_allowlist.clone(),
                (None, None) => None,
            },
        };
        match mine {
            None => plan.added.push(wanted.server_id),
            Some(own) if *own != next => plan.changed.push(wanted.server_id),
            Some(_) => {}
        }
        plan.result.push(next);
    }
    plan.removed = agent
        .iter()
        .map(|a| a.server_id)
        .filter(|id| !template.iter().any(|t| t.server_id == *id))
        .collect();
    plan.added.sort();
    plan.removed.sort();
    plan.changed.sort();
    plan.result.sort_by_key(|a| a.server_id);
    plan
}

/// A short, stable digest of a set of assignments (order does not matter),
/// kept on the agent at each sync so a later plan can tell a hand edit.
/// FNV-1a: this detects change, it guards nothing.
pub fn fingerprint(assignments: &[Assignment]) -> String {
    let mut sorted: Vec<&Assignment> = assignments.iter().collect();
    sorted.sort_by_key(|a| a.server_id);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for a in sorted {
        feed(&a.server_id.get().to_le_bytes());
        feed(&[u8::from(a.enabled)]);
        match &a.tool_allowlist {
            None => feed(b"*"),
            Some(list) => {
                feed(&(list.len() as u64).to_le_bytes());
                for name in list {
                    feed(name.as_bytes());
                    feed(&[0]);
                }
            }
        }
        feed(b";");
    }
    format!("{hash:016x}")
}

/// A sync's report, as ThinkWork's `syncTemplateToAllAgents` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncSummary {
    pub agents_synced: u32,
    pub agents_failed: u32,
    /// One "agent name: reason" per failed agent.
    pub errors: Vec<String>,
    /// What the page says when some agents failed (see `with_problem`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl SyncSummary {
    /// With `problem` said, should any agent have failed.
    pub fn with_problem(mut self) -> Self {
        self.problem = (self.agents_failed > 0).then(|| {
            let synced = self.agents_synced;
            let word = if synced == 1 { "agent" } else { "agents" };
            format!(
                "Synced {synced} {word}; {} could not be synced and are as they were: {}",
                self.agents_failed,
                self.errors.join("; ")
            )
        });
        self
    }
}

/// A row of the template page's servers table: every server of the tenant,
/// and its assignment to this template if it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateServerRow {
    pub server_id: ServerId,
    pub name: String,
    pub auth_type: super::server::AuthType,
    pub server_enabled: bool,
    /// The tools the server listed at its last successful test; empty
    /// before one (the allow-list can then only be cleared).
    pub tools: Vec<String>,
    pub assignment: Option<Assignment>,
}

/// An agent made from or synced to the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateAgent {
    pub id: super::agent::AgentUid,
    pub name: String,
    pub synced_at: Option<DateTime<Utc>>,
}

/// The template page's data, in one round trip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDetail {
    pub template: TemplateView,
    pub servers: Vec<TemplateServerRow>,
    pub agents: Vec<TemplateAgent>,
}

/// One agent's line of a sync plan, with servers by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentPlanView {
    pub agent: super::agent::AgentUid,
    pub name: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
    pub drifted: bool,
}

impl AgentPlanView {
    /// "+1 server, −2 servers, 1 changed", or "up to date".
    pub fn summary(&self) -> String {
        let n = |count: usize, what: &str| {
            format!("{count} {what}{}", if count == 1 { "" } else { "s" })
        };
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(format!("+{}", n(self.added.len(), "server")));
        }
        if !self.removed.is_empty() {
            parts.push(format!("−{}", n(self.removed.len(), "server")));
        }
        if !self.changed.is_empty() {
            parts.push(format!("{} changed", self.changed.len()));
        }
        if parts.is_empty() {
            "up to date".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
