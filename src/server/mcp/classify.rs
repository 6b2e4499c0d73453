//! Turning client errors into transport / auth / downstream, by matching
//! error variants rather than parsing text wherever rmcp gives us a type.

use rmcp::ServiceError;
use rmcp::service::ClientInitializeError;
use rmcp::transport::DynamicTransportError;
use rmcp::transport::streamable_http_client::StreamableHttpError;
use std::error::Error as StdError;

use super::McpError;
use super::sse::LegacySseError;
use super::websocket::WsError;
use crate::domain::ErrorClass;
use crate::server::oauth::Challenge;
use crate::server::outbound::SsrfError;

type HttpError = StreamableHttpError<reqwest::Error>;

/// Unshortened: the message is cut to length only after credentials are
/// scrubbed out of it (`McpError::scrubbed`).
fn err(class: ErrorClass, message: impl Into<String>) -> McpError {
    McpError::new(class, message)
}

pub(super) fn timeout(after: std::time::Duration) -> McpError {
    err(
        ErrorClass::Transport,
        format!(
            "Timed out after {} waiting for the server.",
            humantime::format_duration(after)
        ),
    )
}

pub(super) fn from_init(e: &ClientInitializeError) -> McpError {
    match e {
        ClientInitializeError::TransportError { error, .. } => from_dyn(error),
        ClientInitializeError::JsonRpcError(data) => err(
            ErrorClass::Downstream,
            format!(
                "The server answered initialize with an error ({}): {}",
                data.code.0, data.message
            ),
        ),
        ClientInitializeError::LegacyFallbackFailed { fallback, .. } => from_init(fallback),
        ClientInitializeError::ConnectionClosed(_) => err(
            ErrorClass::Transport,
            "The server closed the connection during initialize. Is this an MCP endpoint, \
             and is the transport right?",
        ),
        other => err(
            ErrorClass::Transport,
            format!("MCP handshake failed: {other}"),
        ),
    }
}

/// `method` names the request in the message ("tools/list").
pub(super) fn from_service(e: &ServiceError, method: &str) -> McpError {
    match e {
        ServiceError::McpError(data) => err(
            ErrorClass::Downstream,
            format!(
                "The server answered {method} with an error ({}): {}",
                data.code.0, data.message
            ),
        ),
        ServiceError::UnexpectedResponse => err(
            ErrorClass::Downstream,
            format!("The server sent an unexpected response to {method}."),
        ),
        ServiceError::TransportSend(error) => from_dyn(error),
        other => err(
            ErrorClass::Transport,
            format!("The connection failed: {other}"),
        ),
    }
}

fn from_dyn(e: &DynamicTransportError) -> McpError {
    if let Some(http) = e.error.downcast_ref::<HttpError>() {
        return from_http(http);
    }
    if let Some(sse) = e.error.downcast_ref::<LegacySseError>() {
        return from_sse(sse);
    }
    if let Some(ws) = e.error.downcast_ref::<WsError>() {
        return from_ws(ws);
    }
    err(
        ErrorClass::Transport,
        format!("The connection failed: {}", e.error),
    )
}

fn from_http(e: &HttpError) -> McpError {
    match e {
        StreamableHttpError::AuthRequired(e) => McpError {
            challenge: Challenge::parse(&e.www_authenticate_header),
            ..err(
                ErrorClass::Auth,
                "The server refused the credentials (HTTP 401 Unauthorized).",
            )
        },
        StreamableHttpError::InsufficientScope(e) => {
            let challenge = Challenge::parse(&e.www_authenticate_header);
            let wants = challenge
                .as_ref()
                .and_then(|c| c.scope.as_deref())
                .map(|s| format!(" It asks for the scopes: {s}."))
                .unwrap_or_default();
            McpError {
                challenge,
                ..err(
                    ErrorClass::Auth,
                    format!(
                        "The server refused the credentials (HTTP 403 Forbidden: insufficient \
                         scope): the token does not carry enough access.{wants}"
                    ),
                )
            }
        }
        StreamableHttpError::HttpStatus(status) => status_error(status.status, None),
        StreamableHttpError::UnexpectedServerResponse(text) => match parse_status(text) {
            Some((code, body)) => status_error(code, Some(body)),
            None => err(
                ErrorClass::Downstream,
                format!("Unexpected response from the server: {text}"),
            ),
        },
        StreamableHttpError::Client(re) => from_reqwest(re),
        StreamableHttpError::ResponseBodyTooLarge { max_size } => err(
            ErrorClass::Transport,
            format!(
                "The server's answer grew larger than {} MiB; it was dropped.",
                max_size / (1024 * 1024)
            ),
        ),
        StreamableHttpError::UnexpectedContentType(ct) => err(
            ErrorClass::Transport,
            format!(
                "The server answered with content type {}, not MCP. Is the transport right?",
                ct.as_deref().unwrap_or("(none)")
            ),
        ),
        other => err(
            ErrorClass::Transport,
            format!("The connection failed: {other}"),
        ),
    }
}

/// rmcp reports some statuses only as text: `"HTTP 404 Not Found: <body>"`.
fn parse_status(text: &str) -> Option<(u16, &str)> {
    let rest = text.strip_prefix("HTTP ")?;
    let code = rest.get(..3)?.parse().ok()?;
    let body = rest.split_once(": ").map(|(_, b)| b).unwrap_or_default();
    Some((code, body))
}

fn status_error(code: u16, body: Option<&str>) -> McpError {
    let reason = reqwest::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let said = body
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| format!(" The server said: {b}"))
        .unwrap_or_default();
    match code {
        401 | 403 => err(
            ErrorClass::Auth,
            format!("The server refused the credentials (HTTP {code} {reason}).{said}"),
        ),
        500..=599 => err(
            ErrorClass::Downstream,
            format!("The server failed with HTTP {code} {reason}.{said}"),
        ),
        429 => err(
            ErrorClass::Downstream,
            format!("The server is rate limiting us (HTTP 429 {reason}).{said}"),
        ),
        // Other refusals mean we are talking to the wrong endpoint or in the wrong way.
        _ => err(
            ErrorClass::Transport,
            format!(
                "The server answered HTTP {code} {reason}: check the URL path and the transport.{said}"
            ),
        ),
    }
}

pub(super) fn from_sse(e: &LegacySseError) -> McpError {
    match e {
        LegacySseError::Http(re) => from_reqwest(re),
        LegacySseError::Status(status) => status_error(status.as_u16(), None),
        LegacySseError::ContentType(_) => err(
            ErrorClass::Transport,
            format!("{e}. Is this a legacy SSE endpoint (often /sse)? Try Streamable HTTP."),
        ),
        other => err(ErrorClass::Transport, other.to_string()),
    }
}

pub(super) fn from_ws(e: &WsError) -> McpError {
    match e {
        WsError::Ssrf(ssrf) => err(ErrorClass::Transport, ssrf.to_string()),
        WsError::Connect { addr, reason } => err(
            ErrorClass::Transport,
            format!("Could not connect to {addr}: {reason}"),
        ),
        WsError::Status { status, body } => {
            let mut e = status_error(*status, body.as_deref());
            if e.class == ErrorClass::Transport {
                e.message
                    .push_str(" Is this a WebSocket endpoint? Try Streamable HTTP.");
            }
            e
        }
        other => err(ErrorClass::Transport, other.to_string()),
    }
}

/// Connection-level failures; the SSRF guard's refusal is found in the chain.
pub(super) fn from_reqwest(e: &reqwest::Error) -> McpError {
    let mut source: Option<&(dyn StdError + 'static)> = Some(e);
    let mut root = String::new();
    while let Some(s) = source {
        if let Some(ssrf) = s.downcast_ref::<SsrfError>() {
            return err(ErrorClass::Transport, ssrf.to_string());
        }
        root = s.to_string();
        source = s.source();
    }
    let what = if e.is_timeout() {
        "Timed out"
    } else if e.is_connect() {
        "Could not connect"
    } else if e.is_redirect() {
        "Redirect refused"
    } else {
        "Request failed"
    };
    let host = e
        .url()
        .map(|u| format!(" to {}", u.host_str().unwrap_or("?")))
        .unwrap_or_default();
    err(ErrorClass::Transport, format!("{what}{host}: {root}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified() {
        assert_eq!(status_error(401, None).class, ErrorClass::Auth);
        assert_eq!(status_error(403, Some("no")).class, ErrorClass::Auth);
        assert_eq!(
            status_error(500, Some("boom")).class,
            ErrorClass::Downstream
        );
        assert!(status_error(500, Some("boom")).message.contains("boom"));
        assert_eq!(status_error(404, None).class, ErrorClass::Transport);
        assert_eq!(status_error(400, None).class, ErrorClass::Transport);
        assert_eq!(status_error(429, None).class, ErrorClass::Downstream);
    }

    #[test]
    fn status_text_is_parsed() {
        assert_eq!(
            parse_status("HTTP 404 Not Found: nope"),
            Some((404, "nope"))
        );
        assert_eq!(parse_status("garbage"), None);
    }

    #[test]
    fn long_messages_are_cut_on_a_char_boundary() {
        // Cut once scrubbed, as every error leaves the client.
        let e = err(ErrorClass::Downstream, "é".repeat(400)).scrubbed(&[]);
        assert!(e.message.ends_with('…'));
        assert!(e.message.len() <= super::super::error::MESSAGE_MAX + '…'.len_utf8());
    }
}
