//! The query service: QueryService over the shared store. Typed names go to
//! the resolver (SearchEntities), which owns name matching.
//!
//! Invariant: query never writes to the store.

mod cursor;
pub mod error;
mod service;
mod views;

use std::future::Future;

use mediamon_auth::KeyRing;
use mediamon_client::ResolverClient;
use mediamon_config::QuerySettings;
use mediamon_proto::v1::query_service_server::QueryServiceServer;
use mediamon_store::Store;
use tokio::net::TcpListener;
use tonic::service::Routes;

pub use service::Query;

/// The routes and health names of query.
pub fn service(store: Store, resolver: ResolverClient) -> mediamon_server::Service {
    mediamon_server::Service {
        routes: Routes::new(QueryServiceServer::new(Query::new(store, resolver))),
        names: vec!["mediamon.v1.QueryService"],
    }
}

/// Serves query on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    settings: &QuerySettings,
    store: Store,
    keys: KeyRing,
    resolver: ResolverClient,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), mediamon_server::ServeError> {
    mediamon_server::serve(
        service(store, resolver),
        listener,
        &settings.server,
        keys,
        shutdown,
    )
    .await
}
