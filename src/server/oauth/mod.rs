//! The OAuth client MCP's authorization spec asks of Switchboard, over the
//! SSRF-guarded outbound HTTP: discovery (the server's 401 challenge, its
//! protected-resource metadata, then its authorization server's metadata,
//! issuer checked), client registration (a Client ID Metadata Document, or
//! RFC 7591 dynamic registration), authorization code + PKCE S256 with
//! RFC 8707 `resource`, and the token set's exchange, refresh and
//! revocation (the `oauth2` crate, over our HTTP).
//!
//! Nothing here reads the store or the vault: `services::oauth` holds the
//! flow's state, the grants and their secrets.

pub mod challenge;
pub mod discovery;
mod fetch;
pub mod flow_secret;
pub mod probe;
pub mod registration;
pub mod tokens;
mod well_known;

pub use challenge::Challenge;
pub use discovery::{AuthServerMetadata, Discovered, ProtectedResource};
pub use tokens::TokenSet;

/// Every way the client can fail, each with a short code the callback page
/// and the REST answers carry, and words a user (or an admin) can act on.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The server or its authorization server could not be reached, or
    /// answered something that is not the document asked for.
    #[error("discovery failed: {0}")]
    Discovery(String),
    /// The metadata names an issuer other than the one it was fetched for
    /// (RFC 8414 §3.3): a mix-up or an impersonation, so it is not used.
    #[error(
        "the authorization server's metadata names issuer {found:?}, not {expected:?}; refusing it"
    )]
    IssuerMismatch { expected: String, found: String },
    /// The authorization server does not list PKCE S256, which MCP requires.
    #[error("the authorization server does not support PKCE with S256; refusing it")]
    NoPkce,
    #[error("client registration failed: {0}")]
    Registration(String),
    #[error(
        "the authorization server offers no way to register Switchboard (no registration \
         endpoint, no client metadata documents); an admin must enter a client id"
    )]
    NoRegistration,
    /// The authorization server refused the code (or answered nonsense).
    #[error("the token exchange failed: {0}")]
    TokenExchange(String),
    /// A refresh the authorization server refused: the user must reconnect.
    #[error("the token refresh was refused: {0}")]
    RefreshRefused(String),
    /// A refresh that could not be made (the network, a timeout); the grant
    /// stays as it is and the next use tries again.
    #[error("the token refresh could not be made: {0}")]
    RefreshFailed(String),
}

impl OAuthError {
    /// The short code the callback page posts and the REST answers carry.
    pub fn code(&self) -> &'static str {
        match self {
            OAuthError::Discovery(_) => "discovery_failed",
            OAuthError::IssuerMismatch { .. } => "issuer_mismatch",
            OAuthError::NoPkce => "pkce_unsupported",
            OAuthError::Registration(_) => "registration_failed",
            OAuthError::NoRegistration => "no_registration",
            OAuthError::TokenExchange(_) => "token_exchange_failed",
            OAuthError::RefreshRefused(_) => "refresh_refused",
            OAuthError::RefreshFailed(_) => "refresh_failed",
        }
    }
}

pub type OAuthResult<T> = Result<T, OAuthError>;
