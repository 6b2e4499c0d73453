//! The contract for tenants, users, sessions, rate-limit counters and secrets.

use chrono::{Duration, SubsecRound, Utc};
use std::sync::Arc;

use super::tenant;
use crate::domain::Role;
use crate::server::store::*;

pub(super) async fn pinging_works(store: Arc<dyn Store>) {
    store.ping().await.expect("ping");
}

pub(super) async fn tenants_are_unique_by_slug(store: Arc<dyn Store>) {
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

pub(super) async fn users_are_found_by_email_case_insensitively(store: Arc<dyn Store>) {
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

pub(super) async fn memberships_carry_roles(store: Arc<dyn Store>) {
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
        .add_membership(a.id, user.id, Role::Admin)
        .await
        .expect("m");
    store
        .add_membership(b.id, user.id, Role::Member)
        .await
        .expect("m");
    assert_eq!(
        store.membership(a.id, user.id).await.expect("q"),
        Some(Role::Admin)
    );
    assert_eq!(
        store.membership(b.id, user.id).await.expect("q"),
        Some(Role::Member)
    );
    let all = store.memberships_of(user.id).await.expect("q");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].0.slug, "a");
    // The actor is the user as a member of one tenant, role included.
    let in_b = store.actor(b.id, user.id).await.expect("q").expect("actor");
    assert_eq!(
        (in_b.user_id, in_b.username.as_str(), in_b.email.as_str()),
        (user.id, "u", "u@x.test")
    );
    assert_eq!(
        (in_b.tenant_id, in_b.tenant_slug.as_str(), in_b.role),
        (b.id, "b", Role::Member)
    );
    let stranger = tenant(store.as_ref(), "c").await;
    assert_eq!(store.actor(stranger.id, user.id).await.expect("q"), None);
}

pub(super) async fn sessions_expire(store: Arc<dyn Store>) {
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
                last_seen_at: Some(now),
            })
            .await
            .expect("session");
    }
    assert!(store.session("live").await.expect("q").is_some());
    let long_ago = now - Duration::days(30);
    assert_eq!(
        store
            .delete_expired_sessions(now, long_ago)
            .await
            .expect("sweep"),
        1
    );
    assert!(store.session("dead").await.expect("q").is_none());
    // A use is recorded once per period, and an idle session is swept.
    let later = (now + Duration::minutes(5)).trunc_subsecs(6);
    store
        .touch_session("live", later, later - Duration::minutes(1))
        .await
        .expect("touch");
    let seen = store.session("live").await.expect("q").expect("live");
    assert_eq!(seen.last_seen(), later);
    store
        .touch_session(
            "live",
            later + Duration::seconds(10),
            later + Duration::seconds(10) - Duration::minutes(1),
        )
        .await
        .expect("touch");
    let seen = store.session("live").await.expect("q").expect("live");
    assert_eq!(seen.last_seen(), later, "not again within the minute");
    assert_eq!(
        store
            .delete_expired_sessions(now, later + Duration::seconds(1))
            .await
            .expect("sweep"),
        1,
        "idle since before the cut-off"
    );
    assert!(store.session("live").await.expect("q").is_none());
    store
        .create_session(&SessionRecord {
            token_hash: "live".into(),
            user_id: user.id,
            tenant_id: t.id,
            created_at: now,
            expires_at: now + Duration::hours(1),
            last_seen_at: Some(now),
        })
        .await
        .expect("session");
    store.delete_session("live").await.expect("delete");
    assert!(store.session("live").await.expect("q").is_none());
}

pub(super) async fn auth_failures_are_counted_in_a_window(store: Arc<dyn Store>) {
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

pub(super) async fn secrets_round_trip(store: Arc<dyn Store>) {
    // PostgreSQL keeps microseconds; compare at the precision both engines keep.
    let now = Utc::now().trunc_subsecs(6);
    let secret = SecretRecord {
        secret_ref: "local:1/server-credential/x".into(),
        tenant_id: crate::domain::TenantId::new(1),
        kind: "server-credential".into(),
        owner: "mcp-server/x".into(),
        current: Sealed {
            nonce: vec![1; 12],
            ciphertext: vec![0, 159, 255, 7],
        },
        pending: Some(Sealed {
            nonce: vec![2; 12],
            ciphertext: vec![1, 2],
        }),
        previous: None,
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
