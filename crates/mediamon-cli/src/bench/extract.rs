//! `mediamon bench extract`: main-content extraction on labeled pages
//! (`html/<key>.html.gz` and `ground-truth.json`), scored by shingles of four
//! word tokens summed over pages, with trafilatura run on the same pages in
//! the same run as the reference.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The shared labeled pages.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction")
}

/// Where `mediamon bench extract` looks for a Python with trafilatura when
/// `--python` is not given.
fn default_pythons() -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Some(home) = std::env::var_os("HOME") {
        found.push(PathBuf::from(home).join(".cache/mediamon/trafilatura/bin/python"));
    }
    found.push(PathBuf::from("python3"));
    found
}

const REFERENCE_SCRIPT: &str = include_str!("trafilatura_reference.py");

struct Page {
    key: String,
    path: PathBuf,
    url: String,
    html: Vec<u8>,
    truth: String,
}

#[derive(Default, Clone, Copy, serde::Serialize)]
struct Counts {
    true_positives: usize,
    predicted: usize,
    gold: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.true_positives += other.true_positives;
        self.predicted += other.predicted;
        self.gold += other.gold;
    }

    fn prf(self) -> (f64, f64, f64) {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let p = ratio(self.true_positives, self.predicted);
        let r = ratio(self.true_positives, self.gold);
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
}

/// Word tokens as Python's `re.findall(r"\w+")` finds them: letters,
/// numbers and underscore, but not combining marks.
fn words(text: &str) -> Vec<&str> {
    let is_word = |c: char| {
        (c.is_alphanumeric() || c == '_') && !unicode_normalization::char::is_combining_mark(c)
    };
    text.split(|c: char| !is_word(c))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Overlapping shingles of four tokens; a text of one to three tokens is one
/// short shingle.
fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let tokens = words(text);
    let mut counts = HashMap::new();
    if tokens.len() < 4 {
        if !tokens.is_empty() {
            counts.insert(tokens, 1);
        }
        return counts;
    }
    for w in tokens.windows(4) {
        *counts.entry(w.to_vec()).or_insert(0) += 1;
    }
    counts
}

/// Shingles shared (with multiplicity), predicted and true.
fn score(predicted: &str, truth: &str) -> Counts {
    let p = shingles(predicted);
    let t = shingles(truth);
    Counts {
        true_positives: p
            .iter()
            .map(|(s, n)| (*n).min(t.get(s).copied().unwrap_or(0)))
            .sum(),
        predicted: p.values().sum(),
        gold: t.values().sum(),
    }
}

#[derive(serde::Deserialize)]
struct Truth {
    #[serde(default)]
    url: String,
    #[serde(rename = "articleBody")]
    article_body: String,
}

fn load(dir: &Path) -> anyhow::Result<Vec<Page>> {
    let truth_path = dir.join("ground-truth.json");
    let bytes = std::fs::read(&truth_path)
        .with_context(|| format!("reading {} (the labels)", truth_path.display()))?;
    let truth: HashMap<String, Truth> = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{}: expected {{\"<key>\": {{\"url\": ..., \"articleBody\": ...}}}}",
            truth_path.display()
        )
    })?;
    if truth.is_empty() {
        bail!("{} labels no page", truth_path.display());
    }
    let mut pages = Vec::with_capacity(truth.len());
    for (key, t) in truth {
        let path = dir.join("html").join(format!("{key}.html.gz"));
        let mut html = Vec::new();
        std::fs::File::open(&path)
            .map(flate2::read::GzDecoder::new)
            .and_then(|mut z| z.read_to_end(&mut html))
            .with_context(|| format!("reading {} (labelled as {key})", path.display()))?;
        pages.push(Page {
            key,
            path,
            url: t.url,
            html,
            truth: t.article_body,
        });
    }
    pages.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(pages)
}

/// Extracts every page once: the bodies and the time spent.
fn run_ours(pages: &[Page]) -> (Vec<String>, Duration) {
    let started = Instant::now();
    let bodies = pages
        .iter()
        .map(|p| {
            let hints = mediamon_extract::Hints {
                url: Some(p.url.as_str()).filter(|u| !u.is_empty()),
                ..Default::default()
            };
            mediamon_extract::from_html(&p.html, &hints)
                .map(|a| a.body)
                .unwrap_or_default()
        })
        .collect();
    (bodies, started.elapsed())
}

struct Reference {
    version: String,
    bodies: Vec<String>,
    seconds: f64,
}

/// Runs trafilatura through the first Python that has it.
fn run_reference(pages: &[Page], python: Option<&Path>) -> anyhow::Result<Reference> {
    let candidates = python.map_or_else(default_pythons, |p| vec![p.to_path_buf()]);
    let script = tempfile::Builder::new()
        .prefix("trafilatura_reference")
        .suffix(".py")
        .tempfile()?;
    std::fs::write(script.path(), REFERENCE_SCRIPT)?;
    let mut tried = Vec::new();
    for candidate in &candidates {
        let has_it = Command::new(candidate)
            .args(["-c", "import trafilatura"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !has_it {
            tried.push(candidate.display().to_string());
            continue;
        }
        let mut child = Command::new(candidate)
            .arg(script.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", candidate.display()))?;
        let mut list = String::new();
        for p in pages {
            list += &format!("{}\t{}\t{}\n", p.key, p.path.display(), p.url);
        }
        child
            .stdin
            .take()
            .context("trafilatura's stdin")?
            .write_all(list.as_bytes())?;
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!(
                "trafilatura failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        #[derive(serde::Deserialize)]
        struct Reply {
            version: String,
            seconds: f64,
            bodies: HashMap<String, String>,
        }
        let mut reply: Reply =
            serde_json::from_slice(&out.stdout).context("reading trafilatura's output")?;
        return Ok(Reference {
            version: reply.version,
            seconds: reply.seconds,
            bodies: pages
                .iter()
                .map(|p| reply.bodies.remove(&p.key).unwrap_or_default())
                .collect(),
        });
    }
    bail!(
        "no Python with trafilatura found (tried {}); install it with \
         `python3 -m venv ~/.cache/mediamon/trafilatura && \
         ~/.cache/mediamon/trafilatura/bin/pip install trafilatura==2.3.1 lxml_html_clean`, \
         pass --python, or pass --no-reference",
        tried.join(", ")
    )
}

#[derive(serde::Serialize)]
struct Row {
    system: String,
    precision: f64,
    recall: f64,
    f1: f64,
    #[serde(flatten)]
    counts: Counts,
    pages_per_second: f64,
    /// Pages that gave no text.
    empty: usize,
}

fn row(system: String, bodies: &[String], pages: &[Page], seconds: f64) -> (Row, Vec<Counts>) {
    let per_page: Vec<Counts> = bodies
        .iter()
        .zip(pages)
        .map(|(b, p)| score(b, &p.truth))
        .collect();
    let mut total = Counts::default();
    per_page.iter().for_each(|c| total.add(*c));
    let (precision, recall, f1) = total.prf();
    let row = Row {
        system,
        precision,
        recall,
        f1,
        counts: total,
        pages_per_second: pages.len() as f64 / seconds.max(1e-9),
        empty: bodies.iter().filter(|b| b.trim().is_empty()).count(),
    };
    (row, per_page)
}

pub struct Options<'a> {
    pub data: &'a Path,
    pub json: bool,
    pub reference: bool,
    pub python: Option<&'a Path>,
    pub per_page: bool,
}

pub fn run(o: Options) -> anyhow::Result<()> {
    let pages = load(o.data)?;
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    let (bodies, first) = run_ours(&pages);
    // Time at least three seconds of work for a steady figure.
    let (mut elapsed, mut passes) = (first, 1u32);
    while elapsed < Duration::from_secs(3) {
        elapsed += run_ours(&pages).1;
        passes += 1;
    }
    let mut rows = Vec::new();
    let (ours, our_pages) = row(
        "mediamon".into(),
        &bodies,
        &pages,
        elapsed.as_secs_f64() / f64::from(passes),
    );
    rows.push(ours);
    let mut reference_pages = None;
    if o.reference {
        let reference = run_reference(&pages, o.python)?;
        let (r, per_page) = row(
            format!("trafilatura {}", reference.version),
            &reference.bodies,
            &pages,
            reference.seconds,
        );
        rows.push(r);
        reference_pages = Some(per_page);
    }
    let text = if o.json {
        let pages_json: Vec<_> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let f1 = |c: Counts| c.prf().2;
                serde_json::json!({
                    "key": p.key,
                    "url": p.url,
                    "mediamon_f1": f1(our_pages[i]),
                    "reference_f1": reference_pages.as_ref().map(|r| f1(r[i])),
                })
            })
            .collect();
        let mut doc = serde_json::json!({
            "data": o.data.display().to_string(),
            "pages": pages.len(),
            "megabytes": bytes as f64 / 1e6,
            "scoring": "shingles of 4 word tokens, summed over pages",
            "rows": rows,
        });
        if o.per_page {
            doc["per_page"] = serde_json::Value::Array(pages_json);
        }
        serde_json::to_string_pretty(&doc)? + "\n"
    } else {
        let mut out = format!(
            "{} pages ({:.1} MB) from {}; shingles of 4 word tokens, summed over pages\n",
            pages.len(),
            bytes as f64 / 1e6,
            o.data.display()
        );
        out += &format!(
            "{:<20} {:>7} {:>7} {:>7} {:>9} {:>6}\n",
            "system", "P", "R", "F1", "pages/s", "empty"
        );
        for r in &rows {
            out += &format!(
                "{:<20} {:>7.3} {:>7.3} {:>7.3} {:>9.1} {:>6}\n",
                r.system, r.precision, r.recall, r.f1, r.pages_per_second, r.empty
            );
        }
        if let [ours, reference] = &rows[..] {
            out += &format!(
                "mediamon is {:.1}x the reference's speed (one thread each, extraction only)\n",
                ours.pages_per_second / reference.pages_per_second.max(1e-9)
            );
        }
        if o.per_page {
            out += "\nF1 per page (mediamon, reference), worst first:\n";
            let mut order: Vec<usize> = (0..pages.len()).collect();
            order.sort_by(|&a, &b| our_pages[a].prf().2.total_cmp(&our_pages[b].prf().2));
            for i in order {
                let reference = reference_pages
                    .as_ref()
                    .map_or(String::new(), |r| format!("{:.3}", r[i].prf().2));
                out += &format!(
                    "{:.3} {:>5} {} {}\n",
                    our_pages[i].prf().2,
                    reference,
                    pages[i].key,
                    pages[i].url
                );
            }
        }
        out
    };
    crate::output::emit(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_python_word_characters() {
        assert_eq!(
            words("Kabul's 2 new_roads—café"),
            ["Kabul", "s", "2", "new_roads", "café"]
        );
        // A combining mark splits the word, as in Python's re.
        assert_eq!(words("cafe\u{301} x"), ["cafe", "x"]);
        assert_eq!(words("کابل، ۱۴۰۳"), ["کابل", "۱۴۰۳"]);
    }

    #[test]
    fn shingles_are_counted_with_multiplicity() {
        let c = score("a b c d a b c d", "a b c d e");
        assert_eq!((c.true_positives, c.predicted, c.gold), (1, 5, 2));
        let short = score("two words", "two words");
        assert_eq!(
            (short.true_positives, short.predicted, short.gold),
            (1, 1, 1)
        );
        assert_eq!(score("", "x y z w").predicted, 0);
    }
}
