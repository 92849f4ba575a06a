//! Short codec and container names (ffprobe's vocabulary) from GStreamer caps.

use gstreamer as gst;

pub(super) fn codec_name(caps: &gst::CapsRef) -> Option<String> {
    let s = caps.structure(0)?;
    let int = |field: &str| s.get::<i32>(field).ok();
    let name = match s.name().as_str() {
        "video/x-h264" => "h264",
        "video/x-h265" => "hevc",
        "video/x-vp8" => "vp8",
        "video/x-vp9" => "vp9",
        "video/x-av1" => "av1",
        "video/mpeg" => match int("mpegversion") {
            Some(4) => "mpeg4",
            Some(2) => "mpeg2video",
            _ => "mpeg1video",
        },
        "video/x-prores" => "prores",
        "video/x-theora" => "theora",
        "image/jpeg" => "mjpeg",
        "video/x-raw" => "rawvideo",
        "audio/mpeg" => match (int("mpegversion"), int("layer")) {
            (Some(2 | 4), _) => "aac",
            (Some(1), Some(3)) | (Some(1), None) => "mp3",
            (Some(1), Some(2)) => "mp2",
            _ => "mpeg_audio",
        },
        "audio/x-ac3" | "audio/ac3" => "ac3",
        "audio/x-eac3" => "eac3",
        "audio/x-vorbis" => "vorbis",
        "audio/x-opus" => "opus",
        "audio/x-flac" => "flac",
        "audio/x-alac" => "alac",
        "audio/x-raw" => return Some(raw_audio_name(s.get::<&str>("format").ok())),
        other => {
            return Some(
                other
                    .rsplit('/')
                    .next()
                    .unwrap_or(other)
                    .trim_start_matches("x-")
                    .to_owned(),
            )
        }
    };
    Some(name.to_owned())
}

fn raw_audio_name(format: Option<&str>) -> String {
    match format {
        Some(f) => format!("pcm_{}", f.to_ascii_lowercase()),
        None => "pcm".to_owned(),
    }
}

pub(super) fn container_name(caps: &gst::CapsRef) -> Option<String> {
    let s = caps.structure(0)?;
    let name = match s.name().as_str() {
        "video/quicktime" => match s.get::<&str>("variant").ok() {
            Some("iso") | Some("iso-fragmented") => "mp4",
            _ => "mov",
        },
        "video/x-matroska" => "matroska",
        "video/webm" | "audio/webm" => "webm",
        "audio/x-wav" => "wav",
        "application/ogg" | "audio/ogg" | "video/ogg" => "ogg",
        "video/x-msvideo" => "avi",
        "video/mpegts" => "mpegts",
        "video/mpeg" => "mpeg",
        "audio/x-m4a" => "m4a",
        "application/x-id3" => "mp3",
        other => other.rsplit('/').next().unwrap_or(other),
    };
    Some(name.to_owned())
}
