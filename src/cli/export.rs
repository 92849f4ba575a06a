//! `edit-factory export` and `preset list`.

use std::path::Path;

use edit_factory::jobs::CancelToken;
use edit_factory::library::{parse_id, Library};
use edit_factory::render::{self, preset};
use edit_factory::text::printable_path;
use edit_factory::timeline::Timeline;
use edit_factory::user_error::UserError;
use indicatif::{ProgressBar, ProgressStyle};

pub fn presets(json: bool) -> Result<(), UserError> {
    let all = preset::builtins();
    if json {
        return super::output::json(&all);
    }
    for p in all {
        super::output::line(&format!(
            "{:<16} {}×{} {} fps  CRF {} (max {} kbit/s)  {:.0} LUFS  {}",
            p.name,
            p.width,
            p.height,
            p.fps(),
            p.crf,
            p.max_kbps,
            p.loudness_lufs,
            p.label
        ))?;
    }
    Ok(())
}

pub fn run(
    library: &Library,
    timeline: Option<&Path>,
    clip: Option<&str>,
    preset_name: &str,
    out: &Path,
    overwrite: bool,
    json: bool,
) -> Result<(), UserError> {
    let timeline = match (timeline, clip) {
        (Some(file), _) => {
            let text = std::fs::read_to_string(file).map_err(|e| {
                UserError::new(
                    format!("{}: {e}", printable_path(file)),
                    Some("give the path of a timeline JSON file"),
                )
            })?;
            Timeline::from_json(&text).map_err(|e| UserError::new(e.to_string(), None))?
        }
        (None, Some(id)) => library.clip(&parse_id(id)?)?.timeline,
        (None, None) => {
            return Err(UserError::new(
                "say what to export: --timeline FILE.json or --clip ID",
                None,
            ))
        }
    };
    let preset = preset::builtin(preset_name)
        .ok_or(render::RenderError::UnknownPreset(preset_name.to_owned()))?;
    if out.exists() && !overwrite {
        return Err(UserError::new(
            format!("{} exists already", printable_path(out)),
            Some("choose another name, or add --overwrite to replace it"),
        ));
    }
    let length = edit_factory::timeline::seconds(timeline.duration_ns());
    for problem in preset.limit_problems(length) {
        eprintln!("warning: {}", edit_factory::text::printable(&problem));
    }
    let out = std::path::absolute(out).map_err(|e| UserError::new(e.to_string(), None))?;
    let bar = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(1000)
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix:>14} [{bar:30}] {percent:>3}%  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix("exporting");
    let report = render::export(
        library,
        &timeline,
        &preset,
        &out,
        &CancelToken::new(),
        |f, step| {
            bar.set_position((f * 1000.0) as u64);
            bar.set_message(step.to_owned());
        },
    )?;
    bar.finish_and_clear();
    if json {
        return super::output::json(&report);
    }
    super::output::line(&format!(
        "{}  {:.2} s  {}×{} {:.0} fps  {} LUFS, {} dBTP  ({})",
        printable_path(Path::new(&report.path)),
        report.duration_s,
        report.width,
        report.height,
        report.fps,
        report
            .integrated_lufs
            .map_or("silent".into(), |l| format!("{l:.1}")),
        report
            .true_peak_dbtp
            .map_or("-".into(), |t| format!("{t:.1}")),
        report.encoder
    ))
}
