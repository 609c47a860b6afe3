//! Conversions between wire types and plain Rust values.

use chrono::{DateTime, Utc};

use crate::v1::EntityType;

/// A UTC time as a protobuf Timestamp.
pub fn timestamp(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range
/// protobuf's Timestamp is defined for (its JSON form has four-digit years).
const TIMESTAMP_SECONDS: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// A protobuf Timestamp as a UTC time; `None` when it is outside the range
/// a Timestamp may hold (years 1 to 9999) or its nanos are not 0..1e9.
pub fn from_timestamp(t: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    if !TIMESTAMP_SECONDS.contains(&t.seconds) || !(0..1_000_000_000).contains(&t.nanos) {
        return None;
    }
    let nanos = u32::try_from(t.nanos).ok()?;
    DateTime::from_timestamp(t.seconds, nanos)
}

/// The short code the store and the NLP crates use for a type.
pub fn entity_type_code(t: EntityType) -> Option<&'static str> {
    match t {
        EntityType::Unspecified => None,
        EntityType::Person => Some("PER"),
        EntityType::Organization => Some("ORG"),
        EntityType::Location => Some("LOC"),
        EntityType::Misc => Some("MISC"),
    }
}

/// The wire type for a short type code; unknown codes are `Unspecified`.
pub fn entity_type_from_code(code: &str) -> EntityType {
    match code {
        "PER" => EntityType::Person,
        "ORG" => EntityType::Organization,
        "LOC" => EntityType::Location,
        "MISC" => EntityType::Misc,
        _ => EntityType::Unspecified,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_outside_protobufs_range_are_refused() {
        let at = |seconds, nanos| from_timestamp(&prost_types::Timestamp { seconds, nanos });
        // Issue 19: year 10,000 was stored and broke JSON output.
        assert!(at(253_402_300_800, 0).is_none());
        assert!(at(253_402_300_799, 0).is_some());
        assert!(at(-62_135_596_801, 0).is_none());
        assert!(at(i64::MIN, 0).is_none());
        assert!(at(0, 1_000_000_000).is_none());
        assert!(at(0, -1).is_none());
    }

    #[test]
    fn timestamps_round_trip() {
        let t = DateTime::from_timestamp(1_738_400_000, 123_000_000).expect("valid time");
        assert_eq!(from_timestamp(&timestamp(t)), Some(t));
        let bad = prost_types::Timestamp {
            seconds: 0,
            nanos: -1,
        };
        assert_eq!(from_timestamp(&bad), None);
    }

    #[test]
    fn type_codes_round_trip() {
        for t in [
            EntityType::Person,
            EntityType::Organization,
            EntityType::Location,
            EntityType::Misc,
        ] {
            let code = entity_type_code(t).expect("typed");
            assert_eq!(entity_type_from_code(code), t);
        }
        assert_eq!(entity_type_code(EntityType::Unspecified), None);
    }
}
