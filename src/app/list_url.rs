//! List state (page, sort, filter) kept in the URL query, so a reload, a
//! shared link and the Back button all show the same view of a list.
//!
//! The server renders a list from its URL; the list's links and filter
//! form carry the next state as another URL (see `components::live_list`).
//! Each page reads its query type from the URL with a `from_url` that takes
//! any query (invalid values fall back to defaults), and writes it back with
//! [`QueryString`].

use leptos_router::params::ParamsMap;

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
