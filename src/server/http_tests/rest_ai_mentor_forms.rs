//! Seed 000's write side as ibl.ai's clients send it: multipart (the npm
//! client), urlencoded and JSON (the Python client), read-only fields
//! present and ignored, extra headers, and an agent's own servers.

use serde_json::{Value, json};

use crate::domain::Role;
use crate::server::testing::{Peer, TestApp, spawn_app, username_of};

struct Admin<'a> {
    app: &'a TestApp,
    token: String,
    base: String,
}

impl<'a> Admin<'a> {
    async fn new(app: &'a TestApp) -> Admin<'a> {
        app.user("acme", "ann@acme.test", Role::Admin).await;
        Admin {
            app,
            token: app.token("acme", "ann@acme.test").await,
            base: format!(
                "{}/api/ai-mentor/orgs/acme/users/{}/mcp-servers/",
                app.base,
                username_of("ann@acme.test")
            ),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let r = req
            .header("authorization", format!("Api-Token {}", self.token))
            .send()
            .await
            .expect("request");
        let status = r.status().as_u16();
        let text = r.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    /// A multipart body as the npm client builds it: one text part per field.
    async fn multipart(
        &self,
        method: reqwest::Method,
        url: &str,
        fields: &[(&str, &str)],
    ) -> (u16, Value) {
        let boundary = "----sbBoundary7MA4YWxkTrZu0gW";
        let mut body = String::new();
        for (name, value) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let req = self
            .app
            .http
            .request(method, url)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        self.send(req).await
    }
}

#[tokio::test]
async fn multipart_urlencoded_and_empty_bodies_are_read_as_drf_does() {
    let app = spawn_app().await;
    let admin = Admin::new(&app).await;

    // The npm client: multipart, booleans as true/false, extra_headers as
    // JSON text, the read-only fields sent along and ignored.
    let (status, server) = admin
        .multipart(
            reqwest::Method::POST,
            &admin.base,
            &[
                ("id", "0"),
                ("platform", "0"),
                ("platform_key", ""),
                ("created_at", "2026-01-01T00:00:00+00:00"),
                ("mcp_server_connections", ""),
                ("name", "Drive"),
                ("url", "https://drive.example/mcp"),
                ("transport", "streamable_http"),
                ("auth_type", "none"),
                ("is_enabled", "true"),
                ("is_featured", "false"),
                ("extra_headers", r#"{"X-Client": "mentor-ui"}"#),
            ],
        )
        .await;
    assert_eq!(status, 201, "{server}");
    assert_eq!(server["extra_headers"], json!({ "X-Client": "mentor-ui" }));
    assert_eq!(
        (
            server["is_enabled"].as_bool(),
            server["is_featured"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert_ne!(server["id"], 0, "the id sent is ignored");
    assert_eq!(server["platform_key"], "acme");

    // The Python client with `_content_type` urlencoded: True/False.
    let req = app
        .http
        .post(&admin.base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=Jira&url=https%3A%2F%2Fjira.example%2Fmcp&is_enabled=False&is_featured=False");
    let (status, jira) = admin.send(req).await;
    assert_eq!(status, 201, "{jira}");
    assert_eq!(jira["is_enabled"], false);

    // A PATCH in multipart clears the headers with an empty value.
    let item = format!("{}{}/", admin.base, server["id"]);
    let (status, patched) = admin
        .multipart(
            reqwest::Method::PATCH,
            &item,
            &[("extra_headers", ""), ("is_enabled", "False")],
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        (&patched["extra_headers"], &patched["is_enabled"]),
        (&Value::Null, &json!(false))
    );

    // The Python client's default: JSON content type, no body at all. DRF
    // reads that as an empty object, so the answer names the missing fields.
    let req = app
        .http
        .post(&admin.base)
        .header("content-type", "application/json");
    let (status, errors) = admin.send(req).await;
    assert_eq!(status, 400);
    assert_eq!(
        errors,
        json!({ "name": ["This field is required."], "url": ["This field is required."] })
    );

    // Bad form values are named, and nothing is written.
    let (status, errors) = admin
        .multipart(
            reqwest::Method::POST,
            &admin.base,
            &[
                ("name", "Bad"),
                ("url", "https://bad.example"),
                ("is_enabled", "maybe"),
                ("extra_headers", "{'x': 'python repr'}"),
                ("oauth_service", "7"),
            ],
        )
        .await;
    assert_eq!(status, 400, "{errors}");
    assert_eq!(errors["is_enabled"], json!(["Must be a boolean."]));
    assert_eq!(
        errors["extra_headers"],
        json!(["Value must be valid JSON."])
    );
    let (_, list) = admin.send(app.http.get(&admin.base)).await;
    assert_eq!(list["count"], 2, "{list}");
}

#[tokio::test]
async fn extra_headers_are_sent_and_never_hold_a_credential() {
    let app = spawn_app().await;
    let admin = Admin::new(&app).await;
    let peer = Peer::bearer_with("hdr-key-1", false, Some("X-Client:mentor-ui")).await;
    let create = |headers: Value| {
        json!({ "name": "Headers", "url": peer.url("/mcp"), "auth_type": "token",
            "credentials": "hdr-key-1", "extra_headers": headers })
    };

    let (status, errors) = admin
        .send(
            app.http
                .post(&admin.base)
                .json(&create(json!({ "X-Api-Key": "s3cr3t" }))),
        )
        .await;
    assert_eq!(status, 400);
    let message = errors["extra_headers"][0].as_str().unwrap_or_default();
    assert!(message.contains("looks like a credential"), "{errors}");
    assert!(
        !errors.to_string().contains("s3cr3t"),
        "the value is not echoed"
    );
    let (status, errors) = admin
        .send(
            app.http
                .post(&admin.base)
                .json(&create(json!({ "Host": "evil.example" }))),
        )
        .await;
    assert_eq!(status, 400, "{errors}");
    let (status, errors) = admin
        .send(
            app.http
                .post(&admin.base)
                .json(&create(json!(["X-Client"]))),
        )
        .await;
    assert_eq!(status, 400, "{errors}");

    // Without the header the peer refuses; with it, the test passes.
    let (status, bare) = admin
        .send(app.http.post(&admin.base).json(&create(Value::Null)))
        .await;
    assert_eq!(status, 201, "{bare}");
    let test = |id: &Value| {
        app.http
            .post(format!("{}/api/skills/mcp-servers/{id}/test", app.base))
            .header("x-tenant-slug", "acme")
            .header("authorization", format!("Token {}", admin.token))
            .send()
    };
    let refused: Value = test(&bare["id"])
        .await
        .expect("test")
        .json()
        .await
        .expect("json");
    assert_eq!(refused["ok"], false, "{refused}");
    let item = format!("{}{}/", admin.base, bare["id"]);
    let (status, patched) = admin
        .send(
            app.http
                .patch(&item)
                .json(&json!({ "extra_headers": { "X-Client": "mentor-ui" } })),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    let passed: Value = test(&bare["id"])
        .await
        .expect("test")
        .json()
        .await
        .expect("json");
    assert_eq!(passed["ok"], true, "{passed}");
}

#[tokio::test]
async fn a_server_can_be_one_agents_own() {
    let app = spawn_app().await;
    let admin = Admin::new(&app).await;
    let agent = app.agent("acme", "Support").await;
    let uid = agent.to_string();

    let (status, server) = admin
        .send(app.http.post(&admin.base).json(&json!({
            "name": "Zendesk", "url": "https://zendesk.example/mcp", "mentor": uid.to_uppercase()
        })))
        .await;
    assert_eq!(status, 201, "{server}");
    assert_eq!(server["mentor"], json!(uid), "stored in canonical form");

    // Another tenant's (or no) agent is a field error.
    for bad in ["3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b", "not-a-uuid"] {
        let (status, errors) = admin
            .send(app.http.post(&admin.base).json(&json!({
                "name": "X", "url": "https://x.example", "mentor": bad
            })))
            .await;
        assert_eq!(status, 400, "{bad}: {errors}");
        assert!(errors["mentor"].is_array(), "{errors}");
    }

    // The agent cannot go while it owns a server; once shared, it can.
    let delete =
        crate::server::services::agents::delete(&app.state.ports, &admin_actor(&app).await, &agent)
            .await;
    assert!(
        matches!(&delete, Err(crate::server::error::ServiceError::Invalid(f)) if f[0].message.contains("servers of its own")),
        "{delete:?}"
    );
    let item = format!("{}{}/", admin.base, server["id"]);
    let (status, shared) = admin
        .send(app.http.patch(&item).json(&json!({ "mentor": "" })))
        .await;
    assert_eq!((status, &shared["mentor"]), (200, &Value::Null), "{shared}");
    crate::server::services::agents::delete(&app.state.ports, &admin_actor(&app).await, &agent)
        .await
        .expect("deleted once it owns nothing");

    // Only the global platform (`main`) may feature a server.
    let (status, errors) = admin
        .send(app.http.post(&admin.base).json(&json!({
            "name": "Featured", "url": "https://f.example/mcp", "is_featured": true
        })))
        .await;
    assert_eq!(status, 400, "{errors}");
    assert_eq!(
        errors["is_featured"],
        json!(["Only the global platform's admins may feature a server."])
    );
}

async fn admin_actor(app: &TestApp) -> crate::server::auth::Actor {
    let token = app.token("acme", "ann@acme.test").await;
    crate::server::services::tokens::actor_for_token(&app.state.ports, &token, "127.0.0.1", 100)
        .await
        .expect("actor")
}
