//! `mediamon-query`: loads settings, starts telemetry, connects the store
//! and the resolver client, binds, serves until SIGTERM.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use mediamon_config::QuerySettings;

/// The query service.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Settings file (TOML); MEDIAMON_* variables override it.
    #[arg(long, env = "MEDIAMON_CONFIG")]
    config: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let settings: QuerySettings = mediamon_config::load(args.config.as_deref())?;
    let telemetry = mediamon_telemetry::init("mediamon-query", &settings.server.telemetry)?;
    let store = mediamon_store::Store::from_settings(&settings.server.database)
        .await
        .context("connecting to the database")?;
    let keys = mediamon_auth::KeyRing::from_settings(&settings.server.auth)?;
    let resolver = mediamon_client::resolver_from_settings(&settings.resolver, &settings.server)?;
    let listener = tokio::net::TcpListener::bind(settings.server.listen)
        .await
        .with_context(|| format!("binding {}", settings.server.listen))?;
    let shutdown = mediamon_server::shutdown_signal();
    mediamon_query::serve(listener, &settings, store, keys, resolver, shutdown).await?;
    telemetry.shutdown();
    Ok(())
}
