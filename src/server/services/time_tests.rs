//! Time-based rules, driven through the services by a fixed clock: nothing
//! here sleeps, and nothing depends on when the suite runs.

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::Arc;

use crate::domain::{NewApiToken, Role};
use crate::server::auth::session::{SESSION_IDLE, SESSION_TTL};
use crate::server::clock::FixedClock;
use crate::server::error::ServiceError;
use crate::server::ports::Ports;
use crate::server::services::directory::{self, NewMember};
use crate::server::services::{accounts, tokens};
use crate::server::testing::{sqlite_url, test_config};

const PASSWORD: &str = "a-long-enough-password";

/// Far from the real "now" either way, so a service that read the system
/// clock instead of the port would see every session and stamp differently.
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 3, 14, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

/// Ports on a fresh SQLite database, with the clock held at [`start`], and
/// one admin, `ann`, in tenant `acme`.
async fn ports_at_start() -> (Ports, Arc<FixedClock>) {
    let mut ports = Ports::open(&test_config(&sqlite_url()))
        .await
        .expect("ports");
    let clock = Arc::new(FixedClock::new(start()));
    ports.clock = clock.clone();
    directory::create_tenant(&ports, "acme", None)
        .await
        .expect("tenant");
    directory::create_user(
        &ports,
        NewMember {
            tenant_slug: "acme",
            username: "ann",
            email: "ann@acme.test",
            role: Role::Admin,
            password: Some(PASSWORD.to_owned()),
        },
    )
    .await
    .expect("user");
    (ports, clock)
}

#[tokio::test]
async fn a_session_stops_authenticating_once_the_clock_passes_its_lifetime() {
    let (ports, clock) = ports_at_start().await;
    let signed_in = accounts::sign_in(&ports, "ann@acme.test", PASSWORD, "127.0.0.1")
        .await
        .expect("sign in");

    // Used every few hours (so never idle), all the way to its lifetime.
    let mut at = start();
    while at < start() + SESSION_TTL - SESSION_IDLE {
        at += SESSION_IDLE - Duration::minutes(1);
        clock.set(at);
        accounts::actor_for_session(&ports, &signed_in.token)
            .await
            .expect("a session in use stays");
    }
    clock.set(start() + SESSION_TTL - Duration::seconds(1));
    let actor = accounts::actor_for_session(&ports, &signed_in.token)
        .await
        .expect("a second before expiry the session still works");
    assert_eq!(actor.username, "ann");

    clock.set(start() + SESSION_TTL);
    let expired = accounts::actor_for_session(&ports, &signed_in.token).await;
    assert!(
        matches!(expired, Err(ServiceError::Unauthorized)),
        "at its expiry the session is refused: {expired:?}"
    );
    clock.set(start());
    let deleted = accounts::actor_for_session(&ports, &signed_in.token).await;
    assert!(
        matches!(deleted, Err(ServiceError::Unauthorized)),
        "and an expired session is gone for good, even if the clock goes back: {deleted:?}"
    );
}

#[tokio::test]
async fn a_session_left_idle_ends_though_its_lifetime_is_not_over() {
    let (ports, clock) = ports_at_start().await;
    let signed_in = accounts::sign_in(&ports, "ann@acme.test", PASSWORD, "127.0.0.1")
        .await
        .expect("sign in");
    // Used just before the idle limit: it stays, and counts from then.
    let used = start() + SESSION_IDLE - Duration::seconds(1);
    clock.set(used);
    accounts::actor_for_session(&ports, &signed_in.token)
        .await
        .expect("not idle yet");
    clock.set(used + SESSION_IDLE - Duration::seconds(1));
    accounts::actor_for_session(&ports, &signed_in.token)
        .await
        .expect("its last use restarted the idle clock");
    // Then left alone for the whole idle limit: gone, for good.
    clock.set(used + SESSION_IDLE - Duration::seconds(1) + SESSION_IDLE);
    let idle = accounts::actor_for_session(&ports, &signed_in.token).await;
    assert!(matches!(idle, Err(ServiceError::Unauthorized)), "{idle:?}");
    assert!(
        ports
            .store
            .session(&crate::server::auth::session::token_hash(&signed_in.token))
            .await
            .expect("query")
            .is_none(),
        "the idle session was deleted"
    );
}

#[tokio::test]
async fn a_token_records_its_use_at_most_once_a_minute() {
    let (ports, clock) = ports_at_start().await;
    let tenant = directory::tenant(&ports, "acme").await.expect("tenant");
    let ann = directory::member(&ports, &tenant, "ann")
        .await
        .expect("member");
    let created = tokens::issue(
        &ports,
        tenant.id,
        ann.id,
        NewApiToken {
            name: "deploy".into(),
            ..Default::default()
        },
    )
    .await
    .expect("token");
    assert_eq!(created.token.created_at, start());
    let last_used = || async {
        let actor = tokens::actor_for_token(&ports, &created.secret, "127.0.0.1", 10)
            .await
            .expect("the token authenticates");
        let listed = tokens::list(&ports, &actor).await.expect("list");
        listed.first().and_then(|t| t.last_used_at)
    };

    assert_eq!(last_used().await, Some(start()), "first use is recorded");
    clock.advance(Duration::seconds(30));
    assert_eq!(
        last_used().await,
        Some(start()),
        "a use within the minute is not written"
    );
    clock.advance(Duration::seconds(31));
    assert_eq!(
        last_used().await,
        Some(start() + Duration::seconds(61)),
        "a use after the minute is"
    );
}
