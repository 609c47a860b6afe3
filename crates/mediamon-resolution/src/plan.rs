//! The plan for one article: every mention's decision, and the entities,
//! aliases and review pairs it creates, made in memory against a candidate
//! pool that the caller fetched with [`Analysed::probe`].
//!
//! Order: analyse every mention's name; link partial names and acronyms to
//! their full form earlier in the article; decide mention by mention in
//! body order with [`decide`]; what the article creates joins the pool as
//! it goes. Ambiguous partial names may then be linked by the company
//! their candidates keep ([`Plan::link_by_context`]). Surnames and
//! ambiguous partial names never become aliases: a bare "Massoud"
//! elsewhere may be the father.

use std::collections::HashMap;
use std::sync::Arc;

use std::fmt::Display;

use mediamon_names::{Name, analyze, is_acronym, is_description};

use crate::decide::{
    Candidate, Considered, Context, Decision, Reason, by_context, decide, link_in_article,
    relatives_in_article,
};
use crate::keys::{AliasKeys, Lookup, PROBE_CAP, Probe, alias_keys, lock_keys, probe_for};

/// A mention as resolution reads it.
#[derive(Debug, Clone, Copy)]
pub struct MentionIn<'a> {
    pub text: &'a str,
    pub entity_type: &'a str,
    /// The name finder's cue words (titles, kinship, kind of place).
    pub cues: &'a [String],
}

/// How a mention was resolved (stored as the codes of [`Outcome::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An earlier mention in the same article names it in full.
    WithinArticle,
    /// An alias with the same normalised name.
    AliasMatch,
    /// A spelling or script variant of an alias.
    Variant,
    /// The acronym of an organisation.
    Acronym,
    /// A surname with only one possible bearer.
    Surname,
    /// No entity fitted: a new one.
    NewEntity,
    /// A partial name that fits several entities: unlinked.
    Ambiguous,
    /// An ambiguous partial name linked by the company it keeps.
    Context,
}

impl Outcome {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::WithinArticle => "within_article",
            Outcome::AliasMatch => "alias_match",
            Outcome::Variant => "variant",
            Outcome::Acronym => "acronym",
            Outcome::Surname => "surname",
            Outcome::NewEntity => "new_entity",
            Outcome::Ambiguous => "ambiguous",
            Outcome::Context => "context",
        }
    }

    fn of(reason: Reason) -> Self {
        match reason {
            Reason::Exact => Outcome::AliasMatch,
            Reason::Variant => Outcome::Variant,
            Reason::Acronym => Outcome::Acronym,
            Reason::UniquePartial | Reason::FullNameOfSurname => Outcome::Surname,
        }
    }
}

/// What a decision rested on, kept with it so that it can be explained
/// later as it was made (not as today's aliases would make it).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evidence<E> {
    /// The score of the link (or of the best candidate).
    pub score: f64,
    /// The earlier mention of the article this one refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub antecedent: Option<usize>,
    /// The candidates weighed, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Considered<E>>,
    /// Why, in words.
    pub note: String,
}

impl<E> Evidence<E> {
    /// Evidence that is only a note.
    fn note(note: impl Into<String>) -> Self {
        Evidence {
            score: 0.0,
            antecedent: None,
            candidates: Vec::new(),
            note: note.into(),
        }
    }
}

/// One mention's decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice<E> {
    pub entity: Option<E>,
    pub outcome: Outcome,
    pub evidence: Evidence<E>,
}

/// An article's mentions, analysed.
pub struct Analysed {
    pub names: Vec<Name>,
    pub keys: Vec<AliasKeys>,
    pub lookups: Vec<Lookup>,
    texts: Vec<String>,
    types: Vec<String>,
    /// The earlier mention each one refers to within the article.
    within: Vec<Option<usize>>,
    /// The earlier mentions of relatives of each one (see
    /// [`relatives_in_article`]).
    relatives: Vec<Vec<usize>>,
    /// Which mentions are descriptions ([`is_description`]).
    descriptions: Vec<bool>,
}

impl Analysed {
    pub fn new(mentions: &[MentionIn<'_>]) -> Self {
        let names: Vec<Name> = mentions
            .iter()
            .map(|m| analyze(m.text, m.entity_type).with_cues(m.cues))
            .collect();
        let keys: Vec<AliasKeys> = mentions
            .iter()
            .zip(&names)
            .map(|(m, n)| alias_keys(m.text, n, m.entity_type))
            .collect();
        let view: Vec<(&Name, &str, &str)> = mentions
            .iter()
            .zip(&names)
            .map(|(m, n)| (n, m.text, m.entity_type))
            .collect();
        let within = link_in_article(&view);
        let relatives = (0..view.len())
            .map(|i| relatives_in_article(&view, i))
            .collect();
        let lookups = mentions
            .iter()
            .zip(&names)
            .zip(&keys)
            .map(|((m, n), k)| Lookup::new(m.entity_type, n, k))
            .collect();
        Analysed {
            descriptions: mentions
                .iter()
                .zip(&names)
                .map(|(m, n)| m.entity_type != "PER" && is_description(n))
                .collect(),
            texts: mentions.iter().map(|m| m.text.to_string()).collect(),
            types: mentions.iter().map(|m| m.entity_type.to_string()).collect(),
            names,
            keys,
            lookups,
            within,
            relatives,
        }
    }

    /// What the store is asked for: the candidates of every mention not
    /// linked within the article (a description's depend on the article's
    /// country: [`Plan::qualified`]).
    pub fn probe(&self) -> Probe {
        probe_for(
            self.lookups
                .iter()
                .zip(&self.within)
                .zip(&self.descriptions)
                .filter(|((_, link), description)| link.is_none() && !**description)
                .map(|((l, _), _)| l),
        )
    }
}

/// A known alias in the article's candidate pool.
#[derive(Debug, Clone)]
pub struct Known<E> {
    pub entity: E,
    pub entity_type: String,
    pub surface: String,
    pub name: Arc<Name>,
    pub keys: AliasKeys,
    /// Mention names an analyst took away from the entity.
    pub blocked: Vec<String>,
    /// The entity's key in the knowledge base (`country:PAK`), when known.
    pub kb_key: Option<String>,
}

/// The decisions for an article, before they are written.
#[derive(Debug)]
pub struct Plan<E> {
    /// (id, canonical name, type) of the entities it creates.
    pub entities: Vec<(E, String, String)>,
    /// (entity, surface, keys) of the aliases it adds.
    pub aliases: Vec<(E, String, AliasKeys)>,
    /// (mention index, entity, score): "possibly the same as".
    pub reviews: Vec<(usize, E, f64)>,
    /// One choice per mention, in order.
    pub chosen: Vec<Choice<E>>,
    /// Mentions that start a new entity, with the keys of its name.
    pub creators: Vec<(usize, AliasKeys)>,
    /// Mentions whose name is a new alias of a known entity.
    pub learners: Vec<usize>,
    /// Ambiguous mentions and the entities they may be.
    pub ambiguous: Vec<(usize, Vec<E>)>,
    /// The names descriptions were looked up by: the description and the
    /// country its article names ("foreign ministry @<entity>"). The
    /// caller fetches their candidates too and plans again when one is new.
    pub qualified: Vec<String>,
}

/// The aliases a plan decides against: the fetched candidates, then what
/// the article teaches, indexed by the keys a [`Lookup`] probes with, so
/// each mention meets only the aliases the store probe would return for it
/// (not every candidate of the whole article).
struct Pool<'a, E> {
    fetched: &'a [Known<E>],
    learned: Vec<Known<E>>,
    by_norm: HashMap<&'a str, Vec<usize>>,
    by_skeleton: HashMap<&'a str, Vec<usize>>,
    by_last: HashMap<&'a str, Vec<usize>>,
    by_initialism: HashMap<&'a str, Vec<usize>>,
}

impl<'a, E: Copy + Eq> Pool<'a, E> {
    fn new(fetched: &'a [Known<E>]) -> Self {
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
    fn has(&self, entity: E, norm: &str) -> bool {
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
    fn of_kind(&self, l: &Lookup) -> Option<E> {
        match self.entities_named(l.kind_norm.as_deref()?, Some(&l.entity_type))[..] {
            [entity] => Some(entity),
            _ => None,
        }
    }

    /// The entities (of this type, if given) with an alias of exactly this
    /// normalised name.
    fn entities_named(&self, norm: &str, ty: Option<&str>) -> Vec<E> {
        let mut out: Vec<E> = Vec::new();
        for k in self
            .by_norm
            .get(norm)
            .into_iter()
            .flatten()
            .map(|&i| &self.fetched[i])
            .chain(self.learned.iter().filter(|k| k.keys.norm == norm))
            .filter(|k| ty.is_none_or(|t| k.entity_type == t))
        {
            if !out.contains(&k.entity) {
                out.push(k.entity);
            }
        }
        out
    }

    /// Whether `entity` is a country of the knowledge base.
    fn is_country(&self, entity: E) -> bool {
        self.fetched.iter().any(|k| {
            k.entity == entity
                && k.kb_key
                    .as_deref()
                    .is_some_and(|key| key.starts_with("country:"))
        })
    }

    /// Fetched aliases with this surname key.
    fn with_surname(&self, last_skeleton: &str) -> usize {
        self.by_last.get(last_skeleton).map_or(0, Vec::len)
    }

    /// The aliases a mention is compared with, in pool order: those its
    /// lookup's keys find, and everything learned from the article
    /// (compared with every later mention, whatever the keys).
    fn found(&self, l: &Lookup) -> Vec<&Known<E>> {
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
    fn learn(&mut self, entity: E, ty: &str, text: &str, name: &Name, keys: &AliasKeys) -> bool {
        if self.has(entity, &keys.norm) {
            return false;
        }
        self.learned.push(Known {
            entity,
            entity_type: ty.to_string(),
            surface: text.to_string(),
            name: Arc::new(name.clone()),
            keys: keys.clone(),
            blocked: Vec::new(),
            kb_key: None,
        });
        true
    }
}

impl<E: Copy + Eq> Plan<E> {
    /// Adds mention `i`'s name as an alias of `entity`, to the pool (for the
    /// rest of the article) and to the rows to write.
    fn learn(&mut self, pool: &mut Pool<'_, E>, a: &Analysed, i: usize, entity: E) {
        let (text, ty) = (&a.texts[i], &a.types[i]);
        if pool.learn(entity, ty, text, &a.names[i], &a.keys[i]) {
            self.aliases.push((entity, text.clone(), a.keys[i].clone()));
            if !self.entities.iter().any(|e| e.0 == entity) {
                self.learners.push(i);
            }
        }
    }

    /// The name keys to lock before writing what this plan creates: the
    /// names of new entities, and new names of known ones (a concurrent
    /// resolution that would create that name must see it).
    pub fn lock_keys(&self, a: &Analysed) -> Vec<String> {
        self.creators
            .iter()
            .map(|(_, k)| k)
            .chain(self.learners.iter().map(|&i| &a.keys[i]))
            .flat_map(lock_keys)
            .collect()
    }

    /// The entities this article names under another type than the one
    /// they have (`known` gives known entities' types; new ones have their
    /// first mention's): their type is the majority of their mentions', to
    /// be counted again once the links are written.
    pub fn retyped(&self, a: &Analysed, known: &[Known<E>]) -> Vec<E> {
        let type_of = |e: E| {
            self.entities
                .iter()
                .find(|n| n.0 == e)
                .map(|n| n.2.as_str())
                .or_else(|| {
                    known
                        .iter()
                        .find(|k| k.entity == e)
                        .map(|k| k.entity_type.as_str())
                })
        };
        let mut out: Vec<E> = Vec::new();
        for (c, ty) in self.chosen.iter().zip(&a.types) {
            if let Some(e) = c.entity
                && type_of(e).is_some_and(|t| t != ty)
                && !out.contains(&e)
            {
                out.push(e);
            }
        }
        out
    }

    /// What to read again once the new names are locked: a replica may
    /// have just written them.
    pub fn locked_probe(&self, a: &Analysed) -> Probe {
        let mut probe = probe_for(
            self.creators
                .iter()
                .filter(|(i, _)| !a.descriptions[*i])
                .map(|(i, _)| *i)
                .chain(self.learners.iter().copied())
                .map(|i| &a.lookups[i]),
        );
        probe.norms.extend(self.qualified.iter().cloned());
        probe
    }
}

/// Decides every mention in memory against `fetched`, in body order; what
/// the article creates joins the pool as it goes. `mint` gives the id of
/// each new entity.
pub fn plan<E: Copy + Eq + Display>(
    a: &Analysed,
    fetched: &[Known<E>],
    mint: &mut impl FnMut() -> E,
) -> Plan<E> {
    let mut pool = Pool::new(fetched);
    // A surname key with as many aliases as one probe reads is too common
    // to pick "the only" bearer of it.
    let crowded: Vec<bool> = a
        .keys
        .iter()
        .map(|k| !k.last_skeleton.is_empty() && pool.with_surname(&k.last_skeleton) >= PROBE_CAP)
        .collect();
    let mut p = Plan {
        entities: Vec::new(),
        aliases: Vec::new(),
        reviews: Vec::new(),
        chosen: vec![
            Choice {
                entity: None,
                outcome: Outcome::Ambiguous,
                evidence: Evidence::note("undecided"),
            };
            a.names.len()
        ],
        creators: Vec::new(),
        learners: Vec::new(),
        ambiguous: Vec::new(),
        qualified: Vec::new(),
    };
    // Names in full first, then what refers to them within the article
    // (a headline's surname may come before the full name). Descriptions
    // wait for the country the article names.
    let root = |i: &usize| a.within[*i].is_none();
    const DESCRIPTIONS: usize = usize::MAX;
    let order: Vec<usize> = (0..a.names.len())
        .filter(|i| root(i) && !a.descriptions[*i])
        .chain([DESCRIPTIONS])
        .chain((0..a.names.len()).filter(|i| !root(i)))
        .collect();
    for i in order {
        if i == DESCRIPTIONS {
            let country = article_country(a, &p, &pool);
            for d in (0..a.names.len()).filter(|d| root(d) && a.descriptions[*d]) {
                describe(&mut p, &mut pool, a, d, country.as_ref(), mint);
            }
            continue;
        }
        let crowded = crowded[i];
        let (name, keys, ty, text) = (&a.names[i], &a.keys[i], &a.types[i], &a.texts[i]);
        if let Some(j) = a.within[i] {
            let entity = p.chosen[j].entity;
            // "National Resistance Front (NRF)" teaches the acronym.
            if let Some(e) = entity
                && is_acronym(text)
            {
                p.learn(&mut pool, a, i, e);
            }
            p.chosen[i] = Choice {
                entity,
                outcome: Outcome::WithinArticle,
                evidence: Evidence {
                    score: 1.0,
                    antecedent: Some(j),
                    candidates: Vec::new(),
                    note: format!("refers to {:?} earlier in the article", a.texts[j]),
                },
            };
            continue;
        }
        if name.is_empty() {
            p.chosen[i] = Choice {
                entity: None,
                outcome: Outcome::Ambiguous,
                evidence: Evidence::note("nothing of the name is left to compare"),
            };
            continue;
        }
        if let Some(entity) = pool.of_kind(&a.lookups[i]) {
            p.chosen[i] = Choice {
                entity: Some(entity),
                outcome: Outcome::AliasMatch,
                evidence: Evidence {
                    score: 1.0,
                    ..Evidence::note(format!(
                        "the one place named {:?}",
                        a.lookups[i].kind_norm.as_deref().unwrap_or_default()
                    ))
                },
            };
            continue;
        }
        // Relatives named before in the article are not this person.
        let relatives: Vec<E> = a.relatives[i]
            .iter()
            .filter_map(|&j| p.chosen[a.within[j].unwrap_or(j)].entity)
            .collect();
        let candidates: Vec<Candidate<'_, E>> = pool
            .found(&a.lookups[i])
            .into_iter()
            .filter(|k| !k.blocked.contains(&keys.norm))
            .filter(|k| !relatives.contains(&k.entity))
            .map(|k| Candidate {
                entity: k.entity,
                entity_type: &k.entity_type,
                surface: &k.surface,
                name: &k.name,
            })
            .collect();
        let decided = decide(name, text, ty, &candidates);
        let top = decided.ranked.first().map_or(0.0, |c| c.score);
        let evidence = |note: String| Evidence {
            score: top,
            antecedent: None,
            candidates: decided.ranked.clone(),
            note,
        };
        let choice = match decided.decision {
            Decision::Link {
                reason: Reason::UniquePartial,
                entity,
                ..
            } if crowded => {
                p.ambiguous.push((i, vec![entity]));
                Choice {
                    entity: None,
                    outcome: Outcome::Ambiguous,
                    evidence: evidence("a surname too common to name one person".into()),
                }
            }
            Decision::Link {
                entity,
                reason,
                score,
            } => {
                if reason != Reason::UniquePartial {
                    p.learn(&mut pool, a, i, entity);
                }
                let alias = decided
                    .ranked
                    .iter()
                    .find(|c| c.entity == entity)
                    .map_or("", |c| c.alias.as_str());
                let note = match reason {
                    Reason::Exact => format!("the same name as the alias {alias:?}"),
                    Reason::Variant => format!("a spelling of the alias {alias:?}"),
                    Reason::Acronym => format!("the acronym of {alias:?}"),
                    Reason::UniquePartial => {
                        format!("a surname that only {alias:?} of those known bears")
                    }
                    Reason::FullNameOfSurname => {
                        format!("the full name of the one person known only as {alias:?}")
                    }
                };
                Choice {
                    entity: Some(entity),
                    outcome: Outcome::of(reason),
                    evidence: Evidence {
                        score,
                        ..evidence(note)
                    },
                }
            }
            Decision::New { review } => {
                let entity = mint();
                p.entities.push((entity, text.clone(), ty.clone()));
                p.creators.push((i, keys.clone()));
                p.learn(&mut pool, a, i, entity);
                let note = match review {
                    Some((candidate, score)) => {
                        p.reviews.push((i, candidate, score));
                        format!("no confident match (best {score:.2}, offered for review)")
                    }
                    None => "no candidate".into(),
                };
                Choice {
                    entity: Some(entity),
                    outcome: Outcome::NewEntity,
                    evidence: evidence(note),
                }
            }
            Decision::Ambiguous { candidates } => {
                p.reviews.extend(candidates.iter().map(|c| (i, *c, 0.5)));
                let note = format!("a partial name that fits {} entities", candidates.len());
                p.ambiguous.push((i, candidates));
                Choice {
                    entity: None,
                    outcome: Outcome::Ambiguous,
                    evidence: evidence(note),
                }
            }
        };
        p.chosen[i] = choice;
    }
    p
}

/// The country the article names most often (by its entity; failing a
/// known country, the place it names most often), with the name it was
/// first written with: whose institutions its descriptions are.
fn article_country<E: Copy + Eq>(
    a: &Analysed,
    p: &Plan<E>,
    pool: &Pool<'_, E>,
) -> Option<(E, String)> {
    let mut counts: Vec<(bool, E, usize, usize)> = Vec::new();
    for k in 0..a.names.len() {
        let r = a.within[k].unwrap_or(k);
        if a.types[r] != "LOC" || a.descriptions[r] {
            continue;
        }
        let Some(e) = p.chosen[r].entity else {
            continue;
        };
        match counts.iter_mut().find(|c| c.1 == e) {
            Some(c) => c.2 += 1,
            None => counts.push((pool.is_country(e), e, 1, r)),
        }
    }
    let best = counts
        .iter()
        .max_by_key(|c| (c.0, c.2, std::cmp::Reverse(c.3)))?;
    Some((best.1, a.texts[best.3].clone()))
}

/// Decides description `i` ("Foreign Ministry"): the institution of the
/// article's country, found by the description qualified with that
/// country's entity, or a new one; with no country named, an entity of
/// this article alone. A description is never an alias by itself, so the
/// string alone joins nothing across articles.
fn describe<E: Copy + Eq + Display>(
    p: &mut Plan<E>,
    pool: &mut Pool<'_, E>,
    a: &Analysed,
    i: usize,
    country: Option<&(E, String)>,
    mint: &mut impl FnMut() -> E,
) {
    let (text, ty) = (&a.texts[i], &a.types[i]);
    let Some((place, place_name)) = country else {
        let entity = mint();
        let keys = AliasKeys {
            norm: format!("{} @{entity}", a.keys[i].norm),
            ..AliasKeys::default()
        };
        p.entities.push((entity, text.clone(), ty.clone()));
        p.aliases.push((entity, text.clone(), keys));
        p.chosen[i] = Choice {
            entity: Some(entity),
            outcome: Outcome::NewEntity,
            evidence: Evidence::note(
                "a description, and the article names no place whose it is: this article's alone",
            ),
        };
        return;
    };
    let keys = AliasKeys {
        norm: format!("{} @{place}", a.keys[i].norm),
        ..AliasKeys::default()
    };
    p.qualified.push(keys.norm.clone());
    let known = pool.entities_named(&keys.norm, None);
    let choice = if let [entity] = known[..] {
        Choice {
            entity: Some(entity),
            outcome: Outcome::AliasMatch,
            evidence: Evidence {
                score: 1.0,
                ..Evidence::note(format!("a description: the {text} of {place_name}"))
            },
        }
    } else {
        let entity = mint();
        p.entities
            .push((entity, format!("{text} ({place_name})"), ty.clone()));
        if pool.learn(entity, ty, text, &a.names[i], &keys) {
            p.aliases.push((entity, text.clone(), keys.clone()));
        }
        p.creators.push((i, keys));
        Choice {
            entity: Some(entity),
            outcome: Outcome::NewEntity,
            evidence: Evidence::note(format!(
                "a description: the {text} of {place_name}, not known before"
            )),
        }
    };
    p.chosen[i] = choice;
}

impl<E: Copy + Eq + Ord> Plan<E> {
    /// What the context step needs counted: the candidates of ambiguous
    /// mentions, and the other entities the article names (its
    /// neighbours). `None` when there is nothing to decide.
    pub fn context_question(&self) -> Option<(Vec<E>, Vec<E>)> {
        let candidates: Vec<E> = self
            .ambiguous
            .iter()
            .filter(|(_, c)| c.len() > 1)
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let mut neighbours: Vec<E> = self
            .chosen
            .iter()
            .filter_map(|c| c.entity)
            .filter(|e| !candidates.contains(e))
            .collect();
        neighbours.sort();
        neighbours.dedup();
        (!neighbours.is_empty()).then_some((candidates, neighbours))
    }

    /// Links ambiguous partial names by the company their candidates keep
    /// ([`by_context`]): `count(c, n)` is the number of earlier articles
    /// naming both candidate `c` and neighbour `n` (`count(c, c)`: naming
    /// `c`), for the neighbours of [`Plan::context_question`].
    pub fn link_by_context(&mut self, neighbours: &[E], count: impl Fn(E, E) -> u32) {
        let named_here: Vec<E> = self.chosen.iter().filter_map(|c| c.entity).collect();
        let mut picks = Vec::new();
        for (i, cands) in self.ambiguous.iter().filter(|(_, c)| c.len() > 1) {
            let evidence: Vec<Context<E>> = cands
                .iter()
                .map(|&c| Context {
                    entity: c,
                    articles: count(c, c),
                    shared: neighbours.iter().map(|&n| count(c, n)).collect(),
                    named_here: named_here.contains(&c),
                })
                .collect();
            if let Some((entity, score)) = by_context(&evidence) {
                picks.push((*i, entity, score));
            }
        }
        for (i, entity, score) in picks {
            let choice = &mut self.chosen[i];
            choice.entity = Some(entity);
            choice.outcome = Outcome::Context;
            choice.evidence.score = score;
            choice.evidence.note = format!(
                "{}; picked by the entities its article names (context score {score:.2})",
                choice.evidence.note
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(entity: u32, ty: &str, surface: &str) -> Known<u32> {
        let name = analyze(surface, ty);
        Known {
            entity,
            entity_type: ty.to_string(),
            surface: surface.to_string(),
            keys: alias_keys(surface, &name, ty),
            name: Arc::new(name),
            blocked: Vec::new(),
            kb_key: None,
        }
    }

    #[test]
    fn a_name_met_under_another_type_asks_for_a_recount() {
        let inputs = [
            MentionIn {
                text: "Zarnegar",
                entity_type: "PER",
                cues: &[],
            },
            MentionIn {
                text: "Kabul",
                entity_type: "LOC",
                cues: &[],
            },
        ];
        let a = Analysed::new(&inputs);
        let fetched = [known(1, "LOC", "Zarnegar"), known(2, "LOC", "Kabul")];
        let mut next = 10;
        let p = plan(&a, &fetched, &mut || {
            next += 1;
            next
        });
        assert_eq!(p.chosen[0].entity, Some(1), "{:?}", p.chosen);
        assert_eq!(p.chosen[1].entity, Some(2));
        assert_eq!(p.retyped(&a, &fetched), vec![1]);
    }
}
