//! The client's HTTP: every request goes through the SSRF guard, under one
//! deadline, and reads at most [`MAX_BODY`] bytes back. Metadata fetches
//! follow (re-checked) redirects; the token, registration and revocation
//! endpoints must answer themselves.

use futures::future::BoxFuture;
use reqwest::header::{ACCEPT, HeaderMap};
use serde::de::DeserializeOwned;
use url::Url;

use crate::server::outbound::Outbound;

/// No metadata document or token answer comes near this.
pub(super) const MAX_BODY: usize = 256 * 1024;

/// The MCP revision whose discovery rules the client follows; sent on
/// metadata requests, as the spec asks.
pub(super) const MCP_PROTOCOL_VERSION: &str = "2025-11-25";

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The SSRF guard refused the address.
    #[error("{url}: {reason}")]
    Refused { url: String, reason: String },
    #[error("{url}: {reason}")]
    Transport { url: String, reason: String },
    #[error("{url}: the answer is larger than {} KiB", MAX_BODY / 1024)]
    TooLarge { url: String },
    #[error("{url}: no answer within {secs} s")]
    Timeout { url: String, secs: u64 },
}

/// A whole answer, its body bounded.
pub(super) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_slice(&self.body).map_err(|e| format!("not the JSON expected: {e}"))
    }
}

/// The request built and its URL past the SSRF guard, with the URL as an
/// error may show it.
fn checked(
    outbound: &Outbound,
    request: reqwest::RequestBuilder,
) -> Result<(reqwest::Request, String), FetchError> {
    let request = request.build().map_err(|e| FetchError::Transport {
        url: String::new(),
        reason: e.to_string(),
    })?;
    let shown = shown(request.url());
    outbound
        .check_url(request.url())
        .map_err(|e| FetchError::Refused {
            url: shown.clone(),
            reason: e.to_string(),
        })?;
    Ok((request, shown))
}

/// Sends `request`, checked and bounded, on the client that follows
/// redirects or the one that does not.
pub(super) async fn send(
    outbound: &Outbound,
    request: reqwest::RequestBuilder,
    follow_redirects: bool,
) -> Result<Answer, FetchError> {
    let (request, shown) = checked(outbound, request)?;
    let client = if follow_redirects {
        outbound.http_client()
    } else {
        outbound.http_client_no_redirects()
    };
    let deadline = outbound.timeout();
    let exchange = async {
        let mut response = client
            .execute(request)
            .await
            .map_err(|e| FetchError::Transport {
                url: shown.clone(),
                reason: transport_reason(&e),
            })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| FetchError::Transport {
            url: shown.clone(),
            reason: transport_reason(&e),
        })? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(FetchError::TooLarge { url: shown.clone() });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    };
    tokio::time::timeout(deadline, exchange)
        .await
        .map_err(|_| FetchError::Timeout {
            url: shown.clone(),
            secs: deadline.as_secs().max(1),
        })?
}

/// GETs a metadata document (following checked redirects).
pub(super) async fn get_document(outbound: &Outbound, url: &Url) -> Result<Answer, FetchError> {
    let request = outbound
        .http_client()
        .get(url.clone())
        .header(ACCEPT, "application/json")
        .header("MCP-Protocol-Version", MCP_PROTOCOL_VERSION);
    send(outbound, request, true).await
}

/// The `oauth2` crate's HTTP client: our guarded one, no redirects.
pub(super) fn oauth_http(
    outbound: &Outbound,
) -> impl Fn(oauth2::HttpRequest) -> BoxFuture<'static, Result<oauth2::HttpResponse, FetchError>>
+ Send
+ Sync {
    let outbound = outbound.clone();
    move |request: oauth2::HttpRequest| {
        let outbound = outbound.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let url = Url::parse(&parts.uri.to_string()).map_err(|e| FetchError::Transport {
                url: parts.uri.to_string(),
                reason: e.to_string(),
            })?;
            let builder = outbound
                .http_client_no_redirects()
                .request(parts.method, url)
                .headers(parts.headers)
                .body(body);
            let answer = send(&outbound, builder, false).await?;
            let mut response = oauth2::HttpResponse::new(answer.body);
            *response.status_mut() = oauth2::http::StatusCode::from_u16(answer.status)
                .unwrap_or(oauth2::http::StatusCode::BAD_GATEWAY);
            *response.headers_mut() = answer.headers;
            Ok(response)
        })
    }
}

/// A URL as errors show it: without its query (which may hold a code).
pub(super) fn shown(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// reqwest's own words stop at "error sending request"; the cause (refused,
/// reset, a DNS failure, the guard's refusal) is further down.
fn transport_reason(e: &reqwest::Error) -> String {
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        reason = format!("{reason}: {cause}");
        source = cause.source();
    }
    reason
}

/// Sends `request` for its status and headers alone: the body (an event
/// stream, perhaps, that never ends) is dropped unread.
pub(super) async fn head_of(
    outbound: &Outbound,
    request: reqwest::RequestBuilder,
) -> Result<(u16, HeaderMap), FetchError> {
    let (request, shown) = checked(outbound, request)?;
    let deadline = outbound.timeout();
    let response = tokio::time::timeout(deadline, outbound.http_client().execute(request))
        .await
        .map_err(|_| FetchError::Timeout {
            url: shown.clone(),
            secs: deadline.as_secs().max(1),
        })?
        .map_err(|e| FetchError::Transport {
            url: shown,
            reason: transport_reason(&e),
        })?;
    Ok((response.status().as_u16(), response.headers().clone()))
}
