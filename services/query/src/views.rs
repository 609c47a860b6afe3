//! The pure parts of the entity views: a timeline's buckets in the caller's
//! time zone, zero-filled; how often each alias is used.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use mediamon_store::{Bucket, Counted, TimelineRow, Uuid};

/// A timeline holds at most this many buckets (a year of hours fits).
pub const MAX_BUCKETS: usize = 10_000;

/// The start of the bucket `t` falls in, as local time.
fn truncate(t: NaiveDateTime, bucket: Bucket) -> NaiveDateTime {
    let day = t.date();
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or(t);
    match bucket {
        Bucket::Hour => day.and_hms_opt(t.hour(), 0, 0).unwrap_or(t),
        Bucket::Day => midnight(day),
        Bucket::Week => {
            midnight(day - Duration::days(i64::from(day.weekday().num_days_from_monday())))
        }
        Bucket::Month => midnight(day.with_day(1).unwrap_or(day)),
    }
}

/// The local start of the bucket after the one starting at `t`.
fn next(t: NaiveDateTime, bucket: Bucket) -> NaiveDateTime {
    match bucket {
        Bucket::Hour => t + Duration::hours(1),
        Bucket::Day => t + Duration::days(1),
        Bucket::Week => t + Duration::days(7),
        Bucket::Month => t
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(t + Duration::days(31)),
    }
}

/// A local time as an instant; a local time a clock change skipped counts
/// from the first instant after the gap.
fn instant(tz: Tz, t: NaiveDateTime) -> DateTime<Utc> {
    (0..=3)
        .find_map(|h| tz.from_local_datetime(&(t + Duration::hours(h))).earliest())
        .map_or_else(|| Utc.from_utc_datetime(&t), |d| d.with_timezone(&Utc))
}

/// Every bucket start from the bucket `from` falls in until `until`, or
/// `None` when there would be more than [`MAX_BUCKETS`].
pub fn bucket_starts(
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    bucket: Bucket,
    tz: Tz,
) -> Option<Vec<DateTime<Utc>>> {
    let mut out = Vec::new();
    let mut local = truncate(from.with_timezone(&tz).naive_local(), bucket);
    loop {
        let start = instant(tz, local);
        if start >= until {
            return Some(out);
        }
        if out.len() == MAX_BUCKETS {
            return None;
        }
        // Hours run in absolute time: a clock change repeats or skips a
        // local hour, never the hour itself.
        if out.last().is_none_or(|last| *last < start) {
            out.push(start);
        }
        local = match bucket {
            Bucket::Hour => (start + Duration::hours(1))
                .with_timezone(&tz)
                .naive_local(),
            _ => next(local, bucket),
        };
    }
}

/// One entity's counts on every bucket of `starts`: `(start, mentions,
/// articles)`, zero where the store has nothing. A bucket the store dates
/// otherwise (around a clock change) is kept in its place.
pub fn zero_filled(
    starts: &[DateTime<Utc>],
    rows: &[TimelineRow],
    entity: Uuid,
) -> Vec<(DateTime<Utc>, i64, i64)> {
    let mut buckets: BTreeMap<DateTime<Utc>, (i64, i64)> =
        starts.iter().map(|s| (*s, (0, 0))).collect();
    for r in rows.iter().filter(|r| r.entity_id == entity) {
        let b = buckets.entry(r.bucket).or_default();
        b.0 += r.mention_count;
        b.1 += r.article_count;
    }
    buckets.into_iter().map(|(s, (m, a))| (s, m, a)).collect()
}

/// How the entity is written: every alias and every other form its
/// mentions take ("Sarfaraz" for "Wahid Sarfaraz"), with how many mentions
/// (`texts`, counted by text) normalise like it, most used first; an alias
/// no mention uses counts 0. A form that is no alias is shown as its
/// commonest text.
pub fn alias_counts(aliases: &[String], texts: &[Counted]) -> Vec<(String, i64)> {
    // norm -> (shown as, count)
    let mut forms: Vec<(String, String, i64)> = Vec::new();
    for a in aliases {
        let norm = mediamon_names::normalize(a);
        if !forms.iter().any(|f| f.0 == norm) {
            forms.push((norm, a.clone(), 0));
        }
    }
    // Texts come most used first: the first of a form names it.
    for t in texts {
        let norm = mediamon_names::normalize(&t.name);
        match forms.iter_mut().find(|f| f.0 == norm) {
            Some(f) => f.2 += t.count,
            None => forms.push((norm, t.name.clone(), t.count)),
        }
    }
    let mut out: Vec<(String, i64)> = forms.into_iter().map(|(_, a, n)| (a, n)).collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn days_start_at_local_midnight() {
        let kabul: Tz = "Asia/Kabul".parse().expect("zone");
        let starts = bucket_starts(
            utc("2025-02-01T00:00:00Z"),
            utc("2025-02-03T00:00:00Z"),
            Bucket::Day,
            kabul,
        )
        .expect("few");
        // Kabul is 4:30 ahead: 1 February began at 31 January 19:30 UTC.
        assert_eq!(
            starts,
            vec![
                utc("2025-01-31T19:30:00Z"),
                utc("2025-02-01T19:30:00Z"),
                utc("2025-02-02T19:30:00Z"),
            ]
        );
    }

    #[test]
    fn a_clock_change_makes_a_short_day_and_no_lost_hour() {
        let london: Tz = "Europe/London".parse().expect("zone");
        // Clocks went forward on 30 March 2025 at 01:00 UTC.
        let days = bucket_starts(
            utc("2025-03-29T12:00:00Z"),
            utc("2025-04-01T00:00:00Z"),
            Bucket::Day,
            london,
        )
        .expect("few");
        assert_eq!(
            days,
            vec![
                utc("2025-03-29T00:00:00Z"),
                utc("2025-03-30T00:00:00Z"),
                utc("2025-03-30T23:00:00Z"),
                utc("2025-03-31T23:00:00Z"),
            ]
        );
        let hours = bucket_starts(
            utc("2025-03-30T00:00:00Z"),
            utc("2025-03-30T03:00:00Z"),
            Bucket::Hour,
            london,
        )
        .expect("few");
        assert_eq!(hours.len(), 3);
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        let weeks = bucket_starts(
            utc("2025-02-05T10:00:00Z"),
            utc("2025-02-20T00:00:00Z"),
            Bucket::Week,
            Tz::UTC,
        )
        .expect("few");
        assert_eq!(weeks[0], utc("2025-02-03T00:00:00Z"));
        assert_eq!(weeks.len(), 3);
        let months = bucket_starts(
            utc("2025-01-31T10:00:00Z"),
            utc("2025-04-01T00:00:00Z"),
            Bucket::Month,
            Tz::UTC,
        )
        .expect("few");
        assert_eq!(
            months,
            vec![
                utc("2025-01-01T00:00:00Z"),
                utc("2025-02-01T00:00:00Z"),
                utc("2025-03-01T00:00:00Z"),
            ]
        );
    }

    #[test]
    fn too_many_buckets_are_refused() {
        assert!(
            bucket_starts(
                utc("2000-01-01T00:00:00Z"),
                utc("2025-01-01T00:00:00Z"),
                Bucket::Hour,
                Tz::UTC,
            )
            .is_none()
        );
    }

    #[test]
    fn empty_buckets_count_zero() {
        let e = Uuid::nil();
        let starts = vec![utc("2025-02-01T00:00:00Z"), utc("2025-02-02T00:00:00Z")];
        let rows = vec![TimelineRow {
            entity_id: e,
            bucket: utc("2025-02-02T00:00:00Z"),
            mention_count: 3,
            article_count: 2,
        }];
        assert_eq!(
            zero_filled(&starts, &rows, e),
            vec![(starts[0], 0, 0), (starts[1], 3, 2)]
        );
    }

    #[test]
    fn every_form_counts_the_mentions_written_like_it() {
        let texts = vec![
            Counted {
                name: "Mottaki".into(),
                count: 2,
            },
            Counted {
                name: "MOTTAKI".into(),
                count: 1,
            },
            Counted {
                name: "Muttaqi".into(),
                count: 5,
            },
            Counted {
                name: "Amir Muttaqi".into(),
                count: 1,
            },
        ];
        let aliases = vec!["Mottaki".to_string(), "Muttaqi".into(), "Amir Khan".into()];
        assert_eq!(
            alias_counts(&aliases, &texts),
            vec![
                ("Muttaqi".to_string(), 5),
                ("Mottaki".to_string(), 3),
                ("Amir Muttaqi".to_string(), 1),
                ("Amir Khan".to_string(), 0)
            ]
        );
    }
}
