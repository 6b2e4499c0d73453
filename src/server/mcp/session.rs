//! An open MCP session: list the tools, call one, close.

use rmcp::ServiceError;
use rmcp::model::{CallToolRequestParams, CallToolResult, ClientConfig, JsonObject};
use rmcp::service::{RoleClient, RunningService};
use secrecy::SecretString;
use std::future::Future;
use std::time::Duration;

use super::{McpError, classify};
use crate::domain::ToolInfo;

/// How long closing may take; it never holds up an answer.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

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

    /// `tools/list`, following the cursor across all pages.
    pub async fn list_tools(&self) -> Result<Vec<ToolInfo>, McpError> {
        let tools = self
            .bounded("tools/list", self.service.list_all_tools())
            .await?;
        Ok(tools
            .into_iter()
            .map(|t| ToolInfo {
                name: t.name.into_owned(),
                description: t.description.map(|d| d.into_owned()),
            })
            .collect())
    }

    /// `tools/call`. A tool that ran and failed is still `Ok`, with
    /// `is_error` set: that failure is the tool's answer, not ours.
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
    ) -> Result<CallToolResult, McpError> {
        let mut params = CallToolRequestParams::new(name.to_owned());
        params.arguments = arguments;
        self.bounded("tools/call", self.service.call_tool(params))
            .await
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
