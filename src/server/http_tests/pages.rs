//! The admin pages as the server renders them: a list is drawn from its URL
//! (sort, page, filter), with links to its other states, inside the island
//! that keeps it live; a member sees no admin controls.

use super::{admin, register_body};
use crate::domain::Role;
use crate::server::testing::{TestApp, spawn_app};

async fn register(app: &TestApp, cookie: &str, name: &str) {
    let r = app
        .call(
            "servers/register",
            Some(cookie),
            register_body(name, "https://mcp.example/mcp", None),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Where each of `names` first appears in `body`.
fn order(body: &str, names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .map(|n| {
            body.find(&format!("aria-label=\"{n}\""))
                .unwrap_or_else(|| panic!("{n} is not on the page"))
        })
        .collect()
}

#[tokio::test]
async fn the_servers_list_is_rendered_from_its_url() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    for name in ["list-a", "list-b", "list-c", "other"] {
        register(&app, &cookie, name).await;
    }

    let page = app.get("/mcp-servers?dir=desc&q=list", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;
    // Filtered and sorted on the server: newest name first, `other` left out.
    let at = order(body, &["list-c", "list-b", "list-a"]);
    assert!(at[0] < at[1] && at[1] < at[2], "{at:?}");
    assert!(!body.contains("aria-label=\"other\""));
    assert!(body.contains("aria-sort=\"descending\""));
    // The Name header leads back to ascending, the filter kept; the form
    // carries the sort so a new filter keeps it.
    assert!(body.contains("href=\"/mcp-servers?q=list\""), "{body}");
    assert!(body.contains("name=\"dir\" value=\"desc\""));
    assert!(body.contains("value=\"list\""));
    assert!(body.contains("3 servers") && body.contains("Page 1 of 1"));
    // One page only: neither step is a link.
    assert!(!body.contains("?page=2"));
    // The island that keeps it live, and the admin's Register button in it.
    assert!(body.contains("data-component=\"ServersList_"), "{body}");
    assert!(body.contains("data-register"));

    // Past the end: the last page is offered, as a link.
    let past = app.get("/mcp-servers?page=9&q=list", Some(&cookie)).await;
    assert!(past.body.contains("Nothing on this page"), "{}", past.body);
    assert!(past.body.contains("href=\"/mcp-servers?q=list\""));

    // A member reads the same list, without the Register button.
    app.user("acme", "mia@acme.test", Role::Member).await;
    let member = app.session("mia@acme.test").await;
    let seen = app.get("/mcp-servers", Some(&member)).await;
    assert!(seen.body.contains("aria-label=\"list-a\""));
    assert!(!seen.body.contains("data-register"));
}

#[tokio::test]
async fn the_audit_log_is_rendered_from_its_url() {
    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    register(&app, &cookie, "audited").await;

    let page = app
        .get("/audit?action=server.register", Some(&cookie))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Server registered"));
    assert!(page.body.contains("audited"));
    // The filter shows the chosen action as the server rendered it.
    let option = page
        .body
        .find("value=\"server.register\"")
        .map(|at| &page.body[at..(at + 40).min(page.body.len())]);
    assert!(option.is_some_and(|o| o.contains("selected")), "{option:?}");
    assert!(
        page.body.contains("data-component=\"LivePage_"),
        "{}",
        page.body
    );

    let none = app.get("/audit?action=key.rotate", Some(&cookie)).await;
    assert!(none.body.contains("No events"), "{}", none.body);
}

/// The agents page and a template's page carry their forms as live-form
/// markup (see `app::components::live_form`): each posts to its server
/// function, says where a field's refusal goes, and the sync plan is the
/// page itself with `&plan=1`.
#[tokio::test]
async fn the_form_pages_render_their_forms_for_the_live_list() {
    use serde_json::json;

    let app = spawn_app().await;
    let cookie = admin(&app, "acme").await;
    let made = app
        .call(
            "agents/create",
            Some(&cookie),
            json!({ "agent": { "name": "Rendered Bot" } }),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let uid = made.json()["unique_id"].as_str().expect("uid").to_owned();

    let page = app.get("/agents", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;
    assert!(body.contains("data-component=\"LivePage_"), "{body}");
    assert!(
        body.contains("data-live-form=\"/api/agents/create\""),
        "{body}"
    );
    assert!(body.contains("data-error-for=\"name\""), "{body}");
    assert!(body.contains("data-live-form=\"/api/agents/rename\""));
    assert!(body.contains(&format!("data-open=\"rename-{uid}\"")));
    assert!(body.contains(&format!("data-copy=\"{uid}\"")));

    // A member gets the list and the copy button, no form.
    app.user("acme", "mia@acme.test", Role::Member).await;
    let member = app.session("mia@acme.test").await;
    let seen = app.get("/agents", Some(&member)).await;
    assert!(seen.body.contains("Rendered Bot"), "{}", seen.body);
    assert!(!seen.body.contains("data-live-form=\"/api/agents/"));

    let template = app
        .call(
            "templates/create",
            Some(&cookie),
            json!({ "template": { "name": "Rendered" } }),
        )
        .await;
    let id = template.json()["id"].as_i64().expect("template id");
    let agent = app
        .call(
            "templates/create-agent",
            Some(&cookie),
            json!({ "id": id, "agent": { "name": "From Rendered" } }),
        )
        .await;
    assert_eq!(agent.status, 200, "{}", agent.body);
    let plain = app
        .get(&format!("/agent-templates?id={id}"), Some(&cookie))
        .await;
    assert!(plain.body.contains("Sync to 1 agent"), "{}", plain.body);
    assert!(!plain.body.contains("aria-label=\"Sync plan\""));
    let plan = app
        .get(&format!("/agent-templates?id={id}&plan=1"), Some(&cookie))
        .await;
    assert!(
        plan.body.contains("aria-label=\"Sync plan\""),
        "{}",
        plan.body
    );
    assert!(plan.body.contains("From Rendered"));
    assert!(plan.body.contains("data-live-form=\"/api/templates/sync\""));
    // A member asking for the plan is shown none.
    let asked = app
        .get(&format!("/agent-templates?id={id}&plan=1"), Some(&member))
        .await;
    assert!(
        !asked.body.contains("aria-label=\"Sync plan\""),
        "{}",
        asked.body
    );
}
