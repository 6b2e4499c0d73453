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

/// The largest single event accepted: a `tools/list` answer of 1,000 tools
/// with long descriptions fits several times over. A server that streams one
/// endless event would otherwise grow the buffer until memory runs out.
pub const MAX_EVENT_BYTES: usize = 4 * 1024 * 1024;

/// What the event parser reads: the response's bytes, or why they stopped.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error("an event grew larger than {0} bytes; the stream was dropped")]
    EventTooLarge(usize),
}

/// Bytes since the last blank line (the end of an event), across chunks.
#[derive(Debug, Default)]
struct EventMeter {
    since_boundary: usize,
    after_newline: bool,
    over: bool,
}

impl EventMeter {
    fn feed(&mut self, chunk: &[u8]) -> usize {
        for &b in chunk {
            match b {
                b'\n' if self.after_newline => self.since_boundary = 0,
                b'\n' => self.after_newline = true,
                b'\r' => {}
                _ => {
                    self.after_newline = false;
                    self.since_boundary += 1;
                }
            }
        }
        self.since_boundary
    }
}

/// `bytes`, ended with [`BodyError::EventTooLarge`] once one event passes `limit`.
fn bounded_events<S>(
    bytes: S,
    limit: usize,
) -> impl futures::Stream<Item = Result<axum::body::Bytes, BodyError>>
where
    S: futures::Stream<Item = Result<axum::body::Bytes, reqwest::Error>>,
{
    bytes.scan(EventMeter::default(), move |meter, chunk| {
        let item = match chunk {
            _ if meter.over => None,
            Err(e) => Some(Err(BodyError::Http(e))),
            Ok(b) if meter.feed(&b) > limit => {
                meter.over = true;
                Some(Err(BodyError::EventTooLarge(limit)))
            }
            Ok(b) => Some(Ok(b)),
        };
        ready(item)
    })
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
    let bytes = bounded_events(response.bytes_stream(), MAX_EVENT_BYTES);
    let mut events = SseStream::from_bytes_stream(bytes).boxed();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_measured_from_the_last_blank_line_across_chunks() {
        let mut meter = EventMeter::default();
        assert_eq!(meter.feed(b"event: endpoint\ndata: /m"), 23);
        assert_eq!(meter.feed(b"\n"), 23);
        assert_eq!(
            meter.feed(b"\r\n"),
            0,
            "a CRLF blank line ends the event too"
        );
        assert_eq!(meter.feed(b"data: abc\n\ndata: de"), 8);
    }
}
