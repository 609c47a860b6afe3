//! `mediamon bench resolve`: entity resolution on labeled mentions, side by
//! side on two sets: the named participants of real news (ECB+ development
//! topics, read from `../shared/data/ecbplus`, see `ecbplus.rs`) and the
//! project's written set (default `tests/data/resolution`: `entities.tsv`,
//! `mentions.tsv` (doc_id, gold entity_id, type, mention, context) and
//! `must_not_merge.tsv`).
//!
//! Documents are resolved in order, as articles arrive, by the resolution
//! core (`mediamon-resolution`) over an in-memory store that blocks, caps
//! and orders candidates as the Postgres store does; with `--service`, also
//! by the real resolver service over Postgres. The baseline row clusters by
//! normalised exact name.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use mediamon_names::{analyze, normalize};
use mediamon_ner::EntityType;
use mediamon_resolution::{
    AliasKeys, Analysed, Known, MentionIn, PROBE_CAP, Probe, alias_keys, plan,
};

use super::ecbplus::Twins;

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

/// The in-memory store the benchmark resolves against: entities and their
/// aliases, found by the store's blocking keys with the store's caps and
/// order, and the entities each resolved document names (for the context
/// step). The decisions are the resolution core's, as in the service.
#[derive(Default, Clone)]
struct MemStore {
    /// Per entity, its type.
    types: Vec<String>,
    aliases: Vec<Known<usize>>,
    /// (column, value) -> aliases, oldest first.
    index: HashMap<(u8, String), Vec<usize>>,
    /// The entities each resolved document names.
    docs: Vec<BTreeSet<usize>>,
    /// Per entity, how many of its mentions the name finder gave each type.
    type_counts: HashMap<usize, BTreeMap<String, usize>>,
}

const NORM: u8 = 0;
const SKELETON: u8 = 1;
const LAST: u8 = 2;
const INITIALISM: u8 = 3;

impl MemStore {
    /// What the store's candidate query returns for `probe`: each key's
    /// first [`PROBE_CAP`] aliases (initialisms uncapped), ordered by
    /// entity age, then alias age.
    fn candidates(&self, probe: &Probe) -> Vec<Known<usize>> {
        let mut hits: Vec<usize> = Vec::new();
        for (column, values, cap) in [
            (NORM, &probe.norms, PROBE_CAP),
            (SKELETON, &probe.skeletons, PROBE_CAP),
            (LAST, &probe.surnames, PROBE_CAP),
            (INITIALISM, &probe.initialisms, usize::MAX),
        ] {
            for v in values.iter().filter(|v| !v.is_empty()) {
                if let Some(found) = self.index.get(&(column, v.clone())) {
                    hits.extend(found.iter().take(cap));
                }
            }
        }
        hits.sort_unstable_by_key(|&a| (self.aliases[a].entity, a));
        hits.dedup();
        hits.into_iter()
            .map(|a| Known {
                entity_type: self.types[self.aliases[a].entity].clone(),
                ..self.aliases[a].clone()
            })
            .collect()
    }

    /// A store holding the knowledge base shipped with the product, as
    /// `mediamon migrate` loads it.
    fn with_known(known: &[mediamon_kb::KnownEntity]) -> Self {
        let mut store = MemStore::default();
        for k in known {
            let entity = store.types.len();
            store.types.push(k.entity_type.clone());
            let mut norms = BTreeSet::new();
            for name in k.names() {
                let keys = alias_keys(name, &analyze(name, &k.entity_type), &k.entity_type);
                if !keys.norm.is_empty() && norms.insert(keys.norm.clone()) {
                    store.add_known_alias(entity, name, keys, Some(&k.key));
                }
            }
        }
        store
    }

    fn add_alias(&mut self, entity: usize, surface: &str, keys: AliasKeys) {
        self.add_known_alias(entity, surface, keys, None);
    }

    fn add_known_alias(
        &mut self,
        entity: usize,
        surface: &str,
        keys: AliasKeys,
        kb_key: Option<&str>,
    ) {
        let ty = self.types[entity].clone();
        let at = self.aliases.len();
        for (column, value) in [
            (NORM, keys.norm.clone()),
            (SKELETON, keys.skeleton.clone()),
            (LAST, keys.last_skeleton.clone()),
            (INITIALISM, keys.initialism.clone().unwrap_or_default()),
        ] {
            self.index.entry((column, value)).or_default().push(at);
        }
        self.aliases.push(Known {
            entity,
            name: Arc::new(analyze(surface, &ty)),
            entity_type: ty,
            surface: surface.to_string(),
            keys,
            blocked: Vec::new(),
            kb_key: kb_key.map(str::to_string),
        });
    }

    /// Resolves one document's mentions with the resolution core; returns
    /// each mention's entity (none when left unlinked).
    fn resolve_doc(&mut self, doc: &[&Gold]) -> Vec<Option<usize>> {
        let inputs: Vec<MentionIn<'_>> = doc
            .iter()
            .map(|g| MentionIn {
                text: &g.surface,
                entity_type: &g.ty,
                cues: &g.cues,
            })
            .collect();
        let analysed = Analysed::new(&inputs);
        let mut fetched = self.candidates(&analysed.probe());
        let mut p = loop {
            let mut next = self.types.len();
            let p = plan(&analysed, &fetched, &mut || {
                next += 1;
                next - 1
            });
            // As the service: descriptions are looked up once the
            // article's country is known.
            let unread: Vec<String> = p
                .qualified
                .iter()
                .filter(|q| !fetched.iter().any(|k| &k.keys.norm == *q))
                .cloned()
                .collect();
            let more = self.candidates(&Probe {
                norms: unread,
                ..Probe::default()
            });
            if more.is_empty() {
                break p;
            }
            fetched.extend(more);
        };
        if let Some((_, neighbours)) = p.context_question() {
            let docs = &self.docs;
            p.link_by_context(&neighbours, |c, n| {
                docs.iter()
                    .filter(|d| d.contains(&c) && d.contains(&n))
                    .count() as u32
            });
        }
        // As the service: the type of an entity named under another one is
        // the majority of its mentions' (a tie keeps the type it has; known
        // entities keep theirs).
        let retyped = p.retyped(&analysed, &fetched);
        for (entity, _, ty) in &p.entities {
            debug_assert_eq!(*entity, self.types.len());
            self.types.push(ty.clone());
        }
        for (entity, surface, keys) in p.aliases {
            self.add_alias(entity, &surface, keys);
        }
        for (c, g) in p.chosen.iter().zip(doc) {
            if let Some(e) = c.entity {
                *self
                    .type_counts
                    .entry(e)
                    .or_default()
                    .entry(g.ty.clone())
                    .or_default() += 1;
            }
        }
        for e in retyped {
            if self
                .aliases
                .iter()
                .any(|a| a.entity == e && a.kb_key.is_some())
            {
                continue;
            }
            let counts = &self.type_counts[&e];
            let held = counts.get(&self.types[e]).copied().unwrap_or(0);
            if let Some((ty, _)) = counts
                .iter()
                .filter(|(_, n)| **n > held)
                .max_by_key(|(_, n)| **n)
            {
                self.types[e] = ty.clone();
            }
        }
        let out: Vec<Option<usize>> = p.chosen.iter().map(|c| c.entity).collect();
        self.docs.push(out.iter().flatten().copied().collect());
        out
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

pub(crate) fn run_core(mentions: &[Gold], docs: &[Vec<usize>]) -> (Vec<usize>, Duration) {
    // Loaded once, as `mediamon migrate` loads it once: a run starts from
    // a copy. The knowledge base is built in; a broken one fails its tests.
    static KNOWN: std::sync::OnceLock<MemStore> = std::sync::OnceLock::new();
    let known =
        KNOWN.get_or_init(|| MemStore::with_known(&mediamon_kb::builtin().unwrap_or_default()));
    resolve_all(known.clone(), mentions, docs)
}

fn run_core_without_kb(mentions: &[Gold], docs: &[Vec<usize>]) -> (Vec<usize>, Duration) {
    resolve_all(MemStore::default(), mentions, docs)
}

/// Resolves every document; the clusters, and the time resolving took (the
/// copy of a preloaded store is set-up, not resolution).
fn resolve_all(
    mut store: MemStore,
    mentions: &[Gold],
    docs: &[Vec<usize>],
) -> (Vec<usize>, Duration) {
    let started = Instant::now();
    let mut predicted = vec![None; mentions.len()];
    for doc in docs {
        let golds: Vec<&Gold> = doc.iter().map(|&i| &mentions[i]).collect();
        for (&i, e) in doc.iter().zip(store.resolve_doc(&golds)) {
            predicted[i] = e;
        }
    }
    (clusters(&predicted), started.elapsed())
}

/// Cluster ids for predicted entities: an unlinked mention is a cluster of
/// its own.
pub(crate) fn clusters(predicted: &[Option<usize>]) -> Vec<usize> {
    let mut ids: HashMap<usize, usize> = HashMap::new();
    let mut out = Vec::with_capacity(predicted.len());
    for (i, p) in predicted.iter().enumerate() {
        out.push(match p {
            Some(e) => {
                let next = ids.len();
                *ids.entry(*e).or_insert(next)
            }
            None => predicted.len() + i,
        });
    }
    out
}

fn run_baseline(mentions: &[Gold], _docs: &[Vec<usize>]) -> (Vec<usize>, Duration) {
    let started = Instant::now();
    let mut ids: HashMap<(String, String), usize> = HashMap::new();
    let clusters = mentions
        .iter()
        .map(|m| {
            let next = ids.len();
            *ids.entry((m.ty.clone(), normalize(&m.surface)))
                .or_insert(next)
        })
        .collect();
    (clusters, started.elapsed())
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

/// Pairwise and B-cubed scores of `predicted` clusters against the gold
/// entities. Mention pairs of two twin chains are not scored.
pub(crate) fn score(system: &str, set: &Labeled, predicted: &[usize], per_second: f64) -> Row {
    let mentions = &set.mentions;
    let twins: HashMap<&str, Vec<&str>> = set.twins.iter().fold(HashMap::new(), |mut m, (a, b)| {
        m.entry(a.as_str()).or_default().push(b.as_str());
        m.entry(b.as_str()).or_default().push(a.as_str());
        m
    });
    let mut cell: HashMap<(usize, &str), usize> = HashMap::new();
    let mut pred_size: HashMap<usize, usize> = HashMap::new();
    let mut gold_size: HashMap<&str, usize> = HashMap::new();
    for (m, &p) in mentions.iter().zip(predicted) {
        *cell.entry((p, m.entity.as_str())).or_default() += 1;
        *pred_size.entry(p).or_default() += 1;
        *gold_size.entry(m.entity.as_str()).or_default() += 1;
    }
    // Mentions of a cluster that are left out of a mention's figure: those
    // of its chain's twins.
    let unscored = |p: usize, gold: &str| -> usize {
        twins
            .get(gold)
            .into_iter()
            .flatten()
            .filter_map(|t| cell.get(&(p, *t)))
            .sum()
    };
    let tp: f64 = cell.values().map(|&n| pairs(n)).sum();
    let twin_pairs: f64 = cell
        .iter()
        .map(|(&(p, g), &n)| (n * unscored(p, g)) as f64)
        .sum::<f64>()
        / 2.0;
    let pred_pairs: f64 = pred_size.values().map(|&n| pairs(n)).sum::<f64>() - twin_pairs;
    let gold_pairs: f64 = gold_size.values().map(|&n| pairs(n)).sum();
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 1.0 };
    let (pp, pr) = (ratio(tp, pred_pairs), ratio(tp, gold_pairs));
    let n = mentions.len() as f64;
    let (mut bp, mut br) = (0.0, 0.0);
    for (m, &p) in mentions.iter().zip(predicted) {
        let g = m.entity.as_str();
        let both = cell[&(p, g)] as f64;
        bp += both / (pred_size[&p] - unscored(p, g)) as f64;
        br += both / gold_size[g] as f64;
    }
    let (bp, br) = (bp / n, br / n);
    let violations = violated(set, predicted).len();
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

/// The must-not-merge pairs that share a predicted cluster.
fn violated<'a>(set: &'a Labeled, predicted: &[usize]) -> Vec<&'a (String, String)> {
    let mut clusters: HashMap<&str, BTreeSet<usize>> = HashMap::new();
    for (m, &p) in set.mentions.iter().zip(predicted) {
        clusters.entry(m.entity.as_str()).or_default().insert(p);
    }
    set.apart
        .iter()
        .filter(
            |(a, b)| match (clusters.get(a.as_str()), clusters.get(b.as_str())) {
                (Some(x), Some(y)) => !x.is_disjoint(y),
                _ => false,
            },
        )
        .collect()
}

/// A system: its clusters, and the time it spent resolving.
type System = fn(&[Gold], &[Vec<usize>]) -> (Vec<usize>, Duration);

/// Runs a system repeatedly for at least half a second; its output and speed.
fn timed(system: System, mentions: &[Gold], docs: &[Vec<usize>]) -> (Vec<usize>, f64) {
    let started = Instant::now();
    let mut runs = 0u32;
    let mut busy = Duration::ZERO;
    let mut out = Vec::new();
    while runs == 0 || started.elapsed() < Duration::from_millis(500) {
        let (clusters, spent) = system(mentions, docs);
        out = clusters;
        busy += spent;
        runs += 1;
    }
    let per_second = f64::from(runs) * mentions.len() as f64 / busy.as_secs_f64();
    (out, per_second)
}

pub fn default_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/resolution")
}

/// A labeled set: mentions in arrival order, grouped by document.
pub(crate) struct Labeled {
    pub name: String,
    pub mentions: Vec<Gold>,
    pub docs: Vec<Vec<usize>>,
    pub apart: Apart,
    pub twins: Twins,
}

impl Labeled {
    fn new(name: String, mentions: Vec<Gold>, apart: Apart, twins: Twins) -> anyhow::Result<Self> {
        if mentions.is_empty() {
            bail!("{name} has no mentions");
        }
        Ok(Labeled {
            docs: documents(&mentions),
            name,
            mentions,
            apart,
            twins,
        })
    }
}

/// Where the benchmark reads its sets, and what it runs.
pub struct Options<'a> {
    pub written: &'a Path,
    /// The ECB+ folder, and the split to score (`dev`).
    pub ecbplus: Option<(&'a Path, &'a str)>,
    pub json: bool,
    /// Also through a real resolver service over Postgres preloaded with
    /// this many entities.
    pub service: Option<usize>,
    pub concurrency: usize,
    pub errors: bool,
}

/// Runs the benchmark on every set.
pub async fn run(o: Options<'_>) -> anyhow::Result<()> {
    let mut sets = Vec::new();
    if let Some((dir, split)) = o.ecbplus {
        let (mentions, apart, twins) = super::ecbplus::load(dir, split)?;
        sets.push(Labeled::new(
            format!("ECB+ {split} ({})", dir.display()),
            mentions,
            apart,
            twins,
        )?);
    }
    let (mentions, apart) = load(o.written)?;
    sets.push(Labeled::new(
        format!("written set ({})", o.written.display()),
        mentions,
        apart,
        Vec::new(),
    )?);
    let mut text = String::new();
    let mut reports = Vec::new();
    for set in &sets {
        let systems: [(&str, System); 3] = [
            ("baseline (normalised exact match)", run_baseline),
            ("resolution core, in memory", run_core),
            ("the same without the knowledge base", run_core_without_kb),
        ];
        let mut rows: Vec<Row> = Vec::new();
        if let Some(preload) = o.service {
            let (row, predicted) = super::service::run(set, preload, o.concurrency).await?;
            if o.errors {
                text.push_str(&format!("\n{} through the service:", set.name));
                text.push_str(&error_report(&set.mentions, &predicted));
            }
            rows.push(row);
        }
        for (name, system) in systems {
            let (predicted, per_second) = timed(system, &set.mentions, &set.docs);
            rows.push(score(name, set, &predicted, per_second));
        }
        let (worst, spread, worst_predicted) = arrival_orders(set);
        rows.push(worst);
        // In JSON the spread is part of the set's document.
        if !o.json {
            text.push_str(&format!(
                "{}: pairwise F1 of the resolution core over {ORDERS} shuffled arrival orders: \
             mean {:.3}, min {:.3}, max {:.3}; {} with a must-not-merge violation\n",
                set.name, spread.mean, spread.min, spread.max, spread.orders_violating
            ));
            for (pair, orders) in &spread.violated {
                text.push_str(&format!("  {pair}: merged in {orders} orders\n"));
            }
        }
        if o.errors {
            text.push_str(&format!("\n{} in memory:", set.name));
            text.push_str(&error_report(
                &set.mentions,
                &run_core(&set.mentions, &set.docs).0,
            ));
            text.push_str(&format!("\n{} in memory, worst arrival order:", set.name));
            text.push_str(&error_report(&set.mentions, &worst_predicted));
        }
        reports.push((set, rows, spread));
    }
    let table = if o.json {
        let sets: Vec<serde_json::Value> = reports
            .iter()
            .map(|(set, rows, spread)| {
                serde_json::json!({
                    "data": set.name,
                    "mentions": set.mentions.len(),
                    "documents": set.docs.len(),
                    "must_not_merge_pairs": set.apart.len(),
                    "twin_chain_pairs": set.twins.len(),
                    "rows": rows,
                    "arrival_orders": spread,
                })
            })
            .collect();
        serde_json::to_string_pretty(&sets)? + "\n"
    } else {
        let mut out = String::new();
        for (set, rows, _) in &reports {
            out.push_str(&format!(
                "{}: {} mentions in {} documents, {} must-not-merge pairs, {} twin chain pairs\n",
                set.name,
                set.mentions.len(),
                set.docs.len(),
                set.apart.len(),
                set.twins.len(),
            ));
            out.push_str(&format!(
                "{:<44} {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>10} {:>12}\n",
                "system", "P", "R", "F1", "B3 P", "B3 R", "B3 F1", "violations", "mentions/s"
            ));
            for r in rows {
                out.push_str(&format!(
                    "{:<44} {:>6.3} {:>6.3} {:>6.3}  {:>6.3} {:>6.3} {:>6.3}  {:>10} {:>12.0}\n",
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
            out.push('\n');
        }
        out
    };
    crate::output::emit(&(table + &text))
}

/// How many shuffled arrival orders the core is scored over.
const ORDERS: u64 = 20;

/// Pairwise F1 over shuffled arrival orders.
#[derive(Debug, Clone, serde::Serialize)]
struct Spread {
    orders: u64,
    mean: f64,
    min: f64,
    max: f64,
    /// Orders with a must-not-merge violation.
    orders_violating: u64,
    /// Each violated must-not-merge pair, and in how many orders.
    violated: BTreeMap<String, u64>,
}

/// Articles arrive in any order, and a service resolving several at once
/// finishes them in any order: the core's scores over [`ORDERS`] shuffled
/// orders of the documents (fixed seeds), and the row and clusters of the
/// worst one.
fn arrival_orders(set: &Labeled) -> (Row, Spread, Vec<usize>) {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    let mut worst: Option<(Row, Vec<usize>)> = None;
    let mut f1s = Vec::new();
    let mut orders_violating = 0;
    let mut violated_pairs: BTreeMap<String, u64> = BTreeMap::new();
    for seed in 0..ORDERS {
        let mut docs = set.docs.clone();
        docs.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
        let (predicted, spent) = run_core(&set.mentions, &docs);
        let per_second = set.mentions.len() as f64 / spent.as_secs_f64();
        let row = score(
            &format!("resolution core, worst of {ORDERS} arrival orders"),
            set,
            &predicted,
            per_second,
        );
        f1s.push(row.pairwise_f1);
        orders_violating += u64::from(row.must_not_merge_violations > 0);
        for (a, b) in violated(set, &predicted) {
            *violated_pairs.entry(format!("{a} / {b}")).or_default() += 1;
        }
        if worst
            .as_ref()
            .is_none_or(|(w, _)| row.pairwise_f1 < w.pairwise_f1)
        {
            worst = Some((row, predicted));
        }
    }
    let spread = Spread {
        orders: ORDERS,
        mean: f1s.iter().sum::<f64>() / f1s.len() as f64,
        min: f1s.iter().copied().fold(f64::INFINITY, f64::min),
        max: f1s.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        orders_violating,
        violated: violated_pairs,
    };
    let (row, predicted) = worst.expect("ORDERS > 0");
    (row, spread, predicted)
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
