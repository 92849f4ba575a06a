//! The loudness stage of the encode chain: a linear gain and the limiter's envelope, measured over
//! the composed sound ([`super::loudness`]). The first render does not wait for that measurement:
//! it runs beside the render, the picture is encoded meanwhile, and the sound is held at the start
//! of its chain until the measurement arrives.

use std::sync::mpsc::{Receiver, TryRecvError};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_controller as gst_controller;
use gstreamer_controller::prelude::*;

use super::envelope::Points;
use super::RenderError;
use crate::media::pipeline::make;

/// What the sound is brought to its target with.
#[derive(Debug, Clone)]
pub(super) struct Level {
    pub gain_db: f64,
    /// The true-peak limiting envelope ([`super::limiter`]); `None` when no peak goes over.
    pub limiter: Option<Points>,
}

impl Level {
    /// `gain_db` with the limiter that keeps the mix's `block_peaks`, so raised, under
    /// `ceiling_db` ([`super::limiter::envelope`]).
    pub fn for_mix(block_peaks: &[f32], gain_db: f64, ceiling_db: f64) -> Self {
        Self {
            gain_db,
            limiter: super::limiter::envelope(
                block_peaks,
                10f64.powf(gain_db / 20.0),
                10f64.powf(ceiling_db / 20.0),
            ),
        }
    }
}

/// A render's level: known, or on its way from the measurement running beside the render.
pub(super) struct Leveling {
    arriving: Option<Receiver<Level>>,
    level: Option<Level>,
    lost: bool,
}

impl Leveling {
    pub fn known(level: Level) -> Self {
        Self {
            arriving: None,
            level: Some(level),
            lost: false,
        }
    }

    /// The level will be sent on `arriving`; the sender dropped without sending means the
    /// measurement failed (its error is the measuring thread's to report).
    pub fn arriving(arriving: Receiver<Level>) -> Self {
        Self {
            arriving: Some(arriving),
            level: None,
            lost: false,
        }
    }

    /// The level if it is known by now.
    fn poll(&mut self) -> Result<Option<&Level>, RenderError> {
        if self.level.is_none() {
            if let Some(arriving) = &self.arriving {
                match arriving.try_recv() {
                    Ok(level) => self.level = Some(level),
                    Err(TryRecvError::Empty) => {}
                    Err(TryRecvError::Disconnected) => {
                        self.lost = true;
                        return Err(RenderError::Pipeline(
                            "the sound's loudness could not be measured".into(),
                        ));
                    }
                }
            }
        }
        Ok(self.level.as_ref())
    }

    /// Whether the render stopped because the measurement never came.
    pub fn lost(&self) -> bool {
        self.lost
    }
}

/// The elements that apply a [`Level`]: two volumes for the gain (it may exceed one volume's ×10)
/// and one that follows the limiter's envelope (stream time: the sound is one segment from zero).
pub(super) struct Stage {
    pub coarse: gst::Element,
    pub fine: gst::Element,
    pub limiting: gst::Element,
    /// The probe holding the sound until the level is set, and since when.
    held: Option<(gst::PadProbeId, std::time::Instant)>,
}

impl Stage {
    pub fn new() -> Result<Self, RenderError> {
        Ok(Self {
            coarse: make("volume")?,
            fine: make("volume")?,
            limiting: make("volume")?,
            held: None,
        })
    }

    /// Set the level now if it is known; otherwise hold the sound before the stage until
    /// [`Stage::settle`] finds it. Call once the elements are linked.
    pub fn start(&mut self, leveling: &mut Leveling) -> Result<(), RenderError> {
        if let Some(level) = leveling.poll()? {
            return apply(self, level);
        }
        let pad = self
            .coarse
            .static_pad("sink")
            .ok_or_else(|| RenderError::Pipeline("the volume has no sink pad".into()))?;
        // Data only: caps and segments go on, so the encoder and muxer are set up meanwhile.
        self.held = pad
            .add_probe(
                gst::PadProbeType::BLOCK
                    | gst::PadProbeType::BUFFER
                    | gst::PadProbeType::BUFFER_LIST,
                |_, _| gst::PadProbeReturn::Ok,
            )
            .map(|id| (id, std::time::Instant::now()));
        Ok(())
    }

    /// Whether the sound is still held for its level; sets it and lets the sound go when it has
    /// arrived.
    pub fn settle(&mut self, leveling: &mut Leveling) -> Result<bool, RenderError> {
        if self.held.is_none() {
            return Ok(false);
        }
        let Some(level) = leveling.poll()? else {
            return Ok(true);
        };
        apply(self, level)?;
        if let (Some((id, since)), Some(pad)) = (self.held.take(), self.coarse.static_pad("sink")) {
            pad.remove_probe(id);
            tracing::debug!(
                held_ms = since.elapsed().as_millis() as u64,
                "the sound's level arrived; the sound goes on"
            );
        }
        Ok(false)
    }
}

fn apply(stage: &Stage, level: &Level) -> Result<(), RenderError> {
    let gain = 10f64.powf(level.gain_db / 20.0);
    stage.coarse.set_property("volume", gain.min(10.0));
    stage
        .fine
        .set_property("volume", (gain / 10.0).clamp(1.0, 10.0));
    if let Some(points) = &level.limiter {
        let control = gst_controller::InterpolationControlSource::new();
        control.set_mode(gst_controller::InterpolationMode::Linear);
        for &(t, gain) in points {
            control.set(
                gst::ClockTime::from_nseconds(t.max(0) as u64),
                gain.clamp(0.0, 1.0),
            );
        }
        let binding =
            gst_controller::DirectControlBinding::new_absolute(&stage.limiting, "volume", &control);
        stage
            .limiting
            .add_control_binding(&binding)
            .map_err(|e| RenderError::Pipeline(format!("the limiter could not be set: {e}")))?;
    }
    Ok(())
}
