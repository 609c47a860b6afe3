//! The **baseline** resolution of one article: normalised exact alias match
//! across articles, surname-only linking within the article, a new entity
//! otherwise. Runs in one store transaction; idempotent per article.

use std::collections::HashMap;

use mediamon_names::{ArticleName, link_within_article, normalize};
use mediamon_proto::v1::ResolutionDecision;
use mediamon_store::{Store, Uuid};

use crate::error::ResolverError;

/// The link chosen for one stored mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub mention_id: Uuid,
    pub entity_id: Uuid,
    pub decision: ResolutionDecision,
}

/// The outcome of resolving an article.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub links: Vec<Link>,
    pub already_resolved: bool,
}

fn decision_code(d: ResolutionDecision) -> &'static str {
    match d {
        ResolutionDecision::NewEntity => "new_entity",
        ResolutionDecision::AliasMatch => "alias_match",
        ResolutionDecision::WithinArticle => "within_article",
        ResolutionDecision::Unspecified => "unspecified",
    }
}

fn decision_from_code(code: Option<&str>) -> ResolutionDecision {
    match code {
        Some("new_entity") => ResolutionDecision::NewEntity,
        Some("alias_match") => ResolutionDecision::AliasMatch,
        Some("within_article") => ResolutionDecision::WithinArticle,
        _ => ResolutionDecision::Unspecified,
    }
}

/// Resolves the stored mentions of `article_id`. `claimed` are the mention ids
/// the caller sent; each must belong to the article.
#[tracing::instrument(name = "store.resolve_article", skip_all, fields(%article_id))]
pub async fn resolve_article(
    store: &Store,
    article_id: Uuid,
    claimed: &[Uuid],
) -> Result<Resolved, ResolverError> {
    let txn = store.begin_resolution(article_id).await?;
    let stored = txn.mentions().await?;
    for (i, id) in claimed.iter().enumerate() {
        if !stored.iter().any(|m| m.id == *id) {
            return Err(ResolverError::invalid(
                format!("mentions[{i}].id"),
                format!("mention {id} does not belong to article {article_id}"),
            ));
        }
    }
    if txn.already_resolved() {
        let links = stored
            .iter()
            .filter_map(|m| {
                Some(Link {
                    mention_id: m.id,
                    entity_id: m.entity_id?,
                    decision: decision_from_code(m.decision.as_deref()),
                })
            })
            .collect();
        txn.commit().await?;
        return Ok(Resolved {
            links,
            already_resolved: true,
        });
    }

    let keys: Vec<String> = stored.iter().map(|m| normalize(&m.text)).collect();
    let names: Vec<ArticleName<'_>> = stored
        .iter()
        .zip(&keys)
        .map(|(m, key)| ArticleName {
            key,
            is_person: m.entity_type == "PER",
        })
        .collect();
    let within = link_within_article(&names);

    // Lock every (type, key) this article may look up or create, up front.
    let lock_keys: Vec<String> = stored
        .iter()
        .zip(&keys)
        .zip(&within)
        .filter(|((_, key), link)| link.is_none() && !key.is_empty())
        .map(|((m, key), _)| format!("{}:{key}", m.entity_type))
        .collect();
    txn.lock_names(lock_keys).await?;

    let mut by_key: HashMap<(String, String), (Uuid, ResolutionDecision)> = HashMap::new();
    let mut chosen: Vec<Option<(Uuid, ResolutionDecision)>> = vec![None; stored.len()];
    for (i, m) in stored.iter().enumerate() {
        if within[i].is_some() || keys[i].is_empty() {
            continue;
        }
        let lookup = (m.entity_type.clone(), keys[i].clone());
        let pick = match by_key.get(&lookup) {
            Some(&(id, _)) => (id, ResolutionDecision::AliasMatch),
            None => {
                let pick = match txn.find_by_alias(&keys[i], &m.entity_type).await? {
                    Some(id) => (id, ResolutionDecision::AliasMatch),
                    None => (
                        txn.create_entity(&m.text, &m.entity_type).await?,
                        ResolutionDecision::NewEntity,
                    ),
                };
                by_key.insert(lookup, pick);
                pick
            }
        };
        txn.add_alias(pick.0, &m.text, &keys[i]).await?;
        chosen[i] = Some(pick);
    }
    // Surnames take their full name's entity; they are not added as aliases,
    // since a bare surname elsewhere may be someone else (father and son).
    for i in 0..stored.len() {
        if let Some(j) = within[i] {
            chosen[i] = chosen[j].map(|(id, _)| (id, ResolutionDecision::WithinArticle));
        }
    }
    let mut links = Vec::with_capacity(stored.len());
    for (m, pick) in stored.iter().zip(chosen) {
        if let Some((entity_id, decision)) = pick {
            txn.link_mention(m.id, entity_id, decision_code(decision))
                .await?;
            links.push(Link {
                mention_id: m.id,
                entity_id,
                decision,
            });
        }
    }
    txn.commit().await?;
    Ok(Resolved {
        links,
        already_resolved: false,
    })
}
