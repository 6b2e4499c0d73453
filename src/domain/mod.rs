//! Types, validation and errors shared by the server and the WASM client.
//!
//! Nothing here may depend on the `ssr` feature: the browser compiles this
//! module too, so the same validation runs on both sides of the wire.

pub mod agent;
pub mod audit;
pub mod connection;
pub mod error;
pub mod headers;
pub mod ids;
pub mod listing;
pub mod oauth;
pub mod oauth_service;
pub mod origin;
pub mod overview;
pub mod redirect;
pub mod resolution;
pub mod scope;
pub mod server;
pub mod session;
pub mod template;
pub mod test_as;
pub mod token;
pub mod tool_pin;
pub mod url_secret;
pub mod validation;

pub use agent::{AgentUid, AgentView, NewAgent};
pub use audit::{AuditAction, AuditEvent, AuditOutcome, AuditQuery};
pub use connection::{ConnectionPatch, ConnectionView, NewConnection};
pub use error::{AppError, FieldError};
pub use ids::{
    AgentId, AuditEventId, ConnectionId, GrantId, OAuthClientId, OAuthServiceId, RowId, SecretRef,
    ServerId, TemplateId, TenantId, TokenId, UserId,
};
pub use listing::{ListQuery, Page, SortDir};
pub use oauth::{AuthStatus, ConnectOutcome, GrantStatus, GrantView, Integration};
pub use oauth_service::{NewAdminClient, OAuthServiceView};
pub use scope::Scope;
pub use server::{
    AuthType, ErrorClass, KeyRotation, KeyRule, NewServer, ServerField, ServerPatch, ServerSort,
    ServerSummary, ServerView, TestError, TestOutcome, ToolInfo, Transport,
};
pub use session::{Role, SessionInfo};
pub use test_as::{TestAs, TestAsOutcome, TestAsState};
pub use token::{ApiTokenView, CreatedToken, NewApiToken, TokenKind};
pub use tool_pin::{
    DiffLine, LineChange, PinState, ToolApproval, ToolChangePolicy, ToolPinView, ToolPinsView,
};
pub use url_secret::UrlSecret;
