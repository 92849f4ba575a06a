//! Hard scene cuts, found as the frames arrive: a cut is a jump in both the picture's histogram and
//! its pixels that stands far above the recent level of change (camera motion changes pixels but
//! keeps the histogram; a slow fade moves the histogram a little every frame), and that does not
//! come straight back on the next frame (a flash, a strobe).

use std::collections::VecDeque;

use super::features::{histogram_distance, BINS};
use super::settings::CutSettings;

/// Decides cuts with one frame of look-ahead.
pub struct CutDetector {
    settings: CutSettings,
    /// (time, histogram) of the last two frames.
    recent: VecDeque<(f32, [f32; BINS])>,
    /// Histogram distances of the last frames, for the local level of change.
    level: VecDeque<f32>,
    /// A jump waiting for the next frame to tell a cut from a flash: (cut time, distance).
    candidate: Option<(f32, f32)>,
    cuts: Vec<f32>,
}

impl CutDetector {
    pub fn new(settings: CutSettings) -> Self {
        Self {
            settings,
            recent: VecDeque::with_capacity(3),
            level: VecDeque::with_capacity(16),
            candidate: None,
            cuts: Vec::new(),
        }
    }

    /// The next sampled frame: its time, histogram, and motion against the previous frame.
    /// Returns a cut confirmed by this frame (the time the new scene starts), if any.
    pub fn push(&mut self, t: f32, histogram: [f32; BINS], motion: f32) -> Option<f32> {
        let mut confirmed = None;
        let mut flash_ends_here = false;
        if let Some((cut_t, jump)) = self.candidate.take() {
            // Two frames back (before the jump) against now: a flash returns to where it was.
            let back = self
                .recent
                .front()
                .map(|(_, before)| histogram_distance(before, &histogram))
                .unwrap_or(1.0);
            if back > jump * self.settings.flash_ratio {
                self.cuts.push(cut_t);
                confirmed = Some(cut_t);
            } else {
                // The jump back from the flash is no cut either.
                flash_ends_here = true;
            }
        }
        if let Some((prev_t, prev_hist)) = self.recent.back() {
            let jump = histogram_distance(prev_hist, &histogram);
            let level = median(&self.level);
            let is_jump = jump >= self.settings.min_histogram_jump
                && motion >= self.settings.min_motion
                && jump >= level * self.settings.above_level;
            if is_jump && !flash_ends_here {
                // The new scene starts somewhere between the two samples: take the middle.
                self.candidate = Some(((prev_t + t) / 2.0, jump));
            } else if !is_jump {
                if self.level.len() == 15 {
                    self.level.pop_front();
                }
                self.level.push_back(jump);
            }
        }
        if self.recent.len() == 2 {
            self.recent.pop_front();
        }
        self.recent.push_back((t, histogram));
        confirmed
    }

    /// The end of the stream: a jump on the last frame stands.
    pub fn finish(mut self) -> Vec<f32> {
        if let Some((cut_t, _)) = self.candidate.take() {
            self.cuts.push(cut_t);
        }
        self.cuts
    }
}

fn median(values: &VecDeque<f32>) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted: Vec<f32> = values.iter().copied().collect();
    sorted.sort_by(f32::total_cmp);
    sorted[sorted.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::CutDetector;
    use crate::analysis::features::BINS;
    use crate::analysis::settings::CutSettings;

    fn hist(bin: usize) -> [f32; BINS] {
        let mut h = [0.0; BINS];
        h[bin] = 0.7;
        h[(bin + 1) % BINS] = 0.3;
        h
    }

    #[test]
    fn a_jump_that_stays_is_a_cut_and_one_that_comes_back_is_a_flash() {
        let mut d = CutDetector::new(CutSettings::default());
        let mut t = 0.0;
        let mut feed = |d: &mut CutDetector, bin: usize, motion: f32| {
            t += 0.2;
            d.push(t, hist(bin), motion)
        };
        for _ in 0..10 {
            feed(&mut d, 3, 0.01);
        }
        // A flash: one frame far away, then back.
        assert_eq!(feed(&mut d, 25, 0.4), None);
        assert_eq!(feed(&mut d, 3, 0.4), None);
        for _ in 0..5 {
            assert_eq!(feed(&mut d, 3, 0.01), None);
        }
        // A cut: the new picture stays.
        assert_eq!(feed(&mut d, 20, 0.3), None);
        let cut = feed(&mut d, 20, 0.01).expect("confirmed by the next frame");
        assert!((cut - 3.5).abs() < 0.01, "{cut}");
        assert_eq!(d.finish(), vec![cut]);
    }
}
