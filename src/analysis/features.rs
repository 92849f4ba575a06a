//! What one sampled frame says: how much moved since the last one, how sharp, bright and
//! contrasted it is, where the movement is, a perceptual hash, and a tiny copy for comparing frames
//! a few seconds apart. Everything works on the small grey frames of the decode chain.

use super::phash::PerceptualHasher;

/// Side of the tiny copy kept per frame (16×9 cells, whatever the shape of the source).
pub const TINY_W: usize = 16;
pub const TINY_H: usize = 9;
/// Histogram bins used for scene-cut detection.
pub const BINS: usize = 32;

/// A grey frame borrowed from the decoder.
pub struct Gray<'a> {
    pub width: usize,
    pub height: usize,
    pub stride: usize,
    pub data: &'a [u8],
}

impl Gray<'_> {
    fn row(&self, y: usize) -> &[u8] {
        &self.data[y * self.stride..y * self.stride + self.width]
    }

    pub fn is_valid(&self) -> bool {
        self.width >= 3
            && self.height >= 3
            && self.stride >= self.width
            && self.data.len() >= self.stride * (self.height - 1) + self.width
    }
}

/// Features of one sampled frame.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameFeatures {
    /// Position in the source, seconds.
    pub t: f32,
    /// Mean absolute difference to the previous sampled frame, 0–1.
    pub motion: f32,
    /// Variance of the Laplacian / 500, clamped to 1.
    pub sharpness: f32,
    /// Mean luma, 0–1.
    pub brightness: f32,
    /// Standard deviation of luma / 128, clamped to 1.
    pub contrast: f32,
    /// Where the change since the previous frame is (energy-weighted centroid), 0–1 of the
    /// displayed frame; the centre when nothing moved.
    pub focus_x: f32,
    pub focus_y: f32,
    /// How much changed, as a weight for averaging `focus_*` over time.
    pub energy: f32,
    /// 64-bit DCT perceptual hash.
    pub phash: u64,
    /// A 16×9 copy, for comparing frames seconds apart.
    pub tiny: [u8; TINY_W * TINY_H],
}

/// What is carried from one frame to the next.
pub struct Previous {
    pixels: Vec<u8>,
    width: usize,
    height: usize,
    pub histogram: [f32; BINS],
}

/// Measure `frame` at `t`; `previous` is the last sampled frame of the same source.
pub fn measure(
    frame: &Gray<'_>,
    t: f32,
    previous: Option<&Previous>,
    hasher: &PerceptualHasher,
) -> (FrameFeatures, Previous) {
    let (w, h) = (frame.width, frame.height);
    let n = (w * h) as f64;
    let mut sum = 0u64;
    let mut sum_sq = 0u64;
    let mut histogram = [0f32; BINS];
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        for &v in frame.row(y) {
            sum += v as u64;
            sum_sq += (v as u64) * (v as u64);
            histogram[v as usize * BINS / 256] += 1.0;
            pixels.push(v);
        }
    }
    for bin in &mut histogram {
        *bin /= n as f32;
    }
    let mean = sum as f64 / n;
    let variance = (sum_sq as f64 / n - mean * mean).max(0.0);

    // Variance of the 4-neighbour Laplacian over the interior.
    let (mut lap_sum, mut lap_sq, mut lap_n) = (0f64, 0f64, 0f64);
    for y in 1..h - 1 {
        let (up, row, down) = (
            &pixels[(y - 1) * w..y * w],
            &pixels[y * w..(y + 1) * w],
            &pixels[(y + 1) * w..(y + 2) * w],
        );
        for x in 1..w - 1 {
            let l = up[x] as f64 + down[x] as f64 + row[x - 1] as f64 + row[x + 1] as f64
                - 4.0 * row[x] as f64;
            lap_sum += l;
            lap_sq += l * l;
            lap_n += 1.0;
        }
    }
    let lap_mean = lap_sum / lap_n;
    let lap_var = (lap_sq / lap_n - lap_mean * lap_mean).max(0.0);

    let (motion, focus_x, focus_y, energy) =
        match previous.filter(|p| p.width == w && p.height == h) {
            Some(prev) => motion_of(&pixels, &prev.pixels, w, h),
            None => (0.0, 0.5, 0.5, 0.0),
        };

    let features = FrameFeatures {
        t,
        motion,
        sharpness: (lap_var / 500.0).min(1.0) as f32,
        brightness: (mean / 255.0) as f32,
        contrast: (variance.sqrt() / 128.0).min(1.0) as f32,
        focus_x,
        focus_y,
        energy,
        phash: hasher.hash(&pixels, w, h),
        tiny: tiny(&pixels, w, h),
    };
    (
        features,
        Previous {
            pixels,
            width: w,
            height: h,
            histogram,
        },
    )
}

/// Mean absolute difference (0–1) and the centroid of where it is.
fn motion_of(now: &[u8], before: &[u8], w: usize, h: usize) -> (f32, f32, f32, f32) {
    let (mut total, mut wx, mut wy) = (0u64, 0f64, 0f64);
    for y in 0..h {
        for x in 0..w {
            let d = (now[y * w + x] as i32 - before[y * w + x] as i32).unsigned_abs() as u64;
            // Sensor noise and compression shimmer are not movement.
            let d = d.saturating_sub(6);
            total += d;
            wx += d as f64 * (x as f64 + 0.5);
            wy += d as f64 * (y as f64 + 0.5);
        }
    }
    let motion = total as f64 / (w * h) as f64 / 255.0;
    if total == 0 {
        return (0.0, 0.5, 0.5, 0.0);
    }
    (
        motion as f32,
        (wx / total as f64 / w as f64) as f32,
        (wy / total as f64 / h as f64) as f32,
        motion as f32,
    )
}

/// Box-average `pixels` down to 16×9.
fn tiny(pixels: &[u8], w: usize, h: usize) -> [u8; TINY_W * TINY_H] {
    let mut out = [0u8; TINY_W * TINY_H];
    for ty in 0..TINY_H {
        let (y0, y1) = (
            ty * h / TINY_H,
            ((ty + 1) * h / TINY_H).max(ty * h / TINY_H + 1),
        );
        for tx in 0..TINY_W {
            let (x0, x1) = (
                tx * w / TINY_W,
                ((tx + 1) * w / TINY_W).max(tx * w / TINY_W + 1),
            );
            let (mut sum, mut count) = (0u32, 0u32);
            for y in y0..y1.min(h) {
                for x in x0..x1.min(w) {
                    sum += pixels[y * w + x] as u32;
                    count += 1;
                }
            }
            out[ty * TINY_W + tx] = (sum / count.max(1)) as u8;
        }
    }
    out
}

/// Mean absolute difference of two tiny copies, 0–1.
pub fn tiny_difference(a: &[u8; TINY_W * TINY_H], b: &[u8; TINY_W * TINY_H]) -> f32 {
    let total: u32 = a
        .iter()
        .zip(b.iter())
        .map(|(x, y)| (*x as i32 - *y as i32).unsigned_abs())
        .sum();
    total as f32 / (a.len() as f32 * 255.0)
}

/// Half the L1 distance of two normalised histograms: 0 (same) to 1 (disjoint).
pub fn histogram_distance(a: &[f32; BINS], b: &[f32; BINS]) -> f32 {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).abs())
        .sum::<f32>()
        / 2.0
}

#[cfg(test)]
mod tests {
    use super::{measure, Gray};
    use crate::analysis::phash::PerceptualHasher;

    fn frame(w: usize, h: usize, f: impl Fn(usize, usize) -> u8) -> Vec<u8> {
        (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| f(x, y))
            .collect()
    }

    #[test]
    fn flat_frames_are_dark_flat_and_still_and_movement_is_located() {
        let black = frame(160, 90, |_, _| 0);
        let hasher = PerceptualHasher::default();
        let (f, prev) = measure(
            &Gray {
                width: 160,
                height: 90,
                stride: 160,
                data: &black,
            },
            0.0,
            None,
            &hasher,
        );
        assert_eq!(
            (f.brightness, f.contrast, f.sharpness, f.motion),
            (0.0, 0.0, 0.0, 0.0)
        );
        // A bright square appears in the right third.
        let square = frame(160, 90, |x, y| {
            if (110..140).contains(&x) && (30..60).contains(&y) {
                250
            } else {
                0
            }
        });
        let (g, _) = measure(
            &Gray {
                width: 160,
                height: 90,
                stride: 160,
                data: &square,
            },
            0.2,
            Some(&prev),
            &hasher,
        );
        assert!(g.motion > 0.05, "{}", g.motion);
        assert!((g.focus_x - 125.0 / 160.0).abs() < 0.02, "{}", g.focus_x);
        assert!((g.focus_y - 0.5).abs() < 0.02, "{}", g.focus_y);
        assert!(g.sharpness > 0.1 && g.contrast > 0.1);
    }
}
