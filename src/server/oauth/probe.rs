//! A headless run of the same OAuth client the browser flow uses, against
//! an authorization server that approves without a login page: discovery,
//! registration (a pre-registered client when given), the authorization
//! request with PKCE and `resource`, the redirect read instead of followed,
//! the `state` and `iss` checked, the code redeemed, and the MCP server
//! listed with the token. For diagnostics (`switchboard oauth probe`) and
//! for the official conformance suite's client scenarios. Nothing is
//! stored; no token is printed.

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::discovery::{self, AuthServerMetadata};
use super::flow_secret::FlowSecrets;
use super::registration::{self, ClientIdentity};
use super::tokens::{self, ClientConfig};
use super::{OAuthError, OAuthResult};
use crate::domain::Transport;
use crate::server::mcp::{McpClient, McpTarget};
use crate::server::outbound::Outbound;

/// A client registered beforehand (an admin's own app).
pub struct Preregistered {
    pub client_id: String,
    pub client_secret: Option<SecretString>,
}

pub struct Probe<'a> {
    pub server: &'a Url,
    pub transport: Transport,
    /// Where the authorization server sends the code; read from its
    /// redirect, never served.
    pub redirect_uri: &'a str,
    pub client: Option<Preregistered>,
    /// A Client ID Metadata Document's HTTPS URL, used as the client id
    /// where the authorization server supports them.
    pub metadata_document_url: Option<&'a str>,
}

/// What the probe found, step by step, for a person to read.
#[derive(Debug, Default)]
pub struct Report {
    pub steps: Vec<String>,
    pub tools: usize,
}

impl Report {
    fn step(&mut self, line: impl Into<String>) {
        let line = line.into();
        tracing::info!(step = %line, "oauth probe");
        self.steps.push(line);
    }
}

pub async fn run(outbound: &Outbound, mcp: &McpClient, p: Probe<'_>) -> OAuthResult<Report> {
    let mut report = Report::default();
    let found = discovery::discover(outbound, p.server, p.transport).await?;
    report.step(format!(
        "discovered: authorization server {}, resource {}, scopes {:?}",
        found.metadata.issuer,
        found.resource,
        found.scopes.as_deref().unwrap_or("")
    ));
    let (client_id, client_secret, metadata) = match p.client {
        Some(pre) => {
            report.step(format!("pre-registered client {}", pre.client_id));
            (pre.client_id, pre.client_secret, found.metadata.clone())
        }
        None => {
            let registered = registration::register(
                outbound,
                &found.metadata,
                &ClientIdentity {
                    client_name: "Switchboard (probe)".into(),
                    redirect_uri: p.redirect_uri,
                    metadata_document_url: p
                        .metadata_document_url
                        .filter(|u| u.starts_with("https://")),
                    scope: found.scopes.as_deref(),
                },
            )
            .await?;
            report.step(format!(
                "registered by {} as {}",
                registered.via.as_str(),
                registered.client_id
            ));
            (
                registered.client_id,
                registered.client_secret,
                found.metadata.clone(),
            )
        }
    };
    let cfg = ClientConfig {
        metadata: &metadata,
        client_id: &client_id,
        client_secret: client_secret.as_ref(),
        redirect_uri: p.redirect_uri,
    };
    let flow = FlowSecrets::generate();
    let scopes = found.scopes.clone().filter(|s| !s.is_empty());
    let authorize = tokens::authorize_url(
        &cfg,
        &flow.state,
        &flow.verifier,
        &found.resource,
        scopes.as_deref(),
    )?;
    let code = approve(outbound, &authorize, p.redirect_uri, &flow, &metadata).await?;
    report.step("authorized: the code came back with our state");
    let tokens = tokens::exchange_code(
        outbound,
        &cfg,
        &code,
        &flow.verifier,
        &found.resource,
        chrono::Utc::now(),
    )
    .await?;
    report.step(format!(
        "token issued ({}; refresh token: {})",
        tokens.token_type,
        if tokens.refresh_token.is_some() {
            "yes"
        } else {
            "no"
        }
    ));
    let target = McpTarget::new(
        p.server.as_str(),
        p.transport,
        vec![(
            "Authorization".to_owned(),
            format!("Bearer {}", tokens.access_token),
        )],
    );
    let tools = mcp.test(&target).await.map_err(|e| {
        OAuthError::Discovery(format!(
            "the server, with the token: {}: {}",
            e.class.as_str(),
            e.message
        ))
    })?;
    report.tools = tools.len();
    report.step(format!(
        "the server lists {} tools with the token",
        tools.len()
    ));
    Ok(report)
}

/// Asks for the code and reads the authorization server's redirect back
/// (an approving server answers at once); checks `state` and RFC 9207 `iss`.
async fn approve(
    outbound: &Outbound,
    authorize: &Url,
    redirect_uri: &str,
    flow: &FlowSecrets,
    metadata: &AuthServerMetadata,
) -> OAuthResult<String> {
    outbound
        .check_url(authorize)
        .map_err(|e| OAuthError::Discovery(format!("the authorization endpoint: {e}")))?;
    let answer = outbound
        .http_client_no_redirects()
        .get(authorize.clone())
        .send()
        .await
        .map_err(|e| OAuthError::Discovery(format!("the authorization endpoint: {e}")))?;
    let location = answer
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .ok_or_else(|| {
            OAuthError::Discovery(format!(
                "the authorization endpoint answered {} without a redirect: it wants a \
                 person (a login or consent page), which a probe cannot be",
                answer.status()
            ))
        })?;
    let back = Url::parse(location)
        .map_err(|e| OAuthError::Discovery(format!("the redirect back: {e}")))?;
    if !location.starts_with(redirect_uri) {
        return Err(OAuthError::Discovery(format!(
            "the redirect went to {}, not to our redirect URI",
            back.origin().ascii_serialization()
        )));
    }
    let param = |name: &str| {
        back.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if let Some(error) = param("error") {
        return Err(OAuthError::TokenExchange(format!(
            "the authorization server refused: {error}"
        )));
    }
    if param("state").as_deref() != Some(flow.state.expose_secret()) {
        return Err(OAuthError::Discovery(
            "the state that came back is not ours".into(),
        ));
    }
    match param("iss") {
        Some(iss) if iss != metadata.issuer => {
            return Err(OAuthError::IssuerMismatch {
                expected: metadata.issuer.clone(),
                found: iss,
            });
        }
        None if metadata.authorization_response_iss_parameter_supported => {
            return Err(OAuthError::Discovery(
                "the authorization server promised an iss and sent none".into(),
            ));
        }
        _ => {}
    }
    param("code").ok_or_else(|| OAuthError::Discovery("the redirect carried no code".into()))
}
