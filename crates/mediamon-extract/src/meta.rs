//! The metadata an analyst filters on, from what the page's markup declares
//! (Open Graph and other `<meta>` tags, JSON-LD, `<time>`, `rel=author`),
//! and from the story text where the markup is silent.

use serde_json::Value;

use crate::date::{self, DateSource, Evidence, Published};
use crate::html::{Markup, Page};

/// Title, authors and dates from the page's JSON-LD article object.
#[derive(Debug, Default)]
struct JsonLd {
    headline: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    publisher: Option<String>,
    language: Option<String>,
    url: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNews",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "BlogPosting",
    "Report",
    "LiveBlogPosting",
    "ScholarlyArticle",
];

fn json_ld(scripts: &[String]) -> JsonLd {
    let mut found = JsonLd::default();
    for script in scripts {
        let Ok(value) = serde_json::from_str::<Value>(script.trim()) else {
            continue;
        };
        let mut queue = vec![&value];
        while let Some(v) = queue.pop() {
            match v {
                Value::Array(items) => queue.extend(items.iter().rev()),
                Value::Object(map) => {
                    if let Some(graph) = map.get("@graph") {
                        queue.push(graph);
                    }
                    let is_article = match map.get("@type") {
                        Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
                        Some(Value::Array(ts)) => ts
                            .iter()
                            .any(|t| t.as_str().is_some_and(|t| ARTICLE_TYPES.contains(&t))),
                        _ => false,
                    };
                    if is_article && found.headline.is_none() && found.published.is_none() {
                        found.headline = str_of(map.get("headline"));
                        found.published = str_of(map.get("datePublished"));
                        found.authors = names(map.get("author"));
                        found.publisher = map.get("publisher").and_then(|p| str_of(p.get("name")));
                        found.language = str_of(map.get("inLanguage"));
                        found.url = str_of(map.get("url"));
                    }
                }
                _ => {}
            }
        }
    }
    found
}

fn str_of(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => split_authors(s),
        Some(Value::Object(o)) => str_of(o.get("name"))
            .map(|n| split_authors(&n))
            .unwrap_or_default(),
        Some(Value::Array(items)) => items.iter().flat_map(|i| names(Some(i))).collect(),
        _ => Vec::new(),
    }
}

/// "A and B", "A, B" are two authors; a URL is not an author.
fn split_authors(s: &str) -> Vec<String> {
    if s.contains("://") {
        return Vec::new();
    }
    let s = s.trim();
    let s = s
        .strip_prefix("By ")
        .or_else(|| s.strip_prefix("by "))
        .unwrap_or(s);
    s.split([',', ';', '&'])
        .flat_map(|p| p.split(" and "))
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty() && p.chars().count() <= 100)
        .collect()
}

/// The page's metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub canonical_url: Option<String>,
    pub site_name: Option<String>,
    pub authors: Vec<String>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    pub published: Option<Published>,
    /// The place of the story's dateline ("PESHAWAR").
    pub dateline: Option<String>,
}

fn meta<'a>(markup: &'a Markup, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| {
        markup
            .metas
            .iter()
            .find(|(name, value)| name == k && !value.is_empty())
            .map(|(_, v)| v.as_str())
    })
}

/// Title and metadata of an HTML page whose story is `body`.
pub fn of_html(page: &Page, body: &str, hints: &crate::Hints) -> (Option<String>, Metadata) {
    let markup = &page.markup;
    let ld = json_ld(&markup.json_ld);
    let site_name = meta(markup, &["og:site_name", "application-name"])
        .map(str::to_string)
        .or(ld.publisher.clone());
    let title = meta(markup, &["og:title", "twitter:title"])
        .map(str::to_string)
        .or(ld.headline.clone())
        .or(markup.h1.clone())
        .or(markup.title_tag.clone())
        .map(|t| strip_site(&t, site_name.as_deref()));
    let canonical_url = markup
        .canonical
        .clone()
        .or(meta(markup, &["og:url"]).map(str::to_string))
        .or(ld.url.clone())
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .or(hints.url.map(str::to_string));
    let mut authors: Vec<String> = ld.authors.clone();
    if authors.is_empty() {
        authors = meta(
            markup,
            &[
                "author",
                "article:author",
                "byl",
                "dc.creator",
                "sailthru.author",
            ],
        )
        .map(split_authors)
        .unwrap_or_default();
    }
    if authors.is_empty() {
        authors = markup
            .rel_authors
            .iter()
            .flat_map(|a| split_authors(a))
            .collect();
    }
    if authors.is_empty() {
        authors = page
            .above
            .lines()
            .chain(body.lines().take(1))
            .find_map(byline)
            .unwrap_or_default();
    }
    authors.dedup();
    let evidence = Evidence::from_text(body, hints.feed_date);
    let published = meta(
        markup,
        &[
            "article:published_time",
            "og:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "publish-date",
            "dc.date.issued",
            "dc.date",
            "date",
            "sailthru.date",
            "parsely-pub-date",
        ],
    )
    .and_then(|s| date::parse_stamp(s, DateSource::Meta))
    .or_else(|| {
        ld.published
            .as_deref()
            .and_then(|s| date::parse_stamp(s, DateSource::JsonLd))
    })
    .or_else(|| {
        markup
            .times
            .iter()
            .find_map(|s| date::parse_stamp(s, DateSource::TimeElement))
    })
    .or_else(|| date::find_in_text(&page.above, &evidence))
    .or_else(|| date::find_in_text(&body.chars().take(600).collect::<String>(), &evidence))
    .or_else(|| date::find_in_text(&page.below.chars().take(300).collect::<String>(), &evidence));
    let declared = markup
        .lang
        .as_deref()
        .or(ld.language.as_deref())
        .or(meta(markup, &["og:locale", "content-language", "language"]));
    let metadata = Metadata {
        canonical_url,
        site_name,
        authors,
        language: language(body, declared),
        published,
        dateline: date::dateline_of(body),
    };
    (title.filter(|t| !t.is_empty()), metadata)
}

/// A byline ("By Asad Yousafzai"): its authors.
fn byline(line: &str) -> Option<Vec<String>> {
    let rest = line.trim().strip_prefix("By ")?;
    let words = rest.split_whitespace().count();
    let named = rest
        .split_whitespace()
        .all(|w| w.starts_with(char::is_uppercase) || matches!(w, "and" | "&" | "in"));
    (words > 0 && words <= 8 && named).then(|| split_authors(rest))
}

/// "Talks resume | Daily Courier" is "Talks resume" on the Daily Courier;
/// "Daily Courier :: Talks resume" too.
fn strip_site(title: &str, site: Option<&str>) -> String {
    let title = title.trim();
    let is_site = |part: &str, rest: &str| {
        site.is_some_and(|s| part.trim().eq_ignore_ascii_case(s.trim()))
            || (part.split_whitespace().count() <= 3 && rest.split_whitespace().count() >= 3)
    };
    for sep in [" | ", " - ", " — ", " – ", " :: ", " · "] {
        if let Some((head, tail)) = title.rsplit_once(sep)
            && is_site(tail, head)
        {
            return head.trim().to_string();
        }
    }
    for sep in [" | ", " :: ", " » "] {
        if let Some((head, tail)) = title.split_once(sep)
            && is_site(head, tail)
        {
            return tail.trim().to_string();
        }
    }
    title.to_string()
}

/// The story's language: identified from the text when that is reliable,
/// else what the page declares.
pub fn language(body: &str, declared: Option<&str>) -> Option<String> {
    // Five hundred characters (eighty-odd words) mostly identify a
    // language reliably, and identification was a tenth of extracting a
    // page when it always read a thousand; a longer sample is read only
    // when the short one is not conclusive.
    for chars in [500, 2000] {
        let end = body
            .char_indices()
            .nth(chars)
            .map_or(body.len(), |(i, _)| i);
        if let Some(info) = whatlang::detect(&body[..end]).filter(whatlang::Info::is_reliable)
            && let Some(code) = iso639_1(info.lang().code())
        {
            return Some(code.to_string());
        }
        if end == body.len() {
            break;
        }
    }
    let declared = declared?.split(['-', '_']).next()?.to_ascii_lowercase();
    (declared.len() == 2 && declared.chars().all(|c| c.is_ascii_alphabetic())).then_some(declared)
}

/// ISO 639-3 (whatlang's codes) to ISO 639-1.
fn iso639_1(code: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cmn", "zh"),
        ("cym", "cy"),
        ("dan", "da"),
        ("deu", "de"),
        ("ell", "el"),
        ("eng", "en"),
        ("epo", "eo"),
        ("est", "et"),
        ("fin", "fi"),
        ("fra", "fr"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("ind", "id"),
        ("ita", "it"),
        ("jav", "jv"),
        ("jpn", "ja"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("khm", "km"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mya", "my"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("nob", "nb"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pes", "fa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("spa", "es"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tgl", "tl"),
        ("tha", "th"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("vie", "vi"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    TABLE
        .iter()
        .find(|(three, _)| *three == code)
        .map(|(_, two)| *two)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_article_in_a_graph() {
        let ld = json_ld(&[r#"{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},
            {"@type":["NewsArticle"],"headline":"Talks resume","datePublished":"2025-02-03T08:00:00Z",
             "author":[{"@type":"Person","name":"Amina Rahimi"},{"@type":"Person","name":"Omar Said"}],
             "publisher":{"@type":"Organization","name":"Daily Courier"}}]}"#.to_string()]);
        assert_eq!(ld.headline.as_deref(), Some("Talks resume"));
        assert_eq!(ld.authors, ["Amina Rahimi", "Omar Said"]);
        assert_eq!(ld.publisher.as_deref(), Some("Daily Courier"));
        assert_eq!(json_ld(&["{not json".to_string()]).headline, None);
    }

    #[test]
    fn authors_and_titles() {
        assert_eq!(
            split_authors("By Amina Rahimi and Omar Said"),
            ["Amina Rahimi", "Omar Said"]
        );
        assert!(split_authors("https://example.org/staff/1").is_empty());
        assert_eq!(
            strip_site("Talks resume in Doha | Daily Courier", None),
            "Talks resume in Doha"
        );
        assert_eq!(
            strip_site("Talks resume - Courier", Some("Courier")),
            "Talks resume"
        );
        assert_eq!(
            strip_site("Pak-Afghan talks - a new round", None),
            "Pak-Afghan talks - a new round"
        );
    }

    #[test]
    fn language_detected_or_declared() {
        let fr = "Le ministre des affaires étrangères a rencontré les représentants du conseil \
                  à Istanbul, selon des sources proches des discussions.";
        assert_eq!(language(fr, Some("en-US")).as_deref(), Some("fr"));
        assert_eq!(language("ok", Some("ps-AF")).as_deref(), Some("ps"));
        assert_eq!(language("ok", None), None);
    }
}
