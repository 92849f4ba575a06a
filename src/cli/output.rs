//! How the CLI prints things.

use std::io::Write;

use edit_factory::import::{ImportOutcome, ImportReport};
use edit_factory::library::profiles::Profile;
use edit_factory::library::projects::Project;
use edit_factory::library::segments::Segment;
use edit_factory::library::sources::Source;
use edit_factory::media::MediaInfo;
use edit_factory::text::printable;
use serde::Serialize;

use super::Failure;

pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(format!("could not encode JSON: {e}"), None))?;
    line(&text)
}

pub fn line(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .map_err(|e| Failure::new(format!("could not write the output: {e}"), None))
}

fn duration(seconds: f64) -> String {
    let total = seconds.max(0.0);
    let minutes = (total / 60.0).floor();
    format!("{}:{:05.2}", minutes as u64, total - minutes * 60.0)
}

pub fn probe(info: &MediaInfo, as_json: bool) -> Result<(), Failure> {
    if as_json {
        return json(info);
    }
    let mut text = format!("{}\n  duration  {}", info.path, duration(info.duration_s));
    if let (Some(w), Some(h)) = (info.width, info.height) {
        text += &format!(
            "\n  video     {} {w}x{h}, {} fps{}{}",
            info.video_codec.as_deref().unwrap_or("?"),
            info.fps.map_or("?".into(), |f| format!("{f:.3}")),
            if info.rotation != 0 {
                format!(", rotated {}°", info.rotation)
            } else {
                String::new()
            },
            if info.is_vfr {
                ", variable frame rate"
            } else {
                ""
            },
        );
    }
    match &info.audio_codec {
        Some(codec) => {
            text += &format!(
                "\n  audio     {codec} {} Hz, {} ch",
                info.audio_sample_rate.unwrap_or(0),
                info.audio_channels.unwrap_or(0)
            )
        }
        None => text += "\n  audio     none",
    }
    line(&text)
}

pub fn projects(projects: &[Project], as_json: bool) -> Result<(), Failure> {
    if as_json {
        return json(projects);
    }
    if projects.is_empty() {
        return line("no projects yet: create one with `edit-factory project create NAME`");
    }
    for p in projects {
        line(&format!(
            "{}  {:<30}  {:>3} sources  target {:>4.0} s  {}",
            p.id,
            printable(&p.name),
            p.source_count,
            p.target_duration_s,
            p.status.as_str()
        ))?;
    }
    Ok(())
}

pub fn profiles(profiles: &[Profile], as_json: bool) -> Result<(), Failure> {
    if as_json {
        return json(profiles);
    }
    for p in profiles {
        line(&format!(
            "{}  {}{}",
            p.id,
            printable(&p.name),
            if p.is_default { "  (default)" } else { "" }
        ))?;
    }
    Ok(())
}

pub fn sources(sources: &[Source], as_json: bool) -> Result<(), Failure> {
    if as_json {
        return json(sources);
    }
    if sources.is_empty() {
        return line("no sources yet: add some with `edit-factory import PROJECT_ID PATH...`");
    }
    for s in sources {
        let size = match (s.display_width, s.display_height) {
            (Some(w), Some(h)) => format!("{w}x{h}"),
            _ => "audio".into(),
        };
        line(&format!(
            "{}  {:>9}  {:>9}  {}",
            s.id,
            duration(s.duration_s),
            size,
            printable(&s.path)
        ))?;
    }
    Ok(())
}

pub fn import_report(report: &ImportReport, as_json: bool) -> Result<(), Failure> {
    if as_json {
        return json(report);
    }
    for item in &report.imported {
        let what = match item.outcome {
            ImportOutcome::Added => "added",
            ImportOutcome::AlreadyPresent => "already in library",
            ImportOutcome::Relocated => "relocated",
            ImportOutcome::Refreshed => "refreshed",
        };
        line(&format!(
            "{what:>18}  {}  {}",
            item.source.id,
            printable(&item.source.path)
        ))?;
    }
    for failure in &report.failed {
        line(&format!("{:>18}  {}", "failed", failure.message))?;
    }
    for skip in &report.skipped {
        line(&format!(
            "{:>18}  {}: {}",
            "skipped", skip.path, skip.reason
        ))?;
    }
    if report.skipped_non_media > 0 {
        line(&format!(
            "{} non-media file(s) skipped",
            report.skipped_non_media
        ))?;
    }
    Ok(())
}

pub fn segments(segments: &[Segment], as_json: bool) -> Result<(), Failure> {
    if as_json {
        return json(segments);
    }
    if segments.is_empty() {
        return line("no segments");
    }
    for s in segments {
        line(&format!(
            "{}  {:>8.2}–{:<8.2} {}{}  {}  {}",
            s.id,
            s.start_s,
            s.end_s,
            if s.favorite { "★ " } else { "" },
            printable(&s.file_name),
            s.keywords.join(","),
            printable(&s.notes)
        ))?;
    }
    Ok(())
}

/// The bar long CLI steps show (hidden for `--json`): `prefix`, the bar, percent and ETA, on a
/// 0–1000 scale.
pub fn progress_bar(prefix: &'static str, hidden: bool) -> indicatif::ProgressBar {
    if hidden {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(1000);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{prefix:>14} [{bar:30}] {percent:>3}%  eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(prefix);
    bar
}
