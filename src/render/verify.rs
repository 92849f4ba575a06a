//! Every export is read back before it is kept: its streams, picture size, frame rate, duration,
//! index placement and loudness, measured on the file itself.

use std::io::Read;
use std::path::Path;

use ebur128::{EbuR128, Mode};

use super::{Preset, RenderError};
use crate::jobs::CancelToken;
use crate::media::decode::{AudioSettings, DecodeSettings, Decoded, Decoder};

/// What the check found; an export is kept only when `problems` is empty.
#[derive(Debug, Clone)]
pub struct Verified {
    pub problems: Vec<String>,
    pub size_bytes: u64,
    pub duration_s: f64,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub integrated_lufs: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
}

/// Check `file` against `preset` and the timeline's length; its loudness against the target only
/// when `loudness_target` (a mix silent by design is left quiet).
pub fn check(
    file: &Path,
    preset: &Preset,
    expected_s: f64,
    loudness_target: bool,
    cancel: &CancelToken,
) -> Result<Verified, RenderError> {
    let info = crate::media::probe(file, cancel)?;
    let mut problems = Vec::new();
    let frame = 1.0 / preset.fps();
    if info.video_codec.as_deref() != Some("h264") || info.video_profile.as_deref() != Some("high")
    {
        problems.push(format!(
            "the picture is {} {} instead of H.264 High",
            info.video_codec.as_deref().unwrap_or("missing"),
            info.video_profile.as_deref().unwrap_or("")
        ));
    }
    if (info.width, info.height) != (Some(preset.width), Some(preset.height)) {
        problems.push(format!(
            "the picture is {}×{} instead of {}×{}",
            info.width.unwrap_or(0),
            info.height.unwrap_or(0),
            preset.width,
            preset.height
        ));
    }
    let fps = info.fps.unwrap_or(0.0);
    if (fps - preset.fps()).abs() > 0.01 || info.is_vfr {
        problems.push(format!(
            "the frame rate is {fps:.3} fps (variable: {}) instead of a constant {}",
            info.is_vfr,
            preset.fps()
        ));
    }
    if info.audio_codec.as_deref() != Some("aac") || info.audio_sample_rate != Some(48_000) {
        problems.push(format!(
            "the sound is {} at {} Hz instead of AAC at 48000 Hz",
            info.audio_codec.as_deref().unwrap_or("missing"),
            info.audio_sample_rate.unwrap_or(0)
        ));
    }
    if (info.duration_s - expected_s).abs() > frame + 0.005 {
        problems.push(format!(
            "it lasts {:.3} s instead of {expected_s:.3} s",
            info.duration_s
        ));
    }
    if !index_first(file) {
        problems.push(
            "its index (moov) is not at the front, so it will not start playing while it loads"
                .into(),
        );
    }
    let (integrated, peak) = loudness(file, cancel)?;
    if let Some(lufs) = integrated.filter(|_| loudness_target) {
        if (lufs - preset.loudness_lufs).abs() > 1.0 {
            problems.push(format!(
                "it measures {lufs:.1} LUFS instead of {:.1} ± 1",
                preset.loudness_lufs
            ));
        }
    }
    if let Some(tp) = peak {
        if tp > preset.true_peak_dbtp + 0.05 {
            problems.push(format!(
                "its true peak is {tp:.1} dBTP, above {:.1}",
                preset.true_peak_dbtp
            ));
        }
    }
    Ok(Verified {
        problems,
        size_bytes: info.size_bytes,
        duration_s: info.duration_s,
        width: info.width.unwrap_or(0),
        height: info.height.unwrap_or(0),
        fps,
        integrated_lufs: integrated,
        true_peak_dbtp: peak,
    })
}

/// Whether the MP4's `moov` box comes before its `mdat`.
fn index_first(file: &Path) -> bool {
    let Ok(mut f) = std::fs::File::open(file) else {
        return false;
    };
    let mut offset = 0u64;
    let length = f.metadata().map(|m| m.len()).unwrap_or(0);
    while offset + 8 <= length {
        let mut header = [0u8; 16];
        use std::io::Seek;
        if f.seek(std::io::SeekFrom::Start(offset)).is_err()
            || f.read_exact(&mut header[..8]).is_err()
        {
            return false;
        }
        let size32 = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as u64;
        let kind = &header[4..8];
        if kind == b"moov" {
            return true;
        }
        if kind == b"mdat" {
            return false;
        }
        let size = match size32 {
            1 => {
                if f.read_exact(&mut header[8..16]).is_err() {
                    return false;
                }
                u64::from_be_bytes([
                    header[8], header[9], header[10], header[11], header[12], header[13],
                    header[14], header[15],
                ])
            }
            0 => return false,
            n => n,
        };
        offset += size.max(8);
    }
    false
}

/// Integrated loudness and true peak of a file's sound.
pub fn loudness(
    file: &Path,
    cancel: &CancelToken,
) -> Result<(Option<f64>, Option<f64>), RenderError> {
    let mut meter = EbuR128::new(2, 48_000, Mode::I | Mode::TRUE_PEAK)
        .map_err(|e| RenderError::Pipeline(format!("loudness meter: {e}")))?;
    let settings = DecodeSettings {
        video: None,
        audio: Some(AudioSettings {
            rate: 48_000,
            channels: 2,
            denoise: false,
        }),
        start_s: None,
        stall_after: DecodeSettings::DEFAULT_STALL,
    };
    let mut decoder = Decoder::open(file, &settings, cancel)?;
    while let Some(Decoded::Audio(chunk)) = decoder.pull()? {
        meter
            .add_frames_f32(&chunk.samples)
            .map_err(|e| RenderError::Pipeline(format!("loudness meter: {e}")))?;
    }
    let integrated = meter.loudness_global().ok().filter(|l| l.is_finite());
    let peak = (0..2)
        .filter_map(|c| meter.true_peak(c).ok())
        .fold(0.0f64, f64::max);
    Ok((integrated, (peak > 0.0).then(|| 20.0 * peak.log10())))
}
