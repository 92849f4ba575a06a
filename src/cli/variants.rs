//! `edit-factory variants PROJECT_ID`: analyse what is not analysed yet, then build and save the
//! project's variants.

use edit_factory::analysis::selection::Mode;
use edit_factory::analysis::variants::{generate, unanalysed, VariantRequest};
use edit_factory::jobs::{JobQueue, JobStatus};
use edit_factory::user_error::UserError;
use serde::Serialize;

#[derive(Serialize)]
struct Report {
    variants: Vec<VariantReport>,
    overlap: Vec<Vec<f64>>,
    notes: Vec<String>,
}

#[derive(Serialize)]
struct VariantReport {
    clip_id: String,
    duration_s: f64,
    segments: Vec<Segment>,
}

#[derive(Serialize)]
struct Segment {
    source: String,
    start_s: f64,
    end_s: f64,
    focus_x: f64,
}

pub fn run(
    queue: &JobQueue,
    project_id: &str,
    count: usize,
    target: Option<f64>,
    mode: Mode,
    seed: u64,
    json: bool,
) -> Result<(), UserError> {
    let library = queue.library();
    let target_s = match target {
        Some(t) => t,
        None => library.project(project_id)?.target_duration_s,
    };
    analyse_missing(queue, project_id, !json)?;
    let request = VariantRequest {
        count,
        target_s,
        mode,
        seed,
    };
    let (made, clips) = generate(library, project_id, &request)?;
    let new_clips = &clips[clips.len() - made.variants.len()..];
    let report = Report {
        variants: made
            .variants
            .iter()
            .zip(new_clips)
            .map(|(picks, clip)| VariantReport {
                clip_id: clip.id.clone(),
                duration_s: picks.iter().map(|p| p.end_s - p.start_s).sum(),
                segments: picks
                    .iter()
                    .map(|p| Segment {
                        source: p.source_id.clone(),
                        start_s: (p.start_s * 1000.0).round() / 1000.0,
                        end_s: (p.end_s * 1000.0).round() / 1000.0,
                        focus_x: (p.focus_x * 1000.0).round() / 1000.0,
                    })
                    .collect(),
            })
            .collect(),
        overlap: made.overlap,
        notes: made.notes,
    };
    if json {
        return super::output::json(&report);
    }
    for (i, v) in report.variants.iter().enumerate() {
        super::output::line(&format!(
            "variant {}  {:>5.1} s  {} piece(s)  {}",
            i + 1,
            v.duration_s,
            v.segments.len(),
            v.clip_id
        ))?;
    }
    for note in &report.notes {
        super::output::line(&format!("note: {note}"))?;
    }
    Ok(())
}

/// Analyse the project's sources that are not analysed yet, as jobs run here.
pub fn analyse_missing(
    queue: &JobQueue,
    project_id: &str,
    show_bars: bool,
) -> Result<(), UserError> {
    let library = queue.library();
    let missing = unanalysed(library, project_id)?;
    if !missing.is_empty() {
        let ids = missing
            .iter()
            .map(|s| {
                queue
                    .enqueue_analysis(&s.id, Some(project_id))
                    .map(|j| j.id)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ended = super::jobs::run_foreground(queue, &ids, show_bars)?;
        if let Some(failed) = ended.iter().find(|j| j.status != JobStatus::Succeeded) {
            return Err(UserError::new(
                format!(
                    "analysis {} {}: {}",
                    failed.id,
                    failed.status,
                    failed.error_message.as_deref().unwrap_or("no detail")
                ),
                Some("see `edit-factory jobs list`; fix or remove the source, then try again"),
            ));
        }
    }
    Ok(())
}
