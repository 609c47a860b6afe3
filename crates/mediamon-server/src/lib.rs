//! The one way a mediamon service serves: bearer-token checks in front of
//! every route, a tracing span per request parented on the caller's trace,
//! gRPC health and reflection, TLS when configured, and a graceful shutdown
//! that reports NOT_SERVING, lets in-flight calls finish within a grace
//! period, then returns.

use std::future::Future;
use std::time::Duration;

use mediamon_auth::{AuthLayer, KeyRing};
use mediamon_config::ServerSettings;
use opentelemetry::KeyValue;
use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::{Identity, Server, ServerTlsConfig};

pub mod codes;

/// Serving failures.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot read TLS file {path}: {source}")]
    TlsFile {
        path: String,
        source: std::io::Error,
    },
    #[error("transport error: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("reflection set-up failed: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
}

/// A service ready to serve: its routes and the names health reports for.
pub struct Service {
    pub routes: Routes,
    /// Fully-qualified gRPC service names (`mediamon.v1.QueryService`).
    pub names: Vec<&'static str>,
}

/// Serves `service` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    service: Service,
    listener: TcpListener,
    settings: &ServerSettings,
    keys: KeyRing,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let (reporter, health) = tonic_health::server::health_reporter();
    for name in &service.names {
        reporter
            .set_service_status(*name, tonic_health::ServingStatus::Serving)
            .await;
    }
    // v1 and v1alpha: grpcurl's older releases, grpcui, Postman and Python's
    // grpcio-reflection speak only v1alpha.
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(mediamon_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let routes = service
        .routes
        .add_service(health)
        .add_service(reflection().build_v1()?)
        .add_service(reflection().build_v1alpha()?);

    let mut builder = Server::builder()
        // A dead peer is noticed within a minute, not when the kernel gives
        // up on it hours later.
        .http2_keepalive_interval(Some(KEEPALIVE_INTERVAL))
        .http2_keepalive_timeout(Some(KEEPALIVE_TIMEOUT))
        .tcp_keepalive(Some(KEEPALIVE_INTERVAL));
    if let (Some(cert), Some(key)) = (&settings.tls.cert, &settings.tls.key) {
        let read = |p: &std::path::Path| {
            std::fs::read(p).map_err(|source| ServeError::TlsFile {
                path: p.display().to_string(),
                source,
            })
        };
        let identity = Identity::from_pem(read(cert)?, read(key)?);
        builder = builder.tls_config(ServerTlsConfig::new().identity(identity))?;
    }
    let local = listener.local_addr().ok();
    tracing::info!(addr = ?local, services = ?service.names, tls = settings.tls.cert.is_some(), "serving");

    let (drain_tx, drain_rx) = tokio::sync::oneshot::channel::<()>();
    let grace = Duration::from_secs(settings.shutdown_grace_secs);
    let names = service.names.clone();
    let watcher = async move {
        shutdown.await;
        // Tell load balancers first, then stop accepting.
        for name in names {
            reporter
                .set_service_status(name, tonic_health::ServingStatus::NotServing)
                .await;
        }
        let _ = drain_tx.send(());
    };
    let server = builder
        .trace_fn(mediamon_telemetry::server_span)
        // Outside the auth check, so refused calls are counted too.
        .layer(mediamon_telemetry::metrics::RpcMetricsLayer::new())
        .layer(AuthLayer::new(keys))
        .layer(tower::util::MapResponseLayer::new(codes::api_codes))
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming(listener), async move {
            let _ = drain_rx.await;
        });
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result.map_err(ServeError::from),
        () = watcher => {}
    }
    match tokio::time::timeout(grace, server).await {
        Ok(result) => result?,
        Err(_) => tracing::warn!(
            ?grace,
            "in-flight calls still running after the grace period"
        ),
    }
    tracing::info!(addr = ?local, "stopped");
    Ok(())
}

/// How often an idle connection is pinged, and how long a ping may go
/// unanswered before the connection is closed.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);
const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a new connection may stay silent before its first byte (the
/// HTTP/2 preface or the TLS hello) arrives.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepted connections with TCP_NODELAY: without it each small reply waits
/// on the peer's delayed ACK (about 40 ms a call, measured). tonic's own
/// option applies only to listeners it binds itself. A connection that
/// sends nothing within [`HANDSHAKE_TIMEOUT`] is closed: hyper would hold it
/// open for ever, and graceful shutdown would wait its whole grace on it.
/// Each connection waits for its first byte on its own task, so silent ones
/// never hold up the others.
fn incoming(
    listener: TcpListener,
) -> impl tokio_stream::Stream<Item = std::io::Result<tokio::net::TcpStream>> {
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = tx.closed() => return,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    // Out of file descriptors and the like: pass, then go on.
                    tracing::warn!(%err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                // `readable()` may report a stale readiness; a peek waits
                // for a byte.
                let mut first = [0u8; 1];
                match tokio::time::timeout(HANDSHAKE_TIMEOUT, stream.peek(&mut first)).await {
                    Ok(Ok(0)) => {}
                    Ok(Ok(_)) => {
                        let ready = stream.set_nodelay(true).map(|()| stream);
                        let _ = tx.send(ready).await;
                    }
                    Ok(Err(err)) => {
                        tracing::debug!(%err, "connection failed before its first byte")
                    }
                    Err(_) => tracing::debug!(
                        peer = ?stream.peer_addr().ok(),
                        "connection sent nothing within the handshake timeout; closed"
                    ),
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx)
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C). The handlers are installed by
/// this call, not when the future is first polled: a signal that arrives in
/// between (a banner was printed, the caller reacted) asks to stop instead
/// of killing the process.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let wait = {
        use tokio::signal::unix::{SignalKind, signal};
        let (int, term) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        );
        async move {
            match (int, term) {
                (Ok(mut int), Ok(mut term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    };
    #[cfg(not(unix))]
    let wait = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    async move {
        wait.await;
        tracing::info!("shutdown requested");
    }
}

/// The command line every service binary takes.
#[derive(Debug, clap::Parser)]
#[command(version)]
pub struct ServiceArgs {
    /// Settings file (TOML); MEDIAMON_* variables override it.
    #[arg(long, env = "MEDIAMON_CONFIG")]
    pub config: Option<std::path::PathBuf>,
}

/// Why a service could not start.
#[derive(Debug, thiserror::Error)]
pub enum BootError {
    #[error(transparent)]
    Config(#[from] mediamon_config::ConfigError),
    #[error(transparent)]
    Telemetry(#[from] mediamon_telemetry::TelemetryError),
    #[error("connecting to the database: {0}")]
    Store(#[from] mediamon_store::StoreError),
    #[error(transparent)]
    Keys(#[from] mediamon_auth::AuthError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
}

/// Serves the Prometheus scrape endpoint in the background.
pub fn spawn_metrics(listener: TcpListener, registry: prometheus::Registry) {
    let addr = listener.local_addr().ok();
    tracing::info!(?addr, "serving metrics at /metrics");
    tokio::spawn(async move {
        if let Err(err) = mediamon_telemetry::metrics::serve_metrics(listener, registry).await {
            tracing::error!(%err, "the metrics endpoint stopped");
        }
    });
}

/// Reports the store's connection pool as `db.client.connections.usage`
/// (open connections by state) and `db.client.connections.max`.
pub fn observe_pool(store: &mediamon_store::Store) {
    let meter = mediamon_telemetry::metrics::meter();
    let usage = store.clone();
    meter
        .u64_observable_gauge("db.client.connections.usage")
        .with_description("open database connections, by state (used, idle)")
        .with_callback(move |gauge| {
            let (open, idle, _) = usage.pool_usage();
            gauge.observe(
                u64::from(open - idle.min(open)),
                &[KeyValue::new("state", "used")],
            );
            gauge.observe(u64::from(idle), &[KeyValue::new("state", "idle")]);
        })
        .build();
    let max = store.clone();
    meter
        .u64_observable_gauge("db.client.connections.max")
        .with_description("the most connections the pool may open")
        .with_callback(move |gauge| gauge.observe(u64::from(max.pool_usage().2), &[]))
        .build();
}

/// Everything a service binary sets up before it serves.
pub struct Boot<S> {
    pub settings: S,
    pub store: mediamon_store::Store,
    pub keys: KeyRing,
    pub listener: TcpListener,
    pub telemetry: mediamon_telemetry::Guard,
}

/// Parses the command line, loads and validates settings, starts telemetry,
/// connects the store, reads the keys and binds the listen address.
pub async fn boot<S>(service: &str) -> Result<Boot<S>, BootError>
where
    S: serde::de::DeserializeOwned + mediamon_config::Validate,
{
    let args = <ServiceArgs as clap::Parser>::parse();
    let settings: S = mediamon_config::load(args.config.as_deref())?;
    let server = settings.server();
    let telemetry = mediamon_telemetry::init(service, &server.telemetry)?;
    let store = mediamon_store::Store::from_settings(&server.database).await?;
    let keys = KeyRing::from_settings(&server.auth)?;
    let bind = |addr| async move {
        TcpListener::bind(addr)
            .await
            .map_err(|source| BootError::Bind { addr, source })
    };
    let listener = bind(server.listen).await?;
    if let Some(addr) = server.telemetry.metrics_listen {
        spawn_metrics(bind(addr).await?, telemetry.registry());
    }
    observe_pool(&store);
    Ok(Boot {
        settings,
        store,
        keys,
        listener,
        telemetry,
    })
}
