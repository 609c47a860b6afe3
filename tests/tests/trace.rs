//! The shape of one ingest trace, as an ops team's collector receives it:
//! the services export over OTLP/gRPC (the real exporter, configured as in
//! production) to an OTLP receiver in this test, and the spans must form one
//! tree from the newsroom's call down to the resolver's store writes, joined
//! through the outbox row. Metrics arrive over OTLP too.
//!
//! Alone in its binary: it installs the process-wide subscriber.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mediamon_config::TelemetrySettings;
use mediamon_e2e::{Stack, text_request};
use mediamon_proto::v1::ingest_article_request::Content;
use mediamon_proto::v1::{GetArticleRequest, IngestArticleRequest, SearchArticlesRequest};
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::trace::v1::Span;
use tokio_stream::wrappers::TcpListenerStream;
use tracing::Instrument;

/// What the receiver got: every span, and the names of the metrics.
#[derive(Clone, Default)]
struct Receiver {
    spans: Arc<Mutex<Vec<Span>>>,
    metrics: Arc<Mutex<BTreeSet<String>>>,
}

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let spans = request
            .into_inner()
            .resource_spans
            .into_iter()
            .flat_map(|r| r.scope_spans)
            .flat_map(|s| s.spans);
        self.spans
            .lock()
            .map_err(|_| tonic::Status::internal("poisoned"))?
            .extend(spans);
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

#[tonic::async_trait]
impl MetricsService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        let names = request
            .into_inner()
            .resource_metrics
            .into_iter()
            .flat_map(|r| r.scope_metrics)
            .flat_map(|s| s.metrics)
            .map(|m| m.name);
        self.metrics
            .lock()
            .map_err(|_| tonic::Status::internal("poisoned"))?
            .extend(names);
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref()?.value.as_ref())
        .map(|v| match v {
            Value::StringValue(s) => s.clone(),
            Value::IntValue(i) => i.to_string(),
            other => format!("{other:?}"),
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_from_the_newsroom_to_the_resolvers_writes() -> anyhow::Result<()> {
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    let serving = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(receiver.clone()))
            .add_service(MetricsServiceServer::new(receiver.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let settings = TelemetrySettings {
        filter: "info,sqlx=warn".into(),
        otlp_endpoint: Some(endpoint),
        metrics_interval_ms: 500,
        ..TelemetrySettings::default()
    };
    let guard = mediamon_telemetry::init("e2e", &settings)?;

    let stack = Stack::start().await?;
    let root = tracing::info_span!("newsroom.publish");
    let mut ingest = stack.ingest().await?;
    let reply = ingest
        .ingest_article(text_request(
            "Envoy in Doha\n\nZalmay Khalilzad met Amir Khan Muttaqi in Doha. Khalilzad said little.",
        ))
        .instrument(root.clone())
        .await?
        .into_inner();
    // A page, for the decoding and HTML steps.
    ingest
        .ingest_article(IngestArticleRequest {
            content: Some(Content::Html(
                b"<html><body><article><h1>Talks</h1><p>Ahmad Massoud met envoys in \
                  Dushanbe on Monday, his office said in a statement.</p></article></body></html>"
                    .to_vec(),
            )),
            ..Default::default()
        })
        .instrument(root.clone())
        .await?;
    stack.wait_resolved(Duration::from_secs(20)).await?;
    let mut query = stack.query().await?;
    query
        .search_articles(SearchArticlesRequest {
            entity_name: "Khalilzad".into(),
            ..Default::default()
        })
        .instrument(root.clone())
        .await?;
    let refused = query
        .get_article(GetArticleRequest {
            article_id: "not-an-id".into(),
        })
        .instrument(root.clone())
        .await;
    assert_eq!(
        refused.map_err(|s| s.code()).err(),
        Some(tonic::Code::InvalidArgument)
    );
    drop(root);
    stack.shutdown().await?;
    // Flushes the batch span exporter and pushes the metrics once more.
    guard.shutdown();
    serving.abort();

    let spans = receiver
        .spans
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clone();
    let by_id: HashMap<&[u8], &Span> = spans.iter().map(|s| (s.span_id.as_slice(), s)).collect();
    let roots: Vec<&Span> = spans
        .iter()
        .filter(|s| s.name == "newsroom.publish")
        .collect();
    assert_eq!(roots.len(), 1, "one root span");
    let trace = roots[0].trace_id.clone();
    let in_trace: Vec<&Span> = spans.iter().filter(|s| s.trace_id == trace).collect();
    let named = |name: &str| -> &Span {
        in_trace
            .iter()
            .find(|s| s.name == name)
            .copied()
            .unwrap_or_else(|| {
                let names: BTreeSet<&str> = in_trace.iter().map(|s| s.name.as_str()).collect();
                panic!("no span {name:?} in the newsroom's trace; it has {names:?}")
            })
    };
    let parent = |span: &Span| -> String {
        by_id
            .get(span.parent_span_id.as_slice())
            .map_or_else(|| "(none)".to_string(), |p| p.name.clone())
    };

    // (span, its parent): the tree from the call down to the store writes.
    for (child, expected) in [
        (
            "mediamon.v1.IngestService/IngestArticle",
            "newsroom.publish",
        ),
        ("ingest.article", "mediamon.v1.IngestService/IngestArticle"),
        ("ingest.prepare", "ingest.article"),
        ("ingest.extract", "ingest.prepare"),
        ("ingest.ner", "ingest.prepare"),
        ("extract.decode", "ingest.extract"),
        ("extract.html", "ingest.extract"),
        ("store.insert_article", "ingest.article"),
        // The outbox row carried the ingest call's context.
        ("outbox.dispatch", "ingest.article"),
        (
            "mediamon.v1.EntityResolutionService/ResolveMentions",
            "outbox.dispatch",
        ),
        (
            "resolve_mentions",
            "mediamon.v1.EntityResolutionService/ResolveMentions",
        ),
        ("resolve.article", "resolve_mentions"),
        ("store.begin_resolution", "resolve.article"),
        ("resolve.analyse", "resolve.article"),
        ("store.candidates", "resolve.article"),
        ("resolve.decide", "resolve.article"),
        ("resolve.context", "resolve.article"),
        ("store.write_resolution", "resolve.article"),
        (
            "mediamon.v1.QueryService/SearchArticles",
            "newsroom.publish",
        ),
        (
            "mediamon.v1.EntityResolutionService/SearchEntities",
            "search_articles",
        ),
    ] {
        assert_eq!(parent(named(child)), expected, "the parent of {child}");
    }

    // Attributes an operator filters by, on the text article's spans.
    let under = |name: &str, ancestor: &Span| -> &Span {
        in_trace
            .iter()
            .copied()
            .find(|s| {
                let mut at = *s;
                s.name == name
                    && std::iter::from_fn(|| {
                        at = by_id.get(at.parent_span_id.as_slice())?;
                        Some(at.span_id.clone())
                    })
                    .any(|id| id == ancestor.span_id)
            })
            .unwrap_or_else(|| panic!("no {name} under {}", ancestor.name))
    };
    let of_article = |name: &str| -> &Span {
        in_trace
            .iter()
            .copied()
            .find(|s| {
                s.name == name && attribute(s, "article_id") == Some(reply.article_id.clone())
            })
            .unwrap_or_else(|| panic!("no {name} of article {}", reply.article_id))
    };
    let article = of_article("ingest.article");
    assert_eq!(
        attribute(article, "outcome").as_deref(),
        Some("INGEST_OUTCOME_CREATED")
    );
    assert_eq!(
        attribute(under("ingest.ner", article), "mentions").as_deref(),
        Some("4")
    );
    let resolved = of_article("resolve.article");
    assert_eq!(attribute(resolved, "mentions").as_deref(), Some("4"));
    assert_eq!(attribute(resolved, "linked").as_deref(), Some("4"));
    assert!(attribute(resolved, "cache_hits").is_some());
    assert_eq!(
        attribute(under("store.write_resolution", resolved), "links").as_deref(),
        Some("4")
    );
    assert_eq!(
        attribute(
            named("mediamon.v1.IngestService/IngestArticle"),
            "rpc.method"
        )
        .as_deref(),
        Some("/mediamon.v1.IngestService/IngestArticle")
    );

    // The status of each call is on its server span: a caller's mistake is
    // no server error.
    let call = named("mediamon.v1.IngestService/IngestArticle");
    assert_eq!(
        attribute(call, "rpc.grpc.status_code").as_deref(),
        Some("0")
    );
    let refused = named("mediamon.v1.QueryService/GetArticle");
    assert_eq!(
        attribute(refused, "rpc.grpc.status_code").as_deref(),
        Some("3")
    );
    assert_ne!(
        refused.status.as_ref().map(|s| s.code),
        Some(opentelemetry_proto::tonic::trace::v1::status::StatusCode::Error as i32)
    );

    let metrics = receiver
        .metrics
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clone();
    for name in [
        "rpc.server.call.duration",
        "mediamon.ingest.lag",
        "mediamon.outbox.dispatches",
        "mediamon.outbox.depth",
        "mediamon.resolver.decisions",
    ] {
        assert!(
            metrics.contains(name),
            "no metric {name} over OTLP: {metrics:?}"
        );
    }
    Ok(())
}
