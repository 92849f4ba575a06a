//! `edit-factory analyze FILE...`: what analysis finds in files, in the form scripts read.

use std::path::PathBuf;

use edit_factory::analysis::settings::WindowSettings;
use edit_factory::analysis::windows::Window;
use edit_factory::analysis::{analyze_cached, Analysed};
use edit_factory::jobs::CancelToken;
use edit_factory::library::Library;
use edit_factory::text::printable_path;
use edit_factory::user_error::UserError;
use serde::Serialize;

#[derive(Serialize)]
struct Report {
    sources: Vec<SourceReport>,
}

#[derive(Serialize)]
struct SourceReport {
    path: String,
    duration_s: f64,
    cached: bool,
    scene_cuts_s: Vec<f64>,
    integrated_lufs: Option<f32>,
    windows: Vec<Window>,
}

pub fn run(
    library: Option<&Library>,
    files: &[PathBuf],
    target: f64,
    json: bool,
) -> Result<(), UserError> {
    let cancel = CancelToken::new();
    let settings = WindowSettings::default();
    let mut sources = Vec::new();
    for file in files {
        let bar = super::output::progress_bar("analysing", json);
        let Analysed {
            analysis, cached, ..
        } = analyze_cached(library, file, &cancel, |done| {
            bar.set_position((done * 1000.0) as u64);
        })?;
        bar.finish_and_clear();
        let windows = analysis.windows(target, &settings);
        if !json {
            let usable = windows.iter().filter(|w| w.rejected.is_none()).count();
            super::output::line(&format!(
                "{}: {:.2} s, {} scene cut(s), {} window(s) ({usable} usable){}",
                printable_path(file),
                analysis.duration_s,
                analysis.scene_cuts_s.len(),
                windows.len(),
                if cached { ", from the cache" } else { "" }
            ))?;
        }
        sources.push(SourceReport {
            path: printable_path(file),
            duration_s: analysis.duration_s,
            cached,
            scene_cuts_s: analysis
                .scene_cuts_s
                .iter()
                .map(|&c| (c as f64 * 1000.0).round() / 1000.0)
                .collect(),
            integrated_lufs: analysis.integrated_lufs,
            windows,
        });
    }
    if json {
        super::output::json(&Report { sources })?;
    }
    Ok(())
}
