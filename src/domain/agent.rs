//! Agents (seed 000's "mentors"): what a tenant's AI agents are called and
//! how the wire names them. The wire id is the agent's `unique_id`, a UUID;
//! the row's integer id never leaves the server.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::error::{AppError, FieldError};
use super::validation::{is_tenant_slug, slugify};

pub const AGENT_NAME_MAX: usize = 100;
pub const AGENT_SLUG_MAX: usize = 63;

/// An agent's public id: a UUID, kept in its canonical form (lower-case,
/// hyphenated) so that equal ids compare equal as text in every table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct AgentUid(String);

impl AgentUid {
    /// Accepts the hyphenated form (any case) and the 32-digit simple form,
    /// as Django's `UUIDField` does; anything else names no agent.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let hex: String = match raw.len() {
            36 => {
                let dashes_in_place = raw
                    .char_indices()
                    .all(|(i, c)| (c == '-') == matches!(i, 8 | 13 | 18 | 23));
                if !dashes_in_place {
                    return None;
                }
                raw.chars().filter(|c| *c != '-').collect()
            }
            32 => raw.to_owned(),
            _ => return None,
        };
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let hex = hex.to_ascii_lowercase();
        Some(Self(format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AgentUid {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw).ok_or_else(|| format!("“{raw}” is not a valid UUID."))
    }
}

impl From<AgentUid> for String {
    fn from(uid: AgentUid) -> Self {
        uid.0
    }
}

impl fmt::Display for AgentUid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One agent as the Agents page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    pub unique_id: AgentUid,
    pub name: String,
    /// Fixed when the agent is created: runtimes and scripts may hold it,
    /// so a rename does not change it.
    pub slug: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewAgent {
    pub name: String,
    /// Default: derived from the name.
    pub slug: Option<String>,
}

impl NewAgent {
    pub const NAME: &'static str = "name";
    pub const SLUG: &'static str = "slug";

    /// Trims in place and fills in the slug when none was given.
    pub fn validate(&mut self) -> Result<(), AppError> {
        let mut errors = Vec::new();
        if let Err(e) = validate_agent_name(&mut self.name) {
            errors.push(e);
        }
        let given = self
            .slug
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        match given {
            Some(slug) if !is_tenant_slug(slug) => errors.push(FieldError::new(
                Self::SLUG,
                format!(
                    "Slug must be 1–{AGENT_SLUG_MAX} lower-case letters, digits and dashes, \
                     not starting or ending with a dash."
                ),
            )),
            Some(slug) => self.slug = Some(slug.to_owned()),
            None if errors.is_empty() => self.slug = Some(derived_slug(&self.name)),
            None => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

/// The slug a name suggests: its ASCII letters and digits, dashed, cut to
/// length; "agent" when nothing is left (a name in another script).
pub fn derived_slug(name: &str) -> String {
    let ascii: String = slugify(name)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut slug = slugify(&ascii);
    if slug.len() > AGENT_SLUG_MAX {
        slug.truncate(AGENT_SLUG_MAX);
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    if slug.is_empty() {
        "agent".to_owned()
    } else {
        slug
    }
}

/// Trims in place; shared by create and rename.
pub fn validate_agent_name(name: &mut String) -> Result<(), FieldError> {
    *name = name.trim().to_owned();
    let problem = if name.is_empty() {
        "Name is required.".to_owned()
    } else if name.chars().count() > AGENT_NAME_MAX {
        format!("Name must be at most {AGENT_NAME_MAX} characters.")
    } else if name.chars().any(char::is_control) {
        "Name cannot contain control characters.".to_owned()
    } else {
        return Ok(());
    };
    Err(FieldError::new(NewAgent::NAME, problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_parsed_into_one_canonical_form() {
        let canonical = "3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b";
        for raw in [
            canonical,
            "3F2B8C1E-9A4D-4E6F-8B7A-0C1D2E3F4A5B",
            "3f2b8c1e9a4d4e6f8b7a0c1d2e3f4a5b",
            " 3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b ",
        ] {
            assert_eq!(
                AgentUid::parse(raw).map(|u| u.to_string()).as_deref(),
                Some(canonical),
                "{raw:?}"
            );
        }
        for bad in [
            "",
            "123",
            "3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5",
            "3f2b8c1e-9a4d-4e6f-8b7a0-c1d2e3f4a5b",
            "3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5g",
            "{3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b}",
        ] {
            assert_eq!(AgentUid::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn uids_refuse_to_deserialize_from_anything_else() {
        let ok: AgentUid =
            serde_json::from_str("\"3F2B8C1E9A4D4E6F8B7A0C1D2E3F4A5B\"").expect("simple form");
        assert_eq!(ok.as_str(), "3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b");
        assert!(serde_json::from_str::<AgentUid>("\"42\"").is_err());
        assert!(serde_json::from_str::<AgentUid>("42").is_err());
    }

    #[test]
    fn a_new_agent_gets_a_slug_from_its_name() {
        let mut new = NewAgent {
            name: "  Support Bot (EU) ".into(),
            slug: None,
        };
        new.validate().expect("valid");
        assert_eq!(new.name, "Support Bot (EU)");
        assert_eq!(new.slug.as_deref(), Some("support-bot-eu"));

        let mut foreign = NewAgent {
            name: "日本語".into(),
            slug: Some("  ".into()),
        };
        foreign.validate().expect("valid");
        assert_eq!(foreign.slug.as_deref(), Some("agent"));

        let long = "x".repeat(80);
        assert_eq!(derived_slug(&long).len(), AGENT_SLUG_MAX);
        assert_eq!(derived_slug("Café — déjà vu"), "caf-dj-vu");
    }

    #[test]
    fn bad_names_and_slugs_are_refused_together() {
        let mut new = NewAgent {
            name: " ".into(),
            slug: Some("Not A Slug".into()),
        };
        let Err(AppError::Invalid(fields)) = new.validate() else {
            panic!("should fail");
        };
        let named: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["name", "slug"]);

        let mut long = NewAgent {
            name: "n".repeat(AGENT_NAME_MAX + 1),
            slug: None,
        };
        assert!(long.validate().is_err());
        let mut control = NewAgent {
            name: "a\u{7}b".into(),
            slug: None,
        };
        assert!(control.validate().is_err());
    }
}
