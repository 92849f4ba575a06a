//! Picking moments (SPEC §4.2): several variants of about `target` seconds each from a project's
//! scored windows, never repeating a moment (duplicates are judged by perceptual hash across every
//! source, so a re-encoded copy of a clip adds nothing), each variant starting in its own zone of
//! the material and drawing round-robin from five time buckets. Three modes — auto (best first),
//! random (seeded) and sequential — and none returns two identical variants.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::phash::distance;

/// Time buckets each variant draws from in turn.
const BUCKETS: usize = 5;
/// A variant's later picks must move at least this much (raw motion).
const MIN_VARIANT_MOTION: f64 = 0.015;
/// Bonus for a segment the creator marked as a favourite.
const FAVOURITE_BONUS: f64 = 0.25;
/// Score taken off a moment for each earlier variant that used it, so variants spread over the
/// material instead of all taking the few best moments.
const USE_PENALTY: f64 = 0.12;
/// The last pick is shortened to meet the target, but not below this.
const MIN_PIECE_S: f64 = 1.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Best-scoring moments first.
    Auto,
    /// Random moments (repeatable with the same seed).
    Random,
    /// Moments in the order they were shot.
    Sequential,
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "random" => Ok(Self::Random),
            "sequential" => Ok(Self::Sequential),
            other => Err(format!(
                "unknown mode {other:?}: choose auto, random or sequential"
            )),
        }
    }
}

/// A moment that can be picked: a scored window or a manual segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub source_id: String,
    pub start_s: f64,
    pub end_s: f64,
    pub score: f64,
    pub motion: f64,
    pub phash: u64,
    pub focus_x: f64,
    pub focus_y: f64,
    pub favourite: bool,
}

/// A project source in project order, with its length.
#[derive(Debug, Clone)]
pub struct SourceSpan {
    pub id: String,
    pub duration_s: f64,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub count: usize,
    pub target_s: f64,
    pub mode: Mode,
    pub seed: u64,
    pub duplicate_distance: u32,
    /// Variants that exist already (e.g. the others when one is regenerated): the new ones differ
    /// from them and use their moments less.
    pub avoid: Vec<Vec<Pick>>,
}

/// One picked piece of a variant.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Pick {
    pub source_id: String,
    pub start_s: f64,
    pub end_s: f64,
    pub focus_x: f64,
    pub focus_y: f64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Variants {
    pub variants: Vec<Vec<Pick>>,
    /// Pairwise overlap of the variants: shared seconds / seconds covered by either (0–1).
    pub overlap: Vec<Vec<f64>>,
    /// What could not be done as asked, in words (too little material, fewer variants).
    pub notes: Vec<String>,
}

/// Build `request.count` distinct variants.
pub fn build(sources: &[SourceSpan], candidates: &[Candidate], request: &Request) -> Variants {
    let offsets = offsets(sources);
    let total: f64 = sources.iter().map(|s| s.duration_s).sum();
    let pool = pool(candidates, request);
    let mut notes = Vec::new();
    if pool.is_empty() || total <= 0.0 {
        notes.push(
            "no usable moments: the footage is too dark, still or blurred, or not analysed".into(),
        );
        return Variants {
            variants: Vec::new(),
            overlap: Vec::new(),
            notes,
        };
    }
    let at = |c: &Candidate| {
        offsets.get(&c.source_id).copied().unwrap_or(0.0) + (c.start_s + c.end_s) / 2.0
    };
    let count = request.count.max(1);
    let mut rng = StdRng::seed_from_u64(request.seed);
    let mut variants: Vec<Vec<usize>> = Vec::new();
    let mut uses = vec![0u32; pool.len()];
    let avoided: Vec<Vec<usize>> = request
        .avoid
        .iter()
        .map(|picks| {
            (0..pool.len())
                .filter(|&i| {
                    picks.iter().any(|p| {
                        p.source_id == pool[i].source_id
                            && p.start_s < pool[i].end_s
                            && pool[i].start_s < p.end_s
                    })
                })
                .collect()
        })
        .collect();
    for &i in avoided.iter().flatten() {
        uses[i] += 1;
    }
    for k in 0..count {
        let zone = (
            total * k as f64 / count as f64,
            total * (k + 1) as f64 / count as f64,
        );
        let worth: Vec<f64> = pool
            .iter()
            .zip(&uses)
            .map(|(c, &u)| value(c) - USE_PENALTY * u as f64)
            .collect();
        // Try first picks in order of preference until the variant differs from the others.
        let mut firsts = first_choices(&pool, &worth, zone, &at, request.mode, &mut rng);
        let mut made = None;
        for first in firsts.drain(..) {
            let picks = grow(&pool, &worth, first, total, &at, request, &mut rng);
            if !variants.iter().chain(&avoided).any(|v| same(v, &picks)) {
                made = Some(picks);
                break;
            }
        }
        match made {
            Some(picks) => {
                for &p in &picks {
                    uses[p] += 1;
                }
                variants.push(picks);
            }
            None => notes.push(format!(
                "only {} distinct variant(s) could be made from this footage",
                variants.len()
            )),
        }
        if variants.len() <= k {
            break;
        }
    }
    let mut picked: Vec<Vec<Pick>> = variants
        .iter()
        .map(|v| {
            let mut ordered: Vec<&Candidate> = v.iter().map(|&i| &pool[i]).collect();
            ordered.sort_by(|a, b| at(a).total_cmp(&at(b)));
            fit_to_target(&ordered, request.target_s)
        })
        .collect();
    picked.retain(|v| !v.is_empty());
    let short: Vec<usize> = picked
        .iter()
        .enumerate()
        .filter(|(_, v)| length(v) < request.target_s - 0.5)
        .map(|(i, _)| i + 1)
        .collect();
    if !short.is_empty() {
        let names: Vec<String> = short.iter().map(|n| n.to_string()).collect();
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        let (noun, verb) = if short.len() == 1 {
            ("Variant", "is")
        } else {
            ("Variants", "are")
        };
        notes.push(format!(
            "{noun} {list} {verb} shorter than the target: there is not enough usable footage"
        ));
    }
    Variants {
        overlap: overlap_matrix(&picked),
        variants: picked,
        notes,
    }
}

/// Where each source starts on the project's concatenated timeline.
fn offsets(sources: &[SourceSpan]) -> std::collections::HashMap<String, f64> {
    let mut at = 0.0;
    sources
        .iter()
        .map(|s| {
            let start = at;
            at += s.duration_s;
            (s.id.clone(), start)
        })
        .collect()
}

/// What a candidate is worth before use: its score, and more for a favourite.
fn value(c: &Candidate) -> f64 {
    c.score + if c.favourite { FAVOURITE_BONUS } else { 0.0 }
}

/// The usable candidates, best first, without cross-place duplicates, enough for every variant
/// (SPEC: `target × N × 2` seconds).
fn pool(candidates: &[Candidate], request: &Request) -> Vec<Candidate> {
    let mut ranked: Vec<Candidate> = candidates.to_vec();
    ranked.sort_by(|a, b| value(b).total_cmp(&value(a)));
    let wanted = request.target_s * request.count.max(1) as f64 * 2.0;
    let mut kept: Vec<Candidate> = Vec::new();
    let mut seconds = 0.0;
    for c in ranked {
        // The same picture elsewhere (another source, or another time of this one) is a repeat; the
        // overlapping windows of one moment are not, and are kept apart per variant instead.
        let repeat = kept
            .iter()
            .any(|k| distance(k.phash, c.phash) < request.duplicate_distance && !overlaps(k, &c));
        if repeat {
            continue;
        }
        seconds += c.end_s - c.start_s;
        kept.push(c);
        if seconds >= wanted && kept.len() >= request.count.max(1) * 2 {
            break;
        }
    }
    kept
}

fn overlaps(a: &Candidate, b: &Candidate) -> bool {
    a.source_id == b.source_id && a.start_s < b.end_s && b.start_s < a.end_s
}

/// First picks for a variant whose zone is `zone`, most preferred first.
fn first_choices(
    pool: &[Candidate],
    worth: &[f64],
    zone: (f64, f64),
    at: &impl Fn(&Candidate) -> f64,
    mode: Mode,
    rng: &mut StdRng,
) -> Vec<usize> {
    let (inside, outside): (Vec<usize>, Vec<usize>) =
        (0..pool.len()).partition(|&i| (zone.0..zone.1).contains(&at(&pool[i])));
    let mut order = |mut list: Vec<usize>| {
        match mode {
            Mode::Auto => list.sort_by(|&a, &b| worth[b].total_cmp(&worth[a])),
            Mode::Random => list.shuffle(rng),
            Mode::Sequential => list.sort_by(|&a, &b| at(&pool[a]).total_cmp(&at(&pool[b]))),
        }
        list
    };
    let mut choices = order(inside);
    choices.extend(order(outside));
    choices
}

/// A variant from its first pick: round-robin over the time buckets until the target is met.
fn grow(
    pool: &[Candidate],
    worth: &[f64],
    first: usize,
    total: f64,
    at: &impl Fn(&Candidate) -> f64,
    request: &Request,
    rng: &mut StdRng,
) -> Vec<usize> {
    let bucket_of = |c: &Candidate| ((at(c) / total * BUCKETS as f64) as usize).min(BUCKETS - 1);
    let mut picks = vec![first];
    let mut seconds = pool[first].end_s - pool[first].start_s;
    let mut bucket = (bucket_of(&pool[first]) + 1) % BUCKETS;
    let mut empty_rounds = 0;
    while seconds < request.target_s && empty_rounds < BUCKETS {
        let eligible: Vec<usize> = (0..pool.len())
            .filter(|&i| bucket_of(&pool[i]) == bucket)
            .filter(|&i| fits(pool, &picks, i, request.duplicate_distance))
            .collect();
        let choice = match request.mode {
            Mode::Auto => eligible
                .iter()
                .copied()
                .max_by(|&a, &b| worth[a].total_cmp(&worth[b])),
            Mode::Random => {
                (!eligible.is_empty()).then(|| eligible[rng.random_range(0..eligible.len())])
            }
            // The next moment after the last one taken, in shooting order.
            Mode::Sequential => {
                let last = picks.last().map_or(0.0, |&p| at(&pool[p]));
                eligible
                    .iter()
                    .copied()
                    .filter(|&i| at(&pool[i]) > last)
                    .min_by(|&a, &b| at(&pool[a]).total_cmp(&at(&pool[b])))
                    .or_else(|| {
                        eligible
                            .iter()
                            .copied()
                            .min_by(|&a, &b| at(&pool[a]).total_cmp(&at(&pool[b])))
                    })
            }
        };
        match choice {
            Some(i) => {
                seconds += pool[i].end_s - pool[i].start_s;
                picks.push(i);
                empty_rounds = 0;
            }
            None => empty_rounds += 1,
        }
        bucket = (bucket + 1) % BUCKETS;
    }
    picks
}

/// Whether candidate `i` may join `picks`: not already in, not overlapping, not a repeat of a
/// picture in it, and moving.
fn fits(pool: &[Candidate], picks: &[usize], i: usize, duplicate_distance: u32) -> bool {
    let c = &pool[i];
    c.motion >= MIN_VARIANT_MOTION
        && picks.iter().all(|&p| {
            p != i
                && !overlaps(&pool[p], c)
                && distance(pool[p].phash, c.phash) >= duplicate_distance
        })
}

fn same(a: &[usize], b: &[usize]) -> bool {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// The picks in order, the last shortened so the variant lasts about `target_s`.
fn fit_to_target(ordered: &[&Candidate], target_s: f64) -> Vec<Pick> {
    let mut out = Vec::new();
    let mut seconds = 0.0;
    for c in ordered {
        let remaining = target_s - seconds;
        if remaining < MIN_PIECE_S && !out.is_empty() {
            break;
        }
        let length = (c.end_s - c.start_s).min(remaining.max(MIN_PIECE_S));
        out.push(Pick {
            source_id: c.source_id.clone(),
            start_s: c.start_s,
            end_s: c.start_s + length,
            focus_x: c.focus_x,
            focus_y: c.focus_y,
        });
        seconds += length;
    }
    out
}

fn length(picks: &[Pick]) -> f64 {
    picks.iter().map(|p| p.end_s - p.start_s).sum()
}

/// Seconds covered by both / seconds covered by either, per pair.
fn overlap_matrix(variants: &[Vec<Pick>]) -> Vec<Vec<f64>> {
    let shared = |a: &[Pick], b: &[Pick]| -> f64 {
        a.iter()
            .flat_map(|x| b.iter().map(move |y| (x, y)))
            .filter(|(x, y)| x.source_id == y.source_id)
            .map(|(x, y)| (x.end_s.min(y.end_s) - x.start_s.max(y.start_s)).max(0.0))
            .sum()
    };
    variants
        .iter()
        .map(|a| {
            variants
                .iter()
                .map(|b| {
                    let both = shared(a, b);
                    let either = length(a) + length(b) - both;
                    if either > 0.0 {
                        ((both / either) * 1000.0).round() / 1000.0
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{build, Candidate, Mode, Request, SourceSpan};

    fn material() -> (Vec<SourceSpan>, Vec<Candidate>) {
        let sources: Vec<SourceSpan> = (0..3)
            .map(|i| SourceSpan {
                id: format!("s{i}"),
                duration_s: 60.0,
            })
            .collect();
        let mut candidates = Vec::new();
        for (si, s) in sources.iter().enumerate() {
            let mut t = 0.0;
            let mut n = 0u64;
            while t + 2.5 <= s.duration_s {
                candidates.push(Candidate {
                    source_id: s.id.clone(),
                    start_s: t,
                    end_s: t + 2.5,
                    score: 0.3 + ((n * 7 + si as u64 * 3) % 11) as f64 / 20.0,
                    motion: 0.05,
                    // Every picture distinct.
                    phash: (si as u64 * 1000 + n).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                    focus_x: 0.5,
                    focus_y: 0.5,
                    favourite: false,
                });
                t += 1.75;
                n += 1;
            }
        }
        (sources, candidates)
    }

    #[test]
    fn every_mode_makes_distinct_variants_of_the_target_length_without_repeats() {
        let (sources, candidates) = material();
        for mode in [Mode::Auto, Mode::Random, Mode::Sequential] {
            let request = Request {
                count: 4,
                target_s: 20.0,
                mode,
                seed: 7,
                duplicate_distance: 10,
                avoid: Vec::new(),
            };
            let made = build(&sources, &candidates, &request);
            assert_eq!(made.variants.len(), 4, "{mode:?}: {:?}", made.notes);
            for (i, v) in made.variants.iter().enumerate() {
                let length: f64 = v.iter().map(|p| p.end_s - p.start_s).sum();
                assert!(
                    (length - 20.0).abs() < 0.5,
                    "{mode:?} variant {i}: {length} s"
                );
                for (a, x) in v.iter().enumerate() {
                    for y in &v[a + 1..] {
                        assert!(
                            x.source_id != y.source_id
                                || x.end_s <= y.start_s
                                || y.end_s <= x.start_s,
                            "{mode:?}: overlapping picks"
                        );
                    }
                }
                for (j, w) in made.variants.iter().enumerate().skip(i + 1) {
                    assert_ne!(v, w, "{mode:?}: variants {i} and {j} are the same");
                    assert!(made.overlap[i][j] < 1.0);
                }
            }
        }
    }

    #[test]
    fn a_copy_of_a_source_adds_no_repeats() {
        let (mut sources, mut candidates) = material();
        sources.push(SourceSpan {
            id: "copy".into(),
            duration_s: 60.0,
        });
        let copies: Vec<Candidate> = candidates
            .iter()
            .filter(|c| c.source_id == "s0")
            .map(|c| Candidate {
                source_id: "copy".into(),
                score: c.score + 0.01,
                phash: c.phash ^ 0b101,
                ..c.clone()
            })
            .collect();
        candidates.extend(copies);
        let made = build(
            &sources,
            &candidates,
            &Request {
                count: 3,
                target_s: 20.0,
                mode: Mode::Auto,
                seed: 1,
                duplicate_distance: 10,
                avoid: Vec::new(),
            },
        );
        for v in &made.variants {
            let from_s0: Vec<_> = v
                .iter()
                .filter(|p| p.source_id == "s0")
                .map(|p| p.start_s)
                .collect();
            let from_copy: Vec<_> = v
                .iter()
                .filter(|p| p.source_id == "copy")
                .map(|p| p.start_s)
                .collect();
            assert!(
                from_s0.iter().all(|t| !from_copy.contains(t)),
                "a moment twice: {v:?}"
            );
        }
    }
}
