//! The checks an OAuth service's fields pass, shared by the form and the
//! server: names that go in URL paths, bounded text, endpoints.

use super::{FieldError, NAME_MAX, URL_MAX};

/// Scopes as one space-separated string, each once, in the order given.
pub fn normalize_scopes(raw: &str) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for scope in raw.split([' ', ',', '\n', '\t']).filter(|s| !s.is_empty()) {
        if !seen.contains(&scope) {
            seen.push(scope);
        }
    }
    seen.join(" ")
}

/// A service or provider name: it appears in URL paths (seed 000's start
/// route is `…/{provider}/{service}/`).
pub fn is_service_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() <= NAME_MAX
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

/// A name for a service made from free text (a server's name, a host).
pub fn service_name_from(text: &str) -> String {
    let mut name = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name: String = name
        .trim_matches(['-', '.', '_'])
        .chars()
        .take(NAME_MAX)
        .collect();
    if name.is_empty() {
        "oauth".into()
    } else {
        name
    }
}

pub(super) fn check_name(field: &str, label: &str, name: &str) -> Result<(), FieldError> {
    if name.is_empty() {
        return Err(FieldError::new(field, format!("{label} is required.")));
    }
    if !is_service_name(name) {
        return Err(FieldError::new(
            field,
            format!(
                "{label} must be at most {NAME_MAX} lower-case letters, digits, dots, dashes or \
                 underscores, starting with a letter or digit."
            ),
        ));
    }
    Ok(())
}

pub(super) fn check_text(
    field: &str,
    label: &str,
    text: &str,
    max: usize,
) -> Result<(), FieldError> {
    if text.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("{label} must be at most {max} characters."),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(FieldError::new(
            field,
            format!("{label} cannot contain control characters."),
        ));
    }
    Ok(())
}

/// An authorization server's URL: HTTPS, or HTTP on a loopback host only
/// (OAuth 2.1 allows nothing else), without credentials or a fragment.
pub fn check_endpoint(
    field: &str,
    label: &str,
    url: &str,
    required: bool,
) -> Result<(), FieldError> {
    if url.is_empty() {
        return if required {
            Err(FieldError::new(field, format!("{label} is required.")))
        } else {
            Ok(())
        };
    }
    if url.len() > URL_MAX {
        return Err(FieldError::new(
            field,
            format!("{label} must be at most {URL_MAX} characters."),
        ));
    }
    let bad = || {
        FieldError::new(
            field,
            format!("{label} must be an https:// address (http:// only on localhost)."),
        )
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) || url.contains('#') {
        return Err(bad());
    }
    let lower = url.to_ascii_lowercase();
    let (rest, tls) = match (
        lower.strip_prefix("https://"),
        lower.strip_prefix("http://"),
    ) {
        (Some(rest), _) => (rest, true),
        (None, Some(rest)) => (rest, false),
        _ => return Err(bad()),
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(FieldError::new(
            field,
            format!("{label} cannot carry a user name or password."),
        ));
    }
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map(|h| h.trim_start_matches('['))
    } else {
        authority.split(':').next()
    }
    .unwrap_or_default();
    if host.is_empty() {
        return Err(bad());
    }
    let loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
    if !tls && !loopback {
        return Err(bad());
    }
    Ok(())
}
