//! The one implementation of [`super::Store`], instantiated per engine by
//! `sqlite.rs` and `postgres.rs`. It expands where those modules have imported
//! the helpers from `sql.rs`, so the SQL text is the same for both.

/// Implements [`super::Store`] for a struct with a `pool` field of one engine.
macro_rules! impl_store {
    ($store:ty, $engine:literal) => {
        #[async_trait::async_trait]
        impl $crate::server::store::Store for $store {
            fn engine(&self) -> &'static str {
                $engine
            }

            async fn ping(&self) -> StoreResult<()> {
                execute!(&self.pool, "SELECT 1");
                Ok(())
            }

            async fn create_tenant(&self, slug: &str, name: &str) -> StoreResult<TenantRecord> {
                sqlx::query_as(
                    "INSERT INTO tenants (slug, name, created_at) VALUES ($1, $2, $3) \
                     RETURNING id, slug, name, created_at",
                )
                .bind(slug)
                .bind(name)
                .bind(Utc::now())
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)
            }

            async fn tenant_by_slug(&self, slug: &str) -> StoreResult<Option<TenantRecord>> {
                sqlx::query_as("SELECT id, slug, name, created_at FROM tenants WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(map_err)
            }

            async fn tenant_by_id(&self, id: i64) -> StoreResult<Option<TenantRecord>> {
                sqlx::query_as("SELECT id, slug, name, created_at FROM tenants WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(map_err)
            }

            async fn create_user(&self, new: &NewUserRecord) -> StoreResult<UserRecord> {
                sqlx::query_as(INSERT_USER)
                    .bind(&new.username)
                    .bind(new.email.to_lowercase())
                    .bind(&new.password_hash)
                    .bind(Utc::now())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(map_err)
            }

            async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRecord>> {
                sqlx::query_as(concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM users WHERE email = $1"
                ))
                .bind(email.to_lowercase())
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)
            }

            async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>> {
                sqlx::query_as(concat!(
                    "SELECT ",
                    user_columns!(),
                    " FROM users WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)
            }

            async fn count_users(&self) -> StoreResult<i64> {
                sqlx::query_scalar("SELECT COUNT(*) FROM users")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(map_err)
            }

            async fn add_membership(
                &self,
                user_id: i64,
                tenant_id: i64,
                role: Role,
            ) -> StoreResult<()> {
                execute!(
                    &self.pool,
                    INSERT_MEMBERSHIP,
                    user_id,
                    tenant_id,
                    role.as_str(),
                    Utc::now(),
                );
                Ok(())
            }

            async fn membership(&self, user_id: i64, tenant_id: i64) -> StoreResult<Option<Role>> {
                let row: Option<(String,)> = sqlx::query_as(
                    "SELECT role FROM memberships WHERE user_id = $1 AND tenant_id = $2",
                )
                .bind(user_id)
                .bind(tenant_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
                row.map(|(r,)| {
                    Role::parse(&r).ok_or_else(|| StoreError::Corrupt(format!("role {r:?}")))
                })
                .transpose()
            }

            async fn memberships_of(&self, user_id: i64) -> StoreResult<Vec<(TenantRecord, Role)>> {
                let rows: Vec<(i64, String, String, DateTime<Utc>, String)> = sqlx::query_as(
                    "SELECT t.id, t.slug, t.name, t.created_at, m.role \
                     FROM memberships m JOIN tenants t ON t.id = m.tenant_id \
                     WHERE m.user_id = $1 ORDER BY m.created_at, t.id",
                )
                .bind(user_id)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter()
                    .map(|(id, slug, name, created_at, role)| {
                        let role = Role::parse(&role)
                            .ok_or_else(|| StoreError::Corrupt(format!("role {role:?}")))?;
                        Ok((
                            TenantRecord {
                                id,
                                slug,
                                name,
                                created_at,
                            },
                            role,
                        ))
                    })
                    .collect()
            }

            async fn create_session(&self, s: &SessionRecord) -> StoreResult<()> {
                execute!(
                    &self.pool,
                    "INSERT INTO sessions (token_hash, user_id, tenant_id, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                    &s.token_hash,
                    s.user_id,
                    s.tenant_id,
                    s.created_at,
                    s.expires_at,
                );
                Ok(())
            }

            async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>> {
                sqlx::query_as(
                    "SELECT token_hash, user_id, tenant_id, created_at, expires_at \
                     FROM sessions WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)
            }

            async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                execute!(
                    &self.pool,
                    "DELETE FROM sessions WHERE token_hash = $1",
                    token_hash
                );
                Ok(())
            }

            async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64> {
                let done = execute!(
                    &self.pool,
                    "DELETE FROM sessions WHERE expires_at <= $1",
                    now
                );
                Ok(done)
            }

            async fn record_auth_failure(&self, key: &str, at: DateTime<Utc>) -> StoreResult<()> {
                execute!(
                    &self.pool,
                    "INSERT INTO auth_failures (key, at) VALUES ($1, $2)",
                    key,
                    at,
                );
                Ok(())
            }

            async fn count_auth_failures(
                &self,
                key: &str,
                since: DateTime<Utc>,
            ) -> StoreResult<i64> {
                sqlx::query_scalar("SELECT COUNT(*) FROM auth_failures WHERE key = $1 AND at > $2")
                    .bind(key)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(map_err)
            }

            async fn clear_auth_failures(&self, key: &str) -> StoreResult<()> {
                execute!(&self.pool, "DELETE FROM auth_failures WHERE key = $1", key);
                Ok(())
            }

            async fn prune_auth_failures(&self, before: DateTime<Utc>) -> StoreResult<u64> {
                let done = execute!(
                    &self.pool,
                    "DELETE FROM auth_failures WHERE at < $1",
                    before
                );
                Ok(done)
            }

            async fn insert_server(&self, new: &NewServerRecord) -> StoreResult<ServerRecord> {
                let row: ServerRow = sqlx::query_as(concat!(
                    "INSERT INTO mcp_servers (tenant_id, name, slug, description, url, transport, \
                     auth_type, enabled, is_featured, secret_ref, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING ",
                    server_columns!()
                ))
                .bind(new.tenant_id)
                .bind(&new.name)
                .bind(&new.slug)
                .bind(&new.description)
                .bind(&new.url)
                .bind(new.transport.as_str())
                .bind(new.auth_type.as_str())
                .bind(new.enabled)
                .bind(new.featured)
                .bind(&new.secret_ref)
                .bind(new.now)
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
                row.try_into()
            }

            async fn server(&self, tenant_id: i64, id: i64) -> StoreResult<Option<ServerRecord>> {
                let row: Option<ServerRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    server_columns!(),
                    " FROM mcp_servers WHERE tenant_id = $1 AND id = $2"
                ))
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
                row.map(TryInto::try_into).transpose()
            }

            async fn list_servers(
                &self,
                tenant_id: i64,
                query: &ListQuery<ServerSort>,
            ) -> StoreResult<(Vec<ServerRecord>, u64)> {
                let filtered = !query.filter.is_empty();
                let pattern = contains_pattern(&query.filter);
                let mut count = sqlx::query_as(count_servers_sql(query)).bind(tenant_id);
                if filtered {
                    count = count.bind(&pattern);
                }
                let (total,): (i64,) = count.fetch_one(&self.pool).await.map_err(map_err)?;
                let mut page = sqlx::query_as(list_servers_sql(query))
                    .bind(tenant_id)
                    .bind(i64::from(query.per_page))
                    .bind(i64::try_from(query.offset()).unwrap_or(i64::MAX));
                if filtered {
                    page = page.bind(&pattern);
                }
                let rows: Vec<ServerRow> = page.fetch_all(&self.pool).await.map_err(map_err)?;
                let items = rows
                    .into_iter()
                    .map(TryInto::try_into)
                    .collect::<StoreResult<Vec<ServerRecord>>>()?;
                Ok((items, u64::try_from(total).unwrap_or_default()))
            }

            async fn update_server(
                &self,
                tenant_id: i64,
                id: i64,
                u: &ServerUpdate,
            ) -> StoreResult<Option<ServerRecord>> {
                let row: Option<ServerRow> = sqlx::query_as(concat!(
                    "UPDATE mcp_servers SET \
                       name = COALESCE($3, name), slug = COALESCE($4, slug), \
                       url = COALESCE($5, url), transport = COALESCE($6, transport), \
                       enabled = COALESCE($7, enabled), updated_at = $8, \
                       description = COALESCE($9, description), \
                       auth_type = COALESCE($10, auth_type), \
                       is_featured = COALESCE($11, is_featured), \
                       secret_ref = CASE WHEN $12 THEN $13 ELSE secret_ref END \
                     WHERE tenant_id = $1 AND id = $2 \
                       AND (NOT $12 OR secret_ref IS NOT DISTINCT FROM $14) RETURNING ",
                    server_columns!()
                ))
                .bind(tenant_id)
                .bind(id)
                .bind(&u.name)
                .bind(&u.slug)
                .bind(&u.url)
                .bind(u.transport.map(|t| t.as_str()))
                .bind(u.enabled)
                .bind(u.now)
                .bind(&u.description)
                .bind(u.auth_type.map(|a| a.as_str()))
                .bind(u.featured)
                .bind(u.secret_ref.is_some())
                .bind(u.secret_ref.as_ref().and_then(|c| c.to.clone()))
                .bind(u.secret_ref.as_ref().and_then(|c| c.from.clone()))
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
                row.map(TryInto::try_into).transpose()
            }

            async fn save_test_snapshot(
                &self,
                tenant_id: i64,
                id: i64,
                s: &TestSnapshot,
            ) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE mcp_servers SET test_ok = $3, test_tools = $4, test_tool_count = $5, \
                       test_error_class = $6, test_error_message = $7, tested_at = $8 \
                     WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant_id)
                .bind(id)
                .bind(s.ok)
                .bind(&s.tools_json)
                .bind(s.tool_count)
                .bind(s.error_class.map(|c| c.as_str()))
                .bind(&s.error_message)
                .bind(s.tested_at)
                .execute(&self.pool)
                .await
                .map_err(map_err)?;
                Ok(done.rows_affected() > 0)
            }

            async fn delete_server(
                &self,
                tenant_id: i64,
                id: i64,
            ) -> StoreResult<Option<ServerRecord>> {
                let row: Option<ServerRow> = sqlx::query_as(concat!(
                    "DELETE FROM mcp_servers WHERE tenant_id = $1 AND id = $2 RETURNING ",
                    server_columns!()
                ))
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
                row.map(TryInto::try_into).transpose()
            }

            async fn mark_credential_rotated(
                &self,
                tenant_id: i64,
                id: i64,
                at: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let done = execute!(
                    &self.pool,
                    "UPDATE mcp_servers SET credential_rotated_at = $3, updated_at = $3 \
                     WHERE tenant_id = $1 AND id = $2",
                    tenant_id,
                    id,
                    at,
                );
                Ok(done > 0)
            }
        }
    };
}

pub(super) use impl_store;
