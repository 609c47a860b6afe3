//! `mediamon bench query`: every QueryService call under load on a large
//! store. A generated corpus (`corpus.rs`) is loaded straight into a
//! private database; the three services start in this process; concurrent
//! clients drive each call over gRPC in turn. The figures are p50 / p95 /
//! p99 latency and throughput per call, then the plan of each statement one
//! call of each kind ran (`EXPLAIN (ANALYZE, BUFFERS)` as `auto_explain`
//! logs it), on an entity among the most mentioned.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use mediamon_auth::Scope;
use mediamon_client::QueryClient;
use mediamon_proto::convert::timestamp;
use mediamon_proto::v1::{
    GetArticleRequest, GetCoMentionsRequest, GetEntityProfileRequest, GetMentionTimelineRequest,
    SearchArticlesRequest, TimeBucket, TimeRange, get_entity_profile_request::Entity,
};
use mediamon_store::{Store, Uuid};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::BenchDb;
use super::corpus::{self, Zipf};

pub struct Options {
    pub articles: usize,
    pub clients: usize,
    /// Requests of each call.
    pub requests: usize,
    /// Print each statement's plan.
    pub plans: bool,
    pub json: bool,
}

/// The calls measured, in order.
const CALLS: &[&str] = &[
    "SearchArticles (words)",
    "SearchArticles (entity, a month)",
    "GetEntityProfile",
    "GetCoMentions (a quarter)",
    "GetMentionTimeline (3 entities, a year by day)",
    "GetArticle",
];

/// One request of a call.
#[derive(Clone)]
enum Call {
    SearchWords(String),
    SearchEntity(Uuid, i64),
    Profile(Uuid),
    CoMentions(Uuid, i64),
    Timeline(Vec<Uuid>),
    Article(Uuid),
}

/// `days` days from the corpus' first day.
fn day(days: i64) -> prost_types::Timestamp {
    timestamp(corpus::year_start() + chrono::Duration::days(days))
}

fn range(from: i64, days: i64) -> Option<TimeRange> {
    Some(TimeRange {
        start: Some(day(from)),
        end: Some(day(from + days)),
    })
}

async fn send(client: &mut QueryClient, call: Call) -> Result<(), tonic::Status> {
    match call {
        Call::SearchWords(text) => {
            client
                .search_articles(SearchArticlesRequest {
                    text,
                    page_size: 20,
                    ..Default::default()
                })
                .await?;
        }
        Call::SearchEntity(id, from) => {
            client
                .search_articles(SearchArticlesRequest {
                    entity_ids: vec![id.to_string()],
                    publish_time: range(from, 30),
                    page_size: 20,
                    ..Default::default()
                })
                .await?;
        }
        Call::Profile(id) => {
            client
                .get_entity_profile(GetEntityProfileRequest {
                    entity: Some(Entity::EntityId(id.to_string())),
                    max_items: 20,
                })
                .await?;
        }
        Call::CoMentions(id, from) => {
            client
                .get_co_mentions(GetCoMentionsRequest {
                    entity_ids: vec![id.to_string()],
                    publish_time: range(from, 91),
                    ..Default::default()
                })
                .await?;
        }
        Call::Timeline(ids) => {
            client
                .get_mention_timeline(GetMentionTimelineRequest {
                    entity_ids: ids.iter().map(Uuid::to_string).collect(),
                    publish_time: range(0, 365),
                    bucket: TimeBucket::Day as i32,
                    time_zone: "Asia/Kabul".into(),
                })
                .await?;
        }
        Call::Article(id) => {
            client
                .get_article(GetArticleRequest {
                    article_id: id.to_string(),
                })
                .await?;
        }
    }
    Ok(())
}

/// `n` requests of call `kind` (an index into [`CALLS`]), entities drawn as
/// often as the corpus mentions them.
fn requests(
    kind: usize,
    n: usize,
    rng: &mut StdRng,
    actors: &[Uuid],
    articles: &[Uuid],
) -> Vec<Call> {
    let zipf = Zipf::new(actors.len(), 1.05);
    let words = [
        "border", "talks", "trade", "council", "aid", "prices", "court",
    ];
    (0..n)
        .map(|_| {
            let actor = actors[zipf.sample(rng)];
            match kind {
                0 => {
                    let a = words[rng.random_range(0..words.len())];
                    let b = words[rng.random_range(0..words.len())];
                    Call::SearchWords(format!("{a} {b}"))
                }
                1 => Call::SearchEntity(actor, rng.random_range(0..335)),
                2 => Call::Profile(actor),
                3 => Call::CoMentions(actor, rng.random_range(0..274)),
                4 => Call::Timeline(
                    (0..3)
                        .map(|_| actors[zipf.sample(rng)])
                        .collect::<std::collections::HashSet<_>>()
                        .into_iter()
                        .collect(),
                ),
                _ => Call::Article(articles[rng.random_range(0..articles.len())]),
            }
        })
        .collect()
}

/// One call's figures.
#[derive(serde::Serialize)]
struct Row {
    call: &'static str,
    requests: usize,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    per_second: f64,
}

#[derive(serde::Serialize)]
struct Report {
    articles: usize,
    entities: usize,
    mentions: u64,
    load_seconds: f64,
    clients: usize,
    calls: Vec<Row>,
    /// The plans of one request of each call, by call.
    plans: Vec<(String, String)>,
}

async fn client(url: &str, token: &str) -> anyhow::Result<QueryClient> {
    let channel = mediamon_client::connect(&mediamon_client::endpoint(
        url,
        None,
        Duration::from_secs(60),
    )?)
    .await?;
    Ok(mediamon_client::query(
        channel,
        mediamon_client::Outgoing::new(Some(token))?,
    ))
}

/// Runs `calls` with `clients` concurrent clients; each request's seconds,
/// sorted, and the wall time.
async fn drive(
    url: &str,
    token: &str,
    clients: usize,
    calls: Vec<Call>,
) -> anyhow::Result<(Vec<f64>, f64)> {
    let queue = Arc::new(Mutex::new(calls.into_iter()));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let mut client = client(url, token).await?;
        let queue = queue.clone();
        tasks.spawn(async move {
            let mut took = Vec::new();
            loop {
                let Some(call) = queue.lock().unwrap_or_else(|p| p.into_inner()).next() else {
                    return Ok::<_, anyhow::Error>(took);
                };
                let sent = Instant::now();
                send(&mut client, call).await.context("a measured call")?;
                took.push(sent.elapsed().as_secs_f64());
            }
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done??);
    }
    all.sort_by(f64::total_cmp);
    Ok((all, started.elapsed().as_secs_f64()))
}

/// The plans `auto_explain` logged after byte `from` of the server log: each
/// entry from its "duration: … plan:" line to the next log line, but the
/// ingest service's outbox and feed polling, which run meanwhile.
fn plans_after(log: &str, from: usize) -> String {
    let mut entries: Vec<String> = Vec::new();
    for line in log.get(from..).unwrap_or_default().lines() {
        // A log line starts with its time stamp ("2026-12-07 ...").
        if line.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            entries.push(String::new());
        }
        if let Some(entry) = entries.last_mut() {
            entry.push_str(line);
            entry.push('\n');
        }
    }
    entries
        .into_iter()
        .filter(|e| e.contains("plan:") && !e.contains("outbox") && !e.contains("FROM feeds"))
        .collect()
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    anyhow::ensure!(o.articles > 0, "--articles must be positive");
    anyhow::ensure!(
        o.clients > 0 && o.requests > 0,
        "--clients and --requests must be positive"
    );
    let db = BenchDb::start(mediamon_pgcluster::Durability::Durable).await?;
    let store = Store::connect(&db.url, 4, Duration::from_secs(600)).await?;
    store.migrate().await?;
    let started = Instant::now();
    let n_actors = corpus::actors_for(o.articles);
    eprintln!(
        "loading {n_actors} entities and {} generated articles",
        o.articles
    );
    let actors = corpus::load_actors(&store, n_actors).await?;
    let articles = corpus::load_articles(&store, &actors, o.articles, 2025).await?;
    eprintln!("vacuuming and analysing");
    store.vacuum_analyze().await?;
    let load_seconds = started.elapsed().as_secs_f64();
    let mentions = store.mention_count().await?;
    let log = db.server_log();
    // Plan logging is set up on one session: the module it loads is that
    // session's.
    let admin = Store::connect(&db.url, 1, Duration::from_secs(60)).await?;
    if log.is_some() && o.plans {
        admin.prepare_plan_logging().await?;
    }
    let (services, token) = super::start_services(&db.url, &[Scope::Read]).await?;
    let url = format!("http://{}", services.addrs[2].1);
    let ids: Vec<Uuid> = actors.iter().map(|a| a.id).collect();
    let mut rng = StdRng::seed_from_u64(7);
    let mut rows = Vec::new();
    for (kind, name) in CALLS.iter().enumerate() {
        eprintln!("{name}: {} requests, {} clients", o.requests, o.clients);
        let calls = requests(kind, o.requests, &mut rng, &ids, &articles);
        let (took, wall) = drive(&url, &token, o.clients, calls).await?;
        rows.push(Row {
            call: name,
            requests: took.len(),
            p50_ms: super::quantile_ms(&took, 0.5),
            p95_ms: super::quantile_ms(&took, 0.95),
            p99_ms: super::quantile_ms(&took, 0.99),
            per_second: took.len() as f64 / wall.max(1e-9),
        });
    }
    let mut plans = Vec::new();
    match (&log, o.plans) {
        (Some(log), true) => {
            admin.log_plans(true).await?;
            // The reload reaches every session within moments.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let mut client = client(&url, &token).await?;
            // The second most mentioned entity: among the costliest.
            let popular = ids.get(1).copied().unwrap_or_default();
            let one = [
                Call::SearchWords("border talks".into()),
                Call::SearchEntity(popular, 150),
                Call::Profile(popular),
                Call::CoMentions(popular, 150),
                Call::Timeline(ids.iter().take(3).copied().collect()),
                Call::Article(articles[articles.len() / 2]),
            ];
            for (name, call) in CALLS.iter().zip(one) {
                let from = std::fs::metadata(log).map_or(0, |m| m.len() as usize);
                send(&mut client, call).await.context("an explained call")?;
                // The log is written as statements end.
                tokio::time::sleep(Duration::from_millis(300)).await;
                let text = std::fs::read_to_string(log).unwrap_or_default();
                plans.push((name.to_string(), plans_after(&text, from)));
            }
            admin.log_plans(false).await?;
        }
        (None, true) => eprintln!("no plans: the database is not a private cluster"),
        _ => {}
    }
    super::stop_services(services).await;
    admin.close().await?;
    store.close().await?;
    db.stop().await?;

    let report = Report {
        articles: o.articles,
        entities: n_actors,
        mentions,
        load_seconds,
        clients: o.clients,
        calls: rows,
        plans,
    };
    let text = if o.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        let mut out = format!(
            "{} generated articles, {} entities, {} mentions (loaded in {:.0} s); {} clients\n\
             {:<48} {:>6} {:>9} {:>9} {:>9} {:>9}\n",
            report.articles,
            report.entities,
            report.mentions,
            report.load_seconds,
            report.clients,
            "call",
            "n",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "per s"
        );
        for r in &report.calls {
            out.push_str(&format!(
                "{:<48} {:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1}\n",
                r.call, r.requests, r.p50_ms, r.p95_ms, r.p99_ms, r.per_second
            ));
        }
        for (name, plan) in &report.plans {
            out.push_str(&format!("\n=== {name}: the plans of one request\n{plan}"));
        }
        out
    };
    crate::output::emit(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_cut_from_the_log_by_entry() {
        let log = "2026-12-07 10:00:00.000 UTC [1] LOG:  checkpoint starting\n\
                   2026-12-07 10:00:01.000 UTC [2] LOG:  duration: 1.5 ms  plan:\n\
                   \tQuery Text: SELECT 1\n\
                   \tResult  (cost=0.00..0.01 rows=1 width=4)\n\
                   2026-12-07 10:00:02.000 UTC [1] LOG:  checkpoint complete\n\
                   2026-12-07 10:00:03.000 UTC [3] LOG:  duration: 0.1 ms  plan:\n\
                   \tQuery Text: UPDATE outbox SET x = 1\n\
                   2026-12-07 10:00:04.000 UTC [3] LOG:  duration: 0.1 ms  plan:\n\
                   \tQuery Text: WITH due AS (SELECT id FROM feeds)\n";
        let plans = plans_after(log, 0);
        assert!(plans.contains("Query Text: SELECT 1"), "{plans}");
        assert!(plans.contains("Result"));
        assert!(!plans.contains("checkpoint"));
        assert!(
            !plans.contains("outbox") && !plans.contains("feeds"),
            "{plans}"
        );
        assert_eq!(plans_after(log, log.len()), "");
    }
}
