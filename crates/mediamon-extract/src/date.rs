//! Publication dates: machine-readable stamps, and dates written in the
//! page's text, with their precision and where they came from. A numeric
//! date such as 03/02/2025 reads two ways; the page decides which.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc, Weekday};

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Date and time of day.
    Time,
    Day,
    Month,
    Year,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Time => "time",
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

/// Where a publication date was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// `<meta>` tags (Open Graph `article:published_time` and kin).
    Meta,
    /// A JSON-LD `datePublished`.
    JsonLd,
    /// A `<time datetime>` element.
    TimeElement,
    /// A date written in the page's text.
    Text,
    /// The feed item's date.
    Feed,
}

impl DateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Meta => "meta",
            DateSource::JsonLd => "json-ld",
            DateSource::TimeElement => "time-element",
            DateSource::Text => "text",
            DateSource::Feed => "feed",
        }
    }
}

/// A publication date. `at` is the start of the known period (midnight UTC
/// for a day, the first of the month for a month).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub at: DateTime<Utc>,
    pub precision: Precision,
    pub source: DateSource,
    /// For a numeric date that reads two ways: what decided day and month.
    pub resolved_by: Option<&'static str>,
}

impl Published {
    fn day(date: NaiveDate, source: DateSource, resolved_by: Option<&'static str>) -> Self {
        Published {
            at: Utc.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN)),
            precision: Precision::Day,
            source,
            resolved_by,
        }
    }
}

/// A machine-readable stamp: RFC 3339 and ISO 8601 forms (with or without
/// time and zone), partial dates ("2025-02", "2025") and RFC 2822.
pub fn parse_stamp(raw: &str, source: DateSource) -> Option<Published> {
    let s = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(timed(t.with_timezone(&Utc), source));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, format) {
            return Some(timed(t.with_timezone(&Utc), source));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, format) {
            return Some(timed(Utc.from_utc_datetime(&t), source));
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(timed(t.with_timezone(&Utc), source));
    }
    let head = s.get(..10).unwrap_or(s);
    if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
        return Some(Published::day(d, source, None));
    }
    let parts: Vec<&str> = s.split('-').collect();
    let year = parts.first().and_then(|y| plausible_year(y))?;
    match parts.as_slice() {
        [_] => partial(year, 1, Precision::Year, source),
        [_, m] => partial(year, m.parse().ok()?, Precision::Month, source),
        _ => None,
    }
}

fn timed(at: DateTime<Utc>, source: DateSource) -> Published {
    Published {
        at,
        precision: Precision::Time,
        source,
        resolved_by: None,
    }
}

fn partial(year: i32, month: u32, precision: Precision, source: DateSource) -> Option<Published> {
    let date = NaiveDate::from_ymd_opt(year, month, 1)?;
    Some(Published {
        precision,
        ..Published::day(date, source, None)
    })
}

fn plausible_year(s: &str) -> Option<i32> {
    let y: i32 = s.parse().ok()?;
    (s.len() == 4 && (1900..=2200).contains(&y)).then_some(y)
}

/// Evidence in the page for reading numeric dates: the months and weekdays
/// it names, and whether other dates on it settle the order.
#[derive(Debug, Default)]
pub struct Evidence {
    months_named: [u32; 12],
    weekdays_named: [u32; 7],
    day_first_seen: bool,
    month_first_seen: bool,
    feed_date: Option<NaiveDate>,
}

impl Evidence {
    /// Reads the evidence from the page's text.
    pub fn from_text(text: &str, feed_date: Option<NaiveDate>) -> Self {
        let mut ev = Evidence {
            feed_date,
            ..Evidence::default()
        };
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.len() < 3 || !word.starts_with(|c: char| c.is_uppercase()) {
                continue;
            }
            // Only full month names count: "Mar" and "May" are also words.
            if let Some(m) = mediamon_nlp::full_month(word) {
                ev.months_named[m as usize - 1] += 1;
            } else if let Ok(day) = word.parse::<Weekday>()
                && word.len() > 3
            {
                ev.weekdays_named[day.num_days_from_monday() as usize] += 1;
            }
        }
        for (a, b, _) in numeric_dates(text) {
            ev.day_first_seen |= a > 12 && b <= 12;
            ev.month_first_seen |= b > 12 && a <= 12;
        }
        ev
    }

    /// Reads a numeric date `a/b/year`.
    fn resolve(&self, a: u32, b: u32, year: i32) -> Option<(NaiveDate, Option<&'static str>)> {
        let day_first = NaiveDate::from_ymd_opt(year, b, a);
        let month_first = NaiveDate::from_ymd_opt(year, a, b);
        let (d, m) = match (day_first, month_first) {
            (Some(d), Some(m)) if d != m => (d, m),
            (Some(d), _) => return Some((d, None)),
            (None, Some(m)) => return Some((m, None)),
            (None, None) => return None,
        };
        if self.day_first_seen != self.month_first_seen {
            let pick = if self.day_first_seen { d } else { m };
            return Some((pick, Some("other dates on the page")));
        }
        if let Some(feed) = self.feed_date {
            let gap = |x: NaiveDate| (x - feed).num_days().abs();
            if gap(d) != gap(m) && gap(d).min(gap(m)) <= 3 {
                return Some((if gap(d) < gap(m) { d } else { m }, Some("the feed's date")));
            }
        }
        let support = |x: NaiveDate| {
            self.months_named[x.month0() as usize] * 2
                + self.weekdays_named[x.weekday().num_days_from_monday() as usize]
        };
        match support(d).cmp(&support(m)) {
            std::cmp::Ordering::Greater => Some((d, Some("months and weekdays named in the text"))),
            std::cmp::Ordering::Less => Some((m, Some("months and weekdays named in the text"))),
            std::cmp::Ordering::Equal => Some((d, Some("day first, as most outlets write"))),
        }
    }
}

/// Numeric dates `a/b/yyyy` (also with `.` or `-`) in a text.
fn numeric_dates(text: &str) -> impl Iterator<Item = (u32, u32, i32)> + '_ {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '|'))
        .filter_map(|w| {
            let w = w.trim_matches(|c: char| !c.is_ascii_digit());
            let sep = w.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
            let parts: Vec<&str> = w.split(sep).collect();
            let [a, b, y] = parts.as_slice() else {
                return None;
            };
            if a.is_empty() || b.is_empty() || a.len() > 2 || b.len() > 2 {
                return None;
            }
            Some((a.parse().ok()?, b.parse().ok()?, plausible_year(y)?))
        })
}

/// The first date written in `text` ("Published 03/02/2025", "February 3,
/// 2025", "3 Feb 2025", "February 2025"); dates after "published" or
/// "posted" come first.
pub fn find_in_text(text: &str, evidence: &Evidence) -> Option<Published> {
    let lower = text.to_lowercase();
    let labelled = ["published", "posted on", "posted"]
        .iter()
        .filter_map(|l| lower.find(l).map(|at| at + l.len()))
        .min();
    if let Some(at) = labelled {
        let after = text.get(at..).unwrap_or("");
        let near: String = after.chars().take(40).collect();
        if let Some(p) = first_date(&near, evidence) {
            return Some(p);
        }
    }
    first_date(text, evidence)
}

fn first_date(text: &str, evidence: &Evidence) -> Option<Published> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, raw) in words.iter().enumerate() {
        let w =
            raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '.' && c != '-');
        if let Some((a, b, y)) = numeric_dates(w).next()
            && let Some((date, why)) = evidence.resolve(a, b, y)
        {
            return Some(Published::day(date, DateSource::Text, why));
        }
        let Some(month) = mediamon_nlp::month(w) else {
            continue;
        };
        let num = |k: usize| {
            words.get(k).map(|x| {
                x.trim_end_matches(['.', ',', ')'])
                    .trim_end_matches(char::is_alphabetic)
            })
        };
        let year_at = |k: usize| {
            words
                .get(k)
                .and_then(|x| plausible_year(x.trim_end_matches(['.', ',', ')'])))
        };
        // "February 3, 2025"
        if let (Some(Ok(day)), Some(year)) = (num(i + 1).map(str::parse::<u32>), year_at(i + 2))
            && let Some(d) = NaiveDate::from_ymd_opt(year, month, day)
        {
            return Some(Published::day(d, DateSource::Text, None));
        }
        // "3 February 2025"
        if let (Some(Ok(day)), Some(year)) = (
            i.checked_sub(1).and_then(num).map(str::parse::<u32>),
            year_at(i + 1),
        ) && let Some(d) = NaiveDate::from_ymd_opt(year, month, day)
        {
            return Some(Published::day(d, DateSource::Text, None));
        }
        // "February 2025"
        if let Some(year) = year_at(i + 1) {
            return partial(year, month, Precision::Month, DateSource::Text);
        }
    }
    None
}

/// The dateline at the start of a story ("PESHAWAR:", "KABUL, Feb 3 -"):
/// the place in capitals (four letters or more, so agencies such as "AFP:"
/// are not places) before a colon or dash.
pub fn dateline_of(body: &str) -> Option<String> {
    // A standfirst may come before the paragraph that carries the dateline.
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .take(3)
        .find_map(dateline)
}

fn dateline(first_paragraph: &str) -> Option<String> {
    let head: String = first_paragraph.chars().take(60).collect();
    let end = head.find([':', '—', '–']).or_else(|| head.find(" - "))?;
    let place = head[..end].split(',').next()?.trim();
    let letters = place.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = place
        .chars()
        .all(|c| c.is_uppercase() || c == ' ' || c == '-' || c == '.');
    (letters >= 4 && capitals && place.split_whitespace().count() <= 3).then(|| place.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(p: &Published) -> String {
        p.at.format("%Y-%m-%d").to_string()
    }

    #[test]
    fn stamps() {
        let p = parse_stamp("2025-02-03T09:30:00+04:30", DateSource::Meta).expect("rfc3339");
        assert_eq!(p.at.to_rfc3339(), "2025-02-03T05:00:00+00:00");
        assert_eq!(p.precision, Precision::Time);
        assert_eq!(
            parse_stamp("2025-02-03", DateSource::Meta)
                .expect("date")
                .precision,
            Precision::Day
        );
        assert_eq!(
            parse_stamp("2025-02", DateSource::Meta)
                .expect("month")
                .precision,
            Precision::Month
        );
        assert_eq!(
            parse_stamp("2025", DateSource::Meta)
                .expect("year")
                .precision,
            Precision::Year
        );
        assert!(parse_stamp("Mon, 03 Feb 2025 10:00:00 GMT", DateSource::Feed).is_some());
        assert!(parse_stamp("yesterday", DateSource::Meta).is_none());
        assert!(parse_stamp("2025-13", DateSource::Meta).is_none());
    }

    #[test]
    fn month_named_in_text_decides_order() {
        let text = "Published 03/02/2025\nOn Saturday, February 1, the council denied it.";
        let p = find_in_text(text, &Evidence::from_text(text, None)).expect("date");
        assert_eq!(ymd(&p), "2025-02-03");
        assert_eq!(p.precision, Precision::Day);
        let text = "Posted 03/02/2025. The vote in early March was delayed.";
        let p = find_in_text(text, &Evidence::from_text(text, None)).expect("date");
        assert_eq!(ymd(&p), "2025-03-02");
    }

    #[test]
    fn other_dates_and_feed_decide_order() {
        let text = "Published 03/02/2025. Earlier report: 25/01/2025.";
        let p = find_in_text(text, &Evidence::from_text(text, None)).expect("date");
        assert_eq!(
            (ymd(&p).as_str(), p.resolved_by),
            ("2025-02-03", Some("other dates on the page"))
        );
        let feed = NaiveDate::from_ymd_opt(2025, 3, 2);
        let text = "Published 03/02/2025.";
        let p = find_in_text(text, &Evidence::from_text(text, feed)).expect("date");
        assert_eq!(ymd(&p), "2025-03-02");
        let p = find_in_text("12/05/2024", &Evidence::default()).expect("date");
        assert_eq!(ymd(&p), "2024-05-12");
        assert_eq!(p.resolved_by, Some("day first, as most outlets write"));
        let p = find_in_text("on 25/12/2024", &Evidence::default()).expect("date");
        assert_eq!((ymd(&p).as_str(), p.resolved_by), ("2024-12-25", None));
    }

    #[test]
    fn written_dates() {
        let ev = Evidence::default();
        assert_eq!(
            ymd(&find_in_text("Kabul, February 3, 2025 —", &ev).expect("d")),
            "2025-02-03"
        );
        assert_eq!(
            ymd(&find_in_text("Updated 3 Feb. 2025", &ev).expect("d")),
            "2025-02-03"
        );
        let month = find_in_text("Report of March 2024", &ev).expect("m");
        assert_eq!(
            (ymd(&month).as_str(), month.precision),
            ("2024-03-01", Precision::Month)
        );
        assert!(find_in_text("No date here, may it be.", &ev).is_none());
    }

    #[test]
    fn datelines() {
        assert_eq!(
            dateline("PESHAWAR: The provincial assembly met.").as_deref(),
            Some("PESHAWAR")
        );
        assert_eq!(
            dateline("KABUL, Feb 3 — Talks resumed.").as_deref(),
            Some("KABUL")
        );
        assert_eq!(
            dateline("NEW DELHI - Officials said.").as_deref(),
            Some("NEW DELHI")
        );
        assert_eq!(dateline("The minister said: no."), None);
        assert_eq!(dateline("AFP: reported"), None);
    }
}
