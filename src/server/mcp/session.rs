//! An open MCP session: list the tools, call one, close.

use rmcp::ServiceError;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientConfig, JsonObject, PaginatedRequestParams, Tool,
};
use rmcp::service::{RoleClient, RunningService};
use secrecy::SecretString;
use std::future::Future;
use std::time::Duration;

use super::{McpError, classify};
use crate::domain::{ErrorClass, ToolInfo};

fn too_many(what: String) -> McpError {
    McpError::new(
        ErrorClass::Downstream,
        format!("The server's tool list goes on past {what}; Switchboard stops there."),
    )
}

fn cut(description: &str) -> String {
    match description.char_indices().nth(MAX_DESCRIPTION_CHARS) {
        Some((at, _)) => format!("{}…", &description[..at]),
        None => description.to_owned(),
    }
}

/// How long closing may take; it never holds up an answer.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// A hostile or broken server could page through `tools/list` forever, or
/// send tools without end; past these a test fails as a downstream error.
pub const MAX_TOOL_PAGES: usize = 20;
pub const MAX_TOOLS: usize = 1_000;
/// Descriptions are stored and shown: longer ones are cut here.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// One tool's whole definition (its schemas above all), as JSON.
pub const MAX_DEFINITION_BYTES: usize = 64 * 1024;

/// A tool as a page lists it.
pub fn info_of(tool: &Tool) -> ToolInfo {
    ToolInfo {
        name: tool.name.to_string(),
        description: tool.description.as_deref().map(cut),
    }
}

/// A failed call, by whether its request may have reached the server.
pub(super) enum CallFailure {
    Unsent(McpError),
    MaybeSent(McpError),
}

impl CallFailure {
    pub(super) fn into_error(self) -> McpError {
        match self {
            CallFailure::Unsent(e) | CallFailure::MaybeSent(e) => e,
        }
    }
}

/// A negotiated session. Each call has its own deadline; drop it or, better,
/// [`close`](Self::close) it (a streamable HTTP server is told with a DELETE).
pub struct McpSession {
    service: RunningService<RoleClient, ClientConfig>,
    timeout: Duration,
    /// The header values sent, to scrub from error text.
    secrets: Vec<SecretString>,
}

impl McpSession {
    pub(super) fn new(
        service: RunningService<RoleClient, ClientConfig>,
        timeout: Duration,
        secrets: Vec<SecretString>,
    ) -> Self {
        Self {
            service,
            timeout,
            secrets,
        }
    }

    /// `tools/list`, following the cursor for at most [`MAX_TOOL_PAGES`]
    /// pages and [`MAX_TOOLS`] tools: names and (cut) descriptions.
    pub async fn list_tools(&self) -> Result<Vec<ToolInfo>, McpError> {
        Ok(self
            .list_tool_definitions()
            .await?
            .iter()
            .map(info_of)
            .collect())
    }

    /// The tools as the server defines them (schemas and annotations
    /// included), under the same limits, and at most
    /// [`MAX_DEFINITION_BYTES`] each as JSON.
    pub async fn list_tool_definitions(&self) -> Result<Vec<Tool>, McpError> {
        let mut tools = Vec::new();
        let mut cursor = None;
        for _ in 0..MAX_TOOL_PAGES {
            let params = PaginatedRequestParams::default().with_cursor(cursor);
            let page = self
                .bounded("tools/list", self.service.list_tools(Some(params)))
                .await?;
            if tools.len() + page.tools.len() > MAX_TOOLS {
                return Err(too_many(format!("more than {MAX_TOOLS} tools")));
            }
            for tool in &page.tools {
                let size = serde_json::to_vec(tool).map_or(usize::MAX, |j| j.len());
                if size > MAX_DEFINITION_BYTES {
                    return Err(McpError::new(
                        ErrorClass::Downstream,
                        format!(
                            "The server's tool {:?} is defined in more than {} KiB; Switchboard \
                             does not take it.",
                            cut(&tool.name),
                            MAX_DEFINITION_BYTES / 1024
                        ),
                    ));
                }
            }
            tools.extend(page.tools);
            cursor = page.next_cursor;
            if cursor.is_none() {
                return Ok(tools);
            }
        }
        Err(too_many(format!("more than {MAX_TOOL_PAGES} pages")))
    }

    /// `tools/call`. A tool that ran and failed is still `Ok`, with
    /// `is_error` set: that failure is the tool's answer, not ours.
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
    ) -> Result<CallToolResult, McpError> {
        self.try_call_tool(name, arguments)
            .await
            .map_err(CallFailure::into_error)
    }

    /// The session's connection has ended (the server closed it, or went
    /// away): a request on it could not even be sent.
    pub fn is_closed(&self) -> bool {
        self.service.is_closed() || self.service.is_transport_closed()
    }

    /// `tools/call`, saying on failure whether the request may have reached
    /// the server: only a request that provably never left may be sent
    /// again, since a tool may not be safe to run twice.
    pub(super) async fn try_call_tool(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
    ) -> Result<CallToolResult, CallFailure> {
        if self.is_closed() {
            return Err(CallFailure::Unsent(McpError::new(
                ErrorClass::Transport,
                "The server closed the session.",
            )));
        }
        let mut params = CallToolRequestParams::new(name.to_owned());
        params.arguments = arguments;
        match tokio::time::timeout(self.timeout, self.service.call_tool(params)).await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(e)) => {
                let error = classify::from_service(&e, "tools/call").scrubbed(&self.secrets);
                // A send that failed with the connection gone wrote nothing
                // the server could act on; anything later may have run.
                if matches!(e, ServiceError::TransportSend(_)) && self.is_closed() {
                    Err(CallFailure::Unsent(error))
                } else {
                    Err(CallFailure::MaybeSent(error))
                }
            }
            Err(_) => Err(CallFailure::MaybeSent(classify::timeout(self.timeout))),
        }
    }

    /// Ends the session, waiting at most [`CLOSE_WAIT`].
    pub async fn close(mut self) {
        if let Err(e) = self.service.close_with_timeout(CLOSE_WAIT).await {
            tracing::debug!(error = %e, "closing an MCP session failed");
        }
    }

    async fn bounded<T>(
        &self,
        method: &str,
        call: impl Future<Output = Result<T, ServiceError>>,
    ) -> Result<T, McpError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(classify::from_service(&e, method).scrubbed(&self.secrets)),
            Err(_) => Err(classify::timeout(self.timeout)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_are_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_DESCRIPTION_CHARS + 500);
        let short = cut(&long);
        assert_eq!(short.chars().count(), MAX_DESCRIPTION_CHARS + 1);
        assert!(short.ends_with('…'));
        assert_eq!(cut("short"), "short");
        let exact = "a".repeat(MAX_DESCRIPTION_CHARS);
        assert_eq!(cut(&exact), exact);
    }
}
