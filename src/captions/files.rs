//! Caption files out: SRT, WebVTT, ASS (with the style), JSON (cues with word times) and CSV; and
//! `convert`, which reads SRT or VTT and writes any of them. Writing what was read gives the same
//! bytes back for files in the canonical form these writers produce.

use std::path::Path;

use serde::Serialize;

use super::parse::{self, ParseErrors};
use crate::timeline::{seconds, Captions, Cue, Nanos};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Srt,
    Vtt,
    Ass,
    Json,
    Csv,
}

impl Format {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.to_ascii_lowercase().as_str() {
            "srt" => Self::Srt,
            "vtt" => Self::Vtt,
            "ass" => Self::Ass,
            "json" => Self::Json,
            "csv" => Self::Csv,
            _ => return None,
        })
    }

    pub fn of_path(path: &Path) -> Option<Self> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Self::parse)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CaptionFileError {
    #[error("{path}: {errors}")]
    Malformed { path: String, errors: ParseErrors },
    #[error("{path}: captions are read from .srt or .vtt files")]
    NotReadable { path: String },
    #[error("{path}: captions are written as .srt, .vtt, .ass, .json or .csv")]
    NotWritable { path: String },
    #[error("could not read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl CaptionFileError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Malformed { .. } => Some("fix the lines named, then import the file again"),
            Self::NotReadable { .. } | Self::NotWritable { .. } => {
                Some("give the file the extension of its format")
            }
            Self::Read { .. } => Some("check the path and the file's permissions"),
            Self::Write { .. } => Some("free some space or choose a writable folder"),
        }
    }
}

fn clock(ns: Nanos, separator: char) -> String {
    let ms = (ns.max(0) + 500_000) / 1_000_000;
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    format!("{h:02}:{m:02}:{s:02}{separator}{ms:03}")
}

pub fn srt(cues: &[Cue]) -> String {
    let mut out = String::new();
    for (i, cue) in cues.iter().enumerate() {
        out.push_str(&format!(
            "{}\n{} --> {}\n{}\n\n",
            i + 1,
            clock(cue.start, ','),
            clock(cue.end, ','),
            cue.text
        ));
    }
    out
}

pub fn vtt(cues: &[Cue]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for cue in cues {
        out.push_str(&format!(
            "{} --> {}\n{}\n\n",
            clock(cue.start, '.'),
            clock(cue.end, '.'),
            cue.text
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonWord<'a> {
    text: &'a str,
    start_s: f64,
    end_s: f64,
}

#[derive(Serialize)]
struct JsonCue<'a> {
    start_s: f64,
    end_s: f64,
    text: &'a str,
    words: Vec<JsonWord<'a>>,
}

pub fn json(cues: &[Cue]) -> String {
    let cues: Vec<JsonCue> = cues
        .iter()
        .map(|c| JsonCue {
            start_s: seconds(c.start),
            end_s: seconds(c.end),
            text: &c.text,
            words: c
                .words
                .iter()
                .map(|w| JsonWord {
                    text: &w.text,
                    start_s: seconds(w.start),
                    end_s: seconds(w.end),
                })
                .collect(),
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "cues": cues })).unwrap_or_default() + "\n"
}

pub fn csv(cues: &[Cue]) -> String {
    let mut out = String::from("start_s,end_s,text\n");
    for cue in cues {
        let text = cue.text.replace('"', "\"\"");
        out.push_str(&format!(
            "{:.3},{:.3},\"{text}\"\n",
            seconds(cue.start),
            seconds(cue.end)
        ));
    }
    out
}

/// `captions` in `format`; ASS is drawn for a `width`×`height` output.
pub fn write(captions: &Captions, format: Format, width: u32, height: u32) -> String {
    match format {
        Format::Srt => srt(&captions.cues),
        Format::Vtt => vtt(&captions.cues),
        Format::Ass => super::ass::file(captions, width, height),
        Format::Json => json(&captions.cues),
        Format::Csv => csv(&captions.cues),
    }
}

/// Read an SRT or VTT file.
pub fn read(path: &Path) -> Result<Vec<Cue>, CaptionFileError> {
    let shown = crate::text::printable_path(path);
    let parser = match Format::of_path(path) {
        Some(Format::Srt) => parse::srt,
        Some(Format::Vtt) => parse::vtt,
        _ => return Err(CaptionFileError::NotReadable { path: shown }),
    };
    let bytes = std::fs::read(path).map_err(|source| CaptionFileError::Read {
        path: shown.clone(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    parser(&text).map_err(|errors| CaptionFileError::Malformed {
        path: shown,
        errors,
    })
}

/// Write `captions` to `path` in the format its extension names, crash-safely.
pub fn save(
    captions: &Captions,
    path: &Path,
    width: u32,
    height: u32,
) -> Result<(), CaptionFileError> {
    let shown = crate::text::printable_path(path);
    let format = Format::of_path(path).ok_or(CaptionFileError::NotWritable {
        path: shown.clone(),
    })?;
    crate::fsutil::write_atomic(path, write(captions, format, width, height).as_bytes())
        .map(|_| ())
        .map_err(|source| CaptionFileError::Write {
            path: shown,
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::{csv, srt, vtt};
    use crate::captions::parse;

    #[test]
    fn srt_and_vtt_round_trip_byte_for_byte() {
        let text = "1\n00:00:00,320 --> 00:00:01,950\nAnd so, my fellow\n\n2\n00:00:02,000 --> 00:01:03,005\nAmericans,\nask not\n\n";
        let cues = parse::srt(text).unwrap();
        assert_eq!(srt(&cues), text);
        let as_vtt = vtt(&cues);
        assert_eq!(vtt(&parse::vtt(&as_vtt).unwrap()), as_vtt);
        assert_eq!(srt(&parse::vtt(&as_vtt).unwrap()), text);
        assert!(csv(&cues).contains("0.320,1.950,\"And so, my fellow\""));
    }
}
