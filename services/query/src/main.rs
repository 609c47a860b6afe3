//! `mediamon-query`: boot (settings, telemetry, store, keys, listener),
//! connect the resolver client, serve until SIGTERM.

use mediamon_config::QuerySettings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let boot = mediamon_server::boot::<QuerySettings>("mediamon-query").await?;
    let settings = &boot.settings;
    let resolver = mediamon_client::resolver_from_settings(&settings.resolver, &settings.server)?;
    let shutdown = mediamon_server::shutdown_signal();
    mediamon_query::serve(
        boot.listener,
        settings,
        boot.store,
        boot.keys,
        resolver,
        shutdown,
    )
    .await?;
    boot.telemetry.shutdown();
    Ok(())
}
