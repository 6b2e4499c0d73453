//! The store contract: every test here runs against SQLite and PostgreSQL.

use chrono::{Duration, SubsecRound, Utc};
use std::sync::Arc;

use super::*;
use crate::domain::{AuthType, ErrorClass, ListQuery, Role, ServerSort, SortDir, Transport};

/// Generates one `#[tokio::test]` per backend for each contract function.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(crate::server::testing::sqlite_store().await).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(store) = crate::server::testing::postgres_store().await {
                        super::$name(store).await;
                    }
                }
            )*
        }
    };
}

contract!(
    tenants_are_unique_by_slug,
    users_are_found_by_email_case_insensitively,
    memberships_carry_roles,
    sessions_expire,
    auth_failures_are_counted_in_a_window,
    servers_round_trip,
    servers_are_invisible_across_tenants,
    server_names_are_unique_per_tenant_only,
    listing_pages_sorts_and_filters,
    test_snapshots_are_stored,
    secrets_round_trip,
    pinging_works,
);

async fn tenant(store: &dyn Store, slug: &str) -> TenantRecord {
    store.create_tenant(slug, slug).await.expect("tenant")
}

fn new_server(tenant_id: i64, name: &str) -> NewServerRecord {
    NewServerRecord {
        tenant_id,
        name: name.to_owned(),
        slug: crate::domain::server::slugify(name),
        url: format!(
            "https://{}.example/mcp",
            crate::domain::server::slugify(name)
        ),
        transport: Transport::StreamableHttp,
        auth_type: AuthType::None,
        enabled: true,
        secret_ref: None,
        now: Utc::now(),
    }
}

async fn pinging_works(store: Arc<dyn Store>) {
    store.ping().await.expect("ping");
}

async fn tenants_are_unique_by_slug(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "acme").await;
    assert_eq!(
        store.tenant_by_slug("acme").await.expect("q"),
        Some(t.clone())
    );
    assert_eq!(store.tenant_by_id(t.id).await.expect("q"), Some(t));
    let dup = store.create_tenant("acme", "Other").await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");
    assert_eq!(store.tenant_by_slug("nope").await.expect("q"), None);
}

async fn users_are_found_by_email_case_insensitively(store: Arc<dyn Store>) {
    assert_eq!(store.count_users().await.expect("count"), 0);
    let user = store
        .create_user(&NewUserRecord {
            username: "alice".into(),
            email: "Alice@Example.com".into(),
            password_hash: "hash".into(),
        })
        .await
        .expect("user");
    assert_eq!(user.email, "alice@example.com");
    let found = store
        .user_by_email("ALICE@example.COM")
        .await
        .expect("q")
        .expect("found");
    assert_eq!(found.id, user.id);
    assert_eq!(store.count_users().await.expect("count"), 1);
    let dup = store
        .create_user(&NewUserRecord {
            username: "alice2".into(),
            email: "alice@example.com".into(),
            password_hash: "h".into(),
        })
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })));
}

async fn memberships_carry_roles(store: Arc<dyn Store>) {
    let a = tenant(store.as_ref(), "a").await;
    let b = tenant(store.as_ref(), "b").await;
    let user = store
        .create_user(&NewUserRecord {
            username: "u".into(),
            email: "u@x.test".into(),
            password_hash: "h".into(),
        })
        .await
        .expect("user");
    store
        .add_membership(user.id, a.id, Role::Admin)
        .await
        .expect("m");
    store
        .add_membership(user.id, b.id, Role::Member)
        .await
        .expect("m");
    assert_eq!(
        store.membership(user.id, a.id).await.expect("q"),
        Some(Role::Admin)
    );
    assert_eq!(
        store.membership(user.id, b.id).await.expect("q"),
        Some(Role::Member)
    );
    let all = store.memberships_of(user.id).await.expect("q");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].0.slug, "a");
}

async fn sessions_expire(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "s").await;
    let user = store
        .create_user(&NewUserRecord {
            username: "s".into(),
            email: "s@x.test".into(),
            password_hash: "h".into(),
        })
        .await
        .expect("user");
    let now = Utc::now();
    for (hash, expires) in [
        ("live", now + Duration::hours(1)),
        ("dead", now - Duration::hours(1)),
    ] {
        store
            .create_session(&SessionRecord {
                token_hash: hash.into(),
                user_id: user.id,
                tenant_id: t.id,
                created_at: now,
                expires_at: expires,
            })
            .await
            .expect("session");
    }
    assert!(store.session("live").await.expect("q").is_some());
    assert_eq!(store.delete_expired_sessions(now).await.expect("sweep"), 1);
    assert!(store.session("dead").await.expect("q").is_none());
    store.delete_session("live").await.expect("delete");
    assert!(store.session("live").await.expect("q").is_none());
}

async fn auth_failures_are_counted_in_a_window(store: Arc<dyn Store>) {
    let now = Utc::now();
    store
        .record_auth_failure("email:x", now - Duration::hours(2))
        .await
        .expect("r");
    store.record_auth_failure("email:x", now).await.expect("r");
    store.record_auth_failure("email:x", now).await.expect("r");
    store.record_auth_failure("ip:1", now).await.expect("r");
    let since = now - Duration::minutes(15);
    assert_eq!(
        store
            .count_auth_failures("email:x", since)
            .await
            .expect("c"),
        2
    );
    store.clear_auth_failures("email:x").await.expect("clear");
    assert_eq!(
        store
            .count_auth_failures("email:x", since)
            .await
            .expect("c"),
        0
    );
    assert_eq!(
        store.count_auth_failures("ip:1", since).await.expect("c"),
        1
    );
}

async fn servers_round_trip(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "rt").await;
    let mut new = new_server(t.id, "Google Drive MCP");
    new.transport = Transport::Sse;
    new.auth_type = AuthType::Token;
    new.secret_ref = Some("local:1/server-credential/abc".into());
    let row = store.insert_server(&new).await.expect("insert");
    assert_eq!(row.name, "Google Drive MCP");
    assert_eq!(row.slug, "google-drive-mcp");
    assert_eq!(row.transport, Transport::Sse);
    assert_eq!(row.auth_type, AuthType::Token);
    assert!(row.enabled);
    assert_eq!(
        row.secret_ref.as_deref(),
        Some("local:1/server-credential/abc")
    );
    assert_eq!(row.test, None);
    assert_eq!(
        store.server(t.id, row.id).await.expect("get"),
        Some(row.clone())
    );

    let later = Utc::now() + Duration::seconds(1);
    let updated = store
        .update_server(
            t.id,
            row.id,
            &ServerUpdate {
                enabled: Some(false),
                url: Some("https://new.example/mcp".into()),
                now: later,
                ..Default::default()
            },
        )
        .await
        .expect("update")
        .expect("present");
    assert!(!updated.enabled);
    assert_eq!(updated.url, "https://new.example/mcp");
    assert_eq!(updated.name, row.name, "untouched fields stay");
    assert!(updated.updated_at > row.updated_at);

    let deleted = store
        .delete_server(t.id, row.id)
        .await
        .expect("delete")
        .expect("was there");
    assert_eq!(deleted.secret_ref, row.secret_ref);
    assert_eq!(store.server(t.id, row.id).await.expect("get"), None);
    assert_eq!(
        store.delete_server(t.id, row.id).await.expect("delete"),
        None
    );
}

async fn servers_are_invisible_across_tenants(store: Arc<dyn Store>) {
    let a = tenant(store.as_ref(), "ta").await;
    let b = tenant(store.as_ref(), "tb").await;
    let row = store
        .insert_server(&new_server(a.id, "Secret CRM"))
        .await
        .expect("insert");
    assert_eq!(store.server(b.id, row.id).await.expect("get"), None);
    let update = ServerUpdate {
        enabled: Some(false),
        now: Utc::now(),
        ..Default::default()
    };
    assert_eq!(
        store.update_server(b.id, row.id, &update).await.expect("u"),
        None
    );
    let snap = TestSnapshot {
        ok: true,
        tools_json: Some("[]".into()),
        tool_count: Some(0),
        error_class: None,
        error_message: None,
        tested_at: Utc::now(),
    };
    assert!(
        !store
            .save_test_snapshot(b.id, row.id, &snap)
            .await
            .expect("s")
    );
    assert_eq!(store.delete_server(b.id, row.id).await.expect("d"), None);
    let (items, total) = store
        .list_servers(b.id, &ListQuery::default())
        .await
        .expect("list");
    assert!(items.is_empty());
    assert_eq!(total, 0);
    // ...and A's row is untouched by all of that.
    let still = store
        .server(a.id, row.id)
        .await
        .expect("get")
        .expect("present");
    assert!(still.enabled);
    assert_eq!(still.test, None);
}

async fn server_names_are_unique_per_tenant_only(store: Arc<dyn Store>) {
    let a = tenant(store.as_ref(), "ua").await;
    let b = tenant(store.as_ref(), "ub").await;
    store
        .insert_server(&new_server(a.id, "Jira"))
        .await
        .expect("first");
    let dup = store.insert_server(&new_server(a.id, "JIRA")).await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");
    store
        .insert_server(&new_server(b.id, "Jira"))
        .await
        .expect("other tenant may");
    let other = store
        .insert_server(&new_server(a.id, "Confluence"))
        .await
        .expect("insert");
    let rename = ServerUpdate {
        name: Some("jira".into()),
        slug: Some("jira".into()),
        now: Utc::now(),
        ..Default::default()
    };
    let renamed = store.update_server(a.id, other.id, &rename).await;
    assert!(
        matches!(renamed, Err(StoreError::Conflict { .. })),
        "{renamed:?}"
    );
}

async fn listing_pages_sorts_and_filters(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "list").await;
    for name in ["delta", "Alpha", "charlie", "bravo", "echo_50%", "echo-x"] {
        store
            .insert_server(&new_server(t.id, name))
            .await
            .expect("insert");
    }
    let names = |rows: &[ServerRecord]| rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>();

    let mut q = ListQuery::<ServerSort> {
        per_page: 4,
        ..Default::default()
    };
    let (rows, total) = store.list_servers(t.id, &q).await.expect("list");
    assert_eq!(total, 6);
    assert_eq!(
        names(&rows),
        ["Alpha", "bravo", "charlie", "delta"],
        "case-insensitive order"
    );
    q.page = 2;
    let (rows, _) = store.list_servers(t.id, &q).await.expect("list");
    assert_eq!(names(&rows), ["echo-x", "echo_50%"]);

    q.page = 1;
    q.dir = SortDir::Desc;
    let (rows, _) = store.list_servers(t.id, &q).await.expect("list");
    assert_eq!(names(&rows)[0], "echo_50%");

    // `%` and `_` are literal in the filter, not wildcards.
    let filtered = |f: &str| ListQuery::<ServerSort> {
        filter: f.into(),
        ..Default::default()
    };
    let (rows, total) = store
        .list_servers(t.id, &filtered("_50%"))
        .await
        .expect("list");
    assert_eq!((names(&rows), total), (vec!["echo_50%".to_owned()], 1));
    let (rows, _) = store
        .list_servers(t.id, &filtered("ECHO"))
        .await
        .expect("list");
    assert_eq!(rows.len(), 2);
    let (rows, total) = store
        .list_servers(t.id, &filtered("%"))
        .await
        .expect("list");
    assert_eq!((rows.len(), total), (1, 1));

    // Tool count: untested servers sort below every tested one.
    let alpha = store
        .list_servers(t.id, &filtered("alpha"))
        .await
        .expect("l")
        .0
        .remove(0);
    let snap = TestSnapshot {
        ok: true,
        tools_json: Some("[]".into()),
        tool_count: Some(0),
        error_class: None,
        error_message: None,
        tested_at: Utc::now(),
    };
    assert!(
        store
            .save_test_snapshot(t.id, alpha.id, &snap)
            .await
            .expect("snap")
    );
    let by_count = ListQuery::<ServerSort> {
        sort: ServerSort::ToolCount,
        dir: SortDir::Desc,
        ..Default::default()
    };
    let (rows, _) = store.list_servers(t.id, &by_count).await.expect("list");
    assert_eq!(rows[0].name, "Alpha");
}

async fn test_snapshots_are_stored(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "snap").await;
    let row = store
        .insert_server(&new_server(t.id, "Snap"))
        .await
        .expect("insert");
    let failed = TestSnapshot {
        ok: false,
        tools_json: None,
        tool_count: None,
        error_class: Some(ErrorClass::Auth),
        error_message: Some("HTTP 401".into()),
        tested_at: Utc::now(),
    };
    assert!(
        store
            .save_test_snapshot(t.id, row.id, &failed)
            .await
            .expect("save")
    );
    let got = store
        .server(t.id, row.id)
        .await
        .expect("get")
        .expect("present");
    let snap = got.test.expect("snapshot");
    assert!(!snap.ok);
    assert_eq!(snap.error_class, Some(ErrorClass::Auth));
    assert_eq!(snap.error_message.as_deref(), Some("HTTP 401"));
    assert_eq!(snap.tool_count, None);
    // Timestamps survive the round trip to the microsecond on both engines.
    assert!(
        (snap.tested_at - failed.tested_at)
            .num_microseconds()
            .unwrap_or(i64::MAX)
            .abs()
            <= 1
    );
}

async fn secrets_round_trip(store: Arc<dyn Store>) {
    // PostgreSQL keeps microseconds; compare at the precision both engines keep.
    let now = Utc::now().trunc_subsecs(6);
    let secret = SecretRecord {
        secret_ref: "local:1/server-credential/x".into(),
        tenant_id: 1,
        kind: "server-credential".into(),
        nonce: vec![1; 12],
        ciphertext: vec![0, 159, 255, 7],
        created_at: now,
        updated_at: now,
    };
    store.put_secret(&secret).await.expect("put");
    assert_eq!(
        store.secret(&secret.secret_ref).await.expect("get"),
        Some(secret.clone())
    );
    assert!(
        store
            .delete_secret(&secret.secret_ref)
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_secret(&secret.secret_ref)
            .await
            .expect("delete again")
    );
    assert_eq!(store.secret(&secret.secret_ref).await.expect("get"), None);
}
