//! Tests on the words of `mediamon-nlp`.

/// One token with its code-point span (the API's offsets).
pub(crate) type Tok<'a> = mediamon_nlp::Word<'a>;

pub(crate) use mediamon_nlp::words as tokens;

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
