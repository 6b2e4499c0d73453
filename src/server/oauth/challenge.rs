//! The `WWW-Authenticate` challenge an MCP server answers a request without
//! a token with (RFC 6750 §3, RFC 9728 §5.1): where its protected-resource
//! metadata is, and which scopes it wants.

/// The parts of a `Bearer` challenge the client acts on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    /// RFC 9728 `resource_metadata`: the metadata document's URL.
    pub resource_metadata: Option<String>,
    /// The scopes the server asks for, space-separated, as sent.
    pub scope: Option<String>,
    /// `invalid_token`, `insufficient_scope`, …
    pub error: Option<String>,
}

impl Challenge {
    /// The first `Bearer` challenge among the header values, if any.
    pub fn from_headers<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        values.into_iter().find_map(Self::parse)
    }

    /// A header value may hold several challenges (`Basic realm="x",
    /// Bearer scope="y"`); the `Bearer` one is read.
    pub fn parse(value: &str) -> Option<Self> {
        let params = bearer_params(value)?;
        let mut challenge = Challenge::default();
        for (name, value) in params {
            match name.to_ascii_lowercase().as_str() {
                "resource_metadata" => challenge.resource_metadata = Some(value),
                "scope" => challenge.scope = Some(value).filter(|s| !s.trim().is_empty()),
                "error" => challenge.error = Some(value),
                _ => {}
            }
        }
        Some(challenge)
    }
}

/// `have` with every scope of `more` it lacks added, in order: what a
/// step-up authorization asks for (the token must keep what it carried).
pub fn scope_union(have: &str, more: &str) -> String {
    let mut all: Vec<&str> = have.split_whitespace().collect();
    for scope in more.split_whitespace() {
        if !all.contains(&scope) {
            all.push(scope);
        }
    }
    all.join(" ")
}

/// The auth-params of the `Bearer` challenge in `value` (RFC 9110 §11.6.1:
/// `token=token` or `token="quoted string"`, comma-separated).
fn bearer_params(value: &str) -> Option<Vec<(String, String)>> {
    let mut rest = value.trim_start();
    loop {
        let (scheme, after) = split_token(rest);
        if scheme.is_empty() {
            return None;
        }
        let (params, after) = params(after);
        if scheme.eq_ignore_ascii_case("bearer") {
            return Some(params);
        }
        rest = after.trim_start_matches([',', ' ', '\t']);
        if rest.is_empty() {
            return None;
        }
    }
}

/// Reads `name=value` pairs until the next challenge's scheme (a token not
/// followed by `=`) or the end.
fn params(mut rest: &str) -> (Vec<(String, String)>, &str) {
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        let (name, after) = split_token(rest);
        let after_trimmed = after.trim_start();
        if name.is_empty() || !after_trimmed.starts_with('=') {
            return (out, rest);
        }
        let after_eq = after_trimmed[1..].trim_start();
        let (value, after_value) = if let Some(quoted) = after_eq.strip_prefix('"') {
            quoted_string(quoted)
        } else {
            let (token, after) = split_token(after_eq);
            (token.to_owned(), after)
        };
        out.push((name.to_owned(), value));
        rest = after_value;
    }
}

/// A token's characters (RFC 9110 §5.6.2), plus `/` so a token68 value
/// reads whole.
fn split_token(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~/".contains(c)))
        .unwrap_or(s.len());
    s.split_at(end)
}

/// The rest of a quoted string (after its opening quote), unescaped, and
/// what follows it. An unterminated one ends at the end of the value.
fn quoted_string(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    out.push(escaped);
                }
            }
            '"' => return (out, &s[i + 1..]),
            other => out.push(other),
        }
    }
    (out, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sdks_challenge_reads() {
        let c = Challenge::parse(
            r#"Bearer error="invalid_token", error_description="Missing Authorization header", resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp""#,
        )
        .expect("bearer");
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("http://localhost:3000/.well-known/oauth-protected-resource/mcp")
        );
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
        assert_eq!(c.scope, None);
    }

    #[test]
    fn the_bearer_challenge_is_found_among_others() {
        let c = Challenge::parse(
            r#"Basic realm="x, y", Bearer realm=api, scope="files:read files:write""#,
        )
        .expect("bearer");
        assert_eq!(c.scope.as_deref(), Some("files:read files:write"));
        let c = Challenge::from_headers(["Basic realm=\"a\"", "bearer scope=mcp"]).expect("second");
        assert_eq!(c.scope.as_deref(), Some("mcp"));
    }

    #[test]
    fn quoted_strings_unescape_and_bare_schemes_parse() {
        let c = Challenge::parse(r#"Bearer scope="a \"b\" c""#).expect("bearer");
        assert_eq!(c.scope.as_deref(), Some(r#"a "b" c"#));
        assert_eq!(Challenge::parse("Bearer"), Some(Challenge::default()));
        assert_eq!(
            Challenge::parse(r#"Bearer scope="unterminated"#)
                .and_then(|c| c.scope)
                .as_deref(),
            Some("unterminated")
        );
    }

    #[test]
    fn a_step_up_keeps_the_scopes_held_and_adds_the_new_ones_once() {
        assert_eq!(
            scope_union("mcp:basic", "mcp:basic mcp:write"),
            "mcp:basic mcp:write"
        );
        assert_eq!(scope_union("", "a  b"), "a b");
        assert_eq!(scope_union("b a", "a c"), "b a c");
        assert_eq!(scope_union("a", ""), "a");
    }

    #[test]
    fn other_schemes_and_junk_are_no_challenge() {
        for value in ["", "Basic realm=\"x\"", "Digest a=b, c=d", "=== ,,,"] {
            assert_eq!(Challenge::parse(value), None, "{value:?}");
        }
    }
}
