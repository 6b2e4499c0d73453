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

use super::challenge;
use super::discovery::{self, AuthServerMetadata};
use super::flow_secret::FlowSecrets;
use super::registration::{self, ClientIdentity};
use super::tokens::{self, ClientConfig};
use super::{OAuthError, OAuthResult};
use crate::domain::{ErrorClass, Transport};
use crate::server::mcp::{McpClient, McpError, McpTarget};
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
    /// A tool to call (with no arguments) once the token lists the tools:
    /// a server may want more scopes for a call than for a list.
    pub call: Option<&'a str>,
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

/// How many times a 403 `insufficient_scope` is answered by authorizing
/// again with more scopes before the probe gives up.
const MAX_STEP_UPS: usize = 2;

pub async fn run(outbound: &Outbound, mcp: &McpClient, p: Probe<'_>) -> OAuthResult<Report> {
    let mut report = Report::default();
    // Asked first without a token, as any MCP client is: the refusal's
    // challenge says where the metadata is and which scopes to ask for.
    let challenge = match use_server(mcp, &p, None).await {
        Ok(used) => {
            report.step("the server answered without a token: it needs no authorization");
            report.tools = used.tools;
            return Ok(report);
        }
        Err(e) if e.class == ErrorClass::Auth => e.challenge,
        Err(e) => {
            return Err(OAuthError::Discovery(format!(
                "the server, without a token: {}: {}",
                e.class.as_str(),
                e.message
            )));
        }
    };
    let found = match challenge {
        Some(c) => discovery::discover_from(outbound, p.server, Some(c)).await?,
        None => discovery::discover(outbound, p.server, p.transport).await?,
    };
    report.step(format!(
        "discovered: authorization server {}, resource {}, scopes {:?}",
        found.metadata.issuer,
        found.resource,
        found.scopes.as_deref().unwrap_or("")
    ));
    let (client_id, client_secret) = match &p.client {
        Some(pre) => {
            report.step(format!("pre-registered client {}", pre.client_id));
            (pre.client_id.clone(), pre.client_secret.clone())
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
            (registered.client_id, registered.client_secret)
        }
    };
    let cfg = ClientConfig {
        metadata: &found.metadata,
        client_id: &client_id,
        client_secret: client_secret.as_ref(),
        redirect_uri: p.redirect_uri,
    };
    let mut scopes = found.scopes.clone().unwrap_or_default();
    let mut step_ups = 0;
    loop {
        let token = authorize(outbound, &cfg, &found.resource, &scopes, &mut report).await?;
        match use_server(mcp, &p, Some(&token)).await {
            Ok(used) => {
                report.tools = used.tools;
                report.step(format!(
                    "the server lists {} tools with the token",
                    used.tools
                ));
                if let (Some(tool), Some(failed)) = (p.call, used.call_failed) {
                    report.step(if failed {
                        format!("called {tool}: the tool answered with an error (its own answer)")
                    } else {
                        format!("called {tool}: it answered")
                    });
                }
                return Ok(report);
            }
            Err(e) => {
                // Step-up authorization: the token works but carries too
                // little; ask again for what it has and what the server named.
                let wider = e
                    .needed_scopes()
                    .map(|needed| challenge::scope_union(&scopes, needed))
                    .filter(|wider| *wider != scopes);
                match wider {
                    Some(wider) if step_ups < MAX_STEP_UPS => {
                        step_ups += 1;
                        report.step(format!(
                            "the server wants more access: authorizing again for {wider:?}"
                        ));
                        scopes = wider;
                    }
                    _ => {
                        return Err(OAuthError::Discovery(format!(
                            "the server, with the token: {}: {}",
                            e.class.as_str(),
                            e.message
                        )));
                    }
                }
            }
        }
    }
}

/// What one use of the server did.
struct Used {
    tools: usize,
    /// Whether the called tool answered with an error; `None` when no tool
    /// was called.
    call_failed: Option<bool>,
}

/// Connects (with `token` when given), lists the tools and, when asked,
/// calls one with no arguments, all under the client's deadlines.
async fn use_server(
    mcp: &McpClient,
    p: &Probe<'_>,
    token: Option<&SecretString>,
) -> Result<Used, McpError> {
    let headers = token
        .map(|t| {
            vec![(
                "Authorization".to_owned(),
                format!("Bearer {}", t.expose_secret()),
            )]
        })
        .unwrap_or_default();
    let target = McpTarget::new(p.server.as_str(), p.transport, headers);
    let session = mcp.connect(&target).await?;
    let outcome = async {
        let tools = session.list_tools().await?.len();
        let call_failed = match p.call {
            Some(tool) => Some(
                session
                    .call_tool(tool, Some(serde_json::Map::new()))
                    .await?
                    .is_error
                    .unwrap_or(false),
            ),
            None => None,
        };
        Ok(Used { tools, call_failed })
    }
    .await;
    tokio::spawn(session.close());
    outcome
}

/// One authorization: the request with PKCE, `resource` and `scopes`, the
/// code read back, and the code redeemed for an access token.
async fn authorize(
    outbound: &Outbound,
    cfg: &ClientConfig<'_>,
    resource: &str,
    scopes: &str,
    report: &mut Report,
) -> OAuthResult<SecretString> {
    let flow = FlowSecrets::generate();
    let url = tokens::authorize_url(
        cfg,
        &flow.state,
        &flow.verifier,
        resource,
        (!scopes.is_empty()).then_some(scopes),
    )?;
    let code = approve(outbound, &url, cfg.redirect_uri, &flow, cfg.metadata).await?;
    report.step("authorized: the code came back with our state");
    let tokens = tokens::exchange_code(
        outbound,
        cfg,
        &code,
        &flow.verifier,
        resource,
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
    Ok(SecretString::from(tokens.access_token))
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
