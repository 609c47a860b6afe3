//! Entity types, BILOU tags and spans.

/// The four CoNLL entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    Per,
    Org,
    Loc,
    Misc,
}

impl EntityType {
    pub const ALL: [EntityType; 4] = [Self::Per, Self::Org, Self::Loc, Self::Misc];

    /// The CoNLL code: PER, ORG, LOC, MISC.
    pub fn code(self) -> &'static str {
        match self {
            Self::Per => "PER",
            Self::Org => "ORG",
            Self::Loc => "LOC",
            Self::Misc => "MISC",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A name: tokens `start..end` of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: EntityType,
}

/// Number of BILOU tags: O, and B, I, L, U of each type.
pub const TAGS: usize = 17;

/// Tag 0 is O; type k has B = 1 + 4k, I = 2 + 4k, L = 3 + 4k, U = 4 + 4k.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    O,
    B,
    I,
    L,
    U,
}

fn part(tag: usize) -> Part {
    match tag {
        0 => Part::O,
        t => match (t - 1) % 4 {
            0 => Part::B,
            1 => Part::I,
            2 => Part::L,
            _ => Part::U,
        },
    }
}

fn tag_type(tag: usize) -> Option<EntityType> {
    (tag > 0).then(|| EntityType::ALL[(tag - 1) / 4])
}

fn tag_of(kind: EntityType, p: Part) -> usize {
    1 + 4 * kind.index()
        + match p {
            Part::B => 0,
            Part::I => 1,
            Part::L => 2,
            Part::U | Part::O => 3,
        }
}

/// Whether `next` may follow `prev` (`None`: sentence start).
pub fn allowed(prev: Option<usize>, next: usize) -> bool {
    let inside = |t: usize| matches!(part(t), Part::B | Part::I);
    match prev {
        None => matches!(part(next), Part::O | Part::B | Part::U),
        Some(p) if inside(p) => {
            matches!(part(next), Part::I | Part::L) && tag_type(p) == tag_type(next)
        }
        Some(_) => matches!(part(next), Part::O | Part::B | Part::U),
    }
}

/// Whether a sentence may end on `tag`.
pub fn may_end(tag: usize) -> bool {
    matches!(part(tag), Part::O | Part::L | Part::U)
}

/// BILOU tags of `n` tokens with these spans (non-overlapping).
pub fn encode(n: usize, spans: &[Span]) -> Vec<usize> {
    let mut tags = vec![0; n];
    for s in spans {
        if s.end - s.start == 1 {
            tags[s.start] = tag_of(s.kind, Part::U);
        } else {
            tags[s.start] = tag_of(s.kind, Part::B);
            for t in &mut tags[s.start + 1..s.end - 1] {
                *t = tag_of(s.kind, Part::I);
            }
            tags[s.end - 1] = tag_of(s.kind, Part::L);
        }
    }
    tags
}

/// Spans of a valid BILOU tag sequence.
pub fn decode(tags: &[usize]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, &t) in tags.iter().enumerate() {
        let Some(kind) = tag_type(t) else {
            open = None;
            continue;
        };
        match part(t) {
            Part::U => out.push(Span {
                start: i,
                end: i + 1,
                kind,
            }),
            Part::B => open = Some(i),
            Part::L => {
                if let Some(start) = open.take() {
                    out.push(Span {
                        start,
                        end: i + 1,
                        kind,
                    });
                }
            }
            Part::I | Part::O => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilou_round_trip() {
        let spans = vec![
            Span {
                start: 0,
                end: 1,
                kind: EntityType::Org,
            },
            Span {
                start: 2,
                end: 5,
                kind: EntityType::Per,
            },
            Span {
                start: 5,
                end: 7,
                kind: EntityType::Loc,
            },
        ];
        let tags = encode(8, &spans);
        assert_eq!(decode(&tags), spans);
        assert!(tags.windows(2).all(|w| allowed(Some(w[0]), w[1])));
        assert!(!allowed(None, tag_of(EntityType::Per, Part::I)));
        assert!(!allowed(
            Some(tag_of(EntityType::Per, Part::B)),
            tag_of(EntityType::Org, Part::L)
        ));
        assert_eq!(tags[2], tag_of(EntityType::Per, Part::B));
    }
}
