//! The ingest service: IngestService, the outbox dispatcher that hands
//! stored articles to the resolver, and the poller of registered feeds.
//!
//! Invariants: an accepted article, its mentions and its outbox row are
//! committed in one transaction before the call answers; nothing accepted is
//! lost (the outbox is retried until the resolver succeeds); bad input
//! writes nothing.

pub mod dispatch;
pub mod error;
mod poller;
pub mod prepare;
mod service;

use std::future::Future;

use mediamon_auth::KeyRing;
use mediamon_client::ResolverClient;
use mediamon_config::{IngestLimits, IngestSettings};
use mediamon_proto::v1::ingest_service_server::IngestServiceServer;
use mediamon_store::Store;
use tokio::net::TcpListener;
use tonic::service::Routes;

pub use service::Ingest;

/// The largest request message ingest reads: well above the article limit,
/// so an oversized article (even UTF-16 text, or base64 inflated) is refused
/// on its own with RESOURCE_EXHAUSTED, while what one message may make the
/// server hold stays bounded.
fn max_message_bytes(limits: &IngestLimits) -> usize {
    limits
        .max_body_bytes
        .saturating_mul(8)
        .saturating_add(1 << 20)
        .max(4 << 20)
}

/// The routes and health names of ingest.
pub fn service(store: Store, settings: &IngestSettings) -> mediamon_server::Service {
    let server = IngestServiceServer::new(Ingest::new(
        store,
        settings.limits.clone(),
        settings.feeds.clone(),
    ))
    .max_decoding_message_size(max_message_bytes(&settings.limits));
    mediamon_server::Service {
        routes: Routes::new(server),
        names: vec!["mediamon.v1.IngestService"],
    }
}

/// Serves ingest and runs the dispatcher until `shutdown` resolves; both stop
/// cleanly (in-flight calls finish, the dispatcher stops between items).
pub async fn serve(
    listener: TcpListener,
    settings: &IngestSettings,
    store: Store,
    keys: KeyRing,
    resolver: ResolverClient,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), mediamon_server::ServeError> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let dispatcher = tokio::spawn(dispatch::run(
        store.clone(),
        resolver,
        settings.outbox.clone(),
        stop_rx.clone(),
    ));
    let poller = settings.feeds.enabled.then(|| {
        tokio::spawn(poller::run(
            Ingest::new(
                store.clone(),
                settings.limits.clone(),
                settings.feeds.clone(),
            ),
            stop_rx.clone(),
        ))
    });
    let mut server_stop = stop_rx;
    let signal = tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let result = mediamon_server::serve(
        service(store, settings),
        listener,
        &settings.server,
        keys,
        async move {
            let _ = server_stop.wait_for(|stop| *stop).await;
        },
    )
    .await;
    signal.abort();
    if let Err(err) = dispatcher.await {
        tracing::error!(error = %err, "outbox dispatcher panicked");
    }
    if let Some(task) = poller
        && let Err(err) = task.await
    {
        tracing::error!(error = %err, "feed poller panicked");
    }
    result
}
