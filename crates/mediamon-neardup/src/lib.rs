//! Near-duplicate articles (syndicated copies, re-edited versions): MinHash
//! signatures of the text's word shingles, and locality-sensitive band keys
//! that the store indexes, so candidates are found by key equality and then
//! scored by their signatures.
//!
//! Invariants: pure and deterministic across builds and machines (xxh3 with
//! fixed seeds): signatures are stored, so changing `SHINGLE`, `HASHES`,
//! `BANDS` or the hashing invalidates every stored one.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Words per shingle.
pub const SHINGLE: usize = 4;
/// Hash functions in a signature.
pub const HASHES: usize = 100;
/// Bands of `HASHES / BANDS` rows: two texts become candidates when all rows
/// of one band agree. With 20 bands of 5, texts with Jaccard similarity 0.8
/// are candidates with probability 0.9997, at 0.5 with 0.47, at 0.3 with 0.05.
pub const BANDS: usize = 20;
const ROWS: usize = HASHES / BANDS;

/// The similarity (estimated Jaccard of shingle sets) from which a stored
/// article is a near duplicate of an earlier one.
pub const NEAR_DUPLICATE: f32 = 0.7;

/// A text's MinHash signature and its band keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub signature: Vec<i32>,
    pub bands: Vec<i64>,
}

/// Lowercased word tokens (letters and digits).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The fingerprint of a text; `None` when it has no words.
pub fn fingerprint(text: &str) -> Option<Fingerprint> {
    let words = words(text);
    if words.is_empty() {
        return None;
    }
    let mut signature = [u32::MAX; HASHES];
    for shingle in words.windows(SHINGLE.min(words.len())) {
        let base = xxh3_64_with_seed(shingle.join(" ").as_bytes(), 0);
        for (i, slot) in signature.iter_mut().enumerate() {
            // One base hash, re-mixed per function (a seeded permutation).
            let h = mix(base ^ SEEDS[i]) as u32;
            *slot = (*slot).min(h);
        }
    }
    let bands = signature
        .chunks(ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut bytes = Vec::with_capacity(ROWS * 4);
            rows.iter()
                .for_each(|r| bytes.extend_from_slice(&r.to_le_bytes()));
            // The band number is in the seed: equal rows in different bands
            // are not a match.
            xxh3_64_with_seed(&bytes, band as u64) as i64
        })
        .collect();
    Some(Fingerprint {
        // Stored as Postgres int4: the bits, reinterpreted.
        signature: signature.iter().map(|&h| h as i32).collect(),
        bands,
    })
}

/// Estimated Jaccard similarity of two signatures: the share of equal rows.
pub fn similarity(a: &[i32], b: &[i32]) -> f32 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f32 / a.len() as f32
}

/// splitmix64's finaliser: a bijection that scatters bits.
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Per-function seeds, fixed at compile time.
const SEEDS: [u64; HASHES] = {
    let mut seeds = [0u64; HASHES];
    let mut i = 0;
    while i < HASHES {
        seeds[i] = mix(0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(i as u64 + 1));
        i += 1;
    }
    seeds
};

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Taliban acting foreign minister Amir Khan Muttaqi met the leaders of \
        the Resistance Front in Tehran on Sunday, officials said. The meeting, hosted by the \
        Iranian foreign ministry, lasted three hours and ended without a joint statement. \
        A spokesman for the Resistance Front said the group had not changed its demands and \
        would continue to press for an inclusive government. Iranian officials described the \
        talks as a first step and said further meetings were planned in the coming weeks. \
        Neither side gave details of what had been discussed about the Panjshir valley.";

    fn fp(text: &str) -> Fingerprint {
        fingerprint(text).unwrap_or_else(|| panic!("{text:?} has words"))
    }

    fn band_match(a: &Fingerprint, b: &Fingerprint) -> bool {
        a.bands.iter().zip(&b.bands).any(|(x, y)| x == y)
    }

    #[test]
    fn copies_with_small_edits_are_near_duplicates() {
        let original = fp(STORY);
        let syndicated = fp(&format!("KABUL (Agencies) — {STORY} Copyright the agency."));
        let s = similarity(&original.signature, &syndicated.signature);
        assert!(s >= NEAR_DUPLICATE, "{s}");
        assert!(band_match(&original, &syndicated));
        let reworded = fp(&STORY.replace("three hours", "nearly four hours"));
        assert!(similarity(&original.signature, &reworded.signature) >= NEAR_DUPLICATE);
    }

    #[test]
    fn different_stories_are_not() {
        let other = fp(
            "Pakistan extended the proof of registration cards of Afghan refugees \
            for three months on Monday, a week before they were due to expire, the ministry \
            of states and frontier regions said in a statement issued in Islamabad.",
        );
        let s = similarity(&fp(STORY).signature, &other.signature);
        assert!(s < 0.2, "{s}");
    }

    #[test]
    fn deterministic_and_case_blind() {
        assert_eq!(fp(STORY), fp(&STORY.to_uppercase()));
        assert_eq!(fp("two words"), fp("Two  words"));
        assert_eq!(fingerprint(" ,.; "), None);
        assert_eq!(fp(STORY).signature.len(), HASHES);
        assert_eq!(fp(STORY).bands.len(), BANDS);
    }
}
