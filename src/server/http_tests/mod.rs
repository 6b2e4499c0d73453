//! The edges over real HTTP: redirects, status codes, sessions, tenancy, secrets.

/// Each flow (an `async fn(TestApp)`) as two tests, on SQLite and on
/// PostgreSQL: the same SQL text runs on each. Defined before the modules
/// so each of them can use it.
macro_rules! on_both_engines {
    ($($flow:ident => $sqlite:ident, $postgres:ident;)+) => {$(
        #[tokio::test]
        async fn $sqlite() {
            $flow($crate::server::testing::spawn_app().await).await;
        }

        #[tokio::test]
        async fn $postgres() {
            let Some(url) = $crate::server::testing::postgres_url().await else {
                return;
            };
            $flow($crate::server::testing::spawn_app_with(Some(url)).await).await;
        }
    )+};
}

mod agents;
mod faults;
mod gateway;
mod gateway_2026;
mod gateway_access;
mod gateway_cascade;
mod gateway_conformance;
mod gateway_elicitation;
mod gateway_restart;
mod headers;
mod iblai_client;
mod images;
mod isolation;
mod key_binding;
mod limits;
mod metrics;
mod oauth;
mod openapi;
mod overview;
mod pages;
mod resolution;
mod rest_ai_mentor;
mod rest_ai_mentor_connection_access;
mod rest_ai_mentor_connections;
mod rest_ai_mentor_forms;
mod rest_ai_mentor_list;
mod rest_skills;
mod rotation;
mod runtime;
mod servers;
mod sessions;
mod sign_in_form;
mod sign_in_limits;
mod skills_runtime_configs;
mod skills_sync;
mod skills_templates;
mod skills_upsert;
mod tokens;
mod tool_pins;
mod url_secrets;

use serde_json::json;

use crate::domain::{AuthType, NewServer, Role, Transport};
use crate::server::testing::TestApp;

pub(super) fn register_body(name: &str, url: &str, key: Option<&str>) -> serde_json::Value {
    let server = NewServer {
        name: name.into(),
        url: url.into(),
        transport: Transport::StreamableHttp,
        auth_type: if key.is_some() {
            AuthType::Token
        } else {
            AuthType::None
        },
        api_key: key.map(str::to_owned),
        ..Default::default()
    };
    json!({ "server": server })
}

pub(super) fn list_body() -> serde_json::Value {
    json!({ "query": crate::domain::ListQuery::<crate::domain::ServerSort>::default() })
}

pub(super) async fn admin(app: &TestApp, tenant: &str) -> String {
    let email = format!("admin@{tenant}.test");
    app.user(tenant, &email, Role::Admin).await;
    app.session(&email).await
}

pub(super) async fn count_secrets(app: &TestApp) -> i64 {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .expect("connect");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM vault_secrets")
        .fetch_one(&mut conn)
        .await
        .expect("count");
    n
}
