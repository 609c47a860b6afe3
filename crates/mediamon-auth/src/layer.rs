//! The server-side check, as a tower layer in front of every gRPC route.

use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;
use tower::{Layer, Service};

use crate::{Access, KeyRing, required_access};

/// Checks the bearer token and scope of every request.
#[derive(Clone)]
pub struct AuthLayer {
    ring: Arc<KeyRing>,
}

impl AuthLayer {
    pub fn new(ring: KeyRing) -> Self {
        Self {
            ring: Arc::new(ring),
        }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            ring: self.ring.clone(),
        }
    }
}

/// The service [`AuthLayer`] wraps around the routes.
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    ring: Arc<KeyRing>,
}

fn bearer(headers: &http::HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl<S, B, R> Service<http::Request<B>> for AuthService<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    R: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: http::Request<B>) -> Self::Future {
        // The clone that was polled ready handles this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let Access::Scope(scope) = required_access(req.uri().path()) else {
            return Box::pin(inner.call(req));
        };
        let refusal = match bearer(req.headers()).and_then(|t| self.ring.authenticate(t)) {
            None => Some(tonic::Status::unauthenticated(
                "missing or unknown bearer token",
            )),
            Some(p) if !p.scopes.contains(&scope) => {
                tracing::info!(caller = %p.name, %scope, path = req.uri().path(), "scope missing");
                Some(tonic::Status::permission_denied(format!(
                    "key {:?} lacks scope {scope}",
                    p.name
                )))
            }
            Some(p) => {
                req.extensions_mut().insert(p.clone());
                None
            }
        };
        match refusal {
            Some(status) => Box::pin(async move { Ok(status.into_http()) }),
            None => Box::pin(inner.call(req)),
        }
    }
}
