//! The scope cascade per gateway call: one agent, one server, three users.
//! Each call carries the credential resolution picks for that user at that
//! moment: a user's own connection (seed 000's API), else the server's own
//! key (the tenant's). The bearer peer tells which key it was given, so what
//! is asserted is what reached the upstream; a removed connection changes
//! the very next call.

use serde_json::{Value, json};

use super::gateway::{agent_from_template, client};
use super::rest_ai_mentor_connections::Who;
use super::skills_upsert::ThinkWork;
use crate::domain::Role;
use crate::server::testing::{Peer, spawn_app, username_of};

const TENANT_KEY: &str = "tenant-key-T001";
const ANN_KEY: &str = "ann-key-A002";
const MAX_KEY: &str = "max-key-M003";

/// `peer__whoami` through the gateway as `user`: the suffix of the key the
/// peer was given.
async fn key_seen(url: &str, token: &str, user: &str) -> String {
    let out = client(url, token, Some(user), json!([["peer__whoami", {}]])).await;
    let call = &out["calls"][0];
    assert_eq!(call["isError"], false, "{call}");
    let text = call["text"][0].as_str().expect("text");
    let who: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    who["key_suffix"].as_str().expect("suffix").to_owned()
}

#[tokio::test]
async fn each_call_carries_the_callers_own_credential_and_follows_a_removal() {
    let app = spawn_app().await;
    let peer = Peer::bearer(&[TENANT_KEY, ANN_KEY, MAX_KEY].join(","), false).await;
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    let max = Who::new(&app, "acme", "max@acme.test", Role::Member).await;
    app.user("acme", "zoe@acme.test", Role::Member).await;
    let (status, s) = ann
        .send(
            "POST",
            &ann.servers_path(),
            Some(
                json!({ "name": "Peer", "url": peer.url("/mcp"), "auth_type": "token",
                "credentials": TENANT_KEY }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{s}");
    let server = s["id"].as_i64().expect("id");
    let cookie = app.session("ann@acme.test").await;
    let tested = app
        .call("servers/test", Some(&cookie), json!({ "id": server }))
        .await;
    assert_eq!(tested.json()["ok"], true, "{}", tested.body);
    let c = ThinkWork::new(&app).await;
    let agent = agent_from_template(&c, &[(server, None)], "Desk").await;
    let url = format!("{}/mcp/agents/{agent}", app.base);
    let token = app.runtime_token("acme", "ann@acme.test").await;

    // Ann's and Max's own connections; Zoe has none.
    for (who, key) in [(&ann, ANN_KEY), (&max, MAX_KEY)] {
        let (status, made) = who
            .send(
                "POST",
                &who.base,
                Some(
                    json!({ "server": server, "auth_type": "token", "credentials": key,
                    "authorization_scheme": "Bearer" }),
                ),
            )
            .await;
        assert_eq!(status, 201, "{made}");
    }
    let suffix = |key: &str| key[key.len() - 4..].to_owned();
    let (ann_name, max_name, zoe_name) = (
        username_of("ann@acme.test"),
        username_of("max@acme.test"),
        username_of("zoe@acme.test"),
    );
    assert_eq!(key_seen(&url, &token, &ann_name).await, suffix(ANN_KEY));
    assert_eq!(key_seen(&url, &token, &max_name).await, suffix(MAX_KEY));
    assert_eq!(key_seen(&url, &token, &zoe_name).await, suffix(TENANT_KEY));
    assert_eq!(
        app.state.ports.mcp.pooled_sessions().0,
        3,
        "a session per credential, none shared"
    );

    // Max removes his: his next call is the tenant's.
    let (status, mine) = max.send("GET", &max.base, None).await;
    assert_eq!(status, 200, "{mine}");
    let id = mine["results"]
        .as_array()
        .or(mine.as_array())
        .and_then(|all| all.iter().find(|c| c["server"] == server))
        .map(|c| c["id"].clone())
        .unwrap_or_else(|| panic!("max's connection in {mine}"));
    let (status, gone) = max.send("DELETE", &max.item(&id), None).await;
    assert!((200..300).contains(&status), "{status} {gone}");
    assert_eq!(key_seen(&url, &token, &max_name).await, suffix(TENANT_KEY));
    assert_eq!(key_seen(&url, &token, &ann_name).await, suffix(ANN_KEY));
}
