//! Server images, one per server, served by their public name.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use super::db::{Db, on_pool};
use crate::domain::{ServerId, TenantId};

#[derive(Debug, Clone)]
pub struct NewImage {
    /// `<sha256>.<ext>`: the bytes' own address.
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredImage {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[async_trait]
pub trait ImageStore: Send + Sync {
    /// Sets (or replaces) the server's image; `false` when the tenant has
    /// no such server.
    async fn put_server_image(
        &self,
        tenant: TenantId,
        server: ServerId,
        image: &NewImage,
    ) -> StoreResult<bool>;
    async fn delete_server_image(&self, tenant: TenantId, server: ServerId) -> StoreResult<()>;
    /// An image by its public name, whoever's it is (the name is the key).
    async fn server_image(&self, name: &str) -> StoreResult<Option<StoredImage>>;
}

#[async_trait]
impl ImageStore for Db {
    async fn put_server_image(
        &self,
        tenant: TenantId,
        server: ServerId,
        image: &NewImage,
    ) -> StoreResult<bool> {
        // One statement: the server's tenant is checked as the row is written.
        let written = on_pool!(self, pool => sqlx::query(
            "INSERT INTO server_images (server_id, tenant_id, name, content_type, bytes, updated_at) \
             SELECT id, tenant_id, $3, $4, $5, $6 FROM mcp_servers WHERE id = $1 AND tenant_id = $2 \
             ON CONFLICT (server_id) DO UPDATE SET name = excluded.name, \
             content_type = excluded.content_type, bytes = excluded.bytes, \
             updated_at = excluded.updated_at",
        )
        .bind(server)
        .bind(tenant)
        .bind(&image.name)
        .bind(image.content_type)
        .bind(&image.bytes)
        .bind(image.at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(written > 0)
    }

    async fn delete_server_image(&self, tenant: TenantId, server: ServerId) -> StoreResult<()> {
        on_pool!(self, pool => sqlx::query(
            "DELETE FROM server_images WHERE server_id = $1 AND tenant_id = $2",
        )
        .bind(server)
        .bind(tenant)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    async fn server_image(&self, name: &str) -> StoreResult<Option<StoredImage>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT content_type, bytes FROM server_images WHERE name = $1 LIMIT 1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await)?)
    }
}
