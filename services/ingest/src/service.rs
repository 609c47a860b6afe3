//! The gRPC handler of IngestService.

use mediamon_proto::v1::ingest_service_server::IngestService;
use mediamon_proto::v1::{
    IngestArticleRequest, IngestArticleResponse, IngestOutcome, NearDuplicate,
};
use mediamon_store::{Inserted, Store, TraceCarrier};
use tonic::{Request, Response, Status};
use tracing::{Instrument, instrument};

use crate::error::IngestError;
use crate::prepare::prepare;

/// IngestService over the shared store.
#[derive(Clone)]
pub struct Ingest {
    store: Store,
    max_body_bytes: usize,
}

impl Ingest {
    pub fn new(store: Store, max_body_bytes: usize) -> Self {
        Self {
            store,
            max_body_bytes,
        }
    }
}

#[tonic::async_trait]
impl IngestService for Ingest {
    #[instrument(skip_all, fields(article_id, bytes, mentions))]
    async fn ingest_article(
        &self,
        request: Request<IngestArticleRequest>,
    ) -> Result<Response<IngestArticleResponse>, Status> {
        let req = request.into_inner();
        // Extraction and name finding are CPU work: off the async executor.
        let max_bytes = self.max_body_bytes;
        let span = tracing::info_span!("ingest.extract_annotate");
        let prepared =
            tokio::task::spawn_blocking(move || span.in_scope(|| prepare(req, max_bytes)))
                .await
                .map_err(IngestError::from)??;
        let span = tracing::Span::current();
        span.record("bytes", prepared.article.body.len());
        span.record("mentions", prepared.mentions.len());
        let mention_count = u32::try_from(prepared.mentions.len()).unwrap_or(u32::MAX);
        let trace = mediamon_telemetry::current_trace_headers();
        let inserted = self
            .store
            .insert_article(
                prepared.article,
                prepared.mentions,
                TraceCarrier {
                    traceparent: trace.traceparent,
                    tracestate: trace.tracestate,
                },
            )
            .instrument(tracing::info_span!("store.insert_article"))
            .await
            .map_err(IngestError::from)?;
        let (id, outcome, mention_count, near_duplicate_of) = match inserted {
            Inserted::Created {
                id,
                near_duplicate_of,
            } => (id, IngestOutcome::Created, mention_count, near_duplicate_of),
            Inserted::Duplicate(id) => (id, IngestOutcome::Duplicate, 0, None),
        };
        span.record("article_id", tracing::field::display(id));
        tracing::info!(outcome = ?outcome, "article ingested");
        Ok(Response::new(IngestArticleResponse {
            article_id: id.to_string(),
            outcome: outcome as i32,
            mention_count,
            near_duplicate_of: near_duplicate_of.map(|(id, similarity)| NearDuplicate {
                article_id: id.to_string(),
                similarity,
            }),
        }))
    }
}
