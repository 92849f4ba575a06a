//! Shared helpers for the engine's integration tests: where the real test media lives, and its
//! manifest.
#![allow(dead_code)]

pub mod model_host;

use std::ops::ControlFlow;
use std::path::PathBuf;

use edit_factory::import::{import_paths, ImportReport};
use edit_factory::jobs::CancelToken;
use edit_factory::library::Library;

/// `../shared/media` next to the repository, or `EDIT_FACTORY_TEST_MEDIA`.
pub fn media_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("EDIT_FACTORY_TEST_MEDIA") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/media")
}

pub fn media(rel: &str) -> PathBuf {
    media_dir().join(rel)
}

/// One row of `MANIFEST.tsv`.
#[derive(Debug, Clone)]
pub struct ManifestRow {
    pub path: String,
    pub bytes: u64,
    pub duration_s: Option<f64>,
    pub streams: String,
}

impl ManifestRow {
    pub fn has_video(&self) -> bool {
        self.streams.split('|').any(|s| s.trim().starts_with("V:"))
    }
    pub fn has_audio(&self) -> bool {
        self.streams.split('|').any(|s| s.trim().starts_with("A:"))
    }
    /// Coded size from "V:h264 1280x720 ..."
    pub fn video_size(&self) -> Option<(u32, u32)> {
        let video = self
            .streams
            .split('|')
            .find(|s| s.trim().starts_with("V:"))?;
        let dims = video.split_whitespace().nth(1)?;
        let (w, h) = dims.split_once('x')?;
        Some((w.parse().ok()?, h.parse().ok()?))
    }
    /// ffprobe's codec name of the first stream of a type ("V" or "A").
    pub fn codec(&self, kind: &str) -> Option<&str> {
        let stream = self
            .streams
            .split('|')
            .find(|s| s.trim().starts_with(&format!("{kind}:")))?;
        stream.trim()[kind.len() + 1..].split_whitespace().next()
    }
    /// The audio sample rate from "A:aac 48000Hz 2ch".
    pub fn audio_rate(&self) -> Option<u32> {
        let audio = self
            .streams
            .split('|')
            .find(|s| s.trim().starts_with("A:"))?;
        audio
            .split_whitespace()
            .find_map(|t| t.strip_suffix("Hz"))
            .and_then(|r| r.parse().ok())
    }
    /// ffprobe's display-matrix rotation ("rot=-90"), as degrees clockwise (90).
    pub fn rotation_cw(&self) -> u32 {
        self.streams
            .split_whitespace()
            .find_map(|t| t.strip_prefix("rot="))
            .and_then(|r| r.parse::<i32>().ok())
            .map_or(0, |r| (-r).rem_euclid(360) as u32)
    }
}

pub fn manifest() -> Vec<ManifestRow> {
    let text = std::fs::read_to_string(media_dir().join("MANIFEST.tsv"))
        .expect("MANIFEST.tsv of the shared test media");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            ManifestRow {
                path: cols[0].to_owned(),
                bytes: cols[1].parse().expect("bytes column"),
                duration_s: cols[4].parse().ok(),
                streams: cols[5].to_owned(),
            }
        })
        .collect()
}

/// The edit-factory binary built for these tests.
pub fn cli() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_edit-factory"))
}

/// Run ffprobe (an independent tool) and return its JSON.
pub fn ffprobe(args: &[&str], file: &std::path::Path) -> serde_json::Value {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-of", "json"])
        .args(args)
        .arg(file)
        .output()
        .expect("ffprobe (Debian ffmpeg) is installed by make");
    assert!(out.status.success(), "ffprobe failed on {}", file.display());
    serde_json::from_slice(&out.stdout).expect("ffprobe JSON")
}

/// Import `paths` into a project in this thread (no job), as the import job does.
pub fn import(library: &Library, project_id: &str, paths: &[PathBuf]) -> ImportReport {
    import_paths(
        library,
        project_id,
        paths,
        &CancelToken::new(),
        |_, _, _| ControlFlow::Continue(()),
    )
    .expect("import")
}

/// A temporary library directory and the library open in it.
pub fn temp_library() -> (tempfile::TempDir, std::sync::Arc<Library>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let library = std::sync::Arc::new(Library::open(dir.path()).expect("open library"));
    (dir, library)
}

/// Make a test file with ffmpeg (`args` then the output path).
pub fn generate(args: &[&str], out: &std::path::Path) {
    let made = std::process::Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y"])
        .args(args)
        .arg(out)
        .status()
        .unwrap();
    assert!(made.success(), "ffmpeg could not make {}", out.display());
}

/// 14 s on a grey picture: three seconds of fan-like (pink) noise alone, then JFK speaking over
/// it. (RNNoise is trained on real-world noise; flat white noise it lowers by only ~6 dB.)
pub fn speech_over_noise(out: &std::path::Path) {
    let speech = media("speech/jfk.wav");
    generate(
        &[
            "-f", "lavfi", "-i", "color=c=gray:s=320x240:d=14",
            "-f", "lavfi", "-i", "anoisesrc=d=14:c=pink:a=0.05:seed=7",
            "-i", speech.to_str().unwrap(),
            "-filter_complex", "[2:a]aresample=48000,adelay=3000|3000,apad[s];[1:a]aresample=48000[n];[n][s]amix=inputs=2:duration=first:normalize=0[a]",
            "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest",
        ],
        out,
    );
}

/// RMS level, dB, of `file`'s sound from `from` to `to` seconds (ffmpeg's astats).
pub fn rms_db(file: &std::path::Path, from: f64, to: f64) -> f64 {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-ss", &format!("{from}"), "-t"])
        .arg(format!("{}", to - from))
        .arg("-i")
        .arg(file)
        .args([
            "-af",
            "pan=mono|c0=0.5*c0+0.5*c1,astats=metadata=0",
            "-f",
            "null",
            "-",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    let value = text
        .lines()
        .rfind(|l| l.contains("RMS level dB"))
        .and_then(|l| l.rsplit(':').next())
        .map(str::trim)
        .unwrap_or_else(|| panic!("no RMS level in {text}"));
    if value == "-inf" {
        -150.0
    } else {
        value.parse().unwrap()
    }
}

/// A timeline item playing `source` from `from` to `to` seconds (at most to its end), filling the
/// frame around its centre.
pub fn item(
    source: &edit_factory::library::sources::Source,
    from: f64,
    to: f64,
) -> edit_factory::timeline::Item {
    use edit_factory::timeline::{nanos, Framing, FramingMode, Item};
    Item {
        id: edit_factory::library::new_id(),
        source_id: source.id.clone(),
        in_ns: nanos(from),
        out_ns: nanos(to.min(source.duration_s)),
        framing: Framing {
            mode: FramingMode::Fill,
            focus_x: 0.5,
            focus_y: 0.5,
            zoom: 1.0,
        },
        volume: 1.0,
    }
}

/// One frame of `file` at `at_s` seconds as raw pixels of `pix_fmt` (ffmpeg's names: `gray`,
/// `rgb24`), through the ffmpeg filter `filter` when given.
pub fn raw_frame(
    file: &std::path::Path,
    at_s: f64,
    pix_fmt: &str,
    filter: Option<&str>,
) -> Vec<u8> {
    let mut command = std::process::Command::new("ffmpeg");
    command
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-ss",
            &format!("{at_s}"),
            "-i",
        ])
        .arg(file)
        .args(["-frames:v", "1"]);
    if let Some(filter) = filter {
        command.args(["-vf", filter]);
    }
    succeeded(command.args(["-f", "rawvideo", "-pix_fmt", pix_fmt, "-"])).stdout
}

/// Run `command` (an installed tool), failing the test with its error output unless it succeeds.
pub fn succeeded(command: &mut std::process::Command) -> std::process::Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The silences ffmpeg's silencedetect finds in `file`'s sound (quieter than `noise_db` dB for at
/// least `min_s` seconds): start and end, seconds; the end of a silence running to the end of the
/// file is infinite.
pub fn silences(file: &std::path::Path, noise_db: f64, min_s: f64) -> Vec<(f64, f64)> {
    let out = succeeded(
        std::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-nostats", "-i"])
            .arg(file)
            .args(["-af", &format!("silencedetect=n={noise_db}dB:d={min_s}")])
            .args(["-f", "null", "-"]),
    );
    let text = String::from_utf8_lossy(&out.stderr);
    let value = |line: &str, key: &str| -> Option<f64> {
        line.split(key)
            .nth(1)?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    let starts: Vec<f64> = text
        .lines()
        .filter_map(|l| value(l, "silence_start: "))
        .collect();
    let ends: Vec<f64> = text
        .lines()
        .filter_map(|l| value(l, "silence_end: "))
        .collect();
    starts
        .into_iter()
        .zip(ends.into_iter().chain(std::iter::repeat(f64::INFINITY)))
        .collect()
}
