//! Connecting to an MCP server over any of its transports, and the test
//! connection built on it: connect, negotiate, `tools/list` (all pages), close.

use reqwest::header::HeaderMap;
use rmcp::ServiceExt;
use rmcp::model::{
    CallToolResult, ClientCapabilities, ClientConfig, Implementation, JsonObject, ProtocolVersion,
    Tool,
};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::common::client_side_sse::ExponentialBackoff;
use rmcp::transport::sink_stream::SinkStreamTransport;
use rmcp::transport::streamable_http_client::{
    StreamableHttpClientTransport, StreamableHttpClientTransportConfig,
};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

use super::headers::header_map;
use super::pool::{self, SessionPool};
use super::session::CallFailure;
use super::slots::{NoSlot, TestSlot, TestSlots};
use super::{McpError, McpSession, classify, sse, websocket};
use crate::domain::TenantId;
use crate::domain::headers::{DEFAULT_SCHEME, Header, render_headers};
use crate::domain::{ErrorClass, ToolInfo, Transport};
use crate::server::outbound::Outbound;

/// What to connect to, with the headers already rendered (credential included).
pub struct McpTarget {
    pub url: String,
    pub transport: Transport,
    /// Sent in order; every value is treated as a secret.
    pub headers: Vec<(String, SecretString)>,
    /// A secret path or query in `url` (see `domain::url_secret`), and its
    /// token-like pieces: scrubbed out of every error, like the headers.
    pub url_secrets: Vec<SecretString>,
}

impl McpTarget {
    pub fn new(url: impl Into<String>, transport: Transport, headers: Vec<Header>) -> Self {
        Self {
            url: url.into(),
            transport,
            headers: headers
                .into_iter()
                .map(|(name, value)| (name, SecretString::from(value)))
                .collect(),
            url_secrets: Vec::new(),
        }
    }

    /// Marks `part` of the URL as a secret. An error may quote the URL
    /// whole, or echo a single piece of it ("unknown key 9f2c…"), so the
    /// part and each of its longer pieces are scrubbed.
    pub fn with_url_secret(mut self, part: Option<&SecretString>) -> Self {
        if let Some(part) = part {
            let part = part.expose_secret();
            self.url_secrets.push(SecretString::from(part.to_owned()));
            self.url_secrets.extend(
                part.split(['/', '?', '&', '=', ';'])
                    .filter(|piece| piece.len() >= 8)
                    .map(|piece| SecretString::from(piece.to_owned())),
            );
        }
        self
    }

    /// A server's extra headers, then its own key, sent as it always has
    /// been: a bare key as `Bearer <key>`, a key that names its scheme as it is.
    pub fn with_server_key(
        url: impl Into<String>,
        transport: Transport,
        extra: &[Header],
        key: Option<&SecretString>,
    ) -> Self {
        let key = key.map(ExposeSecret::expose_secret);
        Self::new(
            url,
            transport,
            render_headers(extra, key, Some(DEFAULT_SCHEME)),
        )
    }

    fn secrets(&self) -> Vec<SecretString> {
        self.headers
            .iter()
            .map(|(_, value)| value)
            .chain(&self.url_secrets)
            .map(|value| SecretString::from(value.expose_secret().to_owned()))
            .collect()
    }
}

#[derive(Clone)]
pub struct McpClient {
    outbound: Outbound,
    slots: Arc<TestSlots>,
    pool: Arc<SessionPool>,
}

impl McpClient {
    /// Every MCP transport goes through `outbound`; its timeout is the
    /// deadline of each call and of a whole test connection.
    pub fn new(outbound: Outbound) -> Self {
        Self {
            outbound,
            slots: TestSlots::new(usize::MAX, usize::MAX),
            pool: Arc::default(),
        }
    }

    /// At most `total` test connections at once, `per_tenant` for any one
    /// tenant (see [`TestSlots`]).
    pub fn with_test_slots(mut self, total: usize, per_tenant: usize) -> Self {
        self.slots = TestSlots::new(total, per_tenant);
        self
    }

    /// A test-connection slot for `tenant`, held until dropped.
    pub fn test_slot(&self, tenant: TenantId) -> Result<TestSlot, NoSlot> {
        self.slots.take(tenant)
    }

    pub fn timeout(&self) -> Duration {
        self.outbound.timeout()
    }

    /// Connects and negotiates, under one deadline. Errors are classified and
    /// have every sent header value scrubbed out.
    pub async fn connect(&self, target: &McpTarget) -> Result<McpSession, McpError> {
        let timeout = self.timeout();
        let secrets = target.secrets();
        let opened = match tokio::time::timeout(timeout, self.open(target)).await {
            Ok(result) => result,
            Err(_) => Err(classify::timeout(timeout)),
        };
        match opened {
            Ok(service) => Ok(McpSession::new(service, timeout, secrets)),
            Err(e) => Err(e.scrubbed(&secrets)),
        }
    }

    /// `tools/call` on a pooled session for `target` (opened, and kept,
    /// when there is none): the agent gateway's calls. A kept session whose
    /// connection has ended since its last call (the server restarted, say)
    /// is replaced, and a call it could not send is sent once more on the
    /// new one. A session that fails at the transport is dropped from the
    /// pool; a call that may have reached the server is never sent again.
    pub async fn call_pooled(
        &self,
        target: &McpTarget,
        tool: &str,
        arguments: Option<JsonObject>,
    ) -> Result<CallToolResult, McpError> {
        let key = pool::key_of(target);
        if let Some(kept) = self.pool.take(&key, Instant::now()) {
            match kept.try_call_tool(tool, arguments.clone()).await {
                Err(CallFailure::Unsent(e)) => {
                    tracing::debug!(error = %e, "a pooled MCP session had ended; opening anew");
                    self.pool.evict(&key);
                }
                other => return self.settle(&key, other.map_err(CallFailure::into_error)),
            }
        }
        let session = Arc::new(self.connect(target).await?);
        self.pool.keep(key, session.clone(), Instant::now());
        let result = session
            .try_call_tool(tool, arguments)
            .await
            .map_err(CallFailure::into_error);
        self.settle(&key, result)
    }

    /// Drops the session behind a transport failure, so the next call opens
    /// a new one.
    fn settle(
        &self,
        key: &pool::Key,
        result: Result<CallToolResult, McpError>,
    ) -> Result<CallToolResult, McpError> {
        if result
            .as_ref()
            .is_err_and(|e| e.class == ErrorClass::Transport)
        {
            self.pool.evict(key);
        }
        result
    }

    /// Sessions whose connection is still up, of those in the pool.
    pub fn live_pooled_sessions(&self) -> usize {
        self.pool.live()
    }

    /// Sessions open in the pool, and sessions it has opened in all.
    pub fn pooled_sessions(&self) -> (usize, usize) {
        (self.pool.len(), self.pool.opened())
    }

    /// Test connection: the whole exchange runs under one deadline.
    pub async fn test(&self, target: &McpTarget) -> Result<Vec<ToolInfo>, McpError> {
        Ok(self
            .catalog(target)
            .await?
            .iter()
            .map(super::session::info_of)
            .collect())
    }

    /// The server's tools as it defines them (a test connection that keeps
    /// them: what the agent gateway lists), under one deadline.
    pub async fn catalog(&self, target: &McpTarget) -> Result<Vec<Tool>, McpError> {
        let timeout = self.timeout();
        let run = async {
            let session = self.connect(target).await?;
            let tools = session.list_tool_definitions().await;
            // Closing ends the session (a DELETE for streamable HTTP); it need
            // not hold up the answer, so it finishes in the background, bounded.
            tokio::spawn(session.close());
            tools
        };
        match tokio::time::timeout(timeout, run).await {
            Ok(result) => result,
            Err(_) => Err(classify::timeout(timeout)),
        }
    }

    async fn open(
        &self,
        target: &McpTarget,
    ) -> Result<RunningService<RoleClient, ClientConfig>, McpError> {
        let url = Url::parse(&target.url).map_err(|e| {
            McpError::new(
                ErrorClass::Transport,
                format!("The URL cannot be parsed: {e}"),
            )
        })?;
        self.outbound
            .check_url(&url)
            .map_err(|e| McpError::new(ErrorClass::Transport, e.to_string()))?;
        if !target.headers.is_empty() {
            self.outbound
                .check_plain_text_credential(&url)
                .await
                .map_err(|message| McpError::new(ErrorClass::Transport, message))?;
        }
        let headers = header_map(&target.headers)?;
        let info = ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("switchboard", env!("CARGO_PKG_VERSION")),
        )
        .with_protocol_version(ProtocolVersion::LATEST_WITH_INITIALIZE);

        let service = match target.transport {
            Transport::StreamableHttp => {
                let transport = self.streamable_http(url, &headers);
                info.serve(transport)
                    .await
                    .map_err(|e| classify::from_init(&e))?
            }
            Transport::Sse => {
                let (tx, rx) = sse::connect(self.outbound.http_client(), url, headers)
                    .await
                    .map_err(|e| classify::from_sse(&e))?;
                info.serve(SinkStreamTransport::new(tx, rx))
                    .await
                    .map_err(|e| classify::from_init(&e))?
            }
            Transport::WebSocket => {
                let (tx, rx) = websocket::connect(&self.outbound, url, headers)
                    .await
                    .map_err(|e| classify::from_ws(&e))?;
                info.serve(SinkStreamTransport::new(tx, rx))
                    .await
                    .map_err(|e| classify::from_init(&e))?
            }
        };
        Ok(service)
    }

    fn streamable_http(
        &self,
        url: Url,
        headers: &HeaderMap,
    ) -> StreamableHttpClientTransport<reqwest::Client> {
        // rmcp takes a map, so a repeated header name keeps its last value.
        let custom = headers
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let mut config = StreamableHttpClientTransportConfig::with_uri(url.as_str())
            .custom_headers(custom)
            // rmcp caps a JSON answer at 16 MiB itself; one event of an SSE
            // answer gets the same bound as the legacy transport's.
            .max_sse_event_size(sse::MAX_EVENT_BYTES)
            .reinit_on_expired_session(false);
        let mut backoff = ExponentialBackoff::default();
        backoff.max_times = Some(1);
        config.retry_config = Arc::new(backoff);
        StreamableHttpClientTransport::with_client(self.outbound.http_client(), config)
    }
}
