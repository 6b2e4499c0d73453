//! A stored key never follows its server to another origin or transport:
//! moving a keyed server needs the key again, on both REST contracts, and a
//! key given with a move replaces the old one outright (nothing to undo back
//! onto the new host).

use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::count_secrets;
use crate::domain::Role;
use crate::server::services::servers::KEY_MUST_FOLLOW;
use crate::server::testing::{Peer, TestApp, spawn_app};

const SKILLS: &str = "/api/skills/mcp-servers";

/// A host nobody gave a key to: it records every byte sent to it and
/// answers 401, as a curious server would.
async fn recording_host() -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/mcp", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                if let Ok(Ok(n)) =
                    tokio::time::timeout(std::time::Duration::from_secs(2), socket.read(&mut buf))
                        .await
                {
                    log.lock().expect("log").extend_from_slice(&buf[..n]);
                }
                let _ = socket
                    .write_all(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    (url, seen)
}

fn seen_text(seen: &Arc<Mutex<Vec<u8>>>) -> String {
    String::from_utf8_lossy(&seen.lock().expect("log")).into_owned()
}

async fn skills(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let auth = format!("Token {token}");
    app.rest_json(
        method,
        path,
        Some(&auth),
        &[("x-tenant-slug", "acme")],
        body,
    )
    .await
}

#[tokio::test]
async fn a_key_never_follows_its_server_to_another_origin() {
    let app = spawn_app().await;
    app.user("acme", "admin@acme.test", Role::Admin).await;
    let token = app.token("acme", "admin@acme.test").await;
    let peer = Peer::bearer("origin-key-1", false).await;
    let (elsewhere, seen) = recording_host().await;

    let (status, created) = skills(
        &app,
        &token,
        "POST",
        SKILLS,
        Some(json!({"name": "Keyed", "url": peer.url("/mcp"), "authType": "tenant_api_key", "apiKey": "origin-key-1"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_i64().expect("id");
    let item = format!("{SKILLS}/{id}");

    // Another host, another port, another scheme, another transport: each
    // refused without the key, and nothing changes.
    let moves = [
        json!({"url": elsewhere}),
        json!({"url": peer.url("/mcp").replace("http://", "https://")}),
        json!({"transport": "sse"}),
    ];
    for body in moves {
        let (status, answer) = skills(&app, &token, "PUT", &item, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"], KEY_MUST_FOLLOW, "{body}");
    }
    let org = format!(
        "/api/ai-mentor/orgs/acme/users/{}/mcp-servers/{id}/",
        crate::server::testing::username_of("admin@acme.test")
    );
    let r = app
        .rest(
            "PATCH",
            &org,
            Some(&format!("Token {token}")),
            &[],
            Some(json!({"url": elsewhere})),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["credentials"][0], KEY_MUST_FOLLOW);
    // Same origin, another path: the key may stay.
    let (status, moved) = skills(
        &app,
        &token,
        "PUT",
        &item,
        Some(json!({"url": peer.url("/mcp?v=2")})),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    let (_, list) = skills(&app, &token, "GET", SKILLS, None).await;
    assert_eq!(list["servers"][0]["url"], peer.url("/mcp?v=2"));
    let (_, tested) = skills(&app, &token, "POST", &format!("{item}/test"), None).await;
    assert_eq!(tested["ok"], true, "{tested}");
    assert_eq!(seen_text(&seen), "", "the other host heard nothing");

    // With the key, the move is made, and the new host gets the new key only.
    let (status, moved) = skills(
        &app,
        &token,
        "PUT",
        &item,
        Some(json!({"url": elsewhere, "apiKey": "elsewhere-key"})),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    let (_, tested) = skills(&app, &token, "POST", &format!("{item}/test"), None).await;
    assert_eq!(tested["ok"], false, "{tested}");
    let heard = seen_text(&seen);
    assert!(heard.contains("elsewhere-key"), "{heard}");
    assert!(
        !heard.contains("origin-key-1"),
        "the old key went to the new host: {heard}"
    );
    // The old key is gone, not kept as a previous version Undo could restore.
    assert_eq!(count_secrets(&app).await, 1);
    let cookie = app.session("admin@acme.test").await;
    let undo = app
        .call("servers/undo-rotation", Some(&cookie), json!({ "id": id }))
        .await;
    assert_ne!(undo.status, 200, "{}", undo.body);
    assert!(!seen_text(&seen).contains("origin-key-1"));

    // The audit log says where the server went.
    let events = app
        .call(
            "audit/list",
            Some(&cookie),
            json!({ "query": crate::domain::AuditQuery::default() }),
        )
        .await;
    let details: Vec<String> = events.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["detail"].as_str().map(str::to_owned))
        .collect();
    let wanted = format!("url: {} → {elsewhere}", peer.url("/mcp?v=2"));
    assert!(details.contains(&wanted), "{details:?}");
}
