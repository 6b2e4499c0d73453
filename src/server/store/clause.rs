//! A `WHERE` clause grown one filter at a time, for the list queries whose
//! filters are all optional. Fragments are fixed text written here in the
//! store; every value is bound, never spliced.

/// A bound value, in placeholder order.
pub(super) enum Arg {
    Text(String),
    Flag(bool),
    Int(i64),
}

pub(super) struct Clause {
    sql: String,
    args: Vec<Arg>,
}

impl Clause {
    /// Starts with `base`, which may use `$1` (bound by the caller first).
    pub(super) fn new(base: &str) -> Self {
        Self {
            sql: base.to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends `fragment`, whose `$n` (every occurrence) is `arg`'s placeholder.
    pub(super) fn and(&mut self, fragment: &str, arg: Arg) {
        self.args.push(arg);
        let n = self.args.len() + 1;
        self.sql.push_str(&fragment.replace("$n", &format!("${n}")));
    }

    /// The clause text (what `page_sql` builds on).
    #[cfg(test)]
    pub(super) fn sql(&self) -> &str {
        &self.sql
    }

    /// The next free placeholder number (for LIMIT and OFFSET).
    pub(super) fn next(&self) -> usize {
        self.args.len() + 2
    }

    pub(super) fn args(&self) -> &[Arg] {
        &self.args
    }

    /// The two queries of a page of `table` under this clause: how many
    /// rows match, and `columns` of those in `order`, limited and offset.
    /// Fixed text (the caller's constants and this clause) only.
    pub(super) fn page_sql(
        &self,
        table: &str,
        columns: &str,
        order: &str,
    ) -> (sqlx::AssertSqlSafe<String>, sqlx::AssertSqlSafe<String>) {
        let count = format!("SELECT COUNT(*) FROM {table}{}", self.sql);
        let page = format!(
            "SELECT {columns} FROM {table}{} ORDER BY {order} LIMIT ${} OFFSET ${}",
            self.sql,
            self.next(),
            self.next() + 1
        );
        (sqlx::AssertSqlSafe(count), sqlx::AssertSqlSafe(page))
    }
}

/// Runs a page's two queries (see [`Clause::page_sql`]) on `$db`'s pool,
/// binding `$tenant` as `$1` and the clause's values after it: the rows, as
/// `$row`, and the total.
macro_rules! fetch_page {
    ($db:expr, $row:ty, $clause:expr, ($table:expr, $columns:expr, $order:expr), $tenant:expr, $limit:expr, $offset:expr) => {{
        let clause = &$clause;
        let (count_sql, page_sql) = clause.page_sql($table, $columns, $order);
        let limit = i64::from($limit);
        let offset = i64::try_from($offset).unwrap_or(i64::MAX);
        let (rows, total): (Vec<$row>, i64) = $crate::server::store::db::on_pool!($db, pool => {
            let count = $crate::server::store::clause::bind_args!(
                sqlx::query_scalar(count_sql).bind($tenant),
                clause.args()
            );
            let page = $crate::server::store::clause::bind_args!(
                sqlx::query_as(page_sql).bind($tenant),
                clause.args()
            );
            let total = count.fetch_one(pool).await?;
            (page.bind(limit).bind(offset).fetch_all(pool).await?, total)
        });
        (rows, u64::try_from(total).unwrap_or_default())
    }};
}
pub(super) use fetch_page;

/// Binds a clause's values onto a query, in order.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for arg in $args {
            q = match arg {
                $crate::server::store::clause::Arg::Text(t) => q.bind(t.clone()),
                $crate::server::store::clause::Arg::Flag(f) => q.bind(*f),
                $crate::server::store::clause::Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }};
}
pub(super) use bind_args;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_filter_takes_the_next_placeholder() {
        let mut c = Clause::new(" WHERE tenant_id = $1");
        assert_eq!(c.next(), 2);
        c.and(" AND (a = $n OR b = $n)", Arg::Text("x".into()));
        c.and(" AND c = $n", Arg::Flag(true));
        assert_eq!(
            c.sql(),
            " WHERE tenant_id = $1 AND (a = $2 OR b = $2) AND c = $3"
        );
        assert_eq!((c.args().len(), c.next()), (2, 4));
    }
}
