//! The servers' SQL: the column list and the page query, whose ORDER BY
//! comes from a closed enum.

use crate::domain::{ListQuery, ServerSort, SortDir};

/// The server row's columns, as a macro so `concat!` can build `&'static str`
/// queries (sqlx 0.9 accepts only static SQL unless told otherwise).
macro_rules! server_columns {
    () => {
        "id, tenant_id, name, slug, description, url, url_secret, url_secret_ref, transport, auth_type, enabled, \
         is_featured, secret_ref, created_at, updated_at, test_ok, test_tools, test_tool_count, \
         test_error_class, test_error_message, tested_at, credential_rotated_at, owner, \
         auth_scope, agent_id, extra_headers, oauth_service_id, \
         (SELECT a.unique_id FROM agents a WHERE a.id = mcp_servers.agent_id) AS agent_uid, \
         (SELECT i.name FROM server_images i WHERE i.server_id = mcp_servers.id) AS image"
    };
}
pub(super) use server_columns;

/// `LIKE` pattern for a case-insensitive "contains", with wildcards escaped.
pub(in crate::server::store) fn contains_pattern(filter: &str) -> String {
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
