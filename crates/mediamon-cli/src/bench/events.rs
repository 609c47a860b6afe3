//! `mediamon bench events`: what ingest reads in a story besides names,
//! scored on a labeled set (default `tests/data/events/articles.jsonl`, see
//! its README): quotations with their speakers, time expressions with their
//! days, amounts with their values, and event mentions with their kind,
//! stance and source. Each article goes through ingest's own `prepare`
//! (extraction, the name finder, quotes, times, amounts, events), as
//! `IngestArticle` runs it. The labels carry no offsets: a prediction
//! matches a gold item whose text it overlaps (event mentions: the
//! trigger's), one to one, in text order.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use mediamon_proto::v1::{ArticleMetadata, IngestArticleRequest, ingest_article_request::Content};

use super::event_links::{self, Row};

pub fn default_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/events/articles.jsonl")
}

#[derive(serde::Deserialize)]
struct Article {
    id: String,
    outlet: String,
    published: String,
    title: String,
    body: String,
    #[serde(default)]
    quotes: Vec<GoldQuote>,
    #[serde(default)]
    times: Vec<GoldTime>,
    #[serde(default)]
    amounts: Vec<GoldAmount>,
    #[serde(default)]
    events: Vec<GoldEvent>,
}

#[derive(serde::Deserialize)]
struct GoldQuote {
    text: String,
    speaker: String,
    #[serde(default)]
    scare: bool,
}

#[derive(serde::Deserialize)]
struct GoldTime {
    text: String,
    first: String,
    last: String,
}

#[derive(serde::Deserialize)]
struct GoldAmount {
    text: String,
    value: f64,
    unit: String,
}

#[derive(serde::Deserialize)]
struct GoldEvent {
    /// The happening it reports, shared across articles.
    event: String,
    trigger: String,
    kind: String,
    source: String,
    stance: String,
}

/// Counts of one part: gold items, predictions, matches (spans), and
/// matches whose value (speaker, days, number, kind...) is right too.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Part {
    pub part: String,
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
    pub correct: usize,
}

impl Part {
    fn new(name: &str) -> Self {
        Part {
            part: name.to_string(),
            ..Default::default()
        }
    }

    fn prf(&self, hits: usize) -> (f64, f64, f64) {
        let ratio = |a: usize, b: usize| if b > 0 { a as f64 / b as f64 } else { 0.0 };
        let (p, r) = (ratio(hits, self.predicted), ratio(hits, self.gold));
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

/// Lower-case words of a text, for overlap.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether two texts are the same item: one's words run inside the
/// other's, or they share most words.
fn overlaps(a: &str, b: &str) -> bool {
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.windows(short.len()).any(|w| w == short.as_slice()) {
        return true;
    }
    let shared = short.iter().filter(|w| long.contains(w)).count();
    shared * 3 >= long.len() * 2
}

/// Whether a predicted name is the gold one: the same last word.
fn same_name(predicted: &str, gold: &str) -> bool {
    let last = |s: &str| words(s).last().cloned();
    !gold.is_empty() && last(predicted).is_some() && last(predicted) == last(gold)
}

/// Matches predictions to gold items one to one, in order: (gold index,
/// prediction index) pairs.
fn pair<G, P>(gold: &[G], predicted: &[P], same: impl Fn(&G, &P) -> bool) -> Vec<(usize, usize)> {
    let mut taken = vec![false; predicted.len()];
    let mut out = Vec::new();
    for (g, item) in gold.iter().enumerate() {
        if let Some(p) = (0..predicted.len()).find(|&p| !taken[p] && same(item, &predicted[p])) {
            taken[p] = true;
            out.push((g, p));
        }
    }
    out
}

fn request(a: &Article) -> anyhow::Result<IngestArticleRequest> {
    let published = chrono::DateTime::parse_from_rfc3339(&a.published)
        .with_context(|| format!("{}: published {:?}", a.id, a.published))?
        .with_timezone(&chrono::Utc);
    Ok(IngestArticleRequest {
        content: Some(Content::Text(a.body.clone())),
        metadata: Some(ArticleMetadata {
            title: a.title.clone(),
            outlet: a.outlet.clone(),
            publish_time: Some(mediamon_proto::convert::timestamp(published)),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// Scores every part over every article; the parts, articles per second,
/// and the linking of the event mentions found that are gold ones (by
/// their gold event ids), articles in publication order.
pub fn score(path: &Path) -> anyhow::Result<(Vec<Part>, f64, usize, Row)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let articles: Vec<Article> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("{}:{}", path.display(), i + 1))
        })
        .collect::<anyhow::Result<_>>()?;
    anyhow::ensure!(!articles.is_empty(), "{} has no articles", path.display());
    let limits = mediamon_config::IngestLimits::default();
    let mut parts = [
        Part::new("quotes (span / speaker)"),
        Part::new("times (span / days)"),
        Part::new("amounts (span / value and unit)"),
        Part::new("event mentions (trigger / kind)"),
        Part::new("event stance"),
        Part::new("event source"),
    ];
    let started = Instant::now();
    // Per article: its prepared story and the (gold, found) event pairs.
    let mut kept = Vec::new();
    for a in &articles {
        let prepared = mediamon_ingest::prepare::prepare(request(a)?, &limits, None)
            .map_err(|e| anyhow::anyhow!("{}: {e}", a.id))?;
        let n = &prepared.annotations;
        let name = |i: Option<usize>| i.and_then(|i| n.mentions.get(i)).map(|m| m.text.as_str());

        let gold: Vec<&GoldQuote> = a.quotes.iter().filter(|q| !q.scare).collect();
        let pairs = pair(&gold, &n.quotes, |g, p| overlaps(&g.text, &p.text));
        let q = &mut parts[0];
        q.gold += gold.len();
        q.predicted += n.quotes.len();
        q.matched += pairs.len();
        q.correct += pairs
            .iter()
            .filter(|&&(g, p)| {
                name(n.quotes[p].speaker).is_some_and(|s| same_name(s, &gold[g].speaker))
            })
            .count();

        let pairs = pair(&a.times, &n.times, |g, p| overlaps(&g.text, &p.text));
        let t = &mut parts[1];
        t.gold += a.times.len();
        t.predicted += n.times.len();
        t.matched += pairs.len();
        t.correct += pairs
            .iter()
            .filter(|&&(g, p)| {
                n.times[p].first.to_string() == a.times[g].first
                    && n.times[p].last.to_string() == a.times[g].last
            })
            .count();

        let pairs = pair(&a.amounts, &n.amounts, |g, p| overlaps(&g.text, &p.text));
        let m = &mut parts[2];
        m.gold += a.amounts.len();
        m.predicted += n.amounts.len();
        m.matched += pairs.len();
        m.correct += pairs
            .iter()
            .filter(|&&(g, p)| {
                (n.amounts[p].value - a.amounts[g].value).abs() < 1e-6
                    && n.amounts[p].unit.to_lowercase() == a.amounts[g].unit.to_lowercase()
            })
            .count();

        let pairs = pair(&a.events, &n.events, |g, p| {
            overlaps(&g.trigger, &p.trigger)
        });
        for part in &mut parts[3..] {
            part.gold += a.events.len();
            part.predicted += n.events.len();
            part.matched += pairs.len();
        }
        for &(g, p) in &pairs {
            let (gold, found) = (&a.events[g], &n.events[p]);
            parts[3].correct += usize::from(gold.kind == found.kind);
            parts[4].correct += usize::from(gold.stance.to_lowercase() == found.stance);
            let source = match found.source_kind {
                "anonymous" => gold.source == "sources",
                "outlet" => gold.source == "outlet",
                _ => name(found.source).is_some_and(|s| same_name(s, &gold.source)),
            };
            parts[5].correct += usize::from(source);
        }
        kept.push((prepared, pairs));
    }
    let per_second = articles.len() as f64 / started.elapsed().as_secs_f64();
    Ok((
        parts.to_vec(),
        per_second,
        articles.len(),
        linking(path, &articles, &kept)?,
    ))
}

/// Links the event mentions found that are gold ones across the articles
/// (in publication order) and scores them against the gold event ids.
fn linking(
    path: &Path,
    articles: &[Article],
    kept: &[(mediamon_ingest::prepare::Prepared, Vec<(usize, usize)>)],
) -> anyhow::Result<Row> {
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by_key(|&i| (&articles[i].published, i));
    let names: Vec<(String, &str, &[mediamon_store::NewMention])> = order
        .iter()
        .map(|&i| {
            let p = &kept[i].0;
            (
                articles[i].id.clone(),
                p.article.body.as_str(),
                p.annotations.mentions.as_slice(),
            )
        })
        .collect();
    let entities = event_links::resolve_names(&names)?;
    let (mut chains, mut reports) = (Vec::new(), Vec::new());
    for (doc, &i) in order.iter().enumerate() {
        let (prepared, pairs) = &kept[i];
        let reported = prepared
            .article
            .published_at
            .map(|t| t.date_naive())
            .unwrap_or_default();
        let about = event_links::about(&prepared.annotations.mentions, &entities[doc]);
        let ours = event_links::reports_of(
            doc,
            &prepared.annotations.events,
            &prepared.annotations.mentions,
            &entities[doc],
            &about,
            reported,
            true,
        );
        for &(g, p) in pairs {
            chains.push(articles[i].events[g].event.clone());
            reports.push(ours[p].clone());
        }
    }
    let gold = event_links::numbered(&chains);
    Ok(event_links::row(
        &format!(
            "{} (found and gold)",
            path.file_name()
                .and_then(|f| f.to_str())
                .unwrap_or("labeled set")
        ),
        "linker (end to end)",
        &gold,
        &event_links::link_all(&reports),
    ))
}

pub fn run(path: &Path, ecbplus: Option<(&Path, &str)>, json: bool) -> anyhow::Result<()> {
    let (parts, per_second, articles, labeled) = score(path)?;
    let mut links = vec![labeled];
    let mut found_counts = None;
    if let Some((dir, split)) = ecbplus {
        let (rows, gold, matched, found) = event_links::ecbplus(dir, split)?;
        links.extend(rows);
        found_counts = Some((gold, matched, found));
    }
    let out = if json {
        let rows: Vec<serde_json::Value> = parts
            .iter()
            .map(|p| {
                let (sp, sr, sf) = p.prf(p.matched);
                let (vp, vr, vf) = p.prf(p.correct);
                serde_json::json!({
                    "part": p.part, "gold": p.gold, "predicted": p.predicted,
                    "span_precision": sp, "span_recall": sr, "span_f1": sf,
                    "precision": vp, "recall": vr, "f1": vf,
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({
            "data": path.display().to_string(),
            "articles": articles,
            "articles_per_second": per_second,
            "parts": rows,
            "linking": links,
            "ecbplus_triggers": found_counts.map(|(gold, matched, found)| serde_json::json!({
                "gold": gold, "found_and_gold": matched, "found": found,
            })),
        }))? + "\n"
    } else {
        let mut out = format!(
            "{} ({articles} articles): found, then found and right\n\
             {:<34} {:>5} {:>6}   {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}\n",
            path.display(),
            "part",
            "gold",
            "found",
            "P",
            "R",
            "F1",
            "P",
            "R",
            "F1"
        );
        for p in &parts {
            let (sp, sr, sf) = p.prf(p.matched);
            let (vp, vr, vf) = p.prf(p.correct);
            out.push_str(&format!(
                "{:<34} {:>5} {:>6}   {sp:>6.3} {sr:>6.3} {sf:>6.3}   {vp:>6.3} {vr:>6.3} {vf:>6.3}\n",
                p.part, p.gold, p.predicted
            ));
        }
        out.push_str(&format!(
            "{per_second:.0} articles/s through ingest's prepare (one thread)\n\n\
             One event, many reports (F1 of each metric; CoNLL = their mean):\n"
        ));
        out.push_str(&event_links::table(&links));
        if let Some((gold, matched, found)) = found_counts {
            out.push_str(&format!(
                "ECB+ triggers: {matched} of {gold} gold event mentions found (recall {:.3}); \
                 {found} found in annotated sentences (precision {:.3})\n",
                matched as f64 / gold.max(1) as f64,
                matched as f64 / found.max(1) as f64,
            ));
        }
        out
    };
    crate::output::emit(&out)
}
