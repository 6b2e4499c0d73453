//! The published OpenAPI document: every route of both contracts, with its
//! 401, the token scheme, and write-only secret fields.

use crate::server::testing::spawn_app;

#[tokio::test]
async fn the_openapi_document_describes_both_contracts() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json", None).await;
    assert_eq!(doc.status, 200, "public, like any published contract");
    let doc = doc.json();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().expect("paths");
    for (path, methods) in [
        ("/api/skills/mcp-servers", &["get", "post"][..]),
        ("/api/skills/mcp-servers/{id}", &["put", "delete"]),
        ("/api/skills/mcp-servers/{id}/test", &["post"]),
        (
            "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/",
            &["get", "post"],
        ),
        (
            "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/",
            &["get", "put", "patch", "delete"],
        ),
        (
            "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/",
            &["get", "post"],
        ),
        (
            "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-server-connections/{id}/",
            &["get", "put", "patch", "delete"],
        ),
        ("/api/runtime/resolve", &["post"]),
        ("/api/skills/mcp-servers/{id}/key-status", &["get"]),
        ("/api/skills/mcp-servers/{id}/api-key", &["put"]),
        ("/api/skills/templates", &["get", "post"]),
        ("/api/skills/templates/{id}", &["put", "delete"]),
        ("/api/skills/templates/{id}/mcp-servers", &["get", "post"]),
        ("/api/skills/templates/{id}/mcp-servers/{sid}", &["delete"]),
        ("/api/skills/templates/{id}/sync", &["get", "post"]),
        ("/api/skills/templates/{id}/agents", &["post"]),
        (
            "/api/skills/agents/{agent_id}/mcp-servers",
            &["get", "post"],
        ),
        (
            "/api/skills/agents/{agent_id}/mcp-servers/{sid}",
            &["delete"],
        ),
        ("/api/runtime/agents/{agent}/mcp-configs", &["get"]),
        ("/api/skills/user-mcp-servers", &["get"]),
        ("/api/skills/user-mcp-tokens/{id}", &["delete"]),
        ("/api/ai-account/orgs/{org}/oauth-services/", &["get"]),
        (
            "/api/ai-account/orgs/{org}/oauth-services/{service_name}/scopes/",
            &["get"],
        ),
        (
            "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/",
            &["get"],
        ),
        (
            "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/{id}/",
            &["get", "delete"],
        ),
        (
            "/api/ai-account/connected-services/orgs/{org}/users/{user_id}/{provider}/{service}/",
            &["get"],
        ),
        (
            "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/oauth-find/",
            &["post"],
        ),
    ] {
        for m in methods {
            let op = &paths[path][*m];
            assert!(op.is_object(), "{m} {path} is not documented");
            assert!(
                op["responses"]["401"].is_object(),
                "{m} {path} documents no 401"
            );
        }
    }
    assert_eq!(paths.len(), 27, "{:?}", paths.keys().collect::<Vec<_>>());
    let schemes = &doc["components"]["securitySchemes"]["token"];
    assert_eq!(schemes["in"], "header");
    assert_eq!(schemes["name"], "Authorization");
    // Write-only key fields are marked so.
    let create = &doc["components"]["schemas"]["SkillsServerCreate"]["properties"]["apiKey"];
    assert_eq!(create["writeOnly"], true, "{create}");
    let credentials =
        &doc["components"]["schemas"]["MentorConnectionWrite"]["properties"]["credentials"];
    assert_eq!(credentials["writeOnly"], true, "{credentials}");
}
