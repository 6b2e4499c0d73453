//! How a server row reads to clients, and how a test outcome is stored on it.

use chrono::{DateTime, Utc};

use crate::domain::{ServerView, TestError, TestOutcome, ToolInfo};
use crate::server::mcp::McpError;
use crate::server::store::{ServerRecord, TestSnapshot};

pub(crate) fn outcome_of(
    result: Result<Vec<ToolInfo>, McpError>,
    tested_at: DateTime<Utc>,
) -> TestOutcome {
    match result {
        Ok(tools) => TestOutcome {
            ok: true,
            tools,
            error: None,
            tested_at,
        },
        Err(error) => TestOutcome {
            ok: false,
            tools: Vec::new(),
            error: Some(TestError::from(error)),
            tested_at,
        },
    }
}

pub(crate) fn snapshot_of(outcome: &TestOutcome) -> TestSnapshot {
    TestSnapshot {
        ok: outcome.ok,
        tools_json: outcome
            .ok
            .then(|| serde_json::to_string(&outcome.tools).unwrap_or_else(|_| "[]".into())),
        tool_count: outcome
            .ok
            .then(|| i64::try_from(outcome.tools.len()).unwrap_or(i64::MAX)),
        error_class: outcome.error.as_ref().map(|e| e.class),
        error_message: outcome.error.as_ref().map(|e| e.message.clone()),
        tested_at: outcome.tested_at,
    }
}

/// The client-facing view; the credential is represented only by a flag.
pub fn view(row: &ServerRecord) -> ServerView {
    let last_test = row.test.as_ref().map(|t| TestOutcome {
        ok: t.ok,
        tools: t
            .tools_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<Vec<ToolInfo>>(j).ok())
            .unwrap_or_default(),
        error: match (t.error_class, &t.error_message) {
            (Some(class), Some(message)) => Some(TestError {
                class,
                message: message.clone(),
            }),
            _ => None,
        },
        tested_at: t.tested_at,
    });
    ServerView {
        id: row.id,
        tenant_id: row.tenant_id,
        name: row.name.clone(),
        slug: row.slug.clone(),
        description: row.description.clone(),
        url: super::server_url::shown(row),
        url_secret: row.url_secret,
        transport: row.transport,
        auth_type: row.auth_type,
        enabled: row.enabled,
        featured: row.featured,
        has_credential: row.secret_ref.is_some(),
        tool_count: row
            .test
            .as_ref()
            .and_then(|t| t.tool_count)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        last_test,
        credential_rotated_at: row.credential_rotated_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
        owner: row.owner.clone(),
        auth_scope: row.auth_scope,
        agent: row.agent_uid.clone(),
        extra_headers: row.extra_headers.clone(),
        image: row.image.clone(),
        oauth_service: row.oauth_service_id,
    }
}
