//! Silence removal (SPEC §4.5): what to keep of a file so that only speech, with a little air
//! around it, remains. Semantics follow auto-editor's: a margin around what is kept, and only
//! pauses longer than a minimum are cut.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::vad::SpeechSpan;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SilenceSettings {
    /// Pauses shorter than this are kept, seconds.
    pub min_silence_s: f64,
    /// Kept before and after each stretch of speech, seconds.
    pub padding_s: f64,
}

impl SilenceSettings {
    /// For footage (jump cuts).
    pub const FOOTAGE: Self = Self {
        min_silence_s: 0.3,
        padding_s: 0.08,
    };
    /// For a voice-over, which can be tighter (the render path of §4.5).
    pub const VOICEOVER: Self = Self {
        min_silence_s: 0.25,
        padding_s: 0.06,
    };

    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !(0.05..=10.0).contains(&self.min_silence_s) {
            problems.push("the minimum silence must be between 0.05 and 10 s".to_owned());
        }
        if !(0.0..=2.0).contains(&self.padding_s) {
            problems.push("the padding must be between 0 and 2 s".to_owned());
        }
        problems
    }
}

impl Default for SilenceSettings {
    fn default() -> Self {
        Self::FOOTAGE
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SilenceReport {
    /// What stays, in order, seconds of the file.
    pub keep: Vec<SpeechSpan>,
    pub original_s: f64,
    pub new_s: f64,
    pub removed_s: f64,
    pub segments: usize,
}

/// What to keep of a file `duration_s` long with these `speech` spans.
pub fn keep(speech: &[SpeechSpan], duration_s: f64, settings: &SilenceSettings) -> SilenceReport {
    let mut keep: Vec<SpeechSpan> = Vec::new();
    for span in speech {
        let start_s = (span.start_s - settings.padding_s).max(0.0);
        let end_s = (span.end_s + settings.padding_s).min(duration_s);
        if end_s <= start_s {
            continue;
        }
        match keep.last_mut() {
            Some(last) if start_s - last.end_s < settings.min_silence_s => {
                last.end_s = last.end_s.max(end_s)
            }
            _ => keep.push(SpeechSpan { start_s, end_s }),
        }
    }
    for span in &mut keep {
        span.start_s = round_ms(span.start_s);
        span.end_s = round_ms(span.end_s);
    }
    let new_s: f64 = keep.iter().map(SpeechSpan::duration_s).sum();
    SilenceReport {
        segments: keep.len(),
        keep,
        original_s: round_ms(duration_s),
        new_s: round_ms(new_s),
        removed_s: round_ms((duration_s - new_s).max(0.0)),
    }
}

fn round_ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::{keep, SilenceSettings};
    use crate::speech::vad::SpeechSpan;

    #[test]
    fn short_pauses_stay_and_long_ones_go() {
        let speech = [
            SpeechSpan {
                start_s: 1.0,
                end_s: 2.0,
            },
            SpeechSpan {
                start_s: 2.2,
                end_s: 3.0,
            },
            SpeechSpan {
                start_s: 5.0,
                end_s: 6.0,
            },
        ];
        let report = keep(&speech, 10.0, &SilenceSettings::FOOTAGE);
        assert_eq!(report.segments, 2);
        assert_eq!(
            report.keep[0],
            SpeechSpan {
                start_s: 0.92,
                end_s: 3.08
            }
        );
        assert_eq!(
            report.keep[1],
            SpeechSpan {
                start_s: 4.92,
                end_s: 6.08
            }
        );
        assert!((report.removed_s - (10.0 - 2.16 - 1.16)).abs() < 1e-9);
    }
}
