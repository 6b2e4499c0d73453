//! The accept loop: hyper's connection builder with a timer, so a client
//! that opens a connection and sends its headers a byte at a time (a
//! slowloris) is cut off after the header-read timeout. `axum::serve` sets
//! no timer, and without one hyper's header timeout never fires. Shutdown
//! is graceful: the listener closes, the requests in flight finish.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// Serves `app` until `shutdown` resolves, then stops accepting and waits
/// for the connections' requests in flight (the caller bounds the wait).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send,
    header_read_timeout: Duration,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    // HTTP/2 over cleartext is negotiated by preface; its timer drives the
    // keep-alive pings.
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // What `into_make_service_with_connect_info` would add: the peer,
        // for rate limits and logs.
        // Wrapping the router as one service is O(1) per connection, where
        // `Router::layer` would re-layer every route.
        let service = tower::Layer::layer(
            &axum::Extension(ConnectInfo::<SocketAddr>(peer)),
            app.clone(),
        )
        .map_request(|req: axum::http::Request<Incoming>| req.map(axum::body::Body::new));
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    // No new connections from here on.
    drop(listener);
    graceful.shutdown().await;
}
