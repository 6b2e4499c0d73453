//! `switchboard oauth probe`: the OAuth client, headless, for diagnostics
//! and the conformance suite's client scenarios. It needs no database or
//! vault: nothing it does is kept.

use secrecy::SecretString;

use crate::domain::Transport;
use crate::server::config::{Config, OauthCommand, TransportArg};
use crate::server::mcp::McpClient;
use crate::server::oauth::probe::{self, Preregistered, Probe};
use crate::server::outbound::{Outbound, OutboundPolicy};

/// Where the conformance suite passes a scenario's pre-registered client.
const CONFORMANCE_CONTEXT: &str = "MCP_CONFORMANCE_CONTEXT";
/// A pre-registered client's secret: never on the command line.
const SECRET_VARIABLE: &str = "SWITCHBOARD_PROBE_CLIENT_SECRET";

pub async fn oauth(config: Config, command: OauthCommand) -> anyhow::Result<()> {
    let OauthCommand::Probe {
        url,
        transport,
        redirect_uri,
        client_id,
        client_metadata_url,
        call,
    } = command;
    let outbound = Outbound::new(
        OutboundPolicy::new(config.outbound_allow()?),
        config.mcp_timeout,
    )?;
    let mcp = McpClient::new(outbound.clone());
    let server = url::Url::parse(&url).map_err(|e| anyhow::anyhow!("{url:?}: {e}"))?;
    let transport = match transport {
        TransportArg::StreamableHttp => Transport::StreamableHttp,
        TransportArg::Sse => Transport::Sse,
        TransportArg::Websocket => Transport::WebSocket,
    };
    let secret = std::env::var(SECRET_VARIABLE).ok().map(SecretString::from);
    let client = match (client_id, conformance_client()) {
        (Some(client_id), _) => Some(Preregistered {
            client_id,
            client_secret: secret,
        }),
        (None, context) => context,
    };
    let outcome = probe::run(
        &outbound,
        &mcp,
        Probe {
            server: &server,
            transport,
            redirect_uri: &redirect_uri,
            client,
            metadata_document_url: client_metadata_url.as_deref(),
            call: call.as_deref(),
        },
    )
    .await;
    match outcome {
        Ok(report) => {
            for step in &report.steps {
                println!("ok   {step}");
            }
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!("oauth probe failed: {e}")),
    }
}

/// The pre-registered client a conformance scenario hands its client.
fn conformance_client() -> Option<Preregistered> {
    let raw = std::env::var(CONFORMANCE_CONTEXT).ok()?;
    let context: serde_json::Value = serde_json::from_str(&raw).ok()?;
    Some(Preregistered {
        client_id: context.get("client_id")?.as_str()?.to_owned(),
        client_secret: context
            .get("client_secret")
            .and_then(|s| s.as_str())
            .map(|s| SecretString::from(s.to_owned())),
    })
}
