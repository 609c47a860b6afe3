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

/// A protobuf Timestamp as a UTC time; `None` when it is out of range.
pub fn from_timestamp(t: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
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
