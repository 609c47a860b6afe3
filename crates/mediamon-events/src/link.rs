//! One event, many reports: whether an article's report of a happening is
//! one already known (from other articles and outlets) or a new one. Pure,
//! so the resolver decides and a benchmark scores alike.
//!
//! Two reports are one happening when they are of one kind family and
//! what they say agrees: shared participants, the place and the days weigh
//! for it; days said on both sides that lie apart rule it out (the same
//! two people meeting in November and in February are two events); two
//! places named, or participants named on both sides with none in common,
//! count against it. A report that names no one is linked by its place
//! and days, or to a known event of its kind when nothing tells them
//! apart (the resolver only weighs events that share a key with it). What lies within what (a city in its country, a
//! state's agency in the state) relates reports that name the two: "a
//! meeting with the ISI in Turkey" and "a meeting with Pakistan in
//! Istanbul" may be one.

use chrono::NaiveDate;

use crate::Kind;

/// What a report (or a known event) says of a happening, with entities of
/// type `E`.
#[derive(Debug, Clone, PartialEq)]
pub struct Happening<E> {
    pub kind: Kind,
    pub participants: Vec<E>,
    pub place: Option<E>,
    /// The days it happened on, when said.
    pub days: Option<(NaiveDate, NaiveDate)>,
    /// When it was reported (the article's publication day); a known event:
    /// its latest report.
    pub reported: NaiveDate,
    /// `(part, whole)`: a participant or the place and what it lies within
    /// or belongs to (Istanbul and Türkiye, the ISI and Pakistan).
    pub within: Vec<(E, E)>,
    /// Whom the report's article is about ([`main_actors`]): a report is
    /// also about them ("the talks ended without agreement"), and another
    /// article's report of the happening names them more often than the
    /// sentence does. Weighed as participants; not stored as such.
    pub about: Vec<E>,
    /// Those of the participants who are people.
    pub people: Vec<E>,
    /// The stems of the words it is told in ([`crate::stem`] of its
    /// triggers).
    pub words: Vec<String>,
}

/// How many of an article's actors it is about.
const MAIN_ACTORS: usize = 3;

/// Whom an article is about: of the people and organisations its names
/// are resolved to (`named`, in text order, one per mention), those it
/// names most, the earliest first.
pub fn main_actors<E: Eq + Copy>(named: &[E]) -> Vec<E> {
    // (entity, count, first position)
    let mut counts: Vec<(E, usize, usize)> = Vec::new();
    for (i, e) in named.iter().enumerate() {
        match counts.iter_mut().find(|c| c.0 == *e) {
            Some(c) => c.1 += 1,
            None => counts.push((*e, 1, i)),
        }
    }
    counts.sort_by_key(|c| (std::cmp::Reverse(c.1), c.2));
    counts.iter().take(MAIN_ACTORS).map(|c| c.0).collect()
}

impl<E: Eq> Happening<E> {
    /// Those it is about: its participants, then whom its article is about.
    fn actors(&self) -> Vec<&E> {
        let mut out: Vec<&E> = self.participants.iter().collect();
        for e in &self.about {
            if !out.contains(&e) {
                out.push(e);
            }
        }
        out
    }

    /// Whether `x` lies within (or belongs to) `y` by what this report knows.
    fn holds(&self, x: &E, y: &E) -> bool {
        self.within.iter().any(|(p, w)| p == x && w == y)
    }
}

/// Whether `x` (of `a`) and `y` (of `b`) are one, or one lies within the
/// other, by what either report knows.
fn related<E: Eq>(a: &Happening<E>, b: &Happening<E>, x: &E, y: &E) -> bool {
    [a, b].iter().any(|h| h.holds(x, y) || h.holds(y, x))
}

/// The decision for one report, with the candidates weighed.
#[derive(Debug, Clone, PartialEq)]
pub struct Linked<E> {
    /// The known event it is, or `None` for a new one.
    pub event: Option<E>,
    pub score: f64,
    /// Every candidate with its score (0 when something told them apart),
    /// best first.
    pub weighed: Vec<(E, f64)>,
    /// Why, in words.
    pub note: String,
}

/// Days said on both sides may be this far apart and still be one
/// happening (a report dated by its publication, a late report).
const DAY_SLACK: i64 = 2;
/// With no days said, reports this far apart are not linked.
const REPORT_WINDOW: i64 = 30;
/// A candidate at least this good is the same happening.
pub const LINK: f64 = 0.5;
/// The score of two reports of one kind that nothing weighs for or against.
const EVEN: f64 = 0.45;
/// What telling it in the same word weighs for.
const SAME_WORD: f64 = 0.1;
/// What naming other people on each side weighs against.
const OTHER_PEOPLE: f64 = 0.15;

/// How much `a` and `b` look like one happening, in [0, 1]; 0 when
/// something tells them apart.
pub fn similarity<E: Eq>(a: &Happening<E>, b: &Happening<E>) -> f64 {
    if a.kind.family() != b.kind.family() {
        return 0.0;
    }
    match (a.days, b.days) {
        (Some((a1, a2)), Some((b1, b2))) => {
            if (b1 - a2).num_days() > DAY_SLACK || (a1 - b2).num_days() > DAY_SLACK {
                return 0.0;
            }
        }
        _ => {
            if (a.reported - b.reported).num_days().abs() > REPORT_WINDOW {
                return 0.0;
            }
        }
    }
    let (pa, pb) = (a.actors(), b.actors());
    let shared = pa.iter().filter(|p| pb.contains(p)).count();
    // An actor of one that lies within (or owns) one of the other.
    let kin = pa
        .iter()
        .filter(|p| !pb.contains(p))
        .filter(|p| pb.iter().any(|q| related(a, b, p, q)))
        .count();
    let place = match (&a.place, &b.place) {
        (Some(x), Some(y)) if x == y => Place::Same,
        (Some(x), Some(y)) if related(a, b, x, y) => Place::Within,
        (Some(_), Some(_)) => Place::Other,
        _ => Place::Unsaid,
    };
    // One side naming no one cannot tell them apart by who took part.
    let vague = pa.is_empty() || pb.is_empty();
    // The smaller report decides the overlap: a short report names a few
    // of those a long one names.
    let smaller = pa.len().min(pb.len());
    let overlap = if smaller == 0 {
        0.0
    } else {
        ((shared as f64 + 0.5 * kin as f64) / smaller as f64).min(1.0)
    };
    // Of one kind and nothing telling them apart, two reports are about
    // even; those taking part, the place and the days weigh for or
    // against. Two places named count against, unless one lies in the
    // other (Tehran and Iran).
    let mut score = EVEN + 0.25 * overlap;
    if vague {
        score += 0.05;
    } else if shared == 0 && kin == 0 {
        score -= 0.2;
    }
    // People named on both sides, none the same: the arrest of one player
    // of a team is not the arrest of another.
    if !a.people.is_empty()
        && !b.people.is_empty()
        && !a.people.iter().any(|p| b.people.contains(p))
    {
        score -= OTHER_PEOPLE;
    }
    score += match place {
        Place::Same => 0.2,
        Place::Within => 0.15,
        Place::Other => -0.2,
        Place::Unsaid => 0.0,
    };
    if a.days.is_some() && b.days.is_some() {
        score += 0.1;
    }
    // Told in the same word ("arrested" and "the arrest"), not only of
    // one kind ("arrested" and "detained"): a report names a happening
    // as the reports it follows did.
    if a.words.iter().any(|w| b.words.contains(w)) {
        score += SAME_WORD;
    }
    score.min(1.0)
}

/// How the places of two reports compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Same,
    /// One lies within the other.
    Within,
    Other,
    /// Not said on one side or both.
    Unsaid,
}

/// Decides whether `report` is one of the `known` events.
pub fn link<E: Copy + Eq>(report: &Happening<E>, known: &[(E, Happening<E>)]) -> Linked<E> {
    let mut weighed: Vec<(E, f64)> = known
        .iter()
        .map(|(e, h)| (*e, similarity(report, h)))
        .collect();
    weighed.sort_by(|a, b| b.1.total_cmp(&a.1));
    match weighed.first().copied() {
        Some((event, score)) if score >= LINK => Linked {
            event: Some(event),
            score,
            note: format!(
                "the same {} as a known event: shared participants{}",
                report.kind.family().code(),
                if report.place.is_some() {
                    ", place"
                } else {
                    ""
                }
            ),
            weighed,
        },
        best => Linked {
            event: None,
            score: best.map_or(0.0, |b| b.1),
            note: if best.is_some() {
                "no known event close enough: a new one".to_string()
            } else {
                "no known event of this kind with these participants: a new one".to_string()
            },
            weighed,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 2, d).expect("date")
    }

    fn meeting(
        participants: &[u32],
        place: Option<u32>,
        days: Option<(u32, u32)>,
    ) -> Happening<u32> {
        Happening {
            kind: Kind::Meet,
            participants: participants.to_vec(),
            place,
            days: days.map(|(a, b)| (day(a), day(b))),
            reported: day(10),
            within: Vec::new(),
            about: Vec::new(),
            people: Vec::new(),
            words: Vec::new(),
        }
    }

    #[test]
    fn reports_that_share_participants_are_one_event() {
        let known = [(7, meeting(&[1, 2], Some(9), Some((1, 1))))];
        let d = link(&meeting(&[1, 2], Some(9), None), &known);
        assert_eq!(d.event, Some(7), "{d:?}");
        // A plan to meet and the meeting are one happening.
        let plan = Happening {
            kind: Kind::PlanMeet,
            ..meeting(&[2], None, None)
        };
        assert_eq!(link(&plan, &known).event, Some(7));
    }

    #[test]
    fn another_place_or_other_days_is_another_event() {
        let known = [(7, meeting(&[1, 2, 3], Some(9), Some((1, 1))))];
        assert_eq!(link(&meeting(&[1, 4], Some(8), None), &known).event, None);
        assert_eq!(
            link(&meeting(&[1, 2], None, Some((20, 21))), &known).event,
            None
        );
        // No participant in common: nothing to say it is the same.
        assert_eq!(link(&meeting(&[5], None, None), &known).event, None);
        // Another kind of happening.
        let arrest = Happening {
            kind: Kind::Arrest,
            ..meeting(&[1, 2], Some(9), None)
        };
        assert_eq!(link(&arrest, &known).event, None);
    }

    #[test]
    fn what_lies_within_relates_two_reports() {
        // 20: Pakistan, 21: its intelligence agency; 30: Türkiye, 31:
        // Istanbul, 32: Ankara.
        let known = [(7, meeting(&[20, 5, 6], Some(31), None))];
        let report = Happening {
            within: vec![(21, 20), (31, 30)],
            ..meeting(&[21], Some(30), None)
        };
        let d = link(&report, &known);
        assert_eq!(d.event, Some(7), "{d:?}");
        // Without knowing what lies within what, nothing relates them.
        let blind = meeting(&[21], Some(30), None);
        assert_eq!(link(&blind, &known).event, None);
        // Two cities of one country are two places.
        let elsewhere = Happening {
            within: vec![(21, 20), (32, 30)],
            ..meeting(&[21], Some(32), None)
        };
        assert_eq!(link(&elsewhere, &known).event, None);
    }

    #[test]
    fn a_report_is_also_about_whom_its_article_is_about() {
        assert_eq!(main_actors(&[4, 7, 7, 9, 4, 7, 2]), vec![7, 4, 9]);
        let known = [(7, meeting(&[1, 2], None, None))];
        // "The talks ended without agreement", in an article about 1 and 2.
        let talks = Happening {
            about: vec![1, 2],
            ..meeting(&[5], None, None)
        };
        assert_eq!(link(&talks, &known).event, Some(7));
        assert_eq!(link(&meeting(&[5], None, None), &known).event, None);
    }

    #[test]
    fn the_same_word_weighs_for() {
        // One participant in common of two, and another person on each
        // side: under the bar, unless both are told in the same word.
        let known = Happening {
            people: vec![1],
            ..meeting(&[1, 4], None, None)
        };
        let report = Happening {
            people: vec![3],
            ..meeting(&[3, 4], None, None)
        };
        assert_eq!(link(&report, &[(7, known.clone())]).event, None);
        let words = |h: Happening<u32>, w: &str| Happening {
            words: vec![crate::stem(w)],
            ..h
        };
        let known = words(known, "talks");
        assert_eq!(
            link(&words(report.clone(), "talked"), &[(7, known.clone())]).event,
            Some(7)
        );
        assert_eq!(link(&words(report, "met"), &[(7, known)]).event, None);
    }

    #[test]
    fn the_best_candidate_wins_and_all_are_weighed() {
        let known = [
            (7, meeting(&[1, 5], None, None)),
            (8, meeting(&[1, 2], Some(9), None)),
        ];
        let d = link(&meeting(&[1, 2], Some(9), None), &known);
        assert_eq!(d.event, Some(8));
        assert_eq!(d.weighed.len(), 2);
        assert!(d.weighed[0].1 > d.weighed[1].1);
    }
}
