//! The vault under faults, with the aws backend against moto: nothing is
//! lost, nothing is orphaned for long, and errors say it was the vault.

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

use super::{admin, list_body, register_body};
use crate::domain::SecretRef;
use crate::server::testing::{Moto, Peer, aws_vault_config, free_port, spawn_app_on};
use crate::server::vault::sweep::sweep;
use crate::server::vault::{AwsVault, SecretKind, SecretOwner, Vault};

async fn managed_refs(vault: &dyn Vault) -> Vec<String> {
    let mut refs: Vec<String> = vault
        .list_managed()
        .await
        .expect("list through moto")
        .into_iter()
        .map(|m| m.secret_ref.to_string())
        .collect();
    refs.sort();
    refs
}

#[tokio::test]
async fn an_unreachable_vault_refuses_the_registration_and_stores_nothing() {
    // Nothing listens on this port: every vault call fails to connect.
    let dead = format!("http://127.0.0.1:{}", free_port());
    let vault = Arc::new(
        AwsVault::from_env(aws_vault_config(&dead))
            .await
            .expect("vault"),
    );
    let app = spawn_app_on(None, Some(vault)).await;
    let cookie = admin(&app, "acme").await;
    let r = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body(
                "Keyed",
                "https://keyed.example/mcp",
                Some("unreachable-key"),
            ),
        )
        .await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body.contains("credential vault is unavailable"),
        "{}",
        r.body
    );
    let listed = app.call("servers/list", Some(&cookie), list_body()).await;
    assert_eq!(listed.json()["total"], 0, "no row without its secret");
}

#[tokio::test]
async fn a_failed_insert_deletes_the_secret_in_secrets_manager() {
    let moto = Moto::start().await;
    let vault = moto.vault().await;
    let app = spawn_app_on(None, Some(vault.clone())).await;
    let cookie = admin(&app, "acme").await;
    let first = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Twin", "https://a.example/mcp", Some("key-one")),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let before = managed_refs(vault.as_ref()).await;
    assert_eq!(before.len(), 1);
    // The same slug: the vault write succeeds, the row insert does not.
    let dup = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("twin", "https://b.example/mcp", Some("key-two")),
        )
        .await;
    assert_eq!(dup.status, 422, "{}", dup.body);
    assert_eq!(
        managed_refs(vault.as_ref()).await,
        before,
        "the second secret is gone"
    );
}

#[tokio::test]
async fn the_sweeper_removes_a_secret_whose_row_never_appeared() {
    let moto = Moto::start().await;
    let vault = moto.vault().await;
    let app = spawn_app_on(None, Some(vault.clone())).await;
    let cookie = admin(&app, "acme").await;
    let kept = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Kept", "https://kept.example/mcp", Some("kept-key")),
        )
        .await;
    assert_eq!(kept.status, 200, "{}", kept.body);
    let kept_refs = managed_refs(vault.as_ref()).await;
    // A crash between the saga's steps: the secret exists, its row never will.
    let orphan = vault
        .put(
            &SecretOwner {
                tenant_id: crate::domain::TenantId::new(1),
                tenant_slug: "acme",
                kind: SecretKind::ServerCredential,
                owner: "mcp-server/crashed",
            },
            &SecretString::from("orphan-key".to_owned()),
        )
        .await
        .expect("put");
    let store = app.state.ports.store.as_ref();
    let now = chrono::Utc::now();

    let young = sweep(vault.as_ref(), store, Duration::from_secs(900), now)
        .await
        .expect("sweep");
    assert_eq!((young.checked, young.deleted, young.too_young), (2, 0, 1));

    let later = now + chrono::Duration::minutes(16);
    let swept = sweep(vault.as_ref(), store, Duration::from_secs(900), later)
        .await
        .expect("sweep");
    assert_eq!((swept.checked, swept.deleted), (2, 1));
    assert_eq!(managed_refs(vault.as_ref()).await, kept_refs);
    assert!(
        vault.get(&orphan).await.is_err(),
        "the orphan is gone from moto"
    );
}

#[tokio::test]
async fn an_unreachable_vault_during_a_test_names_the_vault_and_keeps_the_snapshot() {
    let mut moto = Moto::start().await;
    let peer = Peer::bearer("peer-key", false).await;
    let app = spawn_app_on(None, Some(moto.vault().await)).await;
    let cookie = admin(&app, "acme").await;
    let created = app
        .call(
            "servers/register",
            Some(&cookie),
            register_body("Peer", &peer.url("/mcp"), Some("peer-key")),
        )
        .await;
    let id = created.json()["id"].as_i64().expect("id");
    let ok = app
        .call("servers/test", Some(&cookie), json!({ "id": id }))
        .await;
    assert_eq!(ok.json()["ok"], true, "{}", ok.body);
    let before = app
        .call("servers/get", Some(&cookie), json!({ "id": id }))
        .await;

    moto.stop().await;
    let r = app
        .call("servers/test", Some(&cookie), json!({ "id": id }))
        .await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("credential vault"), "{}", r.body);
    let after = app
        .call("servers/get", Some(&cookie), json!({ "id": id }))
        .await;
    assert_eq!(
        before.json()["last_test"],
        after.json()["last_test"],
        "the snapshot is unchanged"
    );
}

#[tokio::test]
async fn rekey_reencrypts_everything_and_a_wrong_old_key_changes_nothing() {
    use crate::server::vault::{LocalVault, VaultKey, rekey::rekey};
    let store = crate::server::testing::sqlite_store().await;
    let old = || VaultKey::from_hex(&hex::encode([1u8; 32])).expect("key");
    let new = || VaultKey::from_hex(&hex::encode([2u8; 32])).expect("key");
    let wrong = || VaultKey::from_hex(&hex::encode([9u8; 32])).expect("key");
    let vault = LocalVault::new(old(), store.clone());
    let owner = SecretOwner {
        tenant_id: crate::domain::TenantId::new(1),
        tenant_slug: "acme",
        kind: SecretKind::ServerCredential,
        owner: "mcp-server/a",
    };
    let a = vault
        .put(&owner, &SecretString::from("alpha".to_owned()))
        .await
        .expect("a");
    let b = vault
        .put(&owner, &SecretString::from("beta".to_owned()))
        .await
        .expect("b");
    // A rotated secret has a previous version that must be re-encrypted too.
    let staged = vault
        .stage(&b, &SecretString::from("beta-2".to_owned()))
        .await
        .expect("stage");
    vault.promote(&b, &staged).await.expect("promote");

    let before = store.secrets().await.expect("secrets");
    let refused = rekey(store.as_ref(), &wrong(), &new(), chrono::Utc::now()).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("does not decrypt")),
        "{refused:?}"
    );
    assert_eq!(
        store.secrets().await.expect("secrets"),
        before,
        "nothing changed"
    );

    assert_eq!(
        rekey(store.as_ref(), &old(), &new(), chrono::Utc::now())
            .await
            .expect("rekey"),
        2
    );
    let rekeyed = LocalVault::new(new(), store.clone());
    let get = |r: SecretRef| {
        let v = &rekeyed;
        async move { v.get(&r).await.expect("get").expose_secret().to_owned() }
    };
    assert_eq!(get(a.clone()).await, "alpha");
    assert_eq!(get(b.clone()).await, "beta-2");
    rekeyed.restore_previous(&b).await.expect("undo");
    assert_eq!(get(b).await, "beta");
    assert!(
        vault.get(&a).await.is_err(),
        "the old key no longer opens it"
    );
}

#[tokio::test]
async fn the_rekey_command_replaces_the_key_file_only_after_committing() {
    use crate::server::config::VaultCommand;
    use crate::server::vault::{LocalVault, VaultKey};
    let url = crate::server::testing::sqlite_url();
    let mut config = crate::server::testing::test_config(&url);
    config.vault_key = None;
    let key_file = config.vault_key_path();
    let store = crate::server::store::connect(&url).await.expect("store");
    let first = VaultKey::load_or_create(&key_file).expect("key file");
    let secret_ref = LocalVault::new(first, store.clone())
        .put(
            &SecretOwner {
                tenant_id: crate::domain::TenantId::new(1),
                tenant_slug: "acme",
                kind: SecretKind::ServerCredential,
                owner: "mcp-server/a",
            },
            &SecretString::from("cli-key".to_owned()),
        )
        .await
        .expect("put");
    let old_hex = std::fs::read_to_string(&key_file).expect("read");

    crate::server::cli::vault(config.clone(), VaultCommand::Rekey { new_key: None })
        .await
        .expect("rekey");
    let new_hex = std::fs::read_to_string(&key_file).expect("read");
    assert_ne!(old_hex, new_hex);
    assert!(!key_file.with_extension("key.new").exists());
    let reopened = LocalVault::new(VaultKey::from_hex(&new_hex).expect("hex"), store.clone());
    let key = reopened
        .get(&secret_ref)
        .await
        .expect("opens with the new key file");
    assert_eq!(key.expose_secret(), "cli-key");

    // An interrupted rekey left its new key file behind (it committed, then
    // could not move the file): that file may be the only copy of the key
    // the secrets are sealed under, so a second rekey refuses and keeps it.
    let staged = key_file.with_extension("key.new");
    std::fs::write(&staged, &new_hex).expect("stage");
    let refused = crate::server::cli::vault(config.clone(), VaultCommand::Rekey { new_key: None })
        .await
        .expect_err("a leftover key.new must stop the rekey");
    assert!(
        refused.to_string().contains("stopped before it finished"),
        "{refused}"
    );
    assert_eq!(std::fs::read_to_string(&staged).expect("kept"), new_hex);
    assert_eq!(std::fs::read_to_string(&key_file).expect("read"), new_hex);
    let still = LocalVault::new(VaultKey::from_hex(&new_hex).expect("hex"), store.clone());
    assert_eq!(
        still.get(&secret_ref).await.expect("get").expose_secret(),
        "cli-key"
    );
    std::fs::remove_file(&staged).expect("clean up");

    // A wrong key in the environment: refused, and the key file is untouched.
    config.vault_key = Some(hex::encode([9u8; 32]));
    let refused = crate::server::cli::vault(config, VaultCommand::Rekey { new_key: None }).await;
    assert!(refused.is_err());
    assert_eq!(std::fs::read_to_string(&key_file).expect("read"), new_hex);
}

/// `vault rekey` under a live app would leave the app sealing new secrets
/// with the old key: it refuses while any replica serves on the database,
/// and runs once the app has stopped (its lease is dropped on the way out).
#[tokio::test]
async fn rekey_refuses_while_the_app_serves_on_the_database() {
    use crate::server::config::VaultCommand;
    let url = crate::server::testing::sqlite_url();
    let config = crate::server::testing::test_config(&url);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (app, served) = crate::server::testing::spawn_app_until(
        config.clone(),
        None,
        async move {
            let _ = stopped.await;
        },
        std::time::Duration::from_secs(5),
    )
    .await;
    // The app takes its lease before it serves: once it answers, the lease
    // is there (the serving task may not have started yet otherwise).
    assert_eq!(app.get("/healthz", None).await.status, 200);
    let refused = crate::server::cli::vault(
        config.clone(),
        VaultCommand::Rekey {
            new_key: Some(hex::encode([8u8; 32])),
        },
    )
    .await
    .expect_err("the app is up");
    assert!(
        refused.to_string().contains("stop every replica"),
        "{refused}"
    );
    let _ = stop.send(());
    served.await.expect("join").expect("served");
    crate::server::cli::vault(
        config,
        VaultCommand::Rekey {
            new_key: Some(hex::encode([8u8; 32])),
        },
    )
    .await
    .expect("the app has stopped: rekey runs");
}
