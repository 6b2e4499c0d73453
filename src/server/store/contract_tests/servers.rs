//! The contract for MCP server rows: CRUD, tenancy, uniqueness, listing, snapshots.

use chrono::{Duration, Utc};
use std::sync::Arc;

use super::{new_server, tenant};
use crate::domain::{AuthType, ErrorClass, ListQuery, ServerSort, SortDir, Transport};
use crate::server::store::*;

pub(super) async fn servers_round_trip(store: Arc<dyn Store>) {
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

pub(super) async fn servers_are_invisible_across_tenants(store: Arc<dyn Store>) {
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
    let snap = ok_snapshot();
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

pub(super) async fn server_names_are_unique_per_tenant_only(store: Arc<dyn Store>) {
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

pub(super) async fn listing_pages_sorts_and_filters(store: Arc<dyn Store>) {
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
    let snap = ok_snapshot();
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

pub(super) async fn test_snapshots_are_stored(store: Arc<dyn Store>) {
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

/// A successful test with no tools, taken now.
fn ok_snapshot() -> TestSnapshot {
    TestSnapshot {
        ok: true,
        tools_json: Some("[]".into()),
        tool_count: Some(0),
        error_class: None,
        error_message: None,
        tested_at: Utc::now(),
    }
}
