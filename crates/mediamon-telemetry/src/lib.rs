//! Logging, tracing and metrics for every mediamon binary: an env filter, a
//! fmt layer (text, or JSON lines carrying the trace and span ids), span and
//! metric export over OTLP/gRPC when an endpoint is configured, and a
//! Prometheus registry for the scrape endpoint (see [`metrics`]). Trace context travels as W3C `traceparent`/`tracestate`, in
//! gRPC metadata and in outbox rows; the helpers here are the only code that
//! reads or writes it.

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use std::collections::HashMap;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use mediamon_config::{LogFormat, TelemetrySettings};

pub mod metrics;

/// Set-up failures.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("invalid log filter {filter:?}: {reason}")]
    Filter { filter: String, reason: String },
    #[error("cannot build the OTLP exporter: {0}")]
    Exporter(String),
    #[error("a global tracing subscriber is already installed")]
    AlreadyInstalled,
}

/// Keeps the exporters alive; call [`Guard::shutdown`] before exit so
/// buffered spans and the last metrics are sent.
#[must_use = "dropping the guard does not flush spans; call shutdown()"]
pub struct Guard {
    provider: Option<SdkTracerProvider>,
    meters: opentelemetry_sdk::metrics::SdkMeterProvider,
    registry: prometheus::Registry,
}

impl Guard {
    /// The registry the scrape endpoint renders
    /// ([`metrics::serve_metrics`]).
    pub fn registry(&self) -> prometheus::Registry {
        self.registry.clone()
    }

    /// Flushes and stops span and metric export.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider {
            if let Err(err) = provider.force_flush() {
                eprintln!("telemetry: flushing spans failed: {err}");
            }
            if let Err(err) = provider.shutdown() {
                eprintln!("telemetry: exporter shutdown failed: {err}");
            }
        }
        if let Err(err) = self.meters.shutdown() {
            eprintln!("telemetry: metric export shutdown failed: {err}");
        }
    }
}

/// Installs the global subscriber for `service`, exporting spans over OTLP
/// when `settings.otlp_endpoint` is set.
pub fn init(service: &str, settings: &TelemetrySettings) -> Result<Guard, TelemetryError> {
    let provider = match &settings.otlp_endpoint {
        Some(endpoint) => {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint.clone())
                .build()
                .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
            Some(
                SdkTracerProvider::builder()
                    .with_batch_exporter(exporter)
                    .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
                        settings.sample_ratio,
                    ))))
                    .with_resource(
                        Resource::builder()
                            .with_service_name(service.to_owned())
                            .build(),
                    )
                    .build(),
            )
        }
        None => None,
    };
    init_with_provider(service, settings, provider)
}

/// Like [`init`], with a tracer provider the caller built.
pub fn init_with_provider(
    service: &str,
    settings: &TelemetrySettings,
    provider: Option<SdkTracerProvider>,
) -> Result<Guard, TelemetryError> {
    let filter = EnvFilter::try_new(&settings.filter).map_err(|e| TelemetryError::Filter {
        filter: settings.filter.clone(),
        reason: e.to_string(),
    })?;
    let fmt = log_layer(settings.format, std::io::stdout);
    let otel = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer(service.to_owned()))
            .with_error_records_to_exceptions(true)
    });
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(otel)
        .try_init()
        .map_err(|_| TelemetryError::AlreadyInstalled)?;
    let (meters, registry) = metrics::install(service, settings)?;
    Ok(Guard {
        provider,
        meters,
        registry,
    })
}

/// The log lines, in `format`, written to `writer`.
fn log_layer<S, W>(format: LogFormat, writer: W) -> Box<dyn Layer<S> + Send + Sync>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    match format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_target(true)
            .with_writer(writer)
            .boxed(),
        // json-subscriber, not fmt's JSON: it writes the OpenTelemetry
        // trace and span ids, which join a log line to its trace. Boxed, not
        // in an Option: it needs the dispatch registration an Option drops.
        LogFormat::Json => json_subscriber::layer()
            .with_current_span(true)
            .with_span_list(false)
            .with_opentelemetry_ids(true)
            .with_writer(writer)
            .boxed(),
    }
}

/// W3C trace context as two optional strings (for an outbox row).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceHeaders {
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
}

/// The current span's trace context, if it belongs to a sampled trace.
pub fn current_trace_headers() -> TraceHeaders {
    let mut map: HashMap<String, String> = HashMap::new();
    TraceContextPropagator::new().inject_context(&tracing::Span::current().context(), &mut map);
    TraceHeaders {
        traceparent: map.remove("traceparent"),
        tracestate: map.remove("tracestate").filter(|s| !s.is_empty()),
    }
}

/// Makes `span` a child of the trace described by stored headers.
pub fn set_parent_from_headers(span: &tracing::Span, headers: &TraceHeaders) {
    let mut map = HashMap::new();
    if let Some(tp) = &headers.traceparent {
        map.insert("traceparent".to_string(), tp.clone());
    }
    if let Some(ts) = &headers.tracestate {
        map.insert("tracestate".to_string(), ts.clone());
    }
    let cx = TraceContextPropagator::new().extract(&map);
    let _ = span.set_parent(cx);
}

/// Writes the current span's trace context into outgoing gRPC metadata.
pub fn inject_metadata(metadata: &mut tonic::metadata::MetadataMap) {
    TraceContextPropagator::new().inject_context(
        &tracing::Span::current().context(),
        &mut MetadataInjector(metadata),
    );
}

struct MetadataInjector<'a>(&'a mut tonic::metadata::MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            tonic::metadata::MetadataKey::from_bytes(key.as_bytes()),
            tonic::metadata::MetadataValue::try_from(value.as_str()),
        ) {
            self.0.insert(key, value);
        }
    }
}

struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// The span a server opens for each gRPC request (pass to tonic's
/// `Server::trace_fn`): named after the RPC and parented on the caller's
/// trace context from the request headers.
pub fn server_span(req: &http::Request<()>) -> tracing::Span {
    let path = req.uri().path();
    let span = tracing::info_span!(
        "grpc.server",
        otel.name = %path.trim_start_matches('/'),
        rpc.system = "grpc",
        rpc.method = %path,
        otel.kind = "server",
        // Filled in by `metrics::RpcMetricsLayer` when the call ends.
        rpc.grpc.status_code = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
        otel.status_message = tracing::field::Empty,
    );
    let cx = TraceContextPropagator::new().extract(&HeaderExtractor(req.headers()));
    let _ = span.set_parent(cx);
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_without_a_trace_are_empty() {
        assert_eq!(current_trace_headers(), TraceHeaders::default());
    }

    /// Log lines written to memory.
    #[derive(Clone, Default)]
    struct Lines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn json_lines_carry_the_trace_and_span_ids() {
        let provider = SdkTracerProvider::builder().build();
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::registry()
            .with(log_layer(LogFormat::Json, move || writer.clone()))
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
        let (trace_id, span_id) = tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!("work", article_id = "a1");
            let _entered = span.enter();
            tracing::info!(mentions = 3, "done");
            let cx = span.context();
            let sc = opentelemetry::trace::TraceContextExt::span(&cx)
                .span_context()
                .clone();
            (sc.trace_id().to_string(), sc.span_id().to_string())
        });
        let bytes = lines.0.lock().expect("lines").clone();
        let line: serde_json::Value =
            serde_json::from_slice(bytes.split(|b| *b == b'\n').next().expect("a line"))
                .expect("one JSON object per line");
        assert_eq!(line["fields"]["message"], "done");
        assert_eq!(line["span"]["article_id"], "a1");
        assert_eq!(line["openTelemetry"]["traceId"], trace_id.as_str());
        assert_eq!(line["openTelemetry"]["spanId"], span_id.as_str());
    }

    #[test]
    fn bad_filter_is_reported() {
        let settings = TelemetrySettings {
            filter: "=[".into(),
            ..TelemetrySettings::default()
        };
        assert!(matches!(
            init("test", &settings),
            Err(TelemetryError::Filter { .. })
        ));
    }
}
