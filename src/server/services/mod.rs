//! Domain services: tenant scoping, authorization, and the rules. Edges
//! (server functions, REST) call these with a verified [`Actor`].
//!
//! [`Actor`]: crate::server::auth::Actor

pub mod accounts;
pub mod audit;
mod credentials;
pub mod directory;
pub mod rotation;
mod server_view;
pub mod servers;
pub mod tokens;
