//! `mediamon ner FILE`: the names the recogniser finds in a text file, and
//! `mediamon train ner`: rebuilding the model from labeled data.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use mediamon_ner::{Tagger, conll, train};

/// The model file the build embeds.
pub fn default_model_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../mediamon-ner/model/ner.bin.gz")
}

/// The training data: the CoNLL-2003 English training split, and the
/// project's own annotated sentences from this domain.
pub fn default_training() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![
        here.join("../../../shared/data/ner/conll2003/train.txt"),
        here.join("../mediamon-ner/data/domain-train.conll"),
    ]
}

pub fn tag_file(path: &Path, json: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", path.display()))?;
    let mentions = Tagger::builtin()?.find(&text);
    let out = if json {
        let rows: Vec<serde_json::Value> = mentions
            .iter()
            .map(|m| {
                serde_json::json!({
                    "type": m.kind.code(),
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "sentence": m.sentence,
                    "titles": m.titles,
                    "confidence": m.confidence,
                })
            })
            .collect();
        serde_json::to_string_pretty(&rows)? + "\n"
    } else {
        let mut out = String::new();
        for m in &mentions {
            let titles = if m.titles.is_empty() {
                String::new()
            } else {
                format!("  [{}]", m.titles.join(", "))
            };
            out += &format!(
                "{:<5} {:>6}..{:<6} {:.2}  {}{}\n",
                m.kind.code(),
                m.start,
                m.end,
                m.confidence,
                m.text,
                titles
            );
        }
        out
    };
    crate::output::emit(&out)
}

pub fn train(data: &[PathBuf], out: &Path, settings: train::Settings) -> anyhow::Result<()> {
    let mut docs = Vec::new();
    for path in data {
        docs.extend(conll::read(path)?);
    }
    let sentences: usize = docs.iter().map(|d| d.sentences.len()).sum();
    eprintln!(
        "training on {} documents, {sentences} sentences; {} epochs, seed {}",
        docs.len(),
        settings.epochs,
        settings.seed
    );
    // First pass, one model per fold, second pass.
    let bar =
        indicatif::ProgressBar::new((settings.epochs * (2 + mediamon_ner::train::FOLDS)) as u64);
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let started = std::time::Instant::now();
    let model = train::train(&docs, settings, |e| {
        bar.set_message(format!(
            "{}: {} of {} sentences wrong",
            e.stage, e.wrong, e.sentences
        ));
        bar.inc(1);
        if bar.is_hidden() {
            eprintln!(
                "epoch {}/{}: {} of {} sentences wrong",
                e.epoch, e.epochs, e.wrong, e.sentences
            );
        }
    });
    bar.finish_and_clear();
    let file = std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
    model.write(std::io::BufWriter::new(file))?;
    let size = std::fs::metadata(out)?.len();
    eprintln!(
        "wrote {} ({} features, {:.1} MB) in {:.0?}",
        out.display(),
        model.features(),
        size as f64 / 1e6,
        started.elapsed()
    );
    Ok(())
}
