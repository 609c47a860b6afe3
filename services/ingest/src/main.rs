//! `mediamon-ingest`: boot (settings, telemetry, store, keys, listener),
//! connect the resolver client, serve until SIGTERM.

use mediamon_config::IngestSettings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // The recogniser's model is part of the binary: refuse to start, not to
    // ingest, if it cannot be read.
    mediamon_ner::Tagger::builtin()?;
    let boot = mediamon_server::boot::<IngestSettings>("mediamon-ingest").await?;
    let settings = &boot.settings;
    let resolver = mediamon_client::resolver_from_settings(&settings.resolver, &settings.server)?;
    let shutdown = mediamon_server::shutdown_signal();
    mediamon_ingest::serve(
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
