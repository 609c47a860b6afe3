use chrono::NaiveDate;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d} is a date"))
}

/// Friday, 10 January 2025.
fn friday() -> Option<NaiveDate> {
    Some(day(2025, 1, 10))
}

/// The only expression in `text`.
fn one(text: &str, published: Option<NaiveDate>) -> TimeExpression {
    let found = find(text, published);
    assert_eq!(found.len(), 1, "{text:?}: {found:?}");
    found
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{text:?} has one"))
}

/// The only expression's text, first and last day and precision.
fn span(text: &str, published: Option<NaiveDate>) -> (String, NaiveDate, NaiveDate, Precision) {
    let e = one(text, published);
    (e.text, e.first, e.last, e.precision)
}

fn on(text: &str, published: Option<NaiveDate>) -> NaiveDate {
    let e = one(text, published);
    assert_eq!((e.first, e.precision), (e.last, Precision::Day), "{e:?}");
    e.first
}

fn texts(text: &str, published: Option<NaiveDate>) -> Vec<String> {
    find(text, published).into_iter().map(|e| e.text).collect()
}

#[test]
fn absolute_dates_with_a_year() {
    let e = one(
        "The two foreign ministers met on January 8, 2025 in Doha.",
        None,
    );
    assert_eq!(e.text, "on January 8, 2025");
    assert_eq!((e.first, e.last), (day(2025, 1, 8), day(2025, 1, 8)));
    assert_eq!((e.precision, e.relative), (Precision::Day, false));
    assert_eq!(
        span("The envoy left Kabul on 8 January 2025.", None),
        (
            "on 8 January 2025".into(),
            day(2025, 1, 8),
            day(2025, 1, 8),
            Precision::Day
        )
    );
    assert_eq!(
        on("Talks resumed January 8 2025, officials said.", None),
        day(2025, 1, 8)
    );
    assert_eq!(
        on("The decree of Jan. 8, 2024 was withdrawn.", None),
        day(2024, 1, 8)
    );
    assert_eq!(
        on("It was signed on the 8th of January 2024.", None),
        day(2024, 1, 8)
    );
}

#[test]
fn dates_without_a_year_need_the_publication_date() {
    assert!(find("The spokesman denied the report on January 8.", None).is_empty());
    assert!(find("The delegation returned last week.", None).is_empty());
    let e = one("The spokesman denied the report on January 8.", friday());
    assert_eq!((e.first, e.relative), (day(2025, 1, 8), true));
    assert_eq!(
        on("They met 8 January in Tehran.", friday()),
        day(2025, 1, 8)
    );
    assert_eq!(
        on("They met on Jan. 8 in Tehran.", friday()),
        day(2025, 1, 8)
    );
    assert_eq!(on("They met Jan 8 in Tehran.", friday()), day(2025, 1, 8));
    assert_eq!(
        on(
            "A ceasefire took hold on February 1st.",
            Some(day(2025, 2, 3))
        ),
        day(2025, 2, 1)
    );
}

#[test]
fn a_year_is_chosen_near_the_publication_date() {
    // Just before the new year, the one that has gone.
    assert_eq!(
        on("Clashes began on December 28.", friday()),
        day(2024, 12, 28)
    );
    assert_eq!(on("Clashes began on January 8.", friday()), day(2025, 1, 8));
    // A date shortly ahead stays ahead: an announced meeting.
    assert_eq!(
        on("The jirga is due on January 20.", friday()),
        day(2025, 1, 20)
    );
    // Half a year either way: the past wins.
    assert_eq!(
        on(
            "Border crossings closed on December 1.",
            Some(day(2025, 6, 15))
        ),
        day(2024, 12, 1)
    );
    // An announcement looks ahead, however far.
    let march = Some(day(2025, 3, 5));
    assert_eq!(
        on("Pakistan will deport them by November 1.", march),
        day(2025, 11, 1)
    );
    assert_eq!(
        on("Pakistan deported them by November 1.", march),
        day(2024, 11, 1)
    );
    assert_eq!(
        span("The envoy will visit Kabul in October.", march).1,
        day(2025, 10, 1)
    );
    assert_eq!(
        span("Many have left since October.", march).1,
        day(2024, 10, 1)
    );
    // Only a leap year has the day.
    assert_eq!(
        on("The accord dates from February 29.", Some(day(2025, 3, 10))),
        day(2024, 2, 29)
    );
    assert!(find("The accord dates from February 30.", friday()).is_empty());
}

#[test]
fn day_ranges_are_one_expression() {
    let published = Some(day(2025, 9, 1));
    assert_eq!(
        span(
            "The conference was held on August 25th and 26th in Islamabad.",
            published
        ),
        (
            "on August 25th and 26th".into(),
            day(2025, 8, 25),
            day(2025, 8, 26),
            Precision::Day
        )
    );
    assert_eq!(
        span("Talks ran August 25-26, 2024.", None),
        (
            "August 25-26, 2024".into(),
            day(2024, 8, 25),
            day(2024, 8, 26),
            Precision::Day
        )
    );
    assert_eq!(
        span("Talks ran 25 and 26 August.", published).1,
        day(2025, 8, 25)
    );
}

#[test]
fn weekday_with_a_date_picks_the_year_it_fits() {
    let e = one(
        "Fighting resumed on Saturday, February 1, after a lull.",
        Some(day(2025, 2, 3)),
    );
    assert_eq!(e.text, "on Saturday, February 1");
    assert_eq!((e.first, e.relative), (day(2025, 2, 1), true));
    // February 1 was a Thursday only in 2024 of the three years, though
    // the nearest February 1 to the publication date is in 2025.
    assert_eq!(
        on("The minister spoke on Thursday, February 1.", friday()),
        day(2024, 2, 1)
    );
    let e = one("It ended on Saturday, February 1, 2025.", None);
    assert_eq!((e.first, e.relative), (day(2025, 2, 1), false));
}

#[test]
fn months_and_years() {
    assert_eq!(
        span("The agreement was signed in March 2024.", None),
        (
            "in March 2024".into(),
            day(2024, 3, 1),
            day(2024, 3, 31),
            Precision::Month
        )
    );
    assert_eq!(
        span("The March 2024 agreement lapsed.", None).0,
        "March 2024"
    );
    let e = one("The envoy visited Kabul in March.", Some(day(2025, 6, 15)));
    assert_eq!(
        (e.text.as_str(), e.first, e.last, e.precision, e.relative),
        (
            "in March",
            day(2025, 3, 1),
            day(2025, 3, 31),
            Precision::Month,
            true
        )
    );
    assert_eq!(
        span("The Taliban took power in 2021.", None),
        (
            "in 2021".into(),
            day(2021, 1, 1),
            day(2021, 12, 31),
            Precision::Year
        )
    );
    assert_eq!(span("Nothing has changed since 2021.", None).0, "2021");
    assert_eq!(span("Talks stalled by mid-2022.", None).0, "mid-2022");
    assert_eq!(span("Trade fell in early 2023.", None).0, "2023");
    assert_eq!(span("At the end of 2019, the group split.", None).0, "2019");
}

#[test]
fn numbers_are_not_years_without_a_cue() {
    for text in [
        "About 2,000 fighters crossed the border.",
        "Pakistan fenced most of the 936-km border.",
        "The 2025 budget cut aid.",
        "Resolution 2593 was adopted.",
        "Some 1950 families returned.",
        "Posted 03/02/2025 10:30",
        "The group has 2000 members in 2,021 villages.",
    ] {
        assert!(
            find(text, friday()).is_empty(),
            "{text:?}: {:?}",
            find(text, friday())
        );
    }
}

#[test]
fn may_and_march_are_months_only_beside_a_number() {
    for text in [
        "The ministers may meet again soon.",
        "May officials said nothing.",
        "Protesters began a march through Quetta.",
        "A long March through the valley was planned.",
        "the two sides may 5 times",
    ] {
        assert!(
            find(text, friday()).is_empty(),
            "{text:?}: {:?}",
            find(text, friday())
        );
    }
    assert_eq!(
        on("Voting ends on May 5.", Some(day(2025, 5, 20))),
        day(2025, 5, 5)
    );
    assert_eq!(span("It began in May 2021.", None).0, "in May 2021");
}

#[test]
fn today_yesterday_tomorrow() {
    let e = one("The spokesman denied it today.", friday());
    assert_eq!(
        (e.text.as_str(), e.first, e.relative),
        ("today", day(2025, 1, 10), true)
    );
    assert_eq!(
        on("Yesterday's talks ended early.", friday()),
        day(2025, 1, 9)
    );
    assert_eq!(
        on("The envoy arrives tomorrow.", friday()),
        day(2025, 1, 11)
    );
    assert_eq!(on("He was detained last night.", friday()), day(2025, 1, 9));
    assert_eq!(on("He spoke this morning.", friday()), day(2025, 1, 10));
}

#[test]
fn weekdays_are_resolved_by_tense() {
    // Published on a Friday.
    let e = one(
        "The governor said on Monday that the road was open.",
        friday(),
    );
    assert_eq!((e.text.as_str(), e.first), ("on Monday", day(2025, 1, 6)));
    assert_eq!(on("Officials met Monday.", friday()), day(2025, 1, 6));
    // The publication day itself.
    assert_eq!(
        on("The spokesman spoke on Friday.", friday()),
        day(2025, 1, 10)
    );
    // Future: the next one after.
    assert_eq!(
        on("The ministers will meet in Tehran on Monday.", friday()),
        day(2025, 1, 13)
    );
    assert_eq!(
        on("They are due to meet on Friday.", friday()),
        day(2025, 1, 17)
    );
    assert_eq!(on("They meet next Monday.", friday()), day(2025, 1, 13));
    assert_eq!(
        on("They meet this coming Friday.", friday()),
        day(2025, 1, 17)
    );
    // A future cue in an earlier sentence does not count.
    assert_eq!(
        on("Talks will go on. They met on Monday.", friday()),
        day(2025, 1, 6)
    );
    let e = one("The talks ended last Thursday.", friday());
    assert_eq!(
        (e.text.as_str(), e.first),
        ("last Thursday", day(2025, 1, 9))
    );
    assert_eq!(
        on("The talks ended last Friday.", friday()),
        day(2025, 1, 3)
    );
}

#[test]
fn weekdays_with_dayparts_and_possessives() {
    let e = one("The blast hit the market on Sunday night.", friday());
    assert_eq!(
        (e.text.as_str(), e.first),
        ("on Sunday night", day(2025, 1, 5))
    );
    let e = one("Police said Thursday evening that two were held.", friday());
    assert_eq!(
        (e.text.as_str(), e.first),
        ("Thursday evening", day(2025, 1, 9))
    );
    let e = one("Sunday's meeting was cancelled.", friday());
    assert_eq!((e.text.as_str(), e.first), ("Sunday", day(2025, 1, 5)));
    // Not inside words.
    assert!(find("Mondays are market days; Sundaybazaar is closed.", friday()).is_empty());
}

#[test]
fn weeks_months_and_years_around_publication() {
    let week = |text: &str| span(text, friday());
    assert_eq!(
        week("The delegation visited Islamabad last week."),
        (
            "last week".into(),
            day(2024, 12, 30),
            day(2025, 1, 5),
            Precision::Week
        )
    );
    assert_eq!(week("Talks resume this week.").1, day(2025, 1, 6));
    assert_eq!(week("Talks resume next week.").2, day(2025, 1, 19));
    assert_eq!(
        week("Prices rose last month."),
        (
            "last month".into(),
            day(2024, 12, 1),
            day(2024, 12, 31),
            Precision::Month
        )
    );
    assert_eq!(
        week("The ban was announced earlier this month."),
        (
            "earlier this month".into(),
            day(2025, 1, 1),
            day(2025, 1, 10),
            Precision::Month
        )
    );
    assert_eq!(
        week("Elections are planned later this year.").1,
        day(2025, 1, 10)
    );
    assert_eq!(
        week("The border was shut last year."),
        (
            "last year".into(),
            day(2024, 1, 1),
            day(2024, 12, 31),
            Precision::Year
        )
    );
    assert_eq!(week("This year's harvest failed.").2, day(2025, 12, 31));
}

#[test]
fn weekends_are_saturday_and_sunday() {
    let monday = Some(day(2025, 1, 13));
    let sunday = Some(day(2025, 1, 12));
    let weekend = |text: &str, p| {
        let e = one(text, p);
        assert_eq!(e.precision, Precision::Day);
        (e.text, e.first, e.last)
    };
    assert_eq!(
        weekend("Two soldiers were killed over the weekend.", monday),
        (
            "over the weekend".into(),
            day(2025, 1, 11),
            day(2025, 1, 12)
        )
    );
    assert_eq!(
        weekend("They met at the weekend.", sunday).1,
        day(2025, 1, 11)
    );
    assert_eq!(
        weekend("They met last weekend.", monday).1,
        day(2025, 1, 11)
    );
    assert_eq!(weekend("They met last weekend.", sunday).1, day(2025, 1, 4));
    assert_eq!(
        weekend("They will meet at the weekend.", monday).1,
        day(2025, 1, 18)
    );
    assert_eq!(
        weekend("They meet this weekend.", monday).1,
        day(2025, 1, 18)
    );
    assert_eq!(
        weekend("They meet next weekend.", sunday).1,
        day(2025, 1, 18)
    );
}

#[test]
fn time_ago() {
    assert_eq!(
        on("The convoy left two days ago.", friday()),
        day(2025, 1, 8)
    );
    assert_eq!(on("The convoy left 3 days ago.", friday()), day(2025, 1, 7));
    assert_eq!(
        span("The envoy was named three weeks ago.", friday()),
        (
            "three weeks ago".into(),
            day(2024, 12, 16),
            day(2024, 12, 22),
            Precision::Week
        )
    );
    assert_eq!(span("It closed a week ago.", friday()).1, day(2024, 12, 30));
    assert_eq!(span("It closed a month ago.", friday()).3, Precision::Month);
    assert_eq!(
        span("It closed two years ago.", friday()).1,
        day(2023, 1, 1)
    );
    assert!(find("Two days of talks ended.", friday()).is_empty());
}

#[test]
fn offsets_are_code_points() {
    let text =
        "Türkiye’s envoy — «در کابل» — said on Monday the talks on Saturday, February 1 failed.";
    let found = find(text, Some(day(2025, 2, 3)));
    assert_eq!(
        found.iter().map(|e| e.text.as_str()).collect::<Vec<_>>(),
        ["on Monday", "on Saturday, February 1"]
    );
    for e in &found {
        let slice: String = text.chars().skip(e.start).take(e.end - e.start).collect();
        assert_eq!(slice, e.text);
    }
    let e = one("Türkiye said on Monday", friday());
    assert_eq!((e.start, e.end), (13, 22));
}

#[test]
fn several_expressions_in_order() {
    let text = "The delegation arrived on Monday and left on Wednesday, three weeks after \
        talks in Doha in March 2024 and a year after the 2,000 prisoners were freed in 2023.";
    assert_eq!(
        texts(text, friday()),
        ["on Monday", "on Wednesday", "in March 2024", "in 2023"]
    );
    // Without a publication date only those with a year remain.
    assert_eq!(texts(text, None), ["in March 2024", "in 2023"]);
}

#[test]
fn precision_codes_match_their_serialisation() {
    for p in [
        Precision::Day,
        Precision::Week,
        Precision::Month,
        Precision::Year,
    ] {
        assert_eq!(
            serde_json::to_string(&p).ok(),
            Some(format!("\"{}\"", p.code()))
        );
    }
}
