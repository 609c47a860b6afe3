//! One event, many reports: after an article's names are resolved, each of
//! its groups of reports is linked to the known event it reports or starts
//! a new one. The decision is `mediamon-events`' (pure); this is the IO
//! around it, in one transaction whose advisory locks on the participants,
//! the place and what they lie within keep concurrent resolvers from
//! creating twins. Linking only
//! what is not linked yet makes a retry finish the work.

use std::sync::Arc;

use mediamon_events::Kind;
use mediamon_events::link::{Happening, link};
use mediamon_store::{EntityFacts, KnownEvent, ReportGroup, Store, Uuid};
use quick_cache::sync::Cache;

use crate::error::ResolverError;

/// The stems of the words a report or an event was told in.
fn stems(words: &[String]) -> Vec<String> {
    words.iter().map(|w| mediamon_events::stem(w)).collect()
}

/// A group's happening; `within` holds what its entities and its
/// candidates' lie within (the relation is read both ways, so one side
/// knowing it is enough).
fn of_group(kind: Kind, g: &ReportGroup, within: &[(Uuid, Uuid)]) -> Happening<Uuid> {
    Happening {
        kind,
        participants: g.participants.clone(),
        place: g.place,
        days: g.first_day.zip(g.last_day.or(g.first_day)),
        reported: g.reported,
        within: within.to_vec(),
        about: mediamon_events::link::main_actors(&g.named),
        people: g.people.clone(),
        words: stems(&g.words),
    }
}

fn of_event(kind: Kind, e: &KnownEvent) -> Happening<Uuid> {
    Happening {
        kind,
        participants: e.participant_entity_ids.clone(),
        place: e.place_entity_id,
        days: e.first_day.zip(e.last_day.or(e.first_day)),
        reported: e.last_reported,
        within: Vec::new(),
        about: Vec::new(),
        people: e.people.clone(),
        words: stems(&e.words),
    }
}

/// The knowledge-base key of what an entity lies within: a known state
/// body's state (`within.tsv`), a city's or region's country (the
/// gazetteer; countries themselves lie in nothing).
fn whole_key(f: &EntityFacts) -> Option<String> {
    if let Some(key) = f.kb_key.as_deref() {
        return mediamon_kb::within()
            .iter()
            .find(|(part, _)| *part == key)
            .map(|(_, whole)| whole.to_string());
    }
    if f.entity_type != "LOC" {
        return None;
    }
    let alpha2 = mediamon_ner::gazetteer::country_of(&f.canonical_name)?;
    let country = isocountry::CountryCode::for_alpha2(alpha2).ok()?;
    Some(format!("country:{}", country.alpha3()))
}

/// What each entity lies within, kept per process: a city's country and
/// an agency's state do not change, and linking asks for the same places
/// and actors all day. An entry may outlive a curator's merge of the
/// whole, which then only fails to relate two reports.
#[derive(Clone)]
pub struct WholeCache(Arc<Cache<Uuid, Option<Uuid>>>);

impl WholeCache {
    pub fn new(capacity: usize) -> Self {
        Self(Arc::new(Cache::new(capacity)))
    }

    /// `(entity, whole)` for those of `ids` that lie within another.
    async fn of(
        &self,
        txn: &mediamon_store::EventTxn,
        ids: Vec<Uuid>,
    ) -> Result<Vec<(Uuid, Uuid)>, ResolverError> {
        let mut pairs = Vec::new();
        let mut missing = Vec::new();
        for id in ids {
            match self.0.get(&id) {
                Some(whole) => pairs.extend(whole.map(|w| (id, w))),
                None => missing.push(id),
            }
        }
        missing.sort();
        missing.dedup();
        let found = txn.wholes(&missing, whole_key).await?;
        for id in missing {
            let whole = found.iter().find(|(part, _)| *part == id).map(|p| p.1);
            self.0.insert(id, whole);
            pairs.extend(whole.map(|w| (id, w)));
        }
        pairs.sort();
        pairs.dedup();
        Ok(pairs)
    }
}

/// What a group's event is found by: its participants, its place and what
/// they lie within (a report of Istanbul finds one of Türkiye).
fn found_by(g: &ReportGroup, within: &[(Uuid, Uuid)]) -> Vec<Uuid> {
    let wholes = within
        .iter()
        .filter(|(part, _)| g.participants.contains(part) || g.place == Some(*part))
        .map(|(_, whole)| *whole);
    g.participants
        .iter()
        .chain(g.place.iter())
        .copied()
        .chain(wholes)
        .collect()
}

/// Links the article's reports to events; how many groups were linked.
///
/// Optimistic, as entity resolution: decided without locks; only groups
/// that would start a new event take the locks of their keys (all in one
/// statement, so two linkers never wait on each other in a circle), read
/// their candidates again and decide again. A report of a popular
/// participant's known event takes no lock at all.
#[tracing::instrument(name = "resolve.events", skip_all, fields(groups, created))]
pub async fn link_events(
    store: &Store,
    wholes: &WholeCache,
    article_id: Uuid,
) -> Result<usize, ResolverError> {
    let (txn, groups) = store.begin_event_linking(article_id).await?;
    tracing::Span::current().record("groups", groups.len());
    if groups.is_empty() {
        txn.commit().await?;
        return Ok(0);
    }
    // Events are kept by kind family: a planned meeting and the meeting
    // are one happening.
    let family = |g: &ReportGroup| Kind::from_code(&g.kind).unwrap_or(Kind::Meet).family();
    let named = groups
        .iter()
        .flat_map(|g| g.participants.iter().chain(g.place.iter()).copied())
        .collect();
    let within = wholes.of(&txn, named).await?;
    // The candidates of every group, in one query: found by its entities
    // and what they lie within (a report of Istanbul finds one of Türkiye);
    // with what their entities and the candidates' lie within.
    type Read = (Vec<KnownEvent>, Vec<(Uuid, Uuid)>);
    let read = async |which: &[usize]| -> Result<Read, ResolverError> {
        let mut keys: Vec<(Uuid, String)> = which
            .iter()
            .flat_map(|&i| {
                let kind = family(&groups[i]).code();
                found_by(&groups[i], &within)
                    .into_iter()
                    .map(move |e| (e, kind.to_string()))
            })
            .collect();
        keys.sort();
        keys.dedup();
        // One reporting day for the article: its groups share it.
        let events = txn.candidates(&keys, groups[which[0]].reported).await?;
        let named = events
            .iter()
            .flat_map(|e| {
                e.participant_entity_ids
                    .iter()
                    .chain(e.place_entity_id.iter())
            })
            .copied()
            .collect();
        let mut all = wholes.of(&txn, named).await?;
        all.extend_from_slice(&within);
        Ok((events, all))
    };
    let decide = |g: &ReportGroup, (events, within): &Read| {
        let kind = family(g);
        let known: Vec<(Uuid, Happening<Uuid>)> = events
            .iter()
            .filter(|e| e.kind == kind.code())
            .map(|e| (e.id, of_event(kind, e)))
            .collect();
        link(&of_group(kind, g, within), &known)
    };
    let all: Vec<usize> = (0..groups.len()).collect();
    // A report that names no entity matches no known event.
    let keyed: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| !groups[i].participants.is_empty() || groups[i].place.is_some())
        .collect();
    let events = if keyed.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        read(&keyed).await?
    };
    let mut decisions: Vec<_> = groups.iter().map(|g| decide(g, &events)).collect();
    let creating: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| decisions[i].event.is_none())
        .collect();
    // Locked by everything a twin could be found by: two reports, one of
    // "the ISI in Turkey" and one of "Pakistan in Istanbul", share
    // Pakistan's and Türkiye's keys, so the second waits for the first.
    let mut lock_keys: Vec<String> = creating
        .iter()
        .flat_map(|&i| {
            let kind = family(&groups[i]).code();
            found_by(&groups[i], &within)
                .into_iter()
                .map(move |e| format!("event:{kind}:{e}"))
        })
        .collect();
    if !lock_keys.is_empty() {
        lock_keys.sort();
        lock_keys.dedup();
        txn.lock(lock_keys).await?;
        // A concurrent linker may have just created the event.
        let recheck: Vec<usize> = creating
            .iter()
            .copied()
            .filter(|i| keyed.contains(i))
            .collect();
        let events = read(&recheck).await?;
        for &i in &recheck {
            decisions[i] = decide(&groups[i], &events);
        }
    }
    tracing::Span::current().record(
        "created",
        decisions.iter().filter(|d| d.event.is_none()).count(),
    );
    // Known events are written in id order, so that two linkers updating
    // the same events never wait on each other in a circle.
    let mut order = all;
    order.sort_by_key(|&i| decisions[i].event);
    for i in order {
        let (g, decided) = (&groups[i], &decisions[i]);
        let evidence = serde_json::json!({
            "score": decided.score,
            "note": decided.note,
            "weighed": decided
                .weighed
                .iter()
                .map(|(e, s)| serde_json::json!({"event_id": e, "score": s}))
                .collect::<Vec<_>>(),
        });
        txn.link(article_id, g, family(g).code(), decided.event, &evidence)
            .await?;
    }
    txn.commit().await?;
    Ok(groups.len())
}
