//! A source's filmstrip: one small picture every second or so (at most 120), side by side in one
//! JPEG, through the shared decode chain. The editor shows each piece from its in point along the
//! strip; the library keeps one per content hash.

use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageEncoder};

use super::decode::{DecodeSettings, Decoded, Decoder, FrameFormat, VideoSettings};
use super::MediaError;
use crate::jobs::CancelToken;

pub const TILE_WIDTH: u32 = 96;
pub const TILE_HEIGHT: u32 = 54;
const MAX_TILES: f64 = 120.0;
const JPEG_QUALITY: u8 = 80;

/// Seconds between tiles for a source of `duration_s` (given to the UI with each source).
pub fn interval_s(duration_s: f64) -> f64 {
    (duration_s / MAX_TILES).max(1.0)
}

/// How many tiles the strip of a source of `duration_s` has.
pub fn tile_count(duration_s: f64) -> usize {
    ((duration_s / interval_s(duration_s)).ceil() as usize).max(1)
}

/// Every `PARTIAL_EVERY` tiles, [`make`] offers the strip so far.
const PARTIAL_EVERY: usize = 10;

/// A strip being filled: tiles in RGBA, those not made yet transparent.
pub struct Strip {
    count: usize,
    rgba: Vec<u8>,
    filled: Vec<bool>,
}

impl Strip {
    fn new(count: usize) -> Self {
        Self {
            count,
            rgba: vec![0; count * (TILE_WIDTH * TILE_HEIGHT) as usize * 4],
            filled: vec![false; count],
        }
    }

    fn row_bytes(&self) -> usize {
        TILE_WIDTH as usize * self.count * 4
    }

    /// Put an RGB frame in tile `index`, centred: a wide frame loses its sides, a narrow one
    /// gets bars. Returns false when the tile was made already.
    fn fill(&mut self, index: usize, frame: &super::decode::Frame) -> bool {
        if self.filled[index] {
            return false;
        }
        self.filled[index] = true;
        let (tw, th) = (TILE_WIDTH as usize, TILE_HEIGHT as usize);
        let row = self.row_bytes();
        let (fw, fh) = (frame.width as usize, frame.height as usize);
        let skip = fw.saturating_sub(tw) / 2;
        let pad = tw.saturating_sub(fw) / 2;
        for y in 0..th {
            let tile_row = y * row + index * tw * 4;
            // Bars are opaque black; the picture goes between them.
            for px in self.rgba[tile_row..tile_row + tw * 4].chunks_exact_mut(4) {
                px.copy_from_slice(&[0, 0, 0, 255]);
            }
            if y >= fh {
                continue;
            }
            let from = y * frame.stride + skip * 3;
            let Some(src) = frame.data.get(from..from + fw.min(tw) * 3) else {
                continue;
            };
            let to = tile_row + pad * 4;
            for (px, rgb) in self.rgba[to..to + src.len() / 3 * 4]
                .chunks_exact_mut(4)
                .zip(src.chunks_exact(3))
            {
                px[..3].copy_from_slice(rgb);
            }
        }
        true
    }

    /// How many tiles are made.
    pub fn made(&self) -> usize {
        self.filled.iter().filter(|&&f| f).count()
    }

    /// A moment with no frame of its own (a gap, or past the last frame) shows the one before.
    fn fill_gaps(&mut self) {
        let (tw, th) = (TILE_WIDTH as usize, TILE_HEIGHT as usize);
        let row = self.row_bytes();
        for i in 1..self.count {
            if !self.filled[i] && self.filled[i - 1] {
                for y in 0..th {
                    let at = y * row + i * tw * 4;
                    self.rgba.copy_within(at - tw * 4..at, at);
                }
                self.filled[i] = true;
            }
        }
    }

    fn size(&self) -> (u32, u32) {
        (TILE_WIDTH * self.count as u32, TILE_HEIGHT)
    }

    /// The strip so far as PNG, tiles not made yet transparent (what is under them shows).
    pub fn png(&self) -> Result<Vec<u8>, image::ImageError> {
        let mut out = Vec::new();
        let (w, h) = self.size();
        image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::Sub,
        )
        .write_image(&self.rgba, w, h, ExtendedColorType::Rgba8)?;
        Ok(out)
    }

    /// The finished strip as JPEG.
    fn jpeg(&self) -> Result<Vec<u8>, image::ImageError> {
        let rgb: Vec<u8> = self
            .rgba
            .chunks_exact(4)
            .flat_map(|px| [px[0], px[1], px[2]])
            .collect();
        let mut out = Vec::new();
        let (w, h) = self.size();
        JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode(
            &rgb,
            w,
            h,
            ExtendedColorType::Rgb8,
        )?;
        Ok(out)
    }
}

/// The filmstrip of the video at `path` as JPEG bytes: tile `i` shows the frame nearest
/// `i × interval_s`, fitted to the tile's height and centred (cropped or padded at the sides).
/// `partial` is offered the strip every few tiles while it is made, with the fraction done.
pub fn make(
    path: &Path,
    duration_s: f64,
    cancel: &CancelToken,
    mut partial: impl FnMut(&Strip, f64),
) -> Result<Vec<u8>, MediaError> {
    let interval = interval_s(duration_s);
    let count = tile_count(duration_s);
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
    let mut strip = Strip::new(count);
    let mut decoder = Decoder::open(path, &settings, cancel)?;
    while let Some(decoded) = decoder.pull()? {
        let Decoded::Video(frame) = decoded else {
            continue;
        };
        let index = ((frame.pts_s / interval).round() as usize).min(count - 1);
        if strip.fill(index, &frame) && strip.made().is_multiple_of(PARTIAL_EVERY) {
            partial(&strip, strip.made() as f64 / count as f64);
        }
    }
    if strip.made() == 0 {
        return Err(MediaError::Unsupported {
            path: crate::text::printable_path(path),
            reason: "it has no picture to make a filmstrip of".into(),
            detail: String::new(),
        });
    }
    strip.fill_gaps();
    strip.jpeg().map_err(|e| MediaError::Unsupported {
        path: crate::text::printable_path(path),
        reason: "its filmstrip could not be encoded".into(),
        detail: e.to_string(),
    })
}
