//! Footage analysis (SPEC §4.1): one decode per source through the shared decode chain — small
//! grey frames at 5 fps and 16 kHz mono sound — measured frame by frame ([`features`]), scene cuts
//! found as the frames arrive ([`cuts`]), EBU R128 loudness ([`loudness`]); windows are then cut
//! and scored from the stored measurements ([`windows`]) for whatever target length a project
//! asks, and variants picked from them ([`selection`]).

pub mod cache;
pub mod cuts;
pub mod features;
pub mod loudness;
pub mod phash;
pub mod selection;
pub mod settings;
pub mod variants;
pub mod windows;

use std::path::Path;

use crate::jobs::CancelToken;
use crate::media::decode::{
    AudioSettings, DecodeSettings, Decoded, Decoder, FrameFormat, VideoSettings,
};
use crate::media::{MediaError, MediaInfo};
use cuts::CutDetector;
use features::{FrameFeatures, Gray, Previous};
use loudness::LoudnessMeter;
use phash::PerceptualHasher;
use settings::{window_length_s, CutSettings, WindowSettings, AUDIO_RATE, RATE, WIDTH};
use windows::Window;

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("{path}: the sound could not be measured: {detail}")]
    Loudness { path: String, detail: String },
    #[error("{path}: the file changed since it was imported")]
    Changed { path: String },
}

impl AnalysisError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Media(e) => e.hint(),
            Self::Loudness { .. } => None,
            Self::Changed { .. } => {
                Some("verify the project's sources (or import the file again), then analyse")
            }
        }
    }
}

/// Everything measured in one source, from which windows for any target are cut.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceAnalysis {
    pub duration_s: f64,
    /// One entry per sampled frame (5 per second), in order.
    pub frames: Vec<FrameFeatures>,
    /// Where new scenes start, seconds.
    pub scene_cuts_s: Vec<f32>,
    /// Momentary loudness every 100 ms (LUFS; -70 for silence); empty without sound.
    pub loudness: Vec<f32>,
    pub integrated_lufs: Option<f32>,
}

impl SourceAnalysis {
    /// The scored windows for a project whose variants last `target_s`.
    pub fn windows(&self, target_s: f64, settings: &WindowSettings) -> Vec<Window> {
        windows::windows(
            &self.frames,
            &self.scene_cuts_s,
            &self.loudness,
            self.duration_s,
            window_length_s(target_s),
            settings,
        )
    }
}

/// A source's analysis at a glance, for drawing under its thumbnail and in the segment player.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Overview {
    pub duration_s: f64,
    pub scene_cuts_s: Vec<f64>,
    /// Seconds per entry of `heat`.
    pub heat_step_s: f64,
    /// The best usable window score covering each step (0–1); `null` where nothing is usable.
    pub heat: Vec<Option<f64>>,
    pub integrated_lufs: Option<f32>,
}

impl SourceAnalysis {
    pub fn overview(&self, target_s: f64) -> Overview {
        const STEP: f64 = 0.5;
        let steps = (self.duration_s / STEP).ceil().max(0.0) as usize;
        let mut heat: Vec<Option<f64>> = vec![None; steps];
        for w in self
            .windows(target_s, &WindowSettings::default())
            .iter()
            .filter(|w| w.rejected.is_none())
        {
            let (from, to) = (
                (w.start_s / STEP) as usize,
                ((w.end_s / STEP).ceil() as usize).min(steps),
            );
            for cell in &mut heat[from.min(steps)..to] {
                *cell = Some(cell.map_or(w.score, |c| c.max(w.score)));
            }
        }
        Overview {
            duration_s: self.duration_s,
            scene_cuts_s: self.scene_cuts_s.iter().map(|&c| c as f64).collect(),
            heat_step_s: STEP,
            heat,
            integrated_lufs: self.integrated_lufs,
        }
    }
}

/// Analyse one file. `progress` hears the seconds decoded so far.
pub fn analyze(
    path: &Path,
    info: &MediaInfo,
    cancel: &CancelToken,
    progress: impl FnMut(f64),
) -> Result<SourceAnalysis, AnalysisError> {
    analyze_with_waveform(path, info, cancel, progress).map(|(analysis, _)| analysis)
}

/// [`analyze`], with the waveform of the sound (`media::waveform`'s file) drawn from the same
/// samples, when there is sound.
fn analyze_with_waveform(
    path: &Path,
    info: &MediaInfo,
    cancel: &CancelToken,
    mut progress: impl FnMut(f64),
) -> Result<(SourceAnalysis, Option<Vec<u8>>), AnalysisError> {
    let shown = crate::text::printable_path(path);
    let settings = DecodeSettings {
        video: info.has_video.then_some(VideoSettings {
            format: FrameFormat::Gray8,
            width: Some(WIDTH),
            height: None,
            rate: Some((RATE, 1)),
        }),
        audio: info.has_audio.then_some(AudioSettings {
            rate: AUDIO_RATE,
            channels: 1,
            denoise: false,
        }),
        start_s: None,
        stall_after: DecodeSettings::DEFAULT_STALL,
    };
    let meter_err = |e: ebur128::Error| AnalysisError::Loudness {
        path: shown.clone(),
        detail: e.to_string(),
    };
    let mut decoder = Decoder::open(path, &settings, cancel)?;
    let hasher = PerceptualHasher::default();
    let mut cuts = CutDetector::new(CutSettings::default());
    let mut meter = info
        .has_audio
        .then(|| LoudnessMeter::new(AUDIO_RATE))
        .transpose()
        .map_err(meter_err)?;
    let mut peaks = info
        .has_audio
        .then(|| crate::media::waveform::Peaks::new(AUDIO_RATE));
    let mut frames: Vec<FrameFeatures> = Vec::new();
    let mut previous: Option<Previous> = None;
    let mut decoded_s = 0f64;
    while let Some(item) = decoder.pull()? {
        match item {
            Decoded::Video(frame) => {
                let gray = Gray {
                    width: frame.width as usize,
                    height: frame.height as usize,
                    stride: frame.stride,
                    data: &frame.data,
                };
                if !gray.is_valid() {
                    continue;
                }
                let (features, now) =
                    features::measure(&gray, frame.pts_s as f32, previous.as_ref(), &hasher);
                cuts.push(features.t, now.histogram, features.motion);
                decoded_s = decoded_s.max(frame.pts_s);
                frames.push(features);
                previous = Some(now);
            }
            Decoded::Audio(chunk) => {
                if let Some(meter) = meter.as_mut() {
                    meter.push(&chunk.samples).map_err(meter_err)?;
                }
                if let Some(peaks) = peaks.as_mut() {
                    peaks.push(&chunk.samples);
                }
                decoded_s = decoded_s.max(chunk.pts_s);
            }
        }
        progress(decoded_s);
    }
    let (loudness, integrated_lufs) = meter.map(LoudnessMeter::finish).unwrap_or_default();
    let analysis = SourceAnalysis {
        duration_s: info.duration_s,
        frames,
        scene_cuts_s: cuts.finish(),
        loudness,
        integrated_lufs,
    };
    Ok((analysis, peaks.map(crate::media::waveform::Peaks::finish)))
}

/// What [`analyze_cached`] found.
pub struct Analysed {
    pub content_hash: String,
    pub analysis: SourceAnalysis,
    /// Read from the library instead of decoded.
    pub cached: bool,
}

/// Analyse `path`, or read its analysis from `library` when this content was analysed before
/// (nothing is decoded or even probed then); a fresh analysis is stored there. `progress` hears the
/// fraction done (0–1).
pub fn analyze_cached(
    library: Option<&crate::library::Library>,
    path: &Path,
    cancel: &CancelToken,
    mut progress: impl FnMut(f64),
) -> Result<Analysed, CachedAnalysisError> {
    // Refuses what is not a regular file before anything opens it.
    crate::media::probe::regular_file(path)?;
    let content_hash =
        crate::media::fingerprint::fingerprint(path).map_err(|e| MediaError::Unreadable {
            path: crate::text::printable_path(path),
            detail: e.to_string(),
        })?;
    if let Some(library) = library {
        if let Some(analysis) = cache::load(library, &content_hash)? {
            return Ok(Analysed {
                content_hash,
                analysis,
                cached: true,
            });
        }
    }
    let info = crate::media::probe(path, cancel)?;
    let duration = info.duration_s.max(0.001);
    let (analysis, waveform) = analyze_with_waveform(path, &info, cancel, |decoded| {
        progress((decoded / duration).clamp(0.0, 1.0))
    })?;
    if let Some(library) = library.filter(|l| l.access() == crate::library::Access::ReadWrite) {
        cache::store(library, &content_hash, &analysis)?;
        if let Some(waveform) = waveform {
            keep_waveform(library, &content_hash, &waveform);
        }
    }
    Ok(Analysed {
        content_hash,
        analysis,
        cached: false,
    })
}

/// Keep the waveform the analysis drew, so the editor need not decode the sound again. Only a
/// convenience: the media server makes it when it is missing, so a failure is logged, not raised.
fn keep_waveform(library: &crate::library::Library, content_hash: &str, waveform: &[u8]) {
    let path = library.waveform_path(content_hash, false);
    if let Err(e) = crate::fsutil::write_atomic(&path, waveform) {
        tracing::warn!(path = %path.display(), "could not keep the waveform: {e}");
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CachedAnalysisError {
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(transparent)]
    Library(#[from] crate::library::LibraryError),
}

impl From<MediaError> for CachedAnalysisError {
    fn from(e: MediaError) -> Self {
        Self::Analysis(AnalysisError::Media(e))
    }
}

impl CachedAnalysisError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Analysis(e) => e.hint(),
            Self::Library(e) => e.hint(),
        }
    }

    /// A cancel, not a failure.
    pub fn is_cancelled(&self) -> bool {
        matches!(
            self,
            Self::Analysis(AnalysisError::Media(MediaError::Cancelled))
        )
    }
}
