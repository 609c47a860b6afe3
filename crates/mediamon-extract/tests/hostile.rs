//! Hostile and random input: extraction never panics, and its time stays
//! linear (deep nesting, unclosed tags, huge attributes, stray bytes).

use std::time::{Duration, Instant};

use mediamon_extract::Hints;
use proptest::prelude::*;

/// Fragments that parsers find awkward, glued at random.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=\"content share\">".to_string()),
        Just("</div>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("<script>var a = '</div>';".to_string()),
        Just("</script>".to_string()),
        Just("<!-- ".to_string()),
        Just("<meta charset=\"windows-1256\">".to_string()),
        Just("<meta property=\"article:published_time\" content=\"2025-13-45T99:99\">".to_string()),
        Just("<script type=\"application/ld+json\">{\"@graph\": [[[{\"author\": ".to_string()),
        Just("<time datetime=\"yesterday\">".to_string()),
        Just("Published 31/02/2025 ".to_string()),
        Just("PESHAWAR: ".to_string()),
        Just("&amp;&#x110000;&#0;&bogus; ".to_string()),
        Just("<a href=/x>Read more</a>".to_string()),
        Just("\u{feff}\u{202e}\u{fffd}".to_string()),
        "[a-zA-Z ,.]{0,80}".prop_map(|s| s),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn html_never_panics(parts in prop::collection::vec(fragment(), 0..60)) {
        let page = parts.concat();
        let _ = mediamon_extract::from_html(page.as_bytes(), &Hints::default());
    }

    #[test]
    fn raw_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = mediamon_extract::from_html(&bytes, &Hints { content_type: Some("text/html; charset=shift_jis"), ..Hints::default() });
        if let Ok(text) = mediamon_extract::decode_text(&bytes) {
            let _ = mediamon_extract::from_text(&text, &Hints::default());
        }
    }

    #[test]
    fn text_never_panics(parts in prop::collection::vec(fragment(), 0..60)) {
        let text = parts.join("\n");
        let _ = mediamon_extract::from_text(&text, &Hints::default());
    }
}

/// A page of `n` copies of `unit`, and how long extracting it takes.
fn time_of(unit: &str, n: usize) -> Duration {
    let page = unit.repeat(n);
    let started = Instant::now();
    let _ = mediamon_extract::from_html(page.as_bytes(), &Hints::default());
    started.elapsed()
}

#[test]
fn time_grows_linearly_on_pathological_pages() {
    let sentence = "The council met on Monday, officials said, and agreed to talk again. ";
    for unit in [
        // Nested containers, each closed.
        format!("<div class=\"content\"><section><p>{sentence}</p></section></div>"),
        // Thousands of siblings under one parent.
        format!("<p>{sentence}</p>"),
        // Links everywhere.
        format!("<li><a href=/x>{sentence}</a></li>"),
        // Unclosed table cells.
        format!("<td>{sentence}"),
    ] {
        let small = time_of(&unit, 2_000);
        let large = time_of(&unit, 8_000);
        // Four times the input may take at most ~4x the time; allow slack
        // for noise, but a quadratic walk would take 16x.
        assert!(
            large < small * 10 + Duration::from_millis(50),
            "{unit:?}: 2000 units {small:?}, 8000 units {large:?}"
        );
    }
}

#[test]
fn floods_of_open_elements_are_refused_before_parsing() {
    // html5ever takes seconds on this (quadratic in depth); refused at once.
    let flood = "<section>".repeat(200_000);
    let started = Instant::now();
    let result = mediamon_extract::from_html(flood.as_bytes(), &Hints::default());
    assert_eq!(
        result.err(),
        Some(mediamon_extract::ExtractError::TooDeep(
            mediamon_extract::MAX_DEPTH
        ))
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // Nesting just under the limit still gives the story.
    let depth = mediamon_extract::MAX_DEPTH - 10;
    let page = format!(
        "{}<p>The council met on Monday, officials said, and agreed to talk again soon.</p>",
        "<div>".repeat(depth)
    );
    let article = mediamon_extract::from_html(page.as_bytes(), &Hints::default());
    assert!(article.is_ok_and(|a| a.body.contains("council met")));
}
