//! `mediamon outbox failed|retry`: the articles whose resolution was given
//! up on after too many failures, and queueing them again.

use mediamon_proto::v1::{
    FailedResolution, ListFailedResolutionsRequest, RetryFailedResolutionsRequest,
};

use crate::Connection;
use crate::calls::{ingest_client, status_error};
use crate::output;

/// Every failed resolution, following page tokens.
pub async fn failed(conn: &Connection, json: bool) -> anyhow::Result<()> {
    let mut client = ingest_client(conn).await?;
    let mut page_token = String::new();
    let mut all: Vec<FailedResolution> = Vec::new();
    loop {
        let reply = client
            .list_failed_resolutions(ListFailedResolutionsRequest {
                page_size: 500,
                page_token,
            })
            .await
            .map_err(status_error)?
            .into_inner();
        all.extend(reply.failed);
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    if json {
        let mut out = String::new();
        for item in &all {
            out += &output::json(item, "mediamon.v1.FailedResolution")?;
            out.push('\n');
        }
        return output::emit(&out);
    }
    if all.is_empty() {
        return output::emit(
            "no failed resolutions: every accepted article is resolved or on its way\n",
        );
    }
    let mut out = format!(
        "{} article(s) whose resolution was given up on (mediamon outbox retry --all):\n",
        all.len()
    );
    for item in &all {
        let failed_at = item
            .fail_time
            .as_ref()
            .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, 0))
            .map_or("-".to_string(), |t| t.to_rfc3339());
        out += &format!(
            "{}  {}\n  failed {failed_at} after {} attempts: {}\n",
            item.article_id, item.title, item.attempts, item.last_error
        );
    }
    output::emit(&out)
}

/// Queues the named failed articles (or all) for resolution again.
pub async fn retry(conn: &Connection, ids: &[String], all: bool) -> anyhow::Result<()> {
    anyhow::ensure!(
        all == ids.is_empty(),
        "name the articles to retry, or pass --all"
    );
    let reply = ingest_client(conn)
        .await?
        .retry_failed_resolutions(RetryFailedResolutionsRequest {
            article_ids: ids.to_vec(),
            all,
        })
        .await
        .map_err(status_error)?
        .into_inner();
    output::emit(&format!(
        "{} article(s) queued for resolution again\n",
        reply.retried
    ))
}
