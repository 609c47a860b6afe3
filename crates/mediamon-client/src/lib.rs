//! Clients for the mediamon services, as the services themselves, the CLI
//! and the tests use them: every call carries the bearer token and the
//! caller's W3C trace context.

use std::path::Path;
use std::time::Duration;

use mediamon_proto::v1::entity_resolution_service_client::EntityResolutionServiceClient;
use mediamon_proto::v1::ingest_service_client::IngestServiceClient;
use mediamon_proto::v1::query_service_client::QueryServiceClient;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

/// Client set-up failures.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid service URL {url:?}: {reason}")]
    Url { url: String, reason: String },
    #[error("the bearer token contains characters not allowed in a header")]
    Token,
    #[error("cannot read CA file {path}: {source}")]
    Ca {
        path: String,
        source: std::io::Error,
    },
    #[error("{service} at {url} is not serving ({last})")]
    NotServing {
        url: String,
        service: String,
        last: String,
    },
    #[error("cannot connect to {url}: {source}")]
    Connect {
        url: String,
        source: tonic::transport::Error,
    },
}

/// Adds the bearer token and the current trace context to every call.
#[derive(Clone)]
pub struct Outgoing {
    authorization: Option<MetadataValue<Ascii>>,
}

impl Outgoing {
    pub fn new(token: Option<&str>) -> Result<Self, ClientError> {
        let authorization = token
            .map(|t| MetadataValue::try_from(format!("Bearer {t}")).map_err(|_| ClientError::Token))
            .transpose()?;
        Ok(Self { authorization })
    }
}

impl Interceptor for Outgoing {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        mediamon_telemetry::inject_metadata(req.metadata_mut());
        if let Some(value) = &self.authorization {
            req.metadata_mut().insert("authorization", value.clone());
        }
        Ok(req)
    }
}

pub type IngestClient = IngestServiceClient<InterceptedService<Channel, Outgoing>>;
pub type ResolverClient = EntityResolutionServiceClient<InterceptedService<Channel, Outgoing>>;
pub type QueryClient = QueryServiceClient<InterceptedService<Channel, Outgoing>>;

/// An endpoint for `url`; `https://` needs `ca` (the CA that signed the server).
pub fn endpoint(url: &str, ca: Option<&Path>, timeout: Duration) -> Result<Endpoint, ClientError> {
    let bad = |reason: String| ClientError::Url {
        url: url.to_string(),
        reason,
    };
    let mut endpoint = Endpoint::from_shared(url.to_string())
        .map_err(|e| bad(e.to_string()))?
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true)
        // A dead server or a dropped path is noticed within a minute.
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(10));
    if url.starts_with("https://") {
        let mut tls = ClientTlsConfig::new();
        let Some(ca) = ca else {
            return Err(bad("https needs a CA file (tls.ca)".into()));
        };
        let pem = std::fs::read(ca).map_err(|source| ClientError::Ca {
            path: ca.display().to_string(),
            source,
        })?;
        tls = tls.ca_certificate(Certificate::from_pem(pem));
        endpoint = endpoint.tls_config(tls).map_err(|e| bad(e.to_string()))?;
    }
    Ok(endpoint)
}

/// Connects now, failing when the service is unreachable.
pub async fn connect(endpoint: &Endpoint) -> Result<Channel, ClientError> {
    endpoint
        .connect()
        .await
        .map_err(|source| ClientError::Connect {
            url: endpoint.uri().to_string(),
            source,
        })
}

/// The resolver client a service builds from its settings: connects lazily
/// (the resolver may start later) and presents `auth.client_token`.
pub fn resolver_from_settings(
    resolver: &mediamon_config::ResolverClientSettings,
    server: &mediamon_config::ServerSettings,
) -> Result<ResolverClient, ClientError> {
    let endpoint = endpoint(
        &resolver.url,
        server.tls.ca.as_deref(),
        Duration::from_secs(resolver.timeout_secs),
    )?;
    Ok(self::resolver(
        endpoint.connect_lazy(),
        Outgoing::new(server.auth.client_token.as_deref())?,
    ))
}

/// Polls grpc.health.v1 at `url` until `service` reports SERVING.
pub async fn wait_serving(url: &str, service: &str, timeout: Duration) -> Result<(), ClientError> {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::health_client::HealthClient;

    let deadline = std::time::Instant::now() + timeout;
    let endpoint = endpoint(url, None, Duration::from_secs(2))?;
    loop {
        let last = match endpoint.connect().await {
            Ok(channel) => match HealthClient::new(channel)
                .check(HealthCheckRequest {
                    service: service.to_string(),
                })
                .await
            {
                Ok(reply) if reply.get_ref().status() == ServingStatus::Serving => return Ok(()),
                Ok(reply) => format!("status {:?}", reply.get_ref().status()),
                Err(status) => status.message().to_string(),
            },
            Err(err) => err.to_string(),
        };
        if std::time::Instant::now() > deadline {
            return Err(ClientError::NotServing {
                url: url.to_string(),
                service: service.to_string(),
                last,
            });
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

pub fn ingest(channel: Channel, outgoing: Outgoing) -> IngestClient {
    IngestServiceClient::with_interceptor(channel, outgoing)
}

pub fn resolver(channel: Channel, outgoing: Outgoing) -> ResolverClient {
    EntityResolutionServiceClient::with_interceptor(channel, outgoing)
}

pub fn query(channel: Channel, outgoing: Outgoing) -> QueryClient {
    QueryServiceClient::with_interceptor(channel, outgoing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_becomes_a_bearer_header() {
        let mut out = Outgoing::new(Some("mm_abc")).expect("valid");
        let req = out.call(tonic::Request::new(())).expect("intercepted");
        assert_eq!(
            req.metadata()
                .get("authorization")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer mm_abc")
        );
        assert!(matches!(
            Outgoing::new(Some("bad\ntoken")),
            Err(ClientError::Token)
        ));
    }

    #[test]
    fn https_without_ca_is_refused() {
        let err = endpoint("https://x:1", None, Duration::from_secs(1)).expect_err("no ca");
        assert!(err.to_string().contains("tls.ca"), "{err}");
        assert!(endpoint("not a url", None, Duration::from_secs(1)).is_err());
    }
}
