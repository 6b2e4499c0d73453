//! The audit log's table: append-only, read newest first per tenant.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::db::{Db, on_pool};
use super::{StoreError, StoreResult};
use crate::domain::{
    AuditAction, AuditEvent, AuditEventId, AuditOutcome, AuditQuery, TenantId, UserId,
};

#[derive(Debug, Clone)]
pub struct NewAuditRecord {
    pub tenant_id: TenantId,
    pub actor_id: Option<UserId>,
    pub actor: String,
    pub action: AuditAction,
    pub target: String,
    pub outcome: AuditOutcome,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    id: AuditEventId,
    actor: String,
    action: String,
    target: String,
    outcome: String,
    detail: Option<String>,
    at: DateTime<Utc>,
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = StoreError;

    fn try_from(r: AuditRow) -> Result<Self, Self::Error> {
        Ok(AuditEvent {
            id: r.id,
            actor: r.actor,
            action: AuditAction::parse(&r.action)
                .ok_or_else(|| StoreError::Corrupt(format!("audit action {:?}", r.action)))?,
            target: r.target,
            outcome: AuditOutcome::parse(&r.outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("audit outcome {:?}", r.outcome)))?,
            detail: r.detail,
            at: r.at,
        })
    }
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn record_audit(&self, event: &NewAuditRecord) -> StoreResult<()>;
    /// One page of the tenant's log, newest first, and the matching total.
    async fn audit_events(
        &self,
        tenant: TenantId,
        query: &AuditQuery,
    ) -> StoreResult<(Vec<AuditEvent>, u64)>;
}

#[async_trait]
impl AuditStore for Db {
    async fn record_audit(&self, e: &NewAuditRecord) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "INSERT INTO audit_events \
               (tenant_id, actor_id, actor, action, target, outcome, detail, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.tenant_id)
        .bind(e.actor_id)
        .bind(&e.actor)
        .bind(e.action.as_str())
        .bind(&e.target)
        .bind(e.outcome.as_str())
        .bind(&e.detail)
        .bind(e.at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn audit_events(
        &self,
        tenant: TenantId,
        query: &AuditQuery,
    ) -> StoreResult<(Vec<AuditEvent>, u64)> {
        let limit = i64::from(query.per_page);
        let offset = i64::try_from(query.offset()).unwrap_or(i64::MAX);
        // Two texts rather than `$2 IS NULL OR …`, so each can use its index.
        let (rows, total): (Vec<AuditRow>, i64) = on_pool!(self, pool => match query.action {
            None => (
                sqlx::query_as(
                    "SELECT id, actor, action, target, outcome, detail, at \
                     FROM audit_events WHERE tenant_id = $1 \
                     ORDER BY id DESC LIMIT $2 OFFSET $3",
                )
                .bind(tenant)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?,
                sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE tenant_id = $1")
                    .bind(tenant)
                    .fetch_one(pool)
                    .await?,
            ),
            Some(action) => (
                sqlx::query_as(
                    "SELECT id, actor, action, target, outcome, detail, at \
                     FROM audit_events WHERE tenant_id = $1 AND action = $2 \
                     ORDER BY id DESC LIMIT $3 OFFSET $4",
                )
                .bind(tenant)
                .bind(action.as_str())
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?,
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM audit_events WHERE tenant_id = $1 AND action = $2",
                )
                .bind(tenant)
                .bind(action.as_str())
                .fetch_one(pool)
                .await?,
            ),
        });
        let events = rows
            .into_iter()
            .map(TryInto::try_into)
            .collect::<StoreResult<Vec<AuditEvent>>>()?;
        Ok((events, u64::try_from(total).unwrap_or(0)))
    }
}
