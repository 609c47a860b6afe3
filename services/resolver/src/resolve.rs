//! The resolution of one article, in one store transaction; idempotent per
//! article. The decisions are `mediamon-resolution`'s ([`plan`]); this
//! module does the IO around them.
//!
//! Order: analyse the mentions; fetch the candidate aliases of the whole
//! article through the indexed keys (one query); plan in memory. Only when a
//! plan would create an entity are that name's keys locked (one round trip,
//! hash-ordered) and the plan made again on fresh candidates, so replicas
//! serialise on new names instead of creating twins, and never on names
//! already known. Ambiguous partial names then get one chance by context
//! (co-mentioned entities, counted in the store); everything is written, with
//! each decision's evidence, in one statement.

use std::collections::BTreeSet;
use std::sync::Arc;

use quick_cache::sync::Cache;
use tracing::Instrument;

use mediamon_config::MAX_MENTIONS_PER_ARTICLE;
use mediamon_names::{Name, analyze};
use mediamon_proto::v1::ResolutionDecision;
use mediamon_resolution::{AliasKeys, Analysed, Known, MentionIn, Outcome, Plan, plan};
use mediamon_store::{AliasRow, ResolutionTxn, Store, Uuid, Writes};

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

/// Analysed alias names, shared by the resolutions of one process: an
/// article's candidates are mostly the same few hundred aliases as the
/// last article's, and analysing them again cost a sixth of resolving
/// (measured). A name's analysis depends only on its text and type.
#[derive(Clone)]
pub struct NameCache(Arc<Cache<(String, String), Arc<Name>>>);

impl NameCache {
    pub fn new(capacity: usize) -> Self {
        Self(Arc::new(Cache::new(capacity)))
    }

    /// The analysed name, and whether it came from the cache.
    fn analyze(&self, surface: &str, entity_type: &str) -> (Arc<Name>, bool) {
        let key = (surface.to_string(), entity_type.to_string());
        if let Some(name) = self.0.get(&key) {
            return (name, true);
        }
        let name = Arc::new(analyze(surface, entity_type));
        self.0.insert(key, name.clone());
        (name, false)
    }
}

/// The pool entry of a candidate row; counts cache hits in `hits`.
fn known(row: AliasRow, names: &NameCache, hits: &mut usize) -> Known<Uuid> {
    let (name, hit) = names.analyze(&row.name, &row.entity_type);
    *hits += usize::from(hit);
    Known {
        name,
        keys: AliasKeys {
            norm: row.norm,
            skeleton: row.skeleton,
            last_skeleton: row.last_skeleton,
            initialism: row.initialism,
        },
        entity: row.entity_id,
        entity_type: row.entity_type,
        surface: row.name,
        blocked: row.blocked,
        kb_key: row.kb_key,
    }
}

/// Adds the candidates `probe` finds that the pool lacks.
async fn read_more(
    txn: &ResolutionTxn,
    probe: &mediamon_resolution::Probe,
    cache: &NameCache,
    fetched: &mut Vec<Known<Uuid>>,
    hits: &mut usize,
) -> Result<(), ResolverError> {
    for row in txn.candidates_for(probe).await? {
        if !fetched
            .iter()
            .any(|k| k.entity == row.entity_id && k.keys.norm == row.norm)
        {
            fetched.push(known(row, cache, hits));
        }
    }
    Ok(())
}

/// Links ambiguous partial names by the company their candidates keep,
/// counted in the store.
async fn link_by_context(txn: &ResolutionTxn, p: &mut Plan<Uuid>) -> Result<(), ResolverError> {
    let Some((candidates, neighbours)) = p.context_question() else {
        return Ok(());
    };
    let counts = txn.co_mentions(&candidates, &neighbours).await?;
    let count = |c: Uuid, n: Uuid| {
        counts
            .iter()
            .find(|(x, y, _)| *x == c && *y == n)
            .map_or(0, |r| u32::try_from(r.2).unwrap_or(u32::MAX))
    };
    p.link_by_context(&neighbours, count);
    Ok(())
}

/// Resolves the stored mentions of `article_id`. `claimed` are the mention ids
/// the caller sent; each must belong to the article.
#[tracing::instrument(
    name = "resolve.article",
    skip_all,
    fields(%article_id, mentions, candidates, cache_hits, created, linked)
)]
pub async fn resolve_article(
    store: &Store,
    cache: &NameCache,
    wholes: &crate::events::WholeCache,
    article_id: Uuid,
    claimed: &[Uuid],
) -> Result<Resolved, ResolverError> {
    let txn = store.begin_resolution(article_id).await?;
    let stored = txn.mentions().to_vec();
    let span = tracing::Span::current();
    span.record("mentions", stored.len());
    // What ingest stored is bounded; these guard the resolver's time and
    // memory against rows written any other way.
    if stored.len() > MAX_MENTIONS_PER_ARTICLE {
        return Err(ResolverError::invalid(
            "article_id",
            format!("article {article_id} has more than {MAX_MENTIONS_PER_ARTICLE} mentions"),
        ));
    }
    if let Some(long) = stored
        .iter()
        .find(|m| m.text.chars().count() > mediamon_names::MAX_NAME_CHARS)
    {
        return Err(ResolverError::invalid(
            "mentions",
            format!(
                "mention {} is longer than a name can be ({} characters)",
                long.id,
                mediamon_names::MAX_NAME_CHARS
            ),
        ));
    }
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
        txn.commit_unchanged().await?;
        // A retry after linking failed finishes it.
        crate::events::link_events(store, wholes, article_id).await?;
        return Ok(Resolved {
            links,
            already_resolved: true,
        });
    }

    let analysing = tracing::info_span!("resolve.analyse").entered();
    let inputs: Vec<MentionIn<'_>> = stored
        .iter()
        .map(|m| MentionIn {
            text: &m.text,
            entity_type: &m.entity_type,
            cues: &m.titles,
        })
        .collect();
    let analysed = Analysed::new(&inputs);
    let probe = analysed.probe();
    drop(analysing);

    // Optimistic: decide without locks; only names that would become new
    // entities or new aliases are locked, their candidates read again (a
    // replica may have just written them) and everything decided again.
    // Repeats while a fresh decision writes a name not yet locked.
    let mut locked: BTreeSet<String> = BTreeSet::new();
    let mut hits = 0;
    let mut fetched: Vec<Known<Uuid>> = txn
        .candidates_for(&probe)
        .await?
        .into_iter()
        .map(|row| known(row, cache, &mut hits))
        .collect();
    let mut qualified: BTreeSet<String> = BTreeSet::new();
    let mut p = loop {
        let p = tracing::info_span!("resolve.decide", candidates = fetched.len())
            .in_scope(|| plan(&analysed, &fetched, &mut Uuid::now_v7));
        // Descriptions are looked up once the article's country is known.
        let unread: Vec<String> = p
            .qualified
            .iter()
            .filter(|q| !qualified.contains(*q))
            .cloned()
            .collect();
        if !unread.is_empty() {
            qualified.extend(unread.iter().cloned());
            let probe = mediamon_resolution::Probe {
                norms: unread,
                ..Default::default()
            };
            read_more(&txn, &probe, cache, &mut fetched, &mut hits).await?;
            continue;
        }
        let needed: BTreeSet<String> = p
            .lock_keys(&analysed)
            .into_iter()
            .filter(|k| !locked.contains(k))
            .collect();
        if needed.is_empty() {
            break p;
        }
        txn.lock_names(needed.iter().cloned().collect()).await?;
        locked.extend(needed);
        // Only the new names can have twins: read their candidates again.
        read_more(
            &txn,
            &p.locked_probe(&analysed),
            cache,
            &mut fetched,
            &mut hits,
        )
        .await?;
    };
    span.record("candidates", fetched.len());
    span.record("cache_hits", hits);
    link_by_context(&txn, &mut p)
        .instrument(tracing::info_span!("resolve.context"))
        .await?;

    span.record("created", p.entities.len());
    span.record(
        "linked",
        p.chosen.iter().filter(|c| c.entity.is_some()).count(),
    );
    let evidence: Vec<String> = p
        .chosen
        .iter()
        .map(|c| stored_evidence(&c.evidence, &stored))
        .collect();
    let decisions: Vec<(Uuid, Option<Uuid>, &str, &str)> = stored
        .iter()
        .zip(&p.chosen)
        .zip(&evidence)
        .map(|((m, c), e)| (m.id, c.entity, c.outcome.code(), e.as_str()))
        .collect();
    let reviews: Vec<(Uuid, Uuid, f64)> = p
        .reviews
        .iter()
        .map(|&(i, entity, score)| (stored[i].id, entity, score))
        .collect();
    txn.finish(&Writes {
        entities: &p.entities,
        aliases: &p.aliases,
        reviews: &reviews,
        links: &decisions,
    })
    .await?;
    // Best effort: the links are written; a name left as it was is
    // corrected by the next article that names the entity.
    let forms: Vec<(Uuid, String)> = stored
        .iter()
        .zip(&p.chosen)
        .filter(|(_, c)| {
            matches!(
                c.outcome,
                Outcome::AliasMatch | Outcome::Variant | Outcome::Context
            )
        })
        .filter_map(|(m, c)| Some((c.entity?, m.text.clone())))
        .collect();
    if let Err(e) = store.refresh_names(&forms).await {
        tracing::warn!(error = %e, "entity names not refreshed");
    }
    if let Err(e) = store.refresh_types(&p.retyped(&analysed, &fetched)).await {
        tracing::warn!(error = %e, "entity types not refreshed");
    }
    // Events need the entities just written; a failure here fails the
    // call, and the dispatcher's retry links what is left.
    crate::events::link_events(store, wholes, article_id).await?;
    let links = stored
        .iter()
        .zip(p.chosen)
        .filter_map(|(m, c)| {
            Some(Link {
                mention_id: m.id,
                entity_id: c.entity?,
                decision: mediamon_wire::decision_from_code(Some(c.outcome.code())),
            })
        })
        .collect();
    Ok(Resolved {
        links,
        already_resolved: false,
    })
}

/// A decision's evidence as stored with its mention (JSON), the antecedent
/// named by its mention id rather than its place in the article.
fn stored_evidence(
    e: &mediamon_resolution::Evidence<Uuid>,
    stored: &[mediamon_store::StoredMention],
) -> String {
    let stored = StoredEvidence {
        antecedent: e.antecedent.and_then(|j| stored.get(j)).map(|m| m.id),
        score: e.score,
        candidates: e.candidates.clone(),
        note: e.note.clone(),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

/// The stored shape of [`mediamon_resolution::Evidence`]; `ExplainResolution`
/// reads it back.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct StoredEvidence {
    pub score: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub antecedent: Option<Uuid>,
    #[serde(default)]
    pub candidates: Vec<mediamon_resolution::decide::Considered<Uuid>>,
    #[serde(default)]
    pub note: String,
}
