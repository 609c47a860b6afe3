//! The end-to-end harness: a fresh database on a real Postgres (a private
//! cluster this process starts, or the server named by
//! `MEDIAMON_TEST_DATABASE_URL` / `DATABASE_URL`), migrated by the real
//! migrator, and the three real services bound to 127.0.0.1:0 and called
//! through generated gRPC clients. No mocks.

pub mod site;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use mediamon_auth::{KeyRing, Scope, generate_token, hash_token};
use mediamon_client::{IngestClient, Outgoing, QueryClient, ResolverClient};
use mediamon_config::{
    ApiKeyEntry, IngestSettings, QuerySettings, ResolverClientSettings, ResolverSettings,
};
use mediamon_pgcluster::{Cluster, Durability};
use mediamon_proto::v1::{
    Article, Entity, GetArticleRequest, IngestArticleRequest, SearchEntitiesRequest,
    ingest_article_request::Content,
};
use mediamon_store::Store;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A database of its own for one test.
pub struct TestDb {
    pub url: String,
}

/// The private cluster every test of this process shares (one `initdb` per
/// test binary, a database per test). It is never dropped: a watchdog shell
/// stops it and removes its directory once this process has exited, however
/// it exits.
static SHARED: tokio::sync::OnceCell<Cluster> = tokio::sync::OnceCell::const_new();

async fn shared_cluster() -> anyhow::Result<&'static Cluster> {
    SHARED
        .get_or_try_init(|| async {
            let dir = tempfile::Builder::new()
                .prefix("mediamon-test-pg")
                .tempdir()?
                .keep();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                // The cluster may run as `nobody` when the tests run as root.
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
            }
            // Throwaway data: durability is not worth the fsyncs here.
            let cluster = Cluster::start(&dir, Durability::Unsafe).await?;
            let pid = cluster.pid().context("the cluster has no process")?;
            let watchdog = format!(
                "while kill -0 {me} 2>/dev/null; do sleep 0.5; done; kill -INT {pid}; \
                 while kill -0 {pid} 2>/dev/null; do sleep 0.2; done; rm -rf '{dir}'",
                me = std::process::id(),
                dir = dir.display(),
            );
            std::process::Command::new("sh")
                .args(["-c", &watchdog])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .context("starting the cluster's watchdog")?;
            Ok(cluster)
        })
        .await
}

impl TestDb {
    pub async fn new() -> anyhow::Result<Self> {
        let name = format!("mm_test_{}", uuid::Uuid::new_v4().simple());
        let external = std::env::var("MEDIAMON_TEST_DATABASE_URL")
            .or_else(|_| std::env::var("DATABASE_URL"))
            .ok();
        if let Some(admin) = external {
            mediamon_store::create_database(&admin, &name).await?;
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            return Ok(Self {
                url: format!("{base}/{name}"),
            });
        }
        let cluster = shared_cluster().await?;
        mediamon_store::create_database(&cluster.url("postgres"), &name).await?;
        Ok(Self {
            url: cluster.url(&name),
        })
    }
}

/// A service running in this process.
struct Running {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Running {
    async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.await?
    }
}

fn stop_pair() -> (
    oneshot::Sender<()>,
    impl Future<Output = ()> + Send + 'static,
) {
    let (tx, rx) = oneshot::channel::<()>();
    (tx, async move {
        let _ = rx.await;
    })
}

/// The three services on loopback ports over one fresh database.
pub struct Stack {
    pub db: TestDb,
    pub store: Store,
    /// A key with the ingest, read and curate scopes.
    pub token: String,
    /// A key with only the read scope.
    pub read_token: String,
    /// The key the services use among themselves (resolve, read).
    pub service_token: String,
    pub ingest_addr: SocketAddr,
    pub resolver_addr: SocketAddr,
    pub query_addr: SocketAddr,
    keys: KeyRing,
    resolver_settings: ResolverSettings,
    /// `feeds.allow_internal_hosts` of every ingest replica.
    allow_internal_hosts: Vec<String>,
    ingest: Option<Running>,
    resolver: Option<Running>,
    query: Option<Running>,
    replicas: Vec<Running>,
}

fn key(name: &str, scopes: &[Scope], token: &str) -> ApiKeyEntry {
    ApiKeyEntry {
        name: name.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        sha256: hash_token(token),
    }
}

impl Stack {
    /// Starts a database, migrates it, and starts all three services.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_allowing(&[]).await
    }

    /// As [`Stack::start`], with ingest allowed to fetch these internal
    /// hosts (the loopback site of a feed test: "127.0.0.1").
    pub async fn start_allowing(internal_hosts: &[&str]) -> anyhow::Result<Self> {
        Self::start_on(TestDb::new().await?, internal_hosts).await
    }

    /// As [`Stack::start_allowing`], on a database the caller made (a
    /// cluster of its own).
    pub async fn start_on(db: TestDb, internal_hosts: &[&str]) -> anyhow::Result<Self> {
        let store = Store::connect(&db.url, 8, Duration::from_secs(5)).await?;
        store.migrate().await?;
        let (token, read_token, service_token) =
            (generate_token(), generate_token(), generate_token());
        let mut keys = KeyRing::default();
        keys.add_entry(&key(
            "tester",
            &[Scope::Ingest, Scope::Read, Scope::Curate],
            &token,
        ))?;
        keys.add_entry(&key("reader", &[Scope::Read], &read_token))?;
        keys.add_entry(&key(
            "services",
            &[Scope::Resolve, Scope::Read],
            &service_token,
        ))?;

        let mut resolver_settings = ResolverSettings::default();
        resolver_settings.server.database.url = db.url.clone();
        resolver_settings.server.shutdown_grace_secs = 5;
        let resolver_listener = TcpListener::bind("127.0.0.1:0").await?;
        let resolver_addr = resolver_listener.local_addr()?;

        let mut stack = Stack {
            db,
            store,
            token,
            read_token,
            service_token,
            ingest_addr: resolver_addr,
            resolver_addr,
            query_addr: resolver_addr,
            keys,
            resolver_settings,
            allow_internal_hosts: internal_hosts.iter().map(|h| h.to_string()).collect(),
            ingest: None,
            resolver: None,
            query: None,
            replicas: Vec::new(),
        };
        stack.resolver = Some(stack.spawn_resolver(resolver_listener));

        let listener = TcpListener::bind("127.0.0.1:0").await?;
        stack.ingest_addr = listener.local_addr()?;
        stack.ingest = Some(stack.spawn_ingest(listener, resolver_addr)?);

        let resolver_client = ResolverClientSettings {
            url: format!("http://{resolver_addr}"),
            timeout_secs: 10,
        };
        let mut query_settings = QuerySettings::default();
        query_settings.server.database.url = stack.db.url.clone();
        query_settings.server.auth.client_token = Some(stack.service_token.clone());
        query_settings.resolver = resolver_client;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        stack.query_addr = listener.local_addr()?;
        let resolver = mediamon_client::resolver_from_settings(
            &query_settings.resolver,
            &query_settings.server,
        )?;
        let (stop, signal) = stop_pair();
        // Query's own pool, as deployed: a flood of searches cannot take
        // ingest's connections.
        query_settings.server.database.max_connections = 8;
        let store = Store::from_settings(&query_settings.server.database).await?;
        let keys = stack.keys.clone();
        stack.query = Some(Running {
            stop: Some(stop),
            task: tokio::spawn(async move {
                mediamon_query::serve(listener, &query_settings, store, keys, resolver, signal)
                    .await
                    .context("query")
            }),
        });

        for (addr, name) in [
            (stack.resolver_addr, "mediamon.v1.EntityResolutionService"),
            (stack.ingest_addr, "mediamon.v1.IngestService"),
            (stack.query_addr, "mediamon.v1.QueryService"),
        ] {
            wait_serving(addr, name, Duration::from_secs(10)).await?;
        }
        Ok(stack)
    }

    fn spawn_ingest(&self, listener: TcpListener, resolver: SocketAddr) -> anyhow::Result<Running> {
        let mut settings = IngestSettings::default();
        settings.server.database.url = self.db.url.clone();
        settings.server.auth.client_token = Some(self.service_token.clone());
        settings.resolver = ResolverClientSettings {
            url: format!("http://{resolver}"),
            timeout_secs: 10,
        };
        settings.limits.max_body_bytes = 64 * 1024;
        // Small, so a test can reach it.
        settings.limits.max_batch_items = 8;
        // Feeds polled within a test's patience, the loopback site quickly.
        settings.feeds.check_interval_ms = 100;
        settings.feeds.min_interval_secs = 1;
        settings.feeds.host_delay_ms = 10;
        settings.feeds.timeout_secs = 5;
        settings.feeds.allow_internal_hosts = self.allow_internal_hosts.clone();
        settings.outbox.poll_interval_ms = 50;
        settings.outbox.max_backoff_secs = 1;
        settings.outbox.lease_secs = 10;
        // Few, so a test sees an item set aside quickly.
        settings.outbox.max_attempts = 3;
        let client = mediamon_client::resolver_from_settings(&settings.resolver, &settings.server)?;
        let (stop, signal) = stop_pair();
        let (store, keys) = (self.store.clone(), self.keys.clone());
        Ok(Running {
            stop: Some(stop),
            task: tokio::spawn(async move {
                mediamon_ingest::serve(listener, &settings, store, keys, client, signal)
                    .await
                    .context("ingest")
            }),
        })
    }

    /// Starts another resolver replica on the same store; its address.
    pub async fn add_resolver(&mut self) -> anyhow::Result<SocketAddr> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let running = self.spawn_resolver(listener);
        self.replicas.push(running);
        wait_serving(
            addr,
            "mediamon.v1.EntityResolutionService",
            Duration::from_secs(10),
        )
        .await?;
        Ok(addr)
    }

    /// Starts another ingest replica (with its own dispatcher) that hands
    /// articles to the resolver at `resolver`; its address.
    pub async fn add_ingest(&mut self, resolver: SocketAddr) -> anyhow::Result<SocketAddr> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let running = self.spawn_ingest(listener, resolver)?;
        self.replicas.push(running);
        wait_serving(addr, "mediamon.v1.IngestService", Duration::from_secs(10)).await?;
        Ok(addr)
    }

    fn spawn_resolver(&self, listener: TcpListener) -> Running {
        let (stop, signal) = stop_pair();
        let settings = self.resolver_settings.clone();
        let (store, keys) = (self.store.clone(), self.keys.clone());
        Running {
            stop: Some(stop),
            task: tokio::spawn(async move {
                mediamon_resolver::serve(listener, &settings, store, keys, signal)
                    .await
                    .context("resolver")
            }),
        }
    }

    /// Stops the resolver (graceful), as an outage.
    pub async fn stop_resolver(&mut self) -> anyhow::Result<()> {
        if let Some(r) = self.resolver.take() {
            r.shutdown().await?;
        }
        Ok(())
    }

    /// Starts the resolver again on its old address.
    pub async fn restart_resolver(&mut self) -> anyhow::Result<()> {
        let listener = TcpListener::bind(self.resolver_addr).await?;
        self.resolver = Some(self.spawn_resolver(listener));
        wait_serving(
            self.resolver_addr,
            "mediamon.v1.EntityResolutionService",
            Duration::from_secs(10),
        )
        .await
    }

    fn outgoing(token: Option<&str>) -> Outgoing {
        Outgoing::new(token).expect("tokens are header-safe")
    }

    async fn channel(addr: SocketAddr) -> anyhow::Result<tonic::transport::Channel> {
        let endpoint =
            mediamon_client::endpoint(&format!("http://{addr}"), None, Duration::from_secs(20))?;
        Ok(mediamon_client::connect(&endpoint).await?)
    }

    /// An ingest client presenting `token` (none when `None`).
    pub async fn ingest_as(&self, token: Option<&str>) -> anyhow::Result<IngestClient> {
        self.ingest_at(self.ingest_addr, token).await
    }

    /// An ingest client for the replica at `addr`.
    pub async fn ingest_at(
        &self,
        addr: SocketAddr,
        token: Option<&str>,
    ) -> anyhow::Result<IngestClient> {
        Ok(mediamon_client::ingest(
            Self::channel(addr).await?,
            Self::outgoing(token),
        ))
    }

    pub async fn ingest(&self) -> anyhow::Result<IngestClient> {
        self.ingest_as(Some(&self.token)).await
    }

    pub async fn query_as(&self, token: Option<&str>) -> anyhow::Result<QueryClient> {
        Ok(mediamon_client::query(
            Self::channel(self.query_addr).await?,
            Self::outgoing(token),
        ))
    }

    pub async fn query(&self) -> anyhow::Result<QueryClient> {
        self.query_as(Some(&self.token)).await
    }

    pub async fn resolver_as(&self, token: Option<&str>) -> anyhow::Result<ResolverClient> {
        self.resolver_at(self.resolver_addr, token).await
    }

    /// A resolver client for the replica at `addr`.
    pub async fn resolver_at(
        &self,
        addr: SocketAddr,
        token: Option<&str>,
    ) -> anyhow::Result<ResolverClient> {
        Ok(mediamon_client::resolver(
            Self::channel(addr).await?,
            Self::outgoing(token),
        ))
    }

    /// Entities with an alias that normalises exactly like `name`.
    pub async fn exact_entities(&self, name: &str) -> anyhow::Result<Vec<Entity>> {
        let mut resolver = self.resolver_as(Some(&self.token)).await?;
        let reply = resolver
            .search_entities(SearchEntitiesRequest {
                query: name.into(),
                page_size: 50,
                ..Default::default()
            })
            .await?
            .into_inner();
        Ok(reply
            .matches
            .into_iter()
            .filter(|m| m.score >= 1.0)
            .filter_map(|m| m.entity)
            .collect())
    }

    /// Waits until the outbox is empty (every accepted article handed over).
    pub async fn wait_resolved(&self, timeout: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.store.outbox_depth().await? == 0 {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("outbox not drained within {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A stored article with its body and mentions, through GetArticle.
    pub async fn article(&self, id: &str) -> anyhow::Result<Article> {
        self.query()
            .await?
            .get_article(GetArticleRequest {
                article_id: id.to_string(),
            })
            .await?
            .into_inner()
            .article
            .context("GetArticle answered no article")
    }

    /// Ingests a plain-text article and waits until it is resolved; its id.
    pub async fn ingest_resolved(&self, text: &str) -> anyhow::Result<String> {
        let id = self
            .ingest()
            .await?
            .ingest_article(text_request(text))
            .await?
            .into_inner()
            .article_id;
        self.wait_resolved(Duration::from_secs(20)).await?;
        Ok(id)
    }

    /// Ingests plain-text articles, waits until every one is resolved, and
    /// reads them all back through GetArticle, newest first.
    pub async fn ingest_all_resolved(&self, texts: &[&str]) -> anyhow::Result<Vec<Article>> {
        let mut ingest = self.ingest().await?;
        let mut ids = Vec::new();
        for text in texts {
            let reply = ingest
                .ingest_article(text_request(text))
                .await?
                .into_inner();
            ids.push(reply.article_id);
        }
        self.wait_resolved(Duration::from_secs(30)).await?;
        let mut articles = Vec::new();
        for id in ids.iter().rev() {
            articles.push(self.article(id).await?);
        }
        Ok(articles)
    }

    /// Stops every service and the database.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        let main = [self.ingest.take(), self.query.take(), self.resolver.take()];
        for running in self.replicas.drain(..).chain(main.into_iter().flatten()) {
            running.shutdown().await?;
        }
        Ok(self.store.close().await?)
    }
}

/// Polls grpc.health.v1 until `service` on `addr` is SERVING.
pub async fn wait_serving(
    addr: SocketAddr,
    service: &str,
    timeout: Duration,
) -> anyhow::Result<()> {
    Ok(mediamon_client::wait_serving(&format!("http://{addr}"), service, timeout).await?)
}

/// The demo corpus directory (written by the project; see its README).
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../demo/corpus")
}

/// The demo corpus files, sorted by name.
pub fn corpus() -> anyhow::Result<Vec<(String, String)>> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(corpus_dir())?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            std::fs::read_to_string(e.path()).map(|text| (name, text))
        })
        .collect::<Result<_, _>>()?;
    files.sort();
    Ok(files)
}

/// A plain-text ingest request.
pub fn text_request(text: &str) -> IngestArticleRequest {
    IngestArticleRequest {
        content: Some(Content::Text(text.to_string())),
        ..Default::default()
    }
}
