//! List state (page, sort, filter) kept in the URL query, so a reload, a
//! shared link and the Back button all show the same view of a list.
//!
//! A page reads its state from the URL with [`ListUrl::get`] (tracked) and
//! changes it only by navigating: there is no second copy in a signal that
//! could disagree with the address bar. The server renders from the same URL,
//! so the first client render matches it and hydration holds.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

/// A list's state as the URL holds it. `Q` is the page's query type.
pub struct ListUrl<Q: Send + Sync + 'static> {
    query: Memo<Q>,
    to_search: fn(&Q) -> String,
    /// Navigates to the current path with this query string; `true` replaces
    /// the history entry instead of pushing one.
    go: Callback<(String, bool)>,
}

impl<Q: Send + Sync + 'static> Clone for ListUrl<Q> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q: Send + Sync + 'static> Copy for ListUrl<Q> {}

impl<Q> ListUrl<Q>
where
    Q: Clone + PartialEq + Send + Sync + 'static,
{
    /// Reads the list state from the current URL. `from_url` must accept any
    /// query (invalid values fall back to defaults); `to_search` writes the
    /// state back as `?…` (or `""` when everything is at its default).
    pub fn new(from_url: fn(&ParamsMap) -> Q, to_search: fn(&Q) -> String) -> Self {
        let params = use_query_map();
        let query = Memo::new(move |_| params.with(from_url));
        let location = use_location();
        let navigate = use_navigate();
        let go = Callback::new(move |(search, replace): (String, bool)| {
            let path = location.pathname.get_untracked();
            let options = NavigateOptions {
                replace,
                // Paging or sorting a table should not jump to the page's top.
                scroll: false,
                ..Default::default()
            };
            navigate(&format!("{path}{search}"), options);
        });
        Self {
            query,
            to_search,
            go,
        }
    }

    /// The current state, tracked.
    pub fn get(&self) -> Q {
        self.query.get()
    }

    /// Reads part of the current state, tracked.
    pub fn with<T>(&self, f: impl FnOnce(&Q) -> T) -> T {
        self.query.with(f)
    }

    /// A change Back should undo (a page or a sort): a new history entry.
    pub fn push(&self, change: impl FnOnce(&mut Q)) {
        self.navigate(change, false);
    }

    /// A change that is not a step of its own (each keystroke of a filter):
    /// replaces the current history entry so Back is not flooded.
    pub fn replace(&self, change: impl FnOnce(&mut Q)) {
        self.navigate(change, true);
    }

    fn navigate(&self, change: impl FnOnce(&mut Q), replace: bool) {
        let mut next = self.query.get_untracked();
        change(&mut next);
        if next != self.query.get_untracked() {
            self.go.run(((self.to_search)(&next), replace));
        }
    }
}

/// Builds a `?a=1&b=2` query string. Values are percent-encoded here rather
/// than by the router so the result is the same in every build.
#[derive(Default)]
pub struct QueryString(String);

impl QueryString {
    /// Adds `key=value` unless `value` is the default, so the plainest view
    /// of a list has the plainest address.
    pub fn set(mut self, key: &str, value: &str, default: &str) -> Self {
        if value != default {
            self.0.push(if self.0.is_empty() { '?' } else { '&' });
            self.0.push_str(key);
            self.0.push('=');
            encode_into(&mut self.0, value);
        }
        self
    }

    pub fn finish(self) -> String {
        self.0
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_into(out: &mut String, value: &str) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// A 1-based page number from the URL; anything else is page 1.
pub fn page_param(params: &ParamsMap) -> u32 {
    params
        .get_str("page")
        .and_then(|p| p.trim().parse::<u32>().ok())
        .filter(|&p| p >= 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&'static str, &str)]) -> ParamsMap {
        pairs.iter().map(|&(k, v)| (k, v.to_owned())).collect()
    }

    #[test]
    fn defaults_are_left_out_and_values_are_encoded() {
        assert_eq!(QueryString::default().set("page", "1", "1").finish(), "");
        assert_eq!(
            QueryString::default()
                .set("page", "2", "1")
                .set("q", "git hub&co/é", "")
                .finish(),
            "?page=2&q=git%20hub%26co%2F%C3%A9"
        );
    }

    #[test]
    fn page_numbers_fall_back_to_the_first_page() {
        assert_eq!(page_param(&params(&[("page", "3")])), 3);
        for bad in ["0", "-2", "two", "", "99999999999"] {
            assert_eq!(page_param(&params(&[("page", bad)])), 1, "{bad}");
        }
        assert_eq!(page_param(&ParamsMap::new()), 1);
    }
}
