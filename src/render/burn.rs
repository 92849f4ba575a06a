//! Captions burned into the picture: the ASS track fed by an `appsrc` into `assrender` (libass),
//! with the bundled fonts handed over as attachments, as a Matroska demuxer would hand over a
//! film's fonts. `assrender` exposes no font directory, and a fontconfig setting would be a
//! process-wide tweak; an attachment is registered only when its info structure names the file.

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;

use super::RenderError;
use crate::captions::ass::Track;
use crate::captions::fonts::FONTS;
use crate::media::pipeline::make;

fn err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Pipeline(e.to_string())
}

/// Add `assrender` fed with `track` to `pipeline`; returns it for the video chain (its
/// `video_sink` in, `src` out).
pub(super) fn overlay(
    pipeline: &gst::Pipeline,
    track: &Track,
) -> Result<gst::Element, RenderError> {
    let render = make("assrender")?;
    let source = gst_app::AppSrc::builder()
        .caps(
            &gst::Caps::builder("application/x-ass")
                .field(
                    "codec_data",
                    gst::Buffer::from_slice(track.header.clone().into_bytes()),
                )
                .build(),
        )
        .format(gst::Format::Time)
        .is_live(false)
        // The whole track is queued before the pipeline starts; it is small.
        .max_bytes(0)
        .build();
    pipeline
        .add_many([source.upcast_ref(), &render])
        .map_err(err)?;
    let text_sink = render
        .static_pad("text_sink")
        .ok_or_else(|| err("assrender has no text input"))?;
    source
        .static_pad("src")
        .ok_or_else(|| err("appsrc has no output"))?
        .link(&text_sink)
        .map_err(|e| err(format!("{e:?}")))?;

    let mut tags = gst::TagList::new();
    {
        let tags = tags.make_mut();
        for font in &FONTS {
            let info = gst::Structure::builder("application/x-font-otf")
                .field("filename", font.file_name)
                .build();
            let sample = gst::Sample::builder()
                .buffer(&gst::Buffer::from_slice(font.bytes))
                .caps(&gst::Caps::new_empty_simple("application/x-font-otf"))
                .info(info)
                .build();
            tags.add::<gst::tags::Attachment>(&sample, gst::TagMergeMode::Append);
        }
    }
    // appsrc keeps serialized events in order with its buffers: the fonts arrive first.
    source.send_event(gst::event::Tag::new(tags));
    for event in &track.events {
        let mut buffer = gst::Buffer::from_slice(event.block.clone().into_bytes());
        {
            let buffer = buffer
                .get_mut()
                .ok_or_else(|| err("a new buffer is not writable"))?;
            buffer.set_pts(gst::ClockTime::from_nseconds(event.start.max(0) as u64));
            buffer.set_duration(gst::ClockTime::from_nseconds(
                (event.end - event.start).max(0) as u64,
            ));
        }
        source
            .push_buffer(buffer)
            .map_err(|e| err(format!("{e:?}")))?;
    }
    source.end_of_stream().map_err(|e| err(format!("{e:?}")))?;
    Ok(render)
}
