//! `mediamon extract FILE`: what ingest keeps of a page or a text rendering,
//! the story and its metadata, before anything is sent.

use std::io::Read as _;
use std::path::Path;

use anyhow::Context;
use mediamon_extract::{Article, Hints};

pub struct Options<'a> {
    pub file: &'a Path,
    pub json: bool,
    pub url: Option<&'a str>,
    pub content_type: Option<&'a str>,
}

pub fn run(o: Options) -> anyhow::Result<()> {
    let bytes = if o.file == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        bytes
    } else {
        std::fs::read(o.file).with_context(|| format!("reading {}", o.file.display()))?
    };
    let hints = Hints {
        content_type: o.content_type,
        url: o.url,
        feed_date: None,
    };
    let is_html = o.content_type.map_or_else(
        || mediamon_extract::looks_like_html(&bytes),
        |ct| ct.contains("html"),
    );
    let article = if is_html {
        mediamon_extract::from_html(&bytes, &hints)
    } else {
        mediamon_extract::decode_text(&bytes).and_then(|t| mediamon_extract::from_text(&t, &hints))
    }
    .with_context(|| format!("{}: nothing to keep", o.file.display()))?;
    let text = if o.json {
        serde_json::to_string_pretty(&as_json(&article, is_html))? + "\n"
    } else {
        as_text(&article)
    };
    crate::output::emit(&text)
}

fn as_json(a: &Article, is_html: bool) -> serde_json::Value {
    let m = &a.metadata;
    serde_json::json!({
        "input": if is_html { "html" } else { "text" },
        "title": a.title,
        "canonical_url": m.canonical_url,
        "site_name": m.site_name,
        "authors": m.authors,
        "language": m.language,
        "published": m.published.as_ref().map(|p| serde_json::json!({
            "at": p.at.to_rfc3339(),
            "precision": p.precision.as_str(),
            "source": p.source.as_str(),
            "resolved_by": p.resolved_by,
        })),
        "dateline": m.dateline,
        "body": a.body,
    })
}

fn as_text(a: &Article) -> String {
    let m = &a.metadata;
    let or_dash = |v: Option<&str>| v.unwrap_or("-").to_string();
    let published = m.published.as_ref().map_or("-".to_string(), |p| {
        let at = match p.precision {
            mediamon_extract::Precision::Time => p.at.to_rfc3339(),
            mediamon_extract::Precision::Day => p.at.format("%Y-%m-%d").to_string(),
            mediamon_extract::Precision::Month => p.at.format("%Y-%m").to_string(),
            mediamon_extract::Precision::Year => p.at.format("%Y").to_string(),
        };
        let why = p
            .resolved_by
            .map_or(String::new(), |r| format!("; day and month order: {r}"));
        format!(
            "{at} ({} precision, from {}{why})",
            p.precision.as_str(),
            p.source.as_str()
        )
    });
    let mut out = String::new();
    for (label, value) in [
        ("title", a.title.clone()),
        ("url", or_dash(m.canonical_url.as_deref())),
        ("outlet", or_dash(m.site_name.as_deref())),
        (
            "authors",
            if m.authors.is_empty() {
                "-".into()
            } else {
                m.authors.join(", ")
            },
        ),
        ("language", or_dash(m.language.as_deref())),
        ("published", published),
        ("dateline", or_dash(m.dateline.as_deref())),
    ] {
        out += &format!("{label:<10} {value}\n");
    }
    out += "\n";
    out += &a.body;
    out += "\n";
    out
}
