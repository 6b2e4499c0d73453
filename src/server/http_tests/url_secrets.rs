//! A server URL whose query or path is a credential: it goes to the vault,
//! every reader (admin or member, either contract) sees it masked, the
//! database file never holds it, and only a connection puts it back: a
//! test connection, and a runtime's resolution.

use serde_json::{Value, json};

use super::count_secrets;
use super::skills_upsert::ThinkWork;
use crate::domain::Role;
use crate::server::testing::{Peer, TestApp, spawn_app};

const LINK: &str = "s3cret-link-7781a9c4";

/// Every byte SQLite has written (the file and its WAL): a secret found
/// here is in a plain column, however it got there.
fn database_bytes(app: &TestApp) -> Vec<u8> {
    let path = app
        .database_url
        .strip_prefix("sqlite://")
        .expect("a SQLite test database");
    let mut bytes = std::fs::read(path).expect("read the database");
    if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
        bytes.extend(wal);
    }
    bytes
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn mentor_path(user: &str) -> String {
    format!("/api/ai-mentor/orgs/acme/users/{user}/mcp-servers/")
}

#[tokio::test]
async fn a_secret_query_is_vaulted_masked_for_every_reader_and_used_to_connect() {
    let app = spawn_app().await;
    let c = ThinkWork::new(&app).await;
    let peer = Peer::everything("streamableHttp").await;
    let full = peer.url(&format!("/mcp?link={LINK}"));
    let masked = peer.url("/mcp?••••");
    let before = count_secrets(&app).await;

    let made = c
        .ok(
            "POST",
            "/api/skills/mcp-servers",
            Some(json!({ "name": "Linked", "url": full, "urlSecret": "query" })),
        )
        .await;
    assert_eq!(made["url"], masked.as_str(), "{made}");
    assert_eq!(made["urlSecret"], "query");
    let id = made["id"].as_i64().expect("id");
    assert_eq!(
        count_secrets(&app).await,
        before + 1,
        "the part went to the vault"
    );

    // Test connection rebuilds the whole URL: server-everything answers.
    let tested = c
        .ok("POST", &format!("/api/skills/mcp-servers/{id}/test"), None)
        .await;
    assert_eq!(tested["ok"], true, "{tested}");

    // Seed 002's list, and seed 000 for an admin and for a member.
    let list = c.ok("GET", "/api/skills/mcp-servers", None).await;
    assert_eq!(list["servers"][0]["url"], masked.as_str());
    app.user("acme", "member@acme.test", Role::Member).await;
    for email in ["admin@acme.test", "member@acme.test"] {
        let token = app.token("acme", email).await;
        let user = crate::server::testing::username_of(email);
        let (status, one) = app
            .rest_json(
                "GET",
                &format!("{}{id}/", mentor_path(&user)),
                Some(&format!("Api-Token {token}")),
                &[],
                None,
            )
            .await;
        assert_eq!(status, 200, "{email}: {one}");
        assert_eq!(one["url"], masked.as_str(), "{email}");
        assert_eq!(one["url_secret"], "query", "{email}");
    }

    // A runtime is handed the whole URL, as it is handed the headers.
    let runtime = app.runtime_token("acme", "admin@acme.test").await;
    let (status, resolved) = app
        .rest_json(
            "POST",
            "/api/runtime/resolve",
            Some(&format!("Bearer {runtime}")),
            &[],
            Some(json!({ "server": id })),
        )
        .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["url"], full.as_str());

    // Sending back what was read keeps the secret; so does re-registering
    // (ThinkWork's client names no secret part).
    let kept = c
        .ok(
            "PUT",
            &format!("/api/skills/mcp-servers/{id}"),
            Some(json!({ "url": masked, "enabled": true })),
        )
        .await;
    assert_eq!(kept["url"], masked.as_str());
    let again = c
        .ok(
            "POST",
            "/api/skills/mcp-servers",
            Some(json!({ "name": "Linked", "url": full })),
        )
        .await;
    assert_eq!(again["updated"], true);
    assert_eq!(again["url"], masked.as_str(), "{again}");
    let tested = c
        .ok("POST", &format!("/api/skills/mcp-servers/{id}/test"), None)
        .await;
    assert_eq!(tested["ok"], true, "{tested}");

    // Nothing of it in any column, audit rows included.
    assert!(!holds(&database_bytes(&app), LINK));

    // Making the URL public again drops the vault's copy.
    let public = c
        .ok(
            "PUT",
            &format!("/api/skills/mcp-servers/{id}"),
            Some(json!({ "urlSecret": "none" })),
        )
        .await;
    assert_eq!(public["url"], full.as_str());
    assert_eq!(count_secrets(&app).await, before);
}

#[tokio::test]
async fn a_secret_path_never_reaches_an_error_and_goes_with_its_server() {
    let app = spawn_app().await;
    let c = ThinkWork::new(&app).await;
    // Nothing listens there: the test fails, and reqwest's error quotes the URL.
    let port = crate::server::testing::free_port();
    let url = format!("http://127.0.0.1:{port}/s/{LINK}/mcp");
    let before = count_secrets(&app).await;
    let made = c
        .ok(
            "POST",
            "/api/skills/mcp-servers",
            Some(json!({ "name": "Pathed", "url": url, "urlSecret": "path" })),
        )
        .await;
    assert_eq!(made["url"], format!("http://127.0.0.1:{port}/••••"));
    let id = made["id"].as_i64().expect("id");
    let (status, failed) = c
        .servers("POST", &format!("/api/skills/mcp-servers/{id}/test"), None)
        .await;
    assert_eq!(status, 502, "{failed}");
    let error = failed["error"].as_str().unwrap_or_default();
    assert!(error.starts_with("transport: "), "{error}");
    assert!(!error.contains(LINK), "{error}");
    // The stored snapshot says the same, and the database holds no copy.
    let list = c.ok("GET", "/api/skills/mcp-servers", None).await;
    assert!(!list.to_string().contains(LINK));
    assert!(!holds(&database_bytes(&app), LINK));

    // A part that is not there, or a fragment, is the URL field's error.
    for (body, says) in [
        (
            json!({ "name": "No query", "url": "https://h.example/mcp", "urlSecret": "query" }),
            "no query string",
        ),
        (
            json!({ "name": "No path", "url": "https://h.example/", "urlSecret": "path" }),
            "no path or query",
        ),
    ] {
        let (status, refused): (u16, Value) = c
            .servers("POST", "/api/skills/mcp-servers", Some(body))
            .await;
        assert_eq!(status, 400, "{refused}");
        assert!(
            refused["error"].as_str().unwrap_or_default().contains(says),
            "{refused}"
        );
    }
    let (status, refused) = c
        .servers(
            "POST",
            "/api/skills/mcp-servers",
            Some(json!({ "name": "Odd", "url": "https://h.example/mcp?k=1", "urlSecret": "all" })),
        )
        .await;
    assert_eq!(status, 400, "{refused}");

    // Deleting the server deletes the vault's copy of its path.
    assert_eq!(count_secrets(&app).await, before + 1);
    c.ok("DELETE", &format!("/api/skills/mcp-servers/{id}"), None)
        .await;
    assert_eq!(count_secrets(&app).await, before);
}

#[tokio::test]
async fn seed_000_registers_a_secret_path_and_moving_the_server_replaces_it() {
    let app = spawn_app().await;
    app.user("acme", "admin@acme.test", Role::Admin).await;
    let token = format!("Api-Token {}", app.token("acme", "admin@acme.test").await);
    let list = mentor_path(&crate::server::testing::username_of("admin@acme.test"));
    let (status, made) = app
        .rest_json(
            "POST",
            &list,
            Some(&token),
            &[],
            Some(json!({
                "name": "Zapier-like",
                "url": format!("https://mcp.example.com/s/{LINK}/sse"),
                "url_secret": "path",
                "transport": "sse",
            })),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["url"], "https://mcp.example.com/••••");
    let id = made["id"].as_i64().expect("id");
    let secrets = count_secrets(&app).await;

    // A new secret path replaces the old one outright (one secret stays).
    let (status, moved) = app
        .rest_json(
            "PATCH",
            &format!("{list}{id}/"),
            Some(&token),
            &[],
            Some(json!({ "url": "https://mcp.example.com/s/another-link-0042/sse" })),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["url"], "https://mcp.example.com/••••");
    assert_eq!(count_secrets(&app).await, secrets);
    let bytes = database_bytes(&app);
    assert!(!holds(&bytes, LINK) && !holds(&bytes, "another-link-0042"));
}
