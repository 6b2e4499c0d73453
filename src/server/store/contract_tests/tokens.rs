//! API tokens, seed 000's server fields, the CLI's directory lookups, and
//! the app's leases.

use chrono::{Duration, Utc};
use std::sync::Arc;

use super::{new_server, tenant, user};
use crate::domain::{AuthType, Role, TenantId, TokenKind, UserId};
use crate::server::store::{
    NewTokenRecord, NewUserRecord, SecretRefChange, ServerUpdate, Store, StoreError,
};

pub(super) async fn seed_zero_fields_and_credential_changes_round_trip(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "sz").await;
    let mut new = new_server(t.id, "Drive");
    new.description = "Search Drive".into();
    new.featured = true;
    new.auth_type = AuthType::Token;
    new.secret_ref = Some("ref-1".into());
    let row = store.insert_server(&new).await.expect("insert");
    assert_eq!(
        (row.description.as_str(), row.featured),
        ("Search Drive", true)
    );

    // Untouched fields stay; a new secret ref replaces the old one.
    let update = ServerUpdate {
        description: Some("Index Drive".into()),
        secret_ref: Some(SecretRefChange {
            from: Some("ref-1".into()),
            to: Some("ref-2".into()),
        }),
        now: Utc::now(),
        ..Default::default()
    };
    let row = store
        .update_server(t.id, row.id, &update)
        .await
        .expect("u")
        .expect("row");
    assert_eq!(row.description, "Index Drive");
    assert!(row.featured);
    assert_eq!(row.secret_ref.as_deref(), Some("ref-2"));

    // No secret-ref change leaves it; clearing sets it to NULL.
    let keep = ServerUpdate {
        featured: Some(false),
        now: Utc::now(),
        ..Default::default()
    };
    let row = store
        .update_server(t.id, row.id, &keep)
        .await
        .expect("u")
        .expect("row");
    assert_eq!(
        (row.featured, row.secret_ref.as_deref()),
        (false, Some("ref-2"))
    );
    // A change from a value that is no longer there matches no row.
    let stale = ServerUpdate {
        secret_ref: Some(SecretRefChange {
            from: Some("ref-1".into()),
            to: Some("ref-3".into()),
        }),
        now: Utc::now(),
        ..Default::default()
    };
    let missed = store.update_server(t.id, row.id, &stale).await.expect("u");
    assert_eq!(missed, None, "a stale key change writes nothing");
    let clear = ServerUpdate {
        auth_type: Some(AuthType::None),
        secret_ref: Some(SecretRefChange {
            from: Some("ref-2".into()),
            to: None,
        }),
        now: Utc::now(),
        ..Default::default()
    };
    let row = store
        .update_server(t.id, row.id, &clear)
        .await
        .expect("u")
        .expect("row");
    assert_eq!((row.auth_type, row.secret_ref), (AuthType::None, None));
}

fn token(tenant_id: TenantId, user_id: UserId, name: &str, hash: &str) -> NewTokenRecord {
    NewTokenRecord {
        tenant_id,
        user_id,
        name: name.into(),
        prefix: "sbt_0000abcd".into(),
        token_hash: hash.into(),
        kind: if name.starts_with("runtime") {
            TokenKind::Runtime
        } else {
            TokenKind::User
        },
        created_at: Utc::now(),
        expires_at: None,
    }
}

pub(super) async fn tokens_are_found_by_hash_listed_live_and_revoked_once(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "tk").await;
    let other = tenant(store.as_ref(), "tk2").await;
    let u = user(store.as_ref(), "tok@x.test").await;
    let a = store
        .create_token(&token(t.id, u.id, "a", "hash-a"))
        .await
        .expect("a");
    let b = store
        .create_token(&token(t.id, u.id, "b", "hash-b"))
        .await
        .expect("b");
    let runtime = store
        .create_token(&token(t.id, u.id, "runtime edge", "hash-r"))
        .await
        .expect("runtime");
    assert_eq!(
        (a.kind, runtime.kind),
        (TokenKind::User, TokenKind::Runtime)
    );
    assert_eq!(
        store
            .token_by_hash("hash-r")
            .await
            .expect("q")
            .map(|r| r.kind),
        Some(TokenKind::Runtime),
        "the kind is read back"
    );
    store
        .create_token(&token(other.id, u.id, "elsewhere", "hash-c"))
        .await
        .expect("c");

    assert_eq!(
        store.token_by_hash("hash-a").await.expect("q"),
        Some(a.clone())
    );
    assert_eq!(store.token_by_hash("nope").await.expect("q"), None);
    let live = store.list_tokens(t.id, u.id).await.expect("list");
    assert_eq!(
        live.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["runtime edge", "b", "a"]
    );

    // Another tenant cannot revoke it; its owner can, once.
    let now = Utc::now();
    assert_eq!(
        store
            .revoke_token(other.id, u.id, a.id, now)
            .await
            .expect("r"),
        None
    );
    let revoked = store
        .revoke_token(t.id, u.id, a.id, now)
        .await
        .expect("r")
        .expect("row");
    assert!(revoked.revoked_at.is_some());
    assert_eq!(
        store.revoke_token(t.id, u.id, a.id, now).await.expect("r"),
        None
    );
    let live = store.list_tokens(t.id, u.id).await.expect("list");
    assert_eq!(live, vec![runtime.clone(), b.clone()]);
    let found = store
        .token_by_hash("hash-a")
        .await
        .expect("q")
        .expect("still found");
    assert!(
        found.revoked_at.is_some(),
        "revoked tokens are found, and refused by the caller"
    );

    // Use is recorded at most once per interval.
    let first = Utc::now();
    store
        .touch_token(b.id, first, Duration::seconds(60))
        .await
        .expect("touch");
    store
        .touch_token(b.id, first + Duration::seconds(10), Duration::seconds(60))
        .await
        .expect("touch");
    let seen = store.token_by_hash("hash-b").await.expect("q").expect("b");
    let at = seen.last_used_at.expect("used");
    assert!((at - first).num_milliseconds().abs() < 5, "{at} vs {first}");
    store
        .touch_token(b.id, first + Duration::seconds(61), Duration::seconds(60))
        .await
        .expect("touch");
    let seen = store.token_by_hash("hash-b").await.expect("q").expect("b");
    assert!(seen.last_used_at.expect("used") > at);
}

pub(super) async fn token_names_are_unique_among_live_tokens_only(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "tn").await;
    let u = user(store.as_ref(), "names@x.test").await;
    let first = store
        .create_token(&token(t.id, u.id, "ci", "h1"))
        .await
        .expect("first");
    let dup = store.create_token(&token(t.id, u.id, "ci", "h2")).await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");
    store
        .revoke_token(t.id, u.id, first.id, Utc::now())
        .await
        .expect("revoke");
    store
        .create_token(&token(t.id, u.id, "ci", "h3"))
        .await
        .expect("name free again");
    let same_hash = store.create_token(&token(t.id, u.id, "other", "h3")).await;
    assert!(matches!(same_hash, Err(StoreError::Conflict { .. })));
}

pub(super) async fn a_member_is_created_with_their_membership_or_not_at_all(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "members").await;
    let new = |name: &str| NewUserRecord {
        username: name.into(),
        email: format!("{name}@x.test"),
        password_hash: "hash".into(),
    };
    let ann = store
        .create_member(t.id, &new("ann"), Role::Admin)
        .await
        .expect("member");
    assert_eq!(
        store.membership(t.id, ann.id).await.expect("q"),
        Some(Role::Admin)
    );
    // No such tenant: the membership fails, and the user is rolled back with it.
    let orphan = store
        .create_member(TenantId::new(t.id.get() + 1000), &new("bob"), Role::Member)
        .await;
    assert!(orphan.is_err());
    assert!(store.user_by_username("bob").await.expect("q").is_none());
    assert_eq!(store.count_users().await.expect("count"), 1);
}

pub(super) async fn tenants_are_listed_and_users_found_by_username(store: Arc<dyn Store>) {
    tenant(store.as_ref(), "zeta").await;
    tenant(store.as_ref(), "alpha").await;
    let slugs: Vec<String> = store
        .list_tenants()
        .await
        .expect("list")
        .into_iter()
        .map(|t| t.slug)
        .collect();
    assert_eq!(slugs, ["alpha", "zeta"]);
    let u = user(store.as_ref(), "finder@x.test").await;
    let found = store
        .user_by_username(&u.username)
        .await
        .expect("q")
        .expect("user");
    assert_eq!(found.id, u.id);
    assert!(store.user_by_username("nobody").await.expect("q").is_none());
}

/// A process's lease is taken, renewed in place, seen while fresh, and gone
/// once dropped.
pub(super) async fn leases_are_renewed_seen_and_dropped(store: Arc<dyn Store>) {
    let t0 = Utc::now();
    store.renew_lease("replica-a", t0).await.expect("take");
    store
        .renew_lease("replica-a", t0 + chrono::Duration::seconds(5))
        .await
        .expect("renew in place");
    store
        .renew_lease("replica-b", t0 - chrono::Duration::seconds(60))
        .await
        .expect("an old one");
    let live = store
        .live_leases(t0 - chrono::Duration::seconds(20))
        .await
        .expect("live");
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0].0, "replica-a");
    assert_eq!(
        live[0].1.timestamp(),
        (t0 + chrono::Duration::seconds(5)).timestamp()
    );
    store.drop_lease("replica-a").await.expect("drop");
    assert!(
        store
            .live_leases(t0 - chrono::Duration::seconds(20))
            .await
            .expect("live")
            .is_empty()
    );
}
