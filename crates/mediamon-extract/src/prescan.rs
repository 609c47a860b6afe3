//! One cheap pass over a page before the parser, for two reasons.
//!
//! Depth: html5ever's tree builder checks element scopes by walking the
//! stack of open elements, so a page that keeps thousands of block elements
//! open (`<div>` 100,000 times, 500 KB) takes time quadratic in its depth:
//! 22 seconds, measured. Real pages nest a few dozen deep (at most 49 on the
//! shared set), so pages that open more than a limit are refused.
//!
//! Code: scripts, styles, inline SVG and comments are about two thirds of a
//! modern page's bytes and none of its text. The pass copies the page
//! without them (JSON-LD scripts stay: they carry metadata), so the much
//! slower tokenizer never sees them.
//!
//! The pass follows tags only as far as that needs: quoted attribute values
//! are skipped, raw-text elements are skipped to their end tag, void
//! elements and elements whose end tag may be left out (`p`, `li`, `td`...)
//! are not counted, and an end tag closes the innermost open element of its
//! name and everything inside it.

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements whose end tag may be omitted: the parser closes them itself.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "td", "th", "tr", "dt", "dd", "option", "optgroup", "tbody", "thead", "tfoot",
    "colgroup", "rb", "rt", "rp", "rtc", "html", "head", "body",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "noscript",
    "template",
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// The page without its code, or `None` when it keeps more than `limit`
/// elements open at some point.
pub fn prescan(html: &str, limit: usize) -> Option<String> {
    let bytes = html.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut out = String::with_capacity(html.len() / 2);
    // Copied up to here.
    let mut copied = 0;
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let lt = at + offset;
        let start = lt + 1;
        at = start;
        if html[start..].starts_with("!--") {
            at = html[start..]
                .find("-->")
                .map_or(html.len(), |e| start + e + 3);
            out.push_str(&html[copied..lt]);
            copied = at;
            continue;
        }
        let closing = bytes.get(start) == Some(&b'/');
        let name_from = start + usize::from(closing);
        let name_len = bytes[name_from..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if name_len == 0 || !bytes[name_from].is_ascii_alphabetic() {
            continue;
        }
        let name = &html[name_from..name_from + name_len];
        let known = |list: &[&str]| list.iter().any(|t| t.eq_ignore_ascii_case(name));
        if closing {
            if let Some(i) = open.iter().rposition(|o| o.eq_ignore_ascii_case(name)) {
                open.truncate(i);
            }
            continue;
        }
        let tag_end = end_of_tag(html, name_from + name_len);
        at = tag_end;
        if known(RAW_TEXT) || name.eq_ignore_ascii_case("svg") {
            let close = tag_end + find_end_tag(&html[tag_end..], name);
            let after = html[close..]
                .find('>')
                .map_or(html.len(), |e| close + e + 1);
            let code = ["script", "style", "svg", "noscript", "template"]
                .iter()
                .any(|t| t.eq_ignore_ascii_case(name));
            let json_ld = html[name_from..tag_end].contains("ld+json");
            if code && !json_ld {
                out.push_str(&html[copied..lt]);
                copied = after;
            }
            at = after;
            continue;
        }
        if known(VOID) || known(OPTIONAL_END) {
            continue;
        }
        open.push(name);
        if open.len() > limit {
            return None;
        }
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// Offset just past the `>` that ends the tag whose attributes start at
/// `from`, skipping quoted values.
fn end_of_tag(html: &str, from: usize) -> usize {
    let mut quote: Option<u8> = None;
    for (i, &b) in html.as_bytes()[from..].iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return from + i + 1,
            _ => {}
        }
    }
    html.len()
}

/// Offset in `rest` just past `</name`, or its length.
fn find_end_tag(rest: &str, name: &str) -> usize {
    let bytes = rest.as_bytes();
    let mut at = 0;
    while let Some(offset) = rest[at..].find("</") {
        let from = at + offset + 2;
        let candidate = bytes.get(from..from + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            return from + name.len();
        }
        at = from;
    }
    rest.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deeper_than(html: &str, limit: usize) -> bool {
        prescan(html, limit).is_none()
    }

    #[test]
    fn real_nesting_passes_and_floods_do_not() {
        let page = "<html><body><div><ul><li>a<li>b</ul><p>x<p>y<div><br><img src=x></div></div>";
        assert!(!deeper_than(page, 3));
        assert!(deeper_than(&"<div>".repeat(11), 10));
        assert!(!deeper_than(&"<div></div>".repeat(1000), 10));
        // An end tag closes what is open inside its element.
        assert!(!deeper_than(&"<div><span><b></div>".repeat(1000), 10));
        // Tags inside scripts, comments and attribute values do not count.
        let script = format!(
            "<script>'{}'</script><!-- {} --><a title='{}'>x</a>",
            "<div>".repeat(50),
            "<div>".repeat(50),
            "<div>".repeat(50)
        );
        assert!(!deeper_than(&script, 10));
        assert!(!deeper_than(&"<p>".repeat(1000), 10));
        assert!(!deeper_than("<", 1));
        assert!(!deeper_than("<div", 1));
        assert!(deeper_than("<DIV><Section>", 1));
    }

    #[test]
    fn code_is_dropped_and_metadata_kept() {
        let page = "<head><script>var a = '<p>no</p>';</script><style>p{}</style>\
            <script type=\"application/ld+json\">{\"@type\": \"NewsArticle\"}</script></head>\
            <body><!-- note --><p title=\"a > b\">Story <svg><path d=x/></svg>text.</p>\
            <SCRIPT>x()</SCRIPT ><noscript><img src=x></noscript></body>";
        let out = prescan(page, 100).unwrap_or_default();
        assert_eq!(
            out,
            "<head><script type=\"application/ld+json\">{\"@type\": \"NewsArticle\"}</script></head>\
             <body><p title=\"a > b\">Story text.</p></body>"
        );
        // Unterminated code runs to the end of the page.
        assert_eq!(
            prescan("<p>a</p><script>if (a < b", 10).as_deref(),
            Some("<p>a</p>")
        );
    }
}
