//! OAuth services: the client a tenant's OAuth servers connect users'
//! accounts with (a row of `oauth_clients`), under a name both contracts
//! can put in a path. See `migrations/*/0018_oauth_services.sql`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::{OAuthClientId, OAuthServiceId, ServerId, TenantId};

macro_rules! service_columns {
    () => {
        "id, tenant_id, client_row_id, name, display_name, description, scopes, resource, \
         created_at, updated_at"
    };
}

#[derive(Debug, Clone)]
pub struct NewOAuthService {
    pub tenant_id: TenantId,
    pub client_row_id: OAuthClientId,
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// Space-separated.
    pub scopes: String,
    pub resource: Option<String>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OAuthServiceRecord {
    pub id: OAuthServiceId,
    pub tenant_id: TenantId,
    pub client_row_id: OAuthClientId,
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub scopes: String,
    pub resource: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[async_trait]
pub trait OAuthServiceStore: Send + Sync {
    /// A name the tenant already uses is a `Conflict`.
    async fn insert_oauth_service(&self, new: &NewOAuthService) -> StoreResult<OAuthServiceRecord>;
    async fn oauth_service(
        &self,
        tenant: TenantId,
        id: OAuthServiceId,
    ) -> StoreResult<Option<OAuthServiceRecord>>;
    async fn oauth_service_named(
        &self,
        tenant: TenantId,
        name: &str,
    ) -> StoreResult<Option<OAuthServiceRecord>>;
    /// The newest service discovery found for this MCP server URL.
    async fn oauth_service_for_resource(
        &self,
        tenant: TenantId,
        resource: &str,
    ) -> StoreResult<Option<OAuthServiceRecord>>;
    /// All of the tenant's services, oldest first.
    async fn oauth_services(&self, tenant: TenantId) -> StoreResult<Vec<OAuthServiceRecord>>;
    /// The tenant's enabled `oauth2` servers linked to the service, oldest
    /// first.
    async fn servers_using(
        &self,
        tenant: TenantId,
        service: OAuthServiceId,
    ) -> StoreResult<Vec<ServerId>>;
}

#[async_trait]
impl OAuthServiceStore for Db {
    async fn insert_oauth_service(&self, new: &NewOAuthService) -> StoreResult<OAuthServiceRecord> {
        let sql = concat!(
            "INSERT INTO oauth_services (tenant_id, client_row_id, name, display_name, \
             description, scopes, resource, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ",
            service_columns!()
        );
        Ok(on_pool!(self, pool => sqlx::query_as(sql)
            .bind(new.tenant_id)
            .bind(new.client_row_id)
            .bind(&new.name)
            .bind(&new.display_name)
            .bind(&new.description)
            .bind(&new.scopes)
            .bind(&new.resource)
            .bind(new.now)
            .fetch_one(pool)
            .await)?)
    }

    async fn oauth_service(
        &self,
        tenant: TenantId,
        id: OAuthServiceId,
    ) -> StoreResult<Option<OAuthServiceRecord>> {
        let sql = concat!(
            "SELECT ",
            service_columns!(),
            " FROM oauth_services WHERE tenant_id = $1 AND id = $2"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    async fn oauth_service_named(
        &self,
        tenant: TenantId,
        name: &str,
    ) -> StoreResult<Option<OAuthServiceRecord>> {
        let sql = concat!(
            "SELECT ",
            service_columns!(),
            " FROM oauth_services WHERE tenant_id = $1 AND name = $2"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .bind(name)
            .fetch_optional(pool)
            .await)?)
    }

    async fn oauth_service_for_resource(
        &self,
        tenant: TenantId,
        resource: &str,
    ) -> StoreResult<Option<OAuthServiceRecord>> {
        let sql = concat!(
            "SELECT ",
            service_columns!(),
            " FROM oauth_services WHERE tenant_id = $1 AND resource = $2 \
             ORDER BY id DESC LIMIT 1"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .bind(resource)
            .fetch_optional(pool)
            .await)?)
    }

    async fn oauth_services(&self, tenant: TenantId) -> StoreResult<Vec<OAuthServiceRecord>> {
        let sql = concat!(
            "SELECT ",
            service_columns!(),
            " FROM oauth_services WHERE tenant_id = $1 ORDER BY id"
        );
        Ok(on_pool!(self, pool => sqlx::query_as(sql)
            .bind(tenant)
            .fetch_all(pool)
            .await)?)
    }

    async fn servers_using(
        &self,
        tenant: TenantId,
        service: OAuthServiceId,
    ) -> StoreResult<Vec<ServerId>> {
        Ok(on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM mcp_servers WHERE tenant_id = $1 AND oauth_service_id = $2 \
             AND auth_type = 'oauth2' AND enabled ORDER BY id")
            .bind(tenant)
            .bind(service)
            .fetch_all(pool)
            .await)?)
    }
}
