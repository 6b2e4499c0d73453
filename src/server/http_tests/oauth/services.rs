//! Seed 000's half of OAuth against the SDK's real authorization server:
//! `oauth-find` discovers and registers a service, a server links to it
//! (`oauth_service_data` filled), the start route answers where to send
//! the browser, the connected service is listed, read and deleted, and an
//! `oauth2` connection shares an admin's connected account with the
//! tenant, its token sent only to the server it was issued for.

use serde_json::{Value, json};

use super::*;
use crate::server::testing::username_of;

const BOB: &str = "bob@acme.test";

pub(super) struct Seed000 {
    pub(super) s: Setup,
    pub(super) user: String,
}

impl Seed000 {
    pub(super) async fn new(database_url: Option<String>) -> Seed000 {
        Seed000 {
            s: setup(database_url).await,
            user: username_of(ADMIN),
        }
    }

    pub(super) fn mentor(&self, rest: &str) -> String {
        format!("/api/ai-mentor/orgs/acme/users/{}/{rest}", self.user)
    }

    fn connected(&self, rest: &str) -> String {
        format!(
            "/api/ai-account/connected-services/orgs/acme/users/{}/{rest}",
            self.user
        )
    }

    pub(super) async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.s
            .app
            .rest_json(method, path, Some(&self.s.bearer), &[], body)
            .await
    }

    async fn resolve(&self, auth: &str, user: &str) -> (u16, Value) {
        self.s
            .app
            .rest_json(
                "POST",
                "/api/runtime/resolve",
                Some(auth),
                &[],
                Some(json!({ "server": self.s.server, "user": user })),
            )
            .await
    }
}

async fn find_link_start_connect_share_and_delete(t: Seed000) {
    let s = &t.s;
    // Found once by discovery and registration; the same service after.
    let find = t.mentor("mcp-servers/oauth-find/");
    let (status, found) = t
        .send(
            "POST",
            &find,
            Some(json!({ "url": s.peer.mcp_url(), "name": "Notes", "callback_url": "" })),
        )
        .await;
    assert_eq!(status, 200, "{found}");
    for field in [
        "id",
        "oauth_provider",
        "oauth_provider_id",
        "name",
        "display_name",
        "description",
        "scope",
        "image",
        "created_at",
        "updated_at",
    ] {
        assert!(found.get(field).is_some(), "{field} missing: {found}");
    }
    assert_eq!(found["name"], "notes");
    assert_eq!(found["display_name"], "Notes");
    let provider = found["oauth_provider"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(provider, format!("localhost-{}", s.peer.auth_port));
    let (status, again) = t
        .send("POST", &find, Some(json!({ "url": s.peer.mcp_url() })))
        .await;
    assert_eq!((status, &again["id"]), (200, &found["id"]), "{again}");
    let (status, refused) = t
        .send(
            "POST",
            &find,
            Some(json!({ "url": "http://localhost:1/mcp" })),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{refused}"
    );
    let (status, refused) = t.send("POST", &find, Some(json!({}))).await;
    assert_eq!(status, 400);
    assert!(
        refused["error"].as_str().is_some_and(|e| e.contains("url")),
        "{refused}"
    );

    // The server links to it, and reads it back whole.
    let server_path = t.mentor(&format!("mcp-servers/{}/", s.server));
    let (status, server) = t
        .send(
            "PATCH",
            &server_path,
            Some(json!({ "oauth_service": found["id"] })),
        )
        .await;
    assert_eq!(status, 200, "{server}");
    assert_eq!(server["oauth_service"], found["id"]);
    assert_eq!(server["oauth_service_data"]["id"], found["id"]);
    assert_eq!(
        server["oauth_service_data"]["oauth_provider"],
        provider.as_str()
    );
    let (status, bad) = t
        .send(
            "PATCH",
            &server_path,
            Some(json!({ "oauth_service": 999_999 })),
        )
        .await;
    assert_eq!(status, 400, "{bad}");
    assert_eq!(
        bad["oauth_service"][0],
        "Invalid pk \"999999\" - object does not exist."
    );

    // Providers, each with its services and its client, the secret masked.
    let (status, providers) = t
        .send("GET", "/api/ai-account/orgs/acme/oauth-services/", None)
        .await;
    assert_eq!(status, 200, "{providers}");
    let list = providers.as_array().expect("a plain array");
    assert_eq!(list.len(), 1, "{providers}");
    assert_eq!(list[0]["name"], provider.as_str());
    assert_eq!(list[0]["services"][0]["id"], found["id"]);
    assert_eq!(list[0]["url"], s.peer.issuer());
    assert!(
        list[0]["credentials"]["client_id"]
            .as_str()
            .is_some_and(|c| !c.is_empty())
    );
    assert!(
        matches!(&list[0]["credentials"]["client_secret"], Value::Null)
            || list[0]["credentials"]["client_secret"] == "••••••••",
        "{providers}"
    );
    let (_, none) = t
        .send(
            "GET",
            "/api/ai-account/orgs/acme/oauth-services/?name=google",
            None,
        )
        .await;
    assert_eq!(none, json!([]));
    let (status, scopes) = t
        .send(
            "GET",
            "/api/ai-account/orgs/acme/oauth-services/notes/scopes/",
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(scopes[0]["id"], found["id"], "{scopes}");

    // Start: where to send the browser, which then connects as in seed 002
    // and may come back by seed 000's callback path too.
    let (status, start) = t
        .send("GET", &t.connected(&format!("{provider}/notes/")), None)
        .await;
    assert_eq!(status, 200, "{start}");
    let auth_url = start["auth_url"].as_str().unwrap_or_default();
    assert_eq!(auth_url, format!("{}{}", s.app.base, s.authorize_path()));
    let (status, _) = t.send("GET", &t.connected("nope/notes/"), None).await;
    assert_eq!(status, 404);
    let back = s.to_callback(&s.cookie).await;
    let back = back.replace(
        "/api/skills/mcp-oauth/callback",
        "/api/ai-account/connected-services/callback/",
    );
    let page = s.app.get(&back, Some(&s.cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(outcome_of(&page.body)["ok"], true);

    let (status, connected) = t.send("GET", &t.connected(""), None).await;
    assert_eq!(status, 200, "{connected}");
    let one = &connected.as_array().expect("a plain array")[0];
    assert_eq!(one["provider"], provider.as_str());
    assert_eq!(one["service"], "notes");
    assert_eq!(one["service_info"]["display_name"], "Notes");
    assert_eq!(one["username"], json!([t.user]));
    assert_eq!(one["token_type"], "Bearer");
    let grant = one["id"].as_i64().expect("id");
    let (_, filtered) = t.send("GET", &t.connected("?provider=other"), None).await;
    assert_eq!(filtered, json!([]));
    let (status, read) = t
        .send("GET", &t.connected(&format!("{grant}/")), None)
        .await;
    assert_eq!((status, &read["id"]), (200, &one["id"]));
    for field in ["access_token", "refresh_token", "secret_ref"] {
        assert!(read.get(field).is_none(), "{field} must not be read");
    }

    // Another member sees none of it.
    s.app.user("acme", BOB, Role::Member).await;
    let bob = format!("Token {}", s.app.token("acme", BOB).await);
    let bobs = format!(
        "/api/ai-account/connected-services/orgs/acme/users/{}/",
        username_of(BOB)
    );
    let (_, theirs) = s.app.rest_json("GET", &bobs, Some(&bob), &[], None).await;
    assert_eq!(theirs, json!([]));
    let (status, _) = s
        .app
        .rest_json("GET", &format!("{bobs}{grant}/"), Some(&bob), &[], None)
        .await;
    assert_eq!(status, 404);
    let (status, _) = s
        .app
        .rest_json(
            "DELETE",
            &t.connected(&format!("{grant}/")),
            Some(&bob),
            &[],
            None,
        )
        .await;
    assert_eq!(status, 404, "not bob's path");

    // An oauth2 connection must name a connected service, made for this
    // server; then the tenant's other users are sent the admin's account.
    let connections = t.mentor("mcp-server-connections/");
    let (status, refused) = t
        .send(
            "POST",
            &connections,
            Some(json!({ "server": s.server, "scope": "platform", "auth_type": "oauth2" })),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        refused["connected_service"][0],
        "OAuth2 connections require a connected service."
    );
    let (status, made) = t
        .send(
            "POST",
            &connections,
            Some(
                json!({ "server": s.server, "scope": "platform", "auth_type": "oauth2",
                "connected_service": grant }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["connected_service"], grant);
    assert_eq!(
        made["connected_service_summary"]["provider"],
        provider.as_str()
    );
    assert_eq!(made["connected_service_summary"]["user"], t.user.as_str());
    assert_eq!(made["credentials"], "");

    let runtime = format!("Bearer {}", s.app.runtime_token("acme", ADMIN).await);
    let (status, own) = t.resolve(&runtime, &t.user).await;
    assert_eq!(
        (status, &own["resolved_by"]["rule"]),
        (200, &json!("user_grant")),
        "{own}"
    );
    let (status, shared) = t.resolve(&runtime, &username_of(BOB)).await;
    assert_eq!(status, 200, "{shared}");
    assert_eq!(
        shared["resolved_by"]["connection_id"], made["id"],
        "{shared}"
    );
    assert_eq!(
        shared["headers"]["Authorization"], own["headers"]["Authorization"],
        "bob is sent the admin's connected account"
    );

    // Disconnected: the connection has nothing left to send.
    let (status, _) = t
        .send("DELETE", &t.connected(&format!("{grant}/")), None)
        .await;
    assert_eq!(status, 204);
    let (_, gone) = t.send("GET", &t.connected(""), None).await;
    assert_eq!(gone, json!([]));
    let (status, after) = t.resolve(&runtime, &username_of(BOB)).await;
    assert_eq!(status, 409, "{after}");
    assert!(
        !after.to_string().contains("Bearer "),
        "no token once the account is gone: {after}"
    );
    let (_, read) = t
        .send("GET", &format!("{connections}{}/", made["id"]), None)
        .await;
    assert_eq!(read["connected_service"], Value::Null, "{read}");
}

#[tokio::test]
async fn seed_000_finds_links_starts_connects_shares_and_deletes_on_sqlite() {
    find_link_start_connect_share_and_delete(Seed000::new(None).await).await;
}

#[tokio::test]
async fn seed_000_finds_links_starts_connects_shares_and_deletes_on_postgres() {
    let Some(url) = postgres_url().await else {
        return;
    };
    find_link_start_connect_share_and_delete(Seed000::new(Some(url)).await).await;
}

/// A connected service is sent only to the server it was issued for.
#[tokio::test]
async fn a_connected_service_binds_only_its_own_server() {
    let t = Seed000::new(None).await;
    let s = &t.s;
    let back = s.to_callback(&s.cookie).await;
    assert_eq!(s.app.get(&back, Some(&s.cookie)).await.status, 200);
    let (_, connected) = t.send("GET", &t.connected(""), None).await;
    let grant = connected[0]["id"].as_i64().expect("a grant");
    let (status, other) = t
        .send(
            "POST",
            &t.mentor("mcp-servers/"),
            Some(
                json!({ "name": "Elsewhere", "url": "https://elsewhere.example/mcp",
                "auth_type": "oauth2" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{other}");
    let (status, refused) = t
        .send(
            "POST",
            &t.mentor("mcp-server-connections/"),
            Some(
                json!({ "server": other["id"], "scope": "platform", "auth_type": "oauth2",
                "connected_service": grant }),
            ),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(
        refused["connected_service"][0]
            .as_str()
            .is_some_and(|m| m.contains("another MCP server")),
        "{refused}"
    );
    let (status, refused) = t
        .send(
            "POST",
            &t.mentor("mcp-server-connections/"),
            Some(
                json!({ "server": s.server, "scope": "platform", "auth_type": "token",
                "credentials": "k", "connected_service": grant }),
            ),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    assert!(refused.get("connected_service").is_some(), "{refused}");
}
