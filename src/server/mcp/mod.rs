//! The MCP client: test connections to admin-registered servers.

mod classify;
mod client;
mod headers;
mod sse;
mod websocket;

pub use client::{McpClient, TestTarget};
pub use headers::authorization_value;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod websocket_tests;
