//! `edit-factory short FILE...`: the main job, headless. Import the files into a new project,
//! analyse them, build N variants and export each as a checked file, all as jobs (so they share
//! the CPU budget and show in the app's jobs panel), then print one line per output.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use edit_factory::analysis::selection::Mode;
use edit_factory::analysis::variants::{generate, VariantRequest};
use edit_factory::jobs::{JobOutcome, JobQueue, JobSpec, JobStatus, NewJob};
use edit_factory::library::Library;
use edit_factory::render;
use edit_factory::text::{printable, printable_path};
use edit_factory::timeline::AudioMode;
use edit_factory::user_error::UserError;
use serde::Serialize;

use super::short_speech::SpeechOptions;

pub struct ShortArgs {
    pub files: Vec<PathBuf>,
    pub target: f64,
    pub variants: usize,
    pub preset: String,
    pub encoder: String,
    pub out: PathBuf,
    pub overwrite: bool,
    pub json: bool,
    pub captions: bool,
    pub mute_voice: bool,
    pub duck_voice: bool,
    pub remove_silence: bool,
    pub denoise: bool,
}

#[derive(Serialize)]
struct Report {
    project_id: String,
    outputs: Vec<Output>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct Output {
    variant: u32,
    clip_id: String,
    path: String,
    duration_s: f64,
    integrated_lufs: Option<f64>,
    true_peak_dbtp: Option<f64>,
    encoder: String,
}

/// A project name from the first file, made unique among the profile's projects.
fn project_name(library: &Library, profile_id: &str, first: &Path) -> Result<String, UserError> {
    let stem = first
        .file_stem()
        .map(|s| s.to_string_lossy().trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "short".to_owned());
    let taken: Vec<String> = library
        .projects(profile_id)?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let mut name = stem.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{stem} {n}");
        n += 1;
    }
    Ok(name)
}

pub fn run(library: Library, args: ShortArgs) -> Result<(), UserError> {
    let speech = SpeechOptions {
        captions: args.captions,
        voice: if args.mute_voice {
            Some(AudioMode::Mute)
        } else if args.duck_voice {
            Some(AudioMode::Duck)
        } else {
            None
        },
        remove_silence: args.remove_silence,
    };
    let model = super::short_speech::check(&speech)?;
    if !(1..=10).contains(&args.variants) {
        return Err(UserError::new(
            format!("--variants must be 1 to 10, not {}", args.variants),
            None,
        ));
    }
    let preset = library
        .preset(&args.preset)?
        .ok_or(render::RenderError::UnknownPreset(args.preset.clone()))?;
    let encoder = super::export::usable_encoder(&args.encoder)?.to_owned();
    for problem in preset.limit_problems(args.target) {
        eprintln!("warning: {}", printable(&problem));
    }
    std::fs::create_dir_all(&args.out).map_err(|e| {
        UserError::new(
            format!("could not create {}: {e}", printable_path(&args.out)),
            Some("choose a folder you can write to"),
        )
    })?;
    let out_dir =
        std::path::absolute(&args.out).map_err(|e| UserError::new(e.to_string(), None))?;
    let files = super::job_paths(&args.files)?;
    let show_bars = !args.json;

    let profile = library.default_profile()?;
    let name = project_name(&library, &profile.id, &files[0])?;
    let project = library.create_project(&profile.id, &name, Some(args.target))?;
    let queue = JobQueue::new(Arc::new(library));
    let library = queue.library();

    let imported = super::jobs::enqueue_and_run(
        &queue,
        &NewJob::import(&project.id, &files),
        false,
        show_bars,
    )?;
    let mut notes = Vec::new();
    if let Some(JobOutcome::Import(report)) = imported {
        for failed in &report.failed {
            notes.push(format!(
                "{} was not imported: {}",
                printable(&failed.path),
                printable(&failed.message)
            ));
        }
        if report.imported.is_empty() {
            return Err(UserError::new(
                "none of the files could be imported",
                Some("check that they are video files this machine can decode (`edit-factory probe FILE`)"),
            ));
        }
    }

    super::variants::analyse_missing(&queue, &project.id, show_bars)?;
    let request = VariantRequest {
        count: args.variants,
        target_s: args.target,
        mode: Mode::Auto,
        seed: 0,
    };
    let (made, mut all_clips) = generate(library, &project.id, &request)?;
    let first_new = all_clips.len().saturating_sub(made.variants.len());
    let clips = &mut all_clips[first_new..];
    notes.extend(made.notes);
    if speech.any() {
        notes.extend(super::short_speech::apply_to(
            &queue,
            &project.id,
            clips,
            &speech,
            model.as_deref(),
            show_bars,
        )?);
    }
    if args.denoise {
        for clip in clips.iter_mut() {
            *clip = edit_factory::speech::clip::set_denoise(library, clip, true)?;
        }
    }
    let clips = &*clips;

    let planned: Vec<_> = clips
        .iter()
        .map(|clip| {
            let path = out_dir.join(render::output_name(
                &project.name,
                clip.variant_index,
                &preset.name,
            ));
            (clip, path)
        })
        .collect();
    let existing: Vec<String> = planned
        .iter()
        .filter(|(_, path)| path.exists())
        .map(|(_, path)| printable_path(path))
        .collect();
    if !existing.is_empty() && !args.overwrite {
        return Err(UserError::new(
            format!("{} exist(s) already", existing.join(", ")),
            Some("choose another --out folder, or add --overwrite to replace them"),
        ));
    }
    let mut ids = Vec::new();
    for (clip, path) in &planned {
        let spec = JobSpec::Export {
            clip_id: clip.id.clone(),
            preset: preset.name.clone(),
            out_path: path.display().to_string(),
            encoder: Some(encoder.clone()),
        };
        ids.push(queue.enqueue(&NewJob::new(spec, Some(&project.id)))?.id);
    }
    let ended = super::jobs::run_foreground(&queue, &ids, show_bars)?;

    let mut outputs = Vec::new();
    let mut failures = Vec::new();
    for (job, (clip, _)) in ended.iter().zip(&planned) {
        match (&job.status, &job.result) {
            (JobStatus::Succeeded, Some(JobOutcome::Export(report))) => outputs.push(Output {
                variant: clip.variant_index,
                clip_id: clip.id.clone(),
                path: report.path.clone(),
                duration_s: report.duration_s,
                integrated_lufs: report.integrated_lufs,
                true_peak_dbtp: report.true_peak_dbtp,
                encoder: report.encoder.clone(),
            }),
            _ => failures.push(format!(
                "variant {} {}: {}",
                clip.variant_index,
                job.status,
                printable(job.error_message.as_deref().unwrap_or("no detail"))
            )),
        }
    }
    let report = Report {
        project_id: project.id.clone(),
        outputs,
        notes,
    };
    if args.json {
        super::output::json(&report)?;
    } else {
        for o in &report.outputs {
            super::output::line(&format!(
                "{}  {:.2} s  {}",
                printable_path(Path::new(&o.path)),
                o.duration_s,
                o.integrated_lufs
                    .map_or("silent".to_owned(), |l| format!("{l:.1} LUFS"))
            ))?;
        }
        for note in &report.notes {
            eprintln!("note: {}", printable(note));
        }
    }
    if !failures.is_empty() {
        return Err(UserError::new(
            format!(
                "{} of {} export(s) failed: {}",
                failures.len(),
                planned.len(),
                failures.join("; ")
            ),
            Some("see `edit-factory jobs list`; retry a failed export with `edit-factory jobs retry ID`"),
        ));
    }
    Ok(())
}
