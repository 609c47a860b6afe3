//! `mediamon ner` and `mediamon bench ner` as a user runs them: the binary,
//! real files, the built-in model.

use std::process::Command;

fn mediamon(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mediamon"))
        .args(args)
        .output()
        .expect("run mediamon");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
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
