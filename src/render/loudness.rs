//! How loud the mix of a timeline is before it is rendered: the same GES composition the export
//! plays (items with their volumes or envelopes, voice-over, ducked music, silence where there is
//! no sound), picture left out, measured as EBU R128 integrated loudness and true peak with the
//! `ebur128` crate. The render applies the gain that brings it to the preset's target.

use std::time::Duration;

use ebur128::{EbuR128, Mode};
use gstreamer as gst;
use gstreamer_app as gst_app;
use gstreamer_editing_services::prelude::*;

use super::compose::compose;
use super::{Layout, Preset, RenderError};
use crate::jobs::CancelToken;
use crate::media::pipeline::{make, Activity, BusEvent, PipelineGuard, Watch};

const RATE: u32 = 48_000;
/// Measuring decodes sound only; this long without progress is a stall.
const STALL_AFTER: Duration = Duration::from_secs(30);

/// Loudness of a mix; `None` when it is silent.
#[derive(Debug, Clone)]
pub struct Measured {
    pub integrated_lufs: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
    /// True peak (linear, the louder channel) of every 10 ms block, for the limiter.
    pub block_peaks: Vec<f32>,
}

/// Frames of audio in one limiter block (10 ms).
const BLOCK_FRAMES: usize = (RATE as usize) / 100;

/// Feeds the meter in whole blocks, keeping each block's true peak.
struct BlockMeter {
    meter: EbuR128,
    pending: Vec<f32>,
    peaks: Vec<f32>,
}

impl BlockMeter {
    fn add(&mut self, samples: &[f32]) -> Result<(), RenderError> {
        self.pending.extend_from_slice(samples);
        let whole = self.pending.len() / (BLOCK_FRAMES * 2) * (BLOCK_FRAMES * 2);
        let ready: Vec<f32> = self.pending.drain(..whole).collect();
        for block in ready.chunks_exact(BLOCK_FRAMES * 2) {
            self.block(block)?;
        }
        Ok(())
    }

    fn block(&mut self, block: &[f32]) -> Result<(), RenderError> {
        self.meter.add_frames_f32(block).map_err(err)?;
        let peak = (0..2)
            .filter_map(|c| self.meter.prev_true_peak(c).ok())
            .fold(0.0f64, f64::max);
        self.peaks.push(peak as f32);
        Ok(())
    }

    fn finish(mut self) -> Result<(EbuR128, Vec<f32>), RenderError> {
        let rest = std::mem::take(&mut self.pending);
        if !rest.is_empty() {
            self.block(&rest)?;
        }
        Ok((self.meter, self.peaks))
    }
}

fn err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Pipeline(format!("loudness measurement: {e}"))
}

/// Measure the mix of `layout` over the length of its items; `progress` hears the fraction done.
pub(crate) fn measure(
    layout: &Layout,
    preset: &Preset,
    cancel: &CancelToken,
    mut progress: impl FnMut(f64),
) -> Result<Measured, RenderError> {
    let total_ns: u64 = layout
        .items
        .iter()
        .map(|p| preset.frame_aligned_ns(p.item.duration_ns()).max(0) as u64)
        .sum();
    let composed = compose(layout, preset, true)?;
    let pipeline = gst::Pipeline::new();
    let mut guard = PipelineGuard::new(&pipeline);
    pipeline.add(&composed.timeline).map_err(err)?;
    let filter = make("capsfilter")?;
    filter.set_property(
        "caps",
        gst::Caps::builder("audio/x-raw")
            .field("format", "F32LE")
            .field("layout", "interleaved")
            .field("rate", RATE as i32)
            .field("channels", 2i32)
            .build(),
    );
    let sink = gst_app::AppSink::builder().sync(false).build();
    let chain = [
        make("queue")?,
        make("audioconvert")?,
        make("audioresample")?,
        filter,
        sink.clone().upcast(),
    ];
    pipeline.add_many(&chain).map_err(err)?;
    gst::Element::link_many(&chain).map_err(err)?;
    let pad = composed
        .timeline
        .pad_for_track(&composed.audio)
        .ok_or_else(|| err("the timeline has no sound output"))?;
    let queue_sink = chain[0]
        .static_pad("sink")
        .ok_or_else(|| err("no sink pad"))?;
    pad.link(&queue_sink).map_err(|e| err(format!("{e:?}")))?;

    let mut meter = BlockMeter {
        meter: EbuR128::new(2, RATE, Mode::I | Mode::TRUE_PEAK).map_err(err)?,
        pending: Vec::new(),
        peaks: Vec::new(),
    };
    let watch = Watch::new(
        &pipeline,
        Activity::watch(&pipeline),
        cancel,
        STALL_AFTER,
        "the timeline's sound",
    )?;
    let outcome = (|| {
        pipeline
            .set_state(gst::State::Playing)
            .map_err(|e| err(format!("could not start: {e}")))?;
        loop {
            if let Some(BusEvent::Eos) = watch.poll(Duration::ZERO).map_err(RenderError::Media)? {
                return Ok(());
            }
            let Some(sample) = sink.try_pull_sample(gst::ClockTime::from_mseconds(100)) else {
                if sink.is_eos() {
                    return Ok(());
                }
                continue;
            };
            let Some(buffer) = sample.buffer() else {
                continue;
            };
            let Some(pts) = buffer.pts().map(|p| p.nseconds()) else {
                continue;
            };
            if pts >= total_ns {
                return Ok(());
            }
            let map = buffer.map_readable().map_err(err)?;
            let samples: Vec<f32> = map
                .as_slice()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            // Only what lies inside the items; the bed runs on past them.
            let frames_left = ((total_ns - pts) as u128 * RATE as u128 / 1_000_000_000) as usize;
            let take = samples.len().min(frames_left * 2);
            meter.add(&samples[..take])?;
            progress(pts as f64 / total_ns.max(1) as f64);
        }
    })();
    if let Err(RenderError::Media(e)) = &outcome {
        guard.detach = crate::media::pipeline::given_up(e);
    }
    outcome?;
    drop(guard);
    let (meter, block_peaks) = meter.finish()?;
    let integrated = meter.loudness_global().ok().filter(|l| l.is_finite());
    let peak = (0..2)
        .filter_map(|c| meter.true_peak(c).ok())
        .fold(0.0f64, f64::max);
    Ok(Measured {
        integrated_lufs: integrated,
        true_peak_dbtp: (peak > 0.0).then(|| 20.0 * peak.log10()),
        block_peaks,
    })
}

/// Sound below this peak (−50 dBFS) is silence for [`held_to_target`].
const SILENCE_PEAK: f32 = 0.003_162;
/// A mix with sound in less than this share of its time is silent by design (every voice muted,
/// no music): what is left is residue (breaths, the edges of muted words).
const AUDIBLE_SHARE: f64 = 0.2;
/// A mix quieter than this is quiet by design (voices ducked or muted with nothing over them):
/// lifting it to the target would undo the duck.
const QUIET_BY_DESIGN_LUFS: f64 = -40.0;
/// The most a mix is lifted towards the target. Footage is recorded quietly more often than not:
/// the test media's phone clip of a fire measures −47 LUFS, 33 dB under −14. A mix that would need
/// more than this is a room's hum or near silence, whose noise would become the sound; it keeps
/// its own level.
pub const MAX_LIFT_DB: f64 = 40.0;

/// Whether the mix of `timeline` must reach the preset's loudness target. Only a plan that lowers
/// the footage's voices with nothing over them (no voice-over, no music) can be silent or quiet by
/// design (see the constants); such a mix is kept at its own level, since lifting it would turn
/// residue into loud blips or bring ducked voices back. Any other mix is held to the target,
/// however quiet the footage. Gated loudness alone cannot tell silence by design: it measures only
/// what sounds. A mix further under the target than [`MAX_LIFT_DB`] is not lifted either.
pub fn held_to_target(
    measured: &Measured,
    timeline: &crate::timeline::Timeline,
    preset: &Preset,
) -> bool {
    if let Some(lufs) = measured.integrated_lufs {
        if preset.loudness_lufs - lufs > MAX_LIFT_DB {
            return false;
        }
    }
    let lowered_alone = timeline.audio.mode != crate::timeline::AudioMode::Keep
        && timeline.voiceover.is_none()
        && timeline.music.is_none();
    if !lowered_alone {
        return true;
    }
    let Some(lufs) = measured.integrated_lufs else {
        return false;
    };
    if lufs < QUIET_BY_DESIGN_LUFS || measured.block_peaks.is_empty() {
        return false;
    }
    let sounding = measured
        .block_peaks
        .iter()
        .filter(|&&p| p > SILENCE_PEAK)
        .count();
    sounding as f64 >= AUDIBLE_SHARE * measured.block_peaks.len() as f64
}

/// The gain, dB, that brings `measured` to the preset's loudness target (nothing for silence), at
/// most [`MAX_LIFT_DB`] either way.
pub fn gain_db(measured: &Measured, preset: &Preset) -> f64 {
    match measured.integrated_lufs {
        Some(lufs) => (preset.loudness_lufs - lufs).clamp(-MAX_LIFT_DB, MAX_LIFT_DB),
        None => 0.0,
    }
}
