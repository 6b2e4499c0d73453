//! The tenant-isolation matrix. The routes come from the OpenAPI document
//! (REST) and from the server-function registry, so a new route without an
//! entry in [`spec`] fails this test instead of skipping it. Every route is
//! called as: nobody (401), a malformed, an unknown and a revoked token (401;
//! server functions refuse even a valid token), a member on an admin-only
//! route (403), and another tenant's admin (404 for anything of the first
//! tenant's; its own lists show none of it). A runtime token is refused by
//! every REST route (403) and server function (401); the runtime API refuses
//! users' tokens (403) and another tenant's runtime token (404). REST calls
//! carry tokens, server functions the browser's session cookie. No response
//! may ever carry the first tenant's names, key or ids.

use serde_json::{Value, json};

mod routes;
mod world;

use routes::{Access, Spec, Target, routes, spec};
use world::{A_AGENT, A_OAUTH_PROVIDER, A_OAUTH_SERVICE, A_SERVER, World, leaks, seed};

use crate::server::testing::{TestApp, postgres_url, spawn_app, spawn_app_with, username_of};

/// One concrete request: path with its placeholders filled, tenant header.
struct Call {
    method: String,
    path: String,
    tenant_header: Option<&'static str>,
    body: Option<Value>,
}

fn concrete(
    method: &str,
    template: &str,
    spec: &Spec,
    org: &'static str,
    user: &str,
    id: i64,
    world: &World,
) -> Call {
    let path = template
        .replace("{org}", org)
        .replace("{user_id}", user)
        .replace("{id}", &id.to_string())
        .replace("{sid}", &world.a_server.to_string())
        .replace("{agent_id}", &world.a_agent)
        .replace("{agent}", &world.a_agent)
        .replace("{service_name}", A_OAUTH_SERVICE)
        .replace("{provider}", A_OAUTH_PROVIDER)
        .replace("{service}", A_OAUTH_SERVICE);
    let rest_body = (method != "GET" && method != "DELETE")
        .then(|| json!({ "name": "Intruder", "url": "https://intruder.example" }));
    Call {
        method: method.to_owned(),
        tenant_header: template.starts_with("/api/skills/").then_some(org),
        body: spec.body.clone().or(rest_body),
        path,
    }
}

/// `auth` is an `Authorization` value, or `cookie:<Cookie header>`.
async fn send(app: &TestApp, call: &Call, auth: Option<&str>) -> crate::server::testing::Reply {
    let mut headers: Vec<(&str, &str)> = call
        .tenant_header
        .map(|t| ("x-tenant-slug", t))
        .into_iter()
        .collect();
    let auth = match auth.map(|a| a.strip_prefix("cookie:").ok_or(a)) {
        Some(Ok(cookie)) => {
            headers.push(("cookie", cookie));
            None
        }
        Some(Err(value)) => Some(value),
        None => None,
    };
    app.rest(&call.method, &call.path, auth, &headers, call.body.clone())
        .await
}

type Case = (Call, Option<String>, u16, String);

async fn run_cases(
    app: &TestApp,
    world: &World,
    template: &str,
    cases: Vec<Case>,
    failures: &mut Vec<String>,
    checked: &mut usize,
) {
    for (call, auth, want, label) in cases {
        let reply = send(app, &call, auth.as_deref()).await;
        *checked += 1;
        if reply.status != want {
            failures.push(format!(
                "{label}: expected {want}, got {} {}",
                reply.status, reply.body
            ));
        }
        if let Some(what) = leaks(&reply.body, world, template.contains("servers")) {
            failures.push(format!(
                "{label}: the response carries {what}: {}",
                reply.body
            ));
        }
    }
}

async fn run_matrix(app: &TestApp) {
    let world = seed(app).await;
    let mut missing = Vec::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    let all = routes();
    let route_count = all.len();
    // Server functions take the browser's session; everything else is REST.
    let server_fns: std::collections::HashSet<(String, String)> =
        leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| (method.to_string(), path.to_owned()))
            .collect();
    let member_user = username_of("max@acme.test");
    let b_user = username_of("bob@globex.test");
    let a_user = username_of("ann@acme.test");
    for (method, template) in all {
        let Some(spec) = spec(
            &method,
            &template,
            world.a_server,
            world.a_token_id,
            &world.a_agent,
            world.a_connection,
            world.a_template,
        ) else {
            missing.push(format!("{method} {template}"));
            continue;
        };
        if spec.access == Access::Public {
            continue;
        }
        let id = match spec.target {
            Target::Token => world.a_token_id,
            Target::Connection => world.a_connection,
            Target::Template => world.a_template,
            Target::Grant => world.a_grant,
            _ => world.a_server,
        };
        let expect = |call: Call, auth: Option<String>, want: u16, who: &str| {
            (call, auth, want, format!("{who}: {method} {template}"))
        };
        let own = concrete(&method, &template, &spec, "acme", &a_user, id, &world);
        let is_rest = !server_fns.contains(&(method.clone(), template.clone()));
        let mut cases = vec![
            expect(
                concrete(&method, &template, &spec, "acme", &a_user, id, &world),
                None,
                401,
                "nobody",
            ),
            expect(
                concrete(&method, &template, &spec, "acme", &a_user, id, &world),
                Some("Token sbt_not-a-real-token".into()),
                401,
                "malformed token",
            ),
            expect(
                own,
                Some(format!("Token {}", world.revoked)),
                401,
                "revoked token",
            ),
            expect(
                concrete(&method, &template, &spec, "acme", &a_user, id, &world),
                Some(format!("Token sbt_{}", "0".repeat(48))),
                401,
                "unknown well-formed token",
            ),
        ];
        if !is_rest {
            cases.push(expect(
                concrete(&method, &template, &spec, "acme", &a_user, id, &world),
                Some(format!("Token {}", world.a_admin)),
                401,
                "an admin's valid token on a server function",
            ));
            cases.push(expect(
                concrete(&method, &template, &spec, "acme", &a_user, id, &world),
                Some(format!("Token {}", world.a_runtime)),
                401,
                "a runtime token on a server function",
            ));
        }
        if spec.access == Access::Runtime {
            for (token, who) in [
                (&world.a_admin, "an admin's user token on the runtime API"),
                (&world.a_member, "a member's user token on the runtime API"),
            ] {
                cases.push(expect(
                    concrete(&method, &template, &spec, "acme", &a_user, id, &world),
                    Some(format!("Bearer {token}")),
                    403,
                    who,
                ));
            }
            cases.push(expect(
                concrete(&method, &template, &spec, "acme", &a_user, id, &world),
                Some(format!("Bearer {}", world.b_runtime)),
                404,
                "tenant B's runtime token with tenant A's server",
            ));
            run_cases(app, &world, &template, cases, &mut failures, &mut checked).await;
            continue;
        }
        if is_rest {
            cases.push(expect(
                concrete(&method, &template, &spec, "acme", &a_user, id, &world),
                Some(format!("Token {}", world.a_runtime)),
                403,
                "tenant A's runtime token on a REST route",
            ));
        }
        let (member, b) = if is_rest {
            (
                format!("Bearer {}", world.a_member),
                format!("Token {}", world.b_admin),
            )
        } else {
            (world.a_member_cookie.clone(), world.b_admin_cookie.clone())
        };
        let b = Some(b);
        if spec.access == Access::Admin {
            cases.push(expect(
                concrete(&method, &template, &spec, "acme", &member_user, id, &world),
                Some(member),
                403,
                "member on an admin route",
            ));
        }
        if is_rest {
            // Naming tenant A (by header or path) is answered as if it did not exist.
            cases.push(expect(
                concrete(&method, &template, &spec, "acme", &b_user, id, &world),
                b.clone(),
                404,
                "tenant B naming tenant A",
            ));
        }
        if spec.target != Target::Collection {
            // Tenant B's own scope, tenant A's id.
            cases.push(expect(
                concrete(&method, &template, &spec, "globex", &b_user, id, &world),
                b.clone(),
                404,
                "tenant B with tenant A's id",
            ));
        }
        if spec.target == Target::Collection && (method != "POST" || template.ends_with("/list")) {
            cases.push(expect(
                concrete(&method, &template, &spec, "globex", &b_user, id, &world),
                b.clone(),
                200,
                "tenant B's own list",
            ));
        }
        run_cases(app, &world, &template, cases, &mut failures, &mut checked).await;
    }
    assert!(
        missing.is_empty(),
        "routes without an isolation-matrix entry: {missing:#?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} calls failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked > 80,
        "only {checked} calls: did the route list shrink?"
    );
    eprintln!("isolation matrix: {checked} calls over {route_count} routes, all as expected");

    // Nothing of tenant A's was changed by any of it.
    let a = format!("Token {}", world.a_admin);
    let list = app
        .rest(
            "GET",
            "/api/skills/mcp-servers",
            Some(&a),
            &[("x-tenant-slug", "acme")],
            None,
        )
        .await
        .json();
    let list = &list["servers"];
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["name"], A_SERVER);
    assert_eq!(list[0]["enabled"], true);
    let acme = app
        .state
        .ports
        .store
        .tenant_by_slug("acme")
        .await
        .expect("q")
        .expect("acme");
    let agents = app
        .state
        .ports
        .store
        .list_agents(acme.id)
        .await
        .expect("agents");
    let names: Vec<_> = agents.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, [A_AGENT], "tenant A's agents were changed");
}

#[tokio::test]
async fn isolation_matrix_on_sqlite() {
    run_matrix(&spawn_app().await).await;
}

#[tokio::test]
async fn isolation_matrix_on_postgres() {
    let Some(url) = postgres_url().await else {
        return;
    };
    run_matrix(&spawn_app_with(Some(url)).await).await;
}
