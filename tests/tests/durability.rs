//! Issue 19, item 4: every article ingest acknowledged survives `kill -9` of
//! Postgres in the middle of a batch, on a durable cluster (what `mediamon
//! up` runs). The private cluster used to run with fsync and synchronous
//! commit off: one of 450 acknowledged articles was gone after a crash.
//! `MEDIAMON_CRASH_RUNS` sets how many crashes (default 2; the closing
//! note's figure is from 20).

use std::time::Duration;

use mediamon_e2e::{Stack, TestDb, text_request};
use mediamon_pgcluster::{Cluster, Durability};
use mediamon_proto::v1::{IngestBatchRequest, ingest_batch_result::Result as ItemResult};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

async fn start(dir: &std::path::Path) -> anyhow::Result<Cluster> {
    // Backends of a killed postmaster may hold its shared memory a moment.
    let mut tries = 0;
    loop {
        match Cluster::start(dir, Durability::Durable).await {
            Ok(cluster) => return Ok(cluster),
            Err(err) if tries < 20 => {
                tries += 1;
                tracing::debug!(%err, "restarting after the crash");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(err) => return Err(err.into()),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_articles_survive_kill_9() -> anyhow::Result<()> {
    let runs: usize = std::env::var("MEDIAMON_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let tmp = tempfile::tempdir()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))?;
    }
    let dir = tmp.path().join("pg");
    let mut acknowledged: Vec<String> = Vec::new();
    for run in 0..runs {
        let cluster = start(&dir).await?;
        mediamon_store::create_database(&cluster.url("postgres"), "crash").await?;
        let stack = Stack::start_on(
            TestDb {
                url: cluster.url("crash"),
            },
            &[],
        )
        .await?;
        let mut ingest = stack.ingest().await?;
        // Batches until Postgres dies under them.
        let progress = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = progress.clone();
        let sender = tokio::spawn(async move {
            let mut acked = Vec::new();
            for batch in 0.. {
                let items: Vec<IngestBatchRequest> = (0..20)
                    .map(|i| run * 1_000_000 + batch * 100 + i)
                    .map(|n| IngestBatchRequest {
                        article: Some(text_request(&format!(
                            "Council session {n}\n\nThe provincial council of Herat met on \
                             Tuesday for session number {n}. Officials said \
                             the members agreed on the budget after a long debate, and the \
                             governor thanked them for their work."
                        ))),
                    })
                    .collect();
                let Ok(reply) = ingest.ingest_batch(futures::stream::iter(items)).await else {
                    break;
                };
                let results = reply.into_inner().results;
                let before = acked.len();
                acked.extend(results.into_iter().filter_map(|r| match r.result {
                    Some(ItemResult::Article(a)) => Some(a.article_id),
                    _ => None,
                }));
                if acked.len() == before {
                    break;
                }
                seen.store(acked.len(), std::sync::atomic::Ordering::SeqCst);
            }
            acked
        });
        // A batch or two in, then during the next one.
        while progress.load(std::sync::atomic::Ordering::SeqCst) < 20 * (1 + run % 2) {
            anyhow::ensure!(
                !sender.is_finished(),
                "the batches stopped before the crash"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(30 * run as u64 % 200)).await;
        let pid = cluster.pid().and_then(|p| i32::try_from(p).ok());
        kill(Pid::from_raw(pid.unwrap_or(0)), Signal::SIGKILL)?;
        let acked = sender.await?;
        anyhow::ensure!(
            !acked.is_empty(),
            "nothing was acknowledged before the crash"
        );
        acknowledged.extend(acked);
        let _ = tokio::time::timeout(Duration::from_secs(20), stack.shutdown()).await;
        // Reaps the killed server (a zombie would look alive to the next
        // start); its pid file stays, as after a real crash.
        cluster.stop().await?;
    }
    let cluster = start(&dir).await?;
    let db = Database::connect(cluster.url("crash")).await?;
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT count(*) AS n FROM articles WHERE id = ANY($1::uuid[])",
            [acknowledged
                .iter()
                .filter_map(|id| uuid::Uuid::parse_str(id).ok())
                .collect::<Vec<_>>()
                .into()],
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no count"))?;
    let found: i64 = row.try_get("", "n")?;
    db.close().await?;
    cluster.stop().await?;
    assert_eq!(
        usize::try_from(found)?,
        acknowledged.len(),
        "acknowledged articles lost in {runs} crashes"
    );
    eprintln!("{runs} crashes: all {found} acknowledged articles survived");
    Ok(())
}
