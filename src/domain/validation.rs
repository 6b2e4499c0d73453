//! Validation rules for server registrations, shared by the browser and the server.

use super::error::{AppError, FieldError};
use super::server::{
    API_KEY_MAX, AuthType, DESCRIPTION_MAX, KeyRotation, KeyRule, NAME_MAX, NewServer, ServerField,
    ServerPatch, Transport, URL_MAX,
};

impl NewServer {
    /// Check every field and return all problems at once; trims in place.
    pub fn validate(&mut self) -> Result<(), AppError> {
        self.validate_with(KeyRule::Required)
    }

    pub fn validate_with(&mut self, key_rule: KeyRule) -> Result<(), AppError> {
        let mut errors = Vec::new();
        self.name = self.name.trim().to_owned();
        self.url = self.url.trim().to_owned();
        self.description = self.description.trim().to_owned();
        if let Err(e) = validate_name(&self.name) {
            errors.push(e);
        }
        if let Err(e) = validate_description(&self.description) {
            errors.push(e);
        }
        if let Err(e) = validate_url(&self.url, self.transport)
            .and_then(|()| super::url_secret::split(&self.url, self.url_secret).map(drop))
        {
            errors.push(e);
        }
        match self.auth_type {
            AuthType::Token => {
                let key = self.api_key.as_deref().map(str::trim).unwrap_or_default();
                if key.is_empty() && key_rule == KeyRule::MayFollow {
                    self.api_key = None;
                } else {
                    match validate_api_key(key) {
                        Ok(()) => self.api_key = Some(key.to_owned()),
                        Err(e) => errors.push(e),
                    }
                }
            }
            // A key only makes sense with Tenant API Key auth. The form may
            // leave one behind after switching auth, so it is dropped there;
            // an API client that sends one (seed 000) is told.
            AuthType::None | AuthType::Oauth2 => {
                if key_rule == KeyRule::MayFollow && self.api_key.is_some() {
                    errors.push(FieldError::new(
                        ServerField::API_KEY,
                        "An API key only applies to Tenant API Key authentication.",
                    ));
                }
                self.api_key = None;
            }
        }
        if let Err(e) = validate_extra_headers(&mut self.extra_headers) {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

impl ServerPatch {
    /// Checks the fields it carries. Rules that also need the stored row (a
    /// URL against the transport it keeps) are checked again once merged.
    pub fn validate(&mut self) -> Result<(), AppError> {
        let mut errors = Vec::new();
        if let Some(name) = self.name.as_mut() {
            *name = name.trim().to_owned();
            if let Err(e) = validate_name(name) {
                errors.push(e);
            }
        }
        if let Some(description) = self.description.as_mut() {
            *description = description.trim().to_owned();
            if let Err(e) = validate_description(description) {
                errors.push(e);
            }
        }
        if let Some(url) = self.url.as_mut() {
            *url = url.trim().to_owned();
            // Without a new transport, any scheme some transport accepts.
            if let Err(e) = validate_url(url, self.transport.unwrap_or(Transport::WebSocket)) {
                errors.push(e);
            }
        }
        if let Some(key) = self.api_key.as_mut() {
            *key = key.trim().to_owned();
            if let Err(e) = validate_api_key(key) {
                errors.push(e);
            }
            if matches!(self.auth_type, Some(AuthType::None | AuthType::Oauth2)) {
                errors.push(FieldError::new(
                    ServerField::API_KEY,
                    "An API key only applies to Tenant API Key authentication.",
                ));
            }
        }
        if let Some(headers) = self.extra_headers.as_mut()
            && let Err(e) = validate_extra_headers(headers)
        {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

/// Trims names and values in place; a server's extra headers are stored in
/// plain text, so none may look like a credential.
pub fn validate_extra_headers(headers: &mut [super::headers::Header]) -> Result<(), FieldError> {
    for (name, value) in headers.iter_mut() {
        *name = name.trim().to_owned();
        *value = value.trim().to_owned();
    }
    super::headers::check_extra_headers(headers, false)
        .map_err(|message| FieldError::new(ServerField::EXTRA_HEADERS, message))
}

impl KeyRotation {
    /// Trims in place; the same rule as a key given at registration.
    pub fn validate(&mut self) -> Result<(), AppError> {
        self.api_key = self.api_key.trim().to_owned();
        validate_api_key(&self.api_key).map_err(|e| AppError::Invalid(vec![e]))
    }
}

pub fn validate_name(name: &str) -> Result<(), FieldError> {
    let field = ServerField::NAME;
    if name.is_empty() {
        return Err(FieldError::new(field, "Name is required."));
    }
    if name.chars().count() > NAME_MAX {
        return Err(FieldError::new(
            field,
            format!("Name must be at most {NAME_MAX} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "Name cannot contain control characters.",
        ));
    }
    if slugify(name).is_empty() {
        return Err(FieldError::new(
            field,
            "Name must contain a letter or a digit.",
        ));
    }
    Ok(())
}

pub fn validate_description(description: &str) -> Result<(), FieldError> {
    let field = ServerField::DESCRIPTION;
    if description.chars().count() > DESCRIPTION_MAX {
        return Err(FieldError::new(
            field,
            format!("Description must be at most {DESCRIPTION_MAX} characters."),
        ));
    }
    if description
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(FieldError::new(
            field,
            "Description cannot contain control characters.",
        ));
    }
    Ok(())
}

/// An absolute URL with a host: `http://` or `https://`, or for the WebSocket
/// transport also `ws://` or `wss://`. The server parses it fully again
/// before connecting; this check is what both sides agree on.
pub fn validate_url(url: &str, transport: Transport) -> Result<(), FieldError> {
    let field = ServerField::URL;
    if url.is_empty() {
        return Err(FieldError::new(field, "URL is required."));
    }
    if url.len() > URL_MAX {
        return Err(FieldError::new(
            field,
            format!("URL must be at most {URL_MAX} characters."),
        ));
    }
    let lower = url.to_ascii_lowercase();
    let http = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let ws = lower
        .strip_prefix("wss://")
        .or_else(|| lower.strip_prefix("ws://"));
    let rest = match (http, ws, transport) {
        (Some(rest), _, _) => rest,
        (None, Some(rest), Transport::WebSocket) => rest,
        (None, Some(_), _) => {
            return Err(FieldError::new(
                field,
                "ws:// and wss:// addresses need the WebSocket transport.",
            ));
        }
        (None, None, Transport::WebSocket) => {
            return Err(FieldError::new(
                field,
                "URL must be an absolute ws://, wss://, http:// or https:// address.",
            ));
        }
        (None, None, _) => {
            return Err(FieldError::new(
                field,
                "URL must be an absolute http:// or https:// address.",
            ));
        }
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldError::new(field, "URL cannot contain spaces."));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| h.trim_start_matches('['))
    } else {
        host.split(':').next()
    }
    .unwrap_or_default();
    if host.is_empty() {
        return Err(FieldError::new(field, "URL must include a host name."));
    }
    if authority.contains('@') {
        return Err(FieldError::new(
            field,
            "Put credentials in the Authentication field, not in the URL.",
        ));
    }
    Ok(())
}

pub fn validate_api_key(key: &str) -> Result<(), FieldError> {
    let field = ServerField::API_KEY;
    if key.is_empty() {
        return Err(FieldError::new(
            field,
            "An API key is required for Tenant API Key authentication.",
        ));
    }
    if key.len() > API_KEY_MAX {
        return Err(FieldError::new(
            field,
            format!("API key must be at most {API_KEY_MAX} characters."),
        ));
    }
    // It becomes an HTTP header value: no line breaks or other control characters.
    if key.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(
            field,
            "API key cannot contain line breaks or control characters.",
        ));
    }
    Ok(())
}

/// A tenant slug: 1–63 lower-case ASCII letters, digits and dashes, not
/// starting or ending with a dash (it appears in URLs and secret names).
pub fn is_tenant_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 63
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A URL- and file-name-safe identifier derived from the display name.
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
            dash = false;
        } else if !dash && !slug.is_empty() {
            slug.push('-');
            dash = true;
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
#[path = "validation_tests.rs"]
mod tests;
