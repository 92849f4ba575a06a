//! A true-peak limiter computed ahead of the render. The measuring pass (see [`super::loudness`])
//! records the true peak (BS.1770, 4× oversampled) of every 10 ms block of the mix; here those
//! peaks, raised by the loudness gain, become a gain envelope that keeps every block under the
//! ceiling: down to the needed gain by the block's start (a 10 ms attack), back up over 100 ms.
//! The render applies it with a `volume` element under GStreamer's controller.
//!
//! `audioloudnorm` (gst-plugins-rs), tried first, is a loudness normaliser rather than a limiter:
//! without measured values it rides the gain of every 3 s window towards the target, which undid
//! ducking (a −30 dB duck came out at −24 dB) and flattened music; it also aborted on a new
//! segment mid-stream (gst-plugin-audiofx 0.15.4, an unchecked index in its peak search).

use super::envelope::Points;
use crate::timeline::Nanos;

/// Length of a measured block: 480 frames at 48 kHz.
pub const BLOCK_NS: Nanos = 10_000_000;
/// Blocks the gain takes to recover after a peak (100 ms).
const RELEASE_BLOCKS: usize = 10;

/// The limiting envelope for `block_peaks` (linear true peaks of the mix before the loudness
/// gain) once they are multiplied by `gain`, keeping them at or under `ceiling` (linear); `None`
/// when no block goes over.
pub fn envelope(block_peaks: &[f32], gain: f64, ceiling: f64) -> Option<Points> {
    let needed: Vec<f64> = block_peaks
        .iter()
        .map(|&peak| {
            let peak = peak as f64 * gain;
            if peak > ceiling {
                ceiling / peak
            } else {
                1.0
            }
        })
        .collect();
    if needed.iter().all(|&g| g >= 1.0) {
        return None;
    }
    // Each block's gain: the lowest any peak asks of it, a peak asking its own block fully and the
    // blocks after it less and less (the release).
    let mut gains = needed.clone();
    for (k, &g) in needed.iter().enumerate().filter(|(_, &g)| g < 1.0) {
        for step in 1..=RELEASE_BLOCKS {
            let Some(slot) = gains.get_mut(k + step) else {
                break;
            };
            let released = g + (1.0 - g) * step as f64 / (RELEASE_BLOCKS + 1) as f64;
            *slot = slot.min(released);
        }
    }
    // A block's gain holds from its start to its end; the ramp into a lower block happens over the
    // block before it (the attack), so the peak is already covered when it arrives.
    let mut points: Points = vec![(0, gains[0])];
    for (b, &g) in gains.iter().enumerate().skip(1) {
        let start = b as Nanos * BLOCK_NS;
        let previous = gains[b - 1];
        if g < previous {
            // Down: reach g by this block's start.
            points.push((
                start - BLOCK_NS,
                previous.min(points.last().map_or(1.0, |p| p.1)),
            ));
            points.push((start, g));
        } else if g > previous {
            // Up: leave the previous gain at this block's start.
            points.push((start, previous));
            points.push((start + BLOCK_NS, g));
        }
    }
    points.sort_by_key(|p| p.0);
    // Keep the lowest of points that share a time.
    let mut merged: Points = Vec::with_capacity(points.len());
    for (t, g) in points {
        match merged.last_mut() {
            Some(last) if last.0 == t => last.1 = last.1.min(g),
            _ => merged.push((t, g)),
        }
    }
    Some(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::envelope::gain_at;

    #[test]
    fn a_peak_is_brought_under_the_ceiling_for_its_whole_block_and_released_after() {
        let mut peaks = vec![0.2f32; 40];
        peaks[20] = 0.9;
        let ceiling = 10f64.powf(-1.2 / 20.0);
        let points = envelope(&peaks, 2.0, ceiling).unwrap();
        let needed = ceiling / 1.8;
        for t in [
            20 * BLOCK_NS,
            20 * BLOCK_NS + BLOCK_NS / 2,
            21 * BLOCK_NS - 1,
        ] {
            let g = gain_at(&points, t);
            assert!(g <= needed + 1e-6, "gain {g} at {t} over {needed}");
        }
        // Untouched well before the peak, and fully released after 100 ms.
        assert_eq!(gain_at(&points, 10 * BLOCK_NS), 1.0);
        assert!((gain_at(&points, 33 * BLOCK_NS) - 1.0).abs() < 1e-9);
        // Every other block stays under the ceiling too.
        for (b, &p) in peaks.iter().enumerate() {
            let lowest = (0..10)
                .map(|i| gain_at(&points, b as Nanos * BLOCK_NS + i * BLOCK_NS / 10))
                .fold(f64::MAX, f64::min);
            assert!(p as f64 * 2.0 * lowest <= ceiling + 1e-6, "block {b}");
        }
        assert!(envelope(&peaks, 0.5, ceiling).is_none());
    }
}
