//! The resolver service: EntityResolutionService over the shared store.
//!
//! Invariants: resolution is idempotent per article (a second call returns
//! the first call's links and writes nothing); several replicas resolving
//! articles with the same new names create one entity per (type, name key),
//! because every resolution takes advisory locks on its keys in sorted order
//! inside one transaction.

mod curation;
pub mod error;
mod events;
pub mod resolve;
mod service;

use std::future::Future;

use mediamon_auth::KeyRing;
use mediamon_config::ResolverSettings;
use mediamon_proto::v1::entity_resolution_service_server::EntityResolutionServiceServer;
use mediamon_store::Store;
use tokio::net::TcpListener;
use tonic::service::Routes;

pub use service::Resolver;

/// The routes and health names of the resolver.
pub fn service(store: Store) -> mediamon_server::Service {
    mediamon_server::Service {
        routes: Routes::new(EntityResolutionServiceServer::new(Resolver::new(store))),
        names: vec!["mediamon.v1.EntityResolutionService"],
    }
}

/// Serves the resolver on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    settings: &ResolverSettings,
    store: Store,
    keys: KeyRing,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), mediamon_server::ServeError> {
    mediamon_server::serve(service(store), listener, &settings.server, keys, shutdown).await
}
