//! Word tokens of news English, as byte spans into the text, and the
//! sentences they make.
//!
//! Conventions follow the CoNLL / Penn Treebank tokenisation that the tagger
//! is trained on: a possessive `'s` and a negation `n't` are tokens of their
//! own; hyphenated words (`Tehreek-e-Taliban`, `936-km`), numbers with
//! separators (`2,000`, `3.5`, `10:30`) and inner apostrophes (`O'Brien`) stay
//! whole; an abbreviation keeps its period (`U.S.`, `Dr.`, `Jan.`); every other
//! punctuation mark is a token. Curly quotes and apostrophes count as straight
//! ones. Tokens borrow the text: the only allocation is the output vector.

/// One token: `text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
    /// A line break lies between this token and the previous one.
    pub after_newline: bool,
}

impl Token {
    /// The token's text.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

/// Abbreviations that keep their period (compared without it, case-sensitively
/// where the case tells them from words: `No.` but not `no.`).
const ABBREVIATIONS: &[&str] = &[
    "Dr", "Mr", "Mrs", "Ms", "Gen", "Col", "Lt", "Maj", "Capt", "Cmdr", "Adm", "Sgt", "Prof",
    "Sen", "Rep", "Gov", "Pres", "Rev", "St", "Jr", "Sr", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul",
    "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "Nos", "Inc", "Corp", "Co", "Ltd", "Bros",
    "vs", "etc", "approx", "Mt", "Ft", "Ave", "Blvd", "Pvt",
];

/// Titles among [`ABBREVIATIONS`]: a sentence does not end after them even
/// before a capital ("Dr. Abdullah").
const TITLE_ABBREVIATIONS: &[&str] = &[
    "Dr", "Mr", "Mrs", "Ms", "Gen", "Col", "Lt", "Maj", "Capt", "Cmdr", "Adm", "Sgt", "Prof",
    "Sen", "Rep", "Gov", "Pres", "Rev", "St", "Mt", "No",
];

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let offset = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut i = 0;
    let mut newline = false;
    while i < chars.len() {
        let c = chars[i].1;
        if c.is_whitespace() {
            newline |= c == '\n' || c == '\u{2029}';
            i += 1;
            continue;
        }
        let start = i;
        if c.is_alphanumeric() {
            i += 1;
            loop {
                match at(i) {
                    Some(c) if c.is_alphanumeric() || is_combining(c) => i += 1,
                    // Joiners inside a word: hyphens, inner apostrophes, and
                    // separators between digits.
                    Some(j)
                        if (is_hyphen(j) || is_apostrophe(j))
                            && at(i + 1).is_some_and(char::is_alphanumeric) =>
                    {
                        i += 2
                    }
                    Some(',' | '.' | ':' | '/')
                        if at(i - 1).is_some_and(|c| c.is_ascii_digit())
                            && at(i + 1).is_some_and(|c| c.is_ascii_digit()) =>
                    {
                        i += 2
                    }
                    _ => break,
                }
            }
            let word = &text[offset(start)..offset(i)];
            // Initials and dotted acronyms: U.S., U.N., J.R.R.
            if at(i) == Some('.') && is_initial(word) {
                let mut j = i;
                while at(j) == Some('.')
                    && at(j + 1).is_some_and(char::is_alphabetic)
                    && at(j + 2) == Some('.')
                {
                    j += 2;
                }
                if j > i || word.chars().count() == 1 {
                    i = j + 1;
                }
            } else if at(i) == Some('.') && ABBREVIATIONS.contains(&word) {
                i += 1;
            }
            // A word that ends in 's or n't gives it a token of its own.
            let (s, e) = (offset(start), offset(i));
            let split = possessive_split(&text[s..e]);
            if let Some(head) = split.filter(|&h| h > 0) {
                out.push(Token {
                    start: s,
                    end: s + head,
                    after_newline: newline,
                });
                out.push(Token {
                    start: s + head,
                    end: e,
                    after_newline: false,
                });
            } else {
                out.push(Token {
                    start: s,
                    end: e,
                    after_newline: newline,
                });
            }
            newline = false;
            continue;
        }
        // A possessive after a closing quote or a bare 's: "'s" is one token.
        if is_apostrophe(c)
            && matches!(at(i + 1), Some('s' | 'S'))
            && !at(i + 2).is_some_and(char::is_alphanumeric)
        {
            i += 2;
        } else if matches!(c, '.' | '-' | '\u{2014}' | '\u{2013}') {
            // Runs of one mark: "...", "--". An en dash is a token even
            // between two words ("Kabul–Islamabad"): whether it pairs two
            // names or joins the parts of one ("Hughes–Whitfield") its
            // characters cannot say; the recogniser decides (mediamon-ner).
            i += 1;
            while at(i) == Some(c) {
                i += 1;
            }
        } else {
            i += 1;
        }
        out.push(Token {
            start: offset(start),
            end: offset(i),
            after_newline: newline,
        });
        newline = false;
    }
    out
}

/// Combining marks stay in their word (diacritics written separately).
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{200C}' | '\u{200D}')
}

/// One letter, or letters separated by periods so far ("U" of "U.S.").
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

/// Where a trailing `'s` or `n't` starts, if the word has one.
fn possessive_split(word: &str) -> Option<usize> {
    let lower_end = |suffix: &[char]| {
        let tail: Vec<char> = word.chars().rev().take(suffix.len()).collect();
        tail.len() == suffix.len()
            && tail
                .iter()
                .rev()
                .zip(suffix)
                .all(|(a, b)| a.to_ascii_lowercase() == *b || (*b == '\'' && is_apostrophe(*a)))
    };
    let byte_len = |n: usize| {
        word.chars()
            .rev()
            .take(n)
            .map(char::len_utf8)
            .sum::<usize>()
    };
    if lower_end(&['n', '\'', 't']) && word.chars().count() > 3 {
        Some(word.len() - byte_len(3))
    } else if lower_end(&['\'', 's']) {
        Some(word.len() - byte_len(2))
    } else {
        None
    }
}

/// Sentences of a token sequence, as ranges of token indices. A sentence ends
/// at a line break, and after `.`, `!` or `?` (and any closing quotes or
/// brackets after it) when the next token does not start in lowercase; not
/// after a title abbreviation ("Dr. Abdullah").
pub fn sentences(text: &str, tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        if i > start && tokens[i].after_newline {
            out.push(start..i);
            start = i;
        }
        let t = tokens[i].text(text);
        let mark = matches!(t, "." | "!" | "?" | "..." | "?!" | "!?");
        // An abbreviation's period may end a sentence too ("Acme Co."), but
        // not a title's, an initial's or a dotted acronym's ("U.S. officials").
        let abbreviation = !mark
            && t.len() > 1
            && t.strip_suffix('.').is_some_and(|w| {
                !TITLE_ABBREVIATIONS.contains(&w) && !is_initial(w) && !w.contains('.')
            });
        i += 1;
        if mark || abbreviation {
            while i < tokens.len()
                && !tokens[i].after_newline
                && matches!(
                    tokens[i].text(text),
                    "\"" | "'" | ")" | "]" | "\u{201D}" | "\u{2019}" | "\u{00BB}"
                )
            {
                i += 1;
            }
            let next = tokens.get(i).and_then(|n| n.text(text).chars().next());
            // A mark ends a sentence unless lowercase follows; an
            // abbreviation only before a capital ("Jan. 5" goes on).
            let ends = if mark {
                !next.is_some_and(char::is_lowercase)
            } else {
                next.is_none_or(char::is_uppercase)
            };
            if ends {
                out.push(start..i);
                start = i;
            }
        }
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn news_english() {
        assert_eq!(
            words("The U.S. envoy met Dr. Abdullah on Jan. 5 in Kabul."),
            [
                "The", "U.S.", "envoy", "met", "Dr.", "Abdullah", "on", "Jan.", "5", "in", "Kabul",
                "."
            ]
        );
        assert_eq!(
            words("Tehreek-e-Taliban Pakistan's 2,000 fighters crossed a 936-km border."),
            [
                "Tehreek-e-Taliban",
                "Pakistan",
                "'s",
                "2,000",
                "fighters",
                "crossed",
                "a",
                "936-km",
                "border",
                "."
            ]
        );
        assert_eq!(
            words("\u{201C}We don\u{2019}t accept it,\u{201D} said O\u{2019}Brien (AP)."),
            [
                "\u{201C}",
                "We",
                "do",
                "n\u{2019}t",
                "accept",
                "it",
                ",",
                "\u{201D}",
                "said",
                "O\u{2019}Brien",
                "(",
                "AP",
                ")",
                "."
            ]
        );
        assert_eq!(
            words("Al-Qaeda... 3.5% at 10:30"),
            ["Al-Qaeda", "...", "3.5", "%", "at", "10:30"]
        );
        assert_eq!(words("احمد مسعود، کابل"), ["احمد", "مسعود", "،", "کابل"]);
        assert_eq!(
            words("the Kabul\u{2013}Islamabad talks"),
            ["the", "Kabul", "\u{2013}", "Islamabad", "talks"]
        );
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "  Mottaki’s visit\nended.";
        for t in tokenize(text) {
            assert!(!t.text(text).trim().is_empty());
        }
        let toks = tokenize(text);
        assert_eq!(toks[0].start, 2);
        assert!(toks[3].after_newline);
    }

    #[test]
    fn sentence_ends() {
        let text = "Dr. Abdullah arrived in the U.S. on Monday. He met Gen. Asim Munir.\nA headline without a period\n\"Talks failed.\" The minister left.";
        let toks = tokenize(text);
        let got: Vec<String> = sentences(text, &toks)
            .into_iter()
            .map(|r| text[toks[r.start].start..toks[r.end - 1].end].to_string())
            .collect();
        assert_eq!(
            got,
            [
                "Dr. Abdullah arrived in the U.S. on Monday.",
                "He met Gen. Asim Munir.",
                "A headline without a period",
                "\"Talks failed.\"",
                "The minister left."
            ]
        );
    }
}
