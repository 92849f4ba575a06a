//! What a ggml Whisper model file is, read from its header: enough to refuse a file that is not a
//! model before whisper.cpp tries it, and to pick the DTW alignment heads that fit it.

use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use whisper_rs::DtwModelPreset;

use super::SpeechError;
use crate::text::printable_path;

const MAGIC: u32 = 0x6767_6d6c; // "ggml"
/// Vocabulary of the English-only models (the multilingual ones have 51865, v3 51866).
const ENGLISH_VOCAB: i32 = 51864;

/// The model's shape as its header gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ModelShape {
    /// tiny, base, small, medium, large, large-v3, large-v3-turbo, or "custom".
    pub size: String,
    pub english_only: bool,
    pub audio_layers: i32,
    pub text_layers: i32,
    pub mels: i32,
}

impl ModelShape {
    /// The alignment heads whisper.cpp ships for this model, when it is a standard one.
    pub fn dtw_preset(&self) -> Option<DtwModelPreset> {
        Some(match (self.size.as_str(), self.english_only) {
            ("tiny", true) => DtwModelPreset::TinyEn,
            ("tiny", false) => DtwModelPreset::Tiny,
            ("base", true) => DtwModelPreset::BaseEn,
            ("base", false) => DtwModelPreset::Base,
            ("small", true) => DtwModelPreset::SmallEn,
            ("small", false) => DtwModelPreset::Small,
            ("medium", true) => DtwModelPreset::MediumEn,
            ("medium", false) => DtwModelPreset::Medium,
            ("large", _) => DtwModelPreset::LargeV2,
            ("large-v3", _) => DtwModelPreset::LargeV3,
            ("large-v3-turbo", _) => DtwModelPreset::LargeV3Turbo,
            _ => return None,
        })
    }
}

/// Read and check the header of `path`.
pub fn shape(path: &Path) -> Result<ModelShape, SpeechError> {
    let not_a_model = |reason: &str| SpeechError::NotAModel {
        path: printable_path(path),
        reason: reason.to_owned(),
    };
    let mut file = std::fs::File::open(path).map_err(|source| SpeechError::Read {
        path: printable_path(path),
        source,
    })?;
    let mut header = [0u8; 48];
    file.read_exact(&mut header)
        .map_err(|_| not_a_model("it is too short"))?;
    let field = |i: usize| {
        i32::from_le_bytes([
            header[i * 4],
            header[i * 4 + 1],
            header[i * 4 + 2],
            header[i * 4 + 3],
        ])
    };
    if field(0) as u32 != MAGIC {
        return Err(not_a_model("it does not start like a ggml model"));
    }
    let (vocab, audio_state, audio_layers, text_layers, mels) =
        (field(1), field(3), field(5), field(9), field(10));
    let plausible = (50_000..=52_000).contains(&vocab)
        && (1..=64).contains(&audio_layers)
        && (1..=64).contains(&text_layers)
        && (mels == 80 || mels == 128)
        && audio_state > 0;
    if !plausible {
        return Err(not_a_model("its header does not describe a Whisper model"));
    }
    let size = match (audio_layers, text_layers, audio_state) {
        (4, 4, 384) => "tiny",
        (6, 6, 512) => "base",
        (12, 12, 768) => "small",
        (24, 24, 1024) => "medium",
        (32, 4, 1280) => "large-v3-turbo",
        (32, 32, 1280) if mels == 128 => "large-v3",
        (32, 32, 1280) => "large",
        _ => "custom",
    };
    Ok(ModelShape {
        size: size.to_owned(),
        english_only: vocab == ENGLISH_VOCAB,
        audio_layers,
        text_layers,
        mels,
    })
}
