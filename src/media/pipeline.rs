//! What every pipeline shares: a guard that always stops it, element creation, and the one way to
//! wait on a running pipeline — bus messages in short slices, the job's cancel token checked
//! between them, and a stall watchdog that fails a pipeline in which nothing has moved for a while
//! (naming the element that went quiet) instead of a fixed total timeout, so a multi-gigabyte file
//! on a slow disk finishes and a stuck one fails with a reason.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;

use super::MediaError;
use crate::jobs::CancelToken;

/// How long a bus wait sleeps before looking at the cancel token and the watchdog again.
const SLICE: Duration = Duration::from_millis(20);

/// Owns a pipeline and sets it to `Null` when dropped, so no pipeline is ever left running.
pub(crate) struct PipelineGuard {
    pub pipeline: gst::Pipeline,
    /// Stop it on a thread of its own: a pipeline given up on (cancelled, stalled) may have a
    /// streaming thread stuck in a read that only the disk can end, and whoever gave up must not
    /// wait for that.
    pub detach: bool,
}

impl PipelineGuard {
    pub(crate) fn new(pipeline: &gst::Pipeline) -> Self {
        Self {
            pipeline: pipeline.clone(),
            detach: false,
        }
    }
}

impl Drop for PipelineGuard {
    fn drop(&mut self) {
        let pipeline = self.pipeline.clone();
        let stop = move || {
            // Shutting down cannot meaningfully fail for the caller; log if it does.
            if let Err(e) = pipeline.set_state(gst::State::Null) {
                tracing::warn!("pipeline did not stop cleanly: {e}");
            }
        };
        if !self.detach {
            stop();
        } else if let Err(e) = std::thread::Builder::new()
            .name("pipeline-teardown".into())
            .spawn(stop)
        {
            tracing::warn!("could not stop a pipeline in the background: {e}");
        }
    }
}

/// Whether an error means the pipeline was given up on (see [`PipelineGuard::detach`]).
pub(crate) fn given_up(error: &MediaError) -> bool {
    matches!(error, MediaError::Cancelled | MediaError::Stalled { .. })
}

pub(crate) fn make(factory: &str) -> Result<gst::Element, MediaError> {
    gst::ElementFactory::make(factory)
        .build()
        .map_err(|e| MediaError::Pipeline {
            detail: format!("element {factory} is missing: {e}"),
        })
}

pub(crate) fn pipeline_error(e: impl std::fmt::Display) -> MediaError {
    MediaError::Pipeline {
        detail: e.to_string(),
    }
}

/// Link `pad` to a new `fakesink` in `pipeline`, so a stream nobody needs is consumed. It never
/// waits for the clock and never blocks in PLAYING, so it cannot hold up the streams that matter.
pub(crate) fn drain_pad(pipeline: &gst::Pipeline, pad: &gst::Pad) -> Result<(), String> {
    let sink = gst::ElementFactory::make("fakesink")
        .property("sync", false)
        .property("async", false)
        .build()
        .map_err(|e| e.to_string())?;
    pipeline.add(&sink).map_err(|e| e.to_string())?;
    sink.sync_state_with_parent().map_err(|e| e.to_string())?;
    let sink_pad = sink
        .static_pad("sink")
        .ok_or("fakesink without a sink pad")?;
    pad.link(&sink_pad)
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// Records when each element last pushed data, so a stall can be reported by name.
#[derive(Clone, Default)]
pub(crate) struct Activity(Arc<Mutex<ActivityState>>);

#[derive(Default)]
struct ActivityState {
    last_any: Option<Instant>,
    /// Element name → (first output, last output).
    by_element: HashMap<String, (Instant, Instant)>,
    /// Elements seen in the pipeline, in the order they were added.
    elements: Vec<String>,
}

impl Activity {
    /// Watch every element that is or will be in `pipeline` (decodebins add theirs later).
    pub(crate) fn watch(pipeline: &gst::Pipeline) -> Self {
        let activity = Self::default();
        for element in pipeline.iterate_recurse().into_iter().flatten() {
            activity.watch_element(&element);
        }
        let watcher = activity.clone();
        pipeline.connect_deep_element_added(move |_, _, element| watcher.watch_element(element));
        activity
    }

    fn watch_element(&self, element: &gst::Element) {
        let name = element.name().to_string();
        // Sinks push nothing downstream; only elements that can stall the flow are named.
        if !element.element_flags().contains(gst::ElementFlags::SINK) {
            self.lock().elements.push(name.clone());
        }
        for pad in element.src_pads() {
            self.watch_pad(&pad, &name);
        }
        let watcher = self.clone();
        element.connect_pad_added(move |element, pad| {
            if pad.direction() == gst::PadDirection::Src {
                watcher.watch_pad(pad, &element.name());
            }
        });
    }

    fn watch_pad(&self, pad: &gst::Pad, element: &str) {
        let watcher = self.clone();
        let element = element.to_owned();
        pad.add_probe(
            gst::PadProbeType::BUFFER | gst::PadProbeType::BUFFER_LIST,
            move |_, _| {
                watcher.saw(&element);
                gst::PadProbeReturn::Ok
            },
        );
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ActivityState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Something moved: data out of `element`.
    pub(crate) fn saw(&self, element: &str) {
        let now = Instant::now();
        let mut state = self.lock();
        state.last_any = Some(now);
        state
            .by_element
            .entry(element.to_owned())
            .and_modify(|(_, last)| *last = now)
            .or_insert((now, now));
    }

    fn last_any(&self) -> Option<Instant> {
        self.lock().last_any
    }

    /// In words: which element pushed data last, and which never did.
    fn describe_stall(&self) -> String {
        let state = self.lock();
        let last = state
            .by_element
            .iter()
            .max_by_key(|(_, (_, last))| *last)
            .map(|(name, _)| name.clone());
        let silent: Vec<&str> = state
            .elements
            .iter()
            .filter(|e| !state.by_element.contains_key(*e))
            .map(String::as_str)
            .collect();
        match (last, silent.is_empty()) {
            (Some(last), true) => format!("the last data came out of {last}"),
            (Some(last), false) => format!(
                "the last data came out of {last}; no data ever came out of {}",
                silent.join(", ")
            ),
            (None, _) => "no element produced any data".to_owned(),
        }
    }
}

/// What a bus wait saw.
pub(crate) enum BusEvent {
    /// A state change finished (preroll).
    AsyncDone,
    Eos,
}

/// Waits on a running pipeline with cancellation and a stall watchdog.
pub(crate) struct Watch {
    bus: gst::Bus,
    cancel: CancelToken,
    activity: Activity,
    stall_after: Duration,
    started: Instant,
    path: String,
}

impl Watch {
    pub(crate) fn new(
        pipeline: &gst::Pipeline,
        activity: Activity,
        cancel: &CancelToken,
        stall_after: Duration,
        path: &str,
    ) -> Result<Self, MediaError> {
        let bus = pipeline
            .bus()
            .ok_or_else(|| pipeline_error("pipeline has no bus"))?;
        Ok(Self {
            bus,
            cancel: cancel.clone(),
            activity,
            stall_after,
            started: Instant::now(),
            path: path.to_owned(),
        })
    }

    /// Wait up to `slice` for the next event that matters. `Ok(None)`: nothing yet. Errors,
    /// missing decoders, a cancel and a stall end the wait with an error.
    pub(crate) fn poll(&self, slice: Duration) -> Result<Option<BusEvent>, MediaError> {
        if self.cancel.is_cancelled() {
            return Err(MediaError::Cancelled);
        }
        let quiet_since = self
            .activity
            .last_any()
            .unwrap_or(self.started)
            .max(self.started);
        if quiet_since.elapsed() >= self.stall_after {
            let detail = self.activity.describe_stall();
            tracing::warn!(path = %self.path, "pipeline stalled: {detail}");
            return Err(MediaError::Stalled {
                path: self.path.clone(),
                seconds: self.stall_after.as_secs(),
                detail,
            });
        }
        let timeout = gst::ClockTime::from_nseconds(slice.min(SLICE).as_nanos() as u64);
        let Some(msg) = self.bus.timed_pop(timeout) else {
            return Ok(None);
        };
        use gst::MessageView;
        match msg.view() {
            MessageView::AsyncDone(_) => Ok(Some(BusEvent::AsyncDone)),
            MessageView::Eos(_) => Ok(Some(BusEvent::Eos)),
            MessageView::Error(err) => {
                let source = err.src().map(|s| s.name().to_string()).unwrap_or_default();
                let detail = format!(
                    "{source}: {}{}",
                    err.error(),
                    err.debug().map(|d| format!(" [{d}]")).unwrap_or_default()
                );
                tracing::debug!(path = %self.path, "pipeline error: {detail}");
                Err(classify_error(&self.path, &err.error(), detail))
            }
            MessageView::Warning(w) => {
                tracing::debug!(path = %self.path, "pipeline warning: {}", w.error());
                Ok(None)
            }
            MessageView::Element(_) => {
                if let Ok(missing) = gstreamer_pbutils::MissingPluginMessage::parse(&msg) {
                    if blocks_playback(&missing.installer_detail()) {
                        return Err(MediaError::MissingPlugin {
                            path: self.path.clone(),
                            what: missing.description().to_string(),
                        });
                    }
                }
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    /// Wait until `event` (or an error, a cancel, a stall).
    pub(crate) fn wait_for(&self, event: fn(&BusEvent) -> bool) -> Result<BusEvent, MediaError> {
        loop {
            if let Some(seen) = self.poll(SLICE)? {
                if event(&seen) {
                    return Ok(seen);
                }
            }
        }
    }

    pub(crate) fn activity(&self) -> &Activity {
        &self.activity
    }

    /// Reset the watchdog (e.g. after a seek, which may legitimately pause the data).
    pub(crate) fn restart_clock(&mut self) {
        self.started = Instant::now();
    }
}

/// A bus error in a creator's words: stream and decode errors mean a damaged file.
fn classify_error(path: &str, error: &gst::glib::Error, detail: String) -> MediaError {
    use gst::{CoreError, ResourceError, StreamError};
    if let Some(e) = error.kind::<StreamError>() {
        return match e {
            StreamError::CodecNotFound | StreamError::WrongType | StreamError::TypeNotFound => {
                MediaError::Unsupported {
                    path: path.to_owned(),
                    reason: "its format is not one Edit Factory can read".into(),
                    detail,
                }
            }
            _ => MediaError::Corrupt {
                path: path.to_owned(),
                reason: "part of it cannot be read".into(),
                detail,
            },
        };
    }
    match error.kind::<ResourceError>() {
        // The file went away after it was imported (moved, deleted, a drive unplugged).
        Some(ResourceError::NotFound) => {
            return MediaError::NotFound {
                path: path.to_owned(),
            }
        }
        Some(ResourceError::NoSpaceLeft) => {
            return MediaError::Unwritable {
                path: path.to_owned(),
                reason: "the disk is full",
                detail,
            }
        }
        Some(ResourceError::Write | ResourceError::OpenWrite | ResourceError::OpenReadWrite) => {
            return MediaError::Unwritable {
                path: path.to_owned(),
                reason: "the system refused the write",
                detail,
            }
        }
        _ => {}
    }
    if error.kind::<ResourceError>().is_some() {
        return MediaError::Unreadable {
            path: path.to_owned(),
            detail,
        };
    }
    if matches!(error.kind::<CoreError>(), Some(CoreError::MissingPlugin)) {
        return MediaError::MissingPlugin {
            path: path.to_owned(),
            what: detail,
        };
    }
    MediaError::Corrupt {
        path: path.to_owned(),
        reason: "it could not be decoded".into(),
        detail,
    }
}

/// Whether a missing plugin (GStreamer installer detail, e.g.
/// `gstreamer|1.0|app|desc|decoder-video/x-h265`) matters: missing decoders for metadata tracks
/// (iPhone `mebx`, timecode, GPS) do not stop the audio and video from playing.
pub(crate) fn blocks_playback(installer_detail: &str) -> bool {
    match installer_detail.split_once("|decoder-") {
        Some((_, caps)) => caps.starts_with("video/") || caps.starts_with("audio/"),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::blocks_playback;

    #[test]
    fn metadata_decoders_do_not_block() {
        assert!(!blocks_playback(
            "gstreamer|1.0|x|meta decoder|decoder-meta/x-gst-fourcc-mebx"
        ));
        assert!(blocks_playback(
            "gstreamer|1.0|x|H.265 decoder|decoder-video/x-h265"
        ));
        assert!(blocks_playback("gstreamer|1.0|x|src|urisource-sftp"));
    }
}
