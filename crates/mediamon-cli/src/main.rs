//! `mediamon`: the one command for people. `up` runs the whole system
//! locally; `migrate` owns the schema; `key` makes API keys; `ingest`,
//! `search`, `entity` and `article` are gRPC clients of a running stack.

mod bench;
mod calls;
mod extract;
mod feeds;
mod ner;
mod outbox;
mod output;
mod up;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "mediamon",
    version,
    about = "Media monitoring: ingest, resolve, query"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where a running stack is and how to authenticate to it.
#[derive(Args, Clone)]
pub struct Connection {
    /// IngestService URL.
    #[arg(
        long,
        env = "MEDIAMON_INGEST_URL",
        default_value = "http://127.0.0.1:50051"
    )]
    pub ingest_url: String,
    /// QueryService URL.
    #[arg(
        long,
        env = "MEDIAMON_QUERY_URL",
        default_value = "http://127.0.0.1:50053"
    )]
    pub query_url: String,
    /// EntityResolutionService URL (explanations).
    #[arg(
        long,
        env = "MEDIAMON_RESOLVER_URL",
        default_value = "http://127.0.0.1:50052"
    )]
    pub resolver_url: String,
    /// API token; defaults to the development key `mediamon up` wrote to MEDIAMON_HOME.
    #[arg(long, env = "MEDIAMON_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// CA certificate for https:// URLs.
    #[arg(long, env = "MEDIAMON_CA")]
    pub ca: Option<PathBuf>,
    /// Directory for the private cluster, keys and the development token.
    #[arg(long, env = "MEDIAMON_HOME", default_value = ".mediamon")]
    pub home: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Start Postgres (private cluster unless DATABASE_URL is set), migrate,
    /// start the three services on loopback, load the demo corpus; Ctrl-C stops all.
    Up(up::UpArgs),
    /// Apply every pending schema migration to DATABASE_URL (or MEDIAMON_DATABASE__URL)
    /// and load the knowledge base of known entities (idempotent; keeps curation).
    Migrate {
        /// Postgres URL; overrides the environment.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Measure quality and speed on labeled data.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Manage API keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Print the names the recogniser finds in a plain-text file.
    Ner {
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print what ingest keeps of an HTML page or a text rendering: the
    /// story and its metadata (`-` reads stdin).
    Extract {
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// The page's address (a fallback canonical URL; its domain helps
        /// guess an undeclared charset).
        #[arg(long)]
        url: Option<String>,
        /// The Content-Type the page was served with (its charset wins; "html"
        /// in it forces HTML, anything else text).
        #[arg(long)]
        content_type: Option<String>,
    },
    /// Rebuild a trained model.
    #[command(subcommand)]
    Train(TrainCommand),
    /// Send text files (or every .txt file in a directory) to a running stack.
    Ingest {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The headline, when it is not in the file (one file only); wins
        /// over the title the file shows.
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        connection: Connection,
    },
    /// Manage the RSS/Atom feeds the ingest service polls.
    #[command(subcommand)]
    Feed(FeedCommand),
    /// Articles whose resolution failed too often: list them, retry them.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Find articles about a name (resolved through the entity knowledge base).
    Search {
        /// A name as typed ("Mottaki", "NRF").
        name: String,
        /// Also require these words in the article.
        #[arg(long)]
        text: Option<String>,
        /// Results per page.
        #[arg(long, default_value_t = 10)]
        limit: i32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Show an entity's profile, by id or by name.
    Entity {
        /// An entity id or a name.
        key: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Events (happenings linked across articles), latest reported first;
    /// with --event, one event with every report.
    Events {
        /// Only events this entity took part in (an id or a name).
        #[arg(long)]
        entity: Option<String>,
        /// Only events some report supports and another denies.
        #[arg(long)]
        contested: bool,
        /// Show this event with every report.
        #[arg(long)]
        event: Option<String>,
        /// Results per page.
        #[arg(long, default_value_t = 20)]
        limit: i32,
        /// A token a previous page printed.
        #[arg(long, default_value = "")]
        page_token: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// How often entities were mentioned: mentions and articles per hour,
    /// day, week or month, every bucket shown.
    Timeline {
        /// The entities (ids or names).
        #[arg(required = true)]
        entities: Vec<String>,
        /// From this day (YYYY-MM-DD, midnight in --time-zone) or time
        /// (RFC 3339); default: 30 days before --until.
        #[arg(long)]
        from: Option<String>,
        /// Until this day or time, not included; default: now.
        #[arg(long)]
        until: Option<String>,
        #[arg(long, value_enum, default_value_t = calls::BucketArg::Day)]
        bucket: calls::BucketArg,
        /// The IANA time zone days, weeks and months are counted in
        /// ("Europe/London"); default UTC.
        #[arg(long, default_value = "")]
        time_zone: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Who appears with whom: the entities named in the same articles as
    /// these, and the articles each pair shares.
    Graph {
        /// The entities at the centre (ids or names).
        #[arg(required = true)]
        entities: Vec<String>,
        #[command(flatten)]
        period: calls::Period,
        /// Leave out pairs sharing fewer articles.
        #[arg(long, default_value_t = 1)]
        min_weight: u32,
        /// At most this many entities, the centre included (at most 200).
        #[arg(long, default_value_t = 25)]
        max_nodes: i32,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Every article a search matches, as JSON lines on standard output
    /// (best or newest first), however many there are.
    Export {
        /// Words (web-search syntax: "a phrase", -not).
        #[arg(long)]
        text: Option<String>,
        /// Only articles that mention this entity (an id or a name);
        /// repeat for any of several.
        #[arg(long = "entity")]
        entities: Vec<String>,
        #[command(flatten)]
        period: calls::Period,
        /// Only articles from this outlet.
        #[arg(long)]
        outlet: Option<String>,
        /// Leave out the bodies.
        #[arg(long)]
        no_body: bool,
        /// Include each article's mentions.
        #[arg(long)]
        mentions: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Quotations and reported speech, newest first: by speaker, by an
    /// entity their articles mention.
    Quotes {
        /// Only quotes of this speaker (an entity id or a name).
        #[arg(long)]
        speaker: Option<String>,
        /// Only quotes in articles that mention this entity (an id or a name).
        #[arg(long)]
        mentioning: Option<String>,
        /// Results per page.
        #[arg(long, default_value_t = 20)]
        limit: i32,
        /// A token a previous page printed.
        #[arg(long, default_value = "")]
        page_token: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Show one article with its mentions and quotes.
    Article {
        /// The article id.
        id: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Why a mention resolved as it did: its name as compared, every
    /// candidate with each feature's contribution, and the decision.
    Explain {
        /// The mention id (`mediamon article ID` lists them).
        mention_id: String,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
}

/// The real news a benchmark also scores.
#[derive(Args)]
struct EcbPlus {
    /// The ECB+ folder (real news; see its README in ../shared/data).
    #[arg(long, default_value_os_t = bench::ecbplus::default_dir())]
    ecbplus: PathBuf,
    /// The ECB+ split scored: dev (tuning) or train.
    #[arg(long, default_value = "dev")]
    split: String,
    /// Skip ECB+ (the labeled set only).
    #[arg(long)]
    no_ecbplus: bool,
}

impl EcbPlus {
    /// The folder and split, unless skipped.
    fn chosen(&self) -> Option<(&std::path::Path, &str)> {
        (!self.no_ecbplus).then_some((self.ecbplus.as_path(), self.split.as_str()))
    }
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Main-content extraction: precision / recall / F1 of the story text
    /// (shingles of four words, summed over pages) and pages per second,
    /// beside trafilatura run on the same pages.
    Extract {
        /// Directory with html/<key>.html.gz and ground-truth.json.
        #[arg(long, default_value_os_t = bench::extract::default_dir())]
        data: PathBuf,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
        /// Do not run trafilatura.
        #[arg(long)]
        no_reference: bool,
        /// A Python that has trafilatura (default: ~/.cache/mediamon/trafilatura/bin/python, then python3).
        #[arg(long, env = "MEDIAMON_BENCH_PYTHON")]
        python: Option<PathBuf>,
        /// Also print F1 per page, worst first.
        #[arg(long)]
        per_page: bool,
    },
    /// The whole pipeline: generated HTML pages pushed through IngestBatch
    /// by concurrent clients into Postgres and the three services started
    /// here; accepted articles per second, item latency, resolution lag.
    Ingest {
        /// Pages to send.
        #[arg(long, default_value_t = 20_000)]
        articles: usize,
        /// Concurrent clients.
        #[arg(long, default_value_t = 4)]
        clients: usize,
        /// Items per IngestBatch stream.
        #[arg(long, default_value_t = 50)]
        batch: usize,
        /// Run the private cluster without fsync and synchronous commit:
        /// faster, and not what production runs.
        #[arg(long)]
        no_fsync: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Every QueryService call under load on a generated corpus loaded
    /// straight into a private database: p50 / p95 / p99 latency and
    /// throughput per call, then the plan of each statement of one request.
    Query {
        /// Articles to generate (a year of news; 1000000 for the large run).
        #[arg(long, default_value_t = 100_000)]
        articles: usize,
        /// Concurrent clients.
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// Requests of each call.
        #[arg(long, default_value_t = 400)]
        requests: usize,
        /// Leave out the plans.
        #[arg(long)]
        no_plans: bool,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Named-entity recognition: per-type and overall precision / recall /
    /// F1 (exact spans) and tokens per second on one thread.
    Ner {
        /// Labeled files in the CoNLL-2003 (IOB1 or IOB2) or WikiANN layout;
        /// by default CoNLL-2003 valid.txt and tests/data/ner/domain.conll.
        #[arg(long = "conll", default_values_os_t = bench::ner::default_sets())]
        conll: Vec<PathBuf>,
        /// A model file instead of the built-in model.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Quotes, time expressions, amounts and event mentions (kind, stance,
    /// source) as ingest finds them, against a labeled set: precision /
    /// recall / F1 of finding each, and of finding it right.
    Events {
        /// Labeled articles, one JSON object a line (see the README beside
        /// the default file).
        #[arg(long, default_value_os_t = bench::events::default_data())]
        data: PathBuf,
        #[command(flatten)]
        ecbplus: EcbPlus,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Names in Arabic script and Cyrillic against their Latin form: how
    /// often the resolver's comparison meets them, and how often it meets a
    /// wrong one.
    Names {
        /// The team's data/names folder.
        #[arg(long, default_value_os_t = bench::names::default_dir())]
        data: PathBuf,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
        /// Also list this many pairs that did not meet, per script.
        #[arg(long, default_value_t = 0)]
        misses: usize,
    },
    /// Entity resolution: pairwise and B-cubed precision / recall / F1,
    /// must-not-merge violations, mentions per second.
    Resolve {
        /// The written set: a directory with entities.tsv, mentions.tsv
        /// and must_not_merge.tsv.
        #[arg(long, default_value_os_t = bench::resolve::default_dir())]
        data: PathBuf,
        #[command(flatten)]
        ecbplus: EcbPlus,
        /// Print one JSON document.
        #[arg(long)]
        json: bool,
        /// Also resolve through a real resolver service over Postgres
        /// (DATABASE_URL, or a private cluster) preloaded with this many
        /// synthetic entities.
        #[arg(long, value_name = "ENTITIES", num_args = 0..=1, default_missing_value = "50000")]
        service: Option<usize>,
        /// With --service: articles resolved at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Also list the wrong merges and splits (in memory, and through the service with --service).
        #[arg(long)]
        errors: bool,
    },
}

#[derive(Subcommand)]
enum TrainCommand {
    /// The named-entity recogniser, from CoNLL-layout files (deterministic
    /// for a seed); writes the model file the build embeds.
    Ner {
        /// Labeled files (CoNLL-2003 or WikiANN layout).
        #[arg(long = "data", default_values_os_t = ner::default_training())]
        data: Vec<PathBuf>,
        #[arg(long, default_value_os_t = ner::default_model_path())]
        out: PathBuf,
        #[arg(long, default_value_t = mediamon_ner::train::Settings::default().epochs)]
        epochs: usize,
        #[arg(long, default_value_t = mediamon_ner::train::Settings::default().seed)]
        seed: u64,
        /// Averaged weights smaller than this are left out of the model.
        #[arg(long, default_value_t = mediamon_ner::train::Settings::default().prune)]
        prune: f32,
    },
}

#[derive(Subcommand)]
enum FeedCommand {
    /// Register a feed; its new items are ingested once each.
    Add {
        url: String,
        /// Seconds between polls (0: the service's default).
        #[arg(long, default_value_t = 0)]
        every: u32,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// List the feeds and how their last poll went.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Stop polling a feed (its articles stay).
    Rm {
        id: String,
        #[command(flatten)]
        connection: Connection,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// List the articles whose resolution was given up on, with the reason.
    Failed {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Queue failed articles for resolution again.
    Retry {
        /// Article ids (`mediamon outbox failed` lists them).
        ids: Vec<String>,
        /// Every failed article.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
        #[command(flatten)]
        connection: Connection,
    },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Make a new key: prints the token (give it to the caller) and the
    /// keys-file line (give it to the services).
    New {
        /// Who the key is for.
        #[arg(long)]
        name: String,
        /// Comma-separated scopes: ingest, read, curate, resolve.
        #[arg(long, value_delimiter = ',', required = true)]
        scopes: Vec<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Up(args) => up::run(args).await,
        Command::Migrate { database_url } => migrate(database_url).await,
        Command::Bench(BenchCommand::Resolve {
            data,
            ecbplus,
            json,
            service,
            concurrency,
            errors,
        }) => {
            bench::resolve::run(bench::resolve::Options {
                written: &data,
                ecbplus: ecbplus.chosen(),
                json,
                service,
                concurrency,
                errors,
            })
            .await
        }
        Command::Bench(BenchCommand::Extract {
            data,
            json,
            no_reference,
            python,
            per_page,
        }) => bench::extract::run(bench::extract::Options {
            data: &data,
            json,
            reference: !no_reference,
            python: python.as_deref(),
            per_page,
        }),
        Command::Bench(BenchCommand::Query {
            articles,
            clients,
            requests,
            no_plans,
            json,
        }) => {
            bench::query::run(bench::query::Options {
                articles,
                clients,
                requests,
                plans: !no_plans,
                json,
            })
            .await
        }
        Command::Bench(BenchCommand::Ingest {
            articles,
            clients,
            batch,
            no_fsync,
            json,
        }) => {
            bench::ingest::run(bench::ingest::Options {
                articles,
                clients,
                batch,
                no_fsync,
                json,
            })
            .await
        }
        Command::Bench(BenchCommand::Events {
            data,
            ecbplus,
            json,
        }) => bench::events::run(&data, ecbplus.chosen(), json),
        Command::Bench(BenchCommand::Names { data, json, misses }) => {
            bench::names::run(&data, json, misses)
        }
        Command::Bench(BenchCommand::Ner { conll, model, json }) => {
            bench::ner::run(&conll, model.as_deref(), json)
        }
        Command::Ner { file, json } => ner::tag_file(&file, json),
        Command::Extract {
            file,
            json,
            url,
            content_type,
        } => extract::run(extract::Options {
            file: &file,
            json,
            url: url.as_deref(),
            content_type: content_type.as_deref(),
        }),
        Command::Train(TrainCommand::Ner {
            data,
            out,
            epochs,
            seed,
            prune,
        }) => ner::train(
            &data,
            &out,
            mediamon_ner::train::Settings {
                epochs,
                seed,
                prune,
            },
        ),
        Command::Key(KeyCommand::New { name, scopes }) => {
            let scopes = scopes
                .iter()
                .map(|s| s.parse())
                .collect::<Result<Vec<mediamon_auth::Scope>, _>>()?;
            let token = mediamon_auth::generate_token();
            println!("token:          {token}");
            println!(
                "keys-file line: {}",
                mediamon_auth::key_line(&name, &scopes, &token)
            );
            Ok(())
        }
        Command::Ingest {
            paths,
            title,
            connection,
        } => calls::ingest(&connection, &paths, title).await,
        Command::Feed(FeedCommand::Add {
            url,
            every,
            json,
            connection,
        }) => feeds::add(&connection, &url, every, json).await,
        Command::Feed(FeedCommand::List { json, connection }) => {
            feeds::list(&connection, json).await
        }
        Command::Feed(FeedCommand::Rm { id, connection }) => feeds::remove(&connection, &id).await,
        Command::Outbox(OutboxCommand::Failed { json, connection }) => {
            outbox::failed(&connection, json).await
        }
        Command::Outbox(OutboxCommand::Retry {
            ids,
            all,
            connection,
        }) => outbox::retry(&connection, &ids, all).await,
        Command::Search {
            name,
            text,
            limit,
            json,
            connection,
        } => calls::search(&connection, &name, text.as_deref(), limit, json).await,
        Command::Entity {
            key,
            json,
            connection,
        } => calls::entity(&connection, &key, json).await,
        Command::Article {
            id,
            json,
            connection,
        } => calls::article(&connection, &id, json).await,
        Command::Events {
            entity,
            contested,
            event,
            limit,
            page_token,
            json,
            connection,
        } => {
            let query = calls::EventsQuery {
                entity: entity.as_deref(),
                contested,
                event: event.as_deref(),
                limit,
                page_token: &page_token,
            };
            calls::events(&connection, query, json).await
        }
        Command::Export {
            text,
            entities,
            period,
            outlet,
            no_body,
            mentions,
            connection,
        } => {
            let query = calls::ExportQuery {
                text: text.as_deref(),
                entities: &entities,
                period: &period,
                outlet: outlet.as_deref(),
                body: !no_body,
                mentions,
            };
            calls::export(&connection, query).await
        }
        Command::Timeline {
            entities,
            from,
            until,
            bucket,
            time_zone,
            json,
            connection,
        } => {
            let query = calls::TimelineQuery {
                entities: &entities,
                from: from.as_deref(),
                until: until.as_deref(),
                bucket,
                time_zone: &time_zone,
            };
            calls::timeline(&connection, query, json).await
        }
        Command::Graph {
            entities,
            period,
            min_weight,
            max_nodes,
            json,
            connection,
        } => {
            let query = calls::GraphQuery {
                entities: &entities,
                period: &period,
                min_weight,
                max_nodes,
            };
            calls::graph(&connection, query, json).await
        }
        Command::Quotes {
            speaker,
            mentioning,
            limit,
            page_token,
            json,
            connection,
        } => {
            let query = calls::QuotesQuery {
                speaker: speaker.as_deref(),
                mentioning: mentioning.as_deref(),
                limit,
                page_token: &page_token,
            };
            calls::quotes(&connection, query, json).await
        }
        Command::Explain {
            mention_id,
            json,
            connection,
        } => calls::explain(&connection, &mention_id, json).await,
    }
}

async fn migrate(database_url: Option<String>) -> anyhow::Result<()> {
    let url = match database_url {
        Some(url) => url,
        None => mediamon_config::database_url_from_env().ok_or_else(|| {
            anyhow::anyhow!("set DATABASE_URL or MEDIAMON_DATABASE__URL, or pass --database-url")
        })?,
    };
    let store = mediamon_store::Store::connect(&url, 2, std::time::Duration::from_secs(10)).await?;
    let known = store.migrate().await?;
    println!(
        "schema up to date: {}",
        store.applied_migrations().await?.join(", ")
    );
    println!(
        "knowledge base: {} known entities ({} created, {} aliases added)",
        known.entities, known.created, known.aliases_added
    );
    store.close().await?;
    Ok(())
}
