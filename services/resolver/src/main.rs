//! `mediamon-resolver`: boot (settings, telemetry, store, keys, listener),
//! serve until SIGTERM.

use mediamon_config::ResolverSettings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let boot = mediamon_server::boot::<ResolverSettings>("mediamon-resolver").await?;
    let shutdown = mediamon_server::shutdown_signal();
    mediamon_resolver::serve(
        boot.listener,
        &boot.settings,
        boot.store,
        boot.keys,
        shutdown,
    )
    .await?;
    boot.telemetry.shutdown();
    Ok(())
}
