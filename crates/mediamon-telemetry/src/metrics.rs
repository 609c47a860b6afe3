//! Metrics: one OpenTelemetry meter provider whose instruments are read both
//! by a Prometheus registry (scraped over HTTP at `/metrics`) and, when an
//! OTLP endpoint is configured, by a periodic OTLP exporter. Per-RPC rate,
//! errors and latency come from [`RpcMetricsLayer`] in front of every route;
//! the services record their own instruments through [`meter`].

use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Histogram, Meter};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use tokio::net::TcpListener;
use tower::{Layer, Service};

use crate::TelemetryError;
use mediamon_config::TelemetrySettings;

/// The meter every mediamon instrument belongs to. Instruments made before
/// [`crate::init`] are no-ops, so services make theirs when they start.
pub fn meter() -> Meter {
    opentelemetry::global::meter("mediamon")
}

/// Histogram buckets for durations in seconds, from a fast RPC to a slow
/// resolution backlog.
pub const SECONDS_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
    120.0, 300.0,
];

/// Builds the provider (Prometheus reader always, OTLP reader when an
/// endpoint is set) and installs it as the global one.
pub(crate) fn install(
    service: &str,
    settings: &TelemetrySettings,
) -> Result<(SdkMeterProvider, prometheus::Registry), TelemetryError> {
    let registry = prometheus::Registry::new();
    let scrape = opentelemetry_prometheus::exporter()
        .with_registry(registry.clone())
        .scope_info_enabled(false)
        .build()
        .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
    let mut builder = SdkMeterProvider::builder()
        .with_resource(
            Resource::builder()
                .with_service_name(service.to_owned())
                .build(),
        )
        .with_reader(scrape);
    if let Some(endpoint) = &settings.otlp_endpoint {
        let exporter = opentelemetry_otlp::MetricExporter::builder()
            .with_tonic()
            .with_endpoint(endpoint.clone())
            // Cumulative, as Prometheus reads them: a lost export loses
            // nothing but resolution.
            .with_temporality(Temporality::Cumulative)
            .build()
            .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
        builder = builder.with_reader(
            PeriodicReader::builder(exporter)
                .with_interval(Duration::from_millis(settings.metrics_interval_ms.max(100)))
                .build(),
        );
    }
    let provider = builder.build();
    opentelemetry::global::set_meter_provider(provider.clone());
    Ok((provider, registry))
}

/// The Prometheus text exposition of everything recorded so far.
pub fn render(registry: &prometheus::Registry) -> String {
    prometheus::TextEncoder::new()
        .encode_to_string(&registry.gather())
        .unwrap_or_else(|e| format!("# encoding metrics failed: {e}\n"))
}

/// Serves `GET /metrics` (HTTP/1.1, as Prometheus scrapes) until the
/// process ends.
pub async fn serve_metrics(
    listener: TcpListener,
    registry: prometheus::Registry,
) -> std::io::Result<()> {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let registry = registry.clone();
            async move {
                (
                    [(
                        http::header::CONTENT_TYPE,
                        "text/plain; version=0.0.4; charset=utf-8",
                    )],
                    render(&registry),
                )
            }
        }),
    );
    axum::serve(listener, app).await
}

/// Records every gRPC call's duration, method and status code in
/// `rpc.server.call.duration` (its count is the request rate, the count of
/// non-OK codes the error rate).
#[derive(Clone)]
pub struct RpcMetricsLayer {
    duration: Histogram<f64>,
}

impl RpcMetricsLayer {
    pub fn new() -> Self {
        Self {
            duration: meter()
                .f64_histogram("rpc.server.call.duration")
                .with_unit("s")
                .with_description("gRPC calls served, by method and status code")
                .with_boundaries(SECONDS_BUCKETS.to_vec())
                .build(),
        }
    }
}

impl Default for RpcMetricsLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl<S> Layer<S> for RpcMetricsLayer {
    type Service = RpcMetrics<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RpcMetrics {
            inner,
            duration: self.duration.clone(),
        }
    }
}

/// The service [`RpcMetricsLayer`] wraps around the routes.
#[derive(Clone)]
pub struct RpcMetrics<S> {
    inner: S,
    duration: Histogram<f64>,
}

impl<S, B, R> Service<http::Request<B>> for RpcMetrics<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        // The clone that was polled ready handles this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let method = req.uri().path().trim_start_matches('/').to_owned();
        let duration = self.duration.clone();
        let started = Instant::now();
        Box::pin(async move {
            let response = inner.call(req).await;
            // A refused or failed call answers "trailers-only": its status is
            // in the headers. A call that got as far as a reply body ends
            // with OK in the trailers (no RPC here streams replies, so a
            // status cannot change after the first message).
            let (code, message) = match &response {
                Ok(r) => {
                    let header = |name: &str| r.headers().get(name).map(|v| v.as_bytes());
                    (
                        header("grpc-status").map_or(tonic::Code::Ok, tonic::Code::from_bytes),
                        header("grpc-message")
                            .map(|m| String::from_utf8_lossy(m).into_owned())
                            .unwrap_or_default(),
                    )
                }
                Err(_) => (tonic::Code::Internal, String::new()),
            };
            record_status(code, &message);
            // Unknown paths would make a label per probe.
            let method = if code == tonic::Code::Unimplemented {
                "_OTHER".to_owned()
            } else {
                method
            };
            duration.record(
                started.elapsed().as_secs_f64(),
                &[
                    KeyValue::new("rpc.system", "grpc"),
                    KeyValue::new("rpc.method", method),
                    KeyValue::new("rpc.grpc.status_code", code_name(code)),
                ],
            );
            response
        })
    }
}

/// Puts the call's status on its server span (`crate::server_span`, the
/// current span here): the code always; an error status for the codes that
/// mean the server failed (as OpenTelemetry's gRPC conventions ask; a
/// caller's bad request is not the server's error).
fn record_status(code: tonic::Code, message: &str) {
    use tonic::Code::*;
    let span = tracing::Span::current();
    span.record("rpc.grpc.status_code", code as i64);
    if matches!(
        code,
        Unknown | DeadlineExceeded | Unimplemented | Internal | Unavailable | DataLoss
    ) {
        span.record("otel.status_code", "ERROR");
        span.record("otel.status_message", message);
    }
}

/// The canonical upper-case name of a status code ("NOT_FOUND").
fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}
