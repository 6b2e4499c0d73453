//! Discovery, in the order MCP's authorization spec sets: ask the server
//! (its 401 challenge names the protected-resource metadata), else the
//! path-inserted then the root `/.well-known/oauth-protected-resource`;
//! then the authorization server's RFC 8414 / OpenID metadata, at each
//! well-known place in turn. A document is used only when it is for what
//! it was fetched for: the resource for this server, the issuer for the
//! URL it was built from.

use serde::{Deserialize, Serialize};
use serde_json::json;
use url::Url;

use super::challenge::Challenge;
use super::fetch::{self, FetchError};
use super::well_known::{authorization_server_urls, resource_metadata_urls};
use super::{OAuthError, OAuthResult};
use crate::domain::Transport;
use crate::server::outbound::Outbound;

/// RFC 9728 protected-resource metadata (the parts the client reads).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedResource {
    #[serde(default)]
    pub resource: Option<String>,
    #[serde(default)]
    pub authorization_servers: Vec<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
}

/// RFC 8414 / OpenID Connect Discovery metadata (the parts the client
/// reads). Kept with a client registration, so a callback or a refresh
/// need not discover again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthServerMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    #[serde(default)]
    pub client_id_metadata_document_supported: bool,
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

/// What a flow needs to begin: whom to ask, for what, with which scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// RFC 8707 `resource`: the server's canonical URI (or the one its
    /// metadata names, when that covers the server's URL).
    pub resource: String,
    /// The scopes to ask for: the challenge's, else the metadata's, else
    /// none (the authorization server's default).
    pub scopes: Option<String>,
    pub metadata: AuthServerMetadata,
}

/// Discovers how to authorize against the MCP server at `server_url`.
pub async fn discover(
    outbound: &Outbound,
    server_url: &Url,
    transport: Transport,
) -> OAuthResult<Discovered> {
    let challenge = probe(outbound, server_url, transport).await?;
    discover_from(outbound, server_url, challenge).await
}

/// Discovery from a challenge already in hand (an MCP request's 401), or
/// from the well-known places when there is none.
pub async fn discover_from(
    outbound: &Outbound,
    server_url: &Url,
    challenge: Option<Challenge>,
) -> OAuthResult<Discovered> {
    let (resource_doc, issuer) = match protected_resource(outbound, server_url, &challenge).await? {
        Some(doc) => {
            let issuer = doc.authorization_servers.first().cloned().ok_or_else(|| {
                OAuthError::Discovery(
                    "the server's protected-resource metadata names no authorization server".into(),
                )
            })?;
            (Some(doc), issuer)
        }
        // MCP 2025-03-26: a server without resource metadata is its own
        // authorization server, at its origin.
        None => (None, server_url.origin().ascii_serialization()),
    };
    let metadata = authorization_server(outbound, &issuer).await?;
    let resource = resource_of(server_url, resource_doc.as_ref())?;
    let scopes = challenge
        .as_ref()
        .and_then(|c| c.scope.clone())
        .or_else(|| {
            resource_doc
                .as_ref()
                .map(|d| d.scopes_supported.join(" "))
                .filter(|s| !s.is_empty())
        });
    Ok(Discovered {
        resource,
        scopes,
        metadata,
    })
}

/// Asks the server without a token; a 401's `Bearer` challenge, if any.
/// A server that cannot be reached at all is a discovery failure, as no
/// metadata would help.
async fn probe(
    outbound: &Outbound,
    server_url: &Url,
    transport: Transport,
) -> OAuthResult<Option<Challenge>> {
    let client = outbound.http_client();
    let request = match transport {
        Transport::StreamableHttp => client
            .post(server_url.clone())
            .header(
                reqwest::header::ACCEPT,
                "application/json, text/event-stream",
            )
            .json(&json!({
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": fetch::MCP_PROTOCOL_VERSION,
                    "capabilities": {},
                    "clientInfo": { "name": "switchboard", "version": env!("CARGO_PKG_VERSION") }
                }
            })),
        Transport::Sse => client
            .get(server_url.clone())
            .header(reqwest::header::ACCEPT, "text/event-stream"),
        // A WebSocket server is asked over HTTP at its http(s) twin; only
        // the well-known documents can say more.
        Transport::WebSocket => return Ok(None),
    };
    let (status, headers) = fetch::head_of(outbound, request)
        .await
        .map_err(|e| OAuthError::Discovery(format!("the server could not be reached: {e}")))?;
    if status != 401 && status != 403 {
        return Ok(None);
    }
    let values = headers
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok());
    Ok(Challenge::from_headers(values))
}

/// The protected-resource metadata: from the challenge's URL if it names
/// one (and only there), else the first well-known place that has it.
async fn protected_resource(
    outbound: &Outbound,
    server_url: &Url,
    challenge: &Option<Challenge>,
) -> OAuthResult<Option<ProtectedResource>> {
    if let Some(named) = challenge
        .as_ref()
        .and_then(|c| c.resource_metadata.as_deref())
    {
        let url = Url::parse(named).map_err(|e| {
            OAuthError::Discovery(format!(
                "the challenge's resource_metadata is not a URL: {e}"
            ))
        })?;
        return match document::<ProtectedResource>(outbound, &url).await {
            Found::Document(doc) => Ok(Some(doc)),
            Found::Missing(why) | Found::Unusable(why) => Err(OAuthError::Discovery(format!(
                "the protected-resource metadata the server named: {why}"
            ))),
        };
    }
    for url in resource_metadata_urls(server_url) {
        match document::<ProtectedResource>(outbound, &url).await {
            Found::Document(doc) => return Ok(Some(doc)),
            Found::Missing(_) => continue,
            Found::Unusable(why) => {
                return Err(OAuthError::Discovery(format!(
                    "protected-resource metadata: {why}"
                )));
            }
        }
    }
    Ok(None)
}

/// The authorization server's metadata, from the first place in the
/// spec's order that has it; its `issuer` must be exactly `issuer`.
pub async fn authorization_server(
    outbound: &Outbound,
    issuer: &str,
) -> OAuthResult<AuthServerMetadata> {
    let issuer_url = Url::parse(issuer).map_err(|e| {
        OAuthError::Discovery(format!(
            "the authorization server {issuer:?} is not a URL: {e}"
        ))
    })?;
    let mut tried = Vec::new();
    for url in authorization_server_urls(&issuer_url) {
        match document::<AuthServerMetadata>(outbound, &url).await {
            Found::Document(metadata) => return checked(metadata, issuer),
            Found::Missing(why) => tried.push(why),
            Found::Unusable(why) => {
                return Err(OAuthError::Discovery(format!(
                    "authorization server metadata: {why}"
                )));
            }
        }
    }
    Err(OAuthError::Discovery(format!(
        "no authorization server metadata for {issuer} ({})",
        tried.join("; ")
    )))
}

/// RFC 8414 §3.3's issuer check, then what MCP requires of the server.
fn checked(metadata: AuthServerMetadata, issuer: &str) -> OAuthResult<AuthServerMetadata> {
    if metadata.issuer != issuer {
        return Err(OAuthError::IssuerMismatch {
            expected: issuer.to_owned(),
            found: metadata.issuer,
        });
    }
    if !metadata
        .code_challenge_methods_supported
        .iter()
        .any(|m| m == "S256")
    {
        return Err(OAuthError::NoPkce);
    }
    for (name, endpoint) in [
        (
            "authorization_endpoint",
            Some(&metadata.authorization_endpoint),
        ),
        ("token_endpoint", Some(&metadata.token_endpoint)),
        (
            "registration_endpoint",
            metadata.registration_endpoint.as_ref(),
        ),
        ("revocation_endpoint", metadata.revocation_endpoint.as_ref()),
    ] {
        if let Some(endpoint) = endpoint {
            let ok = Url::parse(endpoint)
                .map(|u| matches!(u.scheme(), "http" | "https"))
                .unwrap_or(false);
            if !ok {
                return Err(OAuthError::Discovery(format!(
                    "the authorization server's {name} is not an http(s) URL"
                )));
            }
        }
    }
    Ok(metadata)
}

/// The `resource` to ask for. The metadata's own `resource`, when given,
/// must cover the server's URL (same origin, a path prefix at a segment
/// boundary): a document for another resource is refused.
fn resource_of(server_url: &Url, doc: Option<&ProtectedResource>) -> OAuthResult<String> {
    let canonical = canonical_resource(server_url);
    let Some(named) = doc.and_then(|d| d.resource.as_deref()) else {
        return Ok(canonical);
    };
    let refuse = || {
        OAuthError::Discovery(format!(
            "the protected-resource metadata is for {named}, not for this server ({canonical})"
        ))
    };
    let named_url = Url::parse(named).map_err(|_| refuse())?;
    if named_url.origin() != server_url.origin() {
        return Err(refuse());
    }
    let prefix = named_url.path().trim_end_matches('/');
    let path = server_url.path();
    let covered = path == prefix
        || prefix.is_empty()
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'));
    if !covered {
        return Err(refuse());
    }
    Ok(named.to_owned())
}

/// RFC 8707's resource for a URL: no fragment, no query, and no trailing
/// slash on an empty path (`https://host`, as the MCP spec writes it).
pub fn canonical_resource(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    url.set_query(None);
    let text = url.to_string();
    if url.path() == "/" {
        text.trim_end_matches('/').to_owned()
    } else {
        text
    }
}

enum Found<T> {
    Document(T),
    /// Not here (an error status, or no answer): try the next place.
    Missing(String),
    /// Here, but not a document that can be used: stop.
    Unusable(String),
}

async fn document<T: serde::de::DeserializeOwned>(outbound: &Outbound, url: &Url) -> Found<T> {
    match fetch::get_document(outbound, url).await {
        Ok(answer) if (200..300).contains(&answer.status) => match answer.json::<T>() {
            Ok(doc) => Found::Document(doc),
            Err(why) => Found::Unusable(format!("{}: {why}", fetch::shown(url))),
        },
        Ok(answer) => Found::Missing(format!("{} answered {}", fetch::shown(url), answer.status)),
        // The guard's refusal is final: another well-known place on the
        // same host would be refused alike.
        Err(e @ FetchError::Refused { .. }) => Found::Unusable(e.to_string()),
        Err(e) => Found::Missing(e.to_string()),
    }
}

#[cfg(test)]
#[path = "discovery_tests.rs"]
mod tests;
