//! The authorization code grant with PKCE S256 and RFC 8707 `resource`,
//! the refresh grant, and RFC 7009 revocation, through the `oauth2` crate
//! over our guarded HTTP. The token set is kept in the vault as one JSON
//! document ([`TokenSet`]).

use chrono::{DateTime, Duration, Utc};
use oauth2::basic::{BasicClient, BasicTokenType};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, RevocationUrl, Scope, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use super::discovery::AuthServerMetadata;
use super::fetch::{self, FetchError};
use super::{OAuthError, OAuthResult};
use crate::server::outbound::Outbound;

/// One grant's tokens, as the vault keeps them. `Debug` shows no token.
#[derive(Clone, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    pub token_type: String,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub scope: Option<String>,
    pub obtained_at: DateTime<Utc>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("has_refresh_token", &self.refresh_token.is_some())
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl TokenSet {
    pub fn to_secret(&self) -> SecretString {
        SecretString::from(serde_json::to_string(self).unwrap_or_default())
    }

    pub fn from_secret(secret: &SecretString) -> Option<Self> {
        serde_json::from_str(secret.expose_secret()).ok()
    }
}

/// Switchboard as a client of one authorization server.
pub struct ClientConfig<'a> {
    pub metadata: &'a AuthServerMetadata,
    pub client_id: &'a str,
    pub client_secret: Option<&'a SecretString>,
    pub redirect_uri: &'a str,
}

type Client =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointSet>;

fn client(cfg: &ClientConfig<'_>) -> OAuthResult<Client> {
    let bad = |what: &str, e: url::ParseError| OAuthError::Discovery(format!("{what}: {e}"));
    let revocation = cfg
        .metadata
        .revocation_endpoint
        .as_deref()
        .map(|u| RevocationUrl::new(u.to_owned()))
        .transpose()
        .map_err(|e| bad("the revocation endpoint", e))?;
    let mut client = BasicClient::new(ClientId::new(cfg.client_id.to_owned()))
        .set_auth_uri(
            AuthUrl::new(cfg.metadata.authorization_endpoint.clone())
                .map_err(|e| bad("the authorization endpoint", e))?,
        )
        .set_token_uri(
            TokenUrl::new(cfg.metadata.token_endpoint.clone())
                .map_err(|e| bad("the token endpoint", e))?,
        )
        .set_revocation_url_option(revocation)
        .set_redirect_uri(
            RedirectUrl::new(cfg.redirect_uri.to_owned())
                .map_err(|e| bad("the redirect URI", e))?,
        );
    if let Some(secret) = cfg.client_secret {
        client = client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
        if !basic_auth(cfg) {
            client = client.set_auth_type(AuthType::RequestBody);
        }
    }
    Ok(client)
}

/// The authorization request's URL: code flow, PKCE S256 over `verifier`,
/// our `state`, the `resource`, and the scopes (if any).
pub fn authorize_url(
    cfg: &ClientConfig<'_>,
    state: &SecretString,
    verifier: &SecretString,
    resource: &str,
    scopes: Option<&str>,
) -> OAuthResult<Url> {
    let client = client(cfg)?;
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
        verifier.expose_secret().to_owned(),
    ));
    let state = state.expose_secret().to_owned();
    let mut request = client
        .authorize_url(move || CsrfToken::new(state))
        .set_pkce_challenge(challenge)
        .add_extra_param("resource", resource.to_owned());
    for scope in scopes.unwrap_or_default().split_whitespace() {
        request = request.add_scope(Scope::new(scope.to_owned()));
    }
    let (url, _state) = request.url();
    Ok(url)
}

/// Redeems `code` for a token set.
pub async fn exchange_code(
    outbound: &Outbound,
    cfg: &ClientConfig<'_>,
    code: &str,
    verifier: &SecretString,
    resource: &str,
    now: DateTime<Utc>,
) -> OAuthResult<TokenSet> {
    let client = client(cfg)?;
    let http = fetch::oauth_http(outbound);
    let answer = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose_secret().to_owned()))
        .add_extra_param("resource", resource.to_owned())
        .request_async(&http)
        .await
        .map_err(|e| OAuthError::TokenExchange(token_error(&e)))?;
    token_set(&answer, None, now).map_err(OAuthError::TokenExchange)
}

/// Trades `previous`'s refresh token for a new set. An authorization
/// server that sends no new refresh token keeps the old one valid.
pub async fn refresh(
    outbound: &Outbound,
    cfg: &ClientConfig<'_>,
    previous: &TokenSet,
    resource: &str,
    now: DateTime<Utc>,
) -> OAuthResult<TokenSet> {
    let Some(refresh_token) = previous.refresh_token.as_deref() else {
        return Err(OAuthError::RefreshRefused(
            "the grant has no refresh token".into(),
        ));
    };
    let client = client(cfg)?;
    let http = fetch::oauth_http(outbound);
    let token = RefreshToken::new(refresh_token.to_owned());
    let answer = client
        .exchange_refresh_token(&token)
        .add_extra_param("resource", resource.to_owned())
        .request_async(&http)
        .await
        .map_err(|e| match &e {
            RequestTokenError::ServerResponse(_) | RequestTokenError::Parse(..) => {
                OAuthError::RefreshRefused(token_error(&e))
            }
            _ => OAuthError::RefreshFailed(token_error(&e)),
        })?;
    token_set(&answer, previous.refresh_token.clone(), now).map_err(OAuthError::RefreshRefused)
}

/// Revokes the refresh token (which ends the grant at the server), else
/// the access token, where the server offers RFC 7009. `Ok(false)` when
/// it offers no revocation. Sent by hand: the `oauth2` crate revokes only
/// at `https` endpoints, while the outbound guard (which allows loopback
/// only where an operator opened it) is what decides here, as it does for
/// the token endpoint.
pub async fn revoke(
    outbound: &Outbound,
    cfg: &ClientConfig<'_>,
    tokens: &TokenSet,
) -> OAuthResult<bool> {
    let Some(endpoint) = cfg.metadata.revocation_endpoint.as_deref() else {
        return Ok(false);
    };
    let url = url::Url::parse(endpoint)
        .map_err(|e| OAuthError::Discovery(format!("the revocation endpoint: {e}")))?;
    let (token, hint) = match &tokens.refresh_token {
        Some(refresh) => (refresh.as_str(), "refresh_token"),
        None => (tokens.access_token.as_str(), "access_token"),
    };
    let mut form = vec![("token", token), ("token_type_hint", hint)];
    let mut request = outbound.http_client_no_redirects().post(url);
    match cfg.client_secret {
        Some(secret) if basic_auth(cfg) => {
            request = request.basic_auth(
                form_urlencode(cfg.client_id),
                Some(form_urlencode(secret.expose_secret())),
            );
        }
        Some(secret) => {
            form.push(("client_id", cfg.client_id));
            form.push(("client_secret", secret.expose_secret()));
        }
        None => form.push(("client_id", cfg.client_id)),
    }
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let request = request
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body);
    let answer = fetch::send(outbound, request, false)
        .await
        .map_err(|e| OAuthError::TokenExchange(format!("revocation: {e}")))?;
    // RFC 7009 §2.2: 200 whether or not the token was still valid.
    if answer.status == 200 {
        Ok(true)
    } else {
        Err(OAuthError::TokenExchange(format!(
            "the revocation endpoint answered {}",
            answer.status
        )))
    }
}

/// HTTP Basic unless the server says it takes only the form fields.
fn basic_auth(cfg: &ClientConfig<'_>) -> bool {
    let methods = &cfg.metadata.token_endpoint_auth_methods_supported;
    methods.is_empty() || methods.iter().any(|m| m == "client_secret_basic")
}

/// RFC 6749 §2.3.1: the client id and secret are form-encoded before they
/// are put in the Basic header.
fn form_urlencode(raw: &str) -> String {
    url::form_urlencoded::byte_serialize(raw.as_bytes()).collect()
}

fn token_set(
    answer: &oauth2::basic::BasicTokenResponse,
    previous_refresh: Option<String>,
    now: DateTime<Utc>,
) -> Result<TokenSet, String> {
    if !matches!(answer.token_type(), BasicTokenType::Bearer) {
        return Err(format!(
            "the authorization server issued a {:?} token; only bearer tokens are used",
            answer.token_type()
        ));
    }
    let expires_at = answer
        .expires_in()
        .and_then(|d| Duration::from_std(d).ok())
        .map(|d| now + d);
    Ok(TokenSet {
        access_token: answer.access_token().secret().clone(),
        refresh_token: answer
            .refresh_token()
            .map(|t| t.secret().clone())
            .or(previous_refresh),
        token_type: "Bearer".into(),
        expires_at,
        scope: answer.scopes().map(|scopes| {
            scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        }),
        obtained_at: now,
    })
}

/// A token endpoint's failure in words: the server's `error` and
/// description, or what went wrong on the way. Never the request (it
/// holds the code or the refresh token).
fn token_error<T>(e: &RequestTokenError<FetchError, T>) -> String
where
    T: oauth2::ErrorResponse + std::fmt::Display + 'static,
{
    match e {
        RequestTokenError::ServerResponse(answer) => answer.to_string().chars().take(300).collect(),
        RequestTokenError::Request(fetch) => fetch.to_string(),
        RequestTokenError::Parse(_, body) => format!(
            "the answer is not a token response{}",
            super::registration::error_words(body)
        ),
        RequestTokenError::Other(other) => other.chars().take(200).collect(),
    }
}
