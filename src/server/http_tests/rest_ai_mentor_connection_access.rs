//! Seed 000's connections: who may see and change which (members only their
//! own user connections), the list's filters, and featured servers of the
//! global platform bound by another tenant.

use serde_json::json;

use super::rest_ai_mentor_connections::{Who, agent};
use crate::domain::Role;
use crate::server::testing::spawn_app;

#[tokio::test]
async fn members_manage_only_their_own_and_lists_filter() {
    let app = spawn_app().await;
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    let max = Who::new(&app, "acme", "max@acme.test", Role::Member).await;
    let drive = ann.server("Drive", false).await;
    let jira = ann.server("Jira", false).await;
    let mentor = agent(&app, "acme", "Support").await;

    let (status, tenant_wide) = ann
        .send(
            "POST",
            &ann.base,
            Some(json!({ "server": drive, "scope": "platform", "auth_type": "token", "credentials": "t" })),
        )
        .await;
    assert_eq!(status, 201, "{tenant_wide}");
    // A member connects themselves (scope defaults to user, user to the caller).
    let (status, own) = max
        .send(
            "POST",
            &max.base,
            Some(json!({ "server": drive, "auth_type": "token", "credentials": "mine" })),
        )
        .await;
    assert_eq!(status, 201, "{own}");
    assert_eq!(
        (&own["scope"], &own["user"]),
        (&json!("user"), &json!("max-acme-test"))
    );
    // …but makes nothing shared, and no one else's.
    for body in [
        json!({ "server": drive, "scope": "platform", "auth_type": "none" }),
        json!({ "server": drive, "scope": "user", "user": "ann-acme-test", "auth_type": "none" }),
    ] {
        assert_eq!(max.send("POST", &max.base, Some(body)).await.0, 403);
    }
    // An admin may connect a member; not a stranger.
    let (status, for_max) = ann
        .send(
            "POST",
            &ann.base,
            Some(
                json!({ "server": jira, "scope": "user", "user": "max-acme-test",
                "auth_type": "none", "is_active": false }),
            ),
        )
        .await;
    assert_eq!(
        (status, &for_max["user"]),
        (201, &json!("max-acme-test")),
        "{for_max}"
    );
    let (status, errors) = ann
        .send(
            "POST",
            &ann.base,
            Some(json!({ "server": jira, "scope": "user", "user": "nobody", "auth_type": "none" })),
        )
        .await;
    assert_eq!(status, 400, "{errors}");
    let (status, m) = ann
        .send(
            "POST",
            &ann.base,
            Some(
                json!({ "server": jira, "scope": "mentor", "mentor": mentor, "auth_type": "none" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{m}");

    // The member sees their own user connections only; the tenant's is 404.
    let (_, mine) = max.send("GET", &max.base, None).await;
    assert_eq!(mine["count"], 2, "{mine}");
    assert_eq!(
        max.send("GET", &max.item(&tenant_wide["id"]), None).await.0,
        404
    );
    assert_eq!(
        max.send(
            "PATCH",
            &max.item(&tenant_wide["id"]),
            Some(json!({ "is_active": false }))
        )
        .await
        .0,
        404
    );
    let (status, toggled) = max
        .send(
            "PATCH",
            &max.item(&own["id"]),
            Some(json!({ "is_active": false })),
        )
        .await;
    assert_eq!((status, &toggled["is_active"]), (200, &json!(false)));

    let count = |q: &'static str| {
        let ann = &ann;
        async move {
            let (status, page) = ann.send("GET", &format!("{}{q}", ann.base), None).await;
            assert_eq!(status, 200, "{q}: {page}");
            page["count"].as_u64().expect("count")
        }
    };
    assert_eq!(count("").await, 4);
    assert_eq!(count("?scope=user").await, 2);
    assert_eq!(count("?scope=mentor").await, 1);
    assert_eq!(count("?is_active=false").await, 2);
    assert_eq!(count("?auth_type=token").await, 2);
    assert_eq!(count("?search=jir").await, 2);
    assert_eq!(count("?user=max-acme-test").await, 2);
    let by_server = format!("?server={drive}");
    let (_, page) = ann
        .send("GET", &format!("{}{by_server}", ann.base), None)
        .await;
    assert_eq!(page["count"], 2, "{page}");
    let by_mentor = format!("?mentor={mentor}");
    let (_, page) = ann
        .send("GET", &format!("{}{by_mentor}", ann.base), None)
        .await;
    assert_eq!(page["count"], 1, "{page}");
    let (status, errors) = ann
        .send("GET", &format!("{}?scope=tenant&server=x", ann.base), None)
        .await;
    assert_eq!(status, 400, "{errors}");
    assert!(
        errors["scope"].is_array() && errors["server"].is_array(),
        "{errors}"
    );
}

#[tokio::test]
async fn featured_global_servers_can_be_bound_by_any_tenant() {
    let app = spawn_app().await;
    let root = Who::new(&app, "main", "root@main.test", Role::Admin).await;
    let ann = Who::new(&app, "acme", "ann@acme.test", Role::Admin).await;
    let featured = root.server("Search", true).await;
    let private = root.server("Internal", false).await;
    let (status, c) = ann
        .send(
            "POST",
            &ann.base,
            Some(json!({ "server": featured, "scope": "platform", "auth_type": "token", "credentials": "acme-key" })),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(
        (&c["server_name"], &c["platform_key"]),
        (&json!("Search"), &json!("acme"))
    );
    let (status, errors) = ann
        .send(
            "POST",
            &ann.base,
            Some(json!({ "server": private, "scope": "platform", "auth_type": "none" })),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        errors["server"],
        json!(["Selected MCP server is not available to the current tenant."])
    );
    // The global platform does not see acme's connection.
    let (_, theirs) = root.send("GET", &root.base, None).await;
    assert_eq!(theirs["count"], 0, "{theirs}");
}
