//! The vault contract: every test runs against `local` (on SQLite) and
//! `aws` (against moto's Secrets Manager, one server per test).

use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;

use super::*;
use crate::server::testing::{Moto, sqlite_store};

/// Generates one `#[tokio::test]` per backend for each contract function.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod on_local {
            $(
                #[tokio::test]
                async fn $name() {
                    let store = sqlite_store().await;
                    let key = VaultKey::from_hex(&hex::encode([3u8; 32])).expect("key");
                    super::$name(Arc::new(LocalVault::new(key, store))).await;
                }
            )*
            use super::*;
        }
        mod on_aws {
            $(
                #[tokio::test]
                async fn $name() {
                    let moto = Moto::start().await;
                    super::$name(moto.vault().await).await;
                }
            )*
            use super::*;
        }
    };
}

contract!(
    secrets_round_trip_and_delete_idempotently,
    each_put_makes_a_new_secret,
    rotation_stages_promotes_and_undoes,
    a_discarded_pending_key_never_becomes_current,
    overlapping_rotations_never_promote_each_others_key,
    managed_secrets_are_listed_with_their_owner,
);

fn owner(slug: &'static str) -> SecretOwner<'static> {
    SecretOwner {
        tenant_id: TenantId::new(1),
        tenant_slug: "acme",
        kind: SecretKind::ServerCredential,
        owner: slug,
    }
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

async fn current(vault: &dyn Vault, secret_ref: &str) -> String {
    vault
        .get(secret_ref)
        .await
        .expect("get")
        .expose_secret()
        .to_owned()
}

async fn secrets_round_trip_and_delete_idempotently(vault: Arc<dyn Vault>) {
    let r = vault
        .put(&owner("mcp-server/a"), &secret("key-one"))
        .await
        .expect("put");
    assert_eq!(current(vault.as_ref(), &r).await, "key-one");
    vault.delete(&r).await.expect("delete");
    assert!(matches!(vault.get(&r).await, Err(VaultError::NotFound(_))));
    vault.delete(&r).await.expect("deleting twice is fine");
}

async fn each_put_makes_a_new_secret(vault: Arc<dyn Vault>) {
    let a = vault.put(&owner("mcp-server/a"), &secret("same")).await;
    let b = vault.put(&owner("mcp-server/a"), &secret("same")).await;
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_ne!(a, b);
    vault.delete(&a).await.expect("delete a");
    assert_eq!(current(vault.as_ref(), &b).await, "same");
}

async fn rotation_stages_promotes_and_undoes(vault: Arc<dyn Vault>) {
    let v = vault.as_ref();
    let r = v
        .put(&owner("mcp-server/a"), &secret("old"))
        .await
        .expect("put");
    assert!(matches!(
        v.restore_previous(&r).await,
        Err(VaultError::NoVersion {
            version: "previous",
            ..
        })
    ));
    let new = v.stage(&r, &secret("new")).await.expect("stage");
    assert_eq!(current(v, &r).await, "old", "staging leaves current alone");
    v.promote(&r, &new).await.expect("promote");
    assert_eq!(current(v, &r).await, "new");
    assert!(
        matches!(
            v.promote(&r, &new).await,
            Err(VaultError::NoVersion {
                version: "pending",
                ..
            })
        ),
        "promoting consumes the pending version"
    );
    v.restore_previous(&r).await.expect("undo");
    assert_eq!(current(v, &r).await, "old");
    v.restore_previous(&r).await.expect("undo the undo");
    assert_eq!(current(v, &r).await, "new");
    // A second rotation: the key rotated away becomes previous.
    let newer = v.stage(&r, &secret("newer")).await.expect("stage");
    v.promote(&r, &newer).await.expect("promote");
    v.restore_previous(&r).await.expect("undo");
    assert_eq!(current(v, &r).await, "new");
}

async fn a_discarded_pending_key_never_becomes_current(vault: Arc<dyn Vault>) {
    let v = vault.as_ref();
    let r = v
        .put(&owner("mcp-server/a"), &secret("old"))
        .await
        .expect("put");
    let refused = v.stage(&r, &secret("refused")).await.expect("stage");
    v.discard_pending(&r, &refused).await.expect("discard");
    v.discard_pending(&r, &refused)
        .await
        .expect("discarding twice is fine");
    assert!(matches!(
        v.promote(&r, &refused).await,
        Err(VaultError::NoVersion { .. })
    ));
    assert_eq!(current(v, &r).await, "old");
    assert!(matches!(
        v.stage("no/such/secret", &secret("x")).await,
        Err(VaultError::NotFound(_))
    ));
}

/// Two rotations overlap: B stages over A's pending key while A is tested.
/// A's promotion is refused (it would make B's untested key current, or
/// silently drop B's), A's discard leaves B's pending key alone, and B's
/// promotion makes B's key current.
async fn overlapping_rotations_never_promote_each_others_key(vault: Arc<dyn Vault>) {
    let v = vault.as_ref();
    let r = v
        .put(&owner("mcp-server/a"), &secret("old"))
        .await
        .expect("put");
    let a = v.stage(&r, &secret("a-key")).await.expect("stage a");
    let b = v.stage(&r, &secret("b-key")).await.expect("stage b");
    assert_ne!(a, b);
    assert!(
        matches!(v.promote(&r, &a).await, Err(VaultError::Superseded(_))),
        "A's key is no longer the pending one"
    );
    assert_eq!(current(v, &r).await, "old", "nothing was promoted");
    v.discard_pending(&r, &a).await.expect("discard a");
    v.promote(&r, &b)
        .await
        .expect("B's pending key survived A's discard");
    assert_eq!(current(v, &r).await, "b-key");
    v.restore_previous(&r).await.expect("undo");
    assert_eq!(
        current(v, &r).await,
        "old",
        "A's key never became any version"
    );
}

async fn managed_secrets_are_listed_with_their_owner(vault: Arc<dyn Vault>) {
    let a = vault
        .put(&owner("mcp-server/a"), &secret("a"))
        .await
        .expect("a");
    let b = vault
        .put(&owner("mcp-server/b"), &secret("b"))
        .await
        .expect("b");
    vault.delete(&b).await.expect("delete b");
    let listed = vault.list_managed().await.expect("list");
    let refs: Vec<(&str, &str)> = listed
        .iter()
        .map(|m| (m.secret_ref.as_str(), m.owner.as_str()))
        .collect();
    assert_eq!(refs, vec![(a.as_str(), "mcp-server/a")]);
    let age = chrono::Utc::now() - listed[0].created_at;
    assert!(age.num_seconds().abs() < 60, "created_at is real: {age}");
}
