//! Domain services: tenant scoping, authorization, and the rules. Edges
//! (server functions, REST, the CLI) call these with the [`Ports`] and,
//! for a request, a verified [`Actor`].
//!
//! [`Ports`]: crate::server::ports::Ports
//! [`Actor`]: crate::server::auth::Actor

pub mod accounts;
pub mod agent_catalog;
pub mod agents;
pub mod audit;
pub mod connected_services;
mod connection_rules;
mod connection_secret;
mod connection_update;
pub mod connections;
mod credentials;
pub mod directory;
pub mod gateway_calls;
pub mod images;
pub mod key_status;
pub mod named;
pub mod oauth_callback;
pub mod oauth_connect;
pub mod oauth_grants;
pub mod oauth_services;
pub mod oauth_step_up;
pub mod overview;
pub mod resolution;
pub mod resolution_cache;
pub mod resolve_audit;
pub mod rotation;
pub mod runtime;
mod secrets;
mod server_test;
mod server_update;
pub mod server_upsert;
mod server_url;
mod server_view;
pub mod servers;
pub mod template_sync;
pub mod templates;
pub mod test_as;
pub mod tokens;
pub mod tool_catalog;
pub mod tool_pins;
pub mod tool_refresh;
pub mod vault_upkeep;

#[cfg(test)]
mod time_tests;
