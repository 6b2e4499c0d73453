//! Agents: unique ids and per-tenant slugs, renames, deletes, and nothing
//! of one tenant's reachable with another's id.

use chrono::{Duration, Utc};
use std::sync::Arc;

use super::tenant;
use crate::domain::{AgentUid, TenantId};
use crate::server::store::{NewAgentRecord, Store, StoreError};

fn uid(n: u8) -> AgentUid {
    AgentUid::parse(&format!("00000000-0000-4000-8000-{n:012}")).expect("uid")
}

fn new_agent(tenant_id: TenantId, n: u8, name: &str, slug: &str) -> NewAgentRecord {
    NewAgentRecord {
        tenant_id,
        unique_id: uid(n),
        name: name.into(),
        slug: slug.into(),
        now: Utc::now(),
    }
}

pub(super) async fn agents_round_trip_and_stay_in_their_tenant(store: Arc<dyn Store>) {
    let a = tenant(store.as_ref(), "ag-a").await;
    let b = tenant(store.as_ref(), "ag-b").await;
    let made = store
        .create_agent(&new_agent(a.id, 1, "zeta Bot", "zeta"))
        .await
        .expect("create");
    assert_eq!(
        (
            made.unique_id.clone(),
            made.name.as_str(),
            made.slug.as_str()
        ),
        (uid(1), "zeta Bot", "zeta")
    );
    assert_eq!(made.created_at, made.updated_at);
    store
        .create_agent(&new_agent(a.id, 2, "Alpha", "alpha"))
        .await
        .expect("create");
    // The same slug in another tenant is fine; the same UUID anywhere is not.
    store
        .create_agent(&new_agent(b.id, 3, "Alpha", "alpha"))
        .await
        .expect("other tenant");
    for clash in [
        new_agent(a.id, 4, "Again", "alpha"),
        new_agent(b.id, 1, "Dup", "dup"),
    ] {
        let err = store.create_agent(&clash).await.expect_err("conflict");
        assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    }

    let names: Vec<_> = store
        .list_agents(a.id)
        .await
        .expect("list")
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["Alpha", "zeta Bot"], "by name, case-insensitively");

    // Another tenant's UUID finds, renames and deletes nothing.
    assert_eq!(store.agent_by_uid(b.id, &uid(1)).await.expect("q"), None);
    let later = Utc::now() + Duration::seconds(5);
    assert_eq!(
        store
            .rename_agent(b.id, &uid(1), "Stolen", later)
            .await
            .expect("q"),
        None
    );
    assert_eq!(store.delete_agent(b.id, &uid(1)).await.expect("q"), None);

    let renamed = store
        .rename_agent(a.id, &uid(1), "Zeta", later)
        .await
        .expect("q")
        .expect("row");
    assert_eq!(
        (renamed.name.as_str(), renamed.slug.as_str()),
        ("Zeta", "zeta")
    );
    assert!(renamed.updated_at > renamed.created_at);
    assert_eq!(
        store.agent_by_uid(a.id, &uid(1)).await.expect("q"),
        Some(renamed.clone())
    );

    let gone = store
        .delete_agent(a.id, &uid(1))
        .await
        .expect("q")
        .expect("row");
    assert_eq!(gone.id, renamed.id);
    assert_eq!(store.agent_by_uid(a.id, &uid(1)).await.expect("q"), None);
    assert_eq!(store.delete_agent(a.id, &uid(1)).await.expect("q"), None);
    assert_eq!(store.list_agents(b.id).await.expect("list").len(), 1);
}

pub(super) async fn servers_can_belong_to_an_agent(store: Arc<dyn Store>) {
    use crate::domain::Scope;
    use crate::server::store::{ServerFilter, ServerUpdate};

    let t = tenant(store.as_ref(), "ag-s").await;
    let agent = store
        .create_agent(&new_agent(t.id, 7, "Bot", "bot"))
        .await
        .expect("agent");
    let shared = store
        .insert_server(&super::new_server(t.id, "Shared"))
        .await
        .expect("shared");
    let mut own = super::new_server(t.id, "Own");
    own.agent_id = Some(agent.id);
    own.auth_scope = Scope::Agent;
    own.extra_headers = vec![("X-B".into(), "2".into()), ("X-A".into(), "1".into())];
    let own = store.insert_server(&own).await.expect("own");
    assert_eq!(own.agent_uid, Some(uid(7)), "read with the row");
    assert_eq!(own.auth_scope, Scope::Agent);
    assert_eq!(
        own.extra_headers,
        [
            ("X-A".to_owned(), "1".to_owned()),
            ("X-B".to_owned(), "2".to_owned())
        ],
        "kept as a JSON object: by name"
    );
    assert_eq!(own.owner.as_deref(), Some("ann"));

    let names = |rows: Vec<crate::server::store::ServerRecord>| {
        rows.into_iter().map(|r| r.name).collect::<Vec<_>>()
    };
    let search = |filter: ServerFilter| {
        let store = store.clone();
        async move {
            store
                .search_servers(t.id, &filter, 10, 0)
                .await
                .expect("search")
        }
    };
    let only_agent = ServerFilter {
        agent: Some(uid(7)),
        ..Default::default()
    };
    assert_eq!(names(search(only_agent.clone()).await.0), ["Own"]);
    let with_shared = ServerFilter {
        include_shared: true,
        ..only_agent
    };
    let (rows, count) = search(with_shared).await;
    assert_eq!(
        (names(rows), count),
        (vec!["Shared".to_owned(), "Own".to_owned()], 2)
    );
    let scoped = ServerFilter {
        auth_scope: Some(Scope::Agent),
        ..Default::default()
    };
    assert_eq!(names(search(scoped).await.0), ["Own"]);

    // The agent cannot go while it owns a server.
    let refused = store.delete_agent(t.id, &uid(7)).await;
    assert!(matches!(refused, Err(StoreError::InUse(_))), "{refused:?}");
    assert!(
        store
            .agent_by_uid(t.id, &uid(7))
            .await
            .expect("q")
            .is_some()
    );

    // Shared again (and headers cleared), it can.
    let update = ServerUpdate {
        agent_id: Some(None),
        extra_headers: Some(Vec::new()),
        now: Utc::now(),
        ..Default::default()
    };
    let row = store
        .update_server(t.id, own.id, &update)
        .await
        .expect("u")
        .expect("row");
    assert_eq!(
        (row.agent_id, row.agent_uid, row.extra_headers.len()),
        (None, None, 0)
    );
    assert_eq!(row.auth_scope, Scope::Agent, "untouched");
    store
        .delete_agent(t.id, &uid(7))
        .await
        .expect("q")
        .expect("gone");
    assert_eq!(shared.agent_uid, None);
}
