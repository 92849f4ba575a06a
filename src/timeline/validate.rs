//! Checking a timeline before it is saved or rendered: every problem, with the item it concerns.

use serde::Serialize;
use ts_rs::TS;

use super::{seconds, LengthPolicy, Timeline};
use crate::library::sources::SourceStatus;
use crate::library::Library;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Problem {
    /// The item concerned, if one.
    pub item_id: Option<String>,
    pub message: String,
}

/// Every problem of `timeline` against the library (empty when it can be rendered).
pub fn validate(timeline: &Timeline, library: &Library) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |item_id: Option<&str>, message: String| {
        problems.push(Problem {
            item_id: item_id.map(str::to_owned),
            message,
        })
    };
    if timeline.items.is_empty() {
        problem(
            None,
            "the timeline is empty: add at least one piece of footage".into(),
        );
    }
    for item in &timeline.items {
        let id = Some(item.id.as_str());
        if item.in_ns < 0 || item.out_ns <= item.in_ns {
            problem(
                id,
                format!(
                    "its out point ({:.2} s) is not after its in point ({:.2} s)",
                    seconds(item.out_ns),
                    seconds(item.in_ns)
                ),
            );
        }
        if !(0.0..=1.0).contains(&item.framing.focus_x)
            || !(0.0..=1.0).contains(&item.framing.focus_y)
            || item.framing.zoom < 1.0
        {
            problem(
                id,
                "its framing is out of range (focus 0–1, zoom at least 1)".into(),
            );
        }
        match library.source(&item.source_id) {
            Err(_) => problem(id, "its source is not in the library".into()),
            Ok(source) => {
                match source.status {
                    SourceStatus::Missing => {
                        problem(id, format!("{} is missing", source.file_name))
                    }
                    SourceStatus::Changed => problem(
                        id,
                        format!("{} changed since it was imported", source.file_name),
                    ),
                    SourceStatus::Ok => match std::fs::metadata(&source.path) {
                        // The library has not noticed yet (no check since): the file itself says.
                        Err(_) => problem(
                            id,
                            format!("{} is missing (moved or deleted)", source.file_name),
                        ),
                        Ok(meta) => {
                            if let Err(reason) = source.unchanged(&meta) {
                                problem(id, format!("{}: {reason}", source.file_name))
                            }
                        }
                    },
                }
                // Half a frame of slack for the last frame's duration.
                if seconds(item.out_ns) > source.duration_s + 0.02 {
                    problem(
                        id,
                        format!(
                            "its out point ({:.2} s) is past the end of {} ({:.2} s)",
                            seconds(item.out_ns),
                            source.file_name,
                            source.duration_s
                        ),
                    );
                }
            }
        }
    }
    check_audio(timeline, library, &mut problem);
    if let Some(captions) = &timeline.captions {
        for message in captions.style.problems() {
            problem(None, message);
        }
        let length = timeline.duration_ns();
        for (i, cue) in captions.cues.iter().enumerate() {
            let n = i + 1;
            if cue.start < 0 || cue.end <= cue.start {
                problem(
                    None,
                    format!(
                        "caption {n} ends ({:.2} s) before it starts ({:.2} s)",
                        seconds(cue.end),
                        seconds(cue.start)
                    ),
                );
            } else if cue.start >= length {
                problem(
                    None,
                    format!(
                        "caption {n} starts at {:.2} s, after the video ends ({:.2} s)",
                        seconds(cue.start),
                        seconds(length)
                    ),
                );
            }
            if cue.text.trim().is_empty() {
                problem(None, format!("caption {n} has no text"));
            }
        }
    }
    problems
}

/// The audio plan, the voice-over and the music: their numbers in range, their files usable, and
/// nothing asked for that this version cannot do yet (said plainly rather than ignored).
fn check_audio(
    timeline: &Timeline,
    library: &Library,
    problem: &mut impl FnMut(Option<&str>, String),
) {
    let plan = &timeline.audio;
    if !(0.0..=1.0).contains(&plan.floor) {
        problem(
            None,
            format!("the ducking floor {} must be 0-1", plan.floor),
        );
    }
    if !(0.0..=5.0).contains(&plan.fade) || !(0.0..=5.0).contains(&plan.merge_gap) {
        problem(
            None,
            "the ducking fade and merge gap must be 0-5 seconds".into(),
        );
    }
    if plan.spans.iter().any(|s| s.end <= s.start || s.start < 0) {
        problem(None, "a speech span ends before it starts".into());
    }
    if timeline.length_policy == LengthPolicy::Voiceover {
        problem(
            None,
            "fitting the video to the voice-over's length is not available yet: use the video's length".into(),
        );
    }
    let sound =
        |what: &str, id: &str, volume: f64, problem: &mut dyn FnMut(Option<&str>, String)| {
            if !(0.0..=10.0).contains(&volume) {
                problem(None, format!("the {what}'s volume {volume} must be 0-10"));
            }
            match library.source(id) {
                Err(_) => problem(None, format!("the {what} is not in the library")),
                Ok(source) if source.status != SourceStatus::Ok => problem(
                    None,
                    format!("the {what} ({}) is missing or changed", source.file_name),
                ),
                Ok(source) if !source.has_audio => problem(
                    None,
                    format!("the {what} ({}) has no sound", source.file_name),
                ),
                Ok(_) => {}
            }
        };
    if let Some(voiceover) = &timeline.voiceover {
        sound("voice-over", &voiceover.asset_id, voiceover.volume, problem);
        if voiceover.offset < 0 {
            problem(None, "the voice-over starts before the video".into());
        }
        if voiceover
            .removed_silences
            .iter()
            .any(|s| s.start < 0 || s.end <= s.start)
        {
            problem(
                None,
                "a silence removed from the voice-over ends before it starts".into(),
            );
        }
    }
    if let Some(music) = &timeline.music {
        sound("music", &music.asset_id, music.volume, problem);
    }
}
