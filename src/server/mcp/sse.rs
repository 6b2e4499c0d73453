//! The legacy HTTP+SSE transport (MCP 2024-11-05), which rmcp 3 no longer
//! ships: GET an event stream whose first `endpoint` event names the URL to
//! POST messages to; replies arrive as `message` events on the stream.

use futures::future::ready;
use futures::{Sink, StreamExt};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use sse_stream::{Sse, SseStream};
use std::pin::Pin;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum LegacySseError {
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error("HTTP {0}")]
    Status(reqwest::StatusCode),
    #[error("expected an event stream, got content type {0:?}")]
    ContentType(Option<String>),
    #[error("the event stream broke: {0}")]
    Sse(#[from] sse_stream::Error),
    #[error("the endpoint event is not a valid URL: {0}")]
    BadEndpoint(#[from] url::ParseError),
    #[error("the stream ended before the server sent its endpoint event")]
    NoEndpoint,
    #[error("the server's endpoint is on another origin ({0}); refused")]
    CrossOrigin(String),
}

pub type TxSink = Pin<Box<dyn Sink<ClientJsonRpcMessage, Error = LegacySseError> + Send>>;
pub type RxStream = futures::stream::BoxStream<'static, ServerJsonRpcMessage>;

/// Opens the stream and waits for the endpoint; returns an rmcp sink/stream pair.
pub async fn connect(
    http: reqwest::Client,
    sse_url: Url,
    headers: HeaderMap,
) -> Result<(TxSink, RxStream), LegacySseError> {
    let response = http
        .get(sse_url.clone())
        .headers(headers.clone())
        .header(ACCEPT, "text/event-stream")
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(LegacySseError::Status(response.status()));
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if !content_type
        .as_deref()
        .is_some_and(|ct| ct.starts_with("text/event-stream"))
    {
        return Err(LegacySseError::ContentType(content_type));
    }
    let mut events = SseStream::from_bytes_stream(response.bytes_stream()).boxed();
    let post_url = loop {
        match events.next().await {
            Some(Ok(Sse {
                event: Some(event),
                data: Some(data),
                ..
            })) if event == "endpoint" => break sse_url.join(data.trim())?,
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
            None => return Err(LegacySseError::NoEndpoint),
        }
    };
    // The endpoint comes from the server; never let it steer us elsewhere.
    if post_url.origin() != sse_url.origin() {
        return Err(LegacySseError::CrossOrigin(
            post_url.origin().ascii_serialization(),
        ));
    }
    let rx = events
        .take_while(|r| ready(r.is_ok()))
        .filter_map(|r| {
            ready(match r {
                Ok(Sse {
                    event,
                    data: Some(data),
                    ..
                }) if event.as_deref().is_none_or(|e| e == "message") => {
                    serde_json::from_str::<ServerJsonRpcMessage>(&data).ok()
                }
                _ => None,
            })
        })
        .boxed();
    let tx = futures::sink::unfold(
        (http, post_url, headers),
        |(http, url, headers), message: ClientJsonRpcMessage| async move {
            let response = http
                .post(url.clone())
                .headers(headers.clone())
                .json(&message)
                .send()
                .await?;
            if !response.status().is_success() {
                return Err(LegacySseError::Status(response.status()));
            }
            Ok::<_, LegacySseError>((http, url, headers))
        },
    );
    Ok((Box::pin(tx), rx))
}
