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

use mediamon_names::{Name, analyze, is_acronym};

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
            Reason::UniquePartial => Outcome::Surname,
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
    /// linked within the article.
    pub fn probe(&self) -> Probe {
        probe_for(
            self.lookups
                .iter()
                .zip(&self.within)
                .filter(|(_, link)| link.is_none())
                .map(|(l, _)| l),
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
    /// Mentions that start a new entity.
    pub creators: Vec<usize>,
    /// Ambiguous mentions and the entities they may be.
    pub ambiguous: Vec<(usize, Vec<E>)>,
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
        let norm = l.kind_norm.as_deref()?;
        let mut entities: Vec<E> = Vec::new();
        for k in self
            .by_norm
            .get(norm)
            .into_iter()
            .flatten()
            .map(|&i| &self.fetched[i])
            .chain(&self.learned)
            .filter(|k| k.keys.norm == norm && k.entity_type == l.entity_type)
        {
            if !entities.contains(&k.entity) {
                entities.push(k.entity);
            }
        }
        (entities.len() == 1).then(|| entities[0])
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
        }
    }

    /// The name keys to lock before writing what this plan creates.
    pub fn lock_keys(&self, a: &Analysed) -> Vec<String> {
        self.creators
            .iter()
            .flat_map(|&i| lock_keys(&a.keys[i]))
            .collect()
    }

    /// What to read again once the new names are locked: a replica may
    /// have just created them.
    pub fn creators_probe(&self, a: &Analysed) -> Probe {
        probe_for(self.creators.iter().map(|&i| &a.lookups[i]))
    }
}

/// Decides every mention in memory against `fetched`, in body order; what
/// the article creates joins the pool as it goes. `mint` gives the id of
/// each new entity.
pub fn plan<E: Copy + Eq>(
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
        chosen: Vec::with_capacity(a.names.len()),
        creators: Vec::new(),
        ambiguous: Vec::new(),
    };
    for (i, &crowded) in crowded.iter().enumerate() {
        let (name, keys, ty, text) = (&a.names[i], &a.keys[i], &a.types[i], &a.texts[i]);
        if let Some(j) = a.within[i] {
            let entity = p.chosen[j].entity;
            // "National Resistance Front (NRF)" teaches the acronym.
            if let Some(e) = entity
                && is_acronym(text)
            {
                p.learn(&mut pool, a, i, e);
            }
            p.chosen.push(Choice {
                entity,
                outcome: Outcome::WithinArticle,
                evidence: Evidence {
                    score: 1.0,
                    antecedent: Some(j),
                    candidates: Vec::new(),
                    note: format!("refers to {:?} earlier in the article", a.texts[j]),
                },
            });
            continue;
        }
        if name.is_empty() {
            p.chosen.push(Choice {
                entity: None,
                outcome: Outcome::Ambiguous,
                evidence: Evidence::note("nothing of the name is left to compare"),
            });
            continue;
        }
        if let Some(entity) = pool.of_kind(&a.lookups[i]) {
            p.chosen.push(Choice {
                entity: Some(entity),
                outcome: Outcome::AliasMatch,
                evidence: Evidence {
                    score: 1.0,
                    ..Evidence::note(format!(
                        "the one place named {:?}",
                        a.lookups[i].kind_norm.as_deref().unwrap_or_default()
                    ))
                },
            });
            continue;
        }
        // Relatives named before in the article are not this person.
        let relatives: Vec<E> = a.relatives[i]
            .iter()
            .filter_map(|&j| p.chosen[j].entity)
            .collect();
        let candidates: Vec<Candidate<'_, E>> = pool
            .found(&a.lookups[i])
            .into_iter()
            .filter(|k| k.entity_type == *ty && !k.blocked.contains(&keys.norm))
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
                Choice {
                    entity: Some(entity),
                    outcome: Outcome::of(reason),
                    evidence: Evidence {
                        score,
                        ..evidence(format!("{reason:?}"))
                    },
                }
            }
            Decision::New { review } => {
                let entity = mint();
                p.entities.push((entity, text.clone(), ty.clone()));
                p.creators.push(i);
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
        p.chosen.push(choice);
    }
    p
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
