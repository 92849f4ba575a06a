//! Analyses kept in the library, per content hash and analyser version: re-opening a project or
//! regenerating variants reads them back instead of decoding again, and a changed file (a new
//! hash) is analysed anew. One row per source, written in one transaction.

use rusqlite::{params, OptionalExtension};

use super::features::{FrameFeatures, TINY_H, TINY_W};
use super::settings::ANALYZER_VERSION;
use super::SourceAnalysis;
use crate::library::{Library, LibraryError, NOW_SQL};

const RECORD: usize = 8 * 4 + 8 + TINY_W * TINY_H;

fn encode_frames(frames: &[FrameFeatures]) -> Vec<u8> {
    let mut out = Vec::with_capacity(frames.len() * RECORD);
    for f in frames {
        for v in [
            f.t,
            f.motion,
            f.sharpness,
            f.brightness,
            f.contrast,
            f.focus_x,
            f.focus_y,
            f.energy,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&f.phash.to_le_bytes());
        out.extend_from_slice(&f.tiny);
    }
    out
}

fn decode_frames(bytes: &[u8]) -> Vec<FrameFeatures> {
    bytes
        .chunks_exact(RECORD)
        .map(|r| {
            let f =
                |i: usize| f32::from_le_bytes([r[i * 4], r[i * 4 + 1], r[i * 4 + 2], r[i * 4 + 3]]);
            let mut phash = [0u8; 8];
            phash.copy_from_slice(&r[32..40]);
            let mut tiny = [0u8; TINY_W * TINY_H];
            tiny.copy_from_slice(&r[40..RECORD]);
            FrameFeatures {
                t: f(0),
                motion: f(1),
                sharpness: f(2),
                brightness: f(3),
                contrast: f(4),
                focus_x: f(5),
                focus_y: f(6),
                energy: f(7),
                phash: u64::from_le_bytes(phash),
                tiny,
            }
        })
        .collect()
}

fn encode_series(series: &[f32]) -> Vec<u8> {
    series.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn decode_series(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// The stored analysis of content `hash`, if this analyser version made one.
pub fn load(library: &Library, hash: &str) -> Result<Option<SourceAnalysis>, LibraryError> {
    library.read(|conn| {
        Ok(conn
            .query_row(
                "SELECT duration_s, scene_cuts, integrated_lufs, frames, loudness FROM analyses
                 WHERE content_hash = ?1 AND analyzer_version = ?2",
                params![hash, ANALYZER_VERSION],
                |r| {
                    let cuts: String = r.get(1)?;
                    Ok(SourceAnalysis {
                        duration_s: r.get(0)?,
                        scene_cuts_s: serde_json::from_str(&cuts).unwrap_or_default(),
                        integrated_lufs: r.get(2)?,
                        frames: decode_frames(&r.get::<_, Vec<u8>>(3)?),
                        loudness: decode_series(&r.get::<_, Vec<u8>>(4)?),
                    })
                },
            )
            .optional()?)
    })
}

/// Whether content `hash` is analysed already.
pub fn has(library: &Library, hash: &str) -> Result<bool, LibraryError> {
    library.read(|conn| {
        Ok(conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM analyses WHERE content_hash = ?1 AND analyzer_version = ?2)",
            params![hash, ANALYZER_VERSION],
            |r| r.get(0),
        )?)
    })
}

pub fn store(library: &Library, hash: &str, analysis: &SourceAnalysis) -> Result<(), LibraryError> {
    let cuts = serde_json::to_string(&analysis.scene_cuts_s).unwrap_or_else(|_| "[]".into());
    library.write(|tx| {
        tx.execute(
            &format!(
                "INSERT INTO analyses (content_hash, analyzer_version, duration_s, scene_cuts,
                    integrated_lufs, frames, loudness, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {NOW_SQL})
                 ON CONFLICT (content_hash, analyzer_version) DO UPDATE SET
                    duration_s = excluded.duration_s, scene_cuts = excluded.scene_cuts,
                    integrated_lufs = excluded.integrated_lufs, frames = excluded.frames,
                    loudness = excluded.loudness, created_at = excluded.created_at"
            ),
            params![
                hash,
                ANALYZER_VERSION,
                analysis.duration_s,
                cuts,
                analysis.integrated_lufs,
                encode_frames(&analysis.frames),
                encode_series(&analysis.loudness)
            ],
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::{decode_frames, encode_frames};
    use crate::analysis::features::FrameFeatures;

    #[test]
    fn frames_round_trip() {
        let frame = FrameFeatures {
            t: 1.2,
            motion: 0.03,
            sharpness: 0.5,
            brightness: 0.4,
            contrast: 0.3,
            focus_x: 0.7,
            focus_y: 0.2,
            energy: 0.03,
            phash: 0xDEAD_BEEF_0123_4567,
            tiny: [7; 144],
        };
        assert_eq!(
            decode_frames(&encode_frames(&[frame.clone(), frame.clone()])),
            vec![frame.clone(), frame]
        );
    }
}
