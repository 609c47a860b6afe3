//! One event, many reports, measured: the product's linker
//! (`mediamon_events::link`) run over reports in arrival order as the
//! resolver runs it, scored with MUC, B-cubed, CEAF-e and the CoNLL F1
//! (`coref.rs`) beside a same-lemma baseline, on ECB+ (real news, read at
//! run time from `../shared/data/ecbplus`) and on the labeled set.
//!
//! Names are resolved by the resolution core in memory (`resolve.rs`, with
//! the knowledge base), as `bench resolve` runs it. What the resolver adds
//! from the store is left out: what lies within what (a city's country)
//! and the candidate window.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use mediamon_events::Kind;
use mediamon_events::link::{Happening, link};
use mediamon_ner::{EntityType, Tagger};
use mediamon_store::{Annotations, NewEventMention, NewMention};

use super::coref::{self, Scores};
use super::resolve::{Gold, documents, run_core};

/// A report to link: its document (in arrival order); reports of one
/// happening in a document share `group` and are linked as one, as the
/// resolver links an article's groups.
#[derive(Clone)]
pub(crate) struct Report {
    pub doc: usize,
    pub group: usize,
    /// What kind of happening: a kind family, or for a gold mention whose
    /// trigger the product has no kind for, its lemma.
    pub family: String,
    pub happening: Happening<usize>,
}

/// What the store keeps of an event's participants (`PARTICIPANTS`).
const PARTICIPANTS: usize = 20;

/// Widens what an event knows with a report, as the store does: the
/// participants and the words (at most [`PARTICIPANTS`] each), the first
/// place said, the days and the latest report.
fn widen(event: &mut Happening<usize>, report: &Happening<usize>) {
    for p in &report.participants {
        if event.participants.len() < PARTICIPANTS && !event.participants.contains(p) {
            event.participants.push(*p);
            if report.people.contains(p) {
                event.people.push(*p);
            }
        }
    }
    event.place = event.place.or(report.place);
    event.days = match (event.days, report.days) {
        (Some((a1, a2)), Some((b1, b2))) => Some((a1.min(b1), a2.max(b2))),
        (a, b) => a.or(b),
    };
    event.reported = event.reported.max(report.reported);
    for w in &report.words {
        if event.words.len() < PARTICIPANTS && !event.words.contains(w) {
            event.words.push(w.clone());
        }
    }
}

/// The event each report is linked to. Documents come in order; each of a
/// document's groups joins the best known event of its family or starts a
/// new one, decided against the events known before its document, as the
/// resolver reads an article's candidates once.
pub(crate) fn link_all(reports: &[Report]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..reports.len()).collect();
    order.sort_by_key(|&i| (reports[i].doc, reports[i].group));
    let mut events: Vec<(String, Happening<usize>)> = Vec::new();
    let mut out = vec![0; reports.len()];
    let mut at = 0;
    while at < order.len() {
        let doc = reports[order[at]].doc;
        let end = at
            + order[at..]
                .iter()
                .take_while(|&&i| reports[i].doc == doc)
                .count();
        // The document's groups, each merged into one happening.
        let mut groups: Vec<(usize, String, Happening<usize>, Vec<usize>)> = Vec::new();
        for &i in &order[at..end] {
            let r = &reports[i];
            match groups.iter_mut().find(|g| g.0 == r.group) {
                Some(g) => {
                    widen(&mut g.2, &r.happening);
                    g.3.push(i);
                }
                None => groups.push((r.group, r.family.clone(), r.happening.clone(), vec![i])),
            }
        }
        let known = events.len();
        for (_, family, h, members) in groups {
            let candidates: Vec<(usize, Happening<usize>)> = events[..known]
                .iter()
                .enumerate()
                .filter(|(_, e)| e.0 == family)
                .map(|(i, e)| (i, e.1.clone()))
                .collect();
            let e = match link(&h, &candidates).event {
                Some(e) => {
                    widen(&mut events[e].1, &h);
                    e
                }
                None => {
                    events.push((family, h));
                    events.len() - 1
                }
            };
            for i in members {
                out[i] = e;
            }
        }
        at = end;
    }
    out
}

/// Each line of `text` with the code point it starts at.
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut at = 0;
    text.split('\n')
        .map(|line| {
            let start = at;
            at += line.chars().count() + 1;
            (start, line)
        })
        .collect()
}

/// The kind a gold trigger the product did not read itself reports: the
/// product's own for its word, else that of a trigger word of the same
/// lemma ("host" as "hosted").
fn kind_of(word: &str) -> Option<Kind> {
    mediamon_events::trigger_kind(word).or_else(|| {
        let lemma = lemma(word);
        mediamon_events::triggers()
            .find(|(w, _)| self::lemma(w) == lemma)
            .map(|(_, k)| k)
    })
}

/// The lemma of a trigger word, for the baseline and for triggers the
/// product has no kind for: the stem linking compares words by.
pub(crate) use mediamon_events::stem as lemma;

/// Resolves the names of prepared documents with the resolution core: an
/// entity number per mention, per document.
pub(crate) fn resolve_names(
    docs: &[(String, &str, &[NewMention])],
) -> anyhow::Result<Vec<Vec<usize>>> {
    let tagger = Tagger::builtin()?;
    let mut golds = Vec::new();
    for (key, body, mentions) in docs {
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        let byte = |cp: i32| {
            usize::try_from(cp)
                .ok()
                .and_then(|cp| chars.get(cp).map(|c| c.0))
                .unwrap_or(body.len())
        };
        for m in *mentions {
            let (start, end) = (byte(m.start), byte(m.end));
            // The sentence around it: the line, as ECB+ and the labeled
            // set have one sentence or paragraph a line.
            let from = body[..start].rfind('\n').map_or(0, |i| i + 1);
            let to = body[end..].find('\n').map_or(body.len(), |i| end + i);
            let context = &body[from..to];
            let cues = EntityType::from_code(m.entity_type)
                .map(|kind| tagger.cues_in(context, start - from, end - from, kind))
                .unwrap_or_default();
            golds.push(Gold {
                doc: key.clone(),
                entity: String::new(),
                ty: m.entity_type.to_string(),
                surface: m.text.clone(),
                context: context.to_string(),
                cues,
            });
        }
    }
    let (entities, _) = run_core(&golds, &documents(&golds));
    let mut out = Vec::new();
    let mut next = entities.into_iter();
    for (_, _, mentions) in docs {
        out.push(next.by_ref().take(mentions.len()).collect());
    }
    Ok(out)
}

/// Group numbers a document's reports of one family keep apart from
/// another family's.
const GROUPS: usize = 10_000;

/// Whom a prepared document is about, as the resolver reads it: the main
/// actors among its people and organisations as resolved (`entities`, by
/// mention).
pub(crate) fn about(mentions: &[NewMention], entities: &[usize]) -> Vec<usize> {
    let named: Vec<usize> = mentions
        .iter()
        .zip(entities)
        .filter(|(m, _)| matches!(m.entity_type, "PER" | "ORG"))
        .map(|(_, e)| *e)
        .collect();
    mediamon_events::link::main_actors(&named)
}

/// A prepared document's reports, its names as resolved (`entities`, by
/// mention), about `about`.
pub(crate) fn reports_of(
    doc: usize,
    events: &[NewEventMention],
    mentions: &[NewMention],
    entities: &[usize],
    about: &[usize],
    reported: NaiveDate,
    with_days: bool,
) -> Vec<Report> {
    let entity = |i: &usize| entities.get(*i).copied();
    events
        .iter()
        .map(|e| {
            let kind = Kind::from_code(e.kind).unwrap_or(Kind::Meet);
            Report {
                doc,
                group: usize::try_from(e.group).unwrap_or_default(),
                family: kind.family().code().to_string(),
                happening: Happening {
                    kind,
                    participants: e.participants.iter().filter_map(entity).collect(),
                    place: e.place.as_ref().and_then(entity),
                    days: e.time.as_ref().filter(|_| with_days).map(|t| (t.1, t.2)),
                    reported,
                    within: Vec::new(),
                    about: about.to_vec(),
                    people: e
                        .participants
                        .iter()
                        .filter(|&&i| mentions.get(i).is_some_and(|m| m.entity_type == "PER"))
                        .filter_map(entity)
                        .collect(),
                    words: vec![lemma(&e.trigger)],
                },
            }
        })
        .collect()
}

/// The same-lemma baseline: reports whose triggers share a lemma are one
/// event.
pub(crate) fn same_lemma(triggers: &[String]) -> Vec<usize> {
    let mut ids: HashMap<String, usize> = HashMap::new();
    triggers
        .iter()
        .map(|t| {
            let n = ids.len();
            *ids.entry(lemma(t)).or_insert(n)
        })
        .collect()
}

/// Chain labels as numbers, for the scorer.
pub(crate) fn numbered(chains: &[String]) -> Vec<usize> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    chains
        .iter()
        .map(|c| {
            let n = ids.len();
            *ids.entry(c.as_str()).or_insert(n)
        })
        .collect()
}

/// One scored row.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub set: String,
    pub system: String,
    pub mentions: usize,
    pub scores: Scores,
}

pub(crate) fn row(set: &str, system: &str, gold: &[usize], predicted: &[usize]) -> Row {
    Row {
        set: set.to_string(),
        system: system.to_string(),
        mentions: gold.len(),
        scores: coref::score(gold, predicted),
    }
}

/// Renders rows as a table.
pub(crate) fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<34} {:<22} {:>5}  {:>6} {:>6} {:>6} {:>7}\n",
        "set", "system", "n", "MUC", "B3", "CEAF-e", "CoNLL"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<34} {:<22} {:>5}  {:>6.3} {:>6.3} {:>6.3} {:>7.3}\n",
            r.set,
            r.system,
            r.mentions,
            r.scores.muc.f1,
            r.scores.bcubed.f1,
            r.scores.ceafe.f1,
            r.scores.conll_f1
        ));
    }
    out
}

/// A gold event mention of an ECB+ document: its chain, trigger word, and
/// the code-point spans of the trigger and of its sentence.
struct GoldAction {
    chain: String,
    word: String,
    span: (usize, usize),
    sentence: (usize, usize),
}

/// What linking is scored on in ECB+ (development topics): rows for gold
/// event mentions (the linker and the baseline) and end to end (the event
/// mentions the product finds that are gold ones), and how many gold
/// mentions the product found.
pub(crate) fn ecbplus(dir: &Path, split: &str) -> anyhow::Result<(Vec<Row>, usize, usize, usize)> {
    let files = super::ecbplus::files(dir, split)?;
    let annotated = super::ecbplus::annotated(dir)?;
    let limits = mediamon_config::IngestLimits::default();
    // ECB+ gives no publication times (a few pages show one in their
    // text): every document is reported on one day, as a batch ingested
    // together would be, and days are left out.
    let reported = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    struct Doc {
        key: String,
        body: String,
        prepared: Annotations,
        gold: Vec<GoldAction>,
    }
    let mut docs = Vec::new();
    for (topic, n, plus, path) in &files {
        let file = format!("{n}{}", if *plus { "ecbplus" } else { "ecb" });
        let xml = std::fs::read_to_string(path)?;
        let doc = super::ecbplus::parse_document(&xml)?;
        let mut body = String::new();
        let mut spans: HashMap<u32, (usize, Vec<usize>, usize)> = HashMap::new();
        // An `ecbplus` document's first sentence is its page's address.
        let skip = usize::from(*plus);
        for (s, words) in doc.sentences.iter().skip(skip) {
            if !body.is_empty() {
                body.push('\n');
            }
            let (line, starts) = super::ecbplus::join_at(words);
            let base = body.chars().count();
            spans.insert(
                *s,
                (
                    base,
                    starts.iter().map(|o| base + o).collect(),
                    base + line.chars().count(),
                ),
            );
            body.push_str(&line);
        }
        let mut gold = Vec::new();
        for a in &doc.actions {
            if !annotated.contains(&(*topic, file.clone(), a.sentence)) {
                continue;
            }
            let (Some((base, starts, end)), Some(&first)) =
                (spans.get(&a.sentence), a.words.first())
            else {
                continue;
            };
            let words = &doc.sentences[&a.sentence];
            let start = starts[first];
            gold.push(GoldAction {
                chain: a.chain.clone(),
                word: words[first].clone(),
                span: (start, start + words[first].chars().count()),
                sentence: (*base, *end),
            });
        }
        let request = mediamon_proto::v1::IngestArticleRequest {
            content: Some(mediamon_proto::v1::ingest_article_request::Content::Text(
                body.clone(),
            )),
            ..Default::default()
        };
        // A document ingest refuses (no story left once furniture is
        // removed) is left out, as the service would refuse it.
        let prepared = match mediamon_ingest::prepare::prepare(request, &limits, None) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("left out {}: {e}", path.display());
                continue;
            }
        };
        // Ingest may keep a short first line as the title, and leaves out
        // lines it takes for page furniture: each line it kept moves to
        // where it now starts, gold mentions on lines left out go.
        let kept = &prepared.article.body;
        let mut moved: HashMap<usize, usize> = HashMap::new();
        let mut ours = line_starts(&body).into_iter();
        for (at, line) in line_starts(kept) {
            for (from, mine) in ours.by_ref() {
                if mine == line {
                    moved.insert(from, at);
                    break;
                }
            }
        }
        let gold = gold
            .into_iter()
            .filter_map(|g| {
                let (s0, s1) = g.sentence;
                let to = *moved.get(&s0)?;
                Some(GoldAction {
                    span: (g.span.0 - s0 + to, g.span.1 - s0 + to),
                    sentence: (to, s1 - s0 + to),
                    ..g
                })
            })
            .collect();
        let body = kept.clone();
        docs.push(Doc {
            key: format!("{topic}_{file}"),
            body,
            prepared: prepared.annotations,
            gold,
        });
    }
    let names: Vec<(String, &str, &[NewMention])> = docs
        .iter()
        .map(|d| {
            (
                d.key.clone(),
                d.body.as_str(),
                d.prepared.mentions.as_slice(),
            )
        })
        .collect();
    let entities = resolve_names(&names)?;

    // Gold mentions: read and grouped in their document by the product
    // (`reports_at`), one kind family at a time; a trigger the product has
    // no kind for stands for a family of its own by its lemma.
    let mut chains = Vec::new();
    let mut triggers = Vec::new();
    let mut reports = Vec::new();
    // End to end: the product's own reports whose trigger is a gold one.
    let (mut e2e_chains, mut e2e_reports, mut found) = (Vec::new(), Vec::new(), 0);
    for (d, doc) in docs.iter().enumerate() {
        let a = &doc.prepared;
        let about = about(&a.mentions, &entities[d]);
        let ours = reports_of(
            d,
            &a.events,
            &a.mentions,
            &entities[d],
            &about,
            reported,
            false,
        );
        let in_annotated = |start: usize| {
            doc.gold
                .iter()
                .any(|g| g.sentence.0 <= start && start < g.sentence.1)
        };
        let overlaps = |e: &NewEventMention, (start, end): (usize, usize)| {
            let es = usize::try_from(e.start).unwrap_or_default();
            let ee = usize::try_from(e.end).unwrap_or_default();
            es < end && start < ee
        };
        found += a
            .events
            .iter()
            .filter(|e| in_annotated(usize::try_from(e.start).unwrap_or_default()))
            .count();
        for g in &doc.gold {
            if let Some(i) = a.events.iter().position(|e| overlaps(e, g.span)) {
                e2e_chains.push(g.chain.clone());
                e2e_reports.push(ours[i].clone());
            }
        }
        // Gold mentions by family, in text order.
        let mut families: Vec<(String, Kind, Vec<usize>)> = Vec::new();
        let mut order: Vec<usize> = (0..doc.gold.len()).collect();
        order.sort_by_key(|&g| doc.gold[g].span);
        for g in order {
            let word = &doc.gold[g].word;
            // The product's kind where it read the trigger itself.
            let found = a
                .events
                .iter()
                .find(|e| overlaps(e, doc.gold[g].span))
                .and_then(|e| Kind::from_code(e.kind));
            let (family, kind) = match found.or_else(|| kind_of(word)) {
                Some(k) => (k.family().code().to_string(), k),
                None => (lemma(word), Kind::Meet),
            };
            match families.iter_mut().find(|f| f.0 == family) {
                Some(f) => f.2.push(g),
                None => families.push((family, kind, vec![g])),
            }
        }
        for (f, (family, kind, golds)) in families.iter().enumerate() {
            let spans: Vec<(usize, usize, Kind)> = golds
                .iter()
                .map(|&g| (doc.gold[g].span.0, doc.gold[g].span.1, *kind))
                .collect();
            let read = mediamon_ingest::prepare::reports_at(&doc.body, &a.mentions, None, &spans);
            let happenings =
                reports_of(d, &read, &a.mentions, &entities[d], &about, reported, false);
            for &g in golds {
                let Some(i) = read.iter().position(|e| overlaps(e, doc.gold[g].span)) else {
                    continue;
                };
                chains.push(doc.gold[g].chain.clone());
                triggers.push(doc.gold[g].word.clone());
                reports.push(Report {
                    group: f * GROUPS + happenings[i].group,
                    family: family.clone(),
                    ..happenings[i].clone()
                });
            }
        }
    }
    let gold = numbered(&chains);
    let set = format!("ECB+ {split}, gold event mentions");
    let mut rows = vec![
        row(&set, "linker", &gold, &link_all(&reports)),
        row(&set, "same lemma", &gold, &same_lemma(&triggers)),
    ];
    let e2e_gold = numbered(&e2e_chains);
    rows.push(row(
        &format!("ECB+ {split}, found and gold"),
        "linker (end to end)",
        &e2e_gold,
        &link_all(&e2e_reports),
    ));
    Ok((rows, chains.len(), e2e_chains.len(), found))
}
