//! `mediamon bench resolve` and `bench ner`, and `mediamon ner`, as a user
//! runs them: figures on the project's labeled sets, any other file or
//! directory in the same layout, and a clear error for a bad one.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_mediamon");

/// Runs `mediamon ARGS`: success, stdout, stderr.
fn mediamon(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).output().expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn bench(args: &[&str]) -> (bool, String, String) {
    mediamon(&[&["bench", "resolve"][..], args].concat())
}

fn f1(r: &serde_json::Value) -> f64 {
    r["pairwise_f1"].as_f64().expect("f1")
}

fn violations(r: &serde_json::Value) -> u64 {
    r["must_not_merge_violations"].as_u64().expect("n")
}

#[test]
fn the_core_beats_the_baseline_on_the_written_set() {
    let (ok, out, err) = bench(&["--no-ecbplus", "--json"]);
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let rows = report[0]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 4);
    let (baseline, core) = (&rows[0], &rows[1]);
    // Regression guards at the figures this change measured (0.971, 0).
    assert!(f1(core) >= 0.95, "{core}");
    assert!(f1(core) > f1(baseline) + 0.15, "{rows:?}");
    assert_eq!(violations(core), 0, "{core}");
    assert!(core["mentions_per_second"].as_f64().expect("speed") > 0.0);
    // Whatever the order articles arrive in (0.964 at worst).
    let orders = &report[0]["arrival_orders"];
    assert!(orders["min"].as_f64().expect("min") >= 0.95, "{orders}");
    assert_eq!(f1(&rows[3]), orders["min"].as_f64().expect("min"));
}

#[test]
fn the_core_holds_on_real_news() {
    let Some(dir) = mediamon_testdata::shared("data/ecbplus", "the_core_holds_on_real_news") else {
        return;
    };
    let dir = dir.to_string_lossy().into_owned();
    let (ok, out, err) = bench(&["--ecbplus", &dir, "--json"]);
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(
        report[0]["data"]
            .as_str()
            .expect("name")
            .starts_with("ECB+ dev")
    );
    assert!(report[0]["mentions"].as_u64().expect("n") > 300, "{report}");
    let core = &report[0]["rows"][1];
    // Regression guards at the figures this change measured (0.929, 0, in
    // every arrival order).
    assert!(f1(core) >= 0.92, "{core}");
    assert_eq!(violations(core), 0, "{core}");
    let orders = &report[0]["arrival_orders"];
    assert!(orders["min"].as_f64().expect("min") >= 0.92, "{orders}");
    assert_eq!(orders["orders_violating"].as_u64(), Some(0), "{orders}");
}

#[test]
fn another_directory_in_the_same_layout_works() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("mentions.tsv"),
        "mention_id\tdoc_id\tentity_id\ttype\tmention\n\
         m1\td1\tson\tPER\tAhmad Massoud\n\
         m2\td1\tfather\tPER\tAhmad Shah Massoud\n\
         m3\td2\tson\tPER\tAhmed Masood\n\
         m4\td2\tnrf\tORG\tNational Resistance Front\n\
         m5\td3\tnrf\tORG\tNRF\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("must_not_merge.tsv"),
        "entity_a\tentity_b\twhy\nson\tfather\tfather and son\n",
    )
    .expect("write");
    let path = dir.path().to_string_lossy().into_owned();
    let (ok, out, err) = bench(&["--data", &path, "--no-ecbplus", "--json"]);
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let names = &report[0]["rows"][1];
    assert_eq!(names["pairwise_f1"].as_f64(), Some(1.0), "{names}");
    assert_eq!(names["must_not_merge_violations"].as_u64(), Some(0));

    let (ok, _, err) = bench(&["--data", "/nonexistent/dir", "--no-ecbplus"]);
    assert!(!ok);
    assert!(err.contains("mentions.tsv"), "{err}");
}

#[test]
fn ner_prints_mentions_as_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("story.txt");
    std::fs::write(
        &file,
        "Talks in Doha\n\nThe Taliban spokesman, Zabihullah Mujahid, said talks with Qatar would resume.",
    )
    .expect("write");
    let (ok, out, err) = mediamon(&["ner", file.to_str().expect("utf-8 path"), "--json"]);
    assert!(ok, "{err}");
    let mentions: serde_json::Value = serde_json::from_str(&out).expect("json");
    let mujahid = mentions
        .as_array()
        .expect("array")
        .iter()
        .find(|m| m["text"] == "Zabihullah Mujahid")
        .expect("the spokesman is found");
    assert_eq!(mujahid["type"], "PER");
    assert_eq!(mujahid["titles"][0], "spokesman");
}

#[test]
fn bench_ner_scores_any_conll_or_wikiann_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    // IOB1 (I- opens a name) in the four-column layout...
    let conll = dir.path().join("iob1.txt");
    std::fs::write(
        &conll,
        "-DOCSTART- -X- -X- O\n\nAhmad NNP I-NP I-PER\nMassoud NNP I-NP I-PER\nvisited VBD I-VP O\nParis NNP I-NP I-LOC\n. . O O\n\n",
    )
    .expect("write");
    // ...and WikiANN's.
    let wikiann = dir.path().join("wikiann");
    std::fs::write(
        &wikiann,
        "en:Kabul\tB-LOC\nen:is\tO\nen:a\tO\nen:city\tO\n\n",
    )
    .expect("write");
    let (ok, out, err) = mediamon(&[
        "bench",
        "ner",
        "--conll",
        conll.to_str().expect("path"),
        "--conll",
        wikiann.to_str().expect("path"),
        "--json",
    ]);
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let rows = report["rows"].as_array().expect("rows");
    let overall: Vec<&serde_json::Value> = rows.iter().filter(|r| r["type"] == "overall").collect();
    assert_eq!(overall.len(), 2);
    assert_eq!(overall[0]["gold"], 2);
    assert_eq!(overall[1]["gold"], 1);
    assert!(
        report["speed"][0]["tokens_per_second"]
            .as_f64()
            .expect("speed")
            > 0.0
    );

    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "Kabul B-CITY\n").expect("write");
    let (ok, _, err) = mediamon(&["bench", "ner", "--conll", bad.to_str().expect("path")]);
    assert!(!ok);
    assert!(err.contains("bad.txt:1"), "{err}");
}

/// A directory in the shared set's layout, made of the project's fixtures,
/// labelled with one paragraph of each story.
fn extraction_set() -> tempfile::TempDir {
    use std::io::Write as _;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/extract");
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.join("expected.json")).expect("read"))
            .expect("json");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("html")).expect("mkdir");
    let mut truth = serde_json::Map::new();
    for name in ["semantic", "wordpress", "jsonld_two_authors"] {
        let page = std::fs::read(root.join(format!("html/{name}.html"))).expect("page");
        let file =
            std::fs::File::create(dir.path().join(format!("html/{name}.html.gz"))).expect("create");
        let mut z = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        z.write_all(&page).expect("gzip");
        z.finish().expect("gzip");
        // One paragraph: joined snippets would make shingles across them.
        let body = expected[format!("html/{name}.html")]["story_contains"][0]
            .as_str()
            .expect("a paragraph");
        truth.insert(
            name.into(),
            serde_json::json!({"url": "", "articleBody": body}),
        );
    }
    std::fs::write(
        dir.path().join("ground-truth.json"),
        serde_json::to_vec(&truth).expect("json"),
    )
    .expect("write");
    dir
}

#[test]
fn bench_extract_scores_a_directory_in_the_shared_layout() {
    let dir = extraction_set();
    let path = dir.path().to_string_lossy().into_owned();
    let (ok, out, err) = mediamon(&[
        "bench",
        "extract",
        "--data",
        &path,
        "--no-reference",
        "--json",
    ]);
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["pages"], 3);
    let rows = report["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1);
    // The labels are a subset of each story: every labelled shingle is found.
    assert_eq!(rows[0]["recall"].as_f64(), Some(1.0), "{report}");
    assert!(rows[0]["precision"].as_f64().expect("p") > 0.0, "{report}");
    assert!(rows[0]["pages_per_second"].as_f64().expect("speed") > 0.0);

    let (ok, out, err) = mediamon(&["bench", "extract", "--data", &path, "--no-reference"]);
    assert!(ok, "{err}");
    assert!(out.contains("mediamon") && out.contains("pages/s"), "{out}");
}

#[test]
fn bench_extract_explains_a_bad_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().to_string_lossy().into_owned();
    let (ok, _, err) = mediamon(&["bench", "extract", "--data", &path, "--no-reference"]);
    assert!(!ok);
    assert!(err.contains("ground-truth.json"), "{err}");
    std::fs::write(
        dir.path().join("ground-truth.json"),
        r#"{"k": {"url": "", "articleBody": "x"}}"#,
    )
    .expect("write");
    let (ok, _, err) = mediamon(&["bench", "extract", "--data", &path, "--no-reference"]);
    assert!(!ok);
    assert!(err.contains("k.html.gz"), "{err}");
}

#[test]
fn bench_ingest_pushes_generated_pages_through_a_real_stack() {
    let (ok, out, err) = mediamon(&[
        "bench",
        "ingest",
        "--articles",
        "60",
        "--clients",
        "2",
        "--batch",
        "10",
        "--json",
    ]);
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let n = |k: &str| report[k].as_f64().unwrap_or(-1.0);
    // One page in twenty repeats an earlier one exactly, one in twenty
    // under an agency credit (from the 21st page on).
    assert_eq!(n("created") + n("duplicates"), 60.0, "{report}");
    assert_eq!(n("failed"), 0.0, "{report}");
    assert!(
        n("duplicates") >= 1.0 && n("near_duplicates") >= 1.0,
        "{report}"
    );
    assert!(n("accepted_per_second") > 0.0 && n("resolve_lag_seconds") >= 0.0);
    assert!(n("item_latency_p99_ms") >= n("item_latency_p50_ms"));
}

#[test]
fn names_in_two_scripts_meet_their_latin_form() {
    let Some(dir) = mediamon_testdata::shared("data/names", "names_in_two_scripts_meet") else {
        return;
    };
    let dir = dir.to_string_lossy().into_owned();
    let (ok, out, err) = mediamon(&["bench", "names", "--data", &dir, "--json"]);
    assert!(ok, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).expect("json");
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    for r in rows {
        let n = |k: &str| r[k].as_f64().expect(k);
        // Regression guards at the figures measured (0.598 and 0.678 meet,
        // 0.0010 and 0.0007 false).
        assert!(n("meet_rate") >= 0.55, "{r}");
        assert!(n("false_meet_rate") <= 0.003, "{r}");
    }

    let (ok, _, err) = mediamon(&["bench", "names", "--data", "/nonexistent/names"]);
    assert!(!ok);
    assert!(err.contains("not a directory"), "{err}");
}

#[test]
fn bench_events_scores_every_part_of_the_labeled_set() {
    let (ok, out, err) = mediamon(&["bench", "events", "--no-ecbplus", "--json"]);
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["articles"].as_u64(), Some(44), "{report}");
    let parts = report["parts"].as_array().expect("parts");
    let f1 = |name: &str| {
        parts
            .iter()
            .find(|p| p["part"].as_str().is_some_and(|n| n.starts_with(name)))
            .and_then(|p| p["f1"].as_f64())
            .unwrap_or_else(|| panic!("{name} in {parts:?}"))
    };
    // Regression guards at the figures measured (0.590, 0.938, 0.780,
    // 0.638, 0.496, 0.333).
    assert!(f1("quotes") >= 0.55, "{parts:?}");
    assert!(f1("times") >= 0.90, "{parts:?}");
    assert!(f1("amounts") >= 0.72, "{parts:?}");
    assert!(f1("event mentions") >= 0.60, "{parts:?}");
    assert!(f1("event stance") >= 0.45, "{parts:?}");
    assert!(f1("event source") >= 0.30, "{parts:?}");
    // Linking the event mentions found across the articles (0.770).
    let links = report["linking"].as_array().expect("linking");
    assert_eq!(links.len(), 1, "{links:?}");
    assert!(conll(&links[0]) >= 0.72, "{links:?}");

    let (ok, _, err) = mediamon(&["bench", "events", "--data", "/nonexistent/set.jsonl"]);
    assert!(!ok);
    assert!(err.contains("set.jsonl"), "{err}");
}

fn conll(row: &serde_json::Value) -> f64 {
    row["scores"]["conll_f1"].as_f64().expect("conll")
}

#[test]
fn bench_events_links_real_news_better_than_the_same_lemma() {
    let Some(dir) = mediamon_testdata::shared(
        "data/ecbplus",
        "bench_events_links_real_news_better_than_the_same_lemma",
    ) else {
        return;
    };
    let dir = dir.to_string_lossy().into_owned();
    let (ok, out, err) = mediamon(&["bench", "events", "--ecbplus", &dir, "--json"]);
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let links = report["linking"].as_array().expect("linking");
    let row = |set: &str, system: &str| {
        links
            .iter()
            .find(|r| {
                r["set"].as_str().is_some_and(|s| s.starts_with(set)) && r["system"] == system
            })
            .unwrap_or_else(|| panic!("{set} / {system} in {links:?}"))
    };
    let linker = row("ECB+ dev, gold", "linker");
    let lemma = row("ECB+ dev, gold", "same lemma");
    assert_eq!(linker["mentions"], lemma["mentions"]);
    assert!(linker["mentions"].as_u64().expect("n") > 700, "{linker}");
    // The issue's bar: five points above the baseline (measured: 0.666
    // against 0.614).
    assert!(conll(linker) >= conll(lemma) + 0.05, "{links:?}");
    assert!(conll(row("ECB+ dev, found", "linker (end to end)")) > 0.0);
    assert!(report["ecbplus_triggers"]["found_and_gold"].as_u64() > Some(0));
}
