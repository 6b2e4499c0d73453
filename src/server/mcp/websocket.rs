//! MCP over a WebSocket: one JSON-RPC message per text frame, subprotocol
//! `mcp`. Not in the MCP spec, but seed 000 lists it and PyPI `mcp<2` and
//! npm `supergateway` serve it. rmcp drives the session (it matches replies
//! to requests by id, so a notification sent ahead of a reply is fine); this
//! module only moves frames.
//!
//! The SSRF guard applies as for HTTP: the host is resolved through
//! [`Outbound::resolve`], and the TCP connection goes to a checked address.

use futures::{SinkExt, StreamExt};
use reqwest::header::{HeaderMap, HeaderValue};
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use std::net::SocketAddr;
use std::pin::Pin;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::error::{ProtocolError, SubProtocolError};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use url::{Host, Url};

use crate::server::outbound::{Outbound, SsrfError};

pub const SUBPROTOCOL: &str = "mcp";
/// Largest message accepted from a server (a long tool list fits easily).
const MAX_MESSAGE: usize = 8 << 20;

#[derive(Debug, thiserror::Error)]
pub enum WsError {
    #[error(transparent)]
    Ssrf(#[from] SsrfError),
    #[error("could not connect to {addr}: {reason}")]
    Connect { addr: String, reason: String },
    #[error("the WebSocket handshake was refused with HTTP {status}")]
    Status { status: u16, body: Option<String> },
    #[error("the WebSocket connection failed: {0}")]
    Socket(#[from] tungstenite::Error),
    #[error("could not encode a message: {0}")]
    Encode(#[from] serde_json::Error),
}

pub type TxSink = Pin<Box<dyn futures::Sink<ClientJsonRpcMessage, Error = WsError> + Send>>;
pub type RxStream = futures::stream::BoxStream<'static, ServerJsonRpcMessage>;

/// `http(s)://` stands for `ws(s)://`, so a pasted HTTP URL works too.
fn websocket_url(mut url: Url) -> Result<Url, SsrfError> {
    let scheme = match url.scheme() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        other => return Err(SsrfError::Scheme(other.to_owned())),
    };
    if url.scheme() != scheme {
        // Both are special schemes with the same default-port rules.
        let mut text = url.as_str().to_owned();
        text.replace_range(..url.scheme().len(), scheme);
        url = Url::parse(&text).map_err(|_| SsrfError::NoHost)?;
    }
    Ok(url)
}

/// Resolves the host and checks every address, as the HTTP resolver does.
async fn checked_addrs(outbound: &Outbound, url: &Url) -> Result<Vec<SocketAddr>, SsrfError> {
    // Unbracketed, so an IPv6 literal resolves to itself.
    let host = match url.host() {
        Some(Host::Domain(d)) => d.to_owned(),
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => ip.to_string(),
        None => return Err(SsrfError::NoHost),
    };
    let port = url.port_or_known_default().unwrap_or(80);
    outbound.resolve(&host, port).await
}

async fn tcp(addrs: &[SocketAddr]) -> Result<TcpStream, WsError> {
    let mut last = String::from("no address");
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e.to_string(),
        }
    }
    Err(WsError::Connect {
        addr: addrs.first().map(ToString::to_string).unwrap_or_default(),
        reason: last,
    })
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

async fn handshake(
    addrs: &[SocketAddr],
    url: &Url,
    extra: &HeaderMap,
    subprotocol: bool,
) -> Result<Socket, WsError> {
    let mut request = url.as_str().into_client_request()?;
    let headers = request.headers_mut();
    if subprotocol {
        headers.insert(
            "sec-websocket-protocol",
            HeaderValue::from_static(SUBPROTOCOL),
        );
    }
    for (name, value) in extra {
        headers.append(name, value.clone());
    }
    let stream = tcp(addrs).await?;
    // The server is untrusted: bound what it may make us buffer.
    let limits = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    match tokio_tungstenite::client_async_tls_with_config(request, stream, Some(limits), None).await
    {
        Ok((socket, _response)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => Err(WsError::Status {
            status: response.status().as_u16(),
            body: response
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        }),
        Err(e) => Err(e.into()),
    }
}

/// Connects and returns an rmcp sink/stream pair.
pub async fn connect(
    outbound: &Outbound,
    url: Url,
    headers: HeaderMap,
) -> Result<(TxSink, RxStream), WsError> {
    let url = websocket_url(url)?;
    let addrs = checked_addrs(outbound, &url).await?;
    // Offer `mcp`; a server that accepts without naming it (supergateway
    // does) is still an MCP server, so try once more without the offer.
    let socket = match handshake(&addrs, &url, &headers, true).await {
        Err(WsError::Socket(tungstenite::Error::Protocol(
            ProtocolError::SecWebSocketSubProtocolError(SubProtocolError::NoSubProtocol),
        ))) => handshake(&addrs, &url, &headers, false).await?,
        other => other?,
    };
    let (sink, stream) = socket.split();
    let tx = sink
        .sink_map_err(WsError::from)
        .with(|message: ClientJsonRpcMessage| async move {
            Ok::<_, WsError>(Message::text(serde_json::to_string(&message)?))
        });
    let rx = stream
        .take_while(|frame| futures::future::ready(matches!(frame, Ok(m) if !m.is_close())))
        .filter_map(|frame| {
            futures::future::ready(match frame {
                Ok(Message::Text(text)) => parse(text.as_str()),
                Ok(Message::Binary(bytes)) => std::str::from_utf8(&bytes).ok().and_then(parse),
                _ => None,
            })
        });
    Ok((Box::pin(tx), rx.boxed()))
}

fn parse(text: &str) -> Option<ServerJsonRpcMessage> {
    match serde_json::from_str(text) {
        Ok(message) => Some(message),
        Err(e) => {
            tracing::debug!(error = %e, "ignoring a WebSocket frame that is not a JSON-RPC message");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_urls_become_websocket_urls() {
        let ws = |s: &str| websocket_url(Url::parse(s).expect("url")).map(|u| u.to_string());
        assert_eq!(
            ws("http://a.example:8080/ws").unwrap(),
            "ws://a.example:8080/ws"
        );
        assert_eq!(ws("https://a.example/ws").unwrap(), "wss://a.example/ws");
        assert_eq!(ws("wss://a.example/ws").unwrap(), "wss://a.example/ws");
        assert!(ws("ftp://a.example/").is_err());
    }
}
