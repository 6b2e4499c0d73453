//! Server-only code (`ssr` feature): configuration, services, ports and edges.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod files;
pub mod gateway;
pub mod http;
pub mod mcp;
pub mod metrics;
pub mod oauth;
pub mod outbound;
pub mod ports;
pub mod rest;
mod security_headers;
mod serve;
pub mod services;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod vault;

#[cfg(test)]
mod http_tests;
/// Real peers, fresh databases and a running app, for tests and benchmarks.
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
