//! How GES's compositor scales each picture. Its default cubic filter (Mitchell: B = C = 1/3) is
//! soft; ffmpeg's `scale` uses a sharper cubic (B = 0, C = 0.6). The same sharper filter here keeps
//! detail when a 1080p picture is enlarged to fill a vertical frame.

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_video as gst_video;

/// Give every picture the compositor inside `pipeline` takes (now or later) the sharper scaler.
pub(super) fn sharpen(pipeline: &gst::Pipeline) {
    pipeline.connect_deep_element_added(|_, _, element| {
        let is_compositor = element
            .factory()
            .is_some_and(|factory| factory.name() == "compositor");
        if is_compositor {
            element.connect_pad_added(|_, pad| {
                if pad.direction() == gst::PadDirection::Sink
                    && pad.find_property("converter-config").is_some()
                {
                    pad.set_property("converter-config", config());
                }
            });
        }
    });
}

fn config() -> gst::Structure {
    gst::Structure::builder("GstVideoConverter")
        .field(
            "GstVideoConverter.resampler-method",
            gst_video::VideoResamplerMethod::Cubic,
        )
        .field(
            "GstVideoConverter.chroma-resampler-method",
            gst_video::VideoResamplerMethod::Cubic,
        )
        .field("GstVideoResampler.cubic-b", 0.0f64)
        .field("GstVideoResampler.cubic-c", 0.6f64)
        .build()
}
