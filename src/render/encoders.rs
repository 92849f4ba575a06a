//! Which H.264 encoders this machine can run. Hardware encoders (VA-API, NVENC, Quick Sync,
//! VideoToolbox, Media Foundation, AMF) are found by their GStreamer elements and then proven by a
//! short real encode: a plugin often registers on a machine whose driver cannot open it. x264 is
//! the reference and the fallback; every export records which encoder ran.

use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Preset, RenderError};
use crate::jobs::CancelToken;
use crate::media::pipeline::{make, Activity, BusEvent, PipelineGuard, Watch};

/// The software encoder every export can fall back to.
pub const X264: &str = "x264enc";

/// Hardware encoders worth trying, with the property names each uses for the bitrate and GOP.
const HARDWARE: [(&str, &str); 8] = [
    ("vah264enc", "VA-API (Intel/AMD)"),
    ("vaapih264enc", "VA-API, legacy plugin (Intel/AMD)"),
    ("nvh264enc", "NVIDIA NVENC"),
    ("qsvh264enc", "Intel Quick Sync"),
    ("vtenc_h264_hw", "Apple VideoToolbox"),
    ("vtenc_h264", "Apple VideoToolbox"),
    ("mfh264enc", "Windows Media Foundation"),
    ("amfh264enc", "AMD AMF"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Encoder {
    /// The GStreamer element, e.g. `x264enc`.
    pub name: String,
    pub label: String,
    pub hardware: bool,
}

/// The encoders that work here, x264 first. Takes a fraction of a second per hardware element
/// present; call it once at start-up and keep the answer.
pub fn probe() -> Vec<Encoder> {
    if crate::media::init().is_err() {
        return Vec::new();
    }
    let mut found = Vec::new();
    if gst::ElementFactory::find(X264).is_some() {
        found.push(Encoder {
            name: X264.into(),
            label: "x264 (software, best quality per bit)".into(),
            hardware: false,
        });
    }
    for (name, label) in HARDWARE {
        if gst::ElementFactory::find(name).is_none() {
            continue;
        }
        match trial_encode(name) {
            Ok(()) => found.push(Encoder {
                name: name.into(),
                label: label.into(),
                hardware: true,
            }),
            Err(e) => {
                tracing::info!(encoder = name, error = %e, "hardware encoder present but unusable")
            }
        }
    }
    found
}

/// Encode half a second of a test picture with `name`, or say why it cannot.
fn trial_encode(name: &str) -> Result<(), RenderError> {
    let pipeline = gst::Pipeline::new();
    let _guard = PipelineGuard::new(&pipeline);
    let source = make("videotestsrc")?;
    source.set_property("num-buffers", 15i32);
    let caps = make("capsfilter")?;
    caps.set_property(
        "caps",
        gst::Caps::builder("video/x-raw")
            .field("width", 320i32)
            .field("height", 240i32)
            .field("framerate", gst::Fraction::new(30, 1))
            .build(),
    );
    let elements = [
        source,
        caps,
        make("videoconvert")?,
        make(name)?,
        make("h264parse")?,
        make("fakesink")?,
    ];
    pipeline
        .add_many(&elements)
        .map_err(|e| RenderError::Pipeline(e.to_string()))?;
    gst::Element::link_many(&elements).map_err(|e| RenderError::Pipeline(e.to_string()))?;
    let watch = Watch::new(
        &pipeline,
        Activity::watch(&pipeline),
        &CancelToken::new(),
        Duration::from_secs(5),
        name,
    )?;
    pipeline
        .set_state(gst::State::Playing)
        .map_err(|e| RenderError::Pipeline(format!("{name} would not start: {e}")))?;
    watch.wait_for(|e| matches!(e, BusEvent::Eos))?;
    Ok(())
}

/// An H.264 encoder element named `name`, set up for `preset`. x264 gets every setting explicit
/// (its default bitrate cap ruins quality, SPEC §4.7); a hardware encoder gets the preset's
/// ceiling as its bitrate, its GOP, and no B-frames where it offers the choice, through whichever
/// of the usual property names it has.
pub(super) fn configure(name: &str, preset: &Preset) -> Result<gst::Element, RenderError> {
    let encoder = make(name)?;
    if name == X264 {
        encoder.set_property_from_str("pass", "qual");
        encoder.set_property("quantizer", preset.crf);
        encoder.set_property("bitrate", preset.max_kbps);
        encoder.set_property("vbv-buf-capacity", 2000u32);
        encoder.set_property("key-int-max", preset.keyframe_interval());
        encoder.set_property_from_str("speed-preset", &preset.speed);
        encoder.set_property("bframes", x264_bframes(&preset.speed));
        encoder.set_property("threads", 0u32);
        encoder.set_property("option-string", "level=4.1:open-gop=0");
        return Ok(encoder);
    }
    // Hardware rate control has no CRF; about 60% of the platform's ceiling keeps sharp motion
    // clean without files far larger than x264's.
    let kbps = preset.max_kbps * 6 / 10;
    for property in ["bitrate", "target-bitrate"] {
        set_number(&encoder, property, kbps as u64);
    }
    for property in [
        "key-int-max",
        "gop-size",
        "keyframe-period",
        "max-keyframe-interval",
    ] {
        set_number(&encoder, property, preset.keyframe_interval() as u64);
    }
    set_number(&encoder, "b-frames", 0);
    set_number(&encoder, "bframes", 0);
    Ok(encoder)
}

/// The B-frames x264's own speed preset uses: x264enc's property default (none) would override
/// the preset's choice, and fewer B-frames cost both speed and quality at the same CRF.
fn x264_bframes(speed: &str) -> u32 {
    match speed {
        "ultrafast" => 0,
        "veryslow" | "placebo" => 8,
        _ => 3,
    }
}

/// Set an integer property of whatever integer type the element declares, if it has it.
fn set_number(element: &gst::Element, property: &str, value: u64) {
    let Some(spec) = element.find_property(property) else {
        return;
    };
    let t = spec.value_type();
    if t == u32::static_type() {
        element.set_property(property, u32::try_from(value).unwrap_or(u32::MAX));
    } else if t == i32::static_type() {
        element.set_property(property, i32::try_from(value).unwrap_or(i32::MAX));
    } else if t == u64::static_type() {
        element.set_property(property, value);
    } else if t == i64::static_type() {
        element.set_property(property, i64::try_from(value).unwrap_or(i64::MAX));
    }
}
