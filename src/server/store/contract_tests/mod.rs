//! The store contract: every test here runs against SQLite and PostgreSQL.

mod accounts;
mod agents;
mod grants;
mod servers;
mod tokens;
mod tool_pins;
mod vault_audit;

use chrono::Utc;

use super::*;
use crate::domain::{AuthType, TenantId, Transport};
use accounts::*;
use agents::*;
use grants::*;
use servers::*;
use tokens::*;
use tool_pins::*;
use vault_audit::*;

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
    secret_rewrites_are_all_or_nothing,
    a_secret_write_from_a_stale_read_is_refused,
    secrets_in_use_follow_server_rows,
    audit_events_are_per_tenant_newest_first,
    pinging_works,
    seed_zero_fields_and_credential_changes_round_trip,
    tokens_are_found_by_hash_listed_live_and_revoked_once,
    token_names_are_unique_among_live_tokens_only,
    tenants_are_listed_and_users_found_by_username,
    a_member_is_created_with_their_membership_or_not_at_all,
    agents_round_trip_and_stay_in_their_tenant,
    servers_can_belong_to_an_agent,
    leases_are_renewed_seen_and_dropped,
    tool_pins_keep_approvals_and_see_changes,
    tool_checks_are_claimed_once_and_policies_are_per_tenant,
    grants_due_are_ended_then_soonest_per_user_and_tenant,
);

pub(super) async fn tenant(store: &dyn Store, slug: &str) -> TenantRecord {
    store.create_tenant(slug, slug).await.expect("tenant")
}

/// A user whose username is the email's local part.
pub(super) async fn user(store: &dyn Store, email: &str) -> UserRecord {
    store
        .create_user(&NewUserRecord {
            username: email.split('@').next().unwrap_or(email).to_owned(),
            email: email.to_owned(),
            password_hash: "hash".into(),
        })
        .await
        .expect("user")
}

pub(super) fn new_server(tenant_id: TenantId, name: &str) -> NewServerRecord {
    NewServerRecord {
        tenant_id,
        name: name.to_owned(),
        slug: crate::domain::server::slugify(name),
        description: String::new(),
        url: format!(
            "https://{}.example/mcp",
            crate::domain::server::slugify(name)
        ),
        url_secret: crate::domain::UrlSecret::None,
        url_secret_ref: None,
        transport: Transport::StreamableHttp,
        auth_type: AuthType::None,
        enabled: true,
        featured: false,
        secret_ref: None,
        owner: Some("ann".into()),
        auth_scope: crate::domain::Scope::Tenant,
        agent_id: None,
        extra_headers: Vec::new(),
        oauth_service_id: None,
        now: Utc::now(),
    }
}
