//! The contract for users' OAuth grants as the Overview reads them: the
//! grants that have ended come first, then those running out soonest; a
//! grant with no expiry, one further off than the horizon, a revoked one
//! or one that renews itself (it has a refresh token) is not due; one user's view holds only their own; a tenant sees
//! only its own.

use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

use super::{new_server, tenant, user};
use crate::domain::{GrantStatus, OAuthClientId, SecretRef, ServerId, TenantId, UserId};
use crate::server::store::*;

async fn client(store: &dyn Store, tenant: TenantId) -> OAuthClientId {
    store
        .insert_oauth_client(&NewOAuthClient {
            tenant_id: tenant,
            issuer: "https://id.example".into(),
            redirect_uri: "https://switchboard.example/oauth/callback".into(),
            client_id: "switchboard".into(),
            client_secret_ref: None,
            registered_via: Registration::Admin,
            metadata: "{}".into(),
            name: Some("Example ID".into()),
            created_at: Utc::now(),
        })
        .await
        .expect("client")
        .id
}

struct Grant {
    tenant: TenantId,
    user: UserId,
    server: ServerId,
    client: OAuthClientId,
    expires_at: Option<DateTime<Utc>>,
    refreshable: bool,
}

async fn grant(store: &dyn Store, g: Grant) -> GrantRecord {
    let at = Utc::now();
    store
        .upsert_grant(&NewGrant {
            tenant_id: g.tenant,
            user_id: g.user,
            server_id: g.server,
            client_row_id: g.client,
            secret_ref: SecretRef::new(format!("local:grant-{}-{}", g.user, g.server)),
            resource: "https://mcp.example/mcp".into(),
            scopes: String::new(),
            expires_at: g.expires_at,
            refreshable: g.refreshable,
            at,
        })
        .await
        .expect("grant")
        .0
}

fn names(due: &[crate::domain::overview::GrantDue]) -> Vec<(String, String, GrantStatus)> {
    due.iter()
        .map(|d| (d.server_name.clone(), d.username.clone(), d.status))
        .collect()
}

pub(super) async fn grants_due_are_ended_then_soonest_per_user_and_tenant(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let t = tenant(store, "grants").await;
    let other = tenant(store, "grants-other").await;
    let ann = user(store, "ann@grants.example").await;
    let bob = user(store, "bob@grants.example").await;
    let mut servers = Vec::new();
    for name in ["Drive", "Mail", "Calendar", "Wiki"] {
        servers.push(
            store
                .insert_server(&new_server(t.id, name))
                .await
                .expect("server")
                .id,
        );
    }
    let [drive, mail, calendar, wiki] = servers[..] else {
        unreachable!("four servers")
    };
    let elsewhere = store
        .insert_server(&new_server(other.id, "Drive"))
        .await
        .expect("server")
        .id;
    let c = client(store, t.id).await;
    let other_client = client(store, other.id).await;
    let now = Utc::now();
    let day = Duration::days(1);
    let g = |user: UserId, server: ServerId, expires_at: Option<DateTime<Utc>>| Grant {
        tenant: t.id,
        user,
        server,
        client: c,
        expires_at,
        refreshable: false,
    };

    // Due: ann's Drive runs out in 2 days, bob's Mail in 5, bob's Drive has ended.
    grant(store, g(ann.id, drive, Some(now + day * 2))).await;
    grant(store, g(bob.id, mail, Some(now + day * 5))).await;
    let ended = grant(store, g(bob.id, drive, Some(now - day))).await;
    store
        .mark_grant(ended.id, GrantStatus::Expired, Some("refresh refused"), now)
        .await
        .expect("mark");
    // Not due: far off, no expiry, revoked (although its time is near),
    // and one that renews itself (its access token has even run out).
    grant(store, g(ann.id, mail, Some(now + day * 30))).await;
    grant(store, g(ann.id, calendar, None)).await;
    grant(
        store,
        Grant {
            refreshable: true,
            ..g(ann.id, wiki, Some(now - Duration::hours(1)))
        },
    )
    .await;
    let revoked = grant(store, g(bob.id, wiki, Some(now + day))).await;
    store
        .mark_grant(revoked.id, GrantStatus::Revoked, None, now)
        .await
        .expect("mark");
    // Another tenant's grant, due within the week.
    grant(
        store,
        Grant {
            tenant: other.id,
            user: ann.id,
            server: elsewhere,
            client: other_client,
            expires_at: Some(now + day),
            refreshable: false,
        },
    )
    .await;

    let horizon = now + day * 7;
    let due = store
        .grants_due(t.id, None, horizon, 10)
        .await
        .expect("due");
    assert_eq!(
        names(&due),
        vec![
            ("Drive".into(), "bob".into(), GrantStatus::Expired),
            ("Drive".into(), "ann".into(), GrantStatus::Active),
            ("Mail".into(), "bob".into(), GrantStatus::Active),
        ],
        "ended first, then soonest; nothing far off, open-ended, revoked or renewing itself"
    );
    assert_eq!(due[0].server_id, drive);
    assert_eq!(
        due[1].expires_at.map(|e| e.timestamp()),
        Some((now + day * 2).timestamp())
    );

    let anns = store
        .grants_due(t.id, Some(ann.id), horizon, 10)
        .await
        .expect("due");
    assert_eq!(
        names(&anns),
        vec![("Drive".into(), "ann".into(), GrantStatus::Active)],
        "one user's view holds only their own"
    );

    let first = store.grants_due(t.id, None, horizon, 1).await.expect("due");
    assert_eq!(
        names(&first),
        vec![("Drive".into(), "bob".into(), GrantStatus::Expired)]
    );

    let sooner = store
        .grants_due(t.id, None, now + day * 3, 10)
        .await
        .expect("due");
    assert_eq!(sooner.len(), 2, "Mail in 5 days is past a 3-day horizon");

    let theirs = store
        .grants_due(other.id, None, horizon, 10)
        .await
        .expect("due");
    assert_eq!(
        names(&theirs),
        vec![("Drive".into(), "ann".into(), GrantStatus::Active)],
        "another tenant sees only its own grant"
    );
    assert_eq!(theirs[0].server_id, elsewhere);
}
