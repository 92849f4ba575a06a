//! Export: a timeline (SPEC §2a) to a verified, platform-ready vertical MP4 through one GStreamer
//! pipeline.
//!
//! The timeline is laid out with GStreamer Editing Services ([`compose`]): GES (Pitive's engine)
//! does the frame-accurate cutting, rotation, conforming every item to the preset's size and
//! constant frame rate, gaps and silence for items without sound, and mixing. Its output pads feed
//! our own encode chain ([`encode`]) instead of GES's render mode, because the sound needs a
//! loudness stage GES cannot insert: a linear gain measured over the same composition without its
//! picture ([`loudness`]; the first render runs beside that measurement and holds its sound until
//! the gain is known, [`leveling`]) and a true-peak limiting envelope computed from that
//! measurement ([`limiter`]). Every export is re-read and checked before it is kept ([`verify`]).

mod burn;
mod compose;
mod conform;
mod encode;
pub mod encoders;
pub mod envelope;
mod leveling;
mod limiter;
pub mod loudness;
pub mod placement;
pub mod plan;
pub mod preset;
pub mod preview;
mod scaling;
pub mod verify;
pub mod vocals;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::fsutil::AtomicOutput;
use crate::jobs::CancelToken;
use crate::library::sources::Source;
use crate::library::Library;
use crate::media::MediaError;
use crate::timeline::{validate, Item, Problem, Timeline};
use leveling::{Level, Leveling};
pub use preset::Preset;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the timeline cannot be exported: {}", .0.iter().map(|p| p.message.clone()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Problem>),
    #[error("there is no export preset named {0:?}")]
    UnknownPreset(String),
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error(transparent)]
    Library(#[from] crate::library::LibraryError),
    #[error("could not write {path}: {detail}")]
    Write { path: String, detail: String },
    #[error("the export did not pass its check: {}", .0.join("; "))]
    Unverified(Vec<String>),
    #[error("the export could not be built: {0}")]
    Pipeline(String),
}

impl RenderError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Invalid(_) => {
                Some("fix the listed items (or verify the project's sources), then export again")
            }
            Self::UnknownPreset(_) => Some("list the presets with `edit-factory preset list`"),
            Self::Media(e) => e.hint(),
            Self::Library(e) => e.hint(),
            Self::Write { .. } => Some("check that the folder exists, is writable and has room"),
            Self::Unverified(_) => {
                Some("the file was not kept; try another preset, or report the numbers above")
            }
            Self::Pipeline(_) => Some("install the GStreamer plugins (see README), then try again"),
        }
    }
}

/// The file name of a variant's export: `{project}_{variant}_{preset}.mp4`, with anything a file
/// system would choke on replaced.
pub fn output_name(project: &str, variant_index: u32, preset: &str) -> String {
    let clean: String = project
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .trim()
        .replace(' ', "-");
    let clean = if clean.is_empty() {
        "project".to_owned()
    } else {
        clean
    };
    format!("{clean}_{variant_index}_{preset}.mp4")
}

/// What an export produced, as measured afterwards.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportReport {
    pub path: String,
    pub preset: String,
    /// The H.264 encoder that ran.
    pub encoder: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    pub duration_s: f64,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub integrated_lufs: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
    /// Gain applied to reach the loudness target, dB.
    pub gain_db: f64,
}

fn is_cancel(error: &RenderError) -> bool {
    matches!(error, RenderError::Media(MediaError::Cancelled))
}

/// A sound laid under the items (voice-over, music): its source and the file to read.
pub(crate) struct Extra {
    pub source: Source,
    pub file: PathBuf,
}

/// Everything the pipeline lays out: the items with their files, and the audio plan's parts.
pub(crate) struct Layout {
    pub items: Vec<Placed>,
    pub audio: crate::timeline::AudioPlan,
    pub voiceover: Option<(Extra, crate::timeline::Voiceover)>,
    pub music: Option<(Extra, crate::timeline::Music)>,
}

/// The file GES reads for `source`: its own, or its picture-and-sound copy when GES cannot open it.
fn readable_file(
    library: &Library,
    source: &Source,
    cancel: &CancelToken,
) -> Result<PathBuf, RenderError> {
    let original = PathBuf::from(&source.path);
    let Err(refused) = conform::opens(&crate::media::file_uri(&original)?) else {
        return Ok(original);
    };
    tracing::info!(
        source = %source.id,
        reason = %refused,
        "GES does not open this file as it is; exporting from a copy of its picture and sound"
    );
    let container = conform::Container::for_source(source);
    conform::av_only(
        &original,
        container,
        &library.conformed_path(&source.content_hash, container.extension()),
        cancel,
    )
}

/// An item with the source it plays, and the file to read it from.
pub(crate) struct Placed {
    pub item: Item,
    pub source: Source,
    /// The source's file, or its picture-and-sound copy when GES cannot open the file itself.
    pub file: PathBuf,
}

/// The canvas caption styles are laid out on: their sizes are pixels of the timeline's own preset
/// (SPEC §4.6), so a draft export of a 1080×1920 variant draws them at half size, as the preview
/// does. libass maps the canvas onto the frame; it keeps the frame's shape so glyphs are not
/// stretched when the export preset has another aspect.
fn caption_canvas(
    library: &Library,
    timeline: &Timeline,
    preset: &Preset,
) -> Result<(u32, u32), RenderError> {
    let own_height = library
        .preset(&timeline.preset)?
        .map_or(preset.height, |own| own.height)
        .max(1);
    let width = (preset.width as f64 * own_height as f64 / preset.height.max(1) as f64).round();
    Ok((width as u32, own_height))
}

/// What a second render must change after the first one's measurements.
#[derive(Debug, Default, PartialEq)]
struct SecondRender {
    /// The loudness target was missed by more than half a unit: by this much (dB, signed).
    raise_gain_db: Option<f64>,
    /// A peak went over the ceiling: limit this much lower (what went over, and a margin).
    lower_ceiling_db: Option<f64>,
}

fn second_render(
    integrated_lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
    preset: &Preset,
    audible: bool,
) -> SecondRender {
    if !audible {
        return SecondRender::default();
    }
    SecondRender {
        raise_gain_db: integrated_lufs
            .map(|l| preset.loudness_lufs - l)
            .filter(|m| m.abs() > 0.5),
        lower_ceiling_db: true_peak_dbtp
            .map(|peak| peak - preset.true_peak_dbtp)
            .filter(|over| *over > 0.0)
            .map(|over| over + 0.3),
    }
}

/// Export `timeline` with `preset` to `out` (written under a temporary name, checked, then moved
/// into place), encoding with `encoder` (an element from [`encoders::probe`]; x264 when that one
/// fails). `progress` hears the fraction done.
#[allow(clippy::too_many_arguments)]
pub fn export(
    library: &Library,
    timeline: &Timeline,
    preset: &Preset,
    encoder: &str,
    out: &Path,
    cancel: &CancelToken,
    mut progress: impl FnMut(f64, &str),
) -> Result<ExportReport, RenderError> {
    let problems = validate(timeline, library);
    if !problems.is_empty() {
        return Err(RenderError::Invalid(problems));
    }
    crate::media::init()?;
    let mut placed = Vec::new();
    for item in &timeline.items {
        let source = library.source(&item.source_id)?;
        let file = readable_file(library, &source, cancel)?;
        placed.push(Placed {
            item: item.clone(),
            source,
            file,
        });
    }
    let extra = |id: &str| -> Result<Extra, RenderError> {
        let source = library.source(id)?;
        let file = readable_file(library, &source, cancel)?;
        Ok(Extra { source, file })
    };
    let layout = Layout {
        items: placed,
        audio: timeline.audio.clone(),
        voiceover: match &timeline.voiceover {
            Some(v) => Some((extra(&v.asset_id)?, v.clone())),
            None => None,
        },
        music: match &timeline.music {
            Some(m) => Some((extra(&m.asset_id)?, m.clone())),
            None => None,
        },
    };
    let (canvas_width, canvas_height) = caption_canvas(library, timeline, preset)?;
    let captions = timeline
        .captions
        .as_ref()
        .filter(|c| !c.cues.is_empty())
        .map(|c| crate::captions::ass::track(c, canvas_width, canvas_height));
    let output = AtomicOutput::new(out);
    let duration_s = crate::timeline::seconds(
        timeline
            .items
            .iter()
            .map(|i| preset.frame_aligned_ns(i.duration_ns()))
            .sum(),
    );
    // A little under the ceiling: AAC encoding adds up to a few tenths of a dB of overshoot (−1.3 dBTP came out at −1.0).
    let mut ceiling_db = preset.true_peak_dbtp - 0.5;
    let out_shown = crate::text::printable_path(out);
    let render = |encoder: &mut String, leveling: &mut Leveling, rendered: &mut dyn FnMut(f64)| {
        let mut render = |encoder: &str| {
            encode::render(
                &layout,
                preset,
                encoder,
                captions.as_ref(),
                leveling,
                crate::timeline::nanos(duration_s) as u64,
                output.partial_path(),
                cancel,
                &mut *rendered,
            )
            .map_err(|e| match e {
                // Named by the file the user asked for, not its temporary name.
                RenderError::Media(MediaError::Unwritable { reason, .. }) => RenderError::Write {
                    path: out_shown.clone(),
                    detail: reason.to_owned(),
                },
                other => other,
            })
        };
        match render(encoder) {
            Err(e) if encoder != encoders::X264 && !is_cancel(&e) => {
                // A driver can fail on a real stream after passing the start-up trial.
                tracing::warn!(%encoder, error = %e, "hardware encoder failed; using x264");
                *encoder = encoders::X264.to_owned();
                render(encoder)
            }
            outcome => outcome,
        }
    };
    let mut encoder = encoder.to_owned();
    // The first render measures the mix's loudness beside it (the picture is encoded meanwhile).
    compose::load_assets(&layout)?;
    let stop_measuring = CancelToken::new();
    let (rendered, measured) = std::thread::scope(|scope| {
        let (send_level, level) = std::sync::mpsc::channel();
        let (layout, stop) = (&layout, &stop_measuring);
        let measuring = scope.spawn(move || {
            let measured = loudness::measure(layout, preset, stop, |_| {})?;
            let audible = loudness::held_to_target(&measured, timeline, preset);
            let gain_db = if audible {
                loudness::gain_db(&measured, preset)
            } else {
                0.0
            };
            // The render may have stopped already; then nobody needs the level.
            let _ = send_level.send(Level::for_mix(&measured.block_peaks, gain_db, ceiling_db));
            Ok::<_, RenderError>((measured, audible, gain_db))
        });
        let mut leveling = Leveling::arriving(level);
        let rendered = render(&mut encoder, &mut leveling, &mut |f| {
            progress(f * 0.95, "rendering")
        });
        stop_measuring.cancel();
        let measured = measuring.join().unwrap_or_else(|_| {
            Err(RenderError::Pipeline(
                "the loudness measurement stopped unexpectedly (see the log)".into(),
            ))
        });
        (rendered.map_err(|e| (e, leveling.lost())), measured)
    });
    let (measured, audible, mut gain_db) = match (rendered, measured) {
        (Ok(()), Ok(measured)) => measured,
        // Without a level the render stopped: the measurement's error says why.
        (Err((_, true)), Err(why)) | (Ok(()), Err(why)) => return Err(why),
        (Err((e, _)), _) => return Err(e),
    };
    tracing::info!(
        lufs = ?measured.integrated_lufs,
        true_peak = ?measured.true_peak_dbtp,
        gain_db,
        "loudness of the mix measured"
    );
    // Limiting peaks lowers the loudness a little; when the result misses the target by more than
    // half a unit, it is rendered once more with the gain corrected by what was missed. Likewise,
    // when the encoder's overshoot carried a peak over the ceiling (seen: 0.6 dB on music), the
    // second render limits lower by what went over.
    let mut attempt = 1;
    let report = loop {
        if attempt > 1 {
            let mut leveling =
                Leveling::known(Level::for_mix(&measured.block_peaks, gain_db, ceiling_db));
            render(&mut encoder, &mut leveling, &mut |f| {
                progress(0.55 + f * 0.4, "rendering again")
            })?;
        }
        progress(0.95, "checking the export");
        let report = verify::check(output.partial_path(), preset, duration_s, audible, cancel)?;
        let fix = second_render(
            report.integrated_lufs,
            report.true_peak_dbtp,
            preset,
            audible,
        );
        if attempt > 1 || fix == SecondRender::default() {
            break report;
        }
        attempt += 1;
        if let Some(missed) = fix.raise_gain_db {
            tracing::info!(
                missed,
                "the loudness missed its target; rendering again with the gain corrected"
            );
            gain_db = (gain_db + missed).clamp(-loudness::MAX_LIFT_DB, loudness::MAX_LIFT_DB);
        }
        if let Some(lower) = fix.lower_ceiling_db {
            tracing::info!(
                lower,
                "a peak went over the ceiling; rendering again, limited lower"
            );
            ceiling_db -= lower;
        }
    };
    if !report.problems.is_empty() {
        return Err(RenderError::Unverified(report.problems));
    }
    let path: PathBuf = output.commit().map_err(|e| RenderError::Write {
        path: crate::text::printable_path(out),
        detail: e.to_string(),
    })?;
    progress(1.0, "exported");
    Ok(ExportReport {
        path: path.display().to_string(),
        preset: preset.name.clone(),
        encoder,
        size_bytes: report.size_bytes,
        duration_s: report.duration_s,
        width: report.width,
        height: report.height,
        fps: report.fps,
        integrated_lufs: report.integrated_lufs,
        true_peak_dbtp: report.true_peak_dbtp,
        gain_db,
    })
}

#[cfg(test)]
mod tests {
    use super::{preset, second_render, SecondRender};

    #[test]
    fn a_second_render_corrects_a_missed_target_or_a_peak_over_the_ceiling() {
        let tiktok = preset::builtin("tiktok").unwrap();
        // On target, peaks under the ceiling: nothing to do.
        assert_eq!(
            second_render(Some(-14.2), Some(-1.4), &tiktok, true),
            SecondRender::default()
        );
        // 0.9 dB short: raise the gain by that.
        let fix = second_render(Some(-14.9), Some(-1.6), &tiktok, true);
        assert!((fix.raise_gain_db.unwrap() - 0.9).abs() < 1e-9);
        assert_eq!(fix.lower_ceiling_db, None);
        // A peak at -0.9 dBTP over a -1.0 ceiling: limit 0.1 dB lower, and a margin.
        let fix = second_render(Some(-14.2), Some(-0.9), &tiktok, true);
        assert_eq!(fix.raise_gain_db, None);
        assert!((fix.lower_ceiling_db.unwrap() - 0.4).abs() < 1e-9);
        // A mix quiet by design is not held to either.
        assert_eq!(
            second_render(Some(-40.0), Some(-0.5), &tiktok, false),
            SecondRender::default()
        );
    }
}
