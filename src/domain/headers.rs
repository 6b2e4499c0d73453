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

#[cfg(test)]
mod tests {
    use super::*;

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
