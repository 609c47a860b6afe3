//! `mediamon bench resolve`: entity resolution on a labeled set of mentions.
//!
//! The set (default `tests/data/resolution`) has `entities.tsv`,
//! `mentions.tsv` (doc_id, gold entity_id, type, mention) and
//! `must_not_merge.tsv`. Documents are resolved in file order, as articles
//! arrive: within-document coreference first, then each remaining mention
//! against the entities known so far, with the same decision function
//! (`mediamon_names::decide`) the resolver service uses and a blocking index
//! shaped like the store's (skeleton keys, acronyms). The baseline row
//! clusters by normalised exact name.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use mediamon_names::decide::relatives_in_article;
use mediamon_names::decide::{
    Candidate, Context as Evidence, Decision, by_context, decide, link_in_article,
};
use mediamon_names::{Name, analyze, is_acronym, normalize};
use mediamon_ner::EntityType;
use mediamon_resolver::resolve::Lookup;

/// One labeled mention.
pub(crate) struct Gold {
    pub doc: String,
    pub entity: String,
    pub ty: String,
    pub surface: String,
    /// The sentence the mention occurs in (contains it verbatim).
    pub context: String,
    /// The cue words the name finder reads around the mention in its
    /// context (`mediamon_ner::Tagger::cues`), as ingest stores them.
    pub cues: Vec<String>,
}

fn read_tsv(path: &Path) -> anyhow::Result<Vec<HashMap<String, String>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().context("empty file")?.split('\t').collect();
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != header.len() {
            bail!(
                "{} line {}: {} cells, expected {}",
                path.display(),
                n + 2,
                cells.len(),
                header.len()
            );
        }
        rows.push(
            header
                .iter()
                .map(|h| h.to_string())
                .zip(cells.into_iter().map(str::to_string))
                .collect(),
        );
    }
    Ok(rows)
}

/// Pairs of gold entity ids that must stay apart.
pub(crate) type Apart = Vec<(String, String)>;

pub(crate) fn load(dir: &Path) -> anyhow::Result<(Vec<Gold>, Apart)> {
    let field = |row: &HashMap<String, String>, k: &str| -> anyhow::Result<String> {
        row.get(k)
            .cloned()
            .with_context(|| format!("missing column {k}"))
    };
    let tagger = mediamon_ner::Tagger::builtin()?;
    let mentions = read_tsv(&dir.join("mentions.tsv"))?
        .iter()
        .map(|r| {
            let (ty, surface) = (field(r, "type")?, field(r, "mention")?);
            let context = r.get("context").cloned().unwrap_or_default();
            let cues = match (context.find(&surface), EntityType::from_code(&ty)) {
                (Some(at), Some(kind)) => tagger.cues_in(&context, at, at + surface.len(), kind),
                _ => Vec::new(),
            };
            Ok(Gold {
                doc: field(r, "doc_id")?,
                entity: field(r, "entity_id")?,
                ty,
                surface,
                context,
                cues,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let apart = read_tsv(&dir.join("must_not_merge.tsv"))?
        .iter()
        .map(|r| Ok((field(r, "entity_a")?, field(r, "entity_b")?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((mentions, apart))
}

/// The in-memory knowledge base the benchmark resolves against.
#[derive(Default)]
struct Kb {
    /// Per entity: type and aliases (surface, analysed).
    entities: Vec<(String, Vec<(String, Name)>)>,
    /// Blocking keys -> (entity, alias index).
    index: HashMap<String, Vec<(usize, usize)>>,
    /// The entities each resolved document names.
    docs: Vec<BTreeSet<usize>>,
}

/// Index keys of an alias: the columns the store probes.
fn alias_index_keys(name: &Name, surface: &str, ty: &str) -> Vec<String> {
    let keys = mediamon_resolver::resolve::alias_keys(surface, name, ty);
    let mut out = vec![format!("norm:{}", keys.norm)];
    for (kind, value) in [
        ("sk", keys.skeleton),
        ("last", keys.last_skeleton),
        ("acr", keys.initialism.unwrap_or_default()),
    ] {
        if !value.is_empty() {
            out.push(format!("{kind}:{value}"));
        }
    }
    out
}

/// The index keys a mention probes: the service's `Lookup`, so both block
/// alike.
fn mention_probe_keys(name: &Name, surface: &str, ty: &str) -> Vec<String> {
    let keys = mediamon_resolver::resolve::alias_keys(surface, name, ty);
    let lookup = Lookup::new(ty, name, &keys);
    let mut out = vec![format!("norm:{}", lookup.norm)];
    out.extend(lookup.skeletons.iter().map(|s| format!("sk:{s}")));
    out.extend(lookup.surnames.iter().map(|s| format!("last:{s}")));
    out.extend(lookup.initialism.iter().map(|s| format!("acr:{s}")));
    out
}

impl Kb {
    /// Adds an alias; where it is, when it is new.
    fn add_alias(&mut self, entity: usize, surface: &str, name: Name) -> Option<(usize, usize)> {
        let ty = self.entities[entity].0.clone();
        let aliases = &mut self.entities[entity].1;
        if aliases.iter().any(|(s, _)| s == surface) {
            return None;
        }
        let at = aliases.len();
        for key in alias_index_keys(&name, surface, &ty) {
            self.index.entry(key).or_default().push((entity, at));
        }
        aliases.push((surface.to_string(), name));
        Some((entity, at))
    }

    /// The one entity of this type with an alias of this normalised name.
    fn of_kind(&self, norm: &str, ty: &str) -> Option<usize> {
        let mut entities: Vec<usize> = self
            .index
            .get(&format!("norm:{norm}"))
            .into_iter()
            .flatten()
            .map(|&(e, _)| e)
            .filter(|&e| self.entities[e].0 == ty)
            .collect();
        entities.sort_unstable();
        entities.dedup();
        (entities.len() == 1).then(|| entities[0])
    }

    fn create(&mut self, ty: &str, surface: &str, name: Name) -> (usize, Option<(usize, usize)>) {
        self.entities.push((ty.to_string(), Vec::new()));
        let id = self.entities.len() - 1;
        (id, self.add_alias(id, surface, name))
    }

    /// Resolves one document's mentions; returns their entities.
    fn resolve_doc(&mut self, doc: &[&Gold]) -> Vec<usize> {
        let names: Vec<Name> = doc
            .iter()
            .map(|g| analyze(&g.surface, &g.ty).with_cues(&g.cues))
            .collect();
        let view: Vec<(&Name, &str, &str)> = doc
            .iter()
            .zip(&names)
            .map(|(g, n)| (n, g.surface.as_str(), g.ty.as_str()))
            .collect();
        let within = link_in_article(&view);
        let mut out: Vec<usize> = Vec::with_capacity(doc.len());
        let mut ambiguous: Vec<(usize, Vec<usize>)> = Vec::new();
        // Aliases this document taught: candidates for all its later
        // mentions, as in the service.
        let mut here: Vec<(usize, usize)> = Vec::new();
        for (i, g) in doc.iter().enumerate() {
            if let Some(j) = within[i] {
                let entity = out[j];
                if is_acronym(&g.surface) {
                    here.extend(self.add_alias(entity, &g.surface, names[i].clone()));
                }
                out.push(entity);
                continue;
            }
            // A cue naming the kind of place: the one entity of that name.
            if let Some(entity) = names[i]
                .of_kind()
                .and_then(|n| self.of_kind(&n.key(), &g.ty))
            {
                out.push(entity);
                continue;
            }
            // Relatives named before in the document are not this person.
            let relatives: Vec<usize> = relatives_in_article(&view, i)
                .into_iter()
                .map(|j| out[j])
                .collect();
            let mut seen: Vec<(usize, usize)> = here
                .iter()
                .copied()
                .filter(|&(e, _)| self.entities[e].0 == g.ty)
                .collect();
            for key in mention_probe_keys(&names[i], &g.surface, &g.ty) {
                for hit in self.index.get(&key).into_iter().flatten() {
                    if !seen.contains(hit) {
                        seen.push(*hit);
                    }
                }
            }
            seen.retain(|(e, _)| !relatives.contains(e));
            let candidates: Vec<Candidate<'_, usize>> = seen
                .iter()
                .map(|&(e, a)| Candidate {
                    entity: e,
                    entity_type: &self.entities[e].0,
                    surface: &self.entities[e].1[a].0,
                    name: &self.entities[e].1[a].1,
                })
                .collect();
            let entity = match decide(&names[i], &g.surface, &g.ty, &candidates) {
                Decision::Link { entity, reason, .. } => {
                    if reason != mediamon_names::decide::Reason::UniquePartial {
                        here.extend(self.add_alias(entity, &g.surface, names[i].clone()));
                    }
                    entity
                }
                Decision::New { .. } => {
                    let (entity, alias) = self.create(&g.ty, &g.surface, names[i].clone());
                    here.extend(alias);
                    entity
                }
                // Unlinked: a cluster of its own, known to no later mention.
                Decision::Ambiguous { candidates } => {
                    ambiguous.push((i, candidates));
                    self.entities.push((g.ty.clone(), Vec::new()));
                    self.entities.len() - 1
                }
            };
            out.push(entity);
        }
        self.link_by_context(&mut out, &ambiguous);
        self.docs.push(out.iter().copied().collect());
        out
    }

    /// The service's context step (`by_context`) over the documents so far.
    fn link_by_context(&self, out: &mut [usize], ambiguous: &[(usize, Vec<usize>)]) {
        let all: Vec<usize> = ambiguous
            .iter()
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        let neighbours: BTreeSet<usize> = out
            .iter()
            .zip(0..)
            .filter(|(_, i)| !ambiguous.iter().any(|(j, _)| j == i))
            .map(|(e, _)| *e)
            .filter(|e| !all.contains(e))
            .collect();
        for (i, candidates) in ambiguous.iter().filter(|(_, c)| c.len() > 1) {
            let evidence: Vec<Evidence<usize>> = candidates
                .iter()
                .map(|&c| {
                    let seen: Vec<&BTreeSet<usize>> =
                        self.docs.iter().filter(|d| d.contains(&c)).collect();
                    Evidence {
                        named_here: out
                            .iter()
                            .zip(0..)
                            .any(|(&e, j)| e == c && !ambiguous.iter().any(|(k, _)| *k == j)),
                        entity: c,
                        articles: seen.len() as u32,
                        shared: neighbours
                            .iter()
                            .map(|n| seen.iter().filter(|d| d.contains(n)).count() as u32)
                            .collect(),
                    }
                })
                .collect();
            if let Some((entity, _)) = by_context(&evidence) {
                out[*i] = entity;
            }
        }
    }
}

pub(crate) fn documents(mentions: &[Gold]) -> Vec<Vec<usize>> {
    let mut order: Vec<String> = Vec::new();
    let mut by_doc: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        if !by_doc.contains_key(m.doc.as_str()) {
            order.push(m.doc.clone());
        }
        by_doc.entry(m.doc.as_str()).or_default().push(i);
    }
    order
        .iter()
        .filter_map(|d| by_doc.remove(d.as_str()))
        .collect()
}

fn run_names(mentions: &[Gold], docs: &[Vec<usize>]) -> Vec<usize> {
    let mut kb = Kb::default();
    let mut predicted = vec![0; mentions.len()];
    for doc in docs {
        let golds: Vec<&Gold> = doc.iter().map(|&i| &mentions[i]).collect();
        for (&i, e) in doc.iter().zip(kb.resolve_doc(&golds)) {
            predicted[i] = e;
        }
    }
    predicted
}

fn run_baseline(mentions: &[Gold], _docs: &[Vec<usize>]) -> Vec<usize> {
    let mut ids: HashMap<(String, String), usize> = HashMap::new();
    mentions
        .iter()
        .map(|m| {
            let next = ids.len();
            *ids.entry((m.ty.clone(), normalize(&m.surface)))
                .or_insert(next)
        })
        .collect()
}

/// Quality and speed of one system.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    pub system: String,
    pub pairwise_precision: f64,
    pub pairwise_recall: f64,
    pub pairwise_f1: f64,
    pub bcubed_precision: f64,
    pub bcubed_recall: f64,
    pub bcubed_f1: f64,
    pub must_not_merge_violations: usize,
    pub mentions_per_second: f64,
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn pairs(n: usize) -> f64 {
    (n * n.saturating_sub(1) / 2) as f64
}

pub(crate) fn score(
    system: &str,
    mentions: &[Gold],
    predicted: &[usize],
    apart: &[(String, String)],
    per_second: f64,
) -> Row {
    let mut cell: HashMap<(usize, &str), usize> = HashMap::new();
    let mut pred_size: HashMap<usize, usize> = HashMap::new();
    let mut gold_size: HashMap<&str, usize> = HashMap::new();
    for (m, &p) in mentions.iter().zip(predicted) {
        *cell.entry((p, m.entity.as_str())).or_default() += 1;
        *pred_size.entry(p).or_default() += 1;
        *gold_size.entry(m.entity.as_str()).or_default() += 1;
    }
    let tp: f64 = cell.values().map(|&n| pairs(n)).sum();
    let pred_pairs: f64 = pred_size.values().map(|&n| pairs(n)).sum();
    let gold_pairs: f64 = gold_size.values().map(|&n| pairs(n)).sum();
    let (pp, pr) = (
        if pred_pairs > 0.0 {
            tp / pred_pairs
        } else {
            1.0
        },
        if gold_pairs > 0.0 {
            tp / gold_pairs
        } else {
            1.0
        },
    );
    let n = mentions.len() as f64;
    let (mut bp, mut br) = (0.0, 0.0);
    for (m, &p) in mentions.iter().zip(predicted) {
        let both = cell[&(p, m.entity.as_str())] as f64;
        bp += both / pred_size[&p] as f64;
        br += both / gold_size[m.entity.as_str()] as f64;
    }
    let (bp, br) = (bp / n, br / n);
    let violations = apart
        .iter()
        .filter(|(a, b)| {
            pred_size.keys().any(|p| {
                cell.contains_key(&(*p, a.as_str())) && cell.contains_key(&(*p, b.as_str()))
            })
        })
        .count();
    Row {
        system: system.to_string(),
        pairwise_precision: pp,
        pairwise_recall: pr,
        pairwise_f1: f1(pp, pr),
        bcubed_precision: bp,
        bcubed_recall: br,
        bcubed_f1: f1(bp, br),
        must_not_merge_violations: violations,
        mentions_per_second: per_second,
    }
}

type System = fn(&[Gold], &[Vec<usize>]) -> Vec<usize>;

/// Runs a system repeatedly for at least half a second; its output and speed.
fn timed(system: System, mentions: &[Gold], docs: &[Vec<usize>]) -> (Vec<usize>, f64) {
    let started = Instant::now();
    let mut runs = 0u32;
    let mut out = Vec::new();
    while runs == 0 || started.elapsed() < Duration::from_millis(500) {
        out = system(mentions, docs);
        runs += 1;
    }
    let per_second = f64::from(runs) * mentions.len() as f64 / started.elapsed().as_secs_f64();
    (out, per_second)
}

pub fn default_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/resolution")
}

/// Runs the benchmark; with `service`, also through a real resolver service
/// over Postgres preloaded with that many entities.
pub async fn run(
    dir: &Path,
    json: bool,
    service: Option<usize>,
    concurrency: usize,
    errors: bool,
) -> anyhow::Result<()> {
    let (mentions, apart) = load(dir)?;
    if mentions.is_empty() {
        bail!("{} has no mentions", dir.display());
    }
    let docs = documents(&mentions);
    let systems: [(&str, System); 2] = [
        ("baseline (normalised exact match)", run_baseline),
        (
            "mediamon-names (variants, acronyms, coreference)",
            run_names,
        ),
    ];
    let mut rows: Vec<Row> = systems
        .iter()
        .map(|(name, system)| {
            let (predicted, per_second) = timed(*system, &mentions, &docs);
            score(name, &mentions, &predicted, &apart, per_second)
        })
        .collect();
    let mut report = if errors {
        error_report(&mentions, &run_names(&mentions, &docs))
    } else {
        String::new()
    };
    if let Some(preload) = service {
        let (row, predicted) =
            super::service::run(&mentions, &docs, &apart, preload, concurrency).await?;
        if errors {
            report.push_str("\nthrough the service:");
            report.push_str(&error_report(&mentions, &predicted));
        }
        rows.push(row);
    }
    let text = if json {
        serde_json::to_string_pretty(&serde_json::json!({
            "data": dir.display().to_string(),
            "mentions": mentions.len(),
            "documents": docs.len(),
            "must_not_merge_pairs": apart.len(),
            "rows": rows,
        }))? + "\n"
    } else {
        let mut out = format!(
            "{} mentions in {} documents, {} must-not-merge pairs ({})\n\n",
            mentions.len(),
            docs.len(),
            apart.len(),
            dir.display()
        );
        out.push_str(&format!(
            "{:<60} {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>10} {:>12}\n",
            "system", "P", "R", "F1", "B3 P", "B3 R", "B3 F1", "violations", "mentions/s"
        ));
        for r in &rows {
            out.push_str(&format!(
                "{:<60} {:>6.3} {:>6.3} {:>6.3}  {:>6.3} {:>6.3} {:>6.3}  {:>10} {:>12.0}\n",
                r.system,
                r.pairwise_precision,
                r.pairwise_recall,
                r.pairwise_f1,
                r.bcubed_precision,
                r.bcubed_recall,
                r.bcubed_f1,
                r.must_not_merge_violations,
                r.mentions_per_second
            ));
        }
        out
    };
    crate::output::emit(&(text + &report))
}

/// The clusters that mix gold entities (wrong merges) and the gold entities
/// spread over several clusters (missed links), with their surface forms.
fn error_report(mentions: &[Gold], predicted: &[usize]) -> String {
    let mut by_pred: BTreeMap<usize, BTreeMap<&str, BTreeSet<&str>>> = BTreeMap::new();
    let mut by_gold: BTreeMap<&str, BTreeMap<usize, BTreeSet<&str>>> = BTreeMap::new();
    for (m, &p) in mentions.iter().zip(predicted) {
        by_pred
            .entry(p)
            .or_default()
            .entry(&m.entity)
            .or_default()
            .insert(&m.surface);
        by_gold
            .entry(&m.entity)
            .or_default()
            .entry(p)
            .or_default()
            .insert(&m.surface);
    }
    let forms = |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(" | ");
    let mut out = String::from("\nwrong merges (one cluster, several gold entities):\n");
    for golds in by_pred.values().filter(|g| g.len() > 1) {
        let parts: Vec<String> = golds
            .iter()
            .map(|(g, s)| format!("{g} [{}]", forms(s)))
            .collect();
        out.push_str(&format!("  {}\n", parts.join("  +  ")));
    }
    out.push_str("\nmissed links (one gold entity, several clusters; pairs lost):\n");
    let mut split: Vec<(f64, String)> = Vec::new();
    for (gold, clusters) in by_gold.iter().filter(|(_, c)| c.len() > 1) {
        let sizes = |p: &usize| {
            mentions
                .iter()
                .zip(predicted)
                .filter(|(m, q)| m.entity == *gold && *q == p)
                .count()
        };
        let all: usize = clusters.keys().map(sizes).sum();
        let lost = pairs(all) - clusters.keys().map(|p| pairs(sizes(p))).sum::<f64>();
        let parts: Vec<String> = clusters
            .values()
            .map(|s| format!("[{}]", forms(s)))
            .collect();
        split.push((lost, format!("{lost:>5} {gold}: {}\n", parts.join("  "))));
    }
    split.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (_, line) in split {
        out.push_str(&format!("  {line}"));
    }
    out
}
