//! Calendar arithmetic: weeks, months and years as day ranges, and the
//! choice of a year for a date written without one. Every step is checked:
//! a date past chrono's range is no expression rather than a panic.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

/// An inclusive range of days.
pub(crate) type Span = (NaiveDate, NaiveDate);

pub(crate) fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    let days = Days::new(n.unsigned_abs());
    if n >= 0 {
        d.checked_add_days(days)
    } else {
        d.checked_sub_days(days)
    }
}

/// The Monday-Sunday week holding `d`.
pub(crate) fn week_of(d: NaiveDate) -> Option<Span> {
    let monday = add_days(d, -i64::from(d.weekday().num_days_from_monday()))?;
    Some((monday, add_days(monday, 6)?))
}

/// The calendar month holding `d`, shifted by `delta` months.
pub(crate) fn month_of(d: NaiveDate, delta: i32) -> Option<Span> {
    let first = d.with_day(1)?;
    let first = if delta >= 0 {
        first.checked_add_months(Months::new(delta.unsigned_abs()))?
    } else {
        first.checked_sub_months(Months::new(delta.unsigned_abs()))?
    };
    month(first.year(), first.month())
}

pub(crate) fn month(year: i32, month: u32) -> Option<Span> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    Some((first, last))
}

pub(crate) fn year(year: i32) -> Option<Span> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// The most recent `day` on or before `d` (`inclusive`), or strictly before.
pub(crate) fn previous(d: NaiveDate, day: Weekday, inclusive: bool) -> Option<NaiveDate> {
    let back = (7 + d.weekday().num_days_from_monday() - day.num_days_from_monday()) % 7;
    let back = if back == 0 && !inclusive { 7 } else { back };
    add_days(d, -i64::from(back))
}

/// The first `day` strictly after `d`.
pub(crate) fn following(d: NaiveDate, day: Weekday) -> Option<NaiveDate> {
    let ahead = (7 + day.num_days_from_monday() - d.weekday().num_days_from_monday()) % 7;
    add_days(d, i64::from(if ahead == 0 { 7 } else { ahead }))
}

/// How far a span lies from the publication day. Days after it count
/// double: news reports the past more than it announces, so "December 28"
/// in an article of January 10 is the one just gone, while "January 20"
/// stays ahead.
fn distance((first, last): Span, published: NaiveDate) -> i64 {
    if last < published {
        (published - last).num_days()
    } else if first > published {
        2 * (first - published).num_days()
    } else {
        0
    }
}

/// The span, among those `candidate` gives for the publication year and
/// the years either side, nearest to the publication day; on a tie the
/// earlier one. When `fits` holds for exactly one candidate (a written
/// weekday), that one. With `future` (the sentence announces: "will
/// meet on March 9") only spans not over by the publication day count,
/// when there are such.
pub(crate) fn choose_year(
    published: NaiveDate,
    candidate: impl Fn(i32) -> Option<Span>,
    fits: impl Fn(Span) -> bool,
    future: bool,
) -> Option<Span> {
    let y = published.year();
    let spans: Vec<Span> = [y - 1, y, y + 1]
        .into_iter()
        .filter_map(candidate)
        .collect();
    let mut fitting = spans.iter().filter(|&&s| fits(s));
    if let (Some(&only), None) = (fitting.next(), fitting.next()) {
        return Some(only);
    }
    let ahead = spans.iter().any(|s| s.1 >= published);
    spans
        .into_iter()
        .filter(|s| !(future && ahead) || s.1 >= published)
        .min_by_key(|&s| (distance(s, published), s.0))
}
