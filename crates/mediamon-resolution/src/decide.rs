//! The resolution decision for one mention, given candidate aliases: link
//! to an entity, record a "possibly same as" for review, or start a new
//! entity. Pure, so the resolver service and the benchmark decide alike.
//!
//! Rules: an entity of another type competes only with this very name, below
//! one of the mention's type; an entity any of whose
//! aliases *conflicts* with the mention (an inserted middle token, another
//! generation) is out; a full-name variant at or above [`LINK`] links when no
//! other entity comes close; an acronym links to the one organisation that
//! has it as alias or initialism; a partial name (a bare surname) links only
//! when exactly one entity could be meant; anything else above [`FLOOR`] is a
//! review candidate.

use mediamon_names::{Name, Relation, compare, has_acronyms, initialism, is_acronym};

/// A variant at least this similar links.
pub const LINK: f64 = 0.86;
/// Below this nothing is worth an analyst's look.
pub const FLOOR: f64 = 0.5;
/// A runner-up this close to the best makes the best ambiguous.
const MARGIN: f64 = 0.03;
/// The score of an exact name of an entity of another type.
const OTHER_TYPE: f64 = 0.9;

/// A known alias of an entity.
#[derive(Debug, Clone)]
pub struct Candidate<'a, E> {
    pub entity: E,
    pub entity_type: &'a str,
    /// The alias as written (acronyms compare case-sensitively).
    pub surface: &'a str,
    pub name: &'a Name,
}

/// Why a mention was linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Same normalised name.
    Exact,
    /// A spelling or script variant.
    Variant,
    /// An acronym of the organisation.
    Acronym,
    /// A surname with only one possible entity.
    UniquePartial,
    /// A person's full name, of the one entity known so far only by its
    /// surname (an article that named "Gupta" came before one that named
    /// "Sanjay Gupta"): the order articles arrive in must not split a person.
    FullNameOfSurname,
}

/// What to do with a mention.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision<E> {
    Link {
        entity: E,
        score: f64,
        reason: Reason,
    },
    /// Start a new entity; `review` names an entity it may be the same as.
    New { review: Option<(E, f64)> },
    /// A partial name (a bare surname) that fits several entities: left
    /// unlinked rather than guessed, since a wrong guess merges two actors.
    Ambiguous { candidates: Vec<E> },
}

/// Scores one alias against the mention; `None` is a veto on its entity.
fn alias_score<E>(
    mention: &Name,
    surface: &str,
    acronym: bool,
    c: &Candidate<'_, E>,
) -> Option<(f64, Reason)> {
    let alias_is_acronym = is_acronym(c.surface);
    if alias_is_acronym && c.surface == surface {
        // The same acronym, of whatever type (CPEC, a project).
        return Some((
            1.0,
            if acronym {
                Reason::Acronym
            } else {
                Reason::Exact
            },
        ));
    }
    if acronym {
        // The organisation's own acronym beats one computed from its name.
        let score = if c.surface == surface {
            1.0
        } else if !alias_is_acronym && initialism(c.name).as_deref() == Some(surface) {
            0.95
        } else {
            0.0
        };
        return Some((score, Reason::Acronym));
    }
    if alias_is_acronym {
        // A full name arriving after its acronym: "ISI", then
        // "Inter-Services Intelligence".
        let fits = initialism(mention).as_deref() == Some(c.surface);
        return Some((if fits { 0.95 } else { 0.0 }, Reason::Acronym));
    }
    let shorter = mention.tokens.len() < c.name.tokens.len();
    match compare(mention, c.name) {
        Relation::Variant(s) if s >= 1.0 => Some((1.0, Reason::Exact)),
        Relation::Variant(s) => Some((s, Reason::Variant)),
        // Only a person's surname may stand for the full name across articles.
        Relation::Partial {
            score,
            at_end: true,
        } if shorter && c.entity_type == "PER" => Some((score, Reason::UniquePartial)),
        // A full name with an extra leading given name or honorific
        // (Muhammad Ishaq Dar / Ishaq Dar) is a variant of a known full name.
        Relation::Partial { at_end: true, .. }
            if !shorter && c.entity_type == "PER" && c.name.tokens.len() >= 2 =>
        {
            Some((LINK + 0.02, Reason::Variant))
        }
        // Whether the entity is known by its surname alone is for `decide`
        // to say, from all its aliases.
        Relation::Partial {
            score,
            at_end: true,
        } if !shorter && c.entity_type == "PER" => Some((score * 0.9, Reason::FullNameOfSurname)),
        // A longer name never joins an entity known by less than a full name.
        Relation::Partial { score, .. } => Some((score * 0.9, Reason::Variant)),
        Relation::Conflict => None,
        Relation::Different => Some((0.0, Reason::Variant)),
    }
}

/// A candidate entity as the decision saw it: its best alias and score.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Considered<E> {
    pub entity: E,
    pub alias: String,
    pub score: f64,
}

/// A decision with the candidates it weighed, best first (at most
/// [`KEPT`]): the evidence kept with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided<E> {
    pub decision: Decision<E>,
    pub ranked: Vec<Considered<E>>,
}

/// How many of the candidates weighed are kept as evidence.
pub const KEPT: usize = 5;

/// Decides for `mention` (surface form `surface`, type `entity_type`).
pub fn decide<E: Copy + Eq>(
    mention: &Name,
    surface: &str,
    entity_type: &str,
    candidates: &[Candidate<'_, E>],
) -> Decided<E> {
    let acronym = has_acronyms(entity_type) && is_acronym(surface);
    // Best alias per entity. A conflicting alias vetoes its entity unless
    // another alias of it is this very name (an analyst put it there).
    let mut scored: Vec<(E, f64, Reason, &str)> = Vec::new();
    let mut vetoed: Vec<E> = Vec::new();
    // Entities with an alias of more than one word: known by more than a
    // surname, so a full name must match one of those.
    let named: Vec<E> = candidates
        .iter()
        .filter(|c| c.name.tokens.len() > 1)
        .map(|c| c.entity)
        .collect();
    for c in candidates {
        let same_type = c.entity_type == entity_type;
        let scored_alias = alias_score(mention, surface, acronym, c);
        // The tagger's type is evidence, not a wall: an entity of another
        // type is met by its very name (an ORG tagged LOC elsewhere), a
        // little below one of the mention's type.
        let scored_alias = match scored_alias {
            _ if same_type => scored_alias,
            Some((s, Reason::Exact | Reason::Acronym)) if s >= 1.0 => {
                Some((OTHER_TYPE, Reason::Exact))
            }
            _ => continue,
        };
        let scored_alias = match scored_alias {
            Some((_, Reason::FullNameOfSurname)) if !named.contains(&c.entity) => {
                Some((LINK + 0.01, Reason::FullNameOfSurname))
            }
            Some((s, Reason::FullNameOfSurname)) => Some((s, Reason::Variant)),
            other => other,
        };
        match scored_alias {
            None => vetoed.push(c.entity),
            Some((score, reason)) => match scored.iter_mut().find(|s| s.0 == c.entity) {
                Some(best) if best.1 >= score => {}
                Some(best) => *best = (c.entity, score, reason, c.surface),
                None => scored.push((c.entity, score, reason, c.surface)),
            },
        }
    }
    scored.retain(|(e, s, _, _)| *s >= 1.0 || !vetoed.contains(e));
    scored.retain(|(_, s, _, _)| *s >= FLOOR);
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let ranked = scored
        .iter()
        .take(KEPT)
        .map(|&(entity, score, _, alias)| Considered {
            entity,
            alias: alias.to_string(),
            score,
        })
        .collect();
    let decided = |decision| Decided { decision, ranked };
    let Some(&(entity, score, reason, _)) = scored.first() else {
        return decided(Decision::New { review: None });
    };
    let contested = scored.get(1).is_some_and(|s| s.1 >= score - MARGIN);
    if reason == Reason::UniquePartial && scored.len() > 1 {
        return decided(Decision::Ambiguous {
            candidates: scored.iter().map(|s| s.0).collect(),
        });
    }
    let links = match reason {
        Reason::Exact | Reason::Acronym => !contested,
        Reason::Variant | Reason::FullNameOfSurname => score >= LINK && !contested,
        Reason::UniquePartial => true,
    };
    decided(if links {
        Decision::Link {
            entity,
            score,
            reason,
        }
    } else {
        Decision::New {
            review: Some((entity, score)),
        }
    })
}

/// What earlier articles say about one candidate of an ambiguous mention.
#[derive(Debug, Clone, PartialEq)]
pub struct Context<E> {
    pub entity: E,
    /// Earlier articles that mention the candidate.
    pub articles: u32,
    /// For each other entity named in this article: how many of those
    /// articles name it too.
    pub shared: Vec<u32>,
    /// The article itself names the candidate elsewhere (in full).
    pub named_here: bool,
}

/// Evidence at least this strong (one shared entity in five of the
/// candidate's articles) may pick a candidate...
const CONTEXT_MIN: f64 = 0.2;
/// ...when it is this many times the runner-up's.
const CONTEXT_RATIO: f64 = 2.0;

/// How much an entity's earlier articles look like this one: for each entity
/// named here, the share of the candidate's articles that name it too
/// (smoothed, so one article is weak evidence).
pub fn context_score<E>(c: &Context<E>) -> f64 {
    let n = f64::from(c.articles) + 1.0;
    c.shared.iter().map(|&s| f64::from(s) / n).sum()
}

/// Breaks the tie of an ambiguous partial name ("Massoud" with father and
/// son known) by the company each candidate keeps: the one whose earlier
/// articles name the same entities as this article, clearly more than any
/// other candidate's do. `None` leaves the mention unlinked; so does an
/// article that names two of the candidates itself ("Salahuddin Rabbani"
/// and "Burhanuddin Rabbani", then "Rabbani"): both keep this article's
/// company, so the company cannot tell them apart.
pub fn by_context<E: Copy>(candidates: &[Context<E>]) -> Option<(E, f64)> {
    if candidates.iter().filter(|c| c.named_here).count() >= 2 {
        return None;
    }
    let mut scored: Vec<(E, f64)> = candidates
        .iter()
        .map(|c| (c.entity, context_score(c)))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (best, score) = *scored.first()?;
    let runner_up = scored.get(1).map_or(0.0, |s| s.1);
    (score >= CONTEXT_MIN && score >= CONTEXT_RATIO * runner_up).then_some((best, score))
}

/// Within-article coreference: for each mention, the index of an earlier
/// mention it refers to. A partial person name (a surname, a given name)
/// links to the earlier full name it is part of; an acronym links to the
/// one earlier organisation whose initialism it is. When two full names fit
/// (father and son), the one the article has named more often so far is
/// meant; as often each, it is ambiguous: no link.
pub fn link_in_article(mentions: &[(&Name, &str, &str)]) -> Vec<Option<usize>> {
    // Spellings of one name in one article are one person
    // (هبت الله آخوندزاده, then Hibatullah Akhunzada).
    let same = |a: &Name, b: &Name| {
        a.key() == b.key() || matches!(compare(a, b), Relation::Variant(s) if s >= LINK)
    };
    let mut links: Vec<Option<usize>> = Vec::with_capacity(mentions.len());
    for (i, (name, surface, ty)) in mentions.iter().enumerate() {
        // A relative of someone named is not that person.
        if name.kin {
            links.push(None);
            continue;
        }
        // One name, one entity per article, whatever type the tagger gave
        // it each time (an acronym repeated, a company tagged ORG then LOC),
        // unless a cue tells them apart ("the governor of Herat" is the
        // province where "Herat" alone was the city).
        if let Some(j) = (0..i).find(|&j| {
            let earlier = mentions[j].0;
            links[j].is_none()
                && !earlier.kin
                && earlier.place_kind == name.place_kind
                && earlier.key() == name.key()
        }) && !name.is_empty()
        {
            links.push(Some(j));
            continue;
        }
        let acronym = has_acronyms(ty) && is_acronym(surface);
        // (antecedent, the name is its surname)
        let mut fits: Vec<(usize, bool)> = Vec::new();
        for (j, (earlier, _, ety)) in mentions[..i].iter().enumerate() {
            if ety != ty || links[j].is_some() {
                continue;
            }
            let surname = if acronym {
                // The initialism, or failing that the initialism without the
                // last word: "JI" after "Jamaat-e-Islami Pakistan" (a
                // country or wing named last is often left out).
                let Some(full) = initialism(earlier) else {
                    continue;
                };
                let exact = full == *surface;
                let shortened = surface.len() >= 2
                    && earlier.full_tokens.len() >= 3
                    && full.len() == surface.len() + 1
                    && full.starts_with(*surface);
                if !exact && !shortened {
                    continue;
                }
                exact
            } else {
                // Only a person's shorter name can point back; asked first,
                // as comparing is the cost of this quadratic loop.
                if *ty != "PER" || earlier.tokens.len() <= name.tokens.len() {
                    continue;
                }
                match compare(name, earlier) {
                    Relation::Partial { at_end, .. } => at_end,
                    _ => continue,
                }
            };
            if !fits.iter().any(|(f, _)| same(mentions[*f].0, earlier)) {
                fits.push((j, surname));
            }
        }
        // A surname points at its bearer before a given name at another's
        // (an acronym at its organisation's whole initialism before a
        // shortened one), and then at the one the article has named more
        // often so far.
        let rank = |&(j, surname): &(usize, bool)| {
            let named = if fits.len() > 1 {
                (0..i)
                    .filter(|&k| same(mentions[links[k].unwrap_or(k)].0, mentions[j].0))
                    .count()
            } else {
                0
            };
            (surname, named)
        };
        let mut ranked: Vec<((bool, usize), usize)> = fits.iter().map(|f| (rank(f), f.0)).collect();
        ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
        let clear = ranked.get(1).is_none_or(|second| second.0 < ranked[0].0);
        links.push(ranked.first().filter(|_| clear).map(|r| r.1));
    }
    forward_surnames(mentions, &mut links);
    links
}

/// A person's surname before any full name of them (a headline: "Zadan to
/// produce the show", then "Craig Zadan") refers to the one full name later
/// in the article that ends with it. Links then point at the full name,
/// also those that pointed at the surname.
fn forward_surnames(mentions: &[(&Name, &str, &str)], links: &mut [Option<usize>]) {
    for i in 0..mentions.len() {
        let (name, _, ty) = mentions[i];
        if links[i].is_some() || name.kin || ty != "PER" || name.tokens.len() != 1 {
            continue;
        }
        let mut fits = (i + 1..mentions.len()).filter(|&j| {
            let (later, _, lty) = mentions[j];
            links[j].is_none()
                && lty == "PER"
                && later.tokens.len() > 1
                && matches!(compare(name, later), Relation::Partial { at_end: true, .. })
        });
        let Some(j) = fits.next() else {
            continue;
        };
        let key = mentions[j].0.key();
        if fits.all(|k| mentions[k].0.key() == key) {
            for link in links.iter_mut() {
                if *link == Some(i) {
                    *link = Some(j);
                }
            }
            links[i] = Some(j);
        }
    }
}

/// For a mention the text calls someone's relative ([`Name::kin`]), the
/// earlier mentions whose full name it shares the end of: the relatives it
/// is not ("his father, President Zardari" after Bilawal Bhutto Zardari).
/// Their entities are no candidates for it.
pub fn relatives_in_article(mentions: &[(&Name, &str, &str)], i: usize) -> Vec<usize> {
    let (name, _, ty) = mentions[i];
    if !name.kin {
        return Vec::new();
    }
    (0..i)
        .filter(|&j| {
            let (earlier, _, ety) = mentions[j];
            ety == ty
                && earlier.tokens.len() > name.tokens.len()
                && matches!(
                    compare(name, earlier),
                    Relation::Partial { at_end: true, .. }
                )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediamon_names::analyze;

    fn run(mention: &str, ty: &str, known: &[(u32, &str, &str)]) -> Decision<u32> {
        let names: Vec<Name> = known.iter().map(|(_, t, s)| analyze(s, t)).collect();
        let candidates: Vec<Candidate<'_, u32>> = known
            .iter()
            .zip(&names)
            .map(|((e, t, s), n)| Candidate {
                entity: *e,
                entity_type: t,
                surface: s,
                name: n,
            })
            .collect();
        decide(&analyze(mention, ty), mention, ty, &candidates).decision
    }

    fn linked(d: &Decision<u32>) -> Option<u32> {
        match d {
            Decision::Link { entity, .. } => Some(*entity),
            Decision::New { .. } | Decision::Ambiguous { .. } => None,
        }
    }

    const KNOWN: &[(u32, &str, &str)] = &[
        (1, "PER", "Amir Khan Muttaqi"),
        (2, "PER", "Ahmad Massoud"),
        (3, "PER", "Ahmad Shah Massoud"),
        (4, "ORG", "National Resistance Front"),
        (5, "ORG", "Tehreek-e-Taliban Pakistan"),
        (6, "ORG", "Taliban"),
        (7, "LOC", "Türkiye"),
        (8, "PER", "Zalmay Khalilzad"),
    ];

    #[test]
    fn variants_link_and_conflicts_do_not() {
        assert_eq!(linked(&run("Amir Khan Mottaki", "PER", KNOWN)), Some(1));
        assert_eq!(linked(&run("Ahmed Masood", "PER", KNOWN)), Some(2));
        assert_eq!(linked(&run("Ahmed Shah Masood", "PER", KNOWN)), Some(3));
        assert_eq!(linked(&run("Turkey", "LOC", KNOWN)), Some(7));
        assert_eq!(
            linked(&run("Tehrik-i-Taliban Pakistan", "ORG", KNOWN)),
            Some(5)
        );
        assert_eq!(linked(&run("Taliban", "ORG", KNOWN)), Some(6));
        assert_eq!(
            linked(&run("Turkey", "PER", KNOWN)),
            None,
            "types must agree"
        );
    }

    #[test]
    fn an_exact_alias_outweighs_a_conflicting_one() {
        // An analyst merged "Atta Noor" into "Atta Mohammad Noor".
        let known = [(1, "PER", "Atta Mohammad Noor"), (1, "PER", "Atta Noor")];
        assert_eq!(linked(&run("Atta Noor", "PER", &known)), Some(1));
        assert_eq!(linked(&run("Atta Noor", "PER", &known[..1])), None);
    }

    #[test]
    fn acronyms_link_to_the_organisation_that_has_them() {
        assert_eq!(linked(&run("NRF", "ORG", KNOWN)), Some(4));
        assert_eq!(linked(&run("TTP", "ORG", KNOWN)), Some(5));
        assert_eq!(linked(&run("ISI", "ORG", KNOWN)), None);
    }

    #[test]
    fn bare_surnames_link_only_when_unambiguous() {
        assert_eq!(linked(&run("Khalilzad", "PER", KNOWN)), Some(8));
        assert_eq!(linked(&run("Mottaki", "PER", KNOWN)), Some(1));
        let massoud = run("Massoud", "PER", KNOWN);
        assert!(matches!(massoud, Decision::Ambiguous { .. }), "{massoud:?}");
    }

    #[test]
    fn a_full_name_joins_the_entity_known_only_by_its_surname() {
        assert_eq!(
            linked(&run("Mohammad Sadiq", "PER", &[(9, "PER", "Sadiq")])),
            Some(9)
        );
        // Known by another full name with that surname: another person.
        let known = [(9, "PER", "Sadiq"), (9, "PER", "Ahmad Sadiq")];
        assert_eq!(linked(&run("Mohammad Sadiq", "PER", &known)), None);
        // Two entities known by the surname alone: no pick.
        let two = [(9, "PER", "Sadiq"), (10, "PER", "Sadiq")];
        assert_eq!(linked(&run("Mohammad Sadiq", "PER", &two)), None);
        // Only people go by a surname.
        assert_eq!(
            linked(&run("Mohammad Sadiq", "PER", &[(9, "ORG", "Sadiq")])),
            None
        );
    }

    #[test]
    fn context_breaks_a_tie_only_when_clear() {
        let ctx = |entity, articles, shared: &[u32]| Context {
            entity,
            articles,
            shared: shared.to_vec(),
            named_here: false,
        };
        // The son's articles name the NRF and Panjshir; the father's rarely.
        let son = ctx(2, 9, &[8, 5]);
        let father = ctx(3, 9, &[0, 3]);
        assert_eq!(
            by_context(&[father.clone(), son.clone()]).map(|b| b.0),
            Some(2)
        );
        // As much for one as for the other: no pick.
        assert_eq!(by_context(&[ctx(2, 4, &[2]), ctx(3, 4, &[2])]), None);
        // One shared entity in five of the candidate's articles is just
        // enough; in six it is not.
        assert_eq!(
            by_context(&[ctx(2, 4, &[1]), ctx(3, 5, &[0])]),
            Some((2, 0.2))
        );
        assert_eq!(by_context(&[ctx(2, 5, &[1]), ctx(3, 5, &[0])]), None);
        // Father and son both named in the article: no pick.
        let here = |c: Context<u32>| Context {
            named_here: true,
            ..c
        };
        assert_eq!(by_context(&[here(son.clone()), here(father.clone())]), None);
        assert_eq!(by_context(&[son, here(father)]).map(|b| b.0), Some(2));
    }

    #[test]
    fn article_coreference() {
        let names: Vec<(Name, &str, &str)> = [
            ("National Resistance Front", "ORG"),
            ("NRF", "ORG"),
            ("Asim Iftikhar Ahmad", "PER"),
            ("Ahmad", "PER"),
            ("Iftikhar", "PER"),
        ]
        .iter()
        .map(|(s, t)| (analyze(s, t), *s, *t))
        .collect();
        let view: Vec<(&Name, &str, &str)> = names.iter().map(|(n, s, t)| (n, *s, *t)).collect();
        assert_eq!(
            link_in_article(&view),
            vec![None, Some(0), None, Some(2), None]
        );
    }

    #[test]
    fn one_name_is_one_entity_in_an_article_and_a_headline_surname_looks_ahead() {
        let names: Vec<(Name, &str, &str)> = [
            ("Karimi", "PER"),
            ("PTI", "ORG"),
            ("Hassan Karimi", "PER"),
            ("PTI", "LOC"),
            ("Herat", "LOC"),
            ("Herat", "LOC"),
        ]
        .iter()
        .map(|(s, t)| (analyze(s, t), *s, *t))
        .collect();
        let mut view: Vec<(&Name, &str, &str)> =
            names.iter().map(|(n, s, t)| (n, *s, *t)).collect();
        let province = analyze("Herat", "LOC").with_cues(&["province".to_string()]);
        view[5].0 = &province;
        assert_eq!(
            link_in_article(&view),
            // The headline's surname is the full name below; the acronym
            // tagged another type is the same; a cue that makes "Herat"
            // the province keeps it apart from the city.
            vec![Some(2), None, None, Some(1), None, None]
        );
    }

    #[test]
    fn another_type_meets_only_the_very_name() {
        let known = [(1, "ORG", "Hewlett-Packard"), (2, "LOC", "Kabul")];
        assert_eq!(linked(&run("Hewlett-Packard", "LOC", &known)), Some(1));
        assert_eq!(linked(&run("Hewlet-Packard", "LOC", &known)), None);
        // One of the mention's own type wins.
        let known = [(1, "ORG", "Kabul"), (2, "LOC", "Kabul")];
        assert_eq!(linked(&run("Kabul", "LOC", &known)), Some(2));
    }

    #[test]
    fn an_acronym_may_leave_out_the_last_word() {
        let names: Vec<(Name, &str)> = ["Jamaat-e-Islami Pakistan", "JI", "JIP", "J"]
            .iter()
            .map(|s| (analyze(s, "ORG"), *s))
            .collect();
        let view: Vec<(&Name, &str, &str)> = names.iter().map(|(n, s)| (n, *s, "ORG")).collect();
        assert_eq!(link_in_article(&view), vec![None, Some(0), Some(0), None]);
        // The whole initialism wins over a shortened one.
        let names: Vec<(Name, &str)> = ["Jamaat-e-Islami Pakistan", "Jamiat-e-Islami", "JI"]
            .iter()
            .map(|s| (analyze(s, "ORG"), *s))
            .collect();
        let view: Vec<(&Name, &str, &str)> = names.iter().map(|(n, s)| (n, *s, "ORG")).collect();
        assert_eq!(link_in_article(&view)[2], Some(1));
    }

    #[test]
    fn a_relative_is_not_the_person_named_before() {
        let cues = ["father".to_string(), "President".to_string()];
        let names = [
            analyze("Bilawal Bhutto Zardari", "PER"),
            analyze("Zardari", "PER").with_cues(&cues),
            analyze("Zardari", "PER"),
        ];
        let view: Vec<(&Name, &str, &str)> = names.iter().map(|n| (n, "", "PER")).collect();
        assert_eq!(link_in_article(&view), vec![None, None, Some(0)]);
        assert_eq!(relatives_in_article(&view, 1), vec![0]);
        assert!(relatives_in_article(&view, 2).is_empty());
    }
}
