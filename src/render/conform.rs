//! Files GES cannot open as they are. GES's own discovery refuses a file when any of its streams
//! lacks a decoder, even a metadata track nobody renders (iPhone clips carry five `mebx` tracks).
//! Such a file is remuxed once — its picture and sound copied, not re-encoded — into the library's
//! cache, keyed by its content, and exported from there. Discovery also refuses a VP9 stream
//! flagged as carrying alpha whose first frame has none ("Cannot handle streams without an initial
//! alpha buffer": the test media's `moviepy_no_duration_vp9_opus.webm`); its copy plays.

use std::path::{Path, PathBuf};
use std::time::Duration;

use gstreamer as gst;
use gstreamer::prelude::*;

use super::RenderError;
use crate::fsutil::AtomicOutput;
use crate::jobs::CancelToken;
use crate::media::pipeline::{drain_pad, make, Activity, BusEvent, PipelineGuard, Watch};

fn err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Pipeline(e.to_string())
}

fn link_through_queue(
    pipeline: &gst::Pipeline,
    pad: &gst::Pad,
    sink: &gst::Pad,
) -> Result<(), String> {
    let queue = gst::ElementFactory::make("queue")
        .property("max-size-buffers", 0u32)
        .property("max-size-bytes", 0u32)
        .property("max-size-time", 10_000_000_000u64)
        .build()
        .map_err(|e| e.to_string())?;
    pipeline.add(&queue).map_err(|e| e.to_string())?;
    queue.sync_state_with_parent().map_err(|e| e.to_string())?;
    let queue_sink = queue.static_pad("sink").ok_or("queue without sink")?;
    let queue_src = queue.static_pad("src").ok_or("queue without src")?;
    pad.link(&queue_sink).map_err(|e| format!("{e:?}"))?;
    queue_src
        .link(sink)
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// Whether GES opens `uri` as it is; why not, when it does not.
pub(super) fn opens(uri: &str) -> Result<(), String> {
    gstreamer_editing_services::UriClipAsset::request_sync(uri)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// What the copy is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    /// Carries a picture's rotation (an iPhone clip's display matrix); Matroska has no such field.
    QuickTime,
    /// Takes every codec a source can bring. GStreamer 1.22's `qtmux` takes no Vorbis and stalls
    /// or crashes (a null `chroma-site` in its VP9 set-up) on some VP9 streams.
    Matroska,
}

impl Container {
    pub fn for_source(source: &crate::library::sources::Source) -> Self {
        if source.rotation == 0 {
            Self::Matroska
        } else {
            Self::QuickTime
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::QuickTime => "mov",
            Self::Matroska => "mkv",
        }
    }

    fn muxer(self) -> &'static str {
        match self {
            Self::QuickTime => "qtmux",
            Self::Matroska => "matroskamux",
        }
    }
}

/// The picture and sound of `source` alone, in `container` at `dest` (made once: kept per content
/// hash).
pub(super) fn av_only(
    source: &Path,
    container: Container,
    dest: &Path,
    cancel: &CancelToken,
) -> Result<PathBuf, RenderError> {
    if dest.exists() {
        return Ok(dest.to_path_buf());
    }
    if let Some(cache_dir) = dest.parent() {
        std::fs::create_dir_all(cache_dir).map_err(|e| RenderError::Write {
            path: cache_dir.display().to_string(),
            detail: e.to_string(),
        })?;
    }
    let out = AtomicOutput::new(dest);
    let pipeline = gst::Pipeline::new();
    let mut guard = PipelineGuard::new(&pipeline);
    let src =
        gst::Element::make_from_uri(gst::URIType::Src, &crate::media::file_uri(source)?, None)
            .map_err(err)?;
    let parse = make("parsebin")?;
    let mux = make(container.muxer())?;
    let sink = make("filesink")?;
    sink.set_property("location", out.partial_path().to_string_lossy().as_ref());
    pipeline
        .add_many([&src, &parse, &mux, &sink])
        .map_err(err)?;
    src.link(&parse).map_err(err)?;
    mux.link(&sink).map_err(err)?;
    let pipeline_weak = pipeline.downgrade();
    let mux_weak = mux.downgrade();
    parse.connect_pad_added(move |_, pad| {
        let (Some(pipeline), Some(mux)) = (pipeline_weak.upgrade(), mux_weak.upgrade()) else {
            return;
        };
        let media = pad
            .current_caps()
            .and_then(|c| c.structure(0).map(|s| s.name().to_string()))
            .unwrap_or_default();
        let kind = if media.starts_with("video/") {
            "video_%u"
        } else if media.starts_with("audio/") {
            "audio_%u"
        } else {
            ""
        };
        let linked = match (kind, mux.request_pad_simple(kind)) {
            ("", _) | (_, None) => drain_pad(&pipeline, pad),
            // A queue per stream: the demuxer feeds all streams from one thread, and the muxer
            // waits for each in turn.
            (_, Some(sink)) => link_through_queue(&pipeline, pad, &sink),
        };
        if let Err(e) = linked {
            tracing::warn!("remux: {e}");
        }
    });
    let watch = Watch::new(
        &pipeline,
        Activity::watch(&pipeline),
        cancel,
        Duration::from_secs(30),
        &source.display().to_string(),
    )?;
    let outcome = (|| {
        pipeline.set_state(gst::State::Playing).map_err(err)?;
        watch
            .wait_for(|e| matches!(e, BusEvent::Eos))
            .map_err(RenderError::Media)
    })();
    if let Err(RenderError::Media(e)) = &outcome {
        guard.detach = crate::media::pipeline::given_up(e);
    }
    outcome?;
    drop(guard);
    out.commit().map_err(|e| RenderError::Write {
        path: dest.display().to_string(),
        detail: e.to_string(),
    })
}
