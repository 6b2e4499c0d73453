//! Who may ask the agent gateway, checked before any MCP is spoken: a
//! runtime token of the agent's tenant, the agent its tenant's, the user a
//! member; no user token and no session cookie.

use serde_json::json;

use super::gateway::{World, world};
use crate::domain::Role;

#[tokio::test]
async fn who_may_ask_is_checked_before_any_mcp() {
    let World {
        app,
        agent: a,
        token: runtime,
        _peers,
        user: _,
    } = world().await;
    app.user("globex", "admin@globex.test", Role::Admin).await;
    let other = app.runtime_token("globex", "admin@globex.test").await;
    let personal = app.token("acme", "admin@acme.test").await;
    let cookie = app.session("admin@acme.test").await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {} });
    let path = format!("/mcp/agents/{}", a.uid);
    let ask = |auth: Option<String>, path: String, headers: Vec<(&'static str, String)>| {
        let app = &app;
        let list = list.clone();
        async move {
            let mut request = app
                .http
                .post(format!("{}{path}", app.base))
                .header("accept", "application/json, text/event-stream")
                .header("content-type", "application/json")
                .header("mcp-protocol-version", "2025-11-25")
                .body(list.to_string());
            if let Some(auth) = auth {
                request = request.header("authorization", auth);
            }
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let reply = request.send().await.expect("the gateway");
            let status = reply.status().as_u16();
            (status, reply.text().await.unwrap_or_default())
        }
    };
    let bearer = |t: &str| Some(format!("Bearer {t}"));
    assert_eq!(ask(None, path.clone(), vec![]).await.0, 401);
    assert_eq!(
        ask(bearer("sb_rt_not-a-token"), path.clone(), vec![])
            .await
            .0,
        401
    );
    assert_eq!(
        ask(None, path.clone(), vec![("cookie", cookie)]).await.0,
        401,
        "a session cookie is not a runtime token"
    );
    assert_eq!(
        ask(bearer(&personal), path.clone(), vec![]).await.0,
        403,
        "a user's token is not a runtime token"
    );
    assert_eq!(
        ask(bearer(&other), path.clone(), vec![]).await.0,
        404,
        "another tenant's runtime token does not see this agent"
    );
    assert_eq!(
        ask(bearer(&runtime), "/mcp/agents/not-a-uuid".into(), vec![])
            .await
            .0,
        404
    );
    let (status, body) = ask(
        bearer(&runtime),
        path.clone(),
        vec![("x-switchboard-user", "nobody-here".into())],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = ask(bearer(&runtime), path, vec![]).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("everything__echo"), "{body}");
}
