//! Test connection: connect, negotiate, `tools/list` across all pages, close.

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use rmcp::ServiceExt;
use rmcp::model::{ClientCapabilities, ClientConfig, Implementation, ProtocolVersion};
use rmcp::transport::common::client_side_sse::ExponentialBackoff;
use rmcp::transport::sink_stream::SinkStreamTransport;
use rmcp::transport::streamable_http_client::{
    StreamableHttpClientTransport, StreamableHttpClientTransportConfig,
};
use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

use super::classify;
use super::headers::authorization_value;
use super::{sse, websocket};
use crate::domain::{ErrorClass, TestError, ToolInfo, Transport};
use crate::server::outbound::Outbound;

/// What to connect to, with the credential already read from the vault.
pub struct TestTarget<'a> {
    pub url: &'a str,
    pub transport: Transport,
    pub credential: Option<&'a SecretString>,
}

#[derive(Clone)]
pub struct McpClient {
    outbound: Outbound,
}

impl McpClient {
    /// Every MCP transport goes through `outbound`; its timeout is also the
    /// deadline of a whole test connection.
    pub fn new(outbound: Outbound) -> Self {
        Self { outbound }
    }

    pub fn timeout(&self) -> Duration {
        self.outbound.timeout()
    }

    /// Runs the whole test under one deadline. Never fails: every problem is
    /// a classified [`TestError`] whose text has the credential scrubbed out.
    pub async fn test(&self, target: &TestTarget<'_>) -> Result<Vec<ToolInfo>, TestError> {
        let timeout = self.timeout();
        let outcome = match tokio::time::timeout(timeout, self.run(target)).await {
            Ok(result) => result,
            Err(_) => Err(classify::timeout(timeout)),
        };
        outcome.map_err(|mut e| {
            if let Some(secret) = target.credential {
                e.message = scrub(&e.message, secret.expose_secret());
            }
            e
        })
    }

    async fn run(&self, target: &TestTarget<'_>) -> Result<Vec<ToolInfo>, TestError> {
        let url = Url::parse(target.url).map_err(|e| TestError {
            class: ErrorClass::Transport,
            message: format!("The URL cannot be parsed: {e}"),
        })?;
        self.outbound.check_url(&url).map_err(|e| TestError {
            class: ErrorClass::Transport,
            message: e.to_string(),
        })?;
        let auth = target
            .credential
            .map(|secret| {
                let mut value = HeaderValue::from_str(&authorization_value(secret.expose_secret()))
                    .map_err(|_| TestError {
                        class: ErrorClass::Auth,
                        message: "The stored credential is not a valid HTTP header value.".into(),
                    })?;
                value.set_sensitive(true);
                Ok::<_, TestError>(value)
            })
            .transpose()?;
        let info = ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("switchboard", env!("CARGO_PKG_VERSION")),
        )
        .with_protocol_version(ProtocolVersion::LATEST_WITH_INITIALIZE);

        let client = match target.transport {
            Transport::StreamableHttp => {
                let mut headers: HashMap<HeaderName, HeaderValue> = HashMap::new();
                if let Some(value) = auth {
                    headers.insert(AUTHORIZATION, value);
                }
                let mut config = StreamableHttpClientTransportConfig::with_uri(url.as_str())
                    .custom_headers(headers)
                    .reinit_on_expired_session(false);
                let mut backoff = ExponentialBackoff::default();
                backoff.max_times = Some(1);
                config.retry_config = Arc::new(backoff);
                let transport =
                    StreamableHttpClientTransport::with_client(self.outbound.http_client(), config);
                info.serve(transport)
                    .await
                    .map_err(|e| classify::from_init(&e))?
            }
            Transport::Sse => {
                let (tx, rx) = sse::connect(self.outbound.http_client(), url, auth)
                    .await
                    .map_err(|e| classify::from_sse(&e))?;
                info.serve(SinkStreamTransport::new(tx, rx))
                    .await
                    .map_err(|e| classify::from_init(&e))?
            }
            Transport::WebSocket => {
                let (tx, rx) = websocket::connect(&self.outbound, url, auth)
                    .await
                    .map_err(|e| classify::from_ws(&e))?;
                info.serve(SinkStreamTransport::new(tx, rx))
                    .await
                    .map_err(|e| classify::from_init(&e))?
            }
        };
        let tools = client.list_all_tools().await;
        // Closing ends the session (a DELETE for streamable HTTP); it need not
        // hold up the answer, so it finishes in the background, bounded.
        tokio::spawn(async move {
            let mut client = client;
            let _ = client.close_with_timeout(Duration::from_secs(5)).await;
        });
        let tools = tools.map_err(|e| classify::from_service(&e))?;
        Ok(tools
            .into_iter()
            .map(|t| ToolInfo {
                name: t.name.into_owned(),
                description: t.description.map(|d| d.into_owned()),
            })
            .collect())
    }
}

/// A hostile server could echo our credential back in its error text.
/// A credential stored as a full header value ("Bearer abc123") may come
/// back as just its token, so both forms are removed.
fn scrub(message: &str, secret: &str) -> String {
    let secret = secret.trim();
    let token = secret.split_once(' ').map(|(_, t)| t.trim());
    let mut out = message.to_owned();
    for needle in [Some(secret), token].into_iter().flatten() {
        if needle.len() >= 4 {
            out = out.replace(needle, "••••");
        }
    }
    out
}

#[cfg(test)]
mod scrub_tests {
    use super::scrub;

    #[test]
    fn the_key_and_its_token_part_are_both_removed() {
        let said = "refused Bearer abc123xyz; also saw abc123xyz";
        assert_eq!(
            scrub(said, "Bearer abc123xyz"),
            "refused ••••; also saw ••••"
        );
        assert_eq!(scrub("got sk-live-1", " sk-live-1 "), "got ••••");
        assert_eq!(
            scrub("short abc", "abc"),
            "short abc",
            "too short to scrub safely"
        );
    }
}
