//! Frame timing from a demux-only pass (nothing is decoded): variable frame rate detection, and
//! the real duration of files whose header has none (e.g. MediaRecorder WebM).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;

use super::pipeline::{drain_pad, make, wait_eos, BusEnd, PipelineGuard};
use super::MediaError;

/// Video packets looked at to decide whether the frame rate is variable.
const VFR_SAMPLE_FRAMES: usize = 240;
/// A frame interval further than this from the median counts as irregular.
const IRREGULAR_INTERVAL: f64 = 0.10;
/// Share of irregular intervals above which a stream is called variable frame rate (a CFR file with
/// a dropped frame or two stays CFR).
const VFR_SHARE: f64 = 0.05;
const SCAN_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Stats {
    video_pts: Vec<u64>,
    end_ns: u64,
}

pub(super) struct Timing {
    pub is_vfr: bool,
    /// Frame rate measured from the sampled frames (the average when variable), as a fraction.
    pub average_rate: Option<(i32, i32)>,
    /// Largest timestamp + duration seen.
    pub end_s: Option<f64>,
    /// Whether the whole file was read (so `end_s` is its real duration).
    pub reached_end: bool,
    /// Video packets seen (up to the sample size).
    pub video_frames: usize,
}

/// Scan packet timestamps. `to_end` reads the whole file (for files without a duration);
/// otherwise the scan stops once enough video packets were seen.
pub(super) fn scan(path: &Path, to_end: bool) -> Result<Timing, MediaError> {
    let pipeline = gst::Pipeline::new();
    let guard = PipelineGuard(pipeline.clone());
    let src = make("filesrc")?;
    src.set_property("location", path.to_string_lossy().as_ref());
    let parse = make("parsebin")?;
    pipeline
        .add_many([&src, &parse])
        .and_then(|_| src.link(&parse))
        .map_err(|e| MediaError::Pipeline {
            detail: e.to_string(),
        })?;

    let stats = Arc::new(Mutex::new(Stats::default()));
    let pipeline_weak = pipeline.downgrade();
    let stats_for_pads = stats.clone();
    parse.connect_pad_added(move |_, pad| {
        let Some(pipeline) = pipeline_weak.upgrade() else {
            return;
        };
        let media_type = pad
            .current_caps()
            .unwrap_or_else(|| pad.query_caps(None))
            .structure(0)
            .map(|s| s.name().split('/').next().unwrap_or("").to_owned())
            .unwrap_or_default();
        let is_video = media_type == "video";
        // Metadata tracks (timecode, iPhone `mebx`) may run past the picture and sound.
        let counts_for_duration = is_video || media_type == "audio";
        if let Err(e) = drain_pad(&pipeline, pad) {
            tracing::warn!("frame timing scan: {e}");
            return;
        }
        let stats = stats_for_pads.clone();
        pad.add_probe(gst::PadProbeType::BUFFER, move |_, info| {
            if let Some(buffer) = info.buffer() {
                if let Some(pts) = buffer.pts() {
                    let mut s = stats.lock().unwrap_or_else(|p| p.into_inner());
                    if counts_for_duration {
                        let end = pts.nseconds() + buffer.duration().map_or(0, |d| d.nseconds());
                        s.end_ns = s.end_ns.max(end);
                    }
                    if is_video && s.video_pts.len() < VFR_SAMPLE_FRAMES {
                        s.video_pts.push(pts.nseconds());
                    }
                }
            }
            gst::PadProbeReturn::Ok
        });
    });

    pipeline
        .set_state(gst::State::Playing)
        .map_err(|e| MediaError::Pipeline {
            detail: e.to_string(),
        })?;
    let path_text = || path.display().to_string();
    let enough = || {
        !to_end
            && stats
                .lock()
                .map(|s| s.video_pts.len() >= VFR_SAMPLE_FRAMES)
                .unwrap_or(true)
    };
    let reached_end = match wait_eos(&pipeline, SCAN_TIMEOUT, enough) {
        BusEnd::Eos => true,
        BusEnd::Ready => false,
        BusEnd::TimedOut if !to_end => false,
        BusEnd::TimedOut => {
            return Err(MediaError::Timeout {
                path: path_text(),
                what: "scanning frame timestamps",
            })
        }
        BusEnd::MissingPlugin(detail) => {
            return Err(MediaError::MissingPlugin {
                path: path_text(),
                detail,
            })
        }
        BusEnd::Error(detail) => {
            return Err(MediaError::Corrupt {
                path: path_text(),
                detail,
            })
        }
    };
    drop(guard);
    let stats = stats.lock().unwrap_or_else(|p| p.into_inner());
    tracing::debug!(
        end_ns = stats.end_ns,
        frames = stats.video_pts.len(),
        to_end,
        "timing scanned"
    );
    Ok(Timing {
        is_vfr: is_variable(&stats.video_pts),
        average_rate: average_rate(&stats.video_pts),
        end_s: (stats.end_ns > 0).then(|| stats.end_ns as f64 / 1e9),
        reached_end,
        video_frames: stats.video_pts.len(),
    })
}

fn is_variable(pts: &[u64]) -> bool {
    let mut sorted = pts.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let intervals: Vec<f64> = sorted.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    if intervals.len() < 3 {
        return false;
    }
    let mut ordered = intervals.clone();
    ordered.sort_by(f64::total_cmp);
    let median = ordered[ordered.len() / 2];
    if median <= 0.0 {
        return false;
    }
    let irregular = intervals
        .iter()
        .filter(|&&d| ((d - median) / median).abs() > IRREGULAR_INTERVAL)
        .count();
    irregular as f64 / intervals.len() as f64 > VFR_SHARE
}

/// Common nominal rates a measured average is snapped to when within 0.5 %.
const NOMINAL_RATES: &[(i32, i32)] = &[
    (24000, 1001),
    (24, 1),
    (25, 1),
    (30000, 1001),
    (30, 1),
    (48, 1),
    (50, 1),
    (60000, 1001),
    (60, 1),
    (120, 1),
];

fn average_rate(pts: &[u64]) -> Option<(i32, i32)> {
    let mut sorted = pts.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let (first, last) = (*sorted.first()?, *sorted.last()?);
    if sorted.len() < 2 || last <= first {
        return None;
    }
    let fps = (sorted.len() - 1) as f64 / ((last - first) as f64 / 1e9);
    let deviation = |&(n, d): &(i32, i32)| {
        let nominal = n as f64 / d as f64;
        ((fps - nominal) / nominal).abs()
    };
    let snapped = NOMINAL_RATES
        .iter()
        .copied()
        .filter(|r| deviation(r) < 0.005)
        .min_by(|a, b| deviation(a).total_cmp(&deviation(b)));
    Some(snapped.unwrap_or(((fps * 1000.0).round() as i32, 1000)))
}

#[cfg(test)]
mod tests {
    use super::{average_rate, is_variable};

    #[test]
    fn average_rate_snaps_to_nominal() {
        let pts: Vec<u64> = (0..100).map(|i| (i * 1000 / 24) * 1_000_000).collect();
        assert_eq!(average_rate(&pts), Some((24, 1)));
    }

    #[test]
    fn constant_rate_with_ms_rounding_is_not_variable() {
        // 24 fps in millisecond timestamps alternates 41/42 ms.
        let pts: Vec<u64> = (0..100).map(|i| (i * 1000 / 24) * 1_000_000).collect();
        assert!(!is_variable(&pts));
    }

    #[test]
    fn irregular_intervals_are_variable() {
        let mut t = 0;
        let pts: Vec<u64> = (0..100)
            .map(|i| {
                t += if i % 3 == 0 { 100_000_000 } else { 80_000_000 };
                t
            })
            .collect();
        assert!(is_variable(&pts));
    }
}
