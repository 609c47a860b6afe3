//! The gRPC handler of IngestService.

use chrono::NaiveDate;
use futures::StreamExt as _;
use mediamon_config::{FeedSettings, IngestLimits};
use mediamon_feeds::AllowedHosts;
use mediamon_proto::convert::timestamp;
use mediamon_proto::error::{ApiError as _, check_line};
use mediamon_proto::page::{self, PageLimits};
use mediamon_proto::v1::ingest_service_server::IngestService;
use mediamon_proto::v1::{
    FailedResolution, IngestArticleRequest, IngestArticleResponse, IngestBatchRequest,
    IngestBatchResponse, IngestBatchResult, IngestOutcome, ItemError, ListFailedResolutionsRequest,
    ListFailedResolutionsResponse, ListFeedsRequest, ListFeedsResponse, NearDuplicate,
    RegisterFeedRequest, RegisterFeedResponse, RemoveFeedRequest, RemoveFeedResponse,
    RetryFailedResolutionsRequest, RetryFailedResolutionsResponse, ingest_batch_result,
};
use mediamon_store::{Inserted, Store, TraceCarrier};
use tonic::{Request, Response, Status, Streaming};
use tracing::{Instrument, instrument};

use crate::error::IngestError;
use crate::prepare::{MAX_URL, is_web_url, prepare};

/// IngestService over the shared store.
#[derive(Clone)]
pub struct Ingest {
    pub(crate) store: Store,
    pub(crate) limits: IngestLimits,
    pub(crate) feeds: FeedSettings,
    /// `feeds.allow_internal_hosts`, for RegisterFeed and the poller alike.
    pub(crate) allowed_hosts: AllowedHosts,
}

/// Pages of ListFailedResolutions.
const FAILED_PAGES: PageLimits = PageLimits {
    default: 50,
    max: 500,
};
/// Most ids one RetryFailedResolutions may name.
const MAX_RETRY_IDS: usize = 1_000;

/// Longest poll interval a feed may ask for: a week.
const MAX_POLL_INTERVAL_SECS: u32 = 7 * 24 * 3600;

impl Ingest {
    pub fn new(store: Store, limits: IngestLimits, feeds: FeedSettings) -> Self {
        Self {
            store,
            limits,
            allowed_hosts: AllowedHosts::new(&feeds.allow_internal_hosts),
            feeds,
        }
    }

    /// Prepares and stores one article: what IngestArticle does, each item
    /// of IngestBatch, and each new feed item (with its feed date, which
    /// helps read an ambiguous numeric date on the page).
    #[instrument(
        name = "ingest.article",
        skip_all,
        fields(article_id, outlet, bytes, mentions, outcome)
    )]
    pub(crate) async fn ingest_one(
        &self,
        req: IngestArticleRequest,
        feed_date: Option<NaiveDate>,
    ) -> Result<IngestArticleResponse, IngestError> {
        // Extraction and name finding are CPU work: off the async executor.
        let limits = self.limits.clone();
        let span = tracing::info_span!("ingest.prepare");
        let prepared =
            tokio::task::spawn_blocking(move || span.in_scope(|| prepare(req, &limits, feed_date)))
                .await??;
        let span = tracing::Span::current();
        span.record("bytes", prepared.article.body.len());
        span.record("mentions", prepared.annotations.mentions.len());
        if let Some(outlet) = &prepared.article.outlet {
            span.record("outlet", outlet.as_str());
        }
        let mention_count = u32::try_from(prepared.annotations.mentions.len()).unwrap_or(u32::MAX);
        let trace = mediamon_telemetry::current_trace_headers();
        let inserted = self
            .store
            .insert_article(
                prepared.article,
                prepared.annotations,
                TraceCarrier {
                    traceparent: trace.traceparent,
                    tracestate: trace.tracestate,
                },
            )
            .instrument(tracing::info_span!("store.insert_article"))
            .await?;
        let (id, outcome, mention_count, near_duplicate_of) = match inserted {
            Inserted::Created {
                id,
                near_duplicate_of,
            } => (id, IngestOutcome::Created, mention_count, near_duplicate_of),
            Inserted::Duplicate(id) => (id, IngestOutcome::Duplicate, 0, None),
        };
        span.record("article_id", tracing::field::display(id));
        span.record("outcome", outcome.as_str_name());
        tracing::info!(outcome = ?outcome, "article ingested");
        Ok(IngestArticleResponse {
            article_id: id.to_string(),
            outcome: outcome as i32,
            mention_count,
            near_duplicate_of: near_duplicate_of.map(|(id, similarity)| NearDuplicate {
                article_id: id.to_string(),
                similarity,
            }),
        })
    }
}

/// Why a stream item could not be read. tonic answers OUT_OF_RANGE for a
/// message over the size limit: for the caller that is a quota, not a bug.
fn unreadable(status: &Status) -> IngestError {
    IngestError::Unreadable {
        reason: status.message().to_string(),
        exhausted: matches!(
            status.code(),
            tonic::Code::OutOfRange | tonic::Code::ResourceExhausted
        ),
    }
}

/// A failed item's error, as IngestArticle would have answered it.
fn item_error(err: &IngestError) -> ItemError {
    let status = mediamon_proto::error::to_status(err);
    ItemError {
        code: status.code() as i32,
        message: status.message().to_string(),
        field: err
            .field_violations()
            .first()
            .map(|v| v.field.clone())
            .unwrap_or_default(),
    }
}

#[tonic::async_trait]
impl IngestService for Ingest {
    async fn ingest_article(
        &self,
        request: Request<IngestArticleRequest>,
    ) -> Result<Response<IngestArticleResponse>, Status> {
        Ok(Response::new(
            self.ingest_one(request.into_inner(), None).await?,
        ))
    }

    #[instrument(skip_all, fields(items))]
    async fn ingest_batch(
        &self,
        request: Request<Streaming<IngestBatchRequest>>,
    ) -> Result<Response<IngestBatchResponse>, Status> {
        let limit = self.limits.max_batch_items;
        // Items are prepared and stored a few at a time; results keep the
        // order of the stream. An item that cannot be read (larger than a
        // message may be, not protobuf) gets its own error and ends the
        // stream; every item before it is answered as usual (each item
        // commits on its own).
        let items = request.into_inner().scan(false, |ended, item| {
            let next = (!*ended).then(|| {
                *ended = item.is_err();
                item
            });
            futures::future::ready(next)
        });
        let results: Vec<IngestBatchResult> = items
            .enumerate()
            .map(|(index, item)| async move {
                let result = match item {
                    Err(status) => Err(unreadable(&status)),
                    Ok(_) if index >= limit => Err(IngestError::BatchTooLong { limit }),
                    Ok(IngestBatchRequest { article: None }) => Err(IngestError::invalid(
                        "article",
                        "each item needs an article",
                    )),
                    Ok(IngestBatchRequest { article: Some(req) }) => {
                        self.ingest_one(req, None).await
                    }
                };
                IngestBatchResult {
                    index: u32::try_from(index).unwrap_or(u32::MAX),
                    result: Some(match result {
                        Ok(reply) => ingest_batch_result::Result::Article(reply),
                        Err(err) => ingest_batch_result::Result::Error(item_error(&err)),
                    }),
                }
            })
            .buffered(self.limits.batch_concurrency)
            .collect()
            .await;
        tracing::Span::current().record("items", results.len());
        let mut reply = IngestBatchResponse::default();
        for r in &results {
            match &r.result {
                Some(ingest_batch_result::Result::Article(a)) => {
                    if a.outcome() == IngestOutcome::Duplicate {
                        reply.duplicates += 1;
                    } else {
                        reply.created += 1;
                    }
                }
                _ => reply.failed += 1,
            }
        }
        reply.results = results;
        Ok(Response::new(reply))
    }

    async fn register_feed(
        &self,
        request: Request<RegisterFeedRequest>,
    ) -> Result<Response<RegisterFeedResponse>, Status> {
        let req = request.into_inner();
        let url = req.url.trim();
        check_line("url", url)?;
        if url.is_empty()
            || url.len() > MAX_URL
            || !is_web_url(url)
            || url.chars().any(char::is_whitespace)
        {
            return Err(IngestError::invalid(
                "url",
                format!("must be an http(s) URL of at most {MAX_URL} bytes"),
            )
            .into());
        }
        // The poller refuses such a feed too, but only at its first poll:
        // the caller should hear it now.
        if let Err(e) = mediamon_feeds::check_url(url, &self.allowed_hosts) {
            return Err(IngestError::invalid("url", e.to_string()).into());
        }
        let interval = match req.poll_interval_seconds {
            0 => self.feeds.default_interval_secs,
            n => n,
        };
        if interval < self.feeds.min_interval_secs || interval > MAX_POLL_INTERVAL_SECS {
            return Err(IngestError::invalid(
                "poll_interval_seconds",
                format!(
                    "must be between {} and {MAX_POLL_INTERVAL_SECS} (0: the default, {})",
                    self.feeds.min_interval_secs, self.feeds.default_interval_secs
                ),
            )
            .into());
        }
        let row = self
            .store
            .register_feed(url, i32::try_from(interval).unwrap_or(i32::MAX))
            .await
            .map_err(IngestError::from)?;
        tracing::info!(feed = %row.id, url = %row.url, "feed registered");
        Ok(Response::new(RegisterFeedResponse {
            feed: Some(mediamon_wire::feed(&row)),
        }))
    }

    async fn list_feeds(
        &self,
        _request: Request<ListFeedsRequest>,
    ) -> Result<Response<ListFeedsResponse>, Status> {
        let rows = self.store.list_feeds().await.map_err(IngestError::from)?;
        Ok(Response::new(ListFeedsResponse {
            feeds: rows.iter().map(mediamon_wire::feed).collect(),
        }))
    }

    async fn remove_feed(
        &self,
        request: Request<RemoveFeedRequest>,
    ) -> Result<Response<RemoveFeedResponse>, Status> {
        let req = request.into_inner();
        let id = mediamon_wire::parse_id(&req.feed_id)
            .ok_or_else(|| IngestError::invalid("feed_id", "not a feed id (a UUID)"))?;
        self.store
            .remove_feed(id)
            .await
            .map_err(IngestError::from)?;
        tracing::info!(feed = %id, "feed removed");
        Ok(Response::new(RemoveFeedResponse {}))
    }

    async fn list_failed_resolutions(
        &self,
        request: Request<ListFailedResolutionsRequest>,
    ) -> Result<Response<ListFailedResolutionsResponse>, Status> {
        let req = request.into_inner();
        let (offset, limit) = page::parse(req.page_size, &req.page_token, FAILED_PAGES)
            .map_err(|e| IngestError::invalid(e.field(), e.to_string()))?;
        let rows = self
            .store
            .failed_outbox(offset, limit)
            .await
            .map_err(IngestError::from)?;
        let total = self
            .store
            .outbox_backlog()
            .await
            .map_err(IngestError::from)?
            .failed;
        Ok(Response::new(ListFailedResolutionsResponse {
            next_page_token: page::next_token(offset, limit, rows.len()),
            total: u64::try_from(total).unwrap_or(0),
            failed: rows
                .into_iter()
                .map(|r| FailedResolution {
                    article_id: r.article_id.to_string(),
                    title: r.title,
                    attempts: u32::try_from(r.attempts).unwrap_or(0),
                    last_error: r.last_error,
                    create_time: Some(timestamp(r.created_at)),
                    fail_time: Some(timestamp(r.failed_at)),
                })
                .collect(),
        }))
    }

    async fn retry_failed_resolutions(
        &self,
        request: Request<RetryFailedResolutionsRequest>,
    ) -> Result<Response<RetryFailedResolutionsResponse>, Status> {
        let req = request.into_inner();
        if req.all != req.article_ids.is_empty() {
            return Err(IngestError::invalid(
                "article_ids",
                "name the articles to retry, or set `all` (not both)",
            )
            .into());
        }
        if req.article_ids.len() > MAX_RETRY_IDS {
            return Err(IngestError::invalid(
                "article_ids",
                format!("at most {MAX_RETRY_IDS} ids at once"),
            )
            .into());
        }
        let ids = req
            .article_ids
            .iter()
            .enumerate()
            .map(|(i, id)| mediamon_wire::id_field(&format!("article_ids[{i}]"), id))
            .collect::<Result<Vec<_>, _>>()?;
        let retried = self
            .store
            .retry_failed_outbox(&ids)
            .await
            .map_err(IngestError::from)?;
        tracing::info!(retried, "failed resolutions queued again");
        Ok(Response::new(RetryFailedResolutionsResponse { retried }))
    }
}
