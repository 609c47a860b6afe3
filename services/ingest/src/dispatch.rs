//! The outbox dispatcher: hands each stored article's mentions to the
//! resolver, retrying with exponential backoff until it succeeds, or until
//! `outbox.max_attempts` attempts have failed for a lasting reason (the
//! resolver refused the article or ran out of time on it): the item is then
//! set aside as failed, counted and listed, never silently retried forever.
//! An unreachable resolver is an outage, not the article's fault: it never
//! sets an item aside.
//!
//! Safe with several ingest replicas: items are claimed with
//! `FOR UPDATE SKIP LOCKED` and a lease. Resolution is idempotent per article,
//! so an item delivered twice (a replica died after the call, before marking
//! it done) changes nothing. Up to `outbox.concurrency` items are in flight
//! at once. On shutdown no new item starts.

use std::time::Duration;

use futures::StreamExt as _;
use mediamon_client::ResolverClient;
use mediamon_config::OutboxSettings;
use mediamon_proto::v1::ResolveMentionsRequest;
use mediamon_store::{OutboxItem, Store};
use mediamon_telemetry::TraceHeaders;
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram};
use tokio::sync::watch;
use tracing::Instrument;

/// Runs until `stop` turns true.
pub async fn run(
    store: Store,
    resolver: ResolverClient,
    settings: OutboxSettings,
    stop: watch::Receiver<bool>,
) {
    let idle = Duration::from_millis(settings.poll_interval_ms);
    let lease = Duration::from_secs(settings.lease_secs);
    let metrics = Metrics::new();
    tracing::info!("outbox dispatcher started");
    // Claimed items flow into a pool of `concurrency` resolutions; the next
    // batch is claimed as soon as the last one has all started, so the pool
    // never drains while a batch's slowest item finishes. Claimed items
    // wait at most one batch: well inside their lease.
    let batch_size = settings.batch_size;
    let claims = futures::stream::unfold(
        (store.clone(), stop.clone()),
        move |(store, mut stop)| async move {
            loop {
                if *stop.borrow() {
                    return None;
                }
                match store.claim_outbox(batch_size, lease).await {
                    Ok(items) if !items.is_empty() => {
                        return Some((futures::stream::iter(items), (store, stop)));
                    }
                    Ok(_) => {}
                    Err(err) => tracing::warn!(error = %err, "claiming outbox items failed"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = stop.changed() => {}
                }
            }
        },
    );
    let dispatch = claims
        .flatten()
        .for_each_concurrent(settings.concurrency as usize, |item| {
            // Owned copies (handles): a borrowing closure makes the future
            // not provably `Send + 'static` for `tokio::spawn`.
            let (store, resolver, settings, stop, metrics) = (
                store.clone(),
                resolver.clone(),
                settings.clone(),
                stop.clone(),
                metrics.clone(),
            );
            async move {
                // Unprocessed claims become due again when their lease ends.
                if !*stop.borrow() {
                    dispatch_one(&store, resolver, &settings, &metrics, item).await;
                }
            }
        });
    tokio::join!(dispatch, report_backlog(&store, &metrics, stop.clone()));
    tracing::info!("outbox dispatcher stopped");
}

/// The dispatcher's instruments.
#[derive(Clone)]
struct Metrics {
    lag: Histogram<f64>,
    dispatches: Counter<u64>,
    depth: Gauge<u64>,
    oldest: Gauge<f64>,
    failed: Gauge<u64>,
}

impl Metrics {
    fn new() -> Self {
        let meter = mediamon_telemetry::metrics::meter();
        Self {
            lag: meter
                .f64_histogram("mediamon.ingest.lag")
                .with_unit("s")
                .with_description("from an article's acceptance to its resolution")
                .with_boundaries(mediamon_telemetry::metrics::SECONDS_BUCKETS.to_vec())
                .build(),
            dispatches: meter
                .u64_counter("mediamon.outbox.dispatches")
                .with_description(
                    "outbox items handed to the resolver, by outcome (done, retry, failed)",
                )
                .build(),
            depth: meter
                .u64_gauge("mediamon.outbox.depth")
                .with_description("outbox items not yet done")
                .build(),
            oldest: meter
                .f64_gauge("mediamon.outbox.oldest_age")
                .with_unit("s")
                .with_description("age of the oldest outbox item not yet done")
                .build(),
            failed: meter
                .u64_gauge("mediamon.outbox.failed")
                .with_description("outbox items set aside after too many failed attempts")
                .build(),
        }
    }
}

/// How often the backlog is measured (one count over the pending index).
const BACKLOG_EVERY: Duration = Duration::from_secs(5);

/// Records the outbox depth and the age of its oldest item until `stop`.
async fn report_backlog(store: &Store, metrics: &Metrics, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        match store.outbox_backlog().await {
            Ok(backlog) => {
                let count = |n: i64| u64::try_from(n).unwrap_or(0);
                metrics.depth.record(count(backlog.pending), &[]);
                metrics.oldest.record(backlog.oldest_age, &[]);
                metrics.failed.record(count(backlog.failed), &[]);
            }
            Err(err) => tracing::warn!(error = %err, "measuring the outbox backlog failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(BACKLOG_EVERY) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Backoff before attempt `attempts + 1`: 0.5 s doubling, capped.
pub fn backoff(attempts: i32, max: Duration) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    Duration::from_millis(500u64.saturating_mul(1u64 << exp)).min(max)
}

/// Whether a failed resolver call says something about the article (it was
/// refused, or the resolver ran out of time on it) rather than about the
/// resolver being unreachable for now.
fn is_lasting(status: &tonic::Status) -> bool {
    !matches!(status.code(), tonic::Code::Unavailable)
}

async fn dispatch_one(
    store: &Store,
    mut resolver: ResolverClient,
    settings: &OutboxSettings,
    metrics: &Metrics,
    item: OutboxItem,
) {
    let span = tracing::info_span!(
        "outbox.dispatch",
        outbox_id = item.id,
        article_id = %item.article_id,
        attempt = item.attempts,
    );
    // Join the trace of the ingest call that wrote the row.
    mediamon_telemetry::set_parent_from_headers(
        &span,
        &TraceHeaders {
            traceparent: item.traceparent.clone(),
            tracestate: item.tracestate.clone(),
        },
    );
    async move {
        let result = async {
            // Our own database failing is never the article's fault.
            let mentions = store
                .article_mentions(item.article_id)
                .await
                .map_err(|e| (e.to_string(), false))?;
            let request = ResolveMentionsRequest {
                article_id: item.article_id.to_string(),
                mentions: mentions.iter().map(mediamon_wire::mention).collect(),
            };
            resolver.resolve_mentions(request).await.map_err(|s| {
                let lasting = is_lasting(&s);
                (format!("{:?}: {}", s.code(), s.message()), lasting)
            })
        }
        .await;
        match result {
            Ok(response) => {
                let resolved = response.into_inner();
                tracing::info!(links = resolved.resolutions.len(), "handed to the resolver");
                metrics
                    .dispatches
                    .add(1, &[KeyValue::new("outcome", "done")]);
                match store.complete_outbox(item.id).await {
                    Ok(lag) => metrics.lag.record(lag, &[]),
                    Err(err) => tracing::warn!(
                        error = %err,
                        "marking outbox item done failed; it will be retried"
                    ),
                }
            }
            Err((error, lasting)) => {
                let delay = backoff(
                    item.attempts,
                    Duration::from_secs(settings.max_backoff_secs),
                );
                match store
                    .retry_outbox(item.id, &error, delay, lasting, settings.max_attempts)
                    .await
                {
                    Ok(true) => {
                        tracing::error!(%error, "resolution failed too often; set aside as failed");
                        metrics
                            .dispatches
                            .add(1, &[KeyValue::new("outcome", "failed")]);
                    }
                    Ok(false) => {
                        tracing::warn!(%error, lasting, retry_in = ?delay, "resolver call failed");
                        metrics
                            .dispatches
                            .add(1, &[KeyValue::new("outcome", "retry")]);
                    }
                    Err(err) => tracing::warn!(
                        error = %err,
                        "rescheduling outbox item failed; its lease will expire"
                    ),
                }
            }
        }
    }
    .instrument(span)
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_unreachable_resolver_is_passing() {
        assert!(!is_lasting(&tonic::Status::unavailable(
            "connection refused"
        )));
        for code in [
            tonic::Code::InvalidArgument,
            tonic::Code::DeadlineExceeded,
            tonic::Code::OutOfRange,
            tonic::Code::Internal,
            tonic::Code::Cancelled,
        ] {
            assert!(is_lasting(&tonic::Status::new(code, "")), "{code:?}");
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let max = Duration::from_secs(30);
        assert_eq!(backoff(1, max), Duration::from_millis(500));
        assert_eq!(backoff(2, max), Duration::from_secs(1));
        assert_eq!(backoff(4, max), Duration::from_secs(4));
        assert_eq!(backoff(50, max), max);
    }
}
