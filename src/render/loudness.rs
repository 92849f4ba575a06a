//! How loud the mix of a timeline is before it is rendered: each item's sound decoded through the
//! shared decode chain from its in to its out point, at its volume, silence for items without
//! sound, measured as EBU R128 integrated loudness and true peak (the `ebur128` crate). The render
//! applies the gain that brings it to the preset's target.

use ebur128::{EbuR128, Mode};

use super::{Placed, Preset, RenderError};
use crate::jobs::CancelToken;
use crate::media::decode::{AudioSettings, DecodeSettings, Decoded, Decoder};
use crate::media::MediaError;
use crate::timeline::seconds;

const RATE: u32 = 48_000;

/// Loudness of a mix; `None` when it is silent.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub integrated_lufs: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
}

fn meter_err(e: ebur128::Error) -> RenderError {
    RenderError::Pipeline(format!("loudness meter: {e}"))
}

/// Measure the mix of `placed`; `progress` hears the fraction done.
pub(crate) fn measure_mix(
    placed: &[Placed],
    cancel: &CancelToken,
    mut progress: impl FnMut(f64),
) -> Result<Measured, RenderError> {
    let mut meter = EbuR128::new(2, RATE, Mode::I | Mode::TRUE_PEAK).map_err(meter_err)?;
    let total: f64 = placed
        .iter()
        .map(|p| seconds(p.item.duration_ns()))
        .sum::<f64>()
        .max(0.001);
    let mut done = 0.0;
    for p in placed {
        let (start, end) = (seconds(p.item.in_ns), seconds(p.item.out_ns));
        let wanted = ((end - start) * RATE as f64).round() as usize * 2;
        let mut fed = 0usize;
        if p.source.has_audio {
            let settings = DecodeSettings {
                video: None,
                audio: Some(AudioSettings {
                    rate: RATE,
                    channels: 2,
                }),
                start_s: Some(start),
                stall_after: DecodeSettings::DEFAULT_STALL,
            };
            let mut decoder =
                Decoder::open(std::path::Path::new(&p.source.path), &settings, cancel)?;
            while fed < wanted {
                let Some(Decoded::Audio(chunk)) = decoder.pull()? else {
                    break;
                };
                // Samples from before the in point (the first chunk after the seek) are skipped.
                let skip = (((start - chunk.pts_s).max(0.0) * RATE as f64).round() as usize * 2)
                    .min(chunk.samples.len());
                let take = (chunk.samples.len() - skip).min(wanted - fed);
                let gain = p.item.volume as f32;
                let samples: Vec<f32> = chunk.samples[skip..skip + take]
                    .iter()
                    .map(|s| s * gain)
                    .collect();
                meter.add_frames_f32(&samples).map_err(meter_err)?;
                fed += take;
                progress((done + fed as f64 / 2.0 / RATE as f64) / total);
            }
        }
        if cancel.is_cancelled() {
            return Err(RenderError::Media(MediaError::Cancelled));
        }
        // Silence for what the item does not fill with sound.
        if fed < wanted {
            meter
                .add_frames_f32(&vec![0.0; wanted - fed])
                .map_err(meter_err)?;
        }
        done += end - start;
        progress(done / total);
    }
    let integrated = meter.loudness_global().ok().filter(|l| l.is_finite());
    let peak = (0..2)
        .filter_map(|c| meter.true_peak(c).ok())
        .fold(0.0f64, f64::max);
    Ok(Measured {
        integrated_lufs: integrated,
        true_peak_dbtp: (peak > 0.0).then(|| 20.0 * peak.log10()),
    })
}

/// The gain, dB, that brings `measured` to the preset's loudness target (nothing for silence).
pub fn gain_db(measured: &Measured, preset: &Preset) -> f64 {
    match measured.integrated_lufs {
        // Beyond ±24 dB it is noise being amplified or a mistake; the check after the render says so.
        Some(lufs) => (preset.loudness_lufs - lufs).clamp(-24.0, 24.0),
        None => 0.0,
    }
}
