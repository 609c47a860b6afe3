//! The resolution of one article, in one store transaction; idempotent per
//! article.
//!
//! Order: analyse every mention's name (mediamon-names); link partial names
//! and acronyms to their full form earlier in the article; fetch the
//! candidate aliases of the whole article through the indexed keys (one
//! query); decide mention by mention in memory with
//! `mediamon_names::decide::decide`. Only when a decision would create an
//! entity are that name's keys locked (one round trip, hash-ordered) and the
//! decisions made again on fresh candidates, so replicas serialise on new
//! names instead of creating twins, and never on names already known.
//! Ambiguous partial names then get one chance by context (co-mentioned
//! entities); everything is written in one statement. Surnames and ambiguous
//! partial names never become aliases: a bare "Massoud" elsewhere may be the
//! father.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use quick_cache::sync::Cache;
use tracing::Instrument;

use mediamon_config::MAX_MENTIONS_PER_ARTICLE;
use mediamon_names::decide::{
    Candidate, Context, Decision, Reason, by_context, decide, link_in_article, relatives_in_article,
};
use mediamon_names::key::skeleton;
use mediamon_names::{Name, analyze, has_acronyms, initialism, is_acronym};
use mediamon_proto::v1::ResolutionDecision;
use mediamon_store::{
    AliasKeys, AliasRow, PROBE_CAP, Probe, ResolutionTxn, Store, StoredMention, Uuid, Writes,
};

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
    let acronym = has_acronyms(entity_type) && is_acronym(surface);
    let skeletons = if acronym {
        Vec::new()
    } else {
        name.index_skeletons()
    };
    AliasKeys {
        norm: mediamon_names::normalize(surface),
        skeleton: skeletons.join(" "),
        last_skeleton: skeletons.last().cloned().unwrap_or_default(),
        initialism: if acronym {
            Some(surface.to_string())
        } else if has_acronyms(entity_type) {
            initialism(name)
        } else {
            None
        },
    }
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

/// An alias in the article's candidate pool.
struct Known {
    entity: Uuid,
    entity_type: String,
    surface: String,
    name: Arc<Name>,
    keys: AliasKeys,
    /// Mention names an analyst took away from the entity.
    blocked: Vec<String>,
}

impl Known {
    /// The pool entry of a candidate row; counts cache hits in `hits`.
    fn new(row: AliasRow, names: &NameCache, hits: &mut usize) -> Self {
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
        }
    }
}

/// What one mention looks up: its exact name; the skeleton of each suffix
/// of its tokens (the whole name, "Ishaq Dar" in "Muhammad Ishaq Dar", the
/// surname), which finds variants and shorter known forms, and of the name
/// with a compound joined; the other readings of its h letters
/// (`Name::h_readings`), which meet names in or from Arabic script; for a
/// person, the names with that surname; and an organisation's initialism.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub entity_type: String,
    pub norm: String,
    pub skeletons: Vec<String>,
    pub surnames: Vec<String>,
    pub initialism: Option<String>,
    /// A place read as a kind of place ([`Name::of_kind`]): that name,
    /// looked up exactly before the bare one.
    pub kind_norm: Option<String>,
}

impl Lookup {
    pub fn new(entity_type: &str, name: &Name, keys: &AliasKeys) -> Self {
        let n = name.skeletons.len();
        let readings = if keys.skeleton.is_empty() {
            Vec::new()
        } else {
            name.h_readings()
        };
        let skeletons = if keys.skeleton.is_empty() {
            Vec::new()
        } else {
            // Every suffix, and the whole name with two adjacent tokens
            // written as one (هبت الله -> Hibatullah).
            (0..n)
                .map(|i| name.skeletons[i..].join(" "))
                .chain((1..n).map(|i| {
                    let mut joined = name.tokens.clone();
                    let next = joined.remove(i);
                    joined[i - 1].push_str(&next);
                    joined
                        .iter()
                        .map(|t| skeleton(t))
                        .collect::<Vec<_>>()
                        .join(" ")
                }))
                .chain(readings.iter().map(|r| r.join(" ")))
                .collect()
        };
        // Only people are named by a surname alone; it also finds full
        // names whose given names are written otherwise (عبدالرشید دوستم /
        // Abdul Rashid Dostum).
        let mut surnames: Vec<String> = Vec::new();
        if entity_type == "PER" && !keys.last_skeleton.is_empty() {
            surnames.push(keys.last_skeleton.clone());
            surnames.extend(readings.iter().filter_map(|r| r.last().cloned()));
            surnames.extend(name.romanized.then(|| name.last_skeleton().to_string()));
            surnames.sort();
            surnames.dedup();
        }
        Lookup {
            entity_type: entity_type.to_string(),
            norm: keys.norm.clone(),
            skeletons,
            surnames,
            initialism: keys.initialism.clone(),
            kind_norm: name.of_kind().map(|n| n.key()),
        }
    }
}

/// One store probe for several lookups.
pub fn probe_for<'a>(lookups: impl IntoIterator<Item = &'a Lookup>) -> Probe {
    let mut p = Probe::default();
    for l in lookups {
        p.types.push(l.entity_type.clone());
        p.norms.push(l.norm.clone());
        if let Some(norm) = &l.kind_norm {
            p.types.push(l.entity_type.clone());
            p.norms.push(norm.clone());
        }
        p.skeletons.extend(l.skeletons.iter().cloned());
        p.surnames.extend(l.surnames.iter().cloned());
        p.initialisms.extend(l.initialism.iter().cloned());
    }
    p
}

fn reason_decision(reason: Reason) -> ResolutionDecision {
    match reason {
        Reason::Exact => ResolutionDecision::AliasMatch,
        Reason::Variant => ResolutionDecision::Variant,
        Reason::Acronym => ResolutionDecision::Acronym,
        Reason::UniquePartial => ResolutionDecision::Surname,
    }
}

/// The keys a resolution that creates an entity for this mention locks: a
/// concurrent spelling of the same new name shares one of them.
fn lock_keys(entity_type: &str, k: &AliasKeys) -> Vec<String> {
    let mut out = vec![format!("{entity_type}:norm:{}", k.norm)];
    if !k.last_skeleton.is_empty() {
        out.push(format!("{entity_type}:last:{}", k.last_skeleton));
    }
    if let Some(acr) = &k.initialism {
        out.push(format!("{entity_type}:acr:{acr}"));
    }
    out
}

/// An article's mentions, analysed.
struct Analysed<'a> {
    stored: &'a [StoredMention],
    names: Vec<Name>,
    keys: Vec<AliasKeys>,
    lookups: Vec<Lookup>,
    /// The earlier mention each one refers to within the article.
    within: Vec<Option<usize>>,
    /// The earlier mentions of relatives of each one (see
    /// `mediamon_names::decide::relatives_in_article`).
    relatives: Vec<Vec<usize>>,
}

/// The decisions for an article, before they are written.
#[derive(Default)]
struct Plan {
    entities: Vec<(Uuid, String, String)>,
    aliases: Vec<(Uuid, String, AliasKeys)>,
    reviews: Vec<(Uuid, Uuid, f64)>,
    chosen: Vec<(Option<Uuid>, ResolutionDecision)>,
    /// Mentions that start a new entity.
    creators: Vec<usize>,
    /// Ambiguous mentions and the entities they may be.
    ambiguous: Vec<(usize, Vec<Uuid>)>,
}

/// The aliases a resolution decides against: the store's candidates, then
/// what the article teaches, indexed by the keys a [`Lookup`] probes with,
/// so each mention meets only the aliases the store probe would return for
/// it (not every candidate of the whole article).
struct Pool<'a> {
    fetched: &'a [Known],
    learned: Vec<Known>,
    by_norm: HashMap<&'a str, Vec<usize>>,
    by_skeleton: HashMap<&'a str, Vec<usize>>,
    by_last: HashMap<&'a str, Vec<usize>>,
    by_initialism: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Pool<'a> {
    fn new(fetched: &'a [Known]) -> Self {
        let mut pool = Pool {
            fetched,
            learned: Vec::new(),
            by_norm: HashMap::new(),
            by_skeleton: HashMap::new(),
            by_last: HashMap::new(),
            by_initialism: HashMap::new(),
        };
        for (i, k) in fetched.iter().enumerate() {
            let keys = &k.keys;
            pool.by_norm.entry(&keys.norm).or_default().push(i);
            pool.by_skeleton.entry(&keys.skeleton).or_default().push(i);
            pool.by_last.entry(&keys.last_skeleton).or_default().push(i);
            if let Some(acr) = &keys.initialism {
                pool.by_initialism.entry(acr).or_default().push(i);
            }
        }
        pool
    }

    /// Whether `entity` already has an alias with this normalised name.
    fn has(&self, entity: Uuid, norm: &str) -> bool {
        self.by_norm
            .get(norm)
            .is_some_and(|v| v.iter().any(|&i| self.fetched[i].entity == entity))
            || self
                .learned
                .iter()
                .any(|k| k.entity == entity && k.keys.norm == norm)
    }

    /// The entity of the one kind of place a cue names ("Herat Province"
    /// for "the governor of Herat"), when exactly one entity has that name.
    fn of_kind(&self, l: &Lookup) -> Option<Uuid> {
        let norm = l.kind_norm.as_deref()?;
        let mut entities: Vec<Uuid> = self
            .by_norm
            .get(norm)
            .into_iter()
            .flatten()
            .map(|&i| &self.fetched[i])
            .chain(&self.learned)
            .filter(|k| k.keys.norm == norm && k.entity_type == l.entity_type)
            .map(|k| k.entity)
            .collect();
        entities.sort_unstable();
        entities.dedup();
        (entities.len() == 1).then(|| entities[0])
    }

    /// Fetched aliases with this surname key.
    fn with_surname(&self, last_skeleton: &str) -> usize {
        self.by_last.get(last_skeleton).map_or(0, Vec::len)
    }

    /// The aliases a mention is compared with, in pool order: those its
    /// lookup's keys find, and everything learned from the article
    /// (compared with every later mention, whatever the keys).
    fn found(&self, l: &Lookup) -> Vec<&Known> {
        fn keyed<'m>(
            map: &'m HashMap<&str, Vec<usize>>,
            keys: &'m [String],
        ) -> impl Iterator<Item = &'m usize> {
            keys.iter().filter_map(|k| map.get(k.as_str())).flatten()
        }
        let mut ids: Vec<usize> = keyed(&self.by_norm, std::slice::from_ref(&l.norm))
            .chain(keyed(&self.by_skeleton, &l.skeletons))
            .chain(keyed(&self.by_last, &l.surnames))
            .chain(keyed(&self.by_initialism, l.initialism.as_slice()))
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .map(|i| &self.fetched[i])
            .chain(&self.learned)
            .collect()
    }

    /// Adds a mention's name as an alias of `entity`, for the rest of the
    /// article; false when the entity already had it.
    fn learn(&mut self, entity: Uuid, m: &StoredMention, name: &Name, keys: &AliasKeys) -> bool {
        if self.has(entity, &keys.norm) {
            return false;
        }
        self.learned.push(Known {
            entity,
            entity_type: m.entity_type.clone(),
            surface: m.text.clone(),
            name: Arc::new(name.clone()),
            keys: keys.clone(),
            blocked: Vec::new(),
        });
        true
    }
}

impl Plan {
    /// Adds a mention's name as an alias of `entity`, to the pool (for the
    /// rest of the article) and to the rows to write.
    fn learn(
        &mut self,
        pool: &mut Pool<'_>,
        entity: Uuid,
        m: &StoredMention,
        name: &Name,
        keys: &AliasKeys,
    ) {
        if pool.learn(entity, m, name, keys) {
            self.aliases.push((entity, m.text.clone(), keys.clone()));
        }
    }
}

/// Decides every mention in memory against `pool`, in body order; what the
/// article creates joins the pool as it goes.
fn plan(a: &Analysed<'_>, fetched: &[Known]) -> Plan {
    let mut pool = Pool::new(fetched);
    // A surname key with as many aliases as one probe reads is too common
    // to pick "the only" bearer of it.
    let crowded: Vec<bool> = a
        .keys
        .iter()
        .map(|k| !k.last_skeleton.is_empty() && pool.with_surname(&k.last_skeleton) >= PROBE_CAP)
        .collect();
    let mut p = Plan::default();
    for (i, m) in a.stored.iter().enumerate() {
        let (name, keys) = (&a.names[i], &a.keys[i]);
        if let Some(j) = a.within[i] {
            let entity = p.chosen[j].0;
            // "National Resistance Front (NRF)" teaches the acronym.
            if let Some(e) = entity
                && is_acronym(&m.text)
            {
                p.learn(&mut pool, e, m, name, keys);
            }
            p.chosen.push((entity, ResolutionDecision::WithinArticle));
            continue;
        }
        if name.is_empty() {
            p.chosen.push((None, ResolutionDecision::Ambiguous));
            continue;
        }
        if let Some(entity) = pool.of_kind(&a.lookups[i]) {
            p.chosen
                .push((Some(entity), ResolutionDecision::AliasMatch));
            continue;
        }
        // Relatives named before in the article are not this person.
        let relatives: Vec<Uuid> = a.relatives[i]
            .iter()
            .filter_map(|&j| p.chosen[j].0)
            .collect();
        let candidates: Vec<Candidate<'_, Uuid>> = pool
            .found(&a.lookups[i])
            .into_iter()
            .filter(|k| k.entity_type == m.entity_type && !k.blocked.contains(&keys.norm))
            .filter(|k| !relatives.contains(&k.entity))
            .map(|k| Candidate {
                entity: k.entity,
                entity_type: &k.entity_type,
                surface: &k.surface,
                name: &k.name,
            })
            .collect();
        let pick = match decide(name, &m.text, &m.entity_type, &candidates) {
            Decision::Link {
                reason: Reason::UniquePartial,
                entity,
                ..
            } if crowded[i] => {
                p.ambiguous.push((i, vec![entity]));
                (None, ResolutionDecision::Ambiguous)
            }
            Decision::Link { entity, reason, .. } => {
                if reason != Reason::UniquePartial {
                    p.learn(&mut pool, entity, m, name, keys);
                }
                (Some(entity), reason_decision(reason))
            }
            Decision::New { review } => {
                let entity = Uuid::now_v7();
                p.entities
                    .push((entity, m.text.clone(), m.entity_type.clone()));
                p.creators.push(i);
                p.learn(&mut pool, entity, m, name, keys);
                if let Some((candidate, score)) = review {
                    p.reviews.push((m.id, candidate, score));
                }
                (Some(entity), ResolutionDecision::NewEntity)
            }
            Decision::Ambiguous { candidates } => {
                p.reviews.extend(candidates.iter().map(|c| (m.id, *c, 0.5)));
                p.ambiguous.push((i, candidates));
                (None, ResolutionDecision::Ambiguous)
            }
        };
        p.chosen.push(pick);
    }
    p
}

/// Links ambiguous partial names by the company their candidates keep
/// (`mediamon_names::decide::by_context`), against the entities the rest of
/// the article names.
async fn link_by_context(txn: &ResolutionTxn, p: &mut Plan) -> Result<(), ResolverError> {
    let open: Vec<&(usize, Vec<Uuid>)> = p.ambiguous.iter().filter(|(_, c)| c.len() > 1).collect();
    if open.is_empty() {
        return Ok(());
    }
    let candidates: Vec<Uuid> = open.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    let mut neighbours: Vec<Uuid> = p
        .chosen
        .iter()
        .filter_map(|(e, _)| *e)
        .filter(|e| !candidates.contains(e))
        .collect();
    neighbours.sort();
    neighbours.dedup();
    if neighbours.is_empty() {
        return Ok(());
    }
    let named_here: Vec<Uuid> = p.chosen.iter().filter_map(|(e, _)| *e).collect();
    let counts = txn.co_mentions(&candidates, &neighbours).await?;
    let count = |c: Uuid, n: Uuid| {
        counts
            .iter()
            .find(|(x, y, _)| *x == c && *y == n)
            .map_or(0, |r| u32::try_from(r.2).unwrap_or(u32::MAX))
    };
    let mut picks = Vec::new();
    for (i, cands) in &open {
        let evidence: Vec<Context<Uuid>> = cands
            .iter()
            .map(|&c| Context {
                entity: c,
                articles: count(c, c),
                shared: neighbours.iter().map(|&n| count(c, n)).collect(),
                named_here: named_here.contains(&c),
            })
            .collect();
        if let Some((entity, _)) = by_context(&evidence) {
            picks.push((*i, entity));
        }
    }
    for (i, entity) in picks {
        p.chosen[i] = (Some(entity), ResolutionDecision::Context);
    }
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
        return Ok(Resolved {
            links,
            already_resolved: true,
        });
    }

    let analysing = tracing::info_span!("resolve.analyse").entered();
    let names: Vec<Name> = stored
        .iter()
        .map(|m| analyze(&m.text, &m.entity_type).with_cues(&m.titles))
        .collect();
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
    let relatives = (0..view.len())
        .map(|i| relatives_in_article(&view, i))
        .collect();
    let lookups: Vec<Lookup> = stored
        .iter()
        .zip(&names)
        .zip(&keys)
        .map(|((m, n), k)| Lookup::new(&m.entity_type, n, k))
        .collect();
    let analysed = Analysed {
        stored: &stored,
        names,
        keys,
        lookups,
        within,
        relatives,
    };
    let probe = probe_for(
        analysed
            .lookups
            .iter()
            .zip(&analysed.within)
            .filter(|(_, link)| link.is_none())
            .map(|(l, _)| l),
    );
    drop(analysing);

    // Optimistic: decide without locks; only names that would become new
    // entities are locked, their candidates read again (a replica may have
    // just created them) and everything decided again. Repeats while a
    // fresh decision creates a name not yet locked.
    let mut locked: BTreeSet<String> = BTreeSet::new();
    let mut hits = 0;
    let mut known: Vec<Known> = txn
        .candidates_for(&probe)
        .await?
        .into_iter()
        .map(|row| Known::new(row, cache, &mut hits))
        .collect();
    let mut p = loop {
        let p = tracing::info_span!("resolve.decide", candidates = known.len())
            .in_scope(|| plan(&analysed, &known));
        let needed: BTreeSet<String> = p
            .creators
            .iter()
            .flat_map(|&i| lock_keys(&stored[i].entity_type, &analysed.keys[i]))
            .filter(|k| !locked.contains(k))
            .collect();
        if needed.is_empty() {
            break p;
        }
        txn.lock_names(needed.iter().cloned().collect()).await?;
        locked.extend(needed);
        // Only the new names can have twins: read their candidates again.
        let again = probe_for(p.creators.iter().map(|&i| &analysed.lookups[i]));
        for row in txn.candidates_for(&again).await? {
            if !known
                .iter()
                .any(|k| k.entity == row.entity_id && k.keys.norm == row.norm)
            {
                known.push(Known::new(row, cache, &mut hits));
            }
        }
    };
    span.record("candidates", known.len());
    span.record("cache_hits", hits);
    link_by_context(&txn, &mut p)
        .instrument(tracing::info_span!("resolve.context"))
        .await?;

    span.record("created", p.entities.len());
    span.record("linked", p.chosen.iter().filter(|c| c.0.is_some()).count());
    let decisions: Vec<(Uuid, Option<Uuid>, &str)> = stored
        .iter()
        .zip(&p.chosen)
        .map(|(m, (entity, d))| (m.id, *entity, mediamon_wire::decision_code(*d)))
        .collect();
    txn.finish(&Writes {
        entities: &p.entities,
        aliases: &p.aliases,
        reviews: &p.reviews,
        links: &decisions,
    })
    .await?;
    let links = stored
        .iter()
        .zip(p.chosen)
        .filter_map(|(m, (entity, decision))| {
            Some(Link {
                mention_id: m.id,
                entity_id: entity?,
                decision,
            })
        })
        .collect();
    Ok(Resolved {
        links,
        already_resolved: false,
    })
}
