//! The feed poller: each replica claims due feeds (a lease keeps other
//! replicas off them), fetches each politely and conditionally, and ingests
//! every item not taken before, exactly as IngestArticle would.
//!
//! An item whose page cannot be fetched for a passing reason (timeout, 5xx)
//! is retried at the next poll, and the feed's validators are then kept so
//! that the next poll reads the feed again instead of getting 304. An item
//! that can never be stored (404, no story, disallowed, an internal address)
//! is recorded with its reason and not tried again.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use mediamon_feeds::{Entry, FetchSettings, Fetched, Fetcher, Validators, parse_feed};
use mediamon_proto::v1::{ArticleMetadata, IngestArticleRequest, ingest_article_request::Content};
use mediamon_store::{FeedRow, PollOutcome, Store, Uuid};
use tokio::sync::watch;
use tracing::Instrument as _;

use crate::error::IngestError;
use crate::service::Ingest;

/// Polls due feeds until `stop` turns true.
pub async fn run(ingest: Ingest, mut stop: watch::Receiver<bool>) {
    let (store, settings) = (ingest.store.clone(), ingest.feeds.clone());
    let max_bytes = ingest.limits.max_body_bytes;
    let fetcher = match Fetcher::new(FetchSettings {
        user_agent: settings.user_agent.clone(),
        timeout: Duration::from_secs(settings.timeout_secs),
        max_bytes,
        host_delay: Duration::from_millis(settings.host_delay_ms),
        allow_internal_hosts: ingest.allowed_hosts.clone(),
        ..FetchSettings::default()
    }) {
        Ok(f) => Arc::new(f),
        Err(e) => {
            tracing::error!(error = %e, "feed poller not started: no HTTP client");
            return;
        }
    };
    let lease = i32::try_from(settings.lease_secs).unwrap_or(i32::MAX);
    while !*stop.borrow() {
        match store.claim_due_feeds(settings.concurrency, lease).await {
            Ok(feeds) if !feeds.is_empty() => {
                let polls = futures::stream::iter(feeds).for_each_concurrent(
                    settings.concurrency as usize,
                    |feed| {
                        let span =
                            tracing::info_span!("feed.poll", feed = %feed.id, url = %feed.url);
                        poll_and_record(&ingest, &store, &fetcher, feed).instrument(span)
                    },
                );
                // On shutdown, polls in flight are dropped: their feeds'
                // leases run out and another replica polls them; items
                // already recorded are not taken twice.
                tokio::select! {
                    () = polls => continue,
                    _ = stop.wait_for(|stop| *stop) => break,
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not claim due feeds"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(settings.check_interval_ms)) => {}
            _ = stop.changed() => {}
        }
    }
}

async fn poll_and_record(ingest: &Ingest, store: &Store, fetcher: &Fetcher, feed: FeedRow) {
    let outcome = poll(ingest, store, fetcher, &feed).await;
    tracing::info!(status = %outcome.status, "feed polled");
    if let Err(e) = store.finish_feed_poll(feed.id, outcome).await {
        // The lease runs out and another poll picks the feed up again.
        tracing::warn!(error = %e, "could not record the poll");
    }
}

async fn poll(ingest: &Ingest, store: &Store, fetcher: &Fetcher, feed: &FeedRow) -> PollOutcome {
    let keep = |status: String| PollOutcome {
        status,
        etag: feed.etag.clone(),
        last_modified: feed.last_modified.clone(),
    };
    let validators = Validators {
        etag: feed.etag.clone(),
        last_modified: feed.last_modified.clone(),
    };
    let (bytes, url, fresh) = match fetcher.get(&feed.url, &validators).await {
        Ok(Fetched::NotModified) => return keep("not modified".into()),
        Ok(Fetched::Body {
            bytes,
            url,
            validators,
            ..
        }) => (bytes, url, validators),
        Err(e) => return keep(format!("feed not fetched: {e}")),
    };
    let entries = match parse_feed(&bytes, &url) {
        Ok(entries) => entries,
        Err(e) => return keep(e.to_string()),
    };
    let keys = entries.iter().map(|e| e.key.clone()).collect();
    let taken = match store.taken_feed_items(feed.id, keys).await {
        Ok(taken) => taken,
        Err(e) => return keep(format!("could not read the items taken: {e}")),
    };
    let (mut new, mut failed, mut later) = (0, 0, 0);
    for entry in entries.iter().filter(|e| !taken.contains(&e.key)) {
        let recorded = match take(ingest, fetcher, entry).await {
            Taken::Stored(id) => {
                new += 1;
                store
                    .record_feed_item(feed.id, &entry.key, &entry.link, Ok(id))
                    .await
            }
            Taken::Never(reason) => {
                failed += 1;
                tracing::info!(link = %entry.link, %reason, "feed item not stored");
                store
                    .record_feed_item(feed.id, &entry.key, &entry.link, Err(reason))
                    .await
            }
            Taken::Later(reason) => {
                later += 1;
                tracing::info!(link = %entry.link, %reason, "feed item to retry");
                Ok(())
            }
        };
        if let Err(e) = recorded {
            later += 1;
            tracing::warn!(error = %e, "could not record a feed item");
        }
    }
    let status = format!(
        "{} items: {new} new, {failed} not storable, {later} to retry",
        entries.len()
    );
    if later > 0 {
        // Read the feed again next time, whatever its validators say.
        keep(status)
    } else {
        PollOutcome {
            status,
            etag: fresh.etag,
            last_modified: fresh.last_modified,
        }
    }
}

enum Taken {
    Stored(Uuid),
    /// Will not change on a retry.
    Never(String),
    Later(String),
}

/// Fetches an item's page and ingests it.
async fn take(ingest: &Ingest, fetcher: &Fetcher, entry: &Entry) -> Taken {
    let (bytes, content_type, url) = match fetcher.get(&entry.link, &Validators::default()).await {
        Ok(Fetched::Body {
            bytes,
            content_type,
            url,
            ..
        }) => (bytes, content_type, url),
        Ok(Fetched::NotModified) => return Taken::Later("304 without a condition".into()),
        Err(e) if e.is_transient() => return Taken::Later(e.to_string()),
        Err(e) => return Taken::Never(e.to_string()),
    };
    let request = IngestArticleRequest {
        content: Some(Content::Html(bytes)),
        content_type: content_type.unwrap_or_default(),
        metadata: Some(ArticleMetadata {
            url: url.clone(),
            ..Default::default()
        }),
        // The same page through two feeds is one article.
        idempotency_key: format!("feed:{}", short(&url)),
    };
    let feed_date = entry.published.map(|d| d.date_naive());
    match ingest.ingest_one(request, feed_date).await {
        Ok(reply) => match Uuid::parse_str(&reply.article_id) {
            Ok(id) => Taken::Stored(id),
            Err(_) => Taken::Later("the store returned no id".into()),
        },
        Err(e @ (IngestError::InvalidArgument(_) | IngestError::TooLarge { .. })) => {
            Taken::Never(e.to_string())
        }
        Err(e) => Taken::Later(e.to_string()),
    }
}

/// Idempotency keys are at most 200 bytes: a long URL is cut (on a char
/// boundary) and its hash kept.
fn short(url: &str) -> String {
    if url.len() <= 180 {
        return url.to_string();
    }
    let mut cut = 120;
    while !url.is_char_boundary(cut) {
        cut -= 1;
    }
    let digest = <sha2::Sha256 as sha2::Digest>::digest(url.as_bytes());
    format!("{}#{}", &url[..cut], hex::encode(&digest[..16]))
}
