//! `mediamon up`: the whole system on one machine, in one process.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveTime};
use include_dir::{Dir, include_dir};
use mediamon_auth::{KeyRing, Scope, generate_token, hash_token};
use mediamon_config::{
    ApiKeyEntry, IngestSettings, QuerySettings, ResolverClientSettings, ResolverSettings,
    TelemetrySettings,
};
use mediamon_pgcluster::{Cluster, Durability};
use mediamon_proto::convert::timestamp;
use mediamon_proto::v1::ingest_article_request::Content;
use mediamon_proto::v1::{ArticleMetadata, DatePrecision};
use mediamon_store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::calls;

/// The demo corpus, written by the project (see demo/corpus/README.md).
static DEMO: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/../../demo/corpus");

#[derive(clap::Args)]
pub struct UpArgs {
    /// Directory for the private cluster and the development token.
    #[arg(long, env = "MEDIAMON_HOME", default_value = ".mediamon")]
    home: PathBuf,
    #[arg(long, default_value_t = 50051)]
    ingest_port: u16,
    #[arg(long, default_value_t = 50052)]
    resolver_port: u16,
    #[arg(long, default_value_t = 50053)]
    query_port: u16,
    /// Port of the Prometheus scrape endpoint (`/metrics`); 0 picks a free one.
    #[arg(long, default_value_t = 9464)]
    metrics_port: u16,
    /// Do not load the demo corpus.
    #[arg(long)]
    no_demo: bool,
    /// Log filter (EnvFilter syntax).
    #[arg(long, default_value = "warn")]
    log: String,
}

const DEV_SCOPES: [Scope; 3] = [Scope::Ingest, Scope::Read, Scope::Curate];

pub async fn run(args: UpArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let telemetry = mediamon_telemetry::init(
        "mediamon",
        &TelemetrySettings {
            filter: args.log.clone(),
            ..TelemetrySettings::default()
        },
    )?;
    mediamon_ner::Tagger::builtin()?;
    std::fs::create_dir_all(&args.home)
        .with_context(|| format!("creating {}", args.home.display()))?;
    let home = std::fs::canonicalize(&args.home)?;
    // The ports first: a clash fails before Postgres starts, and the
    // cluster's client sockets cannot take a port meant for a service.
    let listeners = [
        bind(args.ingest_port, "ingest", "--ingest-port").await?,
        bind(args.resolver_port, "the resolver", "--resolver-port").await?,
        bind(args.query_port, "query", "--query-port").await?,
    ];
    let metrics = bind(args.metrics_port, "metrics", "--metrics-port").await?;
    let metrics_addr = metrics.local_addr()?;
    mediamon_server::spawn_metrics(metrics, telemetry.registry());
    let (url, cluster) = match mediamon_config::database_url_from_env() {
        Some(url) => (url, None),
        None => {
            eprintln!(
                "starting a private Postgres cluster in {}",
                home.join("pg").display()
            );
            let cluster = Cluster::start(&home.join("pg"), Durability::Durable).await?;
            mediamon_store::create_database(&cluster.url("postgres"), "mediamon").await?;
            (cluster.url("mediamon"), Some(cluster))
        }
    };
    let result = run_stack(
        &args,
        listeners,
        metrics_addr,
        &home,
        &url,
        cluster.is_some(),
        started,
    )
    .await;
    if let Some(cluster) = cluster {
        cluster.stop().await?;
    }
    telemetry.shutdown();
    result
}

fn dev_token(home: &Path) -> anyhow::Result<String> {
    let path = calls::dev_token_path(home);
    if let Ok(token) = std::fs::read_to_string(&path)
        && !token.trim().is_empty()
    {
        return Ok(token.trim().to_string());
    }
    let token = generate_token();
    std::fs::write(&path, format!("{token}\n"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(token)
}

async fn bind(port: u16, what: &str, flag: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .with_context(|| {
            format!("cannot listen on 127.0.0.1:{port} for {what}: is another `mediamon up` running? (choose another port with {flag})")
        })
}

async fn run_stack(
    args: &UpArgs,
    listeners: [TcpListener; 3],
    metrics: SocketAddr,
    home: &Path,
    url: &str,
    private: bool,
    started: Instant,
) -> anyhow::Result<()> {
    // `up`'s own small pool: migrations, then the outbox backlog for the
    // banner. Each service has a pool of its own (see spawn_services).
    let store = Store::connect(url, 2, Duration::from_secs(5)).await?;
    store.migrate().await?;
    let token = dev_token(home)?;
    let service_token = generate_token();
    let keys = keyring(&[
        ("dev", &DEV_SCOPES, &token),
        ("services", &SERVICE_SCOPES, &service_token),
    ])?;

    let Services {
        addrs,
        stop_tx,
        mut tasks,
    } = spawn_services(url, &keys, &service_token, listeners).await?;
    let ready_in = started.elapsed();

    let shutdown = mediamon_server::shutdown_signal();
    let result = async {
        let demo = if args.no_demo {
            None
        } else {
            Some(load_demo(&addrs[0].1, &token, &store).await?)
        };
        let database = if private {
            format!("{url}  (private cluster in {})", home.join("pg").display())
        } else {
            format!("{url}  (from DATABASE_URL)")
        };
        let state = State {
            demo,
            backlog: store.outbox_backlog().await?,
        };
        print_banner(&addrs, metrics, &database, &token, home, ready_in, &state);
        tokio::select! {
            () = shutdown => Ok(()),
            Some(done) = tasks.join_next() => match done {
                Ok(Ok(name)) => bail!("{name} stopped unexpectedly"),
                Ok(Err(err)) => Err(err),
                Err(err) => Err(err.into()),
            },
        }
    }
    .await;
    eprintln!("stopping…");
    let _ = stop_tx.send(true);
    while let Some(done) = tasks.join_next().await {
        if let Ok(Err(err)) = done {
            eprintln!("while stopping: {err:#}");
        }
    }
    store.close().await?;
    eprintln!(
        "stopped; the data stays in {} for the next `mediamon up`",
        home.display()
    );
    result
}

/// What the services need of each other.
pub const SERVICE_SCOPES: [Scope; 2] = [Scope::Resolve, Scope::Read];

/// A key ring of (name, scopes, token) entries.
pub fn keyring(entries: &[(&str, &[Scope], &str)]) -> anyhow::Result<KeyRing> {
    let mut keys = KeyRing::default();
    for (name, scopes, token) in entries {
        keys.add_entry(&ApiKeyEntry {
            name: (*name).into(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            sha256: hash_token(token),
        })?;
    }
    Ok(keys)
}

/// The three services running in this process.
pub struct Services {
    /// (name, address, gRPC service) of ingest, resolver and query.
    pub addrs: [(&'static str, SocketAddr, &'static str); 3],
    /// Send `true` to stop them.
    pub stop_tx: watch::Sender<bool>,
    pub tasks: JoinSet<anyhow::Result<&'static str>>,
}

/// Starts ingest, resolver and query on the given listeners (in that
/// order) over one database, each with a pool of its own (a flood of
/// searches cannot take ingest's connections), and waits until all three
/// serve.
pub async fn spawn_services(
    url: &str,
    keys: &KeyRing,
    service_token: &str,
    [ingest_listener, resolver_listener, query_listener]: [TcpListener; 3],
) -> anyhow::Result<Services> {
    let addrs = [
        (
            "ingest",
            ingest_listener.local_addr()?,
            "mediamon.v1.IngestService",
        ),
        (
            "resolver",
            resolver_listener.local_addr()?,
            "mediamon.v1.EntityResolutionService",
        ),
        (
            "query",
            query_listener.local_addr()?,
            "mediamon.v1.QueryService",
        ),
    ];
    let resolver_client = ResolverClientSettings {
        url: format!("http://{}", addrs[1].1),
        timeout_secs: 30,
    };
    let mut resolver = ResolverSettings::default();
    let mut ingest = IngestSettings::default();
    let mut query = QuerySettings::default();
    for server in [&mut resolver.server, &mut ingest.server, &mut query.server] {
        server.database.url = url.to_string();
        server.auth.client_token = Some(service_token.to_string());
    }
    ingest.resolver = resolver_client.clone();
    query.resolver = resolver_client;
    let pools = [
        Store::from_settings(&resolver.server.database).await?,
        Store::from_settings(&ingest.server.database).await?,
        Store::from_settings(&query.server.database).await?,
    ];
    // The scrape endpoint reports one pool: ingest's, whose waits delay
    // the newsroom's calls.
    mediamon_server::observe_pool(&pools[1]);
    let [resolver_store, ingest_store, query_store] = pools;

    let (stop_tx, stop_rx) = watch::channel(false);
    let stop = |rx: &watch::Receiver<bool>| {
        let mut rx = rx.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    };
    let mut tasks: JoinSet<anyhow::Result<&'static str>> = JoinSet::new();
    {
        let (store, keys, signal) = (resolver_store, keys.clone(), stop(&stop_rx));
        tasks.spawn(async move {
            mediamon_resolver::serve(resolver_listener, &resolver, store, keys, signal).await?;
            Ok("resolver")
        });
    }
    {
        let client = mediamon_client::resolver_from_settings(&ingest.resolver, &ingest.server)?;
        let (store, keys, signal) = (ingest_store, keys.clone(), stop(&stop_rx));
        tasks.spawn(async move {
            mediamon_ingest::serve(ingest_listener, &ingest, store, keys, client, signal).await?;
            Ok("ingest")
        });
    }
    {
        let client = mediamon_client::resolver_from_settings(&query.resolver, &query.server)?;
        let (store, keys, signal) = (query_store, keys.clone(), stop(&stop_rx));
        tasks.spawn(async move {
            mediamon_query::serve(query_listener, &query, store, keys, client, signal).await?;
            Ok("query")
        });
    }
    for (_, addr, service) in &addrs {
        mediamon_client::wait_serving(&format!("http://{addr}"), service, Duration::from_secs(15))
            .await?;
    }
    Ok(Services {
        addrs,
        stop_tx,
        tasks,
    })
}

/// What the banner reports beside the addresses: the demo load and the
/// outbox as it is now.
struct State {
    demo: Option<DemoLoad>,
    backlog: mediamon_store::Backlog,
}

struct DemoLoad {
    created: usize,
    duplicate: usize,
    refused: usize,
    first_id: Option<String>,
}

async fn load_demo(
    ingest_addr: &SocketAddr,
    token: &str,
    store: &Store,
) -> anyhow::Result<DemoLoad> {
    let dates = demo_dates()?;
    let mut files: Vec<calls::Item> = DEMO
        .files()
        .filter(|f| f.path().extension().is_some_and(|x| x == "txt"))
        .filter_map(|f| {
            let name = f.path().display().to_string();
            // Sent with its day, as a newsroom feed would: the texts name
            // days without a year.
            let metadata = dates.get(&name).map(|day| ArticleMetadata {
                publish_time: Some(timestamp(day.and_time(NaiveTime::MIN).and_utc())),
                publish_time_precision: DatePrecision::Day as i32,
                ..Default::default()
            });
            Some((
                name,
                Content::Text(f.contents_utf8()?.to_string()),
                metadata,
            ))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let channel = mediamon_client::connect(&mediamon_client::endpoint(
        &format!("http://{ingest_addr}"),
        None,
        Duration::from_secs(30),
    )?)
    .await?;
    let mut client = mediamon_client::ingest(channel, mediamon_client::Outgoing::new(Some(token))?);
    eprintln!("loading the demo corpus");
    let bar = calls::progress(files.len());
    let tally = calls::send_all(&mut client, files, &bar).await;
    // Wait for the resolver while it makes progress, at most a minute. Items
    // left from before (a crash, a poison article set aside) do not keep
    // `up` from serving: the banner reports them.
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.enable_steady_tick(Duration::from_millis(100));
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut last, mut moved) = (i64::MAX, Instant::now());
    loop {
        let pending = store.outbox_backlog().await?.pending;
        if pending < last {
            (last, moved) = (pending, Instant::now());
        }
        if pending == 0
            || Instant::now() > deadline
            || moved.elapsed() > Duration::from_secs(STALL_SECS)
        {
            break;
        }
        spinner.set_message(format!("resolving: {pending} articles waiting"));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    spinner.finish_and_clear();
    Ok(DemoLoad {
        created: tally.created,
        duplicate: tally.duplicate,
        refused: tally.failed,
        first_id: tally.ids.first().cloned(),
    })
}

/// The publication day of each demo file (`published.tsv`).
fn demo_dates() -> anyhow::Result<std::collections::HashMap<String, NaiveDate>> {
    let table = DEMO
        .get_file("published.tsv")
        .and_then(|f| f.contents_utf8())
        .context("demo/corpus/published.tsv is missing")?;
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (file, day) = line
                .split_once('\t')
                .with_context(|| format!("published.tsv: no tab in {line:?}"))?;
            let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
                .with_context(|| format!("published.tsv: bad date in {line:?}"))?;
            Ok((file.to_string(), day))
        })
        .collect()
}

/// Seconds without one article resolved after which `up` stops waiting for
/// the resolver and serves (the banner says what is left).
const STALL_SECS: u64 = 15;

/// The banner's line about the outbox: the truth about what is not resolved.
fn outbox_line(backlog: &mediamon_store::Backlog) -> String {
    let mut parts = Vec::new();
    if backlog.pending > 0 {
        parts.push(format!(
            "{} waiting for the resolver (oldest {:.0} s)",
            backlog.pending, backlog.oldest_age
        ));
    }
    if backlog.failed > 0 {
        parts.push(format!(
            "{} failed (mediamon outbox failed; mediamon outbox retry --all)",
            backlog.failed
        ));
    }
    if parts.is_empty() {
        "every accepted article is resolved".into()
    } else {
        parts.join(", ")
    }
}

fn print_banner(
    addrs: &[(&str, SocketAddr, &str)],
    metrics: SocketAddr,
    database: &str,
    token: &str,
    home: &Path,
    ready_in: Duration,
    state: &State,
) {
    let demo = state.demo.as_ref();
    println!(
        "\nmediamon is up (serving {:.1} s after start)",
        ready_in.as_secs_f64()
    );
    for (name, addr, service) in addrs {
        println!("  {name:<9} {addr}  {service}");
    }
    println!("  {:<9} http://{metrics}/metrics  (Prometheus)", "metrics");
    println!("  {:<9} {database}", "postgres");
    println!(
        "  {:<9} {token}\n            (scopes ingest, read, curate; saved in {})",
        "token",
        calls::dev_token_path(home).display()
    );
    if let Some(d) = demo {
        let refused = match d.refused {
            0 => String::new(),
            n => format!(", {n} refused (see above)"),
        };
        println!(
            "  {:<9} {} new, {} already loaded{refused}",
            "demo", d.created, d.duplicate
        );
    }
    println!("  {:<9} {}", "outbox", outbox_line(&state.backlog));
    let article = demo
        .and_then(|d| d.first_id.clone())
        .unwrap_or_else(|| "ARTICLE_ID".into());
    let query = addrs
        .iter()
        .find(|a| a.0 == "query")
        .map(|a| a.1.to_string())
        .unwrap_or_default();
    println!("\nTry, in another terminal:");
    println!("  mediamon search \"Mottaki\"");
    println!("  mediamon entity \"Ahmad Massoud\"");
    println!("  mediamon article {article}");
    println!(
        "  grpcurl -plaintext -H \"authorization: Bearer {token}\" \\\n      -d '{{\"name\": \"Mottaki\"}}' {query} mediamon.v1.QueryService/GetEntityProfile"
    );
    println!("\nCtrl-C stops everything.");
}
