//! Seed 000's connections over HTTP: every field of ibl.ai's
//! `MCPServerConnection`, the scope and auth rules with the seed's texts,
//! who may see and change what, the vault, and the list's filters.

use serde_json::{Value, json};

use super::count_secrets;
use crate::domain::Role;
use crate::server::testing::{TestApp, spawn_app, username_of};

const FIELDS: [&str; 17] = [
    "auth_type",
    "authorization_scheme",
    "connected_service",
    "connected_service_summary",
    "created_at",
    "credentials",
    "extra_headers",
    "id",
    "is_active",
    "mentor",
    "platform",
    "platform_key",
    "scope",
    "server",
    "server_name",
    "updated_at",
    "user",
];

pub(super) struct Who<'a> {
    app: &'a TestApp,
    auth: String,
    pub(super) base: String,
    servers: String,
}

impl<'a> Who<'a> {
    pub(super) async fn new(app: &'a TestApp, tenant: &str, email: &str, role: Role) -> Who<'a> {
        app.user(tenant, email, role).await;
        let user = username_of(email);
        Who {
            app,
            auth: format!("Token {}", app.token(tenant, email).await),
            base: format!("/api/ai-mentor/orgs/{tenant}/users/{user}/mcp-server-connections/"),
            servers: format!("/api/ai-mentor/orgs/{tenant}/users/{user}/mcp-servers/"),
        }
    }

    pub(super) async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.app
            .rest_json(method, path, Some(&self.auth), &[], body)
            .await
    }

    pub(super) async fn server(&self, name: &str, featured: bool) -> i64 {
        let (status, s) = self
            .send(
                "POST",
                &self.servers,
                Some(json!({ "name": name, "url": format!("https://{}.example/mcp", name.to_lowercase()),
                    "auth_type": "token", "is_featured": featured })),
            )
            .await;
        assert_eq!(status, 201, "{s}");
        s["id"].as_i64().expect("id")
    }

    pub(super) fn servers_path(&self) -> String {
        self.servers.clone()
    }

    pub(super) fn item(&self, id: &Value) -> String {
        format!("{}{id}/", self.base)
    }
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

pub(super) async fn agent(app: &TestApp, tenant: &str, name: &str) -> String {
    app.agent(tenant, name).await.to_string()
}

#[tokio::test]
async fn the_seed_examples_and_its_rules() {
    let app = spawn_app().await;
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    let server = ann.server("Drive", false).await;
    let secrets_before = count_secrets(&app).await;

    // The seed's platform connection, as the Python client sends it (its
    // read-only nulls included).
    let (status, c) = ann
        .send(
            "POST",
            &ann.base,
            Some(
                json!({ "server": server, "scope": "platform", "auth_type": "token",
                "credentials": "Token super-secret", "authorization_scheme": "Token",
                "extra_headers": { "x-mcp-client": "mentor-ui", "X-Api-Key": "header-secret" },
                "platform_key": null, "connected_service_summary": null }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(keys(&c), FIELDS);
    assert_eq!(
        (
            &c["scope"],
            &c["auth_type"],
            &c["server_name"],
            &c["platform_key"]
        ),
        (
            &json!("platform"),
            &json!("token"),
            &json!("Drive"),
            &json!("acme")
        )
    );
    assert_eq!(
        c["credentials"],
        crate::server::rest::ai_mentor::CREDENTIALS_MASK
    );
    assert_eq!(c["extra_headers"]["x-mcp-client"], "mentor-ui");
    assert_ne!(c["extra_headers"]["X-Api-Key"], "header-secret", "masked");
    assert!(!c.to_string().contains("super-secret") && !c.to_string().contains("header-secret"));
    assert_eq!(
        count_secrets(&app).await,
        secrets_before + 1,
        "one secret per connection"
    );
    // Nothing secret in the row itself.
    {
        use sqlx::Connection;
        let mut db = sqlx::SqliteConnection::connect(&app.database_url)
            .await
            .expect("db");
        let (row,): (String,) = sqlx::query_as(
            "SELECT COALESCE(extra_headers, '') || '|' || COALESCE(secret_header_names, '') \
             || '|' || authorization_scheme FROM connections",
        )
        .fetch_one(&mut db)
        .await
        .expect("row");
        assert!(
            !row.contains("super-secret") && !row.contains("header-secret"),
            "{row}"
        );
    }

    // The seed's documented refusals, in its words and DRF's shape.
    let mentor = agent(&app, "acme", "Support").await;
    for (body, field, text) in [
        (
            json!({ "server": server, "scope": "user", "auth_type": "oauth2", "connected_service": null }),
            "connected_service",
            "OAuth2 connections require a connected service.",
        ),
        (
            json!({ "server": server, "scope": "platform", "auth_type": "token" }),
            "credentials",
            "Token based connections must include credentials.",
        ),
        (
            json!({ "server": 999_999, "scope": "platform", "auth_type": "none" }),
            "server",
            "Selected MCP server is not available to the current tenant.",
        ),
        (
            json!({ "server": server, "scope": "mentor", "auth_type": "none",
                "mentor": "3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b" }),
            "mentor",
            "The mentor's platform_key must match the current tenant.",
        ),
        (
            json!({ "server": server, "scope": "platform", "auth_type": "none", "mentor": mentor }),
            "mentor",
            "Only a mentor-scoped connection names a mentor.",
        ),
        (
            json!({ "server": server, "scope": "platform", "auth_type": "none", "platform": 999 }),
            "platform",
            "Connections must be created for the current platform context.",
        ),
    ] {
        let (status, errors) = ann.send("POST", &ann.base, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {errors}");
        assert_eq!(errors[field], json!([text]), "{body}: {errors}");
    }
    assert_eq!(
        count_secrets(&app).await,
        secrets_before + 1,
        "nothing left behind"
    );

    // The seed's mentor connection, with the agent's UUID (any case).
    let (status, m) = ann
        .send(
            "POST",
            &ann.base,
            Some(
                json!({ "server": server, "scope": "mentor", "auth_type": "token",
                "mentor": mentor.to_uppercase(), "credentials": "Token scoped-to-mentor",
                "authorization_scheme": "Token" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{m}");
    assert_eq!((&m["mentor"], &m["user"]), (&json!(mentor), &Value::Null));

    // PATCH: deactivate, then a new credential replaces the vault value in
    // place; switching to no auth drops the credential but keeps nothing else.
    let item = ann.item(&c["id"]);
    let (status, off) = ann
        .send("PATCH", &item, Some(json!({ "is_active": false })))
        .await;
    assert_eq!((status, &off["is_active"]), (200, &json!(false)), "{off}");
    let secrets = count_secrets(&app).await;
    let (status, rotated) = ann
        .send(
            "PATCH",
            &item,
            Some(json!({ "credentials": "Token rotated" })),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    assert_eq!(count_secrets(&app).await, secrets, "replaced, not added");
    assert_eq!(
        rotated["extra_headers"], off["extra_headers"],
        "headers kept"
    );
    let (status, none) = ann
        .send("PATCH", &item, Some(json!({ "auth_type": "none" })))
        .await;
    assert_eq!(status, 200, "{none}");
    assert_eq!(none["credentials"], "", "{none}");
    assert!(
        none["extra_headers"]["X-Api-Key"].is_string(),
        "the secret header stays"
    );

    // DELETE removes the row and its secret.
    let (status, _) = ann.send("DELETE", &item, None).await;
    assert_eq!(status, 204);
    assert_eq!(count_secrets(&app).await, secrets - 1);
    assert_eq!(ann.send("GET", &item, None).await.0, 404);
}
