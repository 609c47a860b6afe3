//! The Postgres store: sea-orm entities, the migrations, and every query the
//! services run.
//!
//! Invariants: this is the only crate that writes SQL; an article, its
//! mentions and its outbox row are written in one transaction; resolution of
//! one article happens in one transaction that holds the article's row lock
//! and per-name advisory locks, so concurrent resolvers cannot create the same
//! entity twice.

pub mod migration;
pub mod model;

mod bulk;
mod curation;
mod events;
mod feeds;
mod ingest;
mod known;
mod outbox;
mod read;
mod resolution;
mod views;

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

pub use bulk::{BulkArticle, BulkMention};
pub use curation::{Audit, LogRow, ReviewRow};
pub use events::{EntityFacts, EventFilter, EventRow, EventTxn, KnownEvent, ReportGroup};
pub use feeds::{FeedRow, PollOutcome};
pub use ingest::{
    Annotations, Inserted, MinHash, NewAmount, NewArticle, NewEventMention, NewMention, NewQuote,
    NewTime, TraceCarrier,
};
pub use known::KnownLoad;
pub use outbox::{Backlog, FailedItem, OutboxItem};
pub use read::{
    AmountRow, ArticleCursor, ArticleFilter, ArticleRow, CoMentionRow, EntityMatchRow, EntityRow,
    EventMentionRow, MentionInContextRow, QuoteFilter, QuoteRow, TimeRow,
};
pub use resolution::{
    AliasKeys, AliasRow, NewEntity, PROBE_CAP, Probe, ResolutionTxn, StoredMention, Writes,
};
pub use uuid::Uuid;
pub use views::{Bucket, Counted, Graph, Profile, Seen, TimelineRow};

/// Store errors; services map them to gRPC codes.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached or timed out.
    #[error("database unavailable: {0}")]
    Unavailable(DbErr),
    /// Any other database failure.
    #[error("database error: {0}")]
    Db(DbErr),
    /// A row the caller named does not exist.
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
    /// A request field names something the store cannot accept.
    #[error("invalid {field}: {reason}")]
    InvalidArgument { field: String, reason: String },
    /// The row to create exists already.
    #[error("{0}")]
    AlreadyExists(String),
    /// The change would leave the store in a state it must not be in.
    #[error("{0}")]
    FailedPrecondition(String),
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> Self {
        match &err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => StoreError::Unavailable(err),
            _ => StoreError::Db(err),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A pool of connections to the store.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// Connects a pool with no statement timeout (migrations, tools, tests);
    /// fails fast when the database is not reachable.
    pub async fn connect(url: &str, max_connections: u32, timeout: Duration) -> Result<Self> {
        Self::from_settings(&mediamon_config::DatabaseSettings {
            url: url.to_owned(),
            max_connections,
            connect_timeout_secs: timeout.as_secs().max(1),
            statement_timeout_ms: 0,
        })
        .await
    }

    /// Connects with the pool settings of a service: its own pool, and a
    /// statement timeout on every connection.
    pub async fn from_settings(settings: &mediamon_config::DatabaseSettings) -> Result<Self> {
        let timeout = Duration::from_secs(settings.connect_timeout_secs);
        let mut options = ConnectOptions::new(settings.url.clone());
        options
            .max_connections(settings.max_connections)
            .connect_timeout(timeout)
            .acquire_timeout(timeout)
            .sqlx_logging(false);
        // Short statements only: JIT compiling one whose plan is estimated
        // large cost half a second a time (measured: nine tenths of event
        // linking under load), more than any of them runs.
        let limit = (settings.statement_timeout_ms > 0)
            .then(|| format!("{}ms", settings.statement_timeout_ms));
        options.map_sqlx_postgres_opts(move |pg| {
            let pg = pg.options([("jit", "off")]);
            match &limit {
                Some(limit) => pg.options([("statement_timeout", limit.as_str())]),
                None => pg,
            }
        });
        let db = Database::connect(options).await?;
        Ok(Self { db })
    }

    /// Connections of the pool: (open, idle, most allowed).
    pub fn pool_usage(&self) -> (u32, u32, u32) {
        let pool = self.db.get_postgres_connection_pool();
        let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
        (pool.size(), idle, pool.options().get_max_connections())
    }

    /// Applies every pending migration.
    /// Applies the migrations, then loads the knowledge base shipped with
    /// the product (idempotent: see [`Store::load_known`]).
    pub async fn migrate(&self) -> Result<KnownLoad> {
        migration::Migrator::up(&self.db, None).await?;
        let known = mediamon_kb::builtin()
            .map_err(|e| StoreError::FailedPrecondition(format!("knowledge base: {e}")))?;
        self.load_known(&known).await
    }

    /// Names of the migrations applied so far.
    pub async fn applied_migrations(&self) -> Result<Vec<String>> {
        Ok(migration::Migrator::get_applied_migrations(&self.db)
            .await?
            .iter()
            .map(|m| m.name().to_string())
            .collect())
    }

    /// A trivial round trip, for readiness.
    pub async fn ping(&self) -> Result<()> {
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// Runs a `SELECT count(*) AS n ...` statement.
    async fn count(&self, sql: &'static str) -> Result<i64> {
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                sql,
            ))
            .await?;
        Ok(row
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0))
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<()> {
        self.db.close().await?;
        Ok(())
    }
}

/// Creates a database on the server at `admin_url` (tests and `mediamon up`
/// make their own databases); an existing one is left alone.
pub async fn create_database(admin_url: &str, name: &str) -> Result<()> {
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(StoreError::Db(DbErr::Custom(format!(
            "database name {name:?} must be letters, digits and underscores"
        ))));
    }
    let db = Database::connect(admin_url).await?;
    let exists = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT 1 AS one FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some();
    if !exists {
        // Identifiers cannot be bound as parameters; the name was checked above.
        db.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
    }
    db.close().await?;
    Ok(())
}
