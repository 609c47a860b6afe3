//! `mediamon bench ingest`: the whole pipeline under load. A private
//! database and the three services start in this process; concurrent
//! clients push generated HTML pages through IngestBatch; the figures are
//! accepted articles per second, the latency of an item (from sending it to
//! its batch's answer), and the lag from the last acceptance until every
//! article is resolved (the outbox is empty).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use mediamon_auth::Scope;
use mediamon_proto::v1::{
    IngestArticleRequest, IngestBatchRequest, IngestOutcome, ingest_article_request::Content,
    ingest_batch_result::Result as ItemResult,
};
use mediamon_store::Store;

use mediamon_pgcluster::Durability;

use super::BenchDb;
use super::generate;

pub struct Options {
    pub articles: usize,
    pub clients: usize,
    pub batch: usize,
    /// Trade durability for speed in the private cluster.
    pub no_fsync: bool,
    pub json: bool,
}

#[derive(Default)]
struct Tally {
    created: usize,
    duplicates: usize,
    near_duplicates: usize,
    failed: usize,
    /// Seconds from sending each item to its batch's answer.
    latencies: Vec<f64>,
    last_answer: Option<Instant>,
}

#[derive(serde::Serialize)]
struct Report {
    articles: usize,
    clients: usize,
    batch_size: usize,
    created: usize,
    duplicates: usize,
    near_duplicates: usize,
    failed: usize,
    accept_seconds: f64,
    accepted_per_second: f64,
    item_latency_p50_ms: f64,
    item_latency_p99_ms: f64,
    resolve_lag_seconds: f64,
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    anyhow::ensure!(o.articles > 0, "--articles must be positive");
    anyhow::ensure!(
        o.clients > 0 && o.batch > 0,
        "--clients and --batch must be positive"
    );
    mediamon_ner::Tagger::builtin()?;
    eprintln!("generating {} pages", o.articles);
    let pages = generate::pages(o.articles, 2025);
    eprintln!("starting Postgres and the three services");
    let db = BenchDb::start(if o.no_fsync {
        Durability::Unsafe
    } else {
        Durability::Durable
    })
    .await?;
    let store = Store::connect(&db.url, 4, Duration::from_secs(10)).await?;
    store.migrate().await?;
    let (services, token) = super::start_services(&db.url, &[Scope::Ingest]).await?;
    let ingest_url = format!("http://{}", services.addrs[0].1);

    let batches: Vec<Vec<Vec<u8>>> = pages.chunks(o.batch).map(<[Vec<u8>]>::to_vec).collect();
    let queue = Arc::new(Mutex::new(batches.into_iter()));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let bar = crate::calls::progress(o.articles);
    bar.set_message("articles accepted");
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..o.clients {
        let channel = mediamon_client::connect(&mediamon_client::endpoint(
            &ingest_url,
            None,
            Duration::from_secs(300),
        )?)
        .await?;
        let mut client =
            mediamon_client::ingest(channel, mediamon_client::Outgoing::new(Some(&token))?);
        let (queue, tally, bar) = (queue.clone(), tally.clone(), bar.clone());
        clients.spawn(async move {
            loop {
                let Some(batch) = queue.lock().unwrap_or_else(|p| p.into_inner()).next() else {
                    return Ok::<_, anyhow::Error>(());
                };
                let items: Vec<IngestBatchRequest> = batch
                    .into_iter()
                    .map(|html| IngestBatchRequest {
                        article: Some(IngestArticleRequest {
                            content: Some(Content::Html(html)),
                            content_type: "text/html; charset=utf-8".into(),
                            ..Default::default()
                        }),
                    })
                    .collect();
                let sent = Instant::now();
                let reply = client
                    .ingest_batch(futures::stream::iter(items))
                    .await
                    .context("IngestBatch")?
                    .into_inner();
                let answered = Instant::now();
                let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
                for r in &reply.results {
                    match &r.result {
                        Some(ItemResult::Article(a)) => {
                            if a.outcome() == IngestOutcome::Duplicate {
                                t.duplicates += 1;
                            } else {
                                t.created += 1;
                            }
                            if a.near_duplicate_of.is_some() {
                                t.near_duplicates += 1;
                            }
                        }
                        _ => t.failed += 1,
                    }
                    t.latencies.push((answered - sent).as_secs_f64());
                }
                t.last_answer = Some(answered);
                bar.inc(reply.results.len() as u64);
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done??;
    }
    bar.finish_and_clear();
    let last_answer = tally
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .last_answer
        .unwrap_or_else(Instant::now);
    eprintln!("waiting until every article is resolved");
    let deadline = last_answer + Duration::from_secs(600);
    while store.outbox_depth().await? > 0 {
        anyhow::ensure!(
            Instant::now() < deadline,
            "not resolved 10 minutes after the last acceptance"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let lag = last_answer.elapsed();
    super::stop_services(services).await;
    store.close().await?;
    db.stop().await?;

    let mut t = std::mem::take(&mut *tally.lock().unwrap_or_else(|p| p.into_inner()));
    t.latencies.sort_by(f64::total_cmp);
    let quantile = |q: f64| super::quantile_ms(&t.latencies, q);
    let accept_seconds = (last_answer - started).as_secs_f64();
    let report = Report {
        articles: o.articles,
        clients: o.clients,
        batch_size: o.batch,
        created: t.created,
        duplicates: t.duplicates,
        near_duplicates: t.near_duplicates,
        failed: t.failed,
        accept_seconds,
        accepted_per_second: (t.created + t.duplicates) as f64 / accept_seconds.max(1e-9),
        item_latency_p50_ms: quantile(0.5),
        item_latency_p99_ms: quantile(0.99),
        resolve_lag_seconds: lag.as_secs_f64(),
    };
    let text = if o.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        format!(
            "{} generated HTML pages, {} clients, batches of {}: {} created ({} near duplicates), {} exact duplicates, {} failed\n\
             accepted per second        {:>9.1}\n\
             item latency p50 / p99 ms  {:>9.1} / {:.1}\n\
             resolved after last accept {:>9.1} s\n",
            report.articles,
            report.clients,
            report.batch_size,
            report.created,
            report.near_duplicates,
            report.duplicates,
            report.failed,
            report.accepted_per_second,
            report.item_latency_p50_ms,
            report.item_latency_p99_ms,
            report.resolve_lag_seconds
        )
    };
    crate::output::emit(&text)
}
