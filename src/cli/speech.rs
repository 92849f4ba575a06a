//! `transcribe`, `vad`, `silence`, `model …` and `captions convert`: the speech features from the
//! command line, in the forms scripts (and the held-out checks) read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use edit_factory::app_dirs;
use edit_factory::captions::files::{self, Format};
use edit_factory::captions::{cues, CaptionStyle, CuePreset};
use edit_factory::jobs::budget::{CpuBudget, CpuSlots};
use edit_factory::jobs::CancelToken;
use edit_factory::speech::file::{self as speech_file, Progress};
use edit_factory::speech::models::{DownloadRequest, ModelStore, CATALOGUE};
use edit_factory::speech::silence::{self, SilenceSettings};
use edit_factory::speech::{SpeechError, TranscribeSettings, VadSettings};
use edit_factory::text::printable_path;
use edit_factory::timeline::{nanos, Captions, Word};
use edit_factory::user_error::UserError;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::output;

fn bar(prefix: &'static str, hidden: bool) -> ProgressBar {
    output::progress_bar(prefix, hidden)
}

fn progress_of(bar: &ProgressBar) -> Progress {
    let bar = bar.clone();
    Arc::new(move |f: f64| bar.set_position((f.clamp(0.0, 1.0) * 1000.0) as u64))
}

pub fn model_store() -> Result<ModelStore, UserError> {
    Ok(ModelStore::new(&app_dirs::models_dir()?))
}

/// CPU slots for speech work: as many as are free (at least one, waiting for it).
fn cpu_slots(cancel: &CancelToken) -> Result<CpuSlots, UserError> {
    let budget = CpuBudget::for_this_machine(&app_dirs::cpu_budget_dir()?)?;
    budget
        .acquire_up_to(budget.slots(), cancel)?
        .ok_or_else(|| UserError::new("stopped: cancelled", None))
}

/// `--model`: a model file, or the name of an installed one; the preferred installed one if absent.
pub fn model_path(model: Option<&str>) -> Result<PathBuf, UserError> {
    let store = model_store()?;
    match model {
        Some(given) if Path::new(given).is_file() => Ok(PathBuf::from(given)),
        Some(name) => match store.find(name) {
            Ok((_, path)) => Ok(path),
            Err(SpeechError::UnknownModel { .. }) if name.contains(['/', '\\']) => {
                Err(UserError::new(
                    format!("{name}: file not found"),
                    Some("check the model's path"),
                ))
            }
            Err(e) => Err(e.into()),
        },
        None => Ok(store.preferred()?.1),
    }
}

#[derive(Serialize)]
struct JsonWord<'a> {
    word: &'a str,
    start_s: f64,
    end_s: f64,
    p: f32,
}

#[derive(Serialize)]
struct JsonTranscript<'a> {
    words: Vec<JsonWord<'a>>,
    text: &'a str,
    language: &'a str,
}

pub struct TranscribeArgs<'a> {
    pub file: &'a Path,
    pub model: Option<&'a str>,
    pub language: Option<&'a str>,
    pub format: &'a str,
    pub preset: &'a str,
    pub out: &'a Path,
}

pub fn transcribe(args: TranscribeArgs) -> Result<(), UserError> {
    let format = Format::parse(args.format).ok_or_else(|| {
        UserError::new(
            format!("{:?} is not a transcript format", args.format),
            Some("use srt, vtt, ass, json or csv"),
        )
    })?;
    let preset = cue_preset(args.preset)?;
    let model = model_path(args.model)?;
    let cancel = CancelToken::new();
    let slots = cpu_slots(&cancel)?;
    let settings = TranscribeSettings {
        language: args.language.map(str::to_owned),
        threads: slots.threads(),
    };
    let bar = bar("transcribing", false);
    let (_, transcript) =
        speech_file::transcribe(args.file, &model, &settings, &cancel, progress_of(&bar))?;
    bar.finish_and_clear();
    drop(slots);
    let text = match format {
        Format::Json => {
            let json = JsonTranscript {
                words: transcript
                    .words
                    .iter()
                    .map(|w| JsonWord {
                        word: &w.word,
                        start_s: w.start_s,
                        end_s: w.end_s,
                        p: w.p,
                    })
                    .collect(),
                text: &transcript.text,
                language: &transcript.language,
            };
            serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
        }
        other => {
            let words: Vec<Word> = transcript
                .words
                .iter()
                .map(|w| Word {
                    text: w.word.clone(),
                    start: nanos(w.start_s),
                    end: nanos(w.end_s),
                })
                .collect();
            let captions = Captions {
                cues: cues::build(&words, preset),
                style: CaptionStyle::default(),
            };
            files::write(&captions, other, 1080, 1920)
        }
    };
    write_out(args.out, &text)?;
    output::line(&format!(
        "{}: {} words ({}) → {}",
        printable_path(args.file),
        transcript.words.len(),
        transcript.language,
        printable_path(args.out)
    ))
}

fn write_out(path: &Path, text: &str) -> Result<(), UserError> {
    edit_factory::fsutil::write_atomic(path, text.as_bytes())
        .map(|_| ())
        .map_err(|e| {
            UserError::new(
                format!("could not write {}: {e}", printable_path(path)),
                Some("choose a writable folder with free space"),
            )
        })
}

fn cue_preset(name: &str) -> Result<CuePreset, UserError> {
    CuePreset::parse(name).ok_or_else(|| {
        UserError::new(
            format!("{name:?} is not a caption preset"),
            Some("use tiktok (1 word), shorts (2), standard (3) or sentence"),
        )
    })
}

pub struct VadArgs<'a> {
    pub file: &'a Path,
    pub threshold: f32,
    pub min_speech: f64,
    pub min_silence: f64,
    pub json: bool,
}

fn checked(problems: Vec<String>) -> Result<(), UserError> {
    match problems.first() {
        None => Ok(()),
        Some(_) => Err(UserError::new(problems.join("; "), None)),
    }
}

pub fn vad(args: VadArgs) -> Result<(), UserError> {
    let settings = VadSettings {
        threshold: args.threshold,
        min_speech_s: args.min_speech,
        min_silence_s: args.min_silence,
        ..VadSettings::default()
    };
    checked(settings.problems())?;
    let cancel = CancelToken::new();
    let bar = bar("listening", args.json);
    let heard = speech_file::hear(args.file, None, &settings, &cancel, &progress_of(&bar), 1.0)?;
    bar.finish_and_clear();
    if args.json {
        return output::json(&serde_json::json!({
            "speech": heard.speech,
            "duration_s": (heard.audio.duration_s() * 1000.0).round() / 1000.0,
        }));
    }
    for span in &heard.speech {
        output::line(&format!("{:9.3}  {:9.3}", span.start_s, span.end_s))?;
    }
    let speech: f64 = heard.speech.iter().map(|s| s.duration_s()).sum();
    output::line(&format!(
        "{} stretch(es) of speech, {speech:.1} s of {:.1} s",
        heard.speech.len(),
        heard.audio.duration_s()
    ))
}

pub fn silence(file: &Path, min_silence: f64, padding: f64, json: bool) -> Result<(), UserError> {
    let settings = SilenceSettings {
        min_silence_s: min_silence,
        padding_s: padding,
    };
    checked(settings.problems())?;
    let cancel = CancelToken::new();
    let bar = bar("listening", json);
    let heard = speech_file::hear(
        file,
        None,
        &VadSettings::default(),
        &cancel,
        &progress_of(&bar),
        1.0,
    )?;
    bar.finish_and_clear();
    let report = silence::keep(&heard.speech, heard.audio.duration_s(), &settings);
    if json {
        return output::json(&report);
    }
    for span in &report.keep {
        output::line(&format!("keep {:9.3}  {:9.3}", span.start_s, span.end_s))?;
    }
    output::line(&format!(
        "{:.2} s → {:.2} s: {:.2} s of silence removed, {} segment(s) kept",
        report.original_s, report.new_s, report.removed_s, report.segments
    ))
}

pub fn convert(input: &Path, out: &Path) -> Result<(), UserError> {
    let cues = files::read(input)?;
    let count = cues.len();
    let captions = Captions {
        cues,
        style: CaptionStyle::default(),
    };
    files::save(&captions, out, 1080, 1920)?;
    output::line(&format!(
        "{count} cue(s): {} → {}",
        printable_path(input),
        printable_path(out)
    ))
}

pub fn models_list(json: bool) -> Result<(), UserError> {
    let store = model_store()?;
    let installed = store.list()?;
    if json {
        return output::json(&serde_json::json!({
            "dir": printable_path(store.dir()),
            "installed": installed,
            "catalogue": CATALOGUE,
        }));
    }
    output::line(&format!("models folder: {}", printable_path(store.dir())))?;
    if installed.is_empty() {
        output::line("no model installed")?;
    }
    for model in &installed {
        output::line(&format!(
            "installed  {:<16} {:>5} MB  {}{}",
            model.name,
            model.size_bytes / 1_000_000,
            model.shape.size,
            if model.shape.english_only {
                ", English only"
            } else {
                ""
            }
        ))?;
    }
    for model in CATALOGUE {
        output::line(&format!(
            "available  {:<16} {:>5} MB  {}{}",
            model.name,
            model.size_mb,
            model.note,
            if model.recommended {
                " (recommended)"
            } else {
                ""
            }
        ))?;
    }
    Ok(())
}

pub fn model_import(file: &Path, name: Option<&str>) -> Result<(), UserError> {
    let model = model_store()?.import(file, name)?;
    output::line(&format!("installed {} ({})", model.name, model.shape.size))
}

pub fn model_download(
    name: &str,
    url: Option<&str>,
    base_url: Option<&str>,
    sha256: Option<&str>,
    size: Option<u64>,
) -> Result<(), UserError> {
    let mut request = DownloadRequest::catalogue(name, base_url);
    if let Some(url) = url {
        request.url = url.to_owned();
    }
    request.sha256 = sha256.map(str::to_owned);
    request.size = size;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>14} [{bar:30}] {bytes}/{total_bytes}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix("downloading");
    let model = model_store()?.download(&request, &CancelToken::new(), |done, total| {
        if let Some(total) = total {
            bar.set_length(total);
        }
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    output::line(&format!(
        "installed {} ({}, {} MB)",
        model.name,
        model.shape.size,
        model.size_bytes / 1_000_000
    ))
}

pub fn model_remove(name: &str) -> Result<(), UserError> {
    model_store()?.remove(name)?;
    output::line(&format!("removed {name}"))
}
