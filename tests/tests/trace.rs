//! One trace covers a newsroom's ingest call, the outbox hand-over, the
//! resolver's work and a later query: W3C trace context travels in gRPC
//! metadata and in the outbox row. Spans are collected with the SDK's
//! in-memory exporter behind the real tracing-opentelemetry layer.
//!
//! Alone in its binary: it installs the process-wide subscriber.

use std::time::Duration;

use mediamon_config::TelemetrySettings;
use mediamon_e2e::{Stack, text_request};
use mediamon_proto::v1::SearchArticlesRequest;
use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing::Instrument;

fn named<'a>(spans: &'a [SpanData], name: &str) -> Vec<&'a SpanData> {
    spans.iter().filter(|s| s.name == name).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_spans_ingest_resolver_and_query() -> anyhow::Result<()> {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let settings = TelemetrySettings {
        filter: "info,sqlx=warn".into(),
        ..TelemetrySettings::default()
    };
    let guard = mediamon_telemetry::init_with_provider("e2e", &settings, Some(provider.clone()))?;

    let stack = Stack::start().await?;
    let root = tracing::info_span!("newsroom.publish");
    let mut ingest = stack.ingest().await?;
    ingest
        .ingest_article(text_request(
            "Envoy in Doha\n\nZalmay Khalilzad met Amir Khan Muttaqi in Doha. Khalilzad said little.",
        ))
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
    drop(root);
    stack.shutdown().await?;
    provider.force_flush()?;
    let spans = exporter.get_finished_spans()?;

    let root = named(&spans, "newsroom.publish");
    assert_eq!(root.len(), 1, "one root span");
    let trace: TraceId = root[0].span_context.trace_id();
    let in_trace = |name: &str| -> Vec<&SpanData> {
        named(&spans, name)
            .into_iter()
            .filter(|s| s.span_context.trace_id() == trace)
            .collect()
    };
    for name in [
        "mediamon.v1.IngestService/IngestArticle",
        "ingest.article",
        "ingest.extract_annotate",
        "store.insert_article",
        "outbox.dispatch",
        "mediamon.v1.EntityResolutionService/ResolveMentions",
        "resolve_mentions",
        "store.resolve_article",
        "mediamon.v1.QueryService/SearchArticles",
        "mediamon.v1.EntityResolutionService/SearchEntities",
    ] {
        assert!(
            !in_trace(name).is_empty(),
            "no span {name:?} in the newsroom's trace"
        );
    }
    // The resolver's server span hangs under the dispatcher's span, which
    // hangs under the ingest call's tree (through the outbox row).
    let dispatch = in_trace("outbox.dispatch")[0];
    let resolve = in_trace("mediamon.v1.EntityResolutionService/ResolveMentions")[0];
    assert_eq!(resolve.parent_span_id, dispatch.span_context.span_id());
    assert_ne!(dispatch.parent_span_id, SpanId::INVALID);
    guard.shutdown();
    Ok(())
}
