//! The gRPC handlers of QueryService.

use chrono::{DateTime, Utc};
use mediamon_client::ResolverClient;
use mediamon_proto::convert::{from_timestamp, timestamp};
use mediamon_proto::error::{check_line, check_text};
use mediamon_proto::page::{self, PageLimits};
use mediamon_proto::v1::query_service_server::QueryService;
use mediamon_proto::v1::{
    AliasCount, Article, CoMentionEdge, CoMentionNode, EntityMatch, EntityTimeline,
    ExportArticlesRequest, ExportArticlesResponse, ExportedArticle, GetArticleRequest,
    GetArticleResponse, GetCoMentionsRequest, GetCoMentionsResponse, GetEntityProfileRequest,
    GetEntityProfileResponse, GetEventRequest, GetEventResponse, GetMentionTimelineRequest,
    GetMentionTimelineResponse, ListEventsRequest, ListEventsResponse, ListQuotesRequest,
    ListQuotesResponse, OutletCount, QuoteInArticle, SearchArticlesRequest, SearchArticlesResponse,
    SearchEntitiesRequest, TimeBucket, TimeRange, TimelineBucket, TitleCount,
    get_entity_profile_request,
};
use mediamon_store::{ArticleFilter, Bucket, EventFilter, QuoteFilter, Store, Uuid};
use tonic::{Request, Response, Status};
use tracing::{Instrument, instrument};

use crate::cursor;
use crate::error::QueryError;
use crate::views;

const PAGES: PageLimits = PageLimits {
    default: 20,
    max: 100,
};
const MAX_TEXT_BYTES: usize = 1000;
const MAX_ENTITY_IDS: usize = 100;
/// How many entities one timeline call covers.
const MAX_TIMELINE_ENTITIES: usize = 20;
/// How many entities a co-mention graph may centre on.
const MAX_GRAPH_ENTITIES: usize = 10;
/// A co-mention graph's nodes: default and maximum.
const NODES: PageLimits = PageLimits {
    default: 25,
    max: 200,
};
/// The latest articles a co-mention graph is counted over: a place named
/// in tens of thousands of articles would otherwise cost seconds.
const GRAPH_ARTICLES: i64 = 1_000;
/// How many entities a typed name may stand for in an article search.
const NAME_MATCHES: i32 = 5;
/// Below this similarity a typed name is not taken to mean an entity.
const MIN_NAME_SCORE: f64 = 0.45;

/// An export reads this many articles a page...
const EXPORT_PAGE: u64 = 100;
/// ...and sends them in batches of at most this many articles, or about
/// this many bytes.
const EXPORT_BATCH: usize = 50;
const EXPORT_BATCH_BYTES: usize = 1 << 20;

/// How long a search waits for its turn before RESOURCE_EXHAUSTED.
const SEARCH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// QueryService over the shared store, asking the resolver to read names.
#[derive(Clone)]
pub struct Query {
    store: Store,
    resolver: ResolverClient,
    /// Searches running at once: at most half the pool, so however many
    /// costly searches arrive, reads of articles and profiles still find a
    /// connection.
    searches: std::sync::Arc<tokio::sync::Semaphore>,
}

impl Query {
    pub fn new(store: Store, resolver: ResolverClient) -> Self {
        let (_, _, pool) = store.pool_usage();
        let turns = usize::try_from(pool / 2).unwrap_or(1).max(1);
        Self {
            store,
            resolver,
            searches: std::sync::Arc::new(tokio::sync::Semaphore::new(turns)),
        }
    }

    /// The entities a typed name may denote, best first.
    async fn lookup(
        &self,
        field: &str,
        name: &str,
        limit: i32,
    ) -> Result<Vec<EntityMatch>, QueryError> {
        let response = self
            .resolver
            .clone()
            .search_entities(SearchEntitiesRequest {
                query: name.to_string(),
                page_size: limit,
                ..Default::default()
            })
            .await
            .map_err(|s| QueryError::from_resolver(field, &s))?;
        Ok(response
            .into_inner()
            .matches
            .into_iter()
            .filter(|m| m.score >= MIN_NAME_SCORE)
            .collect())
    }
}

/// The optional start and end of a time filter.
type Bounds = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The bounds of a time-range filter `field`, checked.
fn time_range(field: &str, range: Option<TimeRange>) -> Result<Bounds, QueryError> {
    let range = range.unwrap_or_default();
    let bound = |part: &str, t: &Option<prost_types::Timestamp>| {
        t.as_ref()
            .map(|t| {
                from_timestamp(t).ok_or_else(|| {
                    QueryError::invalid(format!("{field}.{part}"), "not a valid timestamp")
                })
            })
            .transpose()
    };
    let from = bound("start", &range.start)?;
    let until = bound("end", &range.end)?;
    if let (Some(f), Some(u)) = (from, until)
        && f >= u
    {
        return Err(QueryError::invalid(field, "start must be before end"));
    }
    Ok((from, until))
}

impl Query {
    /// An optional entity id field: none when empty, INVALID_ARGUMENT when
    /// malformed, NOT_FOUND when no such entity.
    async fn known_entity(&self, field: &'static str, id: &str) -> Result<Option<Uuid>, Status> {
        if id.is_empty() {
            return Ok(None);
        }
        let id = mediamon_wire::id_field(field, id)?;
        Ok(self.known_entities(field, &[id]).await?.pop())
    }

    /// Entity ids as they are now (a merged entity's id means its
    /// survivor), each known: NOT_FOUND names the first unknown one.
    async fn known_entities(&self, field: &str, ids: &[Uuid]) -> Result<Vec<Uuid>, Status> {
        let now = self.store.survivors(ids).await.map_err(QueryError::from)?;
        let known = self
            .store
            .existing_entities(&now)
            .await
            .map_err(QueryError::from)?;
        if let Some(i) = now.iter().position(|id| !known.contains(id)) {
            return Err(QueryError::NotFound {
                what: "entity",
                id: format!("{} ({field})", ids[i]),
            }
            .into());
        }
        Ok(now)
    }

    /// The filter of a search or an export, its fields checked.
    async fn article_filter(
        &self,
        text: &str,
        outlet: &str,
        entity_ids: &[String],
        range: Option<TimeRange>,
    ) -> Result<ArticleFilter, Status> {
        check_text("text", text)?;
        check_line("outlet", outlet)?;
        if text.len() > MAX_TEXT_BYTES {
            return Err(
                QueryError::invalid("text", format!("longer than {MAX_TEXT_BYTES} bytes")).into(),
            );
        }
        let entity_ids = if entity_ids.is_empty() {
            Vec::new()
        } else {
            self.entity_list("entity_ids", entity_ids, MAX_ENTITY_IDS)
                .await?
        };
        let (from, until) = time_range("publish_time", range)?;
        Ok(ArticleFilter {
            text: Some(text.trim().to_string()).filter(|t| !t.is_empty()),
            entity_ids,
            from,
            until,
            outlet: Some(outlet.trim().to_string()).filter(|o| !o.is_empty()),
        })
    }

    /// A repeated entity id field: 1 to `max` ids, parsed, as they are now.
    async fn entity_list(
        &self,
        field: &str,
        ids: &[String],
        max: usize,
    ) -> Result<Vec<Uuid>, Status> {
        if ids.is_empty() {
            return Err(QueryError::invalid(field, "give at least one entity id").into());
        }
        if ids.len() > max {
            return Err(QueryError::invalid(field, format!("more than {max}")).into());
        }
        let parsed = ids
            .iter()
            .enumerate()
            .map(|(i, id)| mediamon_wire::id_field(&format!("{field}[{i}]"), id))
            .collect::<Result<Vec<_>, _>>()?;
        let mut now = self.known_entities(field, &parsed).await?;
        // Two ids merged into one are one entity.
        let mut seen = std::collections::HashSet::new();
        now.retain(|id| seen.insert(*id));
        Ok(now)
    }
}

/// A turn to search (at most half the pool search at once), or
/// RESOURCE_EXHAUSTED after waiting [`SEARCH_WAIT`].
async fn search_turn(
    searches: &tokio::sync::Semaphore,
) -> Result<tokio::sync::SemaphorePermit<'_>, QueryError> {
    tokio::time::timeout(SEARCH_WAIT, searches.acquire())
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or(QueryError::Busy)
}

/// Streams an export's batches into `tx` until the search is exhausted or
/// the client is gone; a failure ends the stream with its status.
async fn export(
    store: Store,
    searches: std::sync::Arc<tokio::sync::Semaphore>,
    filter: ArticleFilter,
    req: ExportArticlesRequest,
    tx: tokio::sync::mpsc::Sender<Result<ExportArticlesResponse, Status>>,
) {
    let mut after = None;
    let mut sent = 0usize;
    loop {
        let page = async {
            let _turn = search_turn(&searches).await?;
            let rows = store.search_articles(&filter, after, EXPORT_PAGE).await?;
            let ids: Vec<Uuid> = rows.iter().map(|(a, _)| a.id).collect();
            let bodies = if req.include_body {
                store.article_bodies(&ids).await?
            } else {
                Vec::new()
            };
            let mentions = if req.include_mentions {
                store.articles_mentions(&ids).await?
            } else {
                Vec::new()
            };
            Ok::<_, QueryError>((rows, bodies, mentions))
        };
        let (rows, mut bodies, mentions) = match page.await {
            Ok(page) => page,
            Err(e) => {
                let _ = tx.send(Err(e.into())).await;
                return;
            }
        };
        let done = (rows.len() as u64) < EXPORT_PAGE;
        after = rows.last().map(|(_, key)| *key);
        let mut batch = Vec::new();
        let mut bytes = 0;
        for (row, _) in &rows {
            let body = bodies
                .iter_mut()
                .find(|(id, _)| *id == row.id)
                .map(|(_, b)| std::mem::take(b))
                .unwrap_or_default();
            bytes += body.len() + row.title.len() + 256;
            batch.push(ExportedArticle {
                summary: Some(mediamon_wire::article_summary(row)),
                body,
                mentions: mentions
                    .iter()
                    .filter(|m| m.article_id == row.id)
                    .map(mediamon_wire::mention)
                    .collect(),
            });
            if bytes >= EXPORT_BATCH_BYTES || batch.len() == EXPORT_BATCH {
                bytes = 0;
                sent += batch.len();
                let articles = std::mem::take(&mut batch);
                if tx
                    .send(Ok(ExportArticlesResponse { articles }))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
        if !batch.is_empty() {
            sent += batch.len();
            if tx
                .send(Ok(ExportArticlesResponse { articles: batch }))
                .await
                .is_err()
            {
                return;
            }
        }
        if done {
            tracing::debug!(sent, "export finished");
            return;
        }
    }
}

fn entity_uuid(m: &EntityMatch) -> Option<Uuid> {
    m.entity
        .as_ref()
        .and_then(|e| mediamon_wire::parse_id(&e.id))
}

#[tonic::async_trait]
impl QueryService for Query {
    #[instrument(skip_all, fields(text = %request.get_ref().text, entity_name = %request.get_ref().entity_name, results))]
    async fn search_articles(
        &self,
        request: Request<SearchArticlesRequest>,
    ) -> Result<Response<SearchArticlesResponse>, Status> {
        let req = request.into_inner();
        check_line("entity_name", &req.entity_name)?;
        let mut filter = self
            .article_filter(&req.text, &req.outlet, &req.entity_ids, req.publish_time)
            .await?;
        let (cursor, limit) = page::parse_cursor(req.page_size, &req.page_token, PAGES)
            .map_err(|e| QueryError::invalid(e.field(), e.to_string()))?;
        let after =
            match cursor {
                None => None,
                Some(text) => Some(cursor::decode(&req, &text).ok_or_else(|| {
                    QueryError::invalid("page_token", "not a token of this search")
                })?),
            };
        let mut matched_entities = Vec::new();
        if !req.entity_name.trim().is_empty() {
            matched_entities = self
                .lookup("entity_name", &req.entity_name, NAME_MATCHES)
                .await?;
            if matched_entities.is_empty() {
                // A name that denotes nothing matches no article.
                return Ok(Response::new(SearchArticlesResponse::default()));
            }
            filter
                .entity_ids
                .extend(matched_entities.iter().filter_map(entity_uuid));
        }
        let _turn = search_turn(&self.searches).await?;
        let rows = self
            .store
            .search_articles(&filter, after, limit)
            .await
            .map_err(QueryError::from)?;
        tracing::Span::current().record("results", rows.len());
        let next_page_token = match rows.last() {
            Some((_, last)) if rows.len() as u64 == limit => {
                page::cursor_token(&cursor::encode(&req, last))
            }
            _ => String::new(),
        };
        Ok(Response::new(SearchArticlesResponse {
            next_page_token,
            articles: rows
                .iter()
                .map(|(a, _)| mediamon_wire::article_summary(a))
                .collect(),
            matched_entities,
        }))
    }

    type ExportArticlesStream =
        tokio_stream::wrappers::ReceiverStream<Result<ExportArticlesResponse, Status>>;

    #[instrument(skip_all, fields(text = %request.get_ref().text))]
    async fn export_articles(
        &self,
        request: Request<ExportArticlesRequest>,
    ) -> Result<Response<Self::ExportArticlesStream>, Status> {
        let req = request.into_inner();
        let filter = self
            .article_filter(&req.text, &req.outlet, &req.entity_ids, req.publish_time)
            .await?;
        // Two batches wait at most: a slow client slows the export down.
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        tokio::spawn(
            export(self.store.clone(), self.searches.clone(), filter, req, tx)
                .instrument(tracing::Span::current()),
        );
        Ok(Response::new(tokio_stream::wrappers::ReceiverStream::new(
            rx,
        )))
    }

    #[instrument(skip_all, fields(article_id = %request.get_ref().article_id))]
    async fn get_article(
        &self,
        request: Request<GetArticleRequest>,
    ) -> Result<Response<GetArticleResponse>, Status> {
        let id = mediamon_wire::id_field("article_id", &request.get_ref().article_id)?;
        let (row, body) = self
            .store
            .get_article(id)
            .await
            .map_err(QueryError::from)?
            .ok_or_else(|| QueryError::NotFound {
                what: "article",
                id: id.to_string(),
            })?;
        let mentions = self
            .store
            .article_mentions(id)
            .await
            .map_err(QueryError::from)?;
        let quotes = self
            .store
            .article_quotes(id)
            .await
            .map_err(QueryError::from)?;
        let times = self
            .store
            .article_times(id)
            .await
            .map_err(QueryError::from)?;
        let amounts = self
            .store
            .article_amounts(id)
            .await
            .map_err(QueryError::from)?;
        let events = self
            .store
            .article_events(id)
            .await
            .map_err(QueryError::from)?;
        Ok(Response::new(GetArticleResponse {
            article: Some(Article {
                summary: Some(mediamon_wire::article_summary(&row)),
                body,
                mentions: mentions.iter().map(mediamon_wire::mention).collect(),
                quotes: quotes.iter().map(mediamon_wire::quotation).collect(),
                time_expressions: times.iter().map(mediamon_wire::time_expression).collect(),
                amounts: amounts.iter().map(mediamon_wire::amount).collect(),
                event_mentions: events.iter().map(mediamon_wire::event_mention).collect(),
            }),
        }))
    }

    #[instrument(skip_all, fields(results))]
    async fn list_events(
        &self,
        request: Request<ListEventsRequest>,
    ) -> Result<Response<ListEventsResponse>, Status> {
        let req = request.into_inner();
        let entity = self.known_entity("entity_id", &req.entity_id).await?;
        let place = self
            .known_entity("place_entity_id", &req.place_entity_id)
            .await?;
        let mut kinds = Vec::new();
        for (i, k) in req.kinds.iter().enumerate() {
            let kind = mediamon_proto::v1::EventKind::try_from(*k)
                .ok()
                .and_then(mediamon_wire::event_kind_code)
                .ok_or_else(|| QueryError::invalid(format!("kinds[{i}]"), "not an event kind"))?;
            // Events are kept by kind family: a planned meeting is a meeting.
            let family = mediamon_events::Kind::from_code(kind).map_or(kind, |k| k.family().code());
            kinds.push(family.to_string());
        }
        let stance = match mediamon_proto::v1::Stance::try_from(req.stance) {
            Ok(mediamon_proto::v1::Stance::Unspecified) => None,
            Ok(s) => mediamon_wire::stance_code(s).map(str::to_string),
            Err(_) => return Err(QueryError::invalid("stance", "not a stance").into()),
        };
        let (offset, limit) = page::parse(req.page_size, &req.page_token, PAGES)
            .map_err(|e| QueryError::invalid(e.field(), e.to_string()))?;
        let (from, until) = time_range("report_time", req.report_time)?;
        let filter = EventFilter {
            entity,
            place,
            kinds,
            stance,
            contested_only: req.contested_only,
            from,
            until,
        };
        let rows = self
            .store
            .list_events(&filter, offset, limit)
            .await
            .map_err(QueryError::from)?;
        tracing::Span::current().record("results", rows.len());
        Ok(Response::new(ListEventsResponse {
            next_page_token: page::next_token(offset, limit, rows.len()),
            events: rows.iter().map(mediamon_wire::event).collect(),
        }))
    }

    #[instrument(skip_all, fields(event_id = %request.get_ref().event_id))]
    async fn get_event(
        &self,
        request: Request<GetEventRequest>,
    ) -> Result<Response<GetEventResponse>, Status> {
        let id = mediamon_wire::id_field("event_id", &request.get_ref().event_id)?;
        let event = self
            .store
            .get_event(id)
            .await
            .map_err(QueryError::from)?
            .ok_or_else(|| QueryError::NotFound {
                what: "event",
                id: id.to_string(),
            })?;
        let reports = self
            .store
            .event_reports(id)
            .await
            .map_err(QueryError::from)?;
        let mut ids: Vec<Uuid> = reports.iter().map(|r| r.article_id).collect();
        ids.dedup();
        let articles = self
            .store
            .article_summaries(&ids)
            .await
            .map_err(QueryError::from)?;
        Ok(Response::new(GetEventResponse {
            event: Some(mediamon_wire::event(&event)),
            reports: reports
                .iter()
                .map(|r| mediamon_proto::v1::EventReport {
                    mention: Some(mediamon_wire::event_mention(r)),
                    article: articles
                        .iter()
                        .find(|a| a.id == r.article_id)
                        .map(mediamon_wire::article_summary),
                })
                .collect(),
        }))
    }

    #[instrument(skip_all, fields(results))]
    async fn list_quotes(
        &self,
        request: Request<ListQuotesRequest>,
    ) -> Result<Response<ListQuotesResponse>, Status> {
        let req = request.into_inner();
        let speaker = self
            .known_entity("speaker_entity_id", &req.speaker_entity_id)
            .await?;
        let mentioned = self
            .known_entity("mentioned_entity_id", &req.mentioned_entity_id)
            .await?;
        let (offset, limit) = page::parse(req.page_size, &req.page_token, PAGES)
            .map_err(|e| QueryError::invalid(e.field(), e.to_string()))?;
        let (from, until) = time_range("publish_time", req.publish_time)?;
        let filter = QuoteFilter {
            speaker,
            mentioned,
            from,
            until,
        };
        let rows = self
            .store
            .list_quotes(&filter, offset, limit)
            .await
            .map_err(QueryError::from)?;
        tracing::Span::current().record("results", rows.len());
        Ok(Response::new(ListQuotesResponse {
            next_page_token: page::next_token(offset, limit, rows.len()),
            quotes: rows
                .iter()
                .map(|(q, a)| QuoteInArticle {
                    quote: Some(mediamon_wire::quotation(q)),
                    article: Some(mediamon_wire::article_summary(a)),
                })
                .collect(),
        }))
    }

    #[instrument(skip_all, fields(entity_id))]
    async fn get_entity_profile(
        &self,
        request: Request<GetEntityProfileRequest>,
    ) -> Result<Response<GetEntityProfileResponse>, Status> {
        let req = request.into_inner();
        let (_, limit) = page::parse(req.max_items, "", PAGES)
            .map_err(|_| QueryError::invalid("max_items", "must not be negative"))?;
        let (id, other_matches) = match req.entity {
            Some(get_entity_profile_request::Entity::EntityId(id)) => {
                (mediamon_wire::id_field("entity_id", &id)?, Vec::new())
            }
            Some(get_entity_profile_request::Entity::Name(name)) => {
                check_line("name", &name)?;
                if name.trim().is_empty() {
                    return Err(QueryError::invalid("name", "must not be empty").into());
                }
                let mut matches = self.lookup("name", &name, NAME_MATCHES).await?;
                if matches.is_empty() {
                    return Err(QueryError::NotFound {
                        what: "entity named",
                        id: mediamon_proto::error::quote(&name),
                    }
                    .into());
                }
                let best = matches.remove(0);
                let id = entity_uuid(&best)
                    .ok_or_else(|| QueryError::Resolver("match without an entity id".into()))?;
                (id, matches)
            }
            None => return Err(QueryError::invalid("entity", "give entity_id or name").into()),
        };
        let asked = id;
        let id = self
            .store
            .survivors(&[id])
            .await
            .map_err(QueryError::from)?
            .pop()
            .unwrap_or(asked);
        tracing::Span::current().record("entity_id", tracing::field::display(id));
        let p = self
            .store
            .entity_profile(id, limit)
            .await
            .map_err(QueryError::from)?
            .ok_or_else(|| QueryError::NotFound {
                what: "entity",
                id: asked.to_string(),
            })?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(Response::new(GetEntityProfileResponse {
            entity: Some(mediamon_wire::entity(&p.entity)),
            recent_mentions: p
                .recent_mentions
                .iter()
                .map(mediamon_wire::mention_in_context)
                .collect(),
            articles: p
                .articles
                .iter()
                .map(mediamon_wire::article_summary)
                .collect(),
            co_mentions: p
                .co_mentions
                .iter()
                .map(mediamon_wire::co_mention)
                .collect(),
            other_matches,
            alias_counts: views::alias_counts(&p.entity.aliases, &p.texts)
                .into_iter()
                .map(|(alias, n)| AliasCount {
                    alias,
                    mention_count: count(n),
                })
                .collect(),
            titles: p
                .titles
                .iter()
                .map(|t| TitleCount {
                    title: t.name.clone(),
                    mention_count: count(t.count),
                })
                .collect(),
            first_seen_time: p.seen.first_seen.map(timestamp),
            last_seen_time: p.seen.last_seen.map(timestamp),
            article_count: count(p.seen.article_count),
            top_outlets: p
                .outlets
                .iter()
                .map(|o| OutletCount {
                    outlet: o.name.clone(),
                    article_count: count(o.count),
                })
                .collect(),
            redirected_from_id: if asked == id {
                String::new()
            } else {
                asked.to_string()
            },
        }))
    }

    #[instrument(skip_all, fields(entities = request.get_ref().entity_ids.len()))]
    async fn get_mention_timeline(
        &self,
        request: Request<GetMentionTimelineRequest>,
    ) -> Result<Response<GetMentionTimelineResponse>, Status> {
        let req = request.into_inner();
        let bucket = match TimeBucket::try_from(req.bucket) {
            Ok(TimeBucket::Hour) => Bucket::Hour,
            Ok(TimeBucket::Unspecified | TimeBucket::Day) => Bucket::Day,
            Ok(TimeBucket::Week) => Bucket::Week,
            Ok(TimeBucket::Month) => Bucket::Month,
            Err(_) => return Err(QueryError::invalid("bucket", "not a bucket width").into()),
        };
        check_line("time_zone", &req.time_zone)?;
        let zone = match req.time_zone.trim() {
            "" => chrono_tz::Tz::UTC,
            name => name.parse::<chrono_tz::Tz>().map_err(|_| {
                QueryError::invalid("time_zone", "not an IANA time zone (e.g. Europe/London)")
            })?,
        };
        let (Some(from), Some(until)) = time_range("publish_time", req.publish_time)? else {
            return Err(QueryError::invalid("publish_time", "give both start and end").into());
        };
        let starts = views::bucket_starts(from, until, bucket, zone).ok_or_else(|| {
            QueryError::invalid(
                "publish_time",
                format!(
                    "more than {} buckets: use wider buckets",
                    views::MAX_BUCKETS
                ),
            )
        })?;
        let ids = self
            .entity_list("entity_ids", &req.entity_ids, MAX_TIMELINE_ENTITIES)
            .await?;
        let rows = self
            .store
            .mention_timeline(&ids, from, until, bucket, zone.name())
            .await
            .map_err(QueryError::from)?;
        let entities = self
            .store
            .get_entities(&ids)
            .await
            .map_err(QueryError::from)?;
        Ok(Response::new(GetMentionTimelineResponse {
            timelines: entities
                .iter()
                .map(|e| EntityTimeline {
                    entity: Some(mediamon_wire::entity(e)),
                    buckets: views::zero_filled(&starts, &rows, e.id)
                        .into_iter()
                        .map(|(start, mentions, articles)| TimelineBucket {
                            start_time: Some(timestamp(start)),
                            mention_count: u64::try_from(mentions).unwrap_or(0),
                            article_count: u64::try_from(articles).unwrap_or(0),
                        })
                        .collect(),
                })
                .collect(),
        }))
    }

    #[instrument(skip_all, fields(entities = request.get_ref().entity_ids.len(), nodes, edges))]
    async fn get_co_mentions(
        &self,
        request: Request<GetCoMentionsRequest>,
    ) -> Result<Response<GetCoMentionsResponse>, Status> {
        let req = request.into_inner();
        let (_, max_nodes) = page::parse(req.max_nodes, "", NODES)
            .map_err(|_| QueryError::invalid("max_nodes", "must not be negative"))?;
        let range = time_range("publish_time", req.publish_time)?;
        let ids = self
            .entity_list("entity_ids", &req.entity_ids, MAX_GRAPH_ENTITIES)
            .await?;
        let max_nodes = i64::try_from(max_nodes).unwrap_or(i64::MAX);
        if usize::try_from(max_nodes).unwrap_or(usize::MAX) < ids.len() {
            return Err(QueryError::invalid(
                "max_nodes",
                "must leave room for every entity asked about",
            )
            .into());
        }
        let graph = self
            .store
            .co_mention_graph(
                &ids,
                range,
                GRAPH_ARTICLES,
                max_nodes,
                i64::from(req.min_weight.max(1)),
            )
            .await
            .map_err(QueryError::from)?;
        let span = tracing::Span::current();
        span.record("nodes", graph.nodes.len());
        span.record("edges", graph.edges.len());
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(Response::new(GetCoMentionsResponse {
            nodes: graph
                .nodes
                .iter()
                .map(|(e, n)| CoMentionNode {
                    entity: Some(mediamon_wire::entity(e)),
                    article_count: count(*n),
                    center: ids.contains(&e.id),
                })
                .collect(),
            edges: graph
                .edges
                .iter()
                .map(|(a, b, n)| CoMentionEdge {
                    source_entity_id: a.to_string(),
                    target_entity_id: b.to_string(),
                    article_count: count(*n),
                })
                .collect(),
            article_count: count(graph.articles),
            truncated: graph.truncated,
        }))
    }
}
