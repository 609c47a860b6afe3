//! Real news laid out as plain text (issue 19, item 12): each ECB+ dev
//! document (read at run time from `../shared/data/ecbplus/dev`) as its first
//! sentence on a line (a headline, or for an `ecbplus` document the page's
//! address broken by spaces) and the rest as one paragraph. None may be
//! refused, and the story keeps the paragraph's words.

use std::{
    collections::HashSet,
    fs,
    path::{Path, PathBuf},
};

use mediamon_extract::Hints;

/// Sentences of an ECB+ document, tokens joined by spaces. The format is one
/// `<token t_id=".." sentence="N" number="..">word</token>` per line.
fn read_sentences(xml: &str) -> Vec<String> {
    let mut sentences: Vec<(u32, Vec<String>)> = Vec::new();
    for line in xml.lines() {
        let Some(rest) = line.trim().strip_prefix("<token t_id=") else {
            continue;
        };
        let Some(sentence) = rest
            .split("sentence=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Some(word) = rest
            .split_once('>')
            .and_then(|(_, w)| w.strip_suffix("</token>"))
        else {
            continue;
        };
        let word = word
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        match sentences.last_mut() {
            Some((n, words)) if *n == sentence => words.push(word),
            _ => sentences.push((sentence, vec![word])),
        }
    }
    sentences.into_iter().map(|(_, w)| w.join(" ")).collect()
}

fn documents(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("dev readable")
        .filter_map(Result::ok)
        .flat_map(|topic| fs::read_dir(topic.path()).into_iter().flatten())
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    files
}

#[test]
fn ecbplus_dev_as_plain_text_is_never_refused() {
    let Some(dir) = mediamon_testdata::shared(
        "data/ecbplus/dev",
        "ecbplus_dev_as_plain_text_is_never_refused",
    ) else {
        return;
    };
    let files = documents(&dir);
    assert!(files.len() > 100, "{} documents", files.len());
    let mut refused = Vec::new();
    let mut lossy = Vec::new();
    for path in &files {
        let xml = fs::read_to_string(path).expect("document is UTF-8");
        let sentences = read_sentences(&xml);
        let Some((first, rest)) = sentences.split_first() else {
            continue;
        };
        let paragraph = rest.join(" ");
        let text = format!("{first}\n{paragraph}\n");
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        match mediamon_extract::from_text(&text, &Hints::default()) {
            Err(e) => refused.push(format!("{name}: {e}")),
            Ok(article) => {
                let kept: HashSet<&str> = article.body.split_whitespace().collect();
                // The first line too, unless it is the title or the address.
                let story = if article.title == *first || first.starts_with("http") {
                    paragraph
                } else {
                    format!("{first} {paragraph}")
                };
                let words: Vec<&str> = story.split_whitespace().collect();
                let missing = words.iter().filter(|w| !kept.contains(*w)).count();
                // Nearly all: a stray word of furniture wording may go.
                if missing * 50 > words.len() {
                    lossy.push(format!("{name}: {missing} of {} words lost", words.len()));
                }
            }
        }
    }
    eprintln!(
        "ecbplus dev: {} documents, {} refused, {} lost words of their story",
        files.len(),
        refused.len(),
        lossy.len()
    );
    assert!(
        refused.is_empty() && lossy.is_empty(),
        "refused:\n{}\nlossy:\n{}",
        refused.join("\n"),
        lossy.join("\n")
    );
}
