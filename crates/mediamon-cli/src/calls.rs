//! The client subcommands: talk to a running stack over gRPC.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use mediamon_client::{IngestClient, Outgoing, QueryClient};
use mediamon_proto::convert::timestamp;
use mediamon_proto::v1::{
    ArticleMetadata, ExplainResolutionRequest, ExportArticlesRequest, GetArticleRequest,
    GetCoMentionsRequest, GetEntityProfileRequest, GetEventRequest, GetMentionTimelineRequest,
    IngestArticleRequest, IngestOutcome, ListEventsRequest, ListQuotesRequest,
    SearchArticlesRequest, TimeBucket, TimeRange, get_entity_profile_request::Entity,
    ingest_article_request::Content,
};

use crate::Connection;
use crate::output;

/// The file `mediamon up` writes the development token to.
pub fn dev_token_path(home: &Path) -> PathBuf {
    home.join("dev-token")
}

fn token(conn: &Connection) -> anyhow::Result<String> {
    if let Some(t) = &conn.token {
        return Ok(t.clone());
    }
    let path = dev_token_path(&conn.home);
    std::fs::read_to_string(&path)
        .map(|t| t.trim().to_string())
        .with_context(|| {
            format!(
                "no API token: pass --token or set MEDIAMON_TOKEN (or run `mediamon up`, which writes {})",
                path.display()
            )
        })
}

async fn channel(url: &str, conn: &Connection) -> anyhow::Result<tonic::transport::Channel> {
    let endpoint = mediamon_client::endpoint(url, conn.ca.as_deref(), Duration::from_secs(60))?;
    mediamon_client::connect(&endpoint)
        .await
        .with_context(|| format!("is the stack running? (`mediamon up`) — {url}"))
}

pub async fn ingest_client(conn: &Connection) -> anyhow::Result<IngestClient> {
    let outgoing = Outgoing::new(Some(&token(conn)?))?;
    Ok(mediamon_client::ingest(
        channel(&conn.ingest_url, conn).await?,
        outgoing,
    ))
}

async fn query_client(conn: &Connection) -> anyhow::Result<QueryClient> {
    let outgoing = Outgoing::new(Some(&token(conn)?))?;
    Ok(mediamon_client::query(
        channel(&conn.query_url, conn).await?,
        outgoing,
    ))
}

/// A status as a readable error, with the offending fields.
pub fn status_error(status: tonic::Status) -> anyhow::Error {
    let mut message = format!("{:?}: {}", status.code(), status.message());
    for v in mediamon_proto::error::field_violations(&status) {
        message.push_str(&format!("\n  {}: {}", v.field, v.description));
    }
    anyhow::anyhow!(message)
}

/// Whether a file is sent as an HTML page (else as text).
fn is_html(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("html") || x.eq_ignore_ascii_case("htm"))
}

/// Files to send: files as given, directories' `.txt`, `.html` and `.htm`
/// files sorted.
fn collect(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("reading {}", path.display()))?
                .flatten()
                .map(|e| e.path())
                .filter(|p| is_html(p) || p.extension().is_some_and(|x| x == "txt"))
                .collect();
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            bail!("{} does not exist", path.display());
        }
    }
    Ok(files)
}

/// One article to send: a name for the progress bar, its content, and the
/// metadata the caller knows.
pub type Item = (String, Content, Option<ArticleMetadata>);

/// Counts of what one ingest run did.
#[derive(Debug, Default)]
pub struct IngestTally {
    pub created: usize,
    pub duplicate: usize,
    pub failed: usize,
    /// The stored article's id for each accepted item, in order.
    pub ids: Vec<String>,
}

/// Sends `(name, content)` pairs, each with `metadata`, with a progress bar.
pub async fn send_all(
    client: &mut IngestClient,
    items: Vec<Item>,
    bar: &ProgressBar,
) -> IngestTally {
    let mut tally = IngestTally::default();
    for (name, content, metadata) in items {
        bar.set_message(name.clone());
        let request = IngestArticleRequest {
            content: Some(content),
            metadata,
            ..Default::default()
        };
        match client.ingest_article(request).await {
            Ok(reply) => {
                let reply = reply.into_inner();
                match reply.outcome() {
                    IngestOutcome::Duplicate => tally.duplicate += 1,
                    _ => tally.created += 1,
                }
                tally.ids.push(reply.article_id);
            }
            Err(status) => {
                tally.failed += 1;
                bar.println(format!("{name}: {}", status_error(status)));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    tally
}

pub fn progress(len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// Sends files; `title` (the headline, for one file) wins over the file's.
pub async fn ingest(
    conn: &Connection,
    paths: &[PathBuf],
    title: Option<String>,
) -> anyhow::Result<()> {
    let files = collect(paths)?;
    if title.is_some() && files.len() != 1 {
        bail!(
            "--title names one article, but {} files were given",
            files.len()
        );
    }
    let metadata = title.map(|title| ArticleMetadata {
        title,
        ..Default::default()
    });
    let mut client = ingest_client(conn).await?;
    let bar = progress(files.len());
    let mut items = Vec::new();
    let mut unreadable = 0;
    for file in files {
        let name = file.display().to_string();
        // Pages go as bytes: ingest finds their charset.
        let content = if is_html(&file) {
            std::fs::read(&file).map(Content::Html)
        } else {
            std::fs::read_to_string(&file).map(Content::Text)
        };
        match content {
            Ok(content) => items.push((name, content, metadata.clone())),
            Err(err) => {
                unreadable += 1;
                bar.println(format!("{name}: unreadable ({err})"));
            }
        }
    }
    let tally = send_all(&mut client, items, &bar).await;
    println!(
        "{} created, {} duplicates, {} failed",
        tally.created,
        tally.duplicate,
        tally.failed + unreadable
    );
    if tally.failed + unreadable > 0 {
        bail!("some files were not ingested");
    }
    Ok(())
}

pub async fn search(
    conn: &Connection,
    name: &str,
    text: Option<&str>,
    limit: i32,
    json: bool,
) -> anyhow::Result<()> {
    let reply = query_client(conn)
        .await?
        .search_articles(SearchArticlesRequest {
            entity_name: name.to_string(),
            text: text.unwrap_or_default().to_string(),
            page_size: limit,
            ..Default::default()
        })
        .await
        .map_err(status_error)?
        .into_inner();
    let text = if json {
        output::json(&reply, "mediamon.v1.SearchArticlesResponse")?
    } else {
        let mut out = String::new();
        output::search(&mut out, name, &reply);
        out
    };
    output::emit(&text)
}

pub async fn entity(conn: &Connection, key: &str, json: bool) -> anyhow::Result<()> {
    let entity = if mediamon_store::Uuid::parse_str(key).is_ok() {
        Entity::EntityId(key.to_string())
    } else {
        Entity::Name(key.to_string())
    };
    let reply = query_client(conn)
        .await?
        .get_entity_profile(GetEntityProfileRequest {
            entity: Some(entity),
            max_items: 10,
        })
        .await
        .map_err(status_error)?
        .into_inner();
    let text = if json {
        output::json(&reply, "mediamon.v1.GetEntityProfileResponse")?
    } else {
        let mut out = String::new();
        output::profile(&mut out, &reply);
        out
    };
    output::emit(&text)
}

/// An entity's id: the key itself when it is one, else the entity the
/// name denotes best (as `mediamon entity NAME` shows it).
async fn entity_id(client: &mut QueryClient, key: &str) -> anyhow::Result<String> {
    if mediamon_store::Uuid::parse_str(key).is_ok() {
        return Ok(key.to_string());
    }
    let profile = client
        .get_entity_profile(GetEntityProfileRequest {
            entity: Some(Entity::Name(key.to_string())),
            max_items: 1,
        })
        .await
        .map_err(status_error)?
        .into_inner();
    profile
        .entity
        .map(|e| e.id)
        .with_context(|| format!("no entity is named {key:?}"))
}

/// What `mediamon events` asks for.
pub struct EventsQuery<'a> {
    pub entity: Option<&'a str>,
    pub contested: bool,
    pub event: Option<&'a str>,
    pub limit: i32,
    pub page_token: &'a str,
}

pub async fn events(conn: &Connection, q: EventsQuery<'_>, json: bool) -> anyhow::Result<()> {
    let mut client = query_client(conn).await?;
    if let Some(id) = q.event {
        let reply = client
            .get_event(GetEventRequest {
                event_id: id.to_string(),
            })
            .await
            .map_err(status_error)?
            .into_inner();
        let text = if json {
            output::json(&reply, "mediamon.v1.GetEventResponse")?
        } else {
            let mut out = String::new();
            output::event(&mut out, &reply);
            out
        };
        return output::emit(&text);
    }
    let entity_id = match q.entity {
        Some(key) => entity_id(&mut client, key).await?,
        None => String::new(),
    };
    let reply = client
        .list_events(ListEventsRequest {
            entity_id,
            contested_only: q.contested,
            page_size: q.limit,
            page_token: q.page_token.to_string(),
            ..Default::default()
        })
        .await
        .map_err(status_error)?
        .into_inner();
    let text = if json {
        output::json(&reply, "mediamon.v1.ListEventsResponse")?
    } else {
        let mut out = String::new();
        output::events(&mut out, &reply);
        out
    };
    output::emit(&text)
}

/// A bucket width on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum BucketArg {
    Hour,
    Day,
    Week,
    Month,
}

/// A day (its midnight in `zone`) or an RFC 3339 time given as `flag`.
fn instant_in(
    flag: &str,
    text: &str,
    zone: chrono_tz::Tz,
) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone as _;
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        return zone
            .from_local_datetime(&midnight)
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
            .with_context(|| format!("{flag}: {text} has no midnight in {zone}"));
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&chrono::Utc))
        .with_context(|| format!("{flag}: {text:?} is neither YYYY-MM-DD nor an RFC 3339 time"))
}

/// A day (midnight UTC) or an RFC 3339 time given as `flag`.
fn instant(flag: &str, text: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    instant_in(flag, text, chrono_tz::Tz::UTC)
}

/// A publication-time filter on the command line.
#[derive(Debug, Clone, clap::Args)]
pub struct Period {
    /// Only articles from this day (YYYY-MM-DD, midnight UTC) or time
    /// (RFC 3339).
    #[arg(long)]
    pub from: Option<String>,
    /// Only articles before this day or time.
    #[arg(long)]
    pub until: Option<String>,
}

impl Period {
    /// The range asked for; None when both ends are open.
    fn range(&self) -> anyhow::Result<Option<TimeRange>> {
        let from = self
            .from
            .as_deref()
            .map(|t| instant("--from", t))
            .transpose()?;
        let until = self
            .until
            .as_deref()
            .map(|t| instant("--until", t))
            .transpose()?;
        Ok((from.is_some() || until.is_some()).then(|| TimeRange {
            start: from.map(timestamp),
            end: until.map(timestamp),
        }))
    }
}

/// Entity ids for ids or names.
async fn entity_ids(client: &mut QueryClient, keys: &[String]) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    for key in keys {
        ids.push(entity_id(client, key).await?);
    }
    Ok(ids)
}

/// What `mediamon timeline` asks for.
pub struct TimelineQuery<'a> {
    pub entities: &'a [String],
    pub from: Option<&'a str>,
    pub until: Option<&'a str>,
    pub bucket: BucketArg,
    pub time_zone: &'a str,
}

pub async fn timeline(conn: &Connection, q: TimelineQuery<'_>, json: bool) -> anyhow::Result<()> {
    // Days are the time zone's: --from 2025-01-01 is its midnight there.
    // An unknown zone is the service's to refuse.
    let zone = q.time_zone.parse().unwrap_or(chrono_tz::Tz::UTC);
    let until = match q.until {
        Some(t) => instant_in("--until", t, zone)?,
        None => chrono::Utc::now(),
    };
    let from = match q.from {
        Some(t) => instant_in("--from", t, zone)?,
        None => until - chrono::Duration::days(30),
    };
    let mut client = query_client(conn).await?;
    let entity_ids = entity_ids(&mut client, q.entities).await?;
    let bucket = match q.bucket {
        BucketArg::Hour => TimeBucket::Hour,
        BucketArg::Day => TimeBucket::Day,
        BucketArg::Week => TimeBucket::Week,
        BucketArg::Month => TimeBucket::Month,
    };
    let reply = client
        .get_mention_timeline(GetMentionTimelineRequest {
            entity_ids,
            publish_time: Some(TimeRange {
                start: Some(timestamp(from)),
                end: Some(timestamp(until)),
            }),
            bucket: bucket as i32,
            time_zone: q.time_zone.to_string(),
        })
        .await
        .map_err(status_error)?
        .into_inner();
    let text = if json {
        output::json(&reply, "mediamon.v1.GetMentionTimelineResponse")?
    } else {
        let mut out = String::new();
        output::timeline(&mut out, &reply, q.time_zone);
        out
    };
    output::emit(&text)
}

/// What `mediamon graph` asks for.
pub struct GraphQuery<'a> {
    pub entities: &'a [String],
    pub period: &'a Period,
    pub min_weight: u32,
    pub max_nodes: i32,
}

pub async fn graph(conn: &Connection, q: GraphQuery<'_>, json: bool) -> anyhow::Result<()> {
    let publish_time = q.period.range()?;
    let mut client = query_client(conn).await?;
    let entity_ids = entity_ids(&mut client, q.entities).await?;
    let reply = client
        .get_co_mentions(GetCoMentionsRequest {
            entity_ids,
            publish_time,
            min_weight: q.min_weight,
            max_nodes: q.max_nodes,
        })
        .await
        .map_err(status_error)?
        .into_inner();
    let text = if json {
        output::json(&reply, "mediamon.v1.GetCoMentionsResponse")?
    } else {
        let mut out = String::new();
        output::graph(&mut out, &reply);
        out
    };
    output::emit(&text)
}

/// What `mediamon export` asks for.
pub struct ExportQuery<'a> {
    pub text: Option<&'a str>,
    pub entities: &'a [String],
    pub period: &'a Period,
    pub outlet: Option<&'a str>,
    pub body: bool,
    pub mentions: bool,
}

/// Streams every matching article to standard output as JSON lines,
/// counting them on standard error.
pub async fn export(conn: &Connection, q: ExportQuery<'_>) -> anyhow::Result<()> {
    use std::io::Write as _;
    let publish_time = q.period.range()?;
    let mut client = query_client(conn).await?;
    let entity_ids = entity_ids(&mut client, q.entities).await?;
    let mut stream = client
        .export_articles(ExportArticlesRequest {
            text: q.text.unwrap_or_default().to_string(),
            entity_ids,
            publish_time,
            outlet: q.outlet.unwrap_or_default().to_string(),
            include_body: q.body,
            include_mentions: q.mentions,
        })
        .await
        .map_err(status_error)?
        .into_inner();
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} articles exported")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    while let Some(batch) = stream.message().await.map_err(status_error)? {
        for article in &batch.articles {
            let line = output::json_line(article, "mediamon.v1.ExportedArticle")?;
            match out.write_all(line.as_bytes()) {
                // A reader that stopped reading (`| head`) ends the export.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                other => other?,
            }
        }
        bar.inc(batch.articles.len() as u64);
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    bar.finish_and_clear();
    eprintln!("{} articles exported", bar.position());
    Ok(())
}

/// What `mediamon quotes` asks for.
pub struct QuotesQuery<'a> {
    pub speaker: Option<&'a str>,
    pub mentioning: Option<&'a str>,
    pub limit: i32,
    pub page_token: &'a str,
}

pub async fn quotes(conn: &Connection, q: QuotesQuery<'_>, json: bool) -> anyhow::Result<()> {
    let mut client = query_client(conn).await?;
    let speaker_entity_id = match q.speaker {
        Some(key) => entity_id(&mut client, key).await?,
        None => String::new(),
    };
    let mentioned_entity_id = match q.mentioning {
        Some(key) => entity_id(&mut client, key).await?,
        None => String::new(),
    };
    let reply = client
        .list_quotes(ListQuotesRequest {
            speaker_entity_id,
            mentioned_entity_id,
            publish_time: None,
            page_size: q.limit,
            page_token: q.page_token.to_string(),
        })
        .await
        .map_err(status_error)?
        .into_inner();
    let text = if json {
        output::json(&reply, "mediamon.v1.ListQuotesResponse")?
    } else {
        let mut out = String::new();
        output::quotes(&mut out, &reply);
        out
    };
    output::emit(&text)
}

pub async fn explain(conn: &Connection, mention_id: &str, json: bool) -> anyhow::Result<()> {
    let outgoing = Outgoing::new(Some(&token(conn)?))?;
    let reply = mediamon_client::resolver(channel(&conn.resolver_url, conn).await?, outgoing)
        .explain_resolution(ExplainResolutionRequest {
            mention_id: mention_id.to_string(),
        })
        .await
        .map_err(status_error)?
        .into_inner();
    let text = if json {
        output::json(&reply, "mediamon.v1.ExplainResolutionResponse")?
    } else {
        let mut out = String::new();
        output::explanation(&mut out, &reply);
        out
    };
    output::emit(&text)
}

pub async fn article(conn: &Connection, id: &str, json: bool) -> anyhow::Result<()> {
    let reply = query_client(conn)
        .await?
        .get_article(GetArticleRequest {
            article_id: id.to_string(),
        })
        .await
        .map_err(status_error)?
        .into_inner();
    let text = if json {
        output::json(&reply, "mediamon.v1.GetArticleResponse")?
    } else {
        let mut out = String::new();
        output::article(&mut out, &reply);
        out
    };
    output::emit(&text)
}
