//! The resolution of one article, in one store transaction; idempotent per
//! article.
//!
//! Order: analyse every mention's name (mediamon-names); link partial names
//! and acronyms to their full form earlier in the article; lock the blocking
//! keys of the rest (in one round trip, hash-ordered, so replicas serialise
//! instead of creating twins); fetch the candidate aliases of the whole
//! article through the indexed keys; decide mention by mention in memory
//! with `mediamon_names::decide::decide`; write entities, aliases, links and
//! review candidates in a few batched statements. Surnames and ambiguous partial
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

/// An alias in the article's candidate pool.
struct Known {
    entity: Uuid,
    entity_type: String,
    surface: String,
    name: Name,
    keys: AliasKeys,
}

/// Whether an alias shares a blocking key with a mention (the same test as
/// the store's candidate query).
fn shares_key(mention: &AliasKeys, alias: &AliasKeys) -> bool {
    let same = |a: &str, b: &str| !a.is_empty() && a == b;
    mention.norm == alias.norm
        || same(&mention.skeleton, &alias.skeleton)
        || same(&mention.last_skeleton, &alias.last_skeleton)
        || same(&mention.first_skeleton, &alias.first_skeleton)
        || (mention.initialism.is_some() && mention.initialism == alias.initialism)
}

/// Adds a mention's name as an alias of `entity`, to the pool (for the rest
/// of the article) and to the rows to write.
fn learn(
    pool: &mut Vec<Known>,
    rows: &mut Vec<(Uuid, String, AliasKeys)>,
    entity: Uuid,
    m: &mediamon_store::model::mention::Model,
    name: &Name,
    keys: &AliasKeys,
) {
    if pool
        .iter()
        .any(|k| k.entity == entity && k.keys.norm == keys.norm)
    {
        return;
    }
    pool.push(Known {
        entity,
        entity_type: m.entity_type.clone(),
        surface: m.text.clone(),
        name: name.clone(),
        keys: keys.clone(),
    });
    rows.push((entity, m.text.clone(), keys.clone()));
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

    // Candidates for the whole article at once; decisions are made in
    // memory, with what this article creates joining the pool as it goes.
    let lookups: Vec<(&str, &AliasKeys)> = stored
        .iter()
        .zip(&keys)
        .zip(&within)
        .filter(|(_, link)| link.is_none())
        .map(|((m, k), _)| (m.entity_type.as_str(), k))
        .collect();
    let mut pool: Vec<Known> = txn
        .candidates_for(&lookups)
        .await?
        .into_iter()
        .map(|row| Known {
            name: analyze(&row.name),
            keys: AliasKeys {
                norm: row.norm,
                skeleton: row.skeleton,
                first_skeleton: row.first_skeleton,
                last_skeleton: row.last_skeleton,
                initialism: row.initialism,
            },
            entity: row.entity_id,
            entity_type: row.entity_type,
            surface: row.name,
        })
        .collect();
    let blocked = txn
        .blocked_for(keys.iter().map(|k| k.norm.clone()).collect())
        .await?;

    let mut new_entities: Vec<(Uuid, String, String)> = Vec::new();
    let mut new_aliases: Vec<(Uuid, String, AliasKeys)> = Vec::new();
    let mut reviews: Vec<(Uuid, Uuid, f64)> = Vec::new();
    let mut chosen: Vec<(Option<Uuid>, ResolutionDecision)> = Vec::with_capacity(stored.len());
    for (i, m) in stored.iter().enumerate() {
        if let Some(j) = within[i] {
            let entity = chosen[j].0;
            // "National Resistance Front (NRF)" teaches the acronym.
            if let Some(e) = entity
                && is_acronym(&m.text)
            {
                learn(&mut pool, &mut new_aliases, e, m, &names[i], &keys[i]);
            }
            chosen.push((entity, ResolutionDecision::WithinArticle));
            continue;
        }
        if names[i].is_empty() {
            chosen.push((None, ResolutionDecision::Ambiguous));
            continue;
        }
        let candidates: Vec<Candidate<'_, Uuid>> = pool
            .iter()
            .filter(|k| k.entity_type == m.entity_type && shares_key(&keys[i], &k.keys))
            .filter(|k| {
                !blocked
                    .iter()
                    .any(|(e, n)| *e == k.entity && *n == keys[i].norm)
            })
            .map(|k| Candidate {
                entity: k.entity,
                entity_type: &k.entity_type,
                surface: &k.surface,
                name: &k.name,
            })
            .collect();
        let pick = match decide(&names[i], &m.text, &m.entity_type, &candidates) {
            Decision::Link { entity, reason, .. } => {
                if reason != Reason::UniquePartial {
                    learn(&mut pool, &mut new_aliases, entity, m, &names[i], &keys[i]);
                }
                (Some(entity), reason_decision(reason))
            }
            Decision::New { review } => {
                let entity = Uuid::now_v7();
                new_entities.push((entity, m.text.clone(), m.entity_type.clone()));
                learn(&mut pool, &mut new_aliases, entity, m, &names[i], &keys[i]);
                if let Some((candidate, score)) = review {
                    reviews.push((m.id, candidate, score));
                }
                (Some(entity), ResolutionDecision::NewEntity)
            }
            Decision::Ambiguous { candidates } => {
                reviews.extend(candidates.into_iter().map(|c| (m.id, c, 0.5)));
                (None, ResolutionDecision::Ambiguous)
            }
        };
        chosen.push(pick);
    }

    txn.create_entities(&new_entities).await?;
    txn.add_aliases(&new_aliases).await?;
    txn.add_review_candidates(&reviews).await?;
    let decisions: Vec<(Uuid, Option<Uuid>, &str)> = stored
        .iter()
        .zip(&chosen)
        .map(|(m, (entity, d))| (m.id, *entity, mediamon_wire::decision_code(*d)))
        .collect();
    txn.link_mentions(&decisions).await?;
    let links = stored
        .iter()
        .zip(chosen)
        .filter_map(|(m, (entity, decision))| {
            Some(Link {
                mention_id: m.id,
                entity_id: entity?,
                decision,
            })
        })
        .collect();
    txn.commit().await?;
    Ok(Resolved {
        links,
        already_resolved: false,
    })
}
