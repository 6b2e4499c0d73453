//! Rendering the headers sent to an MCP server: its stored extra headers,
//! then its credential as an `Authorization` header.
//!
//! Pure and wasm-safe, so the UI can show exactly what will be sent (with
//! the credential masked) and the server sends the same thing.

/// The header a credential is sent in.
pub const AUTHORIZATION: &str = "Authorization";

/// The scheme a bare server key has always been sent with.
pub const DEFAULT_SCHEME: &str = "Bearer";

/// Schemes a pasted key may already carry ("Bearer abc", "Token abc").
const KNOWN_SCHEMES: [&str; 5] = ["bearer", "token", "basic", "apikey", "dpop"];

/// One header, name and value, in the order it is sent.
pub type Header = (String, String);

/// The `Authorization` value for a credential: as given when it already
/// names a scheme (a known one, or `scheme` itself), otherwise prefixed with
/// `scheme`, or bare when there is no scheme.
pub fn authorization_value(credential: &str, scheme: Option<&str>) -> String {
    let credential = credential.trim();
    let scheme = scheme.map(str::trim).filter(|s| !s.is_empty());
    if let Some((first, rest)) = credential.split_once(' ')
        && !rest.trim().is_empty()
        && (KNOWN_SCHEMES.contains(&first.to_ascii_lowercase().as_str())
            || scheme.is_some_and(|s| s.eq_ignore_ascii_case(first)))
    {
        return credential.to_owned();
    }
    match scheme {
        Some(scheme) => format!("{scheme} {credential}"),
        None => credential.to_owned(),
    }
}

/// The headers to send, in order: `extra` first, then the credential (with
/// `scheme` applied unless it already carries one). The credential wins a
/// clash: an extra header of the same name (any case) is dropped.
pub fn render_headers(
    extra: &[Header],
    credential: Option<&str>,
    scheme: Option<&str>,
) -> Vec<Header> {
    let mut headers: Vec<Header> = extra
        .iter()
        .filter(|(name, _)| credential.is_none() || !name.eq_ignore_ascii_case(AUTHORIZATION))
        .cloned()
        .collect();
    if let Some(credential) = credential {
        headers.push((
            AUTHORIZATION.to_owned(),
            authorization_value(credential, scheme),
        ));
    }
    headers
}

/// At most this many extra headers per server or connection.
pub const EXTRA_HEADERS_MAX: usize = 20;
const HEADER_NAME_MAX: usize = 100;
const HEADER_VALUE_MAX: usize = 2000;

/// Headers the transport itself sets; an extra header may not replace them.
const RESERVED: [&str; 12] = [
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
    "accept",
    "mcp-session-id",
    "mcp-protocol-version",
    "last-event-id",
    "sec-websocket-protocol",
];

/// Whether a header's name says it carries a credential. Such values belong
/// in the vault, never in a plain column.
pub fn looks_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie"
    ) || [
        "key",
        "token",
        "secret",
        "password",
        "auth",
        "session",
        "signature",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// Checks extra headers as given: names are HTTP tokens, values one line,
/// no duplicates (in any case), nothing the transport sets itself and, when
/// `secrets_allowed` is false, nothing that looks like a credential.
pub fn check_extra_headers(headers: &[Header], secrets_allowed: bool) -> Result<(), String> {
    if headers.len() > EXTRA_HEADERS_MAX {
        return Err(format!("At most {EXTRA_HEADERS_MAX} extra headers."));
    }
    let mut seen: Vec<String> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let is_token_char = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || name.len() > HEADER_NAME_MAX || !name.chars().all(is_token_char) {
            return Err(format!(
                "“{name}” is not a header name: use 1–{HEADER_NAME_MAX} letters, digits and - _ ."
            ));
        }
        let lower = name.to_ascii_lowercase();
        if RESERVED.contains(&lower.as_str()) {
            return Err(format!("{name} is set by Switchboard itself."));
        }
        if seen.contains(&lower) {
            return Err(format!("{name} is given twice."));
        }
        if value.len() > HEADER_VALUE_MAX || value.chars().any(char::is_control) {
            return Err(format!(
                "The value of {name} must be one line of at most {HEADER_VALUE_MAX} characters."
            ));
        }
        if !secrets_allowed && looks_secret(name) {
            return Err(format!(
                "{name} looks like a credential, and extra headers are stored in plain text. \
                 Put the credential in `credentials`, which is kept in the vault."
            ));
        }
        seen.push(lower);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_headers_are_checked() {
        let ok = [pair("X-Client", "mentor-ui"), pair("X-Trace_Id", "on")];
        assert_eq!(check_extra_headers(&ok, false), Ok(()));
        for (bad, why) in [
            (vec![pair("X Client", "a")], "not a header name"),
            (vec![pair("", "a")], "not a header name"),
            (vec![pair("Host", "evil")], "set by Switchboard"),
            (vec![pair("Mcp-Session-Id", "x")], "set by Switchboard"),
            (vec![pair("X-A", "1"), pair("x-a", "2")], "given twice"),
            (vec![pair("X-A", "a\r\nX-B: b")], "one line"),
            (vec![pair("X-Api-Key", "k")], "looks like a credential"),
            (
                vec![pair("Authorization", "Bearer k")],
                "looks like a credential",
            ),
        ] {
            let err = check_extra_headers(&bad, false).expect_err("refused");
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        let many: Vec<Header> = (0..=EXTRA_HEADERS_MAX)
            .map(|i| pair(&format!("X-{i}"), "v"))
            .collect();
        assert!(check_extra_headers(&many, false).is_err());
        assert_eq!(
            check_extra_headers(&[pair("X-Api-Key", "k")], true),
            Ok(()),
            "a connection keeps secret headers in the vault"
        );
    }

    fn bearer(credential: &str) -> String {
        authorization_value(credential, Some(DEFAULT_SCHEME))
    }

    fn pair(name: &str, value: &str) -> Header {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn bare_keys_get_bearer() {
        assert_eq!(bearer("abc123"), "Bearer abc123");
        assert_eq!(bearer("  abc123 "), "Bearer abc123");
    }

    #[test]
    fn keys_with_a_scheme_are_kept() {
        assert_eq!(bearer("Bearer abc"), "Bearer abc");
        assert_eq!(bearer("Token super-secret"), "Token super-secret");
        assert_eq!(bearer("bearer abc"), "bearer abc");
    }

    #[test]
    fn a_space_alone_does_not_make_a_scheme() {
        assert_eq!(bearer("my key"), "Bearer my key");
        assert_eq!(bearer("Bearer "), "Bearer Bearer");
    }

    #[test]
    fn the_scheme_is_applied_to_a_bare_credential() {
        let headers = render_headers(&[], Some("abc"), Some("Bearer"));
        assert_eq!(headers, [pair("Authorization", "Bearer abc")]);
        let custom = render_headers(&[], Some("abc"), Some("Custom"));
        assert_eq!(custom, [pair("Authorization", "Custom abc")]);
        let none = render_headers(&[], Some("abc"), None);
        assert_eq!(none, [pair("Authorization", "abc")]);
    }

    #[test]
    fn a_credential_that_carries_a_scheme_is_sent_as_is() {
        let headers = render_headers(&[], Some("Bearer abc"), Some("Bearer"));
        assert_eq!(headers, [pair("Authorization", "Bearer abc")]);
        let other = render_headers(&[], Some("Token abc"), Some("Bearer"));
        assert_eq!(other, [pair("Authorization", "Token abc")]);
        let own = render_headers(&[], Some("custom abc"), Some("Custom"));
        assert_eq!(own, [pair("Authorization", "custom abc")]);
    }

    #[test]
    fn extra_headers_come_first_and_the_credential_wins_a_clash() {
        let extra = [
            pair("X-Tenant", "acme"),
            pair("authorization", "Basic stale"),
            pair("X-Trace", "on"),
        ];
        let headers = render_headers(&extra, Some("abc"), Some("Bearer"));
        assert_eq!(
            headers,
            [
                pair("X-Tenant", "acme"),
                pair("X-Trace", "on"),
                pair("Authorization", "Bearer abc"),
            ]
        );
    }

    #[test]
    fn without_a_credential_only_the_extra_headers_are_sent() {
        let extra = [pair("Authorization", "Basic xyz"), pair("X-Key", "k")];
        assert_eq!(render_headers(&extra, None, Some("Bearer")), extra);
        assert!(render_headers(&[], None, Some("Bearer")).is_empty());
    }
}
