//! Logs and traces: `tracing` to stderr (text, or JSON with
//! `SWITCHBOARD_LOG_FORMAT=json`), and, when an OTLP endpoint is configured
//! (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`),
//! the same spans exported over OTLP/HTTP (protobuf) to a collector.
//!
//! The exporter reads the standard `OTEL_*` variables itself (headers,
//! timeout, `OTEL_BSP_*` batching); `OTEL_SERVICE_NAME` names the service,
//! `switchboard` when unset. Spans carry what the log lines carry: the
//! request span's method, route path and request id, never a header value.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Keeps the trace pipeline alive; [`Telemetry::shutdown`] flushes what is
/// still batched. Dropping it without that loses the last spans.
#[must_use = "call shutdown() on exit, or the last spans are lost"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

fn set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.trim().is_empty())
}

/// Whether spans are to be exported: the operator named a collector.
pub fn otlp_configured() -> bool {
    set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
}

/// Installs the process-wide subscriber. An exporter that cannot be built
/// (a malformed endpoint) is reported and skipped: the service still runs,
/// with logs.
pub fn init() -> Telemetry {
    let (provider, otlp_error) = if otlp_configured() {
        match tracer_provider() {
            Ok(provider) => (Some(provider), None),
            Err(e) => (None, Some(e)),
        }
    } else {
        (None, None)
    };
    let filter = EnvFilter::try_from_default_env()
        // rmcp logs a failed test connection as an error of its own; we
        // classify and report it, so its worker's fatal line is noise.
        .unwrap_or_else(|_| {
            EnvFilter::new("info,sqlx=warn,rmcp=warn,rmcp::transport::worker=off,tower_http=warn")
        });
    // Logs go to stderr: stdout is for what a command prints (a new token).
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    // One JSON object per line for log pipelines, spans (the request id) included.
    let logs =
        if std::env::var("SWITCHBOARD_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
            logs.json()
                .with_current_span(true)
                .with_span_list(false)
                .boxed()
        } else {
            logs.boxed()
        };
    let traces = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("switchboard")));
    let installed = tracing_subscriber::registry()
        .with(logs)
        .with(traces)
        .with(filter)
        .try_init();
    if let Err(e) = installed {
        eprintln!("warning: logging was already set up: {e}");
    }
    match (&provider, otlp_error) {
        (Some(_), _) => tracing::info!("exporting traces over OTLP/HTTP"),
        (None, Some(e)) => tracing::warn!(error = %e, "cannot export traces over OTLP; logs only"),
        (None, None) => {}
    }
    Telemetry { provider }
}

fn tracer_provider() -> Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError> {
    let exporter = SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .build()?;
    let mut resource = Resource::builder();
    // The builder has already read OTEL_SERVICE_NAME; a name set here would
    // override the operator's.
    if !set("OTEL_SERVICE_NAME") {
        resource = resource.with_service_name("switchboard");
    }
    Ok(SdkTracerProvider::builder()
        .with_resource(resource.build())
        .with_batch_exporter(exporter)
        .build())
}

impl Telemetry {
    /// Exports what is still batched (bounded by the exporter's own
    /// timeout). The SDK blocks while it flushes, so it runs off the
    /// async workers.
    pub async fn shutdown(self) {
        let Some(provider) = self.provider else {
            return;
        };
        let flushed = tokio::task::spawn_blocking(move || provider.shutdown()).await;
        match flushed {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("warning: could not flush the last traces: {e}"),
            Err(e) => eprintln!("warning: could not flush the last traces: {e}"),
        }
    }
}
