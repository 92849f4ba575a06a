//! EBU R128 loudness of a source's sound (the `ebur128` crate): momentary loudness every 100 ms,
//! kept for the source (windows, and later silence detection and the loudness pass of a render,
//! read it instead of decoding again), and the integrated loudness of the whole file.

use ebur128::{EbuR128, Mode};

/// Momentary loudness is recorded this often.
pub const STEP_S: f32 = 0.1;
/// Below this counts as silence (and stands for "no sound" in the series).
pub const FLOOR_LUFS: f32 = -70.0;

pub struct LoudnessMeter {
    meter: EbuR128,
    rate: u32,
    step: usize,
    pending: usize,
    series: Vec<f32>,
}

impl LoudnessMeter {
    /// For mono float samples at `rate`.
    pub fn new(rate: u32) -> Result<Self, ebur128::Error> {
        Ok(Self {
            meter: EbuR128::new(1, rate, Mode::M | Mode::I)?,
            rate,
            step: (rate as f32 * STEP_S) as usize,
            pending: 0,
            series: Vec::new(),
        })
    }

    pub fn push(&mut self, mut samples: &[f32]) -> Result<(), ebur128::Error> {
        while !samples.is_empty() {
            let take = (self.step - self.pending).min(samples.len());
            self.meter.add_frames_f32(&samples[..take])?;
            self.pending += take;
            samples = &samples[take..];
            if self.pending == self.step {
                self.pending = 0;
                let m = self.meter.loudness_momentary()?;
                self.series.push(if m.is_finite() {
                    (m as f32).max(FLOOR_LUFS)
                } else {
                    FLOOR_LUFS
                });
            }
        }
        Ok(())
    }

    /// The momentary series (one value per [`STEP_S`]) and the integrated loudness, `None` for
    /// silence.
    pub fn finish(self) -> (Vec<f32>, Option<f32>) {
        let integrated = self
            .meter
            .loudness_global()
            .ok()
            .filter(|l| l.is_finite())
            .map(|l| l as f32);
        let _ = self.rate;
        (self.series, integrated)
    }
}

/// The loudness of a stretch of the series: the mean energy of its momentary values, in LUFS.
pub fn mean_lufs(series: &[f32], start_s: f32, end_s: f32) -> Option<f32> {
    let first = (start_s / STEP_S).floor().max(0.0) as usize;
    let last = ((end_s / STEP_S).ceil() as usize).min(series.len());
    if first >= last {
        return None;
    }
    let energy: f64 = series[first..last]
        .iter()
        .map(|&l| 10f64.powf(l as f64 / 10.0))
        .sum::<f64>()
        / (last - first) as f64;
    Some((10.0 * energy.log10()) as f32)
}

#[cfg(test)]
mod tests {
    use super::{mean_lufs, LoudnessMeter};

    #[test]
    fn a_tone_is_measured_and_silence_is_the_floor() {
        let rate = 16_000;
        let mut meter = LoudnessMeter::new(rate).unwrap();
        let tone: Vec<f32> = (0..rate * 2)
            .map(|i| 0.5 * (i as f32 * 1000.0 * std::f32::consts::TAU / rate as f32).sin())
            .collect();
        meter.push(&tone).unwrap();
        meter.push(&vec![0.0; rate as usize * 2]).unwrap();
        let (series, integrated) = meter.finish();
        assert_eq!(series.len(), 40);
        // A 1 kHz sine at -6 dBFS on one channel reads about -9 LUFS.
        let loud = mean_lufs(&series, 0.5, 1.9).unwrap();
        assert!((loud - -9.0).abs() < 1.5, "{loud}");
        assert!(mean_lufs(&series, 2.6, 4.0).unwrap() <= -69.0);
        assert!(integrated.is_some());
    }
}
