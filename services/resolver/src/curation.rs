//! Curation and explanation handlers' logic: validate the request, call the
//! store in one audited transaction, answer with the changed entities.

use mediamon_auth::Principal;
use mediamon_names::{
    Relation, analyze, compare, has_acronyms, initialism, is_acronym, token_similarity,
};
use mediamon_proto::error::{check_line, check_text};
use mediamon_proto::page::{self, PageLimits};
use mediamon_proto::v1::{
    AddAliasRequest, CandidateExplanation, CurationLogEntry, DecisionEvidence, Entity,
    ExplainResolutionRequest, ExplainResolutionResponse, FeatureContribution,
    ListCurationLogRequest, ListCurationLogResponse, ListReviewCandidatesRequest,
    ListReviewCandidatesResponse, MergeEntitiesRequest, RemoveAliasRequest, ReviewCandidate,
    SetCanonicalNameRequest, SplitEntityRequest, WeighedCandidate,
};
use mediamon_resolution::decide::{Candidate, Decision, decide};
use mediamon_store::{Audit, Store, Uuid};

use crate::error::ResolverError;
use crate::resolve::StoredEvidence;
use mediamon_resolution::keys::{Lookup, alias_keys, probe_for};

const MAX_REASON: usize = 2000;
const MAX_NAME: usize = 300;
const PAGES: PageLimits = PageLimits {
    default: 20,
    max: 100,
};

/// The audit record of a call: the caller's key name and the reason given.
pub fn audit<'a>(
    principal: Option<&'a Principal>,
    reason: &'a str,
) -> Result<Audit<'a>, ResolverError> {
    let reason = reason.trim();
    check_text("reason", reason)?;
    if reason.is_empty() {
        return Err(ResolverError::invalid(
            "reason",
            "say why; it is kept in the audit log",
        ));
    }
    if reason.len() > MAX_REASON {
        return Err(ResolverError::invalid(
            "reason",
            format!("longer than {MAX_REASON} bytes"),
        ));
    }
    Ok(Audit {
        actor: principal.map_or("unknown", |p| p.name.as_str()),
        reason,
    })
}

fn name_field(field: &str, value: &str) -> Result<String, ResolverError> {
    let value = value.trim();
    check_line(field, value)?;
    if value.is_empty() || analyze(value, "").is_empty() {
        return Err(ResolverError::invalid(field, "must contain a name"));
    }
    if value.len() > MAX_NAME {
        return Err(ResolverError::invalid(
            field,
            format!("longer than {MAX_NAME} bytes"),
        ));
    }
    Ok(value.to_string())
}

/// The entity as the API shows it, or NOT_FOUND.
pub async fn entity(store: &Store, id: Uuid) -> Result<Entity, ResolverError> {
    store
        .get_entities(&[id])
        .await?
        .pop()
        .map(|row| mediamon_wire::entity(&row))
        .ok_or_else(|| ResolverError::NotFound {
            what: "entity",
            id: id.to_string(),
        })
}

async fn entity_type(store: &Store, id: Uuid) -> Result<String, ResolverError> {
    let e = entity(store, id).await?;
    Ok(mediamon_proto::convert::entity_type_code(e.r#type())
        .unwrap_or("MISC")
        .to_string())
}

pub async fn merge(
    store: &Store,
    req: &MergeEntitiesRequest,
    who: &Audit<'_>,
) -> Result<Entity, ResolverError> {
    let target = mediamon_wire::id_field("target_entity_id", &req.target_entity_id)?;
    if req.source_entity_ids.is_empty() {
        return Err(ResolverError::invalid(
            "source_entity_ids",
            "name at least one entity to merge",
        ));
    }
    let mut sources = Vec::new();
    for (i, s) in req.source_entity_ids.iter().enumerate() {
        let field = format!("source_entity_ids[{i}]");
        let id = mediamon_wire::id_field(&field, s)?;
        if id == target || sources.contains(&id) {
            return Err(ResolverError::invalid(
                field,
                "repeats the target or another source",
            ));
        }
        sources.push(id);
    }
    store.merge_entities(target, &sources, who).await?;
    entity(store, target).await
}

pub async fn split(
    store: &Store,
    req: &SplitEntityRequest,
    who: &Audit<'_>,
) -> Result<(Entity, Entity), ResolverError> {
    let source = mediamon_wire::id_field("entity_id", &req.entity_id)?;
    let mentions = req
        .mention_ids
        .iter()
        .enumerate()
        .map(|(i, m)| mediamon_wire::id_field(&format!("mention_ids[{i}]"), m))
        .collect::<Result<Vec<_>, _>>()?;
    let norms: Vec<String> = req
        .aliases
        .iter()
        .map(|a| mediamon_names::normalize(a))
        .collect();
    if mentions.is_empty() && norms.is_empty() {
        return Err(ResolverError::invalid(
            "mention_ids",
            "name mentions or aliases to move",
        ));
    }
    let target = if req.target_entity_id.trim().is_empty() {
        None
    } else {
        let t = mediamon_wire::id_field("target_entity_id", &req.target_entity_id)?;
        if t == source {
            return Err(ResolverError::invalid(
                "target_entity_id",
                "is the entity itself",
            ));
        }
        Some(t)
    };
    let new_name = match target {
        Some(_) => None,
        None => Some(name_field("new_canonical_name", &req.new_canonical_name)?),
    };
    let ty = entity_type(store, source).await?;
    let keys = new_name
        .as_deref()
        .map(|n| alias_keys(n, &analyze(n, &ty), &ty));
    let new = match (&new_name, &keys) {
        (Some(n), Some(k)) => Some((n.as_str(), k)),
        _ => None,
    };
    let target = store
        .split_entity(source, &mentions, &norms, target, new, who)
        .await?;
    Ok((entity(store, source).await?, entity(store, target).await?))
}

pub async fn add_alias(
    store: &Store,
    req: &AddAliasRequest,
    who: &Audit<'_>,
) -> Result<Entity, ResolverError> {
    let id = mediamon_wire::id_field("entity_id", &req.entity_id)?;
    let alias = name_field("alias", &req.alias)?;
    let ty = entity_type(store, id).await?;
    let keys = alias_keys(&alias, &analyze(&alias, &ty), &ty);
    store.curate_add_alias(id, &alias, &keys, who).await?;
    entity(store, id).await
}

pub async fn remove_alias(
    store: &Store,
    req: &RemoveAliasRequest,
    who: &Audit<'_>,
) -> Result<Entity, ResolverError> {
    let id = mediamon_wire::id_field("entity_id", &req.entity_id)?;
    let alias = name_field("alias", &req.alias)?;
    store
        .curate_remove_alias(id, &mediamon_names::normalize(&alias), who)
        .await?;
    entity(store, id).await
}

pub async fn set_canonical_name(
    store: &Store,
    req: &SetCanonicalNameRequest,
    who: &Audit<'_>,
) -> Result<Entity, ResolverError> {
    let id = mediamon_wire::id_field("entity_id", &req.entity_id)?;
    let name = name_field("canonical_name", &req.canonical_name)?;
    let ty = entity_type(store, id).await?;
    let keys = alias_keys(&name, &analyze(&name, &ty), &ty);
    store.set_canonical_name(id, &name, &keys, who).await?;
    entity(store, id).await
}

pub async fn curation_log(
    store: &Store,
    req: &ListCurationLogRequest,
) -> Result<ListCurationLogResponse, ResolverError> {
    let entity = if req.entity_id.is_empty() {
        None
    } else {
        Some(mediamon_wire::id_field("entity_id", &req.entity_id)?)
    };
    let (offset, limit) = page::parse(req.page_size, &req.page_token, PAGES)
        .map_err(|e| ResolverError::invalid(e.field(), e.to_string()))?;
    let rows = store.curation_log(entity, offset, limit).await?;
    Ok(ListCurationLogResponse {
        next_page_token: page::next_token(offset, limit, rows.len()),
        entries: rows
            .into_iter()
            .map(|r| CurationLogEntry {
                time: Some(mediamon_proto::convert::timestamp(r.at)),
                actor: r.actor,
                action: r.action,
                entity_ids: r.entity_ids.iter().map(Uuid::to_string).collect(),
                reason: r.reason,
                detail_json: r.detail,
            })
            .collect(),
    })
}

pub async fn review_candidates(
    store: &Store,
    req: &ListReviewCandidatesRequest,
) -> Result<ListReviewCandidatesResponse, ResolverError> {
    let (offset, limit) = page::parse(req.page_size, &req.page_token, PAGES)
        .map_err(|e| ResolverError::invalid(e.field(), e.to_string()))?;
    let rows = store.review_candidates(offset, limit).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.candidate_id).collect();
    let entities = store.get_entities(&ids).await?;
    let candidates = rows
        .iter()
        .map(|r| ReviewCandidate {
            mention: Some(mediamon_wire::mention(&r.mention)),
            article_title: r.article_title.clone(),
            candidate: entities
                .iter()
                .find(|e| e.id == r.candidate_id)
                .map(mediamon_wire::entity),
            score: r.score,
        })
        .collect();
    Ok(ListReviewCandidatesResponse {
        candidates,
        next_page_token: page::next_token(offset, limit, rows.len()),
    })
}

fn relation_name(r: &Relation) -> (&'static str, f64) {
    match r {
        Relation::Variant(s) => ("variant", *s),
        Relation::Partial { score, .. } => ("partial", *score),
        Relation::Conflict => ("conflict", 0.0),
        Relation::Different => ("different", 0.0),
    }
}

pub async fn explain(
    store: &Store,
    req: &ExplainResolutionRequest,
) -> Result<ExplainResolutionResponse, ResolverError> {
    let id = mediamon_wire::id_field("mention_id", &req.mention_id)?;
    let mention = store
        .get_mention(id)
        .await?
        .ok_or_else(|| ResolverError::NotFound {
            what: "mention",
            id: id.to_string(),
        })?;
    let name = analyze(&mention.text, &mention.entity_type);
    let keys = alias_keys(&mention.text, &name, &mention.entity_type);
    let lookup = Lookup::new(&mention.entity_type, &name, &keys);
    let rows: Vec<_> = store
        .candidates(&probe_for([&lookup]))
        .await?
        .into_iter()
        .filter(|r| !r.blocked.contains(&keys.norm))
        .collect();
    let analysed: Vec<_> = rows
        .iter()
        .map(|r| analyze(&r.name, &r.entity_type))
        .collect();
    let entity_ids: Vec<Uuid> = rows.iter().map(|r| r.entity_id).collect();
    let entities = store.get_entities(&entity_ids).await?;
    let acronym = has_acronyms(&mention.entity_type) && is_acronym(&mention.text);
    let mut explained = Vec::new();
    for (row, alias) in rows.iter().zip(&analysed) {
        let relation = compare(&name, alias);
        let (relation_name, score) = relation_name(&relation);
        // A surname is compared with the other name's last tokens.
        let skip = |n: &mediamon_names::Name, other: &mediamon_names::Name| match relation {
            Relation::Partial { at_end: true, .. } => {
                other.tokens.len().saturating_sub(n.tokens.len())
            }
            _ => 0,
        };
        let mut features: Vec<FeatureContribution> = name
            .tokens
            .iter()
            .skip(skip(alias, &name))
            .zip(alias.tokens.iter().skip(skip(&name, alias)))
            .map(|(a, b)| FeatureContribution {
                feature: "token".into(),
                value: token_similarity(a, b),
                detail: format!("{a} ~ {b}"),
            })
            .collect();
        features.push(FeatureContribution {
            feature: "skeleton".into(),
            value: f64::from(u8::from(name.skeleton_key() == alias.skeleton_key())),
            detail: format!("{} / {}", name.skeleton_key(), alias.skeleton_key()),
        });
        features.push(FeatureContribution {
            feature: "structure".into(),
            value: score,
            detail: format!(
                "{} tokens / {} tokens: {relation_name}",
                name.tokens.len(),
                alias.tokens.len()
            ),
        });
        if acronym {
            features.push(FeatureContribution {
                feature: "acronym".into(),
                value: f64::from(u8::from(
                    row.name == mention.text
                        || initialism(alias).as_deref() == Some(mention.text.as_str()),
                )),
                detail: format!("{} / {:?}", mention.text, initialism(alias)),
            });
        }
        explained.push(CandidateExplanation {
            entity: entities
                .iter()
                .find(|e| e.id == row.entity_id)
                .map(mediamon_wire::entity),
            alias: row.name.clone(),
            relation: relation_name.into(),
            score,
            features,
        });
    }
    let candidates: Vec<Candidate<'_, Uuid>> = rows
        .iter()
        .zip(&analysed)
        .map(|(r, n)| Candidate {
            entity: r.entity_id,
            entity_type: &mention.entity_type,
            surface: &r.name,
            name: n,
        })
        .collect();
    let explanation = match decide(&name, &mention.text, &mention.entity_type, &candidates).decision
    {
        Decision::Link {
            entity,
            score,
            reason,
        } => {
            format!("links to {entity} ({reason:?}, score {score:.2})")
        }
        Decision::New {
            review: Some((e, s)),
        } => {
            format!("no confident match; a new entity, with {e} ({s:.2}) for review")
        }
        Decision::New { review: None } => "no candidate; a new entity".into(),
        Decision::Ambiguous { candidates } => {
            format!(
                "a partial name that fits {} entities; left unlinked",
                candidates.len()
            )
        }
    };
    // Within-article links are decided with the whole article at hand.
    let explanation = if mention.decision.as_deref()
        == Some(mediamon_wire::decision_code(
            mediamon_proto::v1::ResolutionDecision::WithinArticle,
        )) {
        format!("linked to an earlier full name in its article; on its own: {explanation}")
    } else {
        explanation
    };
    let decided = mention
        .evidence
        .clone()
        .and_then(|json| serde_json::from_value::<StoredEvidence>(json).ok())
        .map(|e| DecisionEvidence {
            entity_id: mention
                .entity_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            decision: mediamon_wire::decision_from_code(mention.decision.as_deref()) as i32,
            score: e.score,
            antecedent_mention_id: e.antecedent.map(|id| id.to_string()).unwrap_or_default(),
            candidates: e
                .candidates
                .into_iter()
                .map(|c| WeighedCandidate {
                    entity_id: c.entity.to_string(),
                    alias: c.alias,
                    score: c.score,
                })
                .collect(),
            note: e.note,
        });
    Ok(ExplainResolutionResponse {
        decided,
        titles: name.titles.clone(),
        name_key: name.key(),
        skeleton: name.skeleton_key(),
        mention: Some(mediamon_wire::mention(&mention)),
        candidates: explained,
        explanation,
    })
}
