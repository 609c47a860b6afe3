//! A small web site on a loopback port for the feed poller to crawl: pages
//! the test puts, redirects, ETags and 304s, and a log of every request it
//! saw.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A document the site serves.
#[derive(Clone)]
struct Page {
    body: Vec<u8>,
    content_type: String,
    etag: String,
}

/// One request the site answered.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub if_none_match: Option<String>,
    pub user_agent: Option<String>,
    pub status: u16,
}

#[derive(Default)]
struct State {
    pages: HashMap<String, Page>,
    /// Path to the Location its 302 names.
    redirects: HashMap<String, String>,
    hits: Vec<Hit>,
}

pub struct Site {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl Site {
    pub async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr: SocketAddr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
            let state = shared.clone();
            async move { answer(&state, &uri, &headers) }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            base: format!("http://{addr}"),
            state,
            task,
        })
    }

    /// Serves `body` at `path`; every put gets a new ETag.
    pub fn put(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let etag = format!("\"v{}\"", state.hits.len() + state.pages.len() + 1);
        state.pages.insert(
            path.to_string(),
            Page {
                body: body.into(),
                content_type: content_type.to_string(),
                etag,
            },
        );
    }

    /// Answers `path` with a 302 to `location`.
    pub fn redirect(&self, path: &str, location: &str) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state
            .redirects
            .insert(path.to_string(), location.to_string());
    }

    /// The requests for `path` so far.
    pub fn hits(&self, path: &str) -> Vec<Hit> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state
            .hits
            .iter()
            .filter(|h| h.path == path)
            .cloned()
            .collect()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn answer(state: &Mutex<State>, uri: &Uri, headers: &HeaderMap) -> Response {
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    let path = uri.path().to_string();
    let if_none_match = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let page = state.pages.get(&path).cloned();
    let redirect = state.redirects.get(&path).cloned();
    let (status, response) = match (page, redirect) {
        (_, Some(location)) => (
            302,
            Response::builder()
                .status(StatusCode::FOUND)
                .header(header::LOCATION, location)
                .body(Body::empty())
                .unwrap_or_default(),
        ),
        (None, None) => (404, plain(StatusCode::NOT_FOUND, "not here")),
        (Some(p), None) if if_none_match.as_deref() == Some(p.etag.as_str()) => (
            304,
            Response::builder()
                .status(StatusCode::NOT_MODIFIED)
                .header(header::ETAG, p.etag)
                .body(Body::empty())
                .unwrap_or_default(),
        ),
        (Some(p), None) => (
            200,
            Response::builder()
                .header(header::CONTENT_TYPE, p.content_type)
                .header(header::ETAG, p.etag)
                .body(Body::from(p.body))
                .unwrap_or_default(),
        ),
    };
    state.hits.push(Hit {
        path,
        if_none_match,
        user_agent,
        status,
    });
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    Response::builder()
        .status(status)
        .body(Body::from(text))
        .unwrap_or_default()
}
