//! The gRPC handlers of EntityResolutionService.

use mediamon_auth::Principal;
use mediamon_config::MAX_MENTIONS_PER_ARTICLE;
use mediamon_proto::convert::entity_type_code;
use mediamon_proto::error::check_line;
use mediamon_proto::page::{self, PageLimits};
use mediamon_proto::v1::entity_resolution_service_server::EntityResolutionService;
use mediamon_proto::v1::{
    AddAliasRequest, AddAliasResponse, EntityType, ExplainResolutionRequest,
    ExplainResolutionResponse, GetEntityRequest, GetEntityResponse, ListCurationLogRequest,
    ListCurationLogResponse, ListReviewCandidatesRequest, ListReviewCandidatesResponse,
    MentionResolution, MergeEntitiesRequest, MergeEntitiesResponse, RemoveAliasRequest,
    RemoveAliasResponse, ResolveMentionsRequest, ResolveMentionsResponse, SearchEntitiesRequest,
    SearchEntitiesResponse, SetCanonicalNameRequest, SetCanonicalNameResponse, SplitEntityRequest,
    SplitEntityResponse,
};
use mediamon_store::Store;
use tonic::{Request, Response, Status};
use tracing::instrument;

use crate::curation;
use crate::error::ResolverError;
use crate::events::WholeCache;
use crate::resolve::{NameCache, resolve_article};
use opentelemetry::KeyValue;
use opentelemetry::metrics::Counter;

const PAGES: PageLimits = PageLimits {
    default: 10,
    max: 100,
};
/// Longest name a lookup accepts, in bytes.
const MAX_QUERY_BYTES: usize = 512;

/// EntityResolutionService over the shared store.
#[derive(Clone)]
pub struct Resolver {
    store: Store,
    names: NameCache,
    wholes: WholeCache,
    /// `mediamon.resolver.decisions`: mentions resolved, by decision.
    decisions: Counter<u64>,
}

/// Analysed alias names kept per process: a few kB each, so tens of MB at
/// most, enough for the aliases a busy day's articles keep meeting.
const NAME_CACHE_ENTRIES: usize = 50_000;
/// What entities lie within, kept per process: 50 bytes an entry.
const WHOLE_CACHE_ENTRIES: usize = 200_000;

impl Resolver {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            names: NameCache::new(NAME_CACHE_ENTRIES),
            wholes: WholeCache::new(WHOLE_CACHE_ENTRIES),
            decisions: mediamon_telemetry::metrics::meter()
                .u64_counter("mediamon.resolver.decisions")
                .with_description("mentions resolved, by decision (new_entity, exact_alias, ...)")
                .build(),
        }
    }
}

fn parse_type(field: &str, value: i32) -> Result<Option<&'static str>, ResolverError> {
    EntityType::try_from(value)
        .map(entity_type_code)
        .map_err(|_| ResolverError::invalid(field, format!("unknown entity type {value}")))
}

#[tonic::async_trait]
impl EntityResolutionService for Resolver {
    #[instrument(skip_all, fields(article_id = %request.get_ref().article_id, mentions = request.get_ref().mentions.len()))]
    async fn resolve_mentions(
        &self,
        request: Request<ResolveMentionsRequest>,
    ) -> Result<Response<ResolveMentionsResponse>, Status> {
        let req = request.into_inner();
        let article_id = mediamon_wire::id_field("article_id", &req.article_id)?;
        if req.mentions.len() > MAX_MENTIONS_PER_ARTICLE {
            return Err(ResolverError::invalid(
                "mentions",
                format!("more than {MAX_MENTIONS_PER_ARTICLE} mentions in one article"),
            )
            .into());
        }
        let claimed = req
            .mentions
            .iter()
            .enumerate()
            .map(|(i, m)| mediamon_wire::id_field(&format!("mentions[{i}].id"), &m.id))
            .collect::<Result<Vec<_>, _>>()?;
        let resolved =
            resolve_article(&self.store, &self.names, &self.wholes, article_id, &claimed).await?;
        tracing::info!(
            links = resolved.links.len(),
            already_resolved = resolved.already_resolved,
            "article resolved"
        );
        if !resolved.already_resolved {
            for link in &resolved.links {
                let name = link.decision.as_str_name();
                let name = name.strip_prefix("RESOLUTION_DECISION_").unwrap_or(name);
                self.decisions
                    .add(1, &[KeyValue::new("decision", name.to_ascii_lowercase())]);
            }
        }
        Ok(Response::new(ResolveMentionsResponse {
            resolutions: resolved
                .links
                .into_iter()
                .map(|l| MentionResolution {
                    mention_id: l.mention_id.to_string(),
                    entity_id: l.entity_id.to_string(),
                    decision: l.decision as i32,
                })
                .collect(),
            already_resolved: resolved.already_resolved,
        }))
    }

    #[instrument(skip_all, fields(entity_id = %request.get_ref().entity_id))]
    async fn get_entity(
        &self,
        request: Request<GetEntityRequest>,
    ) -> Result<Response<GetEntityResponse>, Status> {
        let id = mediamon_wire::id_field("entity_id", &request.get_ref().entity_id)?;
        let row = self
            .store
            .get_entities(&[id])
            .await
            .map_err(ResolverError::from)?
            .pop()
            .ok_or_else(|| ResolverError::NotFound {
                what: "entity",
                id: id.to_string(),
            })?;
        Ok(Response::new(GetEntityResponse {
            entity: Some(mediamon_wire::entity(&row)),
        }))
    }

    #[instrument(skip_all, fields(query = %request.get_ref().query))]
    async fn search_entities(
        &self,
        request: Request<SearchEntitiesRequest>,
    ) -> Result<Response<SearchEntitiesResponse>, Status> {
        let req = request.into_inner();
        check_line("query", &req.query)?;
        if req.query.len() > MAX_QUERY_BYTES {
            return Err(ResolverError::invalid(
                "query",
                format!("longer than {MAX_QUERY_BYTES} bytes"),
            )
            .into());
        }
        let entity_type = parse_type("type", req.r#type)?;
        // An untyped query is read as a person's name (titles dropped).
        let name = mediamon_names::analyze(&req.query, entity_type.unwrap_or(""));
        if name.is_empty() {
            return Err(ResolverError::invalid("query", "must contain a name").into());
        }
        // Only a typed acronym looks up acronyms; "Ahmad Massoud" is not "AM".
        let mut keys = mediamon_resolution::alias_keys(req.query.trim(), &name, "ORG");
        if !mediamon_names::is_acronym(req.query.trim()) {
            keys.initialism = None;
        }
        let (offset, limit) = page::parse(req.page_size, &req.page_token, PAGES)
            .map_err(|e| ResolverError::invalid(e.field(), e.to_string()))?;
        let rows = self
            .store
            .search_entities(&keys, entity_type, offset, limit)
            .await
            .map_err(ResolverError::from)?;
        tracing::debug!(matches = rows.len(), "entity search");
        Ok(Response::new(SearchEntitiesResponse {
            next_page_token: page::next_token(offset, limit, rows.len()),
            matches: rows.iter().map(mediamon_wire::entity_match).collect(),
        }))
    }

    #[instrument(skip_all, fields(target = %request.get_ref().target_entity_id))]
    async fn merge_entities(
        &self,
        request: Request<MergeEntitiesRequest>,
    ) -> Result<Response<MergeEntitiesResponse>, Status> {
        let who = curation::audit(
            request.extensions().get::<Principal>(),
            &request.get_ref().reason,
        )?;
        let entity = curation::merge(&self.store, request.get_ref(), &who).await?;
        tracing::info!(actor = who.actor, "entities merged");
        Ok(Response::new(MergeEntitiesResponse {
            entity: Some(entity),
        }))
    }

    #[instrument(skip_all, fields(entity_id = %request.get_ref().entity_id))]
    async fn split_entity(
        &self,
        request: Request<SplitEntityRequest>,
    ) -> Result<Response<SplitEntityResponse>, Status> {
        let who = curation::audit(
            request.extensions().get::<Principal>(),
            &request.get_ref().reason,
        )?;
        let (source, target) = curation::split(&self.store, request.get_ref(), &who).await?;
        tracing::info!(actor = who.actor, "entity split");
        Ok(Response::new(SplitEntityResponse {
            source: Some(source),
            target: Some(target),
        }))
    }

    #[instrument(skip_all, fields(entity_id = %request.get_ref().entity_id))]
    async fn add_alias(
        &self,
        request: Request<AddAliasRequest>,
    ) -> Result<Response<AddAliasResponse>, Status> {
        let who = curation::audit(
            request.extensions().get::<Principal>(),
            &request.get_ref().reason,
        )?;
        let entity = curation::add_alias(&self.store, request.get_ref(), &who).await?;
        Ok(Response::new(AddAliasResponse {
            entity: Some(entity),
        }))
    }

    #[instrument(skip_all, fields(entity_id = %request.get_ref().entity_id))]
    async fn remove_alias(
        &self,
        request: Request<RemoveAliasRequest>,
    ) -> Result<Response<RemoveAliasResponse>, Status> {
        let who = curation::audit(
            request.extensions().get::<Principal>(),
            &request.get_ref().reason,
        )?;
        let entity = curation::remove_alias(&self.store, request.get_ref(), &who).await?;
        Ok(Response::new(RemoveAliasResponse {
            entity: Some(entity),
        }))
    }

    #[instrument(skip_all, fields(entity_id = %request.get_ref().entity_id))]
    async fn set_canonical_name(
        &self,
        request: Request<SetCanonicalNameRequest>,
    ) -> Result<Response<SetCanonicalNameResponse>, Status> {
        let who = curation::audit(
            request.extensions().get::<Principal>(),
            &request.get_ref().reason,
        )?;
        let entity = curation::set_canonical_name(&self.store, request.get_ref(), &who).await?;
        Ok(Response::new(SetCanonicalNameResponse {
            entity: Some(entity),
        }))
    }

    #[instrument(skip_all, fields(entity_id = %request.get_ref().entity_id))]
    async fn list_curation_log(
        &self,
        request: Request<ListCurationLogRequest>,
    ) -> Result<Response<ListCurationLogResponse>, Status> {
        Ok(Response::new(
            curation::curation_log(&self.store, request.get_ref()).await?,
        ))
    }

    #[instrument(skip_all)]
    async fn list_review_candidates(
        &self,
        request: Request<ListReviewCandidatesRequest>,
    ) -> Result<Response<ListReviewCandidatesResponse>, Status> {
        Ok(Response::new(
            curation::review_candidates(&self.store, request.get_ref()).await?,
        ))
    }

    #[instrument(skip_all, fields(mention_id = %request.get_ref().mention_id))]
    async fn explain_resolution(
        &self,
        request: Request<ExplainResolutionRequest>,
    ) -> Result<Response<ExplainResolutionResponse>, Status> {
        Ok(Response::new(
            curation::explain(&self.store, request.get_ref()).await?,
        ))
    }
}
