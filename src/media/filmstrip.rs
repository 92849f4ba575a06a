//! A source's filmstrip: one small picture every second or so (at most 120), side by side in one
//! JPEG, through the shared decode chain. The editor shows each piece from its in point along the
//! strip; the library keeps one per content hash.

use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::ExtendedColorType;

use super::decode::{DecodeSettings, Decoded, Decoder, FrameFormat, VideoSettings};
use super::MediaError;
use crate::jobs::CancelToken;

pub const TILE_WIDTH: u32 = 96;
pub const TILE_HEIGHT: u32 = 54;
const MAX_TILES: f64 = 120.0;
const JPEG_QUALITY: u8 = 80;

/// Seconds between tiles for a source of `duration_s` (the UI reads the strip with the same rule).
pub fn interval_s(duration_s: f64) -> f64 {
    (duration_s / MAX_TILES).max(1.0)
}

/// The filmstrip of the video at `path` as JPEG bytes: tile `i` shows the frame nearest
/// `i × interval_s`, fitted to the tile's height and centred (cropped or padded at the sides).
pub fn make(path: &Path, duration_s: f64, cancel: &CancelToken) -> Result<Vec<u8>, MediaError> {
    let interval = interval_s(duration_s);
    let count = ((duration_s / interval).ceil() as usize).max(1);
    let rate = (1000, (interval * 1000.0).round() as i32);
    let settings = DecodeSettings {
        video: Some(VideoSettings {
            format: FrameFormat::Rgb,
            width: None,
            height: Some(TILE_HEIGHT),
            rate: Some(rate),
        }),
        audio: None,
        start_s: None,
        stall_after: DecodeSettings::DEFAULT_STALL,
    };
    let (tw, th) = (TILE_WIDTH as usize, TILE_HEIGHT as usize);
    let row = tw * count * 3;
    let mut strip = vec![0u8; row * th];
    let mut filled = vec![false; count];
    let mut decoder = Decoder::open(path, &settings, cancel)?;
    while let Some(decoded) = decoder.pull()? {
        let Decoded::Video(frame) = decoded else {
            continue;
        };
        let index = ((frame.pts_s / interval).round() as usize).min(count - 1);
        if filled[index] {
            continue;
        }
        filled[index] = true;
        let (fw, fh) = (frame.width as usize, frame.height as usize);
        // Centre the frame in its tile: a wide frame loses its sides, a narrow one gets bars.
        let skip = fw.saturating_sub(tw) / 2;
        let pad = tw.saturating_sub(fw) / 2;
        let copy = fw.min(tw);
        for y in 0..fh.min(th) {
            let from = y * frame.stride + skip * 3;
            let to = y * row + (index * tw + pad) * 3;
            if let Some(src) = frame.data.get(from..from + copy * 3) {
                strip[to..to + copy * 3].copy_from_slice(src);
            }
        }
    }
    if !filled.iter().any(|&f| f) {
        return Err(MediaError::Unsupported {
            path: crate::text::printable_path(path),
            reason: "it has no picture to make a filmstrip of".into(),
            detail: String::new(),
        });
    }
    // A moment with no frame of its own (a gap, or past the last frame) shows the one before.
    for i in 1..count {
        if !filled[i] && filled[i - 1] {
            for y in 0..th {
                let at = y * row + i * tw * 3;
                strip.copy_within(at - tw * 3..at, at);
            }
            filled[i] = true;
        }
    }
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode(
            &strip,
            (tw * count) as u32,
            th as u32,
            ExtendedColorType::Rgb8,
        )
        .map_err(|e| MediaError::Unsupported {
            path: crate::text::printable_path(path),
            reason: "its filmstrip could not be encoded".into(),
            detail: e.to_string(),
        })?;
    Ok(out)
}
