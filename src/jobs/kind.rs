//! The kinds of job this version runs, each with its typed payload and result. The `jobs` table
//! stores the kind as text and the payload and result as JSON of these types; the window gets the
//! same types (generated TypeScript), never an untyped value.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::import::ImportReport;
use crate::verify::VerifyReport;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Import files and folders into a project.
    Import,
    /// Re-check a project's source files for moves and changes.
    VerifySources,
    /// Analyse one source's footage (scores, scene cuts, loudness).
    Analyze,
    /// Render a variant to a checked MP4.
    Export,
    /// Find where a source's speech is (voice activity).
    Voice,
    /// Transcribe a source's speech to words with times.
    Transcribe,
    /// Download a speech model.
    DownloadModel,
    /// Make a source's small preview copy for the editor.
    Proxy,
    /// Make a source's filmstrip for the editor's timeline.
    Filmstrip,
    /// Draw a source's waveform (plain or through the denoiser) for the editor.
    Waveform,
    /// A job written by a newer version of Edit Factory; this one cannot run it.
    Unknown,
}

impl JobKind {
    /// Every kind this version can run.
    pub const ALL: &'static [JobKind] = &[
        JobKind::Import,
        JobKind::VerifySources,
        JobKind::Analyze,
        JobKind::Export,
        JobKind::Voice,
        JobKind::Transcribe,
        JobKind::DownloadModel,
        JobKind::Proxy,
        JobKind::Filmstrip,
        JobKind::Waveform,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Import => "import",
            Self::VerifySources => "verify_sources",
            Self::Analyze => "analyze",
            Self::Export => "export",
            Self::Voice => "voice",
            Self::Transcribe => "transcribe",
            Self::DownloadModel => "download_model",
            Self::Proxy => "proxy",
            Self::Filmstrip => "filmstrip",
            Self::Waveform => "waveform",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "import" => Self::Import,
            "verify_sources" => Self::VerifySources,
            "analyze" => Self::Analyze,
            "export" => Self::Export,
            "voice" => Self::Voice,
            "transcribe" => Self::Transcribe,
            "download_model" => Self::DownloadModel,
            "proxy" => Self::Proxy,
            "filmstrip" => Self::Filmstrip,
            "waveform" => Self::Waveform,
            _ => Self::Unknown,
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Import => "Import",
            Self::VerifySources => "Verify sources",
            Self::Analyze => "Analyse",
            Self::Export => "Export",
            Self::Voice => "Find speech",
            Self::Transcribe => "Transcribe",
            Self::DownloadModel => "Download a speech model",
            Self::Proxy => "Preview copy",
            Self::Filmstrip => "Filmstrip",
            Self::Waveform => "Waveform",
            Self::Unknown => "Unknown job",
        }
    }
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a job is asked to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobSpec {
    Import {
        /// Absolute paths of files and folders, as the user chose them.
        #[ts(type = "Array<string>")]
        paths: Vec<PathBuf>,
    },
    VerifySources {},
    Analyze {
        source_id: String,
    },
    Export {
        clip_id: String,
        preset: String,
        /// Where the file goes (absolute).
        out_path: String,
        /// The H.264 encoder element asked for; x264 when absent (jobs queued before it existed).
        #[serde(default)]
        encoder: Option<String>,
    },
    Voice {
        source_id: String,
    },
    Transcribe {
        source_id: String,
        /// An installed model's name; the preferred installed one when absent.
        #[serde(default)]
        model: Option<String>,
        /// A language code; detected when absent.
        #[serde(default)]
        language: Option<String>,
    },
    DownloadModel {
        /// A catalogue name (base.en …) or the name to install a file from `url` under.
        name: String,
        #[serde(default)]
        url: Option<String>,
        /// Expected SHA-256; the server's declared one when absent.
        #[serde(default)]
        sha256: Option<String>,
    },
    Proxy {
        source_id: String,
    },
    Filmstrip {
        source_id: String,
    },
    Waveform {
        source_id: String,
        /// Through the denoiser the export's "reduce background noise" runs.
        denoised: bool,
    },
    /// Written by a newer version; kept as it is.
    #[serde(other)]
    Unknown,
}

impl JobSpec {
    pub fn kind(&self) -> JobKind {
        match self {
            Self::Import { .. } => JobKind::Import,
            Self::VerifySources {} => JobKind::VerifySources,
            Self::Analyze { .. } => JobKind::Analyze,
            Self::Export { .. } => JobKind::Export,
            Self::Voice { .. } => JobKind::Voice,
            Self::Transcribe { .. } => JobKind::Transcribe,
            Self::DownloadModel { .. } => JobKind::DownloadModel,
            Self::Proxy { .. } => JobKind::Proxy,
            Self::Filmstrip { .. } => JobKind::Filmstrip,
            Self::Waveform { .. } => JobKind::Waveform,
            Self::Unknown => JobKind::Unknown,
        }
    }
}

/// What a job produced.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobOutcome {
    Import(ImportReport),
    VerifySources(VerifyReport),
    Analyze(AnalyzeReport),
    Export(crate::render::ExportReport),
    Voice(crate::speech::source::Voice),
    Transcribe(TranscribeReport),
    DownloadModel(crate::speech::models::InstalledModel),
    Proxy(ProxyReport),
    Filmstrip(FilmstripReport),
    Waveform(WaveformReport),
}

/// A source's waveform, drawn or found drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WaveformReport {
    pub source_id: String,
    pub denoised: bool,
    /// It was there already.
    pub cached: bool,
}

/// A source's filmstrip, made or found made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FilmstripReport {
    pub source_id: String,
    /// Tiles in the strip.
    pub tiles: u32,
    /// It was there already.
    pub cached: bool,
}

/// A source's preview copy, made or found made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProxyReport {
    pub source_id: String,
    pub width: u32,
    pub height: u32,
    /// It was there already.
    pub cached: bool,
}

/// What transcribing one source found (the words are in the library's cache).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TranscribeReport {
    pub source_id: String,
    pub model: String,
    pub language: String,
    pub words: u32,
    pub cached: bool,
}

/// What analysing one source found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AnalyzeReport {
    pub source_id: String,
    /// Read from the library's cache instead of decoded.
    pub cached: bool,
    pub duration_s: f64,
    pub scene_cuts: u32,
    pub integrated_lufs: Option<f32>,
}

#[cfg(test)]
mod tests {
    use super::{JobKind, JobSpec};

    #[test]
    fn kinds_round_trip_and_unknown_ones_are_kept_apart() {
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), *kind);
        }
        let spec: JobSpec = serde_json::from_str(r#"{"kind":"render_hologram","x":1}"#).unwrap();
        assert_eq!(spec, JobSpec::Unknown);
        let spec: JobSpec = serde_json::from_str(r#"{"kind":"import","paths":["/a"]}"#).unwrap();
        assert_eq!(spec.kind(), JobKind::Import);
    }
}
