//! Settings for every mediamon binary, loaded once at start-up with the
//! `config` crate: built-in defaults, then the file named by `--config` or
//! `MEDIAMON_CONFIG`, then environment variables with prefix `MEDIAMON_`
//! (`__` separates keys: `MEDIAMON_DATABASE__URL` sets `database.url`).
//!
//! Two standard variables are honoured as fallbacks: `DATABASE_URL` for
//! `database.url` and `OTEL_EXPORTER_OTLP_ENDPOINT` for
//! `telemetry.otlp_endpoint`.
//!
//! Invariant: this is the only crate that reads configuration from the
//! environment; everything deeper receives these structs.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

/// What can go wrong while loading settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot load settings: {0}")]
    Load(#[from] config::ConfigError),
    #[error("invalid setting {key}: {reason}")]
    Invalid { key: &'static str, reason: String },
}

/// Where the shared Postgres store is.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// A `postgres://` URL. Required by every service.
    pub url: String,
    /// Connection-pool size per process.
    pub max_connections: u32,
    /// Seconds to wait for a connection before failing a call with UNAVAILABLE.
    pub connect_timeout_secs: u64,
    /// Milliseconds any one statement may run before Postgres cancels it
    /// (0: no limit). A caller gone after its deadline would otherwise leave
    /// its statement running, holding a connection and a core.
    pub statement_timeout_ms: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: String::new(),
            max_connections: 10,
            connect_timeout_secs: 5,
            statement_timeout_ms: 30_000,
        }
    }
}

/// One API key as configured: only the SHA-256 of the token is stored.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ApiKeyEntry {
    /// Who the key belongs to, for logs and audit.
    pub name: String,
    /// Granted scopes: `ingest`, `read`, `curate`, `resolve`.
    pub scopes: Vec<String>,
    /// Lowercase hex SHA-256 of the bearer token.
    pub sha256: String,
}

/// Who may call, and how this service authenticates to the others.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// Keys listed in the settings file.
    pub keys: Vec<ApiKeyEntry>,
    /// A file with more keys, one per line: `NAME SCOPE[,SCOPE...] SHA256HEX`
    /// (the shape of a mounted Kubernetes Secret).
    pub keys_file: Option<PathBuf>,
    /// The bearer token this service presents when it calls another service.
    pub client_token: Option<String>,
}

/// TLS for the server, and the CA that clients trust.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TlsSettings {
    /// PEM certificate chain; TLS is on when this and `key` are set.
    pub cert: Option<PathBuf>,
    /// PEM private key.
    pub key: Option<PathBuf>,
    /// PEM CA bundle used to verify the services this one calls.
    pub ca: Option<PathBuf>,
}

/// Log output format.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, with trace and span ids.
    Json,
}

/// Logging and trace export.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct TelemetrySettings {
    pub format: LogFormat,
    /// An `EnvFilter` directive (`info`, `mediamon_ingest=debug`).
    pub filter: String,
    /// OTLP/gRPC collector endpoint; no export when unset.
    pub otlp_endpoint: Option<String>,
    /// Fraction of new traces sampled, in [0, 1].
    pub sample_ratio: f64,
    /// Where to serve the Prometheus scrape endpoint (`GET /metrics`);
    /// not served when unset.
    pub metrics_listen: Option<SocketAddr>,
    /// How often metrics are pushed over OTLP, in milliseconds.
    pub metrics_interval_ms: u64,
}

impl Default for TelemetrySettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info".into(),
            otlp_endpoint: None,
            sample_ratio: 1.0,
            metrics_listen: None,
            metrics_interval_ms: 30_000,
        }
    }
}

/// Settings every service shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    /// Address to listen on.
    pub listen: SocketAddr,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub tls: TlsSettings,
    pub telemetry: TelemetrySettings,
    /// Seconds in-flight calls get to finish after SIGTERM.
    pub shutdown_grace_secs: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([0, 0, 0, 0], 0)),
            database: DatabaseSettings::default(),
            auth: AuthSettings::default(),
            tls: TlsSettings::default(),
            telemetry: TelemetrySettings::default(),
            shutdown_grace_secs: 10,
        }
    }
}

/// How a service reaches the resolver.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ResolverClientSettings {
    /// `http://host:port` (or `https://` with TLS).
    pub url: String,
    /// Seconds before one call to the resolver times out.
    pub timeout_secs: u64,
}

impl Default for ResolverClientSettings {
    fn default() -> Self {
        Self {
            url: "http://127.0.0.1:50052".into(),
            timeout_secs: 30,
        }
    }
}

/// The most mentions an article may carry whatever the settings: the
/// resolver refuses an article with more, so one article's resolution stays
/// bounded in time and memory and its request within the message limit.
pub const MAX_MENTIONS_PER_ARTICLE: usize = 2_000;

/// Ingest's input limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct IngestLimits {
    /// Largest accepted article, in bytes of text or HTML.
    pub max_body_bytes: usize,
    /// Most names an article may mention; one with more is refused
    /// (RESOURCE_EXHAUSTED). At most [`MAX_MENTIONS_PER_ARTICLE`].
    pub max_mentions: usize,
    /// Most items in one IngestBatch stream; later items fail.
    pub max_batch_items: usize,
    /// Items of one IngestBatch stream prepared and stored at once.
    pub batch_concurrency: usize,
}

impl Default for IngestLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_mentions: 1_000,
            max_batch_items: 10_000,
            batch_concurrency: 4,
        }
    }
}

/// The outbox dispatcher that hands stored articles to the resolver.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct OutboxSettings {
    /// Milliseconds between polls when the outbox is empty.
    pub poll_interval_ms: u64,
    /// Items claimed per poll.
    pub batch_size: u32,
    /// Claimed items handed to the resolver at once.
    pub concurrency: u32,
    /// Seconds a claimed item stays invisible to other replicas.
    pub lease_secs: u64,
    /// Upper bound of the exponential retry backoff, in seconds.
    pub max_backoff_secs: u64,
    /// Failed hand-overs (other than to an unreachable resolver) after
    /// which an item is set aside as failed, until an operator retries it.
    pub max_attempts: u32,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self {
            poll_interval_ms: 500,
            batch_size: 16,
            concurrency: 8,
            lease_secs: 60,
            max_backoff_secs: 30,
            max_attempts: 10,
        }
    }
}

/// The feed poller in each ingest replica.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct FeedSettings {
    /// Poll registered feeds at all.
    pub enabled: bool,
    /// Milliseconds between looks for due feeds.
    pub check_interval_ms: u64,
    /// Seconds between polls of a feed registered without an interval.
    pub default_interval_secs: u32,
    /// The shortest interval a feed may be registered with.
    pub min_interval_secs: u32,
    /// Feeds polled at once by one replica.
    pub concurrency: u32,
    /// Seconds a claimed feed stays invisible to other replicas.
    pub lease_secs: u32,
    /// Least milliseconds between two requests to one host.
    pub host_delay_ms: u64,
    /// Seconds a request (body included) may take.
    pub timeout_secs: u64,
    /// Sent as User-Agent and matched against robots.txt.
    pub user_agent: String,
    /// Host names or IP literals the poller may fetch although they are
    /// internal (loopback, private, link-local...): on-premises feeds.
    /// Matched case-insensitively against a URL's host; in the environment,
    /// a comma-separated list.
    pub allow_internal_hosts: Vec<String>,
}

impl Default for FeedSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            check_interval_ms: 5_000,
            default_interval_secs: 900,
            min_interval_secs: 60,
            concurrency: 4,
            lease_secs: 600,
            host_delay_ms: 1_000,
            timeout_secs: 20,
            user_agent: "mediamon/0.1 (news monitoring)".into(),
            allow_internal_hosts: Vec::new(),
        }
    }
}

/// `mediamon-ingest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngestSettings {
    #[serde(flatten)]
    pub server: ServerSettings,
    pub resolver: ResolverClientSettings,
    pub limits: IngestLimits,
    pub outbox: OutboxSettings,
    pub feeds: FeedSettings,
}

/// `mediamon-resolver`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ResolverSettings {
    #[serde(flatten)]
    pub server: ServerSettings,
}

/// `mediamon-query`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct QuerySettings {
    #[serde(flatten)]
    pub server: ServerSettings,
    pub resolver: ResolverClientSettings,
}

/// An analyst's question that runs longer than this is cut off: a search
/// is no batch job, and its connection is needed by the next caller.
const QUERY_STATEMENT_TIMEOUT_MS: u64 = 10_000;

impl Default for QuerySettings {
    fn default() -> Self {
        let mut server = ServerSettings::default();
        server.database.statement_timeout_ms = QUERY_STATEMENT_TIMEOUT_MS;
        Self {
            server,
            resolver: ResolverClientSettings::default(),
        }
    }
}

/// Implemented by each service's settings so [`load`] can validate them.
pub trait Validate {
    /// The port `listen` defaults to.
    const DEFAULT_PORT: u16;
    fn server(&self) -> &ServerSettings;
    /// Checks beyond the shared ones.
    fn validate_more(&self) -> Result<(), ConfigError> {
        Ok(())
    }
}

impl Validate for IngestSettings {
    const DEFAULT_PORT: u16 = 50051;
    fn server(&self) -> &ServerSettings {
        &self.server
    }
    fn validate_more(&self) -> Result<(), ConfigError> {
        if self.limits.max_body_bytes == 0 {
            return Err(invalid("limits.max_body_bytes", "must be positive"));
        }
        if self.limits.max_mentions == 0 || self.limits.max_mentions > MAX_MENTIONS_PER_ARTICLE {
            return Err(invalid(
                "limits.max_mentions",
                format!("must be between 1 and {MAX_MENTIONS_PER_ARTICLE}"),
            ));
        }
        if self.limits.max_batch_items == 0 {
            return Err(invalid("limits.max_batch_items", "must be positive"));
        }
        if self.limits.batch_concurrency == 0 {
            return Err(invalid("limits.batch_concurrency", "must be positive"));
        }
        let feeds = &self.feeds;
        if feeds.min_interval_secs == 0 || feeds.default_interval_secs < feeds.min_interval_secs {
            return Err(invalid(
                "feeds.default_interval_secs",
                "must be at least feeds.min_interval_secs, which must be positive",
            ));
        }
        if feeds.concurrency == 0 || feeds.lease_secs == 0 || feeds.timeout_secs == 0 {
            return Err(invalid(
                "feeds",
                "concurrency, lease_secs and timeout_secs must be positive",
            ));
        }
        if feeds.user_agent.trim().is_empty() {
            return Err(invalid("feeds.user_agent", "must not be empty"));
        }
        if let Some(bad) = feeds
            .allow_internal_hosts
            .iter()
            .find(|h| h.trim().is_empty() || h.contains(['/', ' ']))
        {
            return Err(invalid(
                "feeds.allow_internal_hosts",
                format!("{bad:?} is not a host name or IP address (ranges are not supported)"),
            ));
        }
        if self.outbox.batch_size == 0 {
            return Err(invalid("outbox.batch_size", "must be positive"));
        }
        if self.outbox.concurrency == 0 {
            return Err(invalid("outbox.concurrency", "must be positive"));
        }
        if self.outbox.max_attempts == 0 {
            return Err(invalid("outbox.max_attempts", "must be positive"));
        }
        check_url("resolver.url", &self.resolver.url)
    }
}

impl Validate for ResolverSettings {
    const DEFAULT_PORT: u16 = 50052;
    fn server(&self) -> &ServerSettings {
        &self.server
    }
}

impl Validate for QuerySettings {
    const DEFAULT_PORT: u16 = 50053;
    fn server(&self) -> &ServerSettings {
        &self.server
    }
    fn validate_more(&self) -> Result<(), ConfigError> {
        check_url("resolver.url", &self.resolver.url)
    }
}

fn invalid(key: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        reason: reason.into(),
    }
}

fn check_url(key: &'static str, url: &str) -> Result<(), ConfigError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(invalid(
            key,
            format!("{url:?} is not an http:// or https:// URL"),
        ))
    }
}

/// The database URL from the environment, for commands that need nothing
/// else: `MEDIAMON_DATABASE__URL`, then `DATABASE_URL`.
pub fn database_url_from_env() -> Option<String> {
    std::env::var("MEDIAMON_DATABASE__URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .ok()
        .filter(|u| !u.is_empty())
}

/// Loads settings from the process environment and an optional file.
pub fn load<T: DeserializeOwned + Validate>(file: Option<&Path>) -> Result<T, ConfigError> {
    load_from(file, std::env::vars().collect())
}

/// Loads settings from an explicit environment (tests pass their own).
pub fn load_from<T: DeserializeOwned + Validate>(
    file: Option<&Path>,
    env: HashMap<String, String>,
) -> Result<T, ConfigError> {
    let file = file
        .map(Path::to_path_buf)
        .or_else(|| env.get("MEDIAMON_CONFIG").map(PathBuf::from));
    let mut builder =
        config::Config::builder().set_default("listen", format!("0.0.0.0:{}", T::DEFAULT_PORT))?;
    if let Some(url) = env.get("DATABASE_URL") {
        builder = builder.set_default("database.url", url.as_str())?;
    }
    if let Some(endpoint) = env.get("OTEL_EXPORTER_OTLP_ENDPOINT") {
        builder = builder.set_default("telemetry.otlp_endpoint", endpoint.as_str())?;
    }
    if let Some(path) = file {
        builder = builder.add_source(config::File::from(path).required(true));
    }
    let env: HashMap<String, String> = env
        .into_iter()
        .filter(|(k, _)| k.starts_with("MEDIAMON_") && k != "MEDIAMON_CONFIG")
        .collect();
    builder = builder.add_source(
        config::Environment::with_prefix("MEDIAMON")
            .prefix_separator("_")
            .separator("__")
            .try_parsing(true)
            .list_separator(",")
            .with_list_parse_key("feeds.allow_internal_hosts")
            .source(Some(env)),
    );
    let settings: T = builder.build()?.try_deserialize()?;
    validate_server(settings.server())?;
    settings.validate_more()?;
    Ok(settings)
}

fn validate_server(s: &ServerSettings) -> Result<(), ConfigError> {
    if s.database.url.is_empty() {
        return Err(invalid(
            "database.url",
            "not set (set MEDIAMON_DATABASE__URL or DATABASE_URL)",
        ));
    }
    if !(s.database.url.starts_with("postgres://") || s.database.url.starts_with("postgresql://")) {
        return Err(invalid("database.url", "must be a postgres:// URL"));
    }
    if s.database.max_connections == 0 {
        return Err(invalid("database.max_connections", "must be positive"));
    }
    if s.tls.cert.is_some() != s.tls.key.is_some() {
        return Err(invalid("tls", "cert and key must be set together"));
    }
    if !(0.0..=1.0).contains(&s.telemetry.sample_ratio) {
        return Err(invalid("telemetry.sample_ratio", "must be in [0, 1]"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_then_env_overrides() {
        let s: IngestSettings = load_from(
            None,
            env(&[
                ("DATABASE_URL", "postgres://fallback/db"),
                ("MEDIAMON_LISTEN", "127.0.0.1:7000"),
                ("MEDIAMON_OUTBOX__BATCH_SIZE", "4"),
                ("MEDIAMON_AUTH__CLIENT_TOKEN", "tok"),
            ]),
        )
        .expect("valid");
        assert_eq!(s.server.listen, "127.0.0.1:7000".parse().expect("addr"));
        assert_eq!(s.server.database.url, "postgres://fallback/db");
        assert_eq!(s.outbox.batch_size, 4);
        assert_eq!(s.outbox.poll_interval_ms, 500);
        assert_eq!(s.server.auth.client_token.as_deref(), Some("tok"));
        assert_eq!(s.limits.max_body_bytes, 1024 * 1024);
    }

    #[test]
    fn file_then_env_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("query.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:6000\"\n[database]\nurl = \"postgres://file/db\"\n\
             [[auth.keys]]\nname = \"dev\"\nscopes = [\"read\"]\nsha256 = \"ab\"\n",
        )
        .expect("write");
        let s: QuerySettings = load_from(
            Some(&path),
            env(&[("MEDIAMON_DATABASE__URL", "postgres://env/db")]),
        )
        .expect("valid");
        assert_eq!(s.server.listen.port(), 6000);
        let d: ResolverSettings =
            load_from(None, env(&[("DATABASE_URL", "postgres://x/y")])).expect("valid");
        assert_eq!(d.server.listen.port(), 50052);
        assert_eq!(s.server.database.url, "postgres://env/db");
        assert_eq!(s.server.auth.keys.len(), 1);
    }

    #[test]
    fn internal_hosts_are_allowed_by_list() {
        let s: IngestSettings =
            load_from(None, env(&[("DATABASE_URL", "postgres://x/y")])).expect("valid");
        assert!(s.feeds.allow_internal_hosts.is_empty());
        let s: IngestSettings = load_from(
            None,
            env(&[
                ("DATABASE_URL", "postgres://x/y"),
                (
                    "MEDIAMON_FEEDS__ALLOW_INTERNAL_HOSTS",
                    "feeds.intranet,10.0.0.5",
                ),
            ]),
        )
        .expect("valid");
        assert_eq!(s.feeds.allow_internal_hosts, ["feeds.intranet", "10.0.0.5"]);
        let err = load_from::<IngestSettings>(
            None,
            env(&[
                ("DATABASE_URL", "postgres://x/y"),
                ("MEDIAMON_FEEDS__ALLOW_INTERNAL_HOSTS", "10.0.0.0/8"),
            ]),
        )
        .expect_err("a range");
        assert!(
            err.to_string().contains("feeds.allow_internal_hosts"),
            "{err}"
        );
    }

    #[test]
    fn missing_database_url_is_named() {
        let err = load_from::<ResolverSettings>(None, env(&[])).expect_err("invalid");
        assert!(err.to_string().contains("database.url"), "{err}");
    }

    #[test]
    fn bad_resolver_url_is_named() {
        let err = load_from::<QuerySettings>(
            None,
            env(&[
                ("DATABASE_URL", "postgres://x/y"),
                ("MEDIAMON_RESOLVER__URL", "resolver:50052"),
            ]),
        )
        .expect_err("invalid");
        assert!(err.to_string().contains("resolver.url"), "{err}");
    }
}
