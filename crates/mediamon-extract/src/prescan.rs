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

/// Elements dropped with their content: code, never text.
const CODE: &[&str] = &["script", "style", "svg", "noscript", "template"];

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

/// What the pass does with an element.
#[derive(PartialEq)]
enum Kind {
    /// Dropped with its content (scripts, styles, SVG...).
    Code,
    /// Raw text kept as written, skipped to its end tag.
    RawText,
    /// Not counted as open (void, or its end tag may be left out).
    Uncounted,
    Other,
}

fn kind(name: &str) -> Kind {
    let mut buf = [0u8; 12];
    let Some(lower) = buf.get_mut(..name.len()) else {
        return Kind::Other;
    };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    let lower: &str = std::str::from_utf8(lower).unwrap_or_default();
    if CODE.contains(&lower) {
        Kind::Code
    } else if RAW_TEXT.contains(&lower) {
        Kind::RawText
    } else if VOID.contains(&lower) || OPTIONAL_END.contains(&lower) {
        Kind::Uncounted
    } else {
        Kind::Other
    }
}

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
            at =
                memchr::memmem::find(&bytes[start..], b"-->").map_or(html.len(), |e| start + e + 3);
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
        if closing {
            if let Some(i) = open.iter().rposition(|o| o.eq_ignore_ascii_case(name)) {
                open.truncate(i);
            }
            continue;
        }
        let tag_end = end_of_tag(html, name_from + name_len);
        at = tag_end;
        let kind = kind(name);
        if kind == Kind::Code || kind == Kind::RawText {
            let close = tag_end + find_end_tag(&html[tag_end..], name);
            let after = html[close..]
                .find('>')
                .map_or(html.len(), |e| close + e + 1);
            let json_ld = html[name_from..tag_end].contains("ld+json");
            if kind == Kind::Code && !json_ld {
                out.push_str(&html[copied..lt]);
                copied = after;
            }
            at = after;
            continue;
        }
        if html.as_bytes()[tag_end - 1] == b'>' && tag_end > name_from + name_len + 1 {
            out.push_str(&html[copied..name_from + name_len]);
            keep_attributes(&html[name_from + name_len..tag_end], &mut out);
            copied = tag_end;
        }
        if kind == Kind::Uncounted {
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

/// Attributes the extractor reads. The parser never sees the others
/// (srcset, data-*, analytics payloads, event handlers): a sixth of a
/// page's bytes once its code is gone, each attribute a name to intern.
const KEPT_ATTRIBUTES: &[&str] = &[
    "class",
    "id",
    "hidden",
    "aria-hidden",
    "style",
    "lang",
    "property",
    "name",
    "itemprop",
    "content",
    "rel",
    "href",
    "datetime",
    "pubdate",
    "type",
];

/// Copies a start tag's attributes that the extractor reads. `attrs` runs
/// from after the tag name to its closing `>`; values are read as the
/// tokenizer reads them (quoted after `=`, else up to a space or `>`).
fn keep_attributes(attrs: &str, out: &mut String) {
    let b = attrs.as_bytes();
    let end = b.len() - 1;
    let mut i = 0;
    // A `/` outside any value just before `>` marks a self-closing tag
    // (one inside an unquoted value belongs to the value).
    let mut self_closing = false;
    loop {
        while i < end && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            self_closing = b[i] == b'/';
            i += 1;
        }
        if i >= end {
            break;
        }
        self_closing = false;
        let from = i;
        while i < end && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let name = &attrs[from..i];
        let mut j = i;
        while j < end && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < end && b[j] == b'=' {
            j += 1;
            while j < end && b[j].is_ascii_whitespace() {
                j += 1;
            }
            i = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) if j < end => b[j + 1..end]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(end, |p| j + 1 + p + 1),
                _ => {
                    j + b[j..end]
                        .iter()
                        .take_while(|c| !c.is_ascii_whitespace())
                        .count()
                }
            };
        }
        if KEPT_ATTRIBUTES.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            out.push(' ');
            out.push_str(&attrs[from..i]);
        }
    }
    if self_closing {
        out.push('/');
    }
    out.push('>');
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
    let finder = memchr::memmem::Finder::new("</");
    while let Some(offset) = finder.find(&bytes[at..]) {
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
    fn only_the_attributes_the_extractor_reads_are_kept() {
        let page = "<div data-src=\"a.jpg\" class='story body' onclick=go() \
            srcset=\"x 1x, y 2x\" ID=main><a HREF=/next data-x = 'q > r' rel=author>n</a>\
            <img src=x alt=y/><meta property=og:title content=\"T\" /><br></div>";
        assert_eq!(
            prescan(page, 10).as_deref(),
            Some(
                "<div class='story body' ID=main><a HREF=/next rel=author>n</a>\
                 <img><meta property=og:title content=\"T\"/><br></div>"
            )
        );
        // A slash ending an unquoted value is part of the value.
        assert_eq!(
            prescan("<a href=/x/ data-y=1>a</a><br/>", 10).as_deref(),
            Some("<a href=/x/>a</a><br/>")
        );
        assert_eq!(
            prescan("<a data-y=1 href=/x/>a</a>", 10).as_deref(),
            Some("<a href=/x/>a</a>")
        );
        // A tag cut off by the end of the page is left as it is.
        assert_eq!(
            prescan("<p>a<div class=x data-y=z", 10).as_deref(),
            Some("<p>a<div class=x data-y=z")
        );
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
             <body><p>Story text.</p></body>"
        );
        // Unterminated code runs to the end of the page.
        assert_eq!(
            prescan("<p>a</p><script>if (a < b", 10).as_deref(),
            Some("<p>a</p>")
        );
    }
}
