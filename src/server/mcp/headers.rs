//! Rendering a stored credential into an `Authorization` header.

/// Schemes a pasted key may already carry ("Bearer abc", "Token abc").
const KNOWN_SCHEMES: [&str; 5] = ["bearer", "token", "basic", "apikey", "dpop"];

/// The header value for a credential: as given when it already names a
/// scheme, otherwise `Bearer <key>` (seed 000: "the full header value").
pub fn authorization_value(credential: &str) -> String {
    let credential = credential.trim();
    if let Some((scheme, rest)) = credential.split_once(' ')
        && !rest.trim().is_empty()
        && KNOWN_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
    {
        return credential.to_owned();
    }
    format!("Bearer {credential}")
}

#[cfg(test)]
mod tests {
    use super::authorization_value;

    #[test]
    fn bare_keys_get_bearer() {
        assert_eq!(authorization_value("abc123"), "Bearer abc123");
        assert_eq!(authorization_value("  abc123 "), "Bearer abc123");
    }

    #[test]
    fn keys_with_a_scheme_are_kept() {
        assert_eq!(authorization_value("Bearer abc"), "Bearer abc");
        assert_eq!(
            authorization_value("Token super-secret"),
            "Token super-secret"
        );
        assert_eq!(authorization_value("bearer abc"), "bearer abc");
    }

    #[test]
    fn a_space_alone_does_not_make_a_scheme() {
        assert_eq!(authorization_value("my key"), "Bearer my key");
        assert_eq!(authorization_value("Bearer "), "Bearer Bearer");
    }
}
