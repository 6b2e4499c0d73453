//! Seed 000's server list as ibl.ai's clients read it: DRF page envelopes,
//! `page`/`page_size`, django-filter query filters, absolute `next` and
//! `previous` links, and DRF's errors for a bad page or filter. The admin is
//! the global platform's (`main`), the one tenant that may feature a server.

use serde_json::{Value, json};

use crate::domain::Role;
use crate::server::testing::{TestApp, spawn_app, username_of};

struct Admin<'a> {
    app: &'a TestApp,
    auth: String,
    base: String,
    /// An agent that owns one server, "Slack".
    agent: String,
}

impl Admin<'_> {
    async fn get(&self, query: &str) -> (u16, Value) {
        self.app
            .rest_json(
                "GET",
                &format!("{}{query}", self.base),
                Some(&self.auth),
                &[],
                None,
            )
            .await
    }
}

fn names(page: &Value) -> Vec<&str> {
    page["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect()
}

async fn admin(app: &TestApp) -> Admin<'_> {
    app.user("main", "ann@acme.test", Role::Admin).await;
    let token = app.token("main", "ann@acme.test").await;
    let agent = app.agent("main", "Support").await;
    let admin = Admin {
        app,
        auth: format!("Api-Token {token}"),
        base: format!(
            "/api/ai-mentor/orgs/main/users/{}/mcp-servers/",
            username_of("ann@acme.test")
        ),
        agent: agent.to_string(),
    };
    for (name, url, transport, auth_type, enabled, featured) in [
        (
            "GitHub",
            "https://github.example/mcp",
            "streamable_http",
            "none",
            true,
            false,
        ),
        (
            "Drive",
            "https://drive.example/sse",
            "sse",
            "oauth2",
            true,
            true,
        ),
        (
            "Jira",
            "https://jira.example/mcp",
            "streamable_http",
            "token",
            false,
            false,
        ),
        (
            "Slack",
            "wss://slack.example/ws",
            "websocket",
            "none",
            true,
            false,
        ),
        (
            "Git LFS",
            "https://lfs.example/mcp",
            "streamable_http",
            "none",
            true,
            false,
        ),
    ] {
        let mut body = json!({ "name": name, "url": url, "transport": transport,
            "auth_type": auth_type, "is_enabled": enabled, "is_featured": featured });
        if name == "Slack" {
            body["mentor_unique_id"] = json!(admin.agent);
            body["auth_scope"] = json!("mentor");
        }
        let (status, body) = app
            .rest_json("POST", &admin.base, Some(&admin.auth), &[], Some(body))
            .await;
        assert_eq!(status, 201, "{body}");
        if name == "Slack" {
            assert_eq!(body["mentor"], json!(admin.agent), "{body}");
            assert_eq!(body["auth_scope"], "mentor", "{body}");
        }
    }
    admin
}

#[tokio::test]
async fn lists_are_drf_pages_with_absolute_links() {
    let app = spawn_app().await;
    let admin = admin(&app).await;

    let (status, all) = admin.get("").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all["count"], 5);
    assert_eq!(
        (&all["next"], &all["previous"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(
        names(&all),
        ["GitHub", "Drive", "Jira", "Slack", "Git LFS"],
        "oldest first"
    );

    let (_, first) = admin.get("?page_size=2").await;
    assert_eq!(
        (first["count"].as_u64(), names(&first)),
        (Some(5), vec!["GitHub", "Drive"])
    );
    let next = first["next"].as_str().expect("next").to_owned();
    assert!(next.starts_with("http://127.0.0.1:"), "absolute: {next}");
    assert!(
        next.ends_with(&format!("{}?page_size=2&page=2", admin.base)),
        "{next}"
    );
    assert_eq!(first["previous"], Value::Null);

    // Follow the links the way a client does: by their full URL.
    let path = next
        .split_once("/api/")
        .map(|(_, p)| format!("/api/{p}"))
        .expect("path");
    let (_, second) = app
        .rest_json("GET", &path, Some(&admin.auth), &[], None)
        .await;
    assert_eq!(names(&second), ["Jira", "Slack"]);
    assert!(
        second["previous"]
            .as_str()
            .expect("previous")
            .ends_with("?page_size=2")
    );
    let (_, last) = admin.get("?page_size=2&page=3").await;
    assert_eq!(
        (names(&last), &last["next"]),
        (vec!["Git LFS"], &Value::Null)
    );

    for past in ["?page_size=2&page=4", "?page=0", "?page=last"] {
        assert_eq!(
            admin.get(past).await,
            (404, json!({ "detail": "Invalid page." })),
            "{past}"
        );
    }
    // A size past the cap is cut to it; a nonsense one is the default.
    let (_, big) = admin.get("?page_size=100000").await;
    assert_eq!(big["count"], 5);
    assert_eq!(admin.get("?page_size=zero").await.0, 200);
}

#[tokio::test]
async fn lists_filter_as_django_filter_does() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let agent = admin.agent.clone();
    let mentor = format!("?mentor_unique_id={agent}");
    let mentor_and_shared = format!("?mentor_unique_id={agent}&include_global=true");
    let other_agent = "?mentor_unique_id=3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b".to_owned();
    let other_and_shared = format!("{other_agent}&include_global=True");
    for (query, want) in [
        ("?search=git", vec!["GitHub", "Git LFS"]),
        ("?search=SLACK.example", vec!["Slack"]),
        ("?search=%25", vec![]),
        ("?transport=sse", vec!["Drive"]),
        ("?transport=streamable_http&is_enabled=false", vec!["Jira"]),
        ("?auth_type=oauth2", vec!["Drive"]),
        ("?is_featured=true", vec!["Drive"]),
        ("?is_enabled=False&search=j", vec!["Jira"]),
        ("?url=https%3A%2F%2Fjira.example%2Fmcp", vec!["Jira"]),
        ("?url=https%3A%2F%2Fjira.example", vec![]),
        ("?auth_scope=platform&page_size=1", vec!["GitHub"]),
        ("?auth_scope=mentor", vec!["Slack"]),
        ("?auth_scope=user", vec![]),
        (mentor.as_str(), vec!["Slack"]),
        (
            mentor_and_shared.as_str(),
            vec!["GitHub", "Drive", "Jira", "Slack", "Git LFS"],
        ),
        (other_agent.as_str(), vec![]),
        (
            other_and_shared.as_str(),
            vec!["GitHub", "Drive", "Jira", "Git LFS"],
        ),
        ("?unknown=1&search=slack", vec!["Slack"]),
    ] {
        let (status, page) = admin.get(query).await;
        assert_eq!(status, 200, "{query}: {page}");
        assert_eq!(names(&page), want, "{query}");
        if query.contains("page_size=1") {
            assert_eq!(page["count"], 4, "{query}");
        } else {
            assert_eq!(page["count"].as_u64(), Some(want.len() as u64), "{query}");
        }
    }
    let (status, errors) = admin
        .get("?transport=ftp&is_enabled=maybe&mentor_unique_id=42")
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        errors,
        json!({
            "transport": ["Select a valid choice. ftp is not one of the available choices."],
            "is_enabled": ["Select a valid choice. maybe is not one of the available choices."],
            "mentor_unique_id": ["Enter a valid UUID."],
        })
    );
}
