//! `mediamon bench names`: does a name written in Arabic script or Cyrillic
//! meet its Latin form under the resolver's own comparison? Read at run
//! time from `../shared/data/names` (Wikidata labels of people, one token
//! in both scripts a line; see its README). A pair meets when
//! `mediamon_names::compare` calls the two a variant at or above the score
//! at which the resolver links (`mediamon_resolution::decide::LINK`). The
//! cost of meeting is measured too: each script token is also compared with
//! the Latin token of another pair, and a meet there is a false one.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use mediamon_names::{Relation, analyze, compare};
use mediamon_resolution::decide::LINK;

pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/names")
}

/// The files scored, and the script each holds.
const FILES: &[(&str, &str)] = &[
    ("wikidata_arabic_latin.tsv", "Arabic script"),
    ("wikidata_russian_latin.tsv", "Cyrillic"),
];

/// One script's figures.
#[derive(Debug, serde::Serialize)]
pub struct Row {
    pub script: String,
    pub pairs: usize,
    /// Share of pairs whose two forms meet.
    pub meet_rate: f64,
    /// The same, each pair weighted by how often Wikidata has it.
    pub meet_rate_weighted: f64,
    /// Share of mismatched pairs (a token against another pair's Latin
    /// form) that meet: merges the comparison would risk.
    pub false_meet_rate: f64,
    pub comparisons_per_second: f64,
    /// Pairs that did not meet, spread over the file (with `--misses`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<(String, String)>,
}

fn meets(a: &str, b: &str) -> bool {
    matches!(
        compare(&analyze(a, "PER"), &analyze(b, "PER")),
        Relation::Variant(s) if s >= LINK
    )
}

/// (Latin, other script, count) of each line.
fn read(path: &Path) -> anyhow::Result<Vec<(String, String, u64)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let mut f = l.split('\t');
            match (f.next(), f.next(), f.next()) {
                (Some(latin), Some(spaced), Some(count)) => Ok((
                    latin.to_string(),
                    spaced.split_whitespace().collect(),
                    count.trim().parse().with_context(|| {
                        format!("{}:{}: count {count:?}", path.display(), i + 1)
                    })?,
                )),
                _ => bail!(
                    "{}:{}: expected latin<TAB>letters<TAB>count",
                    path.display(),
                    i + 1
                ),
            }
        })
        .collect()
}

fn score(script: &str, pairs: &[(String, String, u64)], misses: usize) -> Row {
    let started = Instant::now();
    let (mut met, mut weight_met, mut weight, mut false_met) = (0usize, 0u64, 0u64, 0usize);
    let n = pairs.len();
    let mut missed = Vec::new();
    let every = n / misses.max(1);
    for (i, (latin, other, count)) in pairs.iter().enumerate() {
        if meets(other, latin) {
            met += 1;
            weight_met += count;
        } else if missed.len() < misses && i >= missed.len() * every {
            missed.push((other.clone(), latin.clone()));
        }
        weight += count;
        // Half the set away: another name, deterministically.
        let (stranger, _, _) = &pairs[(i + n / 2) % n];
        if stranger != latin && meets(other, stranger) {
            false_met += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let share = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    Row {
        script: script.to_string(),
        pairs: n,
        meet_rate: share(met as f64, n as f64),
        meet_rate_weighted: share(weight_met as f64, weight as f64),
        false_meet_rate: share(false_met as f64, n as f64),
        // Two comparisons a pair.
        comparisons_per_second: share(2.0 * n as f64, elapsed),
        misses: missed,
    }
}

/// Scores every file in `dir`; `misses` pairs that did not meet are listed
/// per script.
pub fn run(dir: &Path, json: bool, misses: usize) -> anyhow::Result<()> {
    if !dir.is_dir() {
        bail!(
            "{} is not a directory (the team's data/names, see its README)",
            dir.display()
        );
    }
    let mut rows = Vec::new();
    for (file, script) in FILES {
        let pairs = read(&dir.join(file))?;
        if pairs.is_empty() {
            bail!("{} has no pairs", dir.join(file).display());
        }
        rows.push(score(script, &pairs, misses));
    }
    let out = if json {
        serde_json::to_string_pretty(&rows)? + "\n"
    } else {
        let mut out = format!(
            "names in two scripts ({}): a pair meets at a variant score >= {LINK}\n\
             {:<14} {:>8} {:>10} {:>10} {:>11} {:>14}\n",
            dir.display(),
            "script",
            "pairs",
            "meet",
            "weighted",
            "false meet",
            "comparisons/s"
        );
        for r in &rows {
            out.push_str(&format!(
                "{:<14} {:>8} {:>10.3} {:>10.3} {:>11.4} {:>14.0}\n",
                r.script,
                r.pairs,
                r.meet_rate,
                r.meet_rate_weighted,
                r.false_meet_rate,
                r.comparisons_per_second
            ));
        }
        for r in rows.iter().filter(|r| !r.misses.is_empty()) {
            out.push_str(&format!("\n{}, pairs that did not meet:\n", r.script));
            for (other, latin) in &r.misses {
                out.push_str(&format!("  {other}  {latin}\n"));
            }
        }
        out
    };
    crate::output::emit(&out)
}
