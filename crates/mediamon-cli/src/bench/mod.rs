//! `mediamon bench ...`: quality and speed on labeled data.

mod coref;
pub mod ecbplus;
mod event_links;
pub mod events;
pub mod extract;
mod generate;
pub mod ingest;
pub mod names;
pub mod ner;
pub mod resolve;
mod service;

/// A database of its own for a benchmark: on the server of `DATABASE_URL`
/// when it is set, else in a private cluster in a temporary directory.
pub struct BenchDb {
    pub url: String,
    cluster: Option<mediamon_pgcluster::Cluster>,
    _dir: tempfile::TempDir,
}

impl BenchDb {
    pub async fn start(durability: mediamon_pgcluster::Durability) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let (url, cluster) = match mediamon_config::database_url_from_env() {
            Some(admin) => {
                // One database per benchmark run of this process.
                static RUNS: std::sync::atomic::AtomicUsize =
                    std::sync::atomic::AtomicUsize::new(0);
                let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let name = format!("mediamon_bench_{}_{run}", std::process::id());
                mediamon_store::create_database(&admin, &name).await?;
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(b, _)| b)
                    .to_string();
                (format!("{base}/{name}"), None)
            }
            None => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    // The private cluster may run as another user.
                    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
                }
                let cluster =
                    mediamon_pgcluster::Cluster::start(&dir.path().join("pg"), durability).await?;
                mediamon_store::create_database(&cluster.url("postgres"), "bench").await?;
                (cluster.url("bench"), Some(cluster))
            }
        };
        Ok(Self {
            url,
            cluster,
            _dir: dir,
        })
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        if let Some(cluster) = self.cluster {
            cluster.stop().await?;
        }
        Ok(())
    }
}
