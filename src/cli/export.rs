//! `edit-factory export` and `preset list`.

use std::path::Path;

use edit_factory::jobs::CancelToken;
use edit_factory::library::{parse_id, Library};
use edit_factory::render;
use edit_factory::text::printable_path;
use edit_factory::timeline::Timeline;
use edit_factory::user_error::UserError;
use indicatif::{ProgressBar, ProgressStyle};

pub fn presets(library: &Library, json: bool) -> Result<(), UserError> {
    let all = library.presets()?;
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

/// What `preset add` may change in the preset it starts from.
pub struct PresetChanges {
    pub label: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<u32>,
    pub crf: Option<u32>,
    pub max_kbps: Option<u32>,
    pub speed: Option<String>,
    pub audio_kbps: Option<u32>,
    pub loudness: Option<f64>,
    pub true_peak: Option<f64>,
}

pub fn add_preset(
    library: &Library,
    name: &str,
    from: &str,
    changes: PresetChanges,
) -> Result<(), UserError> {
    let mut preset = library
        .preset(from)?
        .ok_or(render::RenderError::UnknownPreset(from.to_owned()))?;
    preset.name = name.to_owned();
    preset.label = changes.label.unwrap_or_else(|| name.to_owned());
    preset.width = changes.width.unwrap_or(preset.width);
    preset.height = changes.height.unwrap_or(preset.height);
    if let Some(fps) = changes.fps {
        preset.fps_num = i32::try_from(fps).unwrap_or(i32::MAX);
        preset.fps_den = 1;
    }
    preset.crf = changes.crf.unwrap_or(preset.crf);
    preset.max_kbps = changes.max_kbps.unwrap_or(preset.max_kbps);
    preset.speed = changes.speed.unwrap_or(preset.speed);
    preset.audio_kbps = changes.audio_kbps.unwrap_or(preset.audio_kbps);
    preset.loudness_lufs = changes.loudness.unwrap_or(preset.loudness_lufs);
    preset.true_peak_dbtp = changes.true_peak.unwrap_or(preset.true_peak_dbtp);
    library.add_preset(&preset)?;
    super::output::line(&format!("saved preset {name} (based on {from})"))
}

pub fn encoders(json: bool) -> Result<(), UserError> {
    let found = render::encoders::probe();
    if json {
        return super::output::json(&found);
    }
    for e in found {
        super::output::line(&format!("{:<16} {}", e.name, e.label))?;
    }
    Ok(())
}

/// An encoder the user named, once it has proved to work here.
pub fn usable_encoder(name: &str) -> Result<&str, UserError> {
    if name == render::encoders::X264 || render::encoders::probe().iter().any(|e| e.name == name) {
        return Ok(name);
    }
    Err(UserError::new(
        format!("the encoder {name:?} is not available on this machine"),
        Some("list the ones that work with `edit-factory encoders`"),
    ))
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    library: &Library,
    timeline: Option<&Path>,
    clip: Option<&str>,
    preset_name: &str,
    encoder: &str,
    out: &Path,
    overwrite: bool,
    json: bool,
) -> Result<(), UserError> {
    let encoder = usable_encoder(encoder)?;
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
    let preset = library
        .preset(preset_name)?
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
        encoder,
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
    let sound = match (report.integrated_lufs, report.true_peak_dbtp) {
        (Some(lufs), Some(peak)) => format!("{lufs:.1} LUFS, {peak:.1} dBTP"),
        (Some(lufs), None) => format!("{lufs:.1} LUFS"),
        (None, _) => "silent".to_owned(),
    };
    super::output::line(&format!(
        "{}  {:.2} s  {}×{} {:.0} fps  {}  ({})",
        printable_path(Path::new(&report.path)),
        report.duration_s,
        report.width,
        report.height,
        report.fps,
        sound,
        report.encoder
    ))
}
