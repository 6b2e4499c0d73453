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

    /// The clause text.
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
}

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
