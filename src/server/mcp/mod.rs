//! The MCP client: connect to an admin-registered server, list or call its
//! tools, close; and the test connection built on those steps.

mod classify;
mod client;
mod error;
mod headers;
mod pool;
mod session;
mod slots;
mod sse;
mod websocket;

pub use client::{McpClient, McpTarget};
pub use error::McpError;
pub use session::{McpSession, info_of};
pub use slots::{NoSlot, TestSlot, TestSlots};

#[cfg(test)]
mod session_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod websocket_tests;
