//! Expressions that name their time only through the publication date:
//! "today", "yesterday", "on Monday", "last Thursday", "Thursday evening",
//! "last week", "earlier this month", "over the weekend", "two days ago".
//!
//! Weeks run Monday to Sunday. A bare weekday is the most recent one up to
//! and including the publication day, unless a future cue ("will",
//! "scheduled") comes before it in its sentence: then the next one after.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::calendar::{self, Span};
use crate::scan::{Tok, count, future_cue, is, lower, weekday};
use crate::{Found, Lead, Precision};

/// Parts of a day that may follow a weekday ("Thursday evening").
const DAYPARTS: &[&str] = &["morning", "afternoon", "evening", "night"];

/// The relative expression that starts at token `i`.
pub(crate) fn at(toks: &[Tok<'_>], i: usize, p: NaiveDate) -> Option<Found> {
    let next = lower(toks, i + 1);
    let day = |n: i64, end: usize| {
        let d = calendar::add_days(p, n)?;
        found(i, end, (d, d), Precision::Day)
    };
    match lower(toks, i) {
        "today" | "tonight" => day(0, i + 1),
        "yesterday" => day(-1, i + 1),
        "tomorrow" => day(1, i + 1),
        "this" if matches!(next, "morning" | "afternoon" | "evening") => day(0, i + 2),
        "last" if next == "night" => day(-1, i + 2),
        "earlier" | "later" if next == "this" => {
            let (precision, (first, last)) = period(toks, i + 2, p, 0)?;
            let span = if lower(toks, i) == "earlier" {
                (first, p)
            } else {
                (p, last)
            };
            found(i, i + 3, span, precision)
        }
        "last" | "this" | "next" => {
            let delta = match lower(toks, i) {
                "last" => -1,
                "this" => 0,
                _ => 1,
            };
            if let Some((precision, span)) = period(toks, i + 1, p, delta) {
                return found(i, i + 2, span, precision);
            }
            if next == "weekend" {
                return found(i, i + 2, weekend(p, delta)?, Precision::Day);
            }
            // "this coming Monday" is the next one, as "coming Monday" is.
            let (k, delta) = if lower(toks, i) == "this" && next == "coming" {
                (i + 2, 1)
            } else {
                (i + 1, delta)
            };
            weekday_at(toks, i, k, p, delta)
        }
        "coming" => weekday_at(toks, i, i + 1, p, 1),
        "over" | "at" | "on" if next == "the" && lower(toks, i + 2) == "weekend" => found(
            i,
            i + 3,
            weekend_around(p, future_cue(toks, i))?,
            Precision::Day,
        ),
        w => match count(w) {
            Some(n) => ago(toks, i, n, p),
            None => weekday_at(toks, i, i, p, 0),
        },
    }
}

fn found(start: usize, end: usize, (first, last): Span, precision: Precision) -> Option<Found> {
    Some(Found {
        start,
        end,
        first,
        last,
        precision,
        relative: true,
        lead: Lead::None,
    })
}

/// "week", "month" or "year" at token `k`: that period of the publication
/// date shifted by `delta`.
fn period(toks: &[Tok<'_>], k: usize, p: NaiveDate, delta: i32) -> Option<(Precision, Span)> {
    match lower(toks, k) {
        "week" => Some((
            Precision::Week,
            calendar::week_of(calendar::add_days(p, 7 * i64::from(delta))?)?,
        )),
        "month" => Some((Precision::Month, calendar::month_of(p, delta)?)),
        "year" => Some((Precision::Year, calendar::year(p.year() + delta)?)),
        _ => None,
    }
}

/// The Saturday and Sunday of "last" (-1), "this" (0) or "next" (1) weekend.
fn weekend(p: NaiveDate, delta: i32) -> Option<Span> {
    let on_weekend = matches!(p.weekday(), Weekday::Sat | Weekday::Sun);
    let saturday = match delta {
        // The last one that ended before the publication day.
        -1 if on_weekend => calendar::add_days(calendar::previous(p, Weekday::Sat, true)?, -7)?,
        -1 => calendar::previous(p, Weekday::Sat, true)?,
        0 if on_weekend => calendar::previous(p, Weekday::Sat, true)?,
        _ => calendar::following(p, Weekday::Sat)?,
    };
    Some((saturday, calendar::add_days(saturday, 1)?))
}

/// "over the weekend": the one on or before the publication day, or with a
/// future cue the one on or after it.
fn weekend_around(p: NaiveDate, future: bool) -> Option<Span> {
    let saturday = if future {
        calendar::previous(calendar::add_days(p, 6)?, Weekday::Sat, true)?
    } else {
        calendar::previous(p, Weekday::Sat, true)?
    };
    Some((saturday, calendar::add_days(saturday, 1)?))
}

/// A weekday at token `k` with an optional daypart after it; the
/// expression starts at `start` ("last", "next" or the weekday itself).
/// `delta`: -1 the last one before publication, 1 the next one after, 0 as
/// the sentence's tense says.
fn weekday_at(toks: &[Tok<'_>], start: usize, k: usize, p: NaiveDate, delta: i32) -> Option<Found> {
    let day = weekday(toks, k)?;
    let d = match delta {
        -1 => calendar::previous(p, day, false)?,
        1 => calendar::following(p, day)?,
        _ if future_cue(toks, start) => calendar::following(p, day)?,
        _ => calendar::previous(p, day, true)?,
    };
    let end = if is(toks, k + 1, DAYPARTS) {
        k + 2
    } else {
        k + 1
    };
    let mut f = found(start, end, (d, d), Precision::Day)?;
    f.lead = Lead::On;
    Some(f)
}

/// "two days ago", "three weeks ago", "a month ago", "two years ago".
fn ago(toks: &[Tok<'_>], i: usize, n: i64, p: NaiveDate) -> Option<Found> {
    if lower(toks, i + 2) != "ago" {
        return None;
    }
    let months = i32::try_from(n).ok()?;
    let (precision, span) = match lower(toks, i + 1) {
        "day" | "days" => {
            let d = calendar::add_days(p, -n)?;
            (Precision::Day, (d, d))
        }
        "week" | "weeks" => (
            Precision::Week,
            calendar::week_of(calendar::add_days(p, -7 * n)?)?,
        ),
        "month" | "months" => (Precision::Month, calendar::month_of(p, -months)?),
        "year" | "years" => (Precision::Year, calendar::year(p.year() - months)?),
        _ => return None,
    };
    found(i, i + 3, span, precision)
}
