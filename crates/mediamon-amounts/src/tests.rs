use super::*;

/// The only amount in `text`.
fn one(text: &str) -> Amount {
    let found = find(text);
    assert_eq!(found.len(), 1, "{text:?}: {found:?}");
    found
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{text:?} has one"))
}

/// The only amount as (text, value, unit, counted, approximate).
fn got(text: &str) -> (String, f64, String, String, bool) {
    let a = one(text);
    (a.text, a.value, a.unit, a.counted, a.approximate)
}

fn want(
    text: &str,
    value: f64,
    unit: &str,
    counted: &str,
    approximate: bool,
) -> (String, f64, String, String, bool) {
    (text.into(), value, unit.into(), counted.into(), approximate)
}

fn none(text: &str) {
    assert!(find(text).is_empty(), "{text:?}: {:?}", find(text));
}

#[test]
fn counts_of_people_and_things() {
    assert_eq!(
        got("The Front said about 2,000 fighters had gathered."),
        want("about 2,000 fighters", 2000.0, "fighters", "", true)
    );
    assert_eq!(
        got("Officials put the number at 4,000 fighters."),
        want("4,000 fighters", 4000.0, "fighters", "", false)
    );
    assert_eq!(
        got("About 2,000 Taliban fighters crossed the river."),
        want("About 2,000 Taliban fighters", 2000.0, "fighters", "", true)
    );
    assert_eq!(
        got("Some 60 security personnel were deployed.").2,
        "personnel"
    );
    assert_eq!(
        got("At least 2,000 displaced families fled.").0,
        "At least 2,000 displaced families"
    );
    assert_eq!(got("The 12 ministers left.").2, "ministers");
    assert_eq!(got("Afghanistan's 34 provinces voted.").2, "provinces");
    assert_eq!(
        got("A 2,000-strong force was sent."),
        want("2,000-strong force", 2000.0, "force", "", false)
    );
    // Of a group.
    assert_eq!(got("Only 300 of the fighters surrendered.").2, "fighters");
}

#[test]
fn shares() {
    assert_eq!(
        got("The group claimed 60% of Panjshir."),
        want("60% of Panjshir", 60.0, "percent", "Panjshir", false)
    );
    assert_eq!(
        got("They hold 60 percent of the valley."),
        want("60 percent of the valley", 60.0, "percent", "valley", false)
    );
    assert_eq!(
        got("nearly 45 per cent of the Afghan population"),
        want(
            "nearly 45 per cent of the Afghan population",
            45.0,
            "percent",
            "population",
            true
        )
    );
    assert_eq!(got("Turnout was 3.5%.").1, 3.5);
}

#[test]
fn measures() {
    assert_eq!(
        got("Pakistan has fenced a 936-km border with Iran."),
        want("936-km border", 936.0, "km", "border", false)
    );
    assert_eq!(
        got("It shares 2,640 km of border with Afghanistan."),
        want("2,640 km of border", 2640.0, "km", "border", false)
    );
    assert_eq!(
        got("The minister began a three-day visit."),
        want("three-day visit", 3.0, "day", "visit", false)
    );
    assert_eq!(
        got("After three days of talks, the envoys left."),
        want("three days of talks", 3.0, "days", "talks", false)
    );
    assert_eq!(got("A 5km stretch was closed.").2, "km");
    assert_eq!(got("Iran shipped 500 tonnes of wheat.").3, "wheat");
}

#[test]
fn approximation_cues() {
    for (text, start) in [
        ("more than 1,000 people were held", "more than 1,000 people"),
        ("at least 12 soldiers died", "at least 12 soldiers"),
        ("up to 300 families returned", "up to 300 families"),
        (
            "an estimated 5,000 refugees crossed",
            "an estimated 5,000 refugees",
        ),
        ("as many as 40 trucks waited", "as many as 40 trucks"),
        ("roughly 70 delegates attended", "roughly 70 delegates"),
        ("Nearly 900 detainees were freed", "Nearly 900 detainees"),
        ("some 2,000 guards", "some 2,000 guards"),
    ] {
        let a = one(text);
        assert_eq!((a.text.as_str(), a.approximate), (start, true), "{text:?}");
    }
    assert!(!one("Police arrested 14 suspects.").approximate);
}

#[test]
fn spelled_numbers() {
    assert_eq!(
        got("Two delegations met in Doha."),
        want("Two delegations", 2.0, "delegations", "", false)
    );
    assert_eq!(got("twenty-five ministers attended").1, 25.0);
    assert_eq!(
        got("They sent a dozen envoys."),
        want("a dozen envoys", 12.0, "envoys", "", false)
    );
    assert_eq!(got("two hundred families").1, 200.0);
    assert_eq!(got("the two sides agree").2, "sides");
    assert_eq!(got("One official said the talks failed.").2, "official");
    assert_eq!(got("one of the ministers resigned").2, "ministers");
    none("The two met on the border.");
    none("No one was hurt and they blamed one another.");
    none("It was one of the most serious attacks.");
}

#[test]
fn big_numbers_and_money() {
    assert_eq!(
        got("Donors pledged $2.5 billion."),
        want("$2.5 billion", 2.5e9, "usd", "", false)
    );
    assert_eq!(
        got("The bank approved a $2.5bn loan."),
        want("$2.5bn loan", 2.5e9, "usd", "loan", false)
    );
    assert_eq!(
        got("Washington gave US$300 million in aid."),
        want("US$300 million in aid", 3e8, "usd", "aid", false)
    );
    assert_eq!(got("It cost 2.5 billion dollars.").2, "dollars");
    assert_eq!(got("a fine of Rs. 500").2, "rupees");
    assert_eq!(
        got("Iran hosts 3 million Afghans."),
        want("3 million Afghans", 3e6, "afghans", "", false)
    );
    assert_eq!(got("2.5 million people").1, 2_500_000.0);
    assert_eq!(got("1.4 lakh voters").1, 140_000.0);
}

#[test]
fn vague_plurals() {
    assert_eq!(
        got("Hundreds of families fled the fighting."),
        want("Hundreds of families", 100.0, "families", "", true)
    );
    assert_eq!(got("tens of thousands of Afghans").1, 10_000.0);
    assert_eq!(got("hundreds of thousands of refugees").1, 100_000.0);
    assert_eq!(got("dozens of the detainees").2, "detainees");
    none("Hundreds gathered.");
}

#[test]
fn years_dates_times_and_ordinals_are_not_amounts() {
    for text in [
        "The Taliban returned to power in 2021.",
        "The 2025 budget was cut.",
        "Nothing has changed since 2021.",
        "2000 fighters",
        "The talks took place on February 1.",
        "The conference was held on August 25th and 26th.",
        "The conference was held on August 25 and 26.",
        "The conference was held on 25 and 26 August.",
        "It ended on Saturday, February 1, 2025.",
        "He left Kabul on 8 January.",
        "the 8th of January",
        "The briefing began at 10:30.",
        "The briefing began at 10 a.m.",
        "It was the first meeting; the 2nd round follows, then the 21st.",
        "The 1990s were hard.",
        "Two-thirds of the valley.",
        "The 2021-22 budget.",
        "Posted 03/02/2025",
    ] {
        none(text);
    }
    assert_eq!(got("about 2000 fighters").1, 2000.0);
}

#[test]
fn numbers_in_names_and_codes_are_not_amounts() {
    for text in [
        "The council adopted Resolution 2593.",
        "PML-N leaders met.",
        "A Boeing 737 landed.",
        "Two F-16 jets flew over.",
        "Officials imposed section 144.",
        "COVID-19 cases fell.",
        "He lives at No. 5.",
        "The G20 met.",
    ] {
        let found = find(text);
        assert!(found.iter().all(|a| a.value == 2.0), "{text:?}: {found:?}");
    }
    assert_eq!(got("Two F-16 jets flew over.").2, "jets");
}

#[test]
fn a_bare_figure_has_no_unit() {
    assert_eq!(
        got("The death toll rose to 12."),
        want("12", 12.0, "", "", false)
    );
}

#[test]
fn offsets_are_code_points_in_order() {
    let text = "Türkiye’s envoy — «در کابل» — said about 2,000 fighters and two delegations held 60% of the valley.";
    let found = find(text);
    assert_eq!(
        found.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(),
        [
            "about 2,000 fighters",
            "two delegations",
            "60% of the valley"
        ]
    );
    for a in &found {
        let slice: String = text.chars().skip(a.start).take(a.end - a.start).collect();
        assert_eq!(slice, a.text);
    }
}
