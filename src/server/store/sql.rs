//! The SQL both backends run, and the macro that implements [`Store`] for a
//! concrete pool type. `$N` placeholders work on SQLite and PostgreSQL alike,
//! and the schemas keep the same column names, so one text serves both.

use crate::domain::{ListQuery, ServerSort, SortDir};

use super::StoreError;

/// The server row's columns, as a macro so `concat!` can build `&'static str`
/// queries (sqlx 0.9 accepts only static SQL unless told otherwise).
macro_rules! server_columns {
    () => {
        "id, tenant_id, name, slug, description, url, transport, auth_type, enabled, \
         is_featured, secret_ref, created_at, updated_at, test_ok, test_tools, test_tool_count, test_error_class, \
         test_error_message, tested_at, credential_rotated_at"
    };
}
pub(super) use server_columns;

/// The user row's columns (see [`server_columns`] for why a macro).
macro_rules! user_columns {
    () => {
        "id, username, email, password_hash, created_at"
    };
}
pub(super) use user_columns;

/// Binds: username, email (lower-cased by the caller), hash, created_at.
pub(super) const INSERT_USER: &str = concat!(
    "INSERT INTO users (username, email, password_hash, created_at) \
     VALUES ($1, $2, $3, $4) RETURNING ",
    user_columns!()
);

/// Binds: user, tenant, role, created_at.
pub(super) const INSERT_MEMBERSHIP: &str =
    "INSERT INTO memberships (user_id, tenant_id, role, created_at) VALUES ($1, $2, $3, $4)";

/// Runs one statement with its binds, mapping errors; evaluates to the number
/// of rows it affected. Used inside `impl_store!`, which expands per engine.
macro_rules! execute {
    ($pool:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        sqlx::query($sql)
            $(.bind($bind))*
            .execute($pool)
            .await
            .map_err(map_err)?
            .rows_affected()
    };
}
pub(super) use execute;

/// Maps driver errors, turning unique violations into [`StoreError::Conflict`].
pub(super) fn map_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        // PostgreSQL names the constraint; SQLite only says which columns.
        let constraint = db
            .constraint()
            .map(str::to_owned)
            .unwrap_or_else(|| db.message().to_owned());
        return StoreError::Conflict { constraint };
    }
    StoreError::Database(e)
}

/// `LIKE` pattern for a case-insensitive "contains", with wildcards escaped.
pub(super) fn contains_pattern(filter: &str) -> String {
    let mut p = String::with_capacity(filter.len() + 2);
    p.push('%');
    for c in filter.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The page query. Sort columns come from a closed enum, never from input text,
/// which is what makes the `AssertSqlSafe` below true. Binds: `$1` tenant,
/// `$2` limit, `$3` offset, and `$4` the name pattern only when filtering (an
/// always-true `LIKE '%%'` would still be evaluated on every row).
pub(super) fn list_servers_sql(query: &ListQuery<ServerSort>) -> sqlx::AssertSqlSafe<String> {
    let dir = match query.dir {
        SortDir::Asc => "ASC",
        SortDir::Desc => "DESC",
    };
    // Each order matches an index in the migrations, tie-broken by name and id.
    let column = match query.sort {
        ServerSort::Name => None,
        ServerSort::Transport => Some("transport"),
        ServerSort::AuthType => Some("auth_type"),
        // NULLs sort differently per engine; pin them below zero.
        ServerSort::ToolCount => Some("COALESCE(test_tool_count, -1)"),
        ServerSort::Status => Some("enabled"),
        ServerSort::CreatedAt => Some("created_at"),
    };
    let order = match column {
        Some(c) => format!("{c} {dir}, lower(name) {dir}, id {dir}"),
        None => format!("lower(name) {dir}, id {dir}"),
    };
    let filter = if query.filter.is_empty() {
        ""
    } else {
        " AND lower(name) LIKE $4 ESCAPE '\\'"
    };
    sqlx::AssertSqlSafe(format!(
        concat!(
            "SELECT ",
            server_columns!(),
            " FROM mcp_servers WHERE tenant_id = $1{filter} ORDER BY {order} LIMIT $2 OFFSET $3"
        ),
        filter = filter,
        order = order
    ))
}

pub(super) fn count_servers_sql(query: &ListQuery<ServerSort>) -> &'static str {
    if query.filter.is_empty() {
        "SELECT COUNT(*) FROM mcp_servers WHERE tenant_id = $1"
    } else {
        "SELECT COUNT(*) FROM mcp_servers WHERE tenant_id = $1 AND lower(name) LIKE $2 ESCAPE '\\'"
    }
}
