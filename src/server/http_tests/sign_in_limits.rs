//! Sign-in cannot be knocked over or turned against an account's owner:
//! failures lock one client out of one address (not the owner elsewhere),
//! attempts are counted before they are checked, password checks beyond the
//! cores are turned away with 503, and `X-Forwarded-For` counts only from a
//! trusted proxy.

use futures::future::join_all;

use crate::domain::Role;
use crate::server::auth::rate_limit::PER_EMAIL_CLIENT;
use crate::server::testing::{
    Reply, TestApp, spawn_app, spawn_app_configured, sqlite_url, test_config,
};

/// Behind a proxy on loopback: the tests name their clients in `X-Forwarded-For`.
async fn behind_proxy() -> TestApp {
    let mut config = test_config(&sqlite_url());
    config.trusted_proxies = vec!["127.0.0.1/32".into()];
    spawn_app_configured(config, None).await
}

async fn sign_in_from(app: &TestApp, client: &str, email: &str, password: &str) -> Reply {
    app.sign_in_with(email, password, &[("x-forwarded-for", client)])
        .await
}

const OWNER: &str = "owner@acme.test";
const PASSWORD: &str = "pw-owner@acme.test";

#[tokio::test]
async fn the_owner_signs_in_while_a_guessing_client_is_locked_out() {
    let app = behind_proxy().await;
    app.user("acme", OWNER, Role::Admin).await;
    for _ in 0..PER_EMAIL_CLIENT {
        let r = sign_in_from(&app, "198.51.100.9", OWNER, "guess").await;
        assert_eq!(r.status, 422, "{}", r.body);
    }
    // The guessing client is refused even the right password...
    let locked = sign_in_from(&app, "198.51.100.9", OWNER, PASSWORD).await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    // ...while the owner, elsewhere, is not.
    let owner = sign_in_from(&app, "203.0.113.7", OWNER, PASSWORD).await;
    assert_eq!(owner.status, 200, "{}", owner.body);
}

#[tokio::test]
async fn a_forwarded_for_from_an_untrusted_peer_changes_nothing() {
    let app = spawn_app().await;
    app.user("acme", OWNER, Role::Admin).await;
    // Each guess claims another client; without a trusted proxy they all
    // count against the one peer that sent them.
    for i in 0..PER_EMAIL_CLIENT {
        let r = sign_in_from(&app, &format!("198.51.100.{i}"), OWNER, "guess").await;
        assert_eq!(r.status, 422, "{}", r.body);
    }
    let r = sign_in_from(&app, "198.51.100.200", OWNER, PASSWORD).await;
    assert_eq!(r.status, 429, "{}", r.body);
}

#[tokio::test]
async fn concurrent_guesses_are_counted_before_they_are_checked() {
    let app = behind_proxy().await;
    app.user("acme", OWNER, Role::Admin).await;
    // 40 guesses at once from one client: a check-then-record limiter lets
    // all of them through to the password check; this one lets through at
    // most the limit.
    let answers =
        join_all((0..40).map(|_| sign_in_from(&app, "198.51.100.9", OWNER, "guess"))).await;
    let checked = answers.iter().filter(|r| r.status == 422).count();
    let limited = answers.iter().filter(|r| r.status == 429).count();
    let busy = answers.iter().filter(|r| r.status == 503).count();
    assert_eq!(checked + limited + busy, 40, "only 422, 429 or 503");
    assert!(
        checked <= PER_EMAIL_CLIENT as usize,
        "{checked} guesses were checked"
    );
    assert!(
        limited >= 40 - PER_EMAIL_CLIENT as usize - busy,
        "{limited} refused"
    );
}

#[tokio::test]
async fn a_flood_of_sign_ins_is_turned_away_and_the_owner_still_gets_in() {
    let app = behind_proxy().await;
    app.user("acme", OWNER, Role::Admin).await;
    // 300 sign-ins at once, each from its own client for its own address:
    // no limit applies, so each needs a password check.
    let flood = join_all((0..300).map(|i| {
        let app = app.clone();
        async move {
            let client = format!("198.51.{}.{}", 100 + i / 250, i % 250);
            let email = format!("nobody{i}@acme.test");
            sign_in_from(&app, &client, &email, "guess").await
        }
    }))
    .await;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for r in &flood {
        *statuses.entry(r.status).or_default() += 1;
    }
    assert!(
        statuses.keys().all(|s| [422, 503].contains(s)),
        "answers: {statuses:?}"
    );
    let busy = statuses.get(&503).copied().unwrap_or(0);
    assert!(
        busy > 0,
        "checks past the cores were turned away: {statuses:?}"
    );
    let turned_away = flood.iter().find(|r| r.status == 503).expect("a 503");
    assert!(turned_away.body.contains("Busy"), "{}", turned_away.body);
    // Afterwards the real password works, from a client of its own.
    let owner = sign_in_from(&app, "203.0.113.7", OWNER, PASSWORD).await;
    assert_eq!(owner.status, 200, "{}", owner.body);
}
