//! Rendered headers (see [`crate::domain::headers`]) as an HTTP header map.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::McpError;
use crate::domain::ErrorClass;
use crate::domain::headers::AUTHORIZATION;

/// Every value is marked sensitive: extra headers may carry keys too, and
/// sensitive values stay out of debug output.
pub(super) fn header_map(headers: &[(String, SecretString)]) -> Result<HeaderMap, McpError> {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let invalid = || invalid_header(name);
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let mut value = HeaderValue::from_str(value.expose_secret()).map_err(|_| invalid())?;
        value.set_sensitive(true);
        map.append(name, value);
    }
    Ok(map)
}

fn invalid_header(name: &str) -> McpError {
    if name.eq_ignore_ascii_case(AUTHORIZATION) {
        McpError::new(
            ErrorClass::Auth,
            "The stored credential is not a valid HTTP header value.",
        )
    } else {
        McpError::new(
            ErrorClass::Transport,
            format!("The stored header {name:?} is not a valid HTTP header."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn values_are_sensitive_and_order_and_repeats_are_kept() {
        let map = header_map(&[
            ("X-A".into(), secret("1")),
            ("x-a".into(), secret("2")),
            ("Authorization".into(), secret("Bearer k")),
        ])
        .expect("valid headers");
        let a: Vec<_> = map.get_all("x-a").iter().collect();
        assert_eq!(a, ["1", "2"]);
        assert!(map.values().all(HeaderValue::is_sensitive));
    }

    #[test]
    fn a_bad_credential_is_an_auth_error_and_a_bad_header_is_not() {
        let bad = header_map(&[("Authorization".into(), secret("Bearer a\nb"))]);
        assert_eq!(bad.expect_err("newline").class, ErrorClass::Auth);
        let bad = header_map(&[("X Y".into(), secret("v"))]);
        assert_eq!(bad.expect_err("space in name").class, ErrorClass::Transport);
    }
}
