//! Labeled data in the CoNLL-2003 column layout (token first, entity tag
//! last, IOB1 or IOB2, `-DOCSTART-` between documents) and the WikiANN layout
//! (`en:token<TAB>tag`, no documents), and exact-span scoring.

use std::collections::BTreeMap;
use std::path::Path;

use crate::Error;
use crate::tags::{EntityType, Span};

/// A labeled sentence.
#[derive(Debug, Clone, Default)]
pub struct Sentence {
    pub tokens: Vec<String>,
    pub spans: Vec<Span>,
}

/// Sentences that belong together (one news story; for WikiANN, one
/// sentence).
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub sentences: Vec<Sentence>,
}

/// Reads a labeled file.
pub fn read(path: &Path) -> Result<Vec<Document>, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Error::Io(path.display().to_string(), e))?;
    parse(&text).map_err(|(line, msg)| Error::Format(format!("{}:{line}: {msg}", path.display())))
}

/// A WikiANN-style language prefix ("en:") on every token.
fn language_prefix(text: &str) -> Option<String> {
    let firsts: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|t| *t != "-DOCSTART-")
        .take(50)
        .collect();
    let first = firsts.first()?;
    let (lang, _) = first.split_once(':')?;
    let prefix = format!("{lang}:");
    (lang.len() <= 3
        && lang.chars().all(|c| c.is_ascii_lowercase())
        && firsts.iter().all(|t| t.starts_with(&prefix)))
    .then_some(prefix)
}

/// Parses labeled text; an error names the line.
pub fn parse(text: &str) -> Result<Vec<Document>, (usize, String)> {
    let prefix = language_prefix(text);
    let has_docs = text.lines().any(|l| l.starts_with("-DOCSTART-"));
    let mut docs: Vec<Document> = Vec::new();
    let mut doc = Document::default();
    let mut sentence = Sentence::default();
    // The type of the span the previous token is in, and where it started.
    let mut open: Option<(EntityType, usize)> = None;
    let close = |sentence: &mut Sentence, open: &mut Option<(EntityType, usize)>, end: usize| {
        if let Some((kind, start)) = open.take() {
            sentence.spans.push(Span { start, end, kind });
        }
    };
    let end_sentence = |doc: &mut Document,
                        docs: &mut Vec<Document>,
                        sentence: &mut Sentence,
                        open: &mut Option<(EntityType, usize)>| {
        close(sentence, open, sentence.tokens.len());
        if !sentence.tokens.is_empty() {
            doc.sentences.push(std::mem::take(sentence));
            if !has_docs {
                docs.push(std::mem::take(doc));
            }
        }
    };
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim_end();
        if line.starts_with("-DOCSTART-") {
            end_sentence(&mut doc, &mut docs, &mut sentence, &mut open);
            if !doc.sentences.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            continue;
        }
        if line.trim().is_empty() {
            end_sentence(&mut doc, &mut docs, &mut sentence, &mut open);
            continue;
        }
        let fields: Vec<&str> = line.split(['\t', ' ']).filter(|f| !f.is_empty()).collect();
        let (Some(token), Some(tag)) = (fields.first(), fields.last()) else {
            return Err((line_no, "empty line content".into()));
        };
        if fields.len() < 2 {
            return Err((
                line_no,
                format!("expected a token and a tag, found {line:?}"),
            ));
        }
        let token = match &prefix {
            Some(p) => token.strip_prefix(p.as_str()).unwrap_or(token),
            None => token,
        };
        let i = sentence.tokens.len();
        sentence.tokens.push(token.to_string());
        if *tag == "O" {
            close(&mut sentence, &mut open, i);
            continue;
        }
        let (bio, code) = tag
            .split_once('-')
            .ok_or_else(|| (line_no, format!("tag {tag:?} is neither O nor B-/I-TYPE")))?;
        let kind = EntityType::from_code(code)
            .ok_or_else(|| (line_no, format!("unknown entity type {code:?}")))?;
        // IOB2 starts every name with B-; IOB1 only one that follows a name
        // of its type. An I- after another type or O starts a name in both.
        let continues = match bio {
            "I" => open.is_some_and(|(k, _)| k == kind),
            "B" => false,
            _ => return Err((line_no, format!("tag {tag:?} is neither O nor B-/I-TYPE"))),
        };
        if !continues {
            close(&mut sentence, &mut open, i);
            open = Some((kind, i));
        }
    }
    end_sentence(&mut doc, &mut docs, &mut sentence, &mut open);
    if !doc.sentences.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

/// Exact-span counts per type.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// (true positives, false positives, false negatives) per type.
    pub by_type: BTreeMap<EntityType, (usize, usize, usize)>,
}

/// Precision, recall and F1 of counts.
pub fn prf(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let (p, r) = (ratio(tp, tp + fp), ratio(tp, tp + fn_));
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

impl Score {
    /// Adds one sentence's gold and predicted spans.
    pub fn add(&mut self, gold: &[Span], predicted: &[Span]) {
        for kind in EntityType::ALL {
            let g: Vec<&Span> = gold.iter().filter(|s| s.kind == kind).collect();
            let p: Vec<&Span> = predicted.iter().filter(|s| s.kind == kind).collect();
            let tp = p.iter().filter(|s| g.contains(s)).count();
            let e = self.by_type.entry(kind).or_default();
            e.0 += tp;
            e.1 += p.len() - tp;
            e.2 += g.len() - tp;
        }
    }

    /// Micro-averaged counts over all types.
    pub fn overall(&self) -> (usize, usize, usize) {
        self.by_type
            .values()
            .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iob1_and_iob2_give_the_same_spans() {
        let iob2 = "-DOCSTART- -X- -X- O\n\nAmir NNP B-NP B-PER\nKhan NNP I-NP I-PER\nmet VBD B-VP O\nNRF NNP B-NP B-ORG\nIran NNP B-NP B-LOC\n\n";
        let iob1 = "-DOCSTART- -X- -X- O\n\nAmir NNP B-NP I-PER\nKhan NNP I-NP I-PER\nmet VBD B-VP O\nNRF NNP B-NP I-ORG\nIran NNP B-NP I-LOC\n\n";
        let (a, b) = (parse(iob2).expect("iob2"), parse(iob1).expect("iob1"));
        assert_eq!(a[0].sentences[0].spans, b[0].sentences[0].spans);
        assert_eq!(a[0].sentences[0].spans.len(), 3);
    }

    #[test]
    fn wikiann_layout() {
        let docs = parse("en:Ahmad\tB-PER\nen:Massoud\tI-PER\nen:spoke\tO\n\nen:Kabul\tB-LOC\n")
            .expect("wikiann");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences[0].tokens, ["Ahmad", "Massoud", "spoke"]);
        assert_eq!(docs[1].sentences[0].spans[0].kind, EntityType::Loc);
    }

    #[test]
    fn bad_tags_name_their_line() {
        assert_eq!(parse("Kabul X-LOC\n").expect_err("bad tag").0, 1);
        assert!(parse("Kabul B-CITY\n").is_err());
    }
}
