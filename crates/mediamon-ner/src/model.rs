//! The tagger's weights, Viterbi decoding, and the model file.
//!
//! A linear model: a token's score for a tag is the sum of its features'
//! weights for that tag; a sentence's is the sum of its tokens' scores and
//! of the tag-to-tag transition weights. Decoding finds the best sequence of
//! BILOU tags that is well formed (`tags::allowed`). The file stores only
//! non-zero weights, quantised to 16 bits, gzip-compressed.

use std::io::{Read, Write};

use rustc_hash::FxHashMap;

use crate::Error;
use crate::features::{OUTSIDE, Prepared, SentenceFeatures, WINDOW, neighbour_keys, word_keys};
use crate::tags::{TAGS, allowed, may_end};

/// Bumped whenever feature extraction changes meaning, so an old model file
/// is refused rather than misread.
pub const FEATURE_VERSION: u32 = 1;

const MAGIC: &[u8; 6] = b"MMNER\x02";

/// Transition weights: row `TAGS` is the sentence start.
pub type Transitions = [[f32; TAGS]; TAGS + 1];

/// A trained model, ready to decode.
pub struct Model {
    index: FxHashMap<u64, (u32, u32)>,
    /// (tag, weight) runs, one per feature.
    entries: Vec<(u8, f32)>,
    pub(crate) transitions: Transitions,
}

/// Emission scores of a sentence: `TAGS` per token.
pub fn emissions(
    feats: &SentenceFeatures,
    row: impl Fn(u64, &mut [f32; TAGS]),
) -> Vec<[f32; TAGS]> {
    (0..feats.len())
        .map(|i| {
            let mut s = [0.0f32; TAGS];
            for &k in feats.token(i) {
                row(k, &mut s);
            }
            s
        })
        .collect()
}

/// For each tag, the tags that may precede it (inside a name only its own
/// B- and I-; elsewhere O, L- and U-): a third of all pairs.
fn predecessors() -> &'static [Vec<u8>; TAGS] {
    static P: std::sync::OnceLock<[Vec<u8>; TAGS]> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        std::array::from_fn(|t| {
            (0..TAGS)
                .filter(|&p| allowed(Some(p), t))
                .map(|p| p as u8)
                .collect()
        })
    })
}

/// The best well-formed tag sequence.
pub fn viterbi(scores: &[[f32; TAGS]], trans: &Transitions) -> Vec<usize> {
    let n = scores.len();
    if n == 0 {
        return Vec::new();
    }
    // Ill-formed transitions cost -inf, so the inner loop needs no test.
    let mut masked = *trans;
    for (p, row) in masked.iter_mut().enumerate() {
        let prev = (p < TAGS).then_some(p);
        for (t, w) in row.iter_mut().enumerate() {
            if !allowed(prev, t) {
                *w = f32::NEG_INFINITY;
            }
        }
    }
    let preds = predecessors();
    let mut best = vec![[f32::NEG_INFINITY; TAGS]; n];
    let mut back = vec![[0u8; TAGS]; n];
    for t in 0..TAGS {
        best[0][t] = masked[TAGS][t] + scores[0][t];
    }
    for i in 1..n {
        let prev = best[i - 1];
        for t in 0..TAGS {
            let mut top = (f32::NEG_INFINITY, 0u8);
            for &p in &preds[t] {
                let s = prev[usize::from(p)] + masked[usize::from(p)][t];
                if s > top.0 {
                    top = (s, p);
                }
            }
            best[i][t] = top.0 + scores[i][t];
            back[i][t] = top.1;
        }
    }
    let mut last = (0..TAGS)
        .filter(|&t| may_end(t))
        .max_by(|&a, &b| best[n - 1][a].total_cmp(&best[n - 1][b]))
        .unwrap_or(0);
    let mut out = vec![0; n];
    for i in (0..n).rev() {
        out[i] = last;
        last = usize::from(back[i][last]);
    }
    out
}

impl Model {
    /// Builds a model from averaged weights (`weights[f * TAGS + t]` for the
    /// feature with key `keys[f]`), dropping weights below `prune`.
    pub fn from_weights(
        keys: &[u64],
        weights: &[f32],
        transitions: Transitions,
        prune: f32,
    ) -> Self {
        let mut index = FxHashMap::default();
        let mut entries = Vec::new();
        for (f, &key) in keys.iter().enumerate() {
            let start = entries.len();
            for t in 0..TAGS {
                let w = weights[f * TAGS + t];
                if w.abs() >= prune && w != 0.0 {
                    entries.push((t as u8, w));
                }
            }
            if entries.len() > start {
                index.insert(key, (start as u32, (entries.len() - start) as u32));
            }
        }
        Model {
            index,
            entries,
            transitions,
        }
    }

    /// Number of features with a weight.
    pub fn features(&self) -> usize {
        self.index.len()
    }

    /// Adds the weights of feature `key` to `scores`.
    #[inline]
    pub fn add_row(&self, key: u64, scores: &mut [f32; TAGS]) {
        if let Some(&(start, len)) = self.index.get(&key) {
            for &(t, w) in &self.entries[start as usize..(start + len) as usize] {
                scores[usize::from(t)] += w;
            }
        }
    }

    /// Tags a sentence; also returns each token's emission scores.
    pub fn decode(&self, feats: &SentenceFeatures) -> (Vec<usize>, Vec<[f32; TAGS]>) {
        let scores = emissions(feats, |k, s| self.add_row(k, s));
        (viterbi(&scores, &self.transitions), scores)
    }

    /// Tags a prepared sentence with this model alone (all its features,
    /// hints included when the sentence has them).
    pub fn decode_prepared(&self, p: &Prepared<'_>) -> (Vec<usize>, Vec<[f32; TAGS]>) {
        self.decode(&crate::features::extract_prepared(p))
    }
}

/// A word's weights in both passes: as the token, then as the neighbour at
/// each offset of [`WINDOW`]; the first pass's five rows, then the second's.
type WordWeights = [[f32; TAGS]; 2 * (1 + WINDOW.len())];
const SLOTS: usize = 1 + WINDOW.len();

impl Model {
    fn write_body(&self, z: &mut impl Write) -> std::io::Result<()> {
        let scale = self
            .entries
            .iter()
            .map(|e| e.1.abs())
            .fold(0.0f32, f32::max)
            .max(1e-6)
            / f32::from(i16::MAX);
        z.write_all(&scale.to_le_bytes())?;
        for row in &self.transitions {
            for w in row {
                z.write_all(&w.to_le_bytes())?;
            }
        }
        let mut keys: Vec<(&u64, &(u32, u32))> = self.index.iter().collect();
        keys.sort();
        z.write_all(&(keys.len() as u32).to_le_bytes())?;
        for (key, &(start, len)) in keys {
            z.write_all(&key.to_le_bytes())?;
            z.write_all(&[len as u8])?;
            for &(t, w) in &self.entries[start as usize..(start + len) as usize] {
                let q = (w / scale)
                    .round()
                    .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
                z.write_all(&[t])?;
                z.write_all(&q.to_le_bytes())?;
            }
        }
        Ok(())
    }

    fn read_body(r: &mut Reader<'_>) -> Result<Self, Error> {
        let scale = r.f32()?;
        let mut transitions = [[0.0f32; TAGS]; TAGS + 1];
        for row in &mut transitions {
            for w in row.iter_mut() {
                *w = r.f32()?;
            }
        }
        let n = r.u32()? as usize;
        let mut index = FxHashMap::with_capacity_and_hasher(n, Default::default());
        let mut entries = Vec::with_capacity(n * 3);
        for _ in 0..n {
            let key = r.u64()?;
            let len = r.take(1)?[0] as usize;
            let start = entries.len() as u32;
            for _ in 0..len {
                let t = r.take(1)?[0];
                if usize::from(t) >= TAGS {
                    return Err(Error::Model("a weight names a tag out of range".into()));
                }
                let q = i16::from_le_bytes([r.take(1)?[0], r.take(1)?[0]]);
                entries.push((t, f32::from(q) * scale));
            }
            index.insert(key, (start, len as u32));
        }
        Ok(Model {
            index,
            entries,
            transitions,
        })
    }
}

/// The models of the two passes: the first tags from the text; the second
/// also reads the first's tags across the document (`features::hints`).
pub struct Stack {
    pub first: Model,
    pub second: Option<Model>,
    /// Distinguishes stacks in the per-thread word caches.
    id: u64,
    /// Each key's rows in both models, so one lookup serves both passes:
    /// (first start, first len, second start, second len).
    joint: FxHashMap<u64, (u32, u32, u32, u32)>,
}

impl Stack {
    pub fn new(first: Model, second: Option<Model>) -> Self {
        let mut joint: FxHashMap<u64, (u32, u32, u32, u32)> = FxHashMap::default();
        for (key, &(s, l)) in &first.index {
            joint.insert(*key, (s, l, 0, 0));
        }
        if let Some(m) = &second {
            for (key, &(s, l)) in &m.index {
                let e = joint.entry(*key).or_insert((0, 0, 0, 0));
                e.2 = s;
                e.3 = l;
            }
        }
        Stack {
            first,
            second,
            id: next_id(),
            joint,
        }
    }

    /// Adds feature `key`'s weights in both passes.
    #[inline]
    fn add_both(&self, key: u64, first: &mut [f32; TAGS], second: &mut [f32; TAGS]) {
        if let Some(&(s1, l1, s2, l2)) = self.joint.get(&key) {
            for &(t, w) in &self.first.entries[s1 as usize..(s1 + l1) as usize] {
                first[usize::from(t)] += w;
            }
            if let Some(m) = &self.second {
                for &(t, w) in &m.entries[s2 as usize..(s2 + l2) as usize] {
                    second[usize::from(t)] += w;
                }
            }
        }
    }

    /// Tags the prepared sentences of one document: the first pass, then
    /// (if the stack has one) the second over the first's hints. Every
    /// feature but the hints is looked up once for both passes, and a
    /// word's own and neighbour features come from a per-thread cache.
    pub fn decode_document(
        &self,
        prepared: &mut [Prepared<'_>],
    ) -> Vec<(Vec<usize>, Vec<[f32; TAGS]>)> {
        let mut firsts = Vec::with_capacity(prepared.len());
        let mut seconds = Vec::with_capacity(prepared.len());
        let mut keys = Vec::with_capacity(32);
        let outside = self.cached(OUTSIDE);
        for p in prepared.iter() {
            let n = p.len();
            let words: Vec<WordWeights> = (0..n).map(|j| self.cached(p.tokens[j])).collect();
            let mut s1 = vec![[0.0f32; TAGS]; n];
            let mut s2 = vec![[0.0f32; TAGS]; n];
            for i in 0..n {
                let (a, b) = (&mut s1[i], &mut s2[i]);
                *a = words[i][0];
                *b = words[i][SLOTS];
                for (slot, d) in WINDOW.iter().enumerate() {
                    let j = i as isize + d;
                    let w = if j < 0 || j as usize >= n {
                        &outside
                    } else {
                        &words[j as usize]
                    };
                    for (x, y) in a.iter_mut().zip(&w[slot + 1]) {
                        *x += y;
                    }
                    for (x, y) in b.iter_mut().zip(&w[SLOTS + slot + 1]) {
                        *x += y;
                    }
                }
                keys.clear();
                p.context_keys(i, &mut keys);
                for &k in &keys {
                    self.add_both(k, a, b);
                }
            }
            firsts.push((viterbi(&s1, &self.first.transitions), s1));
            seconds.push(s2);
        }
        let Some(second) = &self.second else {
            return firsts;
        };
        let tags: Vec<Vec<usize>> = firsts.into_iter().map(|f| f.0).collect();
        let hints = crate::features::hints(prepared, &tags);
        let mut out = Vec::with_capacity(prepared.len());
        for ((p, hints), mut s2) in prepared.iter_mut().zip(hints).zip(seconds) {
            p.set_hints(hints);
            for (i, s) in s2.iter_mut().enumerate() {
                keys.clear();
                p.hint_keys(i, &mut keys);
                for &k in &keys {
                    second.add_row(k, s);
                }
            }
            out.push((viterbi(&s2, &second.transitions), s2));
        }
        out
    }

    /// A word's summed weights in both passes, from this thread's cache.
    fn cached(&self, word: &str) -> WordWeights {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ self.id;
        for b in word.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        CACHE.with_borrow_mut(|cache| {
            if let Some(s) = cache.get(&h) {
                return *s;
            }
            let mut out = [[0.0f32; TAGS]; 2 * SLOTS];
            let mut keys = Vec::with_capacity(16);
            if word != OUTSIDE {
                word_keys(word, &mut keys);
                let (a, b) = out.split_at_mut(SLOTS);
                for &k in &keys {
                    self.add_both(k, &mut a[0], &mut b[0]);
                }
            }
            for (slot, &d) in WINDOW.iter().enumerate() {
                keys.clear();
                neighbour_keys(d, word, &mut keys);
                let (a, b) = out.split_at_mut(SLOTS);
                for &k in &keys {
                    self.add_both(k, &mut a[slot + 1], &mut b[slot + 1]);
                }
            }
            if cache.len() >= CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(h, out);
            out
        })
    }

    /// Features with a weight, over both passes.
    pub fn features(&self) -> usize {
        self.first.features() + self.second.as_ref().map_or(0, Model::features)
    }

    /// Writes the model file.
    pub fn write(&self, out: impl Write) -> Result<(), Error> {
        let io = |e| Error::Model(format!("writing the model: {e}"));
        let mut z = flate2::write::GzEncoder::new(out, flate2::Compression::best());
        z.write_all(MAGIC).map_err(io)?;
        z.write_all(&FEATURE_VERSION.to_le_bytes()).map_err(io)?;
        z.write_all(&(TAGS as u32).to_le_bytes()).map_err(io)?;
        let passes = [Some(&self.first), self.second.as_ref()];
        z.write_all(&[passes.iter().flatten().count() as u8])
            .map_err(io)?;
        for m in passes.into_iter().flatten() {
            m.write_body(&mut z).map_err(io)?;
        }
        z.finish().map_err(io)?;
        Ok(())
    }

    /// Reads a model file.
    pub fn read(input: impl Read) -> Result<Self, Error> {
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(input)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::Model(format!("not a gzip-compressed model: {e}")))?;
        let mut r = Reader {
            bytes: &bytes,
            at: 0,
        };
        if r.take(6)? != MAGIC {
            return Err(Error::Model("not a mediamon NER model".into()));
        }
        let version = r.u32()?;
        if version != FEATURE_VERSION {
            return Err(Error::Model(format!(
                "the model was trained with features version {version}; this build extracts version {FEATURE_VERSION}: retrain it"
            )));
        }
        if r.u32()? as usize != TAGS {
            return Err(Error::Model("the model has another tag set".into()));
        }
        let passes = r.take(1)?[0];
        if !(1..=2).contains(&passes) {
            return Err(Error::Model(format!("{passes} passes; 1 or 2 expected")));
        }
        let first = Model::read_body(&mut r)?;
        let second = if passes == 2 {
            Some(Model::read_body(&mut r)?)
        } else {
            None
        };
        Ok(Stack::new(first, second))
    }
}

/// Words per thread (about 700 bytes each) before a cache starts over.
const CACHE_ENTRIES: usize = 30_000;

thread_local! {
    static CACHE: std::cell::RefCell<FxHashMap<u64, WordWeights>> =
        std::cell::RefCell::new(FxHashMap::default());
}

fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        let out = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or_else(|| Error::Model("the model file is truncated".into()))?;
        self.at += n;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, Error> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f32(&mut self) -> Result<f32, Error> {
        Ok(f32::from_bits(self.u32()?))
    }

    fn u64(&mut self) -> Result<u64, Error> {
        let lo = u64::from(self.u32()?);
        let hi = u64::from(self.u32()?);
        Ok(lo | hi << 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{DocContext, extract};
    use crate::gazetteer::Gazetteer;

    #[test]
    fn cached_scores_equal_direct_ones_and_files_round_trip() {
        let keys: Vec<u64> = (0..50u64).map(|k| k.wrapping_mul(0x9e37_79b9)).collect();
        let tokens = ["Ahmad", "Massoud", "met", "envoys", "in", "Dushanbe", "."];
        let doc = DocContext::new([&tokens[..]]);
        let feats = extract(&tokens, &doc, Gazetteer::builtin());
        // Weights on the sentence's own features, so that every score counts.
        let mut all: Vec<u64> = feats.keys.clone();
        all.extend(keys);
        all.sort();
        all.dedup();
        let weights: Vec<f32> = (0..all.len() * TAGS)
            .map(|i| ((i * 7919) % 23) as f32 - 11.0)
            .collect();
        let model = Model::from_weights(&all, &weights, [[0.5; TAGS]; TAGS + 1], 0.0);
        let p = Prepared::new(&tokens, &doc, Gazetteer::builtin());
        let (direct, s1) = model.decode(&feats);
        let stack = Stack::new(model, None);
        let (cached, s2) = stack.decode_document(&mut [p]).remove(0);
        assert_eq!(direct, cached);
        for (a, b) in s1.iter().zip(&s2) {
            for (x, y) in a.iter().zip(b) {
                assert!((x - y).abs() < 1e-3, "{x} / {y}");
            }
        }
        let mut file = Vec::new();
        stack.write(&mut file).expect("write");
        let back = Stack::read(file.as_slice()).expect("read");
        assert_eq!(back.first.decode(&feats).0, direct);
        assert!(Stack::read(&b"not a model"[..]).is_err());

        // Two passes: the joint decoder agrees with decoding each pass on its
        // own, the second over the first's hints.
        let weights2: Vec<f32> = (0..all.len() * TAGS)
            .map(|i| ((i * 104_729) % 19) as f32 - 9.0)
            .collect();
        let mut with_hint_keys = all.clone();
        with_hint_keys.extend((0..=255u8).map(crate::features::hint_key_for_tests));
        let m1 = Model::from_weights(&all, &weights, [[0.5; TAGS]; TAGS + 1], 0.0);
        let w2: Vec<f32> = (0..with_hint_keys.len() * TAGS)
            .map(|i| weights2.get(i).copied().unwrap_or(3.0))
            .collect();
        let m2 = Model::from_weights(&with_hint_keys, &w2, [[0.1; TAGS]; TAGS + 1], 0.0);
        let first_tags = m1.decode(&feats).0;
        let hints = crate::features::hints(
            &[Prepared::new(&tokens, &doc, Gazetteer::builtin())],
            &[first_tags],
        );
        let p2 = Prepared::new(&tokens, &doc, Gazetteer::builtin()).with_hints(hints[0].clone());
        let expected = m2.decode(&crate::features::extract_prepared(&p2));
        let stack = Stack::new(m1, Some(m2));
        let p = Prepared::new(&tokens, &doc, Gazetteer::builtin());
        let got = stack.decode_document(&mut [p]).remove(0);
        assert_eq!(got.0, expected.0);
        for (a, b) in got.1.iter().zip(&expected.1) {
            for (x, y) in a.iter().zip(b) {
                assert!((x - y).abs() < 1e-3, "{x} / {y}");
            }
        }
    }
}
