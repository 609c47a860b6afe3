//! Bytes to text: the page's charset from its byte-order mark, the HTTP
//! header, a `<meta>` declaration, or (when nothing declares one) a guess
//! from the bytes themselves.

use encoding_rs::{Encoding, UTF_8};

use crate::ExtractError;

/// How far into a page a `<meta charset>` declaration is looked for. The
/// HTML standard says 1024 bytes; real pages put long `<head>`s first.
const PRESCAN: usize = 8 * 1024;

/// Decodes an HTML page. `content_type` is the HTTP header, when known.
pub fn decode_html(
    bytes: &[u8],
    content_type: Option<&str>,
    url: Option<&str>,
) -> Result<String, ExtractError> {
    let encoding = Encoding::for_bom(bytes)
        .map(|(enc, _)| enc)
        .or_else(|| content_type.and_then(charset_of_header))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(PRESCAN)]))
        .unwrap_or_else(|| sniff(bytes, url));
    decode_with(bytes, encoding)
}

/// Decodes a text rendering: UTF-8 (or a BOM's encoding), else a guess.
pub fn decode_text(bytes: &[u8]) -> Result<String, ExtractError> {
    let encoding = Encoding::for_bom(bytes)
        .map(|(enc, _)| enc)
        .unwrap_or_else(|| sniff(bytes, None));
    decode_with(bytes, encoding)
}

fn decode_with(bytes: &[u8], encoding: &'static Encoding) -> Result<String, ExtractError> {
    if looks_binary(bytes) {
        return Err(ExtractError::Binary);
    }
    let (text, used, had_errors) = encoding.decode(bytes);
    if had_errors {
        // A page that mis-declares its charset is common; one that is wrong
        // in many places is not text we can read.
        let bad = text.chars().filter(|&c| c == '\u{fffd}').count();
        if bad * 50 > text.chars().count().max(1) {
            return Err(ExtractError::Undecodable(used.name()));
        }
    }
    Ok(text.into_owned())
}

/// NUL bytes do not occur in text in any ASCII-compatible charset; UTF-16
/// pages announce themselves with a BOM, which is checked before this.
fn looks_binary(bytes: &[u8]) -> bool {
    if Encoding::for_bom(bytes).is_some_and(|(enc, _)| enc != UTF_8) {
        return false;
    }
    let head = &bytes[..bytes.len().min(PRESCAN)];
    head.contains(&0)
}

/// The charset parameter of a Content-Type header.
pub fn charset_of_header(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset=")? + "charset=".len();
    let value = lower[at..]
        .trim_start_matches(['"', '\''])
        .split(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .next()?;
    label(value.as_bytes())
}

/// `<meta charset=X>` or `<meta http-equiv=Content-Type content="...; charset=X">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(at) = find(tag, b"charset=") {
            let rest = &tag[at + b"charset=".len()..];
            let rest = rest
                .iter()
                .position(|&b| b != b'"' && b != b'\'' && b != b' ')
                .map_or(&rest[..0], |p| &rest[p..]);
            let len = rest
                .iter()
                .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                .unwrap_or(rest.len());
            if let Some(enc) = label(&rest[..len]) {
                return Some(enc);
            }
        }
        from = end.max(start + 1);
    }
    None
}

/// A charset label; a page cannot really be UTF-16 if its meta tag was read
/// as ASCII, so that label means UTF-8 (as the HTML standard says).
fn label(name: &[u8]) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(name)?;
    Some(if enc.name().starts_with("UTF-16") {
        UTF_8
    } else {
        enc
    })
}

/// Valid UTF-8 is UTF-8; otherwise chardetng guesses a legacy encoding,
/// helped by the top-level domain.
fn sniff(bytes: &[u8], url: Option<&str>) -> &'static Encoding {
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let tld = url.and_then(top_level_domain);
    detector.guess(
        tld.as_deref().map(str::as_bytes),
        chardetng::Utf8Detection::Allow,
    )
}

fn top_level_domain(url: &str) -> Option<String> {
    let host = url
        .split("://")
        .nth(1)?
        .split(['/', ':', '?', '#'])
        .next()?;
    let tld = host.rsplit('.').next()?;
    tld.chars()
        .all(|c| c.is_ascii_alphabetic())
        .then(|| tld.to_ascii_lowercase())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_meta_then_guess() {
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("<p>café “quoted”</p>");
        assert_eq!(
            decode_html(&latin, Some("text/html; charset=windows-1252"), None).expect("decodes"),
            "<p>café “quoted”</p>"
        );
        let mut declared =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"
                .to_vec();
        declared.extend_from_slice(&latin);
        assert!(
            decode_html(&declared, None, None)
                .expect("decodes")
                .ends_with("café “quoted”</p>")
        );
        let guessed = decode_html(&latin, None, None).expect("decodes");
        assert!(guessed.contains("café"), "{guessed}");
    }

    #[test]
    fn utf16_meta_label_means_utf8() {
        let page = "<meta charset=\"utf-16\"><p>naïve</p>".as_bytes();
        assert!(
            decode_html(page, None, None)
                .expect("decodes")
                .contains("naïve")
        );
    }

    #[test]
    fn binary_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert!(matches!(
            decode_html(png, None, None),
            Err(ExtractError::Binary)
        ));
    }

    #[test]
    fn header_charset_forms() {
        assert_eq!(
            charset_of_header("text/html;charset=\"ISO-8859-1\""),
            Some(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(charset_of_header("text/html"), None);
    }
}
