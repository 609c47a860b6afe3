//! `mediamon bench ...`: quality and speed on labeled data.

mod coref;
mod corpus;
pub mod ecbplus;
mod event_links;
pub mod events;
pub mod extract;
mod generate;
pub mod ingest;
pub mod names;
pub mod ner;
pub mod query;
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

    /// The private cluster's server log; none for a database given by
    /// `DATABASE_URL`.
    pub fn server_log(&self) -> Option<std::path::PathBuf> {
        self.cluster.as_ref().map(|c| c.log_path().to_path_buf())
    }

    pub async fn stop(self) -> anyhow::Result<()> {
        if let Some(cluster) = self.cluster {
            cluster.stop().await?;
        }
        Ok(())
    }
}

/// The three services on loopback ports over the database at `url`, and a
/// token with `scopes` for the benchmark's clients.
pub(crate) async fn start_services(
    url: &str,
    scopes: &[mediamon_auth::Scope],
) -> anyhow::Result<(crate::up::Services, String)> {
    let (token, service_token) = (
        mediamon_auth::generate_token(),
        mediamon_auth::generate_token(),
    );
    let keys = crate::up::keyring(&[
        ("bench", scopes, &token),
        ("services", &crate::up::SERVICE_SCOPES, &service_token),
    ])?;
    let mut listeners = Vec::new();
    for _ in 0..3 {
        listeners.push(tokio::net::TcpListener::bind("127.0.0.1:0").await?);
    }
    let listeners: [tokio::net::TcpListener; 3] = listeners
        .try_into()
        .map_err(|_| anyhow::anyhow!("three listeners"))?;
    let services = crate::up::spawn_services(url, &keys, &service_token, listeners).await?;
    Ok((services, token))
}

/// Stops services [`start_services`] started, saying what failed.
pub(crate) async fn stop_services(services: crate::up::Services) {
    let _ = services.stop_tx.send(true);
    let mut tasks = services.tasks;
    while let Some(done) = tasks.join_next().await {
        if let Ok(Err(err)) = done {
            eprintln!("while stopping: {err:#}");
        }
    }
}

/// The `q` quantile of sorted seconds, in milliseconds.
pub(crate) fn quantile_ms(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted.get(i).copied().unwrap_or_default() * 1000.0
}
