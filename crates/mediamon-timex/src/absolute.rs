//! Calendar dates, months and years as written: "January 8, 2025",
//! "8 January", "Jan. 8", "August 25th and 26th", "on Saturday, February 1",
//! "March 2024", "in March", "since 2021". A date without a year takes the
//! year nearest the publication date (see [`calendar::choose_year`]).

use chrono::{Datelike, NaiveDate, Weekday};

use crate::calendar::{self, Span};
use crate::scan::{Tok, day_of, future_cue, is, lower, month, weekday, year_of};
use crate::{Found, Lead, Precision};

/// Words before a bare year that make it one ("in 2021", "since 2021",
/// "the end of 2021"); without one a four-digit number stays a number.
const YEAR_CUES: &[&str] = &[
    "in",
    "since",
    "by",
    "until",
    "till",
    "of",
    "early",
    "late",
    "mid",
    "from",
    "during",
    "before",
    "after",
    "through",
    "throughout",
    "between",
];

/// Words before a month written alone that make it a time ("in March").
const MONTH_CUES: &[&str] = &[
    "in", "since", "by", "until", "till", "from", "during", "before", "after", "early", "late",
];

/// Words joining the two days of a range ("August 25 and 26").
const RANGE_JOINERS: &[&str] = &["and", "to", "through", "&", "-", "\u{2013}"];

/// A date as written: month, first and last day, the year if given, and
/// the token after it.
struct DateParts {
    month: u32,
    first_day: u32,
    last_day: u32,
    year: Option<i32>,
    end: usize,
}

/// The date, month or year expression that starts at token `i`.
pub(crate) fn at(toks: &[Tok<'_>], i: usize, published: Option<NaiveDate>) -> Option<Found> {
    if let Some(day) = weekday(toks, i) {
        let mut k = i + 1;
        if lower(toks, k) == "," {
            k += 1;
        }
        let parts = month_first(toks, k).or_else(|| day_first(toks, k))?;
        return date(toks, i, &parts, Some(day), published);
    }
    if let Some(parts) = month_first(toks, i).or_else(|| day_first(toks, i)) {
        return date(toks, i, &parts, None, published);
    }
    if let Some(m) = month(toks, i) {
        return month_alone(toks, i, m, published);
    }
    year_alone(toks, i)
}

/// "January 8", "Jan. 8, 2025", "August 25th and 26th", "August 25-26".
fn month_first(toks: &[Tok<'_>], i: usize) -> Option<DateParts> {
    let month = month(toks, i)?;
    let (first_day, last_day, k) = days(toks, i + 1)?;
    let (year, end) = year_after(toks, k);
    Some(DateParts {
        month,
        first_day,
        last_day,
        year,
        end,
    })
}

/// "8 January 2025", "25 and 26 August", "the 8th of January".
fn day_first(toks: &[Tok<'_>], i: usize) -> Option<DateParts> {
    let (first_day, last_day, mut k) = days(toks, i)?;
    if lower(toks, k) == "of" {
        k += 1;
    }
    let month = month(toks, k)?;
    let (year, end) = year_after(toks, k + 1);
    Some(DateParts {
        month,
        first_day,
        last_day,
        year,
        end,
    })
}

/// One day or a range of days from token `i`, and the token after them.
fn days(toks: &[Tok<'_>], i: usize) -> Option<(u32, u32, usize)> {
    let word = toks.get(i)?.text;
    // The tokeniser keeps "25-26" whole.
    if let Some((a, b)) = word.split_once('-') {
        let (a, b) = (day_of(a)?, day_of(b)?);
        return (a < b).then_some((a, b, i + 1));
    }
    let first = day_of(word)?;
    if is(toks, i + 1, RANGE_JOINERS)
        && let Some(last) = toks.get(i + 2).and_then(|t| day_of(t.text))
        && last > first
    {
        return Some((first, last, i + 3));
    }
    Some((first, first, i + 1))
}

/// A year after a date ("January 8, 2025", "8 January 2025"), and the
/// token after the whole date.
fn year_after(toks: &[Tok<'_>], k: usize) -> (Option<i32>, usize) {
    let at = |j: usize| toks.get(j).and_then(|t| year_of(t.text));
    if lower(toks, k) == ","
        && let Some(y) = at(k + 1)
    {
        return (Some(y), k + 2);
    }
    match at(k) {
        Some(y) => (Some(y), k + 1),
        None => (None, k),
    }
}

fn date(
    toks: &[Tok<'_>],
    start: usize,
    parts: &DateParts,
    day: Option<Weekday>,
    published: Option<NaiveDate>,
) -> Option<Found> {
    let span = |y: i32| -> Option<Span> {
        Some((
            NaiveDate::from_ymd_opt(y, parts.month, parts.first_day)?,
            NaiveDate::from_ymd_opt(y, parts.month, parts.last_day)?,
        ))
    };
    let (first, last) = match parts.year {
        Some(y) => span(y)?,
        None => calendar::choose_year(
            published?,
            span,
            |(first, _)| day.is_some_and(|d| first.weekday() == d),
            future_cue(toks, start),
        )?,
    };
    Some(Found {
        start,
        end: parts.end,
        first,
        last,
        precision: Precision::Day,
        relative: parts.year.is_none(),
        lead: Lead::On,
    })
}

/// "March 2024", or "in March" (the March nearest the publication date).
fn month_alone(toks: &[Tok<'_>], i: usize, m: u32, published: Option<NaiveDate>) -> Option<Found> {
    let (first, last, end, relative) = match toks.get(i + 1).and_then(|t| year_of(t.text)) {
        Some(y) => {
            let (first, last) = calendar::month(y, m)?;
            (first, last, i + 2, false)
        }
        None => {
            if i == 0 || !is(toks, i - 1, MONTH_CUES) {
                return None;
            }
            let (first, last) = calendar::choose_year(
                published?,
                |y| calendar::month(y, m),
                |_| false,
                future_cue(toks, i),
            )?;
            (first, last, i + 1, true)
        }
    };
    Some(Found {
        start: i,
        end,
        first,
        last,
        precision: Precision::Month,
        relative,
        lead: Lead::In,
    })
}

/// A year after a cue word ("in 2021", "since 2021"), or "mid-2021".
fn year_alone(toks: &[Tok<'_>], i: usize) -> Option<Found> {
    let t = toks.get(i)?;
    let y = match t.lower.strip_prefix("mid-") {
        Some(rest) => year_of(rest)?,
        None if i > 0 && is(toks, i - 1, YEAR_CUES) => year_of(t.text)?,
        None => return None,
    };
    let (first, last) = calendar::year(y)?;
    Some(Found {
        start: i,
        end: i + 1,
        first,
        last,
        precision: Precision::Year,
        relative: false,
        lead: Lead::In,
    })
}
