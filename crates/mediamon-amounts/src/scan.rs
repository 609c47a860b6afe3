//! The tokens of `mediamon-nlp` with code-point offsets.

/// One token: its text, code-point span (the API's offsets) and byte span
/// (for slicing the text).
#[derive(Debug, Clone)]
pub(crate) struct Tok<'a> {
    pub text: &'a str,
    pub lower: String,
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
}

/// Tokenises `text`; code-point offsets are counted incrementally, so the
/// whole pass is linear.
pub(crate) fn tokens(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let (mut byte, mut chars) = (0usize, 0usize);
    for t in mediamon_nlp::tokenize(text) {
        chars += text[byte..t.start].chars().count();
        let start = chars;
        chars += text[t.start..t.end].chars().count();
        byte = t.end;
        let word = t.text(text);
        out.push(Tok {
            text: word,
            lower: word.to_lowercase(),
            start,
            end: chars,
            byte_start: t.start,
            byte_end: t.end,
        });
    }
    out
}

/// The lower-case text of token `i`, or "" outside the text.
pub(crate) fn lower<'t>(toks: &'t [Tok<'_>], i: usize) -> &'t str {
    toks.get(i).map_or("", |t| t.lower.as_str())
}

/// Whether token `i` is one of `words` (lower-case), ignoring case.
pub(crate) fn is(toks: &[Tok<'_>], i: usize, words: &[&str]) -> bool {
    words.contains(&lower(toks, i))
}

/// Whether token `j` follows token `i` with no space between.
pub(crate) fn adjacent(toks: &[Tok<'_>], i: usize, j: usize) -> bool {
    matches!((toks.get(i), toks.get(j)), (Some(a), Some(b)) if a.end == b.start)
}

/// Whether token `i` starts with a capital letter.
pub(crate) fn capitalised(toks: &[Tok<'_>], i: usize) -> bool {
    toks.get(i)
        .and_then(|t| t.text.chars().next())
        .is_some_and(char::is_uppercase)
}
