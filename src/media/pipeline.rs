//! Small helpers shared by the probing pipelines: a guard that always stops a pipeline, and bus
//! error text.

use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;

use super::MediaError;

/// Owns a pipeline and sets it to `Null` when dropped, so no pipeline is ever left running.
pub(super) struct PipelineGuard(pub gst::Pipeline);

impl Drop for PipelineGuard {
    fn drop(&mut self) {
        // Shutting down cannot meaningfully fail for the caller; log if it does.
        if let Err(e) = self.0.set_state(gst::State::Null) {
            tracing::warn!("pipeline did not stop cleanly: {e}");
        }
    }
}

/// Link `pad` to a new `queue ! fakesink` in `pipeline`, so a stream nobody needs is consumed. The
/// queue matters: demuxers feed every stream from one thread, so a sink waiting to preroll would
/// otherwise starve the others.
pub(super) fn drain_pad(pipeline: &gst::Pipeline, pad: &gst::Pad) -> Result<(), String> {
    let queue = gst::ElementFactory::make("queue")
        .build()
        .map_err(|e| e.to_string())?;
    let sink = gst::ElementFactory::make("fakesink")
        .property("sync", false)
        .build()
        .map_err(|e| e.to_string())?;
    pipeline
        .add_many([&queue, &sink])
        .and_then(|_| queue.link(&sink))
        .map_err(|e| e.to_string())?;
    sink.sync_state_with_parent().map_err(|e| e.to_string())?;
    queue.sync_state_with_parent().map_err(|e| e.to_string())?;
    let sink_pad = queue.static_pad("sink").ok_or("queue without a sink pad")?;
    pad.link(&sink_pad)
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

pub(super) fn make(factory: &str) -> Result<gst::Element, MediaError> {
    gst::ElementFactory::make(factory)
        .build()
        .map_err(|e| MediaError::Pipeline {
            detail: format!("element {factory} is missing: {e}"),
        })
}

/// How a bus wait ended.
pub(super) enum BusEnd {
    /// The pipeline reached the wanted state (or `AsyncDone`).
    Ready,
    Eos,
    Error(String),
    /// A decoder or demuxer is missing.
    MissingPlugin(String),
    TimedOut,
}

/// Wait for the pipeline to finish an async state change (preroll), EOS or an error.
pub(super) fn wait_preroll(pipeline: &gst::Pipeline, timeout: Duration) -> BusEnd {
    wait(pipeline, timeout, true, || false)
}

/// Wait for EOS or an error; `done` is polled between messages and ends the wait early.
pub(super) fn wait_eos(
    pipeline: &gst::Pipeline,
    timeout: Duration,
    done: impl FnMut() -> bool,
) -> BusEnd {
    wait(pipeline, timeout, false, done)
}

fn wait(
    pipeline: &gst::Pipeline,
    timeout: Duration,
    stop_at_async_done: bool,
    mut done: impl FnMut() -> bool,
) -> BusEnd {
    let Some(bus) = pipeline.bus() else {
        return BusEnd::Error("pipeline has no bus".into());
    };
    let deadline = Instant::now() + timeout;
    loop {
        if done() {
            return BusEnd::Ready;
        }
        let now = Instant::now();
        if now >= deadline {
            return BusEnd::TimedOut;
        }
        let wait_for = (deadline - now).min(Duration::from_millis(50));
        let Some(msg) = bus.timed_pop(gst::ClockTime::from_nseconds(wait_for.as_nanos() as u64))
        else {
            continue;
        };
        use gst::MessageView;
        match msg.view() {
            MessageView::AsyncDone(_) if stop_at_async_done => return BusEnd::Ready,
            MessageView::Eos(_) => return BusEnd::Eos,
            MessageView::Error(err) => {
                let text = format!(
                    "{}{}",
                    err.error(),
                    err.debug().map(|d| format!(" [{d}]")).unwrap_or_default()
                );
                return BusEnd::Error(text);
            }
            MessageView::Element(_) => {
                if let Ok(missing) = gstreamer_pbutils::MissingPluginMessage::parse(&msg) {
                    if blocks_playback(&missing.installer_detail()) {
                        return BusEnd::MissingPlugin(missing.description().to_string());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a missing plugin (GStreamer installer detail, e.g.
/// `gstreamer|1.0|app|desc|decoder-video/x-h265`) matters: missing decoders for metadata tracks
/// (iPhone `mebx`, timecode, GPS) do not stop the audio and video from playing.
pub(super) fn blocks_playback(installer_detail: &str) -> bool {
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
