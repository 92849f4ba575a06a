//! The 64-bit DCT perceptual hash of a frame (SPEC §4.1), by `image_hasher`: grey, resized, DCT,
//! the 8×8 lowest frequencies, each bit set when above the median. (`image_hasher` resizes to
//! 16×16 before the DCT where SPEC's reference does 32×32; the duplicate threshold is calibrated
//! on the hashes it makes.)

use image::GrayImage;
use image_hasher::{FilterType, HashAlg, Hasher, HasherConfig};

pub struct PerceptualHasher(Hasher);

impl Default for PerceptualHasher {
    fn default() -> Self {
        Self(
            HasherConfig::new()
                .hash_size(8, 8)
                .hash_alg(HashAlg::Median)
                .resize_filter(FilterType::Triangle)
                .preproc_dct()
                .to_hasher(),
        )
    }
}

impl PerceptualHasher {
    /// The hash of a grey frame (`width × height` bytes, no padding).
    pub fn hash(&self, pixels: &[u8], width: usize, height: usize) -> u64 {
        let Some(image) = GrayImage::from_raw(width as u32, height as u32, pixels.to_vec()) else {
            return 0;
        };
        let hash = self.0.hash_image(&image);
        let mut bytes = [0u8; 8];
        for (slot, byte) in bytes.iter_mut().zip(hash.as_bytes()) {
            *slot = *byte;
        }
        u64::from_le_bytes(bytes)
    }
}

/// Bits that differ: 0 (same picture) to 64.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::{distance, PerceptualHasher};

    #[test]
    fn a_brighter_copy_hashes_alike_and_a_different_picture_does_not() {
        let hasher = PerceptualHasher::default();
        let (w, h) = (160, 90);
        let picture: Vec<u8> = (0..w * h)
            .map(|i| ((i % w) * 255 / w) as u8 ^ ((i / w) as u8 * 2))
            .collect();
        let brighter: Vec<u8> = picture.iter().map(|&v| v.saturating_add(12)).collect();
        let other: Vec<u8> = (0..w * h)
            .map(|i| (((i / w) * 255 / h) as u8).wrapping_mul(3))
            .collect();
        let a = hasher.hash(&picture, w, h);
        assert!(distance(a, hasher.hash(&brighter, w, h)) < 10);
        assert!(distance(a, hasher.hash(&other, w, h)) >= 10);
    }
}
