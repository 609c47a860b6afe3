//! Time expressions in news English ("on Saturday, February 1", "last
//! week", "in March 2024", "two days ago"), each resolved to the days it
//! covers against the article's publication date.
//!
//! Invariants: no IO; offsets are code points into the text given; the
//! scan is linear in the text (each pattern looks at a bounded number of
//! tokens around its start); expressions never overlap and come in text
//! order.

mod absolute;
mod calendar;
mod relative;
mod scan;

use chrono::NaiveDate;
use scan::Tok;

/// How finely an expression names its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Day,
    Week,
    Month,
    Year,
}

impl Precision {
    /// A stable name for storage and the wire.
    pub fn code(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Week => "week",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

/// One time expression and the days it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeExpression {
    /// Code-point offset of the first character.
    pub start: usize,
    /// Code-point offset one past the last character.
    pub end: usize,
    /// The expression as written, with a leading "on" or "in" it took.
    pub text: String,
    /// The first day it covers.
    pub first: NaiveDate,
    /// The last day it covers (inclusive); `first` for a single day.
    pub last: NaiveDate,
    pub precision: Precision,
    /// Resolved against the publication date: no year is written ("last
    /// week", "on Monday", "January 8").
    pub relative: bool,
}

/// The preposition an expression takes into its text when one comes
/// right before it ("on Monday", "in 2021").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lead {
    On,
    In,
    None,
}

/// A match at a token: tokens `start..end` and what they resolve to.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    first: NaiveDate,
    last: NaiveDate,
    precision: Precision,
    relative: bool,
    lead: Lead,
}

/// The time expressions of `text`. `published`: the article's publication
/// date; without it only absolute expressions with a year are returned.
pub fn find(text: &str, published: Option<NaiveDate>) -> Vec<TimeExpression> {
    let toks = scan::tokens(text);
    let mut out = Vec::new();
    let mut i = 0;
    // Tokens before `floor` belong to an earlier expression.
    let mut floor = 0;
    while i < toks.len() {
        let Some(mut found) = absolute::at(&toks, i, published)
            .or_else(|| published.and_then(|p| relative::at(&toks, i, p)))
        else {
            i += 1;
            continue;
        };
        let lead = match found.lead {
            Lead::On => "on",
            Lead::In => "in",
            Lead::None => "",
        };
        if found.start > floor && !lead.is_empty() && scan::lower(&toks, found.start - 1) == lead {
            found.start -= 1;
        }
        out.push(expression(text, &toks, &found));
        i = found.end;
        floor = found.end;
    }
    out
}

fn expression(text: &str, toks: &[Tok<'_>], f: &Found) -> TimeExpression {
    let (a, b) = (&toks[f.start], &toks[f.end - 1]);
    TimeExpression {
        start: a.start,
        end: b.end,
        text: text[a.token.start..b.token.end].to_string(),
        first: f.first,
        last: f.last,
        precision: f.precision,
        relative: f.relative,
    }
}

#[cfg(test)]
mod tests;
