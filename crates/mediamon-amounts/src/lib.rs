//! Numbers in news English with what they count: "about 2,000 fighters",
//! "60% of the valley", "a 936-km border", "$2.5 billion", "hundreds of
//! families".
//!
//! Not amounts: years ("in 2021", a bare "2025"), the days of dates
//! ("February 1", "August 25th"), times ("10:30", "10 a.m."), ordinals
//! ("first", "2nd"), numbers in names and codes ("Resolution 2593",
//! "Boeing 737", "F-16") and numeric dates ("03/02/2025").
//!
//! Invariants: no IO; offsets are code points into the text given; the
//! scan is linear (each amount looks at a bounded number of tokens);
//! amounts never overlap and come in text order.

mod scan;
mod words;

use scan::{Tok, adjacent, capitalised, is, lower};
use words::{
    APPROX_ONE, APPROX_TWO, ATTACHED_UNITS, CLOCK, CODE_NOUNS, DETERMINERS, FRACTIONS,
    IRREGULAR_PLURALS, MEASURES, STOP_WORDS,
};

/// One number and what it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    /// Code-point offset of the first character of the whole expression.
    pub start: usize,
    /// Code-point offset one past its last character.
    pub end: usize,
    /// The expression as written, e.g. "about 2,000 fighters".
    pub text: String,
    /// The number: "60%" is 60, "2.5 million" 2,500,000, "a dozen" 12.
    pub value: f64,
    /// What it counts, lower-case: the head noun as written ("fighters"),
    /// "percent" for `%`, the unit of a measure ("km"), a currency code for
    /// a symbol ("usd" for `$`); empty for a bare figure ("rose to 12").
    pub unit: String,
    /// What a measure or share is of, as written, when it is not the unit:
    /// "border" in "a 936-km border", "valley" in "60% of the valley".
    pub counted: String,
    /// Hedged ("about", "more than", "an estimated") or vague ("hundreds
    /// of").
    pub approximate: bool,
}

/// The amounts in `text`.
pub fn find(text: &str) -> Vec<Amount> {
    let toks = scan::tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    // Tokens before `floor` belong to an earlier amount.
    let mut floor = 0;
    while i < toks.len() {
        match amount_at(&toks, i, floor) {
            Some(found) => {
                let (a, b) = (&toks[found.start], &toks[found.end - 1]);
                i = found.end;
                floor = found.end;
                out.push(Amount {
                    start: a.start,
                    end: b.end,
                    text: text[a.token.start..b.token.end].to_string(),
                    value: found.value,
                    unit: found.unit,
                    counted: found
                        .counted
                        .map_or_else(String::new, |c| toks[c].text.into()),
                    approximate: found.approximate,
                });
            }
            None => i += 1,
        }
    }
    out
}

/// An amount over tokens `start..end`; `counted` is a token index.
struct Found {
    start: usize,
    end: usize,
    value: f64,
    unit: String,
    counted: Option<usize>,
    approximate: bool,
}

/// A number as written from some token on, before its unit.
struct Number {
    /// Token after the number and its multipliers.
    end: usize,
    value: f64,
    /// Given with the number: a currency symbol or a hyphenated measure
    /// ("936-km").
    unit: Option<String>,
    /// The unit came hyphenated onto the number: the noun after it is what
    /// is measured ("a 936-km border").
    attached: bool,
    /// "hundreds", needing "of" and a noun.
    vague: bool,
    /// Spelled out: a unit is required, or "one" would be a pronoun.
    spelled: bool,
}

/// The amount whose number starts at token `i`.
fn amount_at(toks: &[Tok<'_>], i: usize, floor: usize) -> Option<Found> {
    let (number, first_digit) = number_at(toks, i)?;
    if let Some(k) = first_digit
        && !plain_figure(toks, k, i, floor)
    {
        return None;
    }
    // "no one", "one another": a pronoun.
    if number.spelled
        && lower(toks, i) == "one"
        && ((i > 0 && is(toks, i - 1, &["no", "any", "every", "each", "the", "which"]))
            || lower(toks, i + 1) == "another")
    {
        return None;
    }
    let (start, hedged) = hedge(toks, i, floor);
    let (unit, counted, end) = unit_after(toks, &number)?;
    Some(Found {
        start,
        end: end.max(number.end),
        value: number.value,
        unit,
        counted,
        approximate: hedged || number.vague,
    })
}

/// Whether the figure at token `k` (written in digits; the amount starts at
/// `start`) counts something, rather than being a year, a day of a date, a
/// time or part of a name.
fn plain_figure(toks: &[Tok<'_>], k: usize, start: usize, floor: usize) -> bool {
    let text = toks[k].text;
    // A currency symbol before it says it is money, whatever it looks like.
    if start < k {
        return true;
    }
    let year_like = text.len() == 4
        && text.bytes().all(|b| b.is_ascii_digit())
        && text
            .parse::<u32>()
            .is_ok_and(|y| (1800..=2100).contains(&y));
    if year_like && !hedge(toks, k, floor).1 {
        return false;
    }
    if date_day(toks, k) || is(toks, k + 1, CLOCK) {
        return false;
    }
    if k == 0 {
        return true;
    }
    let before = &toks[k - 1];
    // "Resolution 2593", "Boeing 737": a name's word right before it.
    let in_name = capitalised(toks, k - 1)
        && before.text.chars().all(char::is_alphanumeric)
        && !is(toks, k - 1, STOP_WORDS)
        && !is(toks, k - 1, APPROX_ONE);
    !in_name && !is(toks, k - 1, CODE_NOUNS)
}

/// The number starting at token `i`, and the token of its digits if it is
/// written in figures.
fn number_at(toks: &[Tok<'_>], i: usize) -> Option<(Number, Option<usize>)> {
    // Money: "$2.5 billion", "US$300", "Rs. 500".
    let mut k = i;
    if lower(toks, k) == "us" && lower(toks, k + 1) == "$" && adjacent(toks, k, k + 1) {
        k += 1;
    }
    let money = words::currency(lower(toks, k));
    if money.is_some() {
        k += 1;
        if lower(toks, k) == "." {
            k += 1;
        }
    }
    let t = toks.get(k)?;
    if t.text.starts_with(|c: char| c.is_ascii_digit()) {
        let mut n = figure(t.text, money.is_some())?;
        n.end = k + 1;
        if let Some(m) = money {
            n.unit = Some(m.into());
        }
        multiply(toks, &mut n);
        return Some((n, Some(k)));
    }
    if money.is_some() {
        return None;
    }
    spelled(toks, i).map(|n| (n, None))
}

/// A number in figures: "2,000", "2.5", "936-km", "5km", "2.5bn" (with
/// `money`, "3m" too). Ordinals ("2nd"), decades ("1990s"), times, codes
/// and numeric dates are not.
fn figure(text: &str, money: bool) -> Option<Number> {
    let digits = text
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(text.len());
    let value = decimal(&text[..digits])?;
    let rest = &text[digits..];
    let mut n = Number {
        end: 0,
        value,
        unit: None,
        attached: false,
        vague: false,
        spelled: false,
    };
    let rest = rest.to_lowercase();
    if rest.is_empty() {
        return Some(n);
    }
    if let Some(unit) = rest.strip_prefix('-') {
        hyphenated(&mut n, unit)?;
    } else if rest == "bn" {
        n.value *= 1e9;
    } else if rest == "mn" || (money && rest == "m") {
        n.value *= 1e6;
    } else if ATTACHED_UNITS.contains(&rest.as_str()) {
        n.unit = Some(rest);
        n.attached = true;
    } else {
        return None;
    }
    Some(n)
}

/// The unit after a hyphen: "936-km", "three-day", "2,000-strong" (a count
/// of what follows). Numbers or fractions there ("2021-22", "two-thirds")
/// are not an amount.
fn hyphenated(n: &mut Number, unit: &str) -> Option<()> {
    if !unit.starts_with(char::is_alphabetic) || FRACTIONS.contains(&unit) {
        return None;
    }
    if unit != "strong" {
        n.unit = Some(unit.into());
        n.attached = true;
    }
    Some(())
}

/// "2,000", "2.5", "1,000,000"; commas only between groups of three.
fn decimal(s: &str) -> Option<f64> {
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (s, None),
    };
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    let mut groups = int.split(',');
    let head = groups.next()?;
    let grouped = int.contains(',');
    if !digits(head) || (grouped && head.len() > 3) {
        return None;
    }
    if !groups.all(|g| g.len() == 3 && digits(g)) {
        return None;
    }
    let plain: String = int.chars().filter(|&c| c != ',').collect();
    let number = match frac {
        Some(f) => format!("{plain}.{f}"),
        None => plain,
    };
    number.parse().ok()
}

/// Multipliers after a number: "2.5 million", "two hundred thousand".
fn multiply(toks: &[Tok<'_>], n: &mut Number) {
    if n.attached {
        return;
    }
    while let Some(m) = words::multiplier(lower(toks, n.end)) {
        n.value *= m;
        n.end += 1;
    }
}

/// A spelled-out number at token `i`: "two", "twenty-five", "three-day",
/// "a dozen", "hundreds of", "tens of thousands of".
fn spelled(toks: &[Tok<'_>], i: usize) -> Option<Number> {
    let w = lower(toks, i);
    let mut n = Number {
        end: i + 1,
        value: 0.0,
        unit: None,
        attached: false,
        vague: false,
        spelled: true,
    };
    if let Some(v) = words::number_word(w) {
        n.value = v;
    } else if let Some((word, unit)) = w.split_once('-')
        && let Some(v) = words::number_word(word)
    {
        n.value = v;
        hyphenated(&mut n, unit)?;
    } else if matches!(w, "a" | "an") {
        n.value = 1.0;
        // "a" is a number only before a multiplier: "a dozen", "a million".
        words::multiplier(lower(toks, i + 1))?;
    } else {
        // "hundreds of", "tens of thousands of", "hundreds of thousands of".
        let (mut v, mut k) = match (w, lower(toks, i + 1), lower(toks, i + 2)) {
            ("tens", "of", next) => (10.0 * words::vague(next)?, i + 3),
            _ => (words::vague(w)?, i + 1),
        };
        if lower(toks, k) == "of"
            && let Some(more) = words::vague(lower(toks, k + 1))
        {
            v *= more;
            k += 2;
        }
        n.value = v;
        n.end = k;
        n.vague = true;
        return (lower(toks, k) == "of").then_some(n);
    }
    multiply(toks, &mut n);
    Some(n)
}

/// Where the amount starts with its approximation cue, and whether it has
/// one ("about", "more than", "an estimated"); the cue's tokens must not
/// belong to an earlier amount.
fn hedge(toks: &[Tok<'_>], i: usize, floor: usize) -> (usize, bool) {
    if i >= floor + 2
        && APPROX_TWO
            .iter()
            .any(|&(a, b)| lower(toks, i - 2) == a && lower(toks, i - 1) == b)
    {
        return (i - 2, true);
    }
    if i >= floor + 3
        && lower(toks, i - 3) == "as"
        && lower(toks, i - 2) == "many"
        && lower(toks, i - 1) == "as"
    {
        return (i - 3, true);
    }
    if i > floor && is(toks, i - 1, APPROX_ONE) {
        return (i - 1, true);
    }
    (i, false)
}

/// The unit and counted noun after a number, and the token after the
/// expression; `None` when a spelled number counts nothing ("the two met").
fn unit_after(toks: &[Tok<'_>], n: &Number) -> Option<(String, Option<usize>, usize)> {
    let k = n.end;
    let after = |head: Option<usize>, end: usize| head.map_or(end, |h| (h + 1).max(end));
    if n.vague {
        let head = of_phrase(toks, k, "of")?;
        return Some((toks[head].lower.clone(), None, head + 1));
    }
    if let Some(unit) = &n.unit {
        // "a 936-km border", "$2.5 billion loan", "$2.5 billion in aid".
        let counted = match lower(toks, k) {
            "of" => of_phrase(toks, k, "of"),
            "in" if !n.attached => of_phrase(toks, k, "in"),
            _ => head(toks, &run(toks, k)),
        };
        return Some((unit.clone(), counted, after(counted, k)));
    }
    let (unit, next) = if is(toks, k, &["%", "percent", "pc"]) {
        (Some("percent".to_string()), k + 1)
    } else if lower(toks, k) == "per" && lower(toks, k + 1) == "cent" {
        (Some("percent".to_string()), k + 2)
    } else if is(toks, k, MEASURES) {
        (Some(toks[k].lower.clone()), k + 1)
    } else {
        (None, k)
    };
    if let Some(unit) = unit {
        let counted = of_phrase(toks, next, "of");
        return Some((unit, counted, after(counted, next)));
    }
    // A count: the noun after it, or after "of" ("2,000 of the fighters").
    match head(toks, &run(toks, k)).or_else(|| of_phrase(toks, k, "of")) {
        Some(h) => Some((toks[h].lower.clone(), None, h + 1)),
        None if n.spelled => None,
        None => Some((String::new(), None, k)),
    }
}

/// The head noun of the phrase after `preposition` at token `k` ("of the
/// valley").
fn of_phrase(toks: &[Tok<'_>], k: usize, preposition: &str) -> Option<usize> {
    if lower(toks, k) != preposition {
        return None;
    }
    let mut j = k + 1;
    while is(toks, j, DETERMINERS) {
        j += 1;
    }
    head(toks, &run(toks, j))
}

/// Most words a noun phrase after a number is read for.
const RUN: usize = 3;

/// The words of the noun phrase at token `k` (a word may hold a code:
/// "F-16 jets"): up to [`RUN`] words, ending
/// at punctuation, a function word, a common verb, or a past participle
/// after the first word ("2,000 fighters crossed"; "2,000 displaced
/// families" keeps its adjective).
fn run(toks: &[Tok<'_>], k: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for j in k..(k + RUN).min(toks.len()) {
        let t = &toks[j];
        let word = t.text.starts_with(char::is_alphabetic)
            && t.text.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !word || is(toks, j, STOP_WORDS) || (j > k && t.lower.ends_with("ed")) {
            break;
        }
        out.push(j);
    }
    out
}

/// The head of a noun phrase: its last plural ("2,000 Taliban fighters",
/// "two sides agree"), else its last word ("60 security personnel").
fn head(toks: &[Tok<'_>], run: &[usize]) -> Option<usize> {
    run.iter()
        .rev()
        .copied()
        .find(|&j| plural(&toks[j]))
        .or_else(|| run.last().copied())
}

fn plural(t: &Tok<'_>) -> bool {
    let w = t.lower.as_str();
    IRREGULAR_PLURALS.contains(&w)
        || (t.text.ends_with('s')
            && w.len() > 3
            && !w.ends_with("ss")
            && !w.ends_with("us")
            && !w.ends_with("is"))
}

fn month(toks: &[Tok<'_>], i: Option<usize>) -> bool {
    i.is_some_and(|i| {
        capitalised(toks, i)
            && toks
                .get(i)
                .is_some_and(|t| mediamon_nlp::month(t.text).is_some())
    })
}

/// A day of the month: "8", "25th".
fn day(w: &str) -> bool {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    matches!(&w[digits.len()..], "" | "st" | "nd" | "rd" | "th")
        && (1..=2).contains(&digits.len())
        && digits.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
}

/// Joiners of two days of one date ("August 25 and 26").
const DAY_JOINERS: &[&str] = &["and", "to", "through", "&", "-", "\u{2013}"];

/// Whether the figure at token `k` is a day of a date: "February 1",
/// "8 January", "the 8th of January", either day of "August 25 and 26" or
/// "25 and 26 August".
fn date_day(toks: &[Tok<'_>], k: usize) -> bool {
    let small = |j: Option<usize>| j.and_then(|j| toks.get(j)).is_some_and(|t| day(&t.lower));
    let back = |n: usize| k.checked_sub(n);
    let ahead = |n: usize| Some(k + n);
    let joined_before = back(1).is_some_and(|j| is(toks, j, DAY_JOINERS));
    let joined_after = is(toks, k + 1, DAY_JOINERS);
    small(Some(k))
        && (month(toks, back(1))
            || month(toks, ahead(1))
            || (lower(toks, k + 1) == "of" && month(toks, ahead(2)))
            || (joined_before && small(back(2)) && month(toks, back(3)))
            || (joined_after && small(ahead(2)) && month(toks, ahead(3))))
}

#[cfg(test)]
mod tests;
