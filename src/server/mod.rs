//! Server-only code (`ssr` feature): configuration, services, ports and edges.

pub mod auth;
pub mod config;
pub mod error;
pub mod http;
pub mod mcp;
pub mod services;
pub mod startup;
pub mod state;
pub mod store;
pub mod vault;

#[cfg(test)]
pub mod testing;
#[cfg(test)]
mod http_tests;
