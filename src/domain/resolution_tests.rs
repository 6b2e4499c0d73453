use super::*;
use chrono::TimeZone;

const ACME: TenantId = TenantId::new(1);
const GLOBAL: TenantId = TenantId::new(9);
const OTHER: TenantId = TenantId::new(2);
const ANN: UserId = UserId::new(10);
const BOB: UserId = UserId::new(11);
const BOT: AgentId = AgentId::new(20);
const OTHER_BOT: AgentId = AgentId::new(21);
const SERVER: ServerId = ServerId::new(5);

fn server() -> ServerFacts {
    ServerFacts {
        id: SERVER,
        tenant_id: ACME,
        enabled: true,
        featured: false,
        auth_type: AuthType::Token,
        auth_scope: Scope::Tenant,
        has_own_credential: false,
    }
}

fn binding(id: i64, scope: Scope, minute: u32) -> Binding {
    Binding {
        id: ConnectionId::new(id),
        tenant_id: ACME,
        server_id: SERVER,
        scope,
        user: (scope == Scope::User).then_some(ANN),
        grant_user: None,
        agent: (scope == Scope::Agent).then_some(BOT),
        active: true,
        created_at: Utc
            .with_ymd_and_hms(2026, 11, 30, 9, minute, 0)
            .single()
            .expect("time"),
    }
}

fn ann_via_bot() -> Caller {
    Caller {
        tenant_id: ACME,
        user: Some(ANN),
        agent: Some(BOT),
    }
}

fn picked(rule: Rule, id: Option<i64>) -> Resolution {
    Resolution::Resolved(ResolvedBy {
        rule,
        connection_id: id.map(ConnectionId::new),
    })
}

#[test]
fn every_rule_in_the_seed_order() {
    let all = [
        binding(1, Scope::Tenant, 0),
        binding(2, Scope::Agent, 0),
        binding(3, Scope::User, 0),
    ];
    let s = server();
    let cases: [(&[Binding], Caller, Resolution); 6] = [
        (&all, ann_via_bot(), picked(Rule::UserConnection, Some(3))),
        (
            &all[..2],
            ann_via_bot(),
            picked(Rule::AgentConnection, Some(2)),
        ),
        (
            &all[..1],
            ann_via_bot(),
            picked(Rule::TenantConnection, Some(1)),
        ),
        // Bob has no connection of his own: the agent's applies.
        (
            &all,
            Caller {
                user: Some(BOB),
                ..ann_via_bot()
            },
            picked(Rule::AgentConnection, Some(2)),
        ),
        // Another agent of the tenant: the tenant's.
        (
            &all[..2],
            Caller {
                agent: Some(OTHER_BOT),
                ..ann_via_bot()
            },
            picked(Rule::TenantConnection, Some(1)),
        ),
        (
            &[],
            ann_via_bot(),
            Resolution::NoCredential { server: SERVER },
        ),
    ];
    for (i, (bindings, caller, want)) in cases.into_iter().enumerate() {
        assert_eq!(resolve(&s, bindings, &caller, None), want, "case {i}");
    }
}

#[test]
fn the_newest_active_connection_wins() {
    let mut old = binding(1, Scope::User, 0);
    let new = binding(2, Scope::User, 5);
    let s = server();
    assert_eq!(
        resolve(&s, &[new.clone(), old.clone()], &ann_via_bot(), None),
        picked(Rule::UserConnection, Some(2))
    );
    // A tie in time goes to the later row.
    old.created_at = new.created_at;
    assert_eq!(
        resolve(&s, &[new.clone(), old.clone()], &ann_via_bot(), None),
        picked(Rule::UserConnection, Some(2))
    );
    let inactive = Binding {
        active: false,
        ..new
    };
    assert_eq!(
        resolve(&s, &[inactive, old], &ann_via_bot(), None),
        picked(Rule::UserConnection, Some(1))
    );
}

#[test]
fn a_connected_accounts_user_counts_as_the_user() {
    let via_grant = Binding {
        user: Some(BOB),
        grant_user: Some(ANN),
        ..binding(4, Scope::User, 0)
    };
    assert_eq!(
        resolve(&server(), &[via_grant], &ann_via_bot(), None),
        picked(Rule::UserConnection, Some(4))
    );
}

#[test]
fn auth_scope_caps_the_fall_back() {
    let shared = [binding(1, Scope::Tenant, 0), binding(2, Scope::Agent, 0)];
    let user_only = ServerFacts {
        auth_scope: Scope::User,
        has_own_credential: true,
        ..server()
    };
    assert_eq!(
        resolve(&user_only, &shared, &ann_via_bot(), None),
        Resolution::NeedsUserConnection {
            server: SERVER,
            oauth: false
        }
    );
    let agent_only = ServerFacts {
        auth_scope: Scope::Agent,
        ..user_only.clone()
    };
    assert_eq!(
        resolve(&agent_only, &shared, &ann_via_bot(), None),
        picked(Rule::AgentConnection, Some(2))
    );
    assert_eq!(
        resolve(&agent_only, &shared[..1], &ann_via_bot(), None),
        Resolution::NeedsAgentConnection { server: SERVER }
    );
}

#[test]
fn the_servers_own_key_is_the_tenants_default() {
    let keyed = ServerFacts {
        has_own_credential: true,
        ..server()
    };
    assert_eq!(
        resolve(&keyed, &[], &ann_via_bot(), None),
        picked(Rule::ServerCredential, None)
    );
    assert_eq!(
        resolve(
            &keyed,
            &[binding(1, Scope::Tenant, 0)],
            &ann_via_bot(),
            None
        ),
        picked(Rule::TenantConnection, Some(1)),
        "an explicit tenant connection is preferred"
    );
    let open = ServerFacts {
        auth_type: AuthType::None,
        ..server()
    };
    assert_eq!(
        resolve(&open, &[], &ann_via_bot(), None),
        picked(Rule::NoCredential, None)
    );
}

#[test]
fn featured_global_servers_fall_back_to_the_global_platform() {
    let global = ServerFacts {
        tenant_id: GLOBAL,
        featured: true,
        has_own_credential: true,
        ..server()
    };
    let global_conn = Binding {
        tenant_id: GLOBAL,
        ..binding(7, Scope::Tenant, 0)
    };
    let acme_conn = binding(8, Scope::Tenant, 0);
    assert_eq!(
        resolve(
            &global,
            std::slice::from_ref(&global_conn),
            &ann_via_bot(),
            Some(GLOBAL)
        ),
        picked(Rule::GlobalConnection, Some(7))
    );
    assert_eq!(
        resolve(
            &global,
            &[global_conn.clone(), acme_conn],
            &ann_via_bot(),
            Some(GLOBAL)
        ),
        picked(Rule::TenantConnection, Some(8)),
        "the tenant's own connection comes first"
    );
    assert_eq!(
        resolve(&global, &[], &ann_via_bot(), Some(GLOBAL)),
        picked(Rule::GlobalServerCredential, None)
    );
    // Another tenant's connections never apply.
    let foreign = Binding {
        tenant_id: OTHER,
        ..binding(9, Scope::User, 0)
    };
    assert_eq!(
        resolve(&global, &[foreign], &ann_via_bot(), Some(GLOBAL)),
        picked(Rule::GlobalServerCredential, None)
    );
}

#[test]
fn other_tenants_servers_are_not_available() {
    let theirs = ServerFacts {
        tenant_id: OTHER,
        ..server()
    };
    assert_eq!(
        resolve(&theirs, &[], &ann_via_bot(), Some(GLOBAL)),
        Resolution::NotAvailable
    );
    let unfeatured_global = ServerFacts {
        tenant_id: GLOBAL,
        ..server()
    };
    assert_eq!(
        resolve(&unfeatured_global, &[], &ann_via_bot(), Some(GLOBAL)),
        Resolution::NotAvailable
    );
    let off = ServerFacts {
        enabled: false,
        ..server()
    };
    assert_eq!(
        resolve(&off, &[], &ann_via_bot(), None),
        Resolution::Disabled { server: SERVER }
    );
}
