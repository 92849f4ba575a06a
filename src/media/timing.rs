//! Frame timing from packet timestamps (nothing decoded): variable frame rate detection and the
//! average rate of files whose header has none.

/// Video packets looked at to decide whether the frame rate is variable.
pub(super) const VFR_SAMPLE_FRAMES: usize = 240;
/// A frame interval further than this from the median counts as irregular.
const IRREGULAR_INTERVAL: f64 = 0.10;
/// Share of irregular intervals above which a stream is called variable frame rate (a CFR file with
/// a dropped frame or two stays CFR).
const VFR_SHARE: f64 = 0.05;

pub(super) fn is_variable(pts: &[u64]) -> bool {
    let mut sorted = pts.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let intervals: Vec<f64> = sorted.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    if intervals.len() < 3 {
        return false;
    }
    let mut ordered = intervals.clone();
    ordered.sort_by(f64::total_cmp);
    let median = ordered[ordered.len() / 2];
    if median <= 0.0 {
        return false;
    }
    let irregular = intervals
        .iter()
        .filter(|&&d| ((d - median) / median).abs() > IRREGULAR_INTERVAL)
        .count();
    irregular as f64 / intervals.len() as f64 > VFR_SHARE
}

/// Common nominal rates a measured average is snapped to when within 0.5 %.
const NOMINAL_RATES: &[(i32, i32)] = &[
    (24000, 1001),
    (24, 1),
    (25, 1),
    (30000, 1001),
    (30, 1),
    (48, 1),
    (50, 1),
    (60000, 1001),
    (60, 1),
    (120, 1),
];

pub(super) fn average_rate(pts: &[u64]) -> Option<(i32, i32)> {
    let mut sorted = pts.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let (first, last) = (*sorted.first()?, *sorted.last()?);
    if sorted.len() < 2 || last <= first {
        return None;
    }
    let fps = (sorted.len() - 1) as f64 / ((last - first) as f64 / 1e9);
    let deviation = |&(n, d): &(i32, i32)| {
        let nominal = n as f64 / d as f64;
        ((fps - nominal) / nominal).abs()
    };
    let snapped = NOMINAL_RATES
        .iter()
        .copied()
        .filter(|r| deviation(r) < 0.005)
        .min_by(|a, b| deviation(a).total_cmp(&deviation(b)));
    Some(snapped.unwrap_or(((fps * 1000.0).round() as i32, 1000)))
}

#[cfg(test)]
mod tests {
    use super::{average_rate, is_variable};

    #[test]
    fn average_rate_snaps_to_nominal() {
        let pts: Vec<u64> = (0..100).map(|i| (i * 1000 / 24) * 1_000_000).collect();
        assert_eq!(average_rate(&pts), Some((24, 1)));
    }

    #[test]
    fn constant_rate_with_ms_rounding_is_not_variable() {
        // 24 fps in millisecond timestamps alternates 41/42 ms.
        let pts: Vec<u64> = (0..100).map(|i| (i * 1000 / 24) * 1_000_000).collect();
        assert!(!is_variable(&pts));
    }

    #[test]
    fn irregular_intervals_are_variable() {
        let mut t = 0;
        let pts: Vec<u64> = (0..100)
            .map(|i| {
                t += if i % 3 == 0 { 100_000_000 } else { 80_000_000 };
                t
            })
            .collect();
        assert!(is_variable(&pts));
    }
}
