//! HTTP GET with robots.txt, per-host spacing, conditional requests,
//! bounded redirects, a timeout, a size cap, and no internal addresses.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{StatusCode, Url};
use texting_robots::Robot;

use crate::guard::{AllowedHosts, InternalAddress, PublicResolver, check_url, redirect_policy};

/// How the fetcher behaves.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    /// Sent with every request, and matched against robots.txt groups.
    pub user_agent: String,
    /// For a whole request, body included.
    pub timeout: Duration,
    /// Bodies longer than this are refused.
    pub max_bytes: usize,
    pub max_redirects: usize,
    /// Least time between two requests to one host (a longer Crawl-delay in
    /// robots.txt wins, up to a minute).
    pub host_delay: Duration,
    /// How long a host's robots.txt is trusted before it is asked again.
    pub robots_ttl: Duration,
    /// Internal hosts that may be fetched all the same (on-premises feeds).
    pub allow_internal_hosts: AllowedHosts,
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            user_agent: "mediamon/0.1 (news monitoring)".into(),
            timeout: Duration::from_secs(20),
            max_bytes: 4 * 1024 * 1024,
            max_redirects: 5,
            host_delay: Duration::from_secs(1),
            robots_ttl: Duration::from_secs(3600),
            allow_internal_hosts: AllowedHosts::default(),
        }
    }
}

/// What a server said about a document's version, for the next request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The answer to a GET.
#[derive(Debug)]
pub enum Fetched {
    /// 304: the document has not changed since the validators given.
    NotModified,
    Body {
        bytes: Vec<u8>,
        content_type: Option<String>,
        validators: Validators,
        /// After redirects.
        url: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("not an http(s) URL: {0}")]
    Url(String),
    #[error("robots.txt of {0} does not allow fetching this page")]
    Disallowed(String),
    #[error("robots.txt of {0} could not be read; not fetching for now")]
    RobotsUnavailable(String),
    #[error("the server answered {0}")]
    Status(u16),
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    #[error(transparent)]
    Internal(#[from] InternalAddress),
    #[error("request failed: {0}")]
    Http(#[source] reqwest::Error),
}

impl From<reqwest::Error> for FetchError {
    /// The resolver and the redirect policy refuse an internal address
    /// through reqwest, which wraps their error: it is found again here.
    fn from(err: reqwest::Error) -> Self {
        let mut cause = std::error::Error::source(&err);
        while let Some(e) = cause {
            if let Some(refused) = e.downcast_ref::<InternalAddress>() {
                return Self::Internal(refused.clone());
            }
            cause = e.source();
        }
        Self::Http(err)
    }
}

impl FetchError {
    /// Whether asking again later may succeed (a server error, a timeout),
    /// as opposed to an answer that will not change (404, disallowed).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Status(code) => *code >= 500 || *code == 429 || *code == 408,
            FetchError::Http(_) | FetchError::RobotsUnavailable(_) => true,
            FetchError::Url(_)
            | FetchError::Disallowed(_)
            | FetchError::TooLarge(_)
            | FetchError::Internal(_) => false,
        }
    }
}

/// What a host's robots.txt says, and until when that is trusted.
struct Rules {
    robot: Option<Arc<Robot>>,
    unavailable: bool,
    expires: Instant,
}

/// A shared, polite HTTP client.
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
    robots: Mutex<HashMap<String, Rules>>,
    /// When each host may next be asked.
    next_turn: Mutex<HashMap<String, Instant>>,
}

impl Fetcher {
    pub fn new(settings: FetchSettings) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .redirect(redirect_policy(
                settings.max_redirects,
                settings.allow_internal_hosts.clone(),
            ))
            .dns_resolver(Arc::new(PublicResolver {
                allowed: settings.allow_internal_hosts.clone(),
            }))
            // A proxy would resolve names itself, past the resolver's check.
            .no_proxy()
            .build()?;
        Ok(Self {
            client,
            settings,
            robots: Mutex::default(),
            next_turn: Mutex::default(),
        })
    }

    /// GETs a URL, conditionally when validators are given.
    pub async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        // Literal addresses never reach the resolver: checked here.
        let parsed = check_url(url, &self.settings.allow_internal_hosts)?;
        let origin = parsed.origin().ascii_serialization();
        let crawl_delay = self.check_robots(&origin, &parsed).await?;
        self.wait_turn(&origin, crawl_delay).await;
        let mut request = self.client.get(parsed);
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(since) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, since);
        }
        let mut response = request.send().await?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(CONTENT_TYPE);
        let validators = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let final_url = response.url().to_string();
        let bytes = self.read_capped(&mut response).await?;
        Ok(Fetched::Body {
            bytes,
            content_type,
            validators,
            url: final_url,
        })
    }

    async fn read_capped(&self, response: &mut reqwest::Response) -> Result<Vec<u8>, FetchError> {
        let cap = self.settings.max_bytes;
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(FetchError::TooLarge(cap));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if bytes.len() + chunk.len() > cap {
                return Err(FetchError::TooLarge(cap));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// Sleeps until the host may be asked again, and books the next turn.
    async fn wait_turn(&self, origin: &str, crawl_delay: Duration) {
        let delay = self.settings.host_delay.max(crawl_delay);
        let wait = {
            let mut turns = self.next_turn.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let at = turns.get(origin).copied().unwrap_or(now).max(now);
            turns.insert(origin.to_string(), at + delay);
            at - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Fails unless the host's robots.txt allows the URL; the host's
    /// Crawl-delay (at most a minute) otherwise.
    async fn check_robots(&self, origin: &str, url: &Url) -> Result<Duration, FetchError> {
        let cached = {
            let robots = self.robots.lock().unwrap_or_else(|p| p.into_inner());
            robots
                .get(origin)
                .filter(|r| r.expires > Instant::now())
                .map(|r| (r.robot.clone(), r.unavailable))
        };
        let (robot, unavailable) = match cached {
            Some(found) => found,
            None => {
                let rules = self.fetch_robots(origin).await?;
                let found = (rules.robot.clone(), rules.unavailable);
                self.robots
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(origin.to_string(), rules);
                found
            }
        };
        if unavailable {
            return Err(FetchError::RobotsUnavailable(origin.into()));
        }
        match robot {
            Some(robot) if !robot.allowed(url.as_str()) => {
                Err(FetchError::Disallowed(origin.into()))
            }
            Some(robot) => Ok(Duration::from_secs_f32(
                robot.delay.unwrap_or(0.0).clamp(0.0, 60.0),
            )),
            None => Ok(Duration::ZERO),
        }
    }

    /// The product token robots.txt groups name ("mediamon").
    fn agent_token(&self) -> &str {
        self.settings
            .user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or_default()
    }

    /// A missing robots.txt (4xx) allows everything; a failing one (5xx,
    /// no answer) allows nothing for a few minutes. An internal address,
    /// the host's or a redirect's, refuses the whole fetch (not cached).
    async fn fetch_robots(&self, origin: &str) -> Result<Rules, FetchError> {
        let url = format!("{origin}/robots.txt");
        self.wait_turn(origin, Duration::ZERO).await;
        let ttl = self.settings.robots_ttl;
        let retry = Instant::now() + Duration::from_secs(300).min(ttl);
        let response = match self.client.get(&url).send().await.map_err(FetchError::from) {
            Ok(r) => r,
            Err(e @ FetchError::Internal(_)) => return Err(e),
            Err(e) => {
                tracing::warn!(%url, error = %e, "robots.txt unreachable");
                return Ok(Rules {
                    robot: None,
                    unavailable: true,
                    expires: retry,
                });
            }
        };
        let status = response.status();
        if status.is_server_error() {
            return Ok(Rules {
                robot: None,
                unavailable: true,
                expires: retry,
            });
        }
        let expires = Instant::now() + ttl;
        if !status.is_success() {
            return Ok(Rules {
                robot: None,
                unavailable: false,
                expires,
            });
        }
        let mut response = response;
        let body = self.read_capped(&mut response).await.unwrap_or_default();
        Ok(Rules {
            // An unreadable robots.txt restricts nothing.
            robot: Robot::new(self.agent_token(), &body).ok().map(Arc::new),
            unavailable: false,
            expires,
        })
    }
}
