//! A server URL whose path or query is itself a credential (a per-tenant
//! link such as `https://mcp.example.com/s/9f2c…/mcp`, or `…/mcp?key=…`).
//! An admin marks which part is secret; that part goes to the vault with
//! the server's other secrets, the row keeps the rest, and every reader
//! sees the URL masked.

use serde::{Deserialize, Serialize};

use super::error::FieldError;
use super::server::ServerField;

/// What stands in for the secret part wherever a URL is shown.
pub const URL_MASK: &str = "••••";

/// Which part of a server's URL is a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UrlSecret {
    /// The whole URL is ordinary text.
    #[default]
    None,
    /// The query string (`?…`).
    Query,
    /// Everything after the host and port: the path and the query.
    Path,
}

impl UrlSecret {
    pub const ALL: [UrlSecret; 3] = [UrlSecret::None, UrlSecret::Query, UrlSecret::Path];

    /// The spelling in the database and both REST contracts.
    pub fn as_str(self) -> &'static str {
        match self {
            UrlSecret::None => "none",
            UrlSecret::Query => "query",
            UrlSecret::Path => "path",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// For serde's `skip_serializing_if`.
    pub fn is_none(&self) -> bool {
        *self == UrlSecret::None
    }

    /// The spellings both REST contracts accept, for their body readers.
    pub const CHOICES: [(&'static str, UrlSecret); 3] = [
        ("none", UrlSecret::None),
        ("query", UrlSecret::Query),
        ("path", UrlSecret::Path),
    ];

    pub fn label(self) -> &'static str {
        match self {
            UrlSecret::None => "Nothing",
            UrlSecret::Query => "The query string",
            UrlSecret::Path => "The path and query",
        }
    }
}

/// A URL cut where its secret part starts: `public` + `secret` is the URL.
#[derive(Clone, PartialEq, Eq)]
pub struct SplitUrl {
    pub public: String,
    /// Starts with `/` (a secret path) or `?` (a secret query).
    pub secret: Option<String>,
}

// The secret part never reaches a debug print.
impl std::fmt::Debug for SplitUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SplitUrl")
            .field("public", &self.public)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Where the authority (host and port) of an absolute URL ends.
fn authority_end(url: &str) -> Option<usize> {
    let start = url.find("://")? + 3;
    Some(
        url[start..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |i| start + i),
    )
}

/// Cuts `url` (already a valid server URL) at its secret part. A URL with
/// no such part to hide is a field error: marking it secret would hide
/// nothing and promise otherwise.
pub fn split(url: &str, which: UrlSecret) -> Result<SplitUrl, FieldError> {
    let field = ServerField::URL;
    let whole = || SplitUrl {
        public: url.to_owned(),
        secret: None,
    };
    if url.contains('#') && which != UrlSecret::None {
        return Err(FieldError::new(
            field,
            "A URL with a secret part cannot have a #fragment.",
        ));
    }
    let at = match which {
        UrlSecret::None => return Ok(whole()),
        UrlSecret::Query => url
            .find('?')
            .filter(|&i| i + 1 < url.len())
            .ok_or_else(|| {
                FieldError::new(field, "This URL has no query string to keep secret.")
            })?,
        UrlSecret::Path => authority_end(url)
            .filter(|&i| !matches!(&url[i..], "" | "/"))
            .ok_or_else(|| {
                FieldError::new(field, "This URL has no path or query to keep secret.")
            })?,
    };
    Ok(SplitUrl {
        public: url[..at].to_owned(),
        secret: Some(url[at..].to_owned()),
    })
}

/// The URL to connect to: the public part and the secret part rejoined.
pub fn join(public: &str, secret: Option<&str>) -> String {
    format!("{public}{}", secret.unwrap_or_default())
}

/// The URL as everyone reads it: the secret part replaced by the mask.
pub fn masked(public: &str, which: UrlSecret) -> String {
    match which {
        UrlSecret::None => public.to_owned(),
        UrlSecret::Query => format!("{public}?{URL_MASK}"),
        UrlSecret::Path => format!("{public}/{URL_MASK}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_part_splits_off_and_joins_back() {
        let cases = [
            (
                "https://mcp.example.com/s/9f2c/mcp?x=1",
                UrlSecret::Path,
                "https://mcp.example.com",
                Some("/s/9f2c/mcp?x=1"),
                "https://mcp.example.com/••••",
            ),
            (
                "https://mcp.example.com:8443/mcp?key=abc",
                UrlSecret::Query,
                "https://mcp.example.com:8443/mcp",
                Some("?key=abc"),
                "https://mcp.example.com:8443/mcp?••••",
            ),
            (
                "https://mcp.example.com?key=abc",
                UrlSecret::Path,
                "https://mcp.example.com",
                Some("?key=abc"),
                "https://mcp.example.com/••••",
            ),
            (
                "http://[::1]:9000/a",
                UrlSecret::Path,
                "http://[::1]:9000",
                Some("/a"),
                "http://[::1]:9000/••••",
            ),
            (
                "https://mcp.example.com/mcp?key=abc",
                UrlSecret::None,
                "https://mcp.example.com/mcp?key=abc",
                None,
                "https://mcp.example.com/mcp?key=abc",
            ),
        ];
        for (url, which, public, secret, shown) in cases {
            let split = split(url, which).expect(url);
            assert_eq!(split.public, public, "{url}");
            assert_eq!(split.secret.as_deref(), secret, "{url}");
            assert_eq!(join(&split.public, split.secret.as_deref()), url);
            assert_eq!(masked(&split.public, which), shown, "{url}");
        }
    }

    #[test]
    fn nothing_to_hide_is_a_field_error() {
        for (url, which) in [
            ("https://mcp.example.com/mcp", UrlSecret::Query),
            ("https://mcp.example.com/mcp?", UrlSecret::Query),
            ("https://mcp.example.com", UrlSecret::Path),
            ("https://mcp.example.com/", UrlSecret::Path),
            ("https://mcp.example.com/mcp?k=1#top", UrlSecret::Query),
        ] {
            let e = split(url, which).expect_err(url);
            assert_eq!(e.field, ServerField::URL, "{url}");
        }
    }

    #[test]
    fn the_debug_form_hides_the_secret() {
        let split = split("https://h.example/s/topsecret", UrlSecret::Path).expect("split");
        assert!(!format!("{split:?}").contains("topsecret"));
    }

    #[test]
    fn spellings_round_trip() {
        for which in UrlSecret::ALL {
            assert_eq!(UrlSecret::parse(which.as_str()), Some(which));
        }
        assert_eq!(UrlSecret::parse("all"), None);
    }
}
