//! The project's labelled pages (tests/data/extract) and the shared seeds:
//! every expectation is checked and all misses are reported together.

use std::{fs, path::PathBuf};

use mediamon_extract::{Article, Hints};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn extract(rel: &str) -> Article {
    let bytes = fs::read(root().join("tests/data/extract").join(rel)).expect("fixture readable");
    let hints = Hints::default();
    let result = if rel.starts_with("html/") {
        mediamon_extract::from_html(&bytes, &hints)
    } else {
        let text = mediamon_extract::decode_text(&bytes).expect("fixture decodes");
        mediamon_extract::from_text(&text, &hints)
    };
    result.unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn opt_str(v: &Value) -> Option<&str> {
    v.as_str()
}

fn check(rel: &str, want: &Value, got: &Article, misses: &mut Vec<String>) {
    let mut miss = |what: String| misses.push(format!("{rel}: {what}"));
    for s in want["story_contains"].as_array().into_iter().flatten() {
        let s = s.as_str().unwrap_or_default();
        if !got.body.contains(s) {
            miss(format!("story lacks {s:?}"));
        }
    }
    for s in want["story_excludes"].as_array().into_iter().flatten() {
        let s = s.as_str().unwrap_or_default();
        if got.body.contains(s) {
            miss(format!("story keeps furniture {s:?}"));
        }
    }
    let m = &got.metadata;
    let fields: [(&str, Option<&str>); 5] = [
        ("title", Some(got.title.as_str())),
        ("canonical_url", m.canonical_url.as_deref()),
        ("site_name", m.site_name.as_deref()),
        ("language", m.language.as_deref()),
        ("dateline", m.dateline.as_deref()),
    ];
    for (name, value) in fields {
        if opt_str(&want[name]) != value {
            miss(format!("{name} is {value:?}, want {}", want[name]));
        }
    }
    let authors: Vec<&str> = want["authors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if authors != m.authors.iter().map(String::as_str).collect::<Vec<_>>() {
        miss(format!("authors are {:?}, want {authors:?}", m.authors));
    }
    let published = m.published.as_ref().map(|p| {
        (
            p.at.date_naive().to_string(),
            p.precision.as_str(),
            p.source.as_str(),
        )
    });
    let want_published = want["published"].as_object().map(|p| {
        (
            p["date"].as_str().unwrap_or_default().to_string(),
            p["precision"].as_str().unwrap_or_default(),
            p["source"].as_str().unwrap_or_default(),
        )
    });
    if published != want_published {
        miss(format!(
            "published is {published:?}, want {want_published:?}"
        ));
    }
}

#[test]
fn labelled_fixtures_meet_their_expectations() {
    let expected: Value = serde_json::from_slice(
        &fs::read(root().join("tests/data/extract/expected.json")).expect("expected.json"),
    )
    .expect("expected.json parses");
    let files = expected.as_object().expect("an object of files");
    assert!(files.len() >= 14, "all fixtures are listed");
    let mut misses = Vec::new();
    for (rel, want) in files {
        check(rel, want, &extract(rel), &mut misses);
    }
    assert!(
        misses.is_empty(),
        "{} misses:\n{}",
        misses.len(),
        misses.join("\n")
    );
}

/// A seed's extraction; `None` (the test is skipped, visibly) without
/// `../shared`.
fn seed(prefix: &str, test: &str) -> Option<Article> {
    let text = mediamon_testdata::seed(prefix, test)?;
    Some(mediamon_extract::from_text(&text, &Hints::default()).expect("seed has a story"))
}

#[test]
fn seed_001_loses_its_furniture_and_keeps_its_date() {
    let Some(a) = seed("001_", "seed_001_loses_its_furniture_and_keeps_its_date") else {
        return;
    };
    for furniture in [
        "Arts & Culture",
        "Русский",
        "Follow US",
        "Related Articles",
        "Lorem ipsum",
        "to your account",
        "ADVERTISEMENT",
        "your password",
        "Facebook Like",
        "All Rights Reserved",
        "Only One Iranian Woman Permitted",
    ] {
        assert!(!a.body.contains(furniture), "001 keeps {furniture:?}");
    }
    assert!(a.body.starts_with("RASC News Agency: Zalmay Khalilzad"));
    assert!(a.body.contains("Taliban’s downfall"));
    assert!(a.title.starts_with("Khalilzad Expresses Concern"));
    let published = a.metadata.published.expect("001 has a date");
    assert_eq!(published.at.date_naive().to_string(), "2025-02-03");
    assert_eq!(published.precision.as_str(), "day");
    assert_eq!(published.source.as_str(), "text");
}

#[test]
fn seeds_003_and_004_lose_comment_forms_and_link_lists() {
    const TEST: &str = "seeds_003_and_004_lose_comment_forms_and_link_lists";
    let Some(a) = seed("004_", TEST) else {
        return;
    };
    for prefix in ["003_", "004_"] {
        let Some(a) = seed(prefix, TEST) else {
            return;
        };
        for furniture in [
            "Leave a",
            "Read more:",
            "not be published",
            "Click to comment",
            "Most Popular",
            "To Top",
        ] {
            assert!(!a.body.contains(furniture), "{prefix} keeps {furniture:?}");
        }
    }
    assert!(!a.body.contains("vows to continue struggle"));
    assert!(a.body.contains("Mottaki left for Iran on January 8"));
    assert!(a.body.contains("PESHAWAR: Taliban acting Foreign Minister"));
    assert_eq!(a.metadata.dateline.as_deref(), Some("PESHAWAR"));
    // The headline is printed twice above the story; the title is that line.
    let first_line = mediamon_testdata::seed("004_", TEST)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    assert_eq!(a.title, first_line);
}

#[test]
fn every_seed_keeps_a_story() {
    for prefix in ["000_", "001_", "002_", "003_", "004_"] {
        let Some(a) = seed(prefix, "every_seed_keeps_a_story") else {
            return;
        };
        assert!(
            a.body.split_whitespace().count() > 100,
            "{prefix} story too short"
        );
    }
}
