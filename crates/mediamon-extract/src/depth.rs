//! A guard in front of the parser. html5ever's tree builder checks element
//! scopes by walking the stack of open elements, so a page that keeps
//! thousands of block elements open (`<div>` 100,000 times, 500 KB) takes
//! time quadratic in its depth: 22 seconds, measured. Real pages nest a few
//! dozen deep (at most 49 on the shared set), so pages that open more than
//! a limit are refused before they are parsed.
//!
//! The scan follows start and end tags only as far as nesting goes: raw-text
//! elements and comments are skipped, void elements and elements whose end
//! tag may be left out (`p`, `li`, `td`...) are not counted, and an end tag
//! closes the innermost open element of its name and everything inside it.

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

/// Whether the page keeps more than `limit` elements open at some point.
pub fn deeper_than(html: &str, limit: usize) -> bool {
    let bytes = html.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset + 1;
        at = start;
        if html[start..].starts_with("!--") {
            at = html[start..]
                .find("-->")
                .map_or(html.len(), |e| start + e + 3);
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
        if known(RAW_TEXT) {
            // Skip to the matching end tag (ASCII case-insensitive).
            let rest = &html[name_from..];
            let end = find_end_tag(rest, name);
            at = name_from + end;
            continue;
        }
        if known(VOID) || known(OPTIONAL_END) {
            continue;
        }
        open.push(name);
        if open.len() > limit {
            return true;
        }
    }
    false
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

    #[test]
    fn real_nesting_passes_and_floods_do_not() {
        let page = "<html><body><div><ul><li>a<li>b</ul><p>x<p>y<div><br><img src=x></div></div>";
        assert!(!deeper_than(page, 3));
        assert!(deeper_than(&"<div>".repeat(11), 10));
        assert!(!deeper_than(&"<div></div>".repeat(1000), 10));
        // An end tag closes what is open inside its element.
        assert!(!deeper_than(&"<div><span><b></div>".repeat(1000), 10));
        // Tags inside scripts and comments do not count.
        let script = format!(
            "<script>'{}'</script><!-- {} -->",
            "<div>".repeat(50),
            "<div>".repeat(50)
        );
        assert!(!deeper_than(&script, 10));
        assert!(!deeper_than(&"<p>".repeat(1000), 10));
        assert!(!deeper_than("<", 1));
        assert!(!deeper_than("<div", 1));
        assert!(deeper_than("<DIV><Section>", 1));
    }
}
