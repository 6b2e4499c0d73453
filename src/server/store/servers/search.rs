//! Seed 000's server list: any combination of its filters, a page at a time.
//! The SQL is assembled from fixed fragments, one per filter present, and
//! every value is bound, never spliced.

use crate::domain::{AgentUid, AuthType, Scope, Transport};

use super::sql::contains_pattern;
use crate::server::store::clause::{Arg, Clause};

/// Each `None` is "no filter".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerFilter {
    /// Case-insensitive substring of the name or the URL.
    pub search: Option<String>,
    pub transport: Option<Transport>,
    pub auth_type: Option<AuthType>,
    pub enabled: Option<bool>,
    pub featured: Option<bool>,
    /// The URL exactly.
    pub url: Option<String>,
    pub auth_scope: Option<Scope>,
    /// Only this agent's own servers (and, with `include_shared`, the
    /// tenant's shared ones too).
    pub agent: Option<AgentUid>,
    pub include_shared: bool,
}

/// `WHERE …` for the tenant (`$1`) and the filter, with its values from `$2`.
pub(super) fn where_clause(filter: &ServerFilter) -> Clause {
    let mut c = Clause::new(" WHERE tenant_id = $1");
    if let Some(s) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        c.and(
            " AND (lower(name) LIKE $n ESCAPE '\\' OR lower(url) LIKE $n ESCAPE '\\')",
            Arg::Text(contains_pattern(s)),
        );
    }
    if let Some(t) = filter.transport {
        c.and(" AND transport = $n", Arg::Text(t.as_str().into()));
    }
    if let Some(a) = filter.auth_type {
        c.and(" AND auth_type = $n", Arg::Text(a.as_str().into()));
    }
    if let Some(e) = filter.enabled {
        c.and(" AND enabled = $n", Arg::Flag(e));
    }
    if let Some(f) = filter.featured {
        c.and(" AND is_featured = $n", Arg::Flag(f));
    }
    if let Some(u) = &filter.url {
        c.and(" AND url = $n", Arg::Text(u.clone()));
    }
    if let Some(scope) = filter.auth_scope {
        c.and(" AND auth_scope = $n", Arg::Text(scope.as_str().into()));
    }
    if let Some(agent) = &filter.agent {
        let shared = if filter.include_shared {
            " OR agent_id IS NULL"
        } else {
            ""
        };
        c.and(
            &format!(
                " AND (agent_id = (SELECT a.id FROM agents a \
                 WHERE a.tenant_id = $1 AND a.unique_id = $n){shared})"
            ),
            Arg::Text(agent.to_string()),
        );
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_filter_adds_one_numbered_placeholder() {
        let c = where_clause(&ServerFilter::default());
        assert_eq!((c.sql(), c.args().len()), (" WHERE tenant_id = $1", 0));
        let c = where_clause(&ServerFilter {
            search: Some("Git".into()),
            enabled: Some(true),
            url: Some("https://x".into()),
            ..Default::default()
        });
        assert_eq!(
            c.sql(),
            " WHERE tenant_id = $1 AND (lower(name) LIKE $2 ESCAPE '\\' OR lower(url) LIKE $2 \
             ESCAPE '\\') AND enabled = $3 AND url = $4"
        );
        assert_eq!(c.args().len(), 3);
    }
}
