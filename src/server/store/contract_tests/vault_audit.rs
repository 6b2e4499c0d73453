//! The vault table's transactional rewrite, the sweeper's in-use check, and
//! the audit log, on both engines.

use chrono::{SubsecRound, Utc};
use std::sync::Arc;

use super::{new_server, tenant};
use crate::domain::{AuditAction, AuditOutcome, AuditQuery, TenantId};
use crate::server::store::*;

fn sealed(byte: u8) -> Sealed {
    Sealed {
        nonce: vec![byte; 12],
        ciphertext: vec![byte; 4],
    }
}

fn secret(secret_ref: &str, byte: u8) -> SecretRecord {
    let now = Utc::now().trunc_subsecs(6);
    SecretRecord {
        secret_ref: secret_ref.into(),
        tenant_id: TenantId::new(1),
        kind: "server-credential".into(),
        owner: "mcp-server/x".into(),
        current: sealed(byte),
        pending: None,
        previous: Some(sealed(byte + 1)),
        created_at: now,
        updated_at: now,
    }
}

/// The local vault reads, changes and writes back: a write based on a read
/// that another write has overtaken must not land.
pub(super) async fn a_secret_write_from_a_stale_read_is_refused(store: Arc<dyn Store>) {
    store.put_secret(&secret("s", 1)).await.expect("put");
    let read = store.secret("s").await.expect("get").expect("s");
    let mut first = read.clone();
    first.pending = Some(sealed(7));
    first.updated_at = (read.updated_at + chrono::Duration::seconds(1)).trunc_subsecs(6);
    assert!(
        store
            .replace_secret_if_unchanged(&first, read.updated_at)
            .await
            .expect("first write")
    );
    let mut second = read.clone();
    second.pending = Some(sealed(8));
    second.updated_at = (read.updated_at + chrono::Duration::seconds(2)).trunc_subsecs(6);
    assert!(
        !store
            .replace_secret_if_unchanged(&second, read.updated_at)
            .await
            .expect("second write"),
        "written from a stale read"
    );
    let stored = store.secret("s").await.expect("get").expect("s");
    assert_eq!(stored.pending, Some(sealed(7)), "the first write stands");
}

pub(super) async fn secret_rewrites_are_all_or_nothing(store: Arc<dyn Store>) {
    for (r, b) in [("a", 1u8), ("b", 3), ("c", 5)] {
        store.put_secret(&secret(r, b)).await.expect("put");
    }
    let before = store.secrets().await.expect("all");
    assert_eq!(before.len(), 3);
    let failing = |mut s: SecretRecord| -> Result<SecretRecord, String> {
        if &*s.secret_ref == "c" {
            return Err("c does not decrypt".into());
        }
        s.current = sealed(9);
        Ok(s)
    };
    let refused = store.rewrite_secrets(&failing).await;
    assert!(
        matches!(&refused, Err(StoreError::Aborted(m)) if m.contains("c does not decrypt")),
        "{refused:?}"
    );
    assert_eq!(store.secrets().await.expect("all"), before, "rolled back");

    let bump = |mut s: SecretRecord| -> Result<SecretRecord, String> {
        s.current = sealed(s.current.nonce[0] + 100);
        s.previous = None;
        Ok(s)
    };
    assert_eq!(store.rewrite_secrets(&bump).await.expect("rewrite"), 3);
    let after = store.secret("b").await.expect("get").expect("b");
    assert_eq!((after.current, after.previous), (sealed(103), None));
}

pub(super) async fn secrets_in_use_follow_server_rows(store: Arc<dyn Store>) {
    let t = tenant(store.as_ref(), "acme").await;
    assert!(!store.secret_in_use("local:1/x").await.expect("q"));
    let mut new = new_server(t.id, "Keyed");
    new.secret_ref = Some("local:1/x".into());
    let row = store.insert_server(&new).await.expect("insert");
    assert!(store.secret_in_use("local:1/x").await.expect("q"));
    store.delete_server(t.id, row.id).await.expect("delete");
    assert!(!store.secret_in_use("local:1/x").await.expect("q"));
}

fn event(tenant_id: TenantId, action: AuditAction, target: &str) -> NewAuditRecord {
    NewAuditRecord {
        tenant_id,
        actor_id: None,
        actor: "someone".into(),
        action,
        target: target.to_owned(),
        outcome: AuditOutcome::Success,
        detail: None,
        at: Utc::now(),
    }
}

pub(super) async fn audit_events_are_per_tenant_newest_first(store: Arc<dyn Store>) {
    let acme = tenant(store.as_ref(), "acme").await;
    let globex = tenant(store.as_ref(), "globex").await;
    for i in 0..5 {
        let action = if i % 2 == 0 {
            AuditAction::ServerRegister
        } else {
            AuditAction::SecretRead
        };
        store
            .record_audit(&event(acme.id, action, &format!("acme-{i}")))
            .await
            .expect("record");
    }
    let mut failed = event(globex.id, AuditAction::KeyRotate, "globex-0");
    failed.outcome = AuditOutcome::Failure;
    failed.detail = Some("refused".into());
    store.record_audit(&failed).await.expect("record");

    let q = |page, action| AuditQuery {
        page,
        per_page: 2,
        action,
    };
    let (items, total) = store.audit_events(acme.id, &q(1, None)).await.expect("q");
    let targets: Vec<&str> = items.iter().map(|e| e.target.as_str()).collect();
    assert_eq!((targets, total), (vec!["acme-4", "acme-3"], 5));
    let (items, total) = store
        .audit_events(acme.id, &q(2, Some(AuditAction::ServerRegister)))
        .await
        .expect("q");
    let targets: Vec<&str> = items.iter().map(|e| e.target.as_str()).collect();
    assert_eq!((targets, total), (vec!["acme-0"], 3));
    let (items, total) = store.audit_events(globex.id, &q(1, None)).await.expect("q");
    assert_eq!(total, 1);
    assert_eq!(items[0].outcome, AuditOutcome::Failure);
    assert_eq!(items[0].detail.as_deref(), Some("refused"));
    assert_eq!(items[0].action, AuditAction::KeyRotate);
}
