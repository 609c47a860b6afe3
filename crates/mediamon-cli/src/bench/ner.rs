//! `mediamon bench ner`: the recogniser on labeled data in the CoNLL-2003
//! or WikiANN layout. Exact span match (the CoNLL standard), per type and
//! overall, and tokens per second on one thread with the model loaded
//! (tokens given, features and decoding included).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use mediamon_ner::conll::{self, Document, Score, prf};
use mediamon_ner::{EntityType, Tagger};

/// The labeled sets scored by default: CoNLL-2003 development data and the
/// project's own sentences from this domain.
pub fn default_sets() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    vec![
        root.join("../shared/data/ner/conll2003/valid.txt"),
        root.join("tests/data/ner/domain.conll"),
    ]
}

/// One row of the report.
#[derive(serde::Serialize)]
struct Row {
    data: String,
    #[serde(rename = "type")]
    kind: String,
    precision: f64,
    recall: f64,
    f1: f64,
    gold: usize,
    predicted: usize,
}

#[derive(serde::Serialize)]
struct Speed {
    data: String,
    tokens: usize,
    tokens_per_second: f64,
}

fn sentences(doc: &Document) -> Vec<Vec<&str>> {
    doc.sentences
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect()
}

/// Tags every document once; the score and the time it took.
fn run_once(tagger: &Tagger, docs: &[Document]) -> (Score, Duration) {
    let mut score = Score::default();
    let started = Instant::now();
    for doc in docs {
        let tagged = tagger.tag_document(&sentences(doc));
        for (s, t) in doc.sentences.iter().zip(tagged) {
            let predicted: Vec<_> = t.into_iter().map(|(span, _)| span).collect();
            score.add(&s.spans, &predicted);
        }
    }
    (score, started.elapsed())
}

pub fn run(sets: &[PathBuf], model: Option<&Path>, json: bool) -> anyhow::Result<()> {
    let owned;
    let tagger: &Tagger = match model {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            owned = Tagger::from_model_bytes(&bytes)?;
            &owned
        }
        None => Tagger::builtin()?,
    };
    let mut rows = Vec::new();
    let mut speeds = Vec::new();
    for path in sets {
        let docs = conll::read(path)?;
        let tokens: usize = docs
            .iter()
            .flat_map(|d| &d.sentences)
            .map(|s| s.tokens.len())
            .sum();
        let (score, first) = run_once(tagger, &docs);
        // Time at least three seconds of work for a steady figure.
        let mut elapsed = first;
        let mut passes = 1;
        while elapsed < Duration::from_secs(3) {
            elapsed += run_once(tagger, &docs).1;
            passes += 1;
        }
        let name = std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.clone())
            .display()
            .to_string();
        speeds.push(Speed {
            data: name.clone(),
            tokens,
            tokens_per_second: (tokens * passes) as f64 / elapsed.as_secs_f64(),
        });
        let mut add = |kind: &str, (tp, fp, fn_): (usize, usize, usize)| {
            let (p, r, f) = prf(tp, fp, fn_);
            rows.push(Row {
                data: name.clone(),
                kind: kind.into(),
                precision: p,
                recall: r,
                f1: f,
                gold: tp + fn_,
                predicted: tp + fp,
            });
        };
        for kind in EntityType::ALL {
            add(
                kind.code(),
                score.by_type.get(&kind).copied().unwrap_or_default(),
            );
        }
        add("overall", score.overall());
    }
    let text = if json {
        serde_json::to_string_pretty(&serde_json::json!({
            "model_features": tagger.model().features(),
            "rows": rows,
            "speed": speeds,
        }))? + "\n"
    } else {
        let mut out = String::new();
        for (speed, chunk) in speeds.iter().zip(rows.chunks(5)) {
            out += &format!("{} ({} tokens)\n", speed.data, speed.tokens);
            out += &format!(
                "{:<10} {:>7} {:>7} {:>7} {:>7} {:>9}\n",
                "type", "P", "R", "F1", "gold", "predicted"
            );
            for r in chunk {
                out += &format!(
                    "{:<10} {:>7.3} {:>7.3} {:>7.3} {:>7} {:>9}\n",
                    r.kind, r.precision, r.recall, r.f1, r.gold, r.predicted
                );
            }
            out += &format!(
                "{:.0} tokens/s on one thread (features and decoding)\n\n",
                speed.tokens_per_second
            );
        }
        out
    };
    crate::output::emit(&text)
}
