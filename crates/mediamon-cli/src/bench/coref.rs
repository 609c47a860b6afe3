//! Coreference clustering metrics on gold mentions: MUC, B-cubed, CEAF-e and
//! their mean (the CoNLL F1), as defined by Pradhan et al. (2014), "Scoring
//! coreference partitions of predicted mentions: a reference implementation".

use std::collections::{BTreeMap, HashMap};

use pathfinding::prelude::{Matrix, kuhn_munkres};

/// Precision, recall and F1 of one metric.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    /// F1 is 0 rather than NaN when precision and recall are both 0.
    fn new(precision: f64, recall: f64) -> Self {
        let sum = precision + recall;
        let f1 = if sum > 0.0 {
            2.0 * precision * recall / sum
        } else {
            0.0
        };
        Self {
            precision,
            recall,
            f1,
        }
    }
}

/// MUC, B-cubed, CEAF-e and their mean F1 (the CoNLL F1).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    pub muc: Prf,
    pub bcubed: Prf,
    pub ceafe: Prf,
    pub conll_f1: f64,
}

/// Scores a system clustering against gold, both given as one cluster label per mention
/// (gold[i] and system[i] are the clusters of mention i; labels are arbitrary usize values,
/// equal label = same cluster). Both slices have the same length (gold mentions scored with
/// the system's clusters of the same mentions). Singletons count (as in the CoNLL-2012
/// reference scorer v8 on gold mentions: MUC ignores them by definition, B-cubed and CEAF-e
/// include them).
///
/// Figures whose denominator is zero (empty input, MUC on all singletons) are 0, not NaN.
/// Slices of different lengths are a caller bug: debug builds panic, release builds score
/// the common prefix.
pub fn score(gold: &[usize], system: &[usize]) -> Scores {
    debug_assert_eq!(
        gold.len(),
        system.len(),
        "gold and system must label the same mentions"
    );
    let table = Contingency::new(gold, system);
    let (muc, bcubed, ceafe) = (muc(&table), bcubed(&table), ceafe(&table));
    Scores {
        muc,
        bcubed,
        ceafe,
        conll_f1: (muc.f1 + bcubed.f1 + ceafe.f1) / 3.0,
    }
}

/// Fixed-point scale for CEAF-e weights: `kuhn_munkres` needs integer (`Ord`) weights.
/// 2^40 makes rounding negligible next to any real gap between alignments while leaving
/// i64 headroom for millions of clusters; the chosen alignment is then re-scored exactly.
const WEIGHT_SCALE: f64 = (1u64 << 40) as f64;

/// Everything the metrics need: cluster sizes and the nonzero cluster overlaps.
struct Contingency {
    mentions: usize,
    gold_sizes: Vec<usize>,
    system_sizes: Vec<usize>,
    /// `|K ∩ R|` per (gold, system) cluster pair with a shared mention, keyed by dense
    /// cluster ids; ordered so that float sums are reproducible.
    overlaps: BTreeMap<(usize, usize), usize>,
}

impl Contingency {
    fn new(gold: &[usize], system: &[usize]) -> Self {
        let (mut gold_ids, mut system_ids) = (HashMap::new(), HashMap::new());
        let mut overlaps = BTreeMap::new();
        for (&g, &s) in gold.iter().zip(system) {
            let key = (dense_id(&mut gold_ids, g), dense_id(&mut system_ids, s));
            *overlaps.entry(key).or_insert(0) += 1;
        }
        let mut gold_sizes = vec![0; gold_ids.len()];
        let mut system_sizes = vec![0; system_ids.len()];
        for (&(g, s), &n) in &overlaps {
            gold_sizes[g] += n;
            system_sizes[s] += n;
        }
        Self {
            mentions: gold.len().min(system.len()),
            gold_sizes,
            system_sizes,
            overlaps,
        }
    }
}

/// Maps a label to a dense index in first-seen order, so results never depend on hashing.
fn dense_id(ids: &mut HashMap<usize, usize>, label: usize) -> usize {
    let next = ids.len();
    *ids.entry(label).or_insert(next)
}

/// `num / den`, or 0 for an empty denominator.
fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 { num / den } else { 0.0 }
}

/// MUC (Vilain et al. 1995). Summed over gold clusters, `|p(K)|` is the number of nonzero
/// overlaps, and symmetrically for system clusters, so both numerators are
/// `mentions - overlaps` and only the denominators differ.
fn muc(table: &Contingency) -> Prf {
    let links = (table.mentions - table.overlaps.len()) as f64;
    let mentions = table.mentions as f64;
    Prf::new(
        ratio(links, mentions - table.system_sizes.len() as f64),
        ratio(links, mentions - table.gold_sizes.len() as f64),
    )
}

/// B-cubed: each of the `|K ∩ R|` mentions of an overlap scores `|K ∩ R| / |R|` for
/// precision and `|K ∩ R| / |K|` for recall; both are averaged over mentions.
fn bcubed(table: &Contingency) -> Prf {
    let (mut precision, mut recall) = (0.0, 0.0);
    for (&(g, s), &n) in &table.overlaps {
        let squared = (n * n) as f64;
        precision += squared / table.system_sizes[s] as f64;
        recall += squared / table.gold_sizes[g] as f64;
    }
    let mentions = table.mentions as f64;
    Prf::new(ratio(precision, mentions), ratio(recall, mentions))
}

/// CEAF-e: the best one-to-one alignment of gold and system clusters under
/// `phi4(K, R) = 2|K ∩ R| / (|K| + |R|)`, normalised by the cluster counts.
fn ceafe(table: &Contingency) -> Prf {
    let edges: Vec<_> = table
        .overlaps
        .iter()
        .map(|(&(g, s), &n)| {
            let phi = 2.0 * n as f64 / (table.gold_sizes[g] + table.system_sizes[s]) as f64;
            (g, s, phi)
        })
        .collect();
    let total: f64 = components(&edges, table.gold_sizes.len(), table.system_sizes.len())
        .iter()
        .map(|component| best_alignment(component))
        .sum();
    Prf::new(
        ratio(total, table.system_sizes.len() as f64),
        ratio(total, table.gold_sizes.len() as f64),
    )
}

/// Splits the overlap graph (gold clusters on one side, system clusters on the other)
/// into connected components. Pairs across components have phi4 = 0, so the optimal
/// alignment is the union of per-component optima; this keeps the O(n³) assignment
/// small where a dense matrix over all clusters would be huge (e.g. many singletons).
fn components(
    edges: &[(usize, usize, f64)],
    gold_count: usize,
    system_count: usize,
) -> Vec<Vec<(usize, usize, f64)>> {
    let mut parent: Vec<usize> = (0..gold_count + system_count).collect();
    for &(g, s, _) in edges {
        let (a, b) = (root(&mut parent, g), root(&mut parent, gold_count + s));
        parent[a] = b;
    }
    let mut groups: BTreeMap<usize, Vec<_>> = BTreeMap::new();
    for &edge in edges {
        groups
            .entry(root(&mut parent, edge.0))
            .or_default()
            .push(edge);
    }
    groups.into_values().collect()
}

/// Union-find root with path halving.
fn root(parent: &mut [usize], mut node: usize) -> usize {
    while parent[node] != node {
        parent[node] = parent[parent[node]];
        node = parent[node];
    }
    node
}

/// Maximum total phi4 of a one-to-one alignment within one connected component.
fn best_alignment(edges: &[(usize, usize, f64)]) -> f64 {
    let (mut gold_ids, mut system_ids) = (HashMap::new(), HashMap::new());
    let local: Vec<_> = edges
        .iter()
        .map(|&(g, s, phi)| {
            (
                dense_id(&mut gold_ids, g),
                dense_id(&mut system_ids, s),
                phi,
            )
        })
        .collect();
    // `kuhn_munkres` requires no more rows than columns.
    let transposed = gold_ids.len() > system_ids.len();
    let (rows, columns) = if transposed {
        (system_ids.len(), gold_ids.len())
    } else {
        (gold_ids.len(), system_ids.len())
    };
    let mut exact = Matrix::new(rows, columns, 0.0);
    for (g, s, phi) in local {
        exact[if transposed { (s, g) } else { (g, s) }] = phi;
    }
    let weights = Matrix::from_fn(rows, columns, |cell| {
        (exact[cell] * WEIGHT_SCALE).round() as i64
    });
    let (_, assignment) = kuhn_munkres(&weights);
    assignment
        .into_iter()
        .enumerate()
        .map(|cell| exact[cell])
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPS: f64 = 1e-12;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() < EPS
    }

    /// Checks precision and recall, and that F1 is their harmonic mean.
    fn assert_prf(actual: Prf, precision: f64, recall: f64) {
        let expected = Prf::new(precision, recall);
        assert!(
            close(actual.precision, expected.precision)
                && close(actual.recall, expected.recall)
                && close(actual.f1, expected.f1),
            "got {actual:?}, expected {expected:?}"
        );
    }

    /// Deterministic pseudo-random labelings (an LCG), so property checks need no crate.
    fn labelings() -> impl Iterator<Item = Vec<usize>> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        (0..200).map(move |i| {
            let (len, labels) = (i % 13, 1 + i % 7);
            (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    (state >> 33) as usize % labels
                })
                .collect()
        })
    }

    #[test]
    fn worked_example() {
        // Mentions a..g. Gold {a,b,c} {d,e,f,g}; system {a,b} {c,d} {e,f,g}.
        // Overlaps: (K1,R1)=2, (K1,R2)=1, (K2,R2)=1, (K2,R3)=3.
        let gold = [0, 0, 0, 1, 1, 1, 1];
        let system = [5, 5, 8, 8, 2, 2, 2];
        let scores = score(&gold, &system);
        // MUC recall: ((3-2) + (4-2)) / ((3-1) + (4-1)) = 3/5;
        // precision: ((2-1) + (2-2) + (3-1)) / ((2-1) + (2-1) + (3-1)) = 3/4.
        assert_prf(scores.muc, 3.0 / 4.0, 3.0 / 5.0);
        // B3 recall: a,b 2/3; c 1/3; d 1/4; e,f,g 3/4 -> (4/3 + 1/3 + 1/4 + 9/4) / 7 = 25/42.
        // B3 precision: a,b 1; c,d 1/2; e,f,g 1 -> 6/7.
        assert_prf(scores.bcubed, 6.0 / 7.0, 25.0 / 42.0);
        // phi4: (K1,R1)=4/5, (K1,R2)=2/5, (K2,R2)=1/3, (K2,R3)=6/7; best K1-R1, K2-R3 = 58/35.
        // Recall 58/35 / 2 = 29/35, precision 58/35 / 3 = 58/105.
        assert_prf(scores.ceafe, 58.0 / 105.0, 29.0 / 35.0);
        // F1s: MUC 2/3, B3 300/427, CEAF-e 116/175.
        assert!(close(scores.muc.f1, 2.0 / 3.0));
        assert!(close(scores.bcubed.f1, 300.0 / 427.0));
        assert!(close(scores.ceafe.f1, 116.0 / 175.0));
        let conll = (2.0 / 3.0 + 300.0 / 427.0 + 116.0 / 175.0) / 3.0;
        assert!(close(scores.conll_f1, conll));
    }

    #[test]
    fn ceafe_alignment_is_optimal_not_greedy() {
        // Gold {a,b,c} {d}; system {a,b,d} {c}. phi4: (K1,R1)=2/3, (K1,R2)=1/2, (K2,R1)=1/2,
        // (K2,R2)=0. Greedy takes 2/3; the optimum K1-R2, K2-R1 is 1, over 2 clusters each side.
        let scores = score(&[0, 0, 0, 1], &[0, 0, 1, 0]);
        assert_prf(scores.ceafe, 0.5, 0.5);
    }

    #[test]
    fn perfect_clustering() {
        let labels = [3, 3, 1, 7, 1, 3, 9];
        let scores = score(&labels, &labels);
        for prf in [scores.muc, scores.bcubed, scores.ceafe] {
            assert_prf(prf, 1.0, 1.0);
        }
        assert!(close(scores.conll_f1, 1.0));
    }

    #[test]
    fn singleton_system_against_one_gold_cluster() {
        let scores = score(&[4, 4, 4, 4], &[0, 1, 2, 3]);
        // MUC: no links found; precision has no links to judge (0/0), so 0.
        assert_prf(scores.muc, 0.0, 0.0);
        // B3: every mention is right about itself only: recall 1/4, precision 1.
        assert_prf(scores.bcubed, 1.0, 0.25);
        // CEAF-e: the one gold cluster aligns with one singleton, phi4 = 2/5.
        assert_prf(scores.ceafe, 0.4 / 4.0, 0.4);
    }

    #[test]
    fn one_system_cluster_against_singleton_gold() {
        let scores = score(&[0, 1, 2, 3], &[4, 4, 4, 4]);
        // MUC: gold has no links (recall 0/0 -> 0), all three system links are wrong.
        assert_prf(scores.muc, 0.0, 0.0);
        assert_prf(scores.bcubed, 0.25, 1.0);
        assert_prf(scores.ceafe, 0.4, 0.4 / 4.0);
    }

    #[test]
    fn empty_input_scores_zero() {
        let zero = Prf::new(0.0, 0.0);
        let expected = Scores {
            muc: zero,
            bcubed: zero,
            ceafe: zero,
            conll_f1: 0.0,
        };
        assert_eq!(score(&[], &[]), expected);
    }

    #[test]
    fn identical_clusterings_are_perfect() {
        for labels in labelings().filter(|labels| !labels.is_empty()) {
            let scores = score(&labels, &labels);
            assert_prf(scores.bcubed, 1.0, 1.0);
            assert_prf(scores.ceafe, 1.0, 1.0);
            // MUC has nothing to score when every cluster is a singleton.
            let has_link = (1..labels.len()).any(|i| labels[..i].contains(&labels[i]));
            let muc = if has_link { 1.0 } else { 0.0 };
            assert_prf(scores.muc, muc, muc);
        }
    }

    #[test]
    fn swapping_gold_and_system_swaps_precision_and_recall() {
        let all: Vec<_> = labelings().collect();
        for (gold, system) in all.iter().zip(all.iter().skip(1)) {
            let n = gold.len().min(system.len());
            let (forward, backward) = (
                score(&gold[..n], &system[..n]),
                score(&system[..n], &gold[..n]),
            );
            for (f, b) in [
                (forward.muc, backward.muc),
                (forward.bcubed, backward.bcubed),
                (forward.ceafe, backward.ceafe),
            ] {
                assert!(close(f.precision, b.recall) && close(f.recall, b.precision));
            }
        }
    }

    /// Mention indices of each cluster, straight from the labels.
    fn clusters(labels: &[usize]) -> Vec<Vec<usize>> {
        let mut distinct = labels.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        distinct
            .into_iter()
            .map(|label| (0..labels.len()).filter(|&i| labels[i] == label).collect())
            .collect()
    }

    /// Best CEAF-e total by exhaustive search: each gold cluster takes a free system
    /// cluster or none.
    fn brute_force_alignment(gold: &[Vec<usize>], system: &mut [Option<Vec<usize>>]) -> f64 {
        let Some((k, rest)) = gold.split_first() else {
            return 0.0;
        };
        let mut best = brute_force_alignment(rest, system);
        for j in 0..system.len() {
            if let Some(r) = system[j].take() {
                let shared = k.iter().filter(|m| r.contains(m)).count();
                let phi = 2.0 * shared as f64 / (k.len() + r.len()) as f64;
                best = best.max(phi + brute_force_alignment(rest, system));
                system[j] = Some(r);
            }
        }
        best
    }

    #[test]
    fn ceafe_matches_brute_force() {
        let all: Vec<_> = labelings().collect();
        for (gold, system) in all.iter().zip(all.iter().skip(3)) {
            let n = gold.len().min(system.len()).min(8);
            let ceafe = score(&gold[..n], &system[..n]).ceafe;
            let (gold, system) = (clusters(&gold[..n]), clusters(&system[..n]));
            let mut free: Vec<_> = system.iter().cloned().map(Some).collect();
            let total = brute_force_alignment(&gold, &mut free);
            assert!(close(ceafe.recall, total / gold.len().max(1) as f64));
            assert!(close(ceafe.precision, total / system.len().max(1) as f64));
        }
    }
}
