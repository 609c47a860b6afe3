//! `mediamon feed add|list|rm`: the feeds the ingest replicas poll.

use mediamon_proto::v1::{Feed, ListFeedsRequest, RegisterFeedRequest, RemoveFeedRequest};

use crate::Connection;
use crate::calls::{ingest_client, status_error};
use crate::output;

pub async fn add(conn: &Connection, url: &str, every: u32, json: bool) -> anyhow::Result<()> {
    let reply = ingest_client(conn)
        .await?
        .register_feed(RegisterFeedRequest {
            url: url.to_string(),
            poll_interval_seconds: every,
        })
        .await
        .map_err(status_error)?
        .into_inner();
    if json {
        return output::emit(&output::json(&reply, "mediamon.v1.RegisterFeedResponse")?);
    }
    let feed = reply.feed.unwrap_or_default();
    output::emit(&format!(
        "registered {} as {}, polled every {} s from now\n",
        feed.url, feed.id, feed.poll_interval_seconds
    ))
}

pub async fn list(conn: &Connection, json: bool) -> anyhow::Result<()> {
    let reply = ingest_client(conn)
        .await?
        .list_feeds(ListFeedsRequest {})
        .await
        .map_err(status_error)?
        .into_inner();
    if json {
        return output::emit(&output::json(&reply, "mediamon.v1.ListFeedsResponse")?);
    }
    if reply.feeds.is_empty() {
        return output::emit("no feeds registered (mediamon feed add URL)\n");
    }
    let mut out = String::new();
    for feed in &reply.feeds {
        out += &describe(feed);
    }
    output::emit(&out)
}

fn describe(feed: &Feed) -> String {
    let polled = feed
        .last_poll_time
        .as_ref()
        .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, 0))
        .map_or("never".to_string(), |t| t.to_rfc3339());
    format!(
        "{}  {}\n  every {} s, {} items taken, last polled {polled}: {}\n",
        feed.id,
        feed.url,
        feed.poll_interval_seconds,
        feed.item_count,
        if feed.last_status.is_empty() {
            "-"
        } else {
            feed.last_status.as_str()
        }
    )
}

pub async fn remove(conn: &Connection, id: &str) -> anyhow::Result<()> {
    ingest_client(conn)
        .await?
        .remove_feed(RemoveFeedRequest {
            feed_id: id.to_string(),
        })
        .await
        .map_err(status_error)?;
    output::emit(&format!("removed feed {id}; its articles stay\n"))
}
