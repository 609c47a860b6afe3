//! `mediamon extract` as a user runs it: a page, a text rendering, stdin, and
//! clear errors for what holds no story.

use std::io::Write as _;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_mediamon");

fn fixture(rel: &str) -> String {
    format!(
        "{}/../../tests/data/extract/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn extract(args: &[&str], stdin: &[u8]) -> (bool, String, String) {
    let mut child = Command::new(BIN)
        .arg("extract")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write");
    let out = child.wait_with_output().expect("waits");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_page_gives_its_story_and_metadata_as_json() {
    let (ok, out, err) = extract(&[&fixture("html/jsonld_two_authors.html"), "--json"], b"");
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["input"], "html");
    assert_eq!(
        v["authors"],
        serde_json::json!(["Mariam Sadat", "Hamid Shinwari"])
    );
    assert_eq!(v["site_name"], "Regional Desk");
    assert_eq!(v["published"]["source"], "json-ld");
    assert!(!v["body"].as_str().expect("body").contains("newsletter"));
}

#[test]
fn a_text_rendering_from_stdin_prints_a_readable_report() {
    let text = std::fs::read(fixture("text/furniture_full.txt")).expect("fixture");
    let (ok, out, err) = extract(&["-"], &text);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("title      Taliban name new Badakhshan governor after poppy clashes\n"),
        "{out}"
    );
    assert!(
        out.contains("published  2025-01-15 (day precision, from text"),
        "{out}"
    );
    assert!(!out.contains("Lorem ipsum"), "{out}");
}

#[test]
fn what_holds_no_story_is_an_error_naming_the_file() {
    let (ok, _, err) = extract(&["-"], b"\x00\x01\x02binary\x00");
    assert!(!ok);
    assert!(
        err.contains("-: nothing to keep") && err.contains("binary"),
        "{err}"
    );
    let (ok, _, err) = extract(
        &["-", "--content-type", "text/html"],
        b"<html><body><nav>Home</nav></body></html>",
    );
    assert!(!ok);
    assert!(err.contains("no story text"), "{err}");
    let (ok, _, err) = extract(&["/no/such/file.html"], b"");
    assert!(!ok);
    assert!(err.contains("/no/such/file.html"), "{err}");
}
