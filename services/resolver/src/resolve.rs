//! The resolution of one article, in one store transaction; idempotent per
//! article.
//!
//! Order: analyse every mention's name (mediamon-names); link partial names
//! and acronyms to their full form earlier in the article; lock the blocking
//! keys of the rest (sorted, so replicas serialise instead of creating twins);
//! then, mention by mention, fetch candidate aliases through the indexed keys
//! and apply `mediamon_names::decide::decide`. Surnames and ambiguous partial
//! names never become aliases: a bare "Massoud" elsewhere may be the father.

use mediamon_names::decide::{Candidate, Decision, Reason, decide, link_in_article};
use mediamon_names::{Name, analyze, initialism, is_acronym};
use mediamon_proto::v1::ResolutionDecision;
use mediamon_store::{AliasKeys, Store, Uuid};

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

/// The lookup keys of an analysed name.
pub fn alias_keys(surface: &str, name: &Name, entity_type: &str) -> AliasKeys {
    let acronym = entity_type == "ORG" && is_acronym(surface);
    AliasKeys {
        norm: mediamon_names::normalize(surface),
        skeleton: if acronym {
            String::new()
        } else {
            name.skeleton_key()
        },
        first_skeleton: if acronym {
            String::new()
        } else {
            name.skeletons.first().cloned().unwrap_or_default()
        },
        last_skeleton: if acronym {
            String::new()
        } else {
            name.last_skeleton().to_string()
        },
        initialism: match entity_type {
            "ORG" if acronym => Some(surface.to_string()),
            "ORG" => initialism(name),
            _ => None,
        },
    }
}

fn reason_decision(reason: Reason) -> ResolutionDecision {
    match reason {
        Reason::Exact => ResolutionDecision::AliasMatch,
        Reason::Variant => ResolutionDecision::Variant,
        Reason::Acronym => ResolutionDecision::Acronym,
        Reason::UniquePartial => ResolutionDecision::Surname,
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
                    decision: mediamon_wire::decision_from_code(m.decision.as_deref()),
                })
            })
            .collect();
        txn.commit().await?;
        return Ok(Resolved {
            links,
            already_resolved: true,
        });
    }

    let names: Vec<Name> = stored.iter().map(|m| analyze(&m.text)).collect();
    let keys: Vec<AliasKeys> = stored
        .iter()
        .zip(&names)
        .map(|(m, n)| alias_keys(&m.text, n, &m.entity_type))
        .collect();
    let view: Vec<(&Name, &str, &str)> = stored
        .iter()
        .zip(&names)
        .map(|(m, n)| (n, m.text.as_str(), m.entity_type.as_str()))
        .collect();
    let within = link_in_article(&view);

    let mut locks = Vec::new();
    for ((m, k), link) in stored.iter().zip(&keys).zip(&within) {
        if link.is_some() {
            continue;
        }
        if !k.last_skeleton.is_empty() {
            locks.push(format!("{}:last:{}", m.entity_type, k.last_skeleton));
        }
        if let Some(acr) = &k.initialism {
            locks.push(format!("{}:acr:{acr}", m.entity_type));
        }
        locks.push(format!("{}:norm:{}", m.entity_type, k.norm));
    }
    txn.lock_names(locks).await?;

    let mut chosen: Vec<(Option<Uuid>, ResolutionDecision)> = Vec::with_capacity(stored.len());
    for (i, m) in stored.iter().enumerate() {
        if let Some(j) = within[i] {
            let entity = chosen[j].0;
            // "National Resistance Front (NRF)" teaches the acronym.
            if let Some(e) = entity
                && is_acronym(&m.text)
            {
                txn.add_alias(e, &m.text, &keys[i]).await?;
            }
            chosen.push((entity, ResolutionDecision::WithinArticle));
            continue;
        }
        if names[i].is_empty() {
            chosen.push((None, ResolutionDecision::Ambiguous));
            continue;
        }
        let rows = txn.candidates(&m.entity_type, &keys[i]).await?;
        let analysed: Vec<Name> = rows.iter().map(|r| analyze(&r.name)).collect();
        let candidates: Vec<Candidate<'_, Uuid>> = rows
            .iter()
            .zip(&analysed)
            .map(|(r, n)| Candidate {
                entity: r.entity_id,
                entity_type: &m.entity_type,
                surface: &r.name,
                name: n,
            })
            .collect();
        let pick = match decide(&names[i], &m.text, &m.entity_type, &candidates) {
            Decision::Link { entity, reason, .. } => {
                if reason != Reason::UniquePartial {
                    txn.add_alias(entity, &m.text, &keys[i]).await?;
                }
                (Some(entity), reason_decision(reason))
            }
            Decision::New { review } => {
                let entity = txn.create_entity(&m.text, &m.entity_type).await?;
                txn.add_alias(entity, &m.text, &keys[i]).await?;
                if let Some((candidate, score)) = review {
                    txn.add_review_candidate(m.id, candidate, score).await?;
                }
                (Some(entity), ResolutionDecision::NewEntity)
            }
            Decision::Ambiguous { candidates } => {
                for candidate in candidates {
                    txn.add_review_candidate(m.id, candidate, 0.5).await?;
                }
                (None, ResolutionDecision::Ambiguous)
            }
        };
        chosen.push(pick);
    }

    let mut links = Vec::with_capacity(stored.len());
    for (m, (entity, decision)) in stored.iter().zip(chosen) {
        txn.link_mention(m.id, entity, mediamon_wire::decision_code(decision))
            .await?;
        if let Some(entity_id) = entity {
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
