//! Types, validation and errors shared by the server and the WASM client.
//!
//! Nothing here may depend on the `ssr` feature: the browser compiles this
//! module too, so the same validation runs on both sides of the wire.

pub mod audit;
pub mod error;
pub mod headers;
pub mod ids;
pub mod listing;
pub mod origin;
pub mod redirect;
pub mod server;
pub mod session;
pub mod token;
pub mod validation;

pub use audit::{AuditAction, AuditEvent, AuditOutcome, AuditQuery};
pub use error::{AppError, FieldError};
pub use ids::{AuditEventId, RowId, SecretRef, ServerId, TenantId, TokenId, UserId};
pub use listing::{ListQuery, Page, SortDir};
pub use server::{
    AuthType, ErrorClass, KeyRotation, KeyRule, NewServer, ServerField, ServerPatch, ServerSort,
    ServerSummary, ServerView, TestError, TestOutcome, ToolInfo, Transport,
};
pub use session::{Role, SessionInfo};
pub use token::{ApiTokenView, CreatedToken, NewApiToken};
