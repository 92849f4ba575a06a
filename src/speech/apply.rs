//! Speech turned into timeline edits (SPEC §2a): the audio plan's speech spans for muting or
//! ducking the footage's own voices, jump cuts where silences are removed, captions from word
//! times mapped through the items, and a voice-over's silences cut with its captions remapped.
//! Render executes the result; nothing here touches media.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::silence::{self, SilenceSettings};
use super::transcribe::TranscribedWord;
use super::vad::SpeechSpan;
use crate::captions::{cues, CuePreset};
use crate::timeline::{nanos, seconds, AudioMode, Captions, Item, Nanos, Span, Timeline, Word};

/// Speech spans per source id (source time, seconds).
pub type SpansBySource = HashMap<String, Vec<SpeechSpan>>;
/// Words per source id (source time, seconds).
pub type WordsBySource = HashMap<String, Vec<TranscribedWord>>;

/// Mute or duck the footage's own voices: the spans of every source the timeline uses.
pub fn voice_plan(timeline: &mut Timeline, mode: AudioMode, speech: &SpansBySource) {
    let mut used: Vec<&str> = timeline
        .items
        .iter()
        .map(|i| i.source_id.as_str())
        .collect();
    used.sort_unstable();
    used.dedup();
    timeline.audio.mode = mode;
    timeline.audio.spans = used
        .into_iter()
        .flat_map(|source_id| {
            speech
                .get(source_id)
                .into_iter()
                .flatten()
                .map(move |s| Span {
                    source_id: source_id.to_owned(),
                    start: nanos(s.start_s),
                    end: nanos(s.end_s),
                })
        })
        .collect();
}

/// What removing silences did to a timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Removal {
    pub original_s: f64,
    pub new_s: f64,
    pub removed_s: f64,
    /// Items after the cut.
    pub segments: usize,
}

/// Pieces shorter than this are dropped: a flash of picture reads as a glitch.
const SHORTEST_PIECE: Nanos = 150_000_000;

/// Cut the silences out of the items whose sources have speech: each item becomes the parts of
/// it that `silence::keep` keeps (jump cuts). Items of sources without speech (music, b-roll)
/// stay whole. If nothing would remain, the timeline is left as it was.
pub fn remove_silences(
    timeline: &mut Timeline,
    speech: &SpansBySource,
    durations: &HashMap<String, f64>,
    settings: &SilenceSettings,
) -> Removal {
    let original = timeline.duration_ns();
    let mut items: Vec<Item> = Vec::new();
    for item in &timeline.items {
        let spans = speech.get(&item.source_id).filter(|s| !s.is_empty());
        let Some(spans) = spans else {
            items.push(item.clone());
            continue;
        };
        let duration = durations
            .get(&item.source_id)
            .copied()
            .unwrap_or(seconds(item.out_ns));
        let keep = silence::keep(spans, duration, settings).keep;
        let mut n = 0;
        for range in keep {
            let start = nanos(range.start_s).max(item.in_ns);
            let end = nanos(range.end_s).min(item.out_ns);
            if end - start < SHORTEST_PIECE {
                continue;
            }
            n += 1;
            items.push(Item {
                id: if n == 1 {
                    item.id.clone()
                } else {
                    format!("{}.{n}", item.id)
                },
                in_ns: start,
                out_ns: end,
                ..item.clone()
            });
        }
    }
    if !items.is_empty() {
        timeline.items = items;
    }
    let new = timeline.duration_ns();
    Removal {
        original_s: round_ms(seconds(original)),
        new_s: round_ms(seconds(new)),
        removed_s: round_ms(seconds(original - new)),
        segments: timeline.items.len(),
    }
}

/// Captions of the speech heard in the timeline: each item's words (those mostly inside it),
/// moved to where the item plays, grouped into cues by `preset`. The style is kept.
pub fn captions(timeline: &mut Timeline, words: &WordsBySource, preset: CuePreset) {
    let mut placed: Vec<Word> = Vec::new();
    let mut at: Nanos = 0;
    for item in &timeline.items {
        for word in words.get(&item.source_id).into_iter().flatten() {
            let (start, end) = (nanos(word.start_s), nanos(word.end_s));
            let middle = (start + end) / 2;
            if middle < item.in_ns || middle >= item.out_ns {
                continue;
            }
            placed.push(Word {
                text: word.word.clone(),
                start: at + (start.max(item.in_ns) - item.in_ns),
                end: at + (end.min(item.out_ns) - item.in_ns),
            });
        }
        at += item.duration_ns();
    }
    cues_of(timeline, &placed, preset);
}

/// Captions of the voice-over's own words (`words`, in its file's time, which lasts
/// `duration_s`): each heard where the voice-over plays it once its silences are cut, grouped into
/// cues by `preset`. Every word is kept: one timed inside a cut pause (the recogniser's word times
/// can lag the voice by a few tenths of a second) is shown at the cut.
pub fn voiceover_captions(
    timeline: &mut Timeline,
    words: &[TranscribedWord],
    duration_s: f64,
    preset: CuePreset,
) {
    let Some(voiceover) = timeline.voiceover.clone() else {
        return;
    };
    let duration = nanos(duration_s);
    let placed: Vec<Word> = words
        .iter()
        .map(|w| Word {
            text: w.word.clone(),
            start: voiceover.offset + voiceover.remap(nanos(w.start_s), duration),
            end: voiceover.offset + voiceover.remap(nanos(w.end_s), duration),
        })
        .collect();
    cues_of(timeline, &placed, preset);
}

/// Group `placed` words (timeline time) into the timeline's cues, keeping its caption style.
fn cues_of(timeline: &mut Timeline, placed: &[Word], preset: CuePreset) {
    let at = timeline.duration_ns();
    let style = timeline
        .captions
        .take()
        .map(|c| c.style)
        .unwrap_or_default();
    // A cue stretched to its preset's shortest time must still end with the video.
    let mut built = cues::build(placed, preset);
    for cue in &mut built {
        cue.end = cue.end.min(at);
        for word in &mut cue.words {
            word.end = word.end.min(cue.end);
            word.start = word.start.min(word.end);
        }
    }
    built.retain(|c| c.end > c.start);
    timeline.captions = Some(Captions { cues: built, style });
}

/// Cut the silences out of the voice-over (its speech spans in its own time) and move the
/// captions with it: a caption's words follow the voice they were spoken in.
pub fn shorten_voiceover(
    timeline: &mut Timeline,
    voice: &[SpeechSpan],
    voice_duration_s: f64,
    settings: &SilenceSettings,
) -> Option<Removal> {
    let voiceover = timeline.voiceover.as_mut()?;
    let keep = silence::keep(voice, voice_duration_s, settings);
    let duration = nanos(voice_duration_s);
    let mut removed = Vec::new();
    let mut at = 0;
    for range in &keep.keep {
        let start = nanos(range.start_s);
        if start > at {
            removed.push(Span {
                source_id: voiceover.asset_id.clone(),
                start: at,
                end: start,
            });
        }
        at = nanos(range.end_s);
    }
    if duration > at {
        removed.push(Span {
            source_id: voiceover.asset_id.clone(),
            start: at,
            end: duration,
        });
    }
    // Captions are in timeline time; the voice-over starts at its offset.
    let old = voiceover.clone();
    voiceover.removed_silences = removed;
    let new = voiceover.clone();
    let offset = new.offset;
    if let Some(captions) = timeline.captions.as_mut() {
        let map = |t: Nanos| {
            let file_time = old_file_time(&old, t - offset, duration);
            offset + new.remap(file_time, duration)
        };
        for cue in &mut captions.cues {
            cue.start = map(cue.start);
            cue.end = map(cue.end).max(cue.start + cues::SHORTEST);
            for word in &mut cue.words {
                word.start = map(word.start).clamp(cue.start, cue.end);
                word.end = map(word.end).clamp(word.start, cue.end);
            }
        }
        captions.cues.retain(|c| c.end > c.start);
    }
    Some(Removal {
        original_s: round_ms(seconds(old.played(duration))),
        new_s: round_ms(seconds(new.played(duration))),
        removed_s: round_ms(seconds(old.played(duration) - new.played(duration))),
        segments: new.kept(duration).len(),
    })
}

/// The moment of the voice-over file heard at `played` (relative to its start) before this
/// change: the inverse of [`crate::timeline::Voiceover::remap`].
fn old_file_time(old: &crate::timeline::Voiceover, played: Nanos, duration: Nanos) -> Nanos {
    let mut heard = 0;
    for (start, end) in old.kept(duration) {
        if played <= heard + (end - start) {
            return start + (played - heard).max(0);
        }
        heard += end - start;
    }
    duration
}

fn round_ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{captions, remove_silences, shorten_voiceover, voice_plan};
    use crate::captions::CuePreset;
    use crate::speech::silence::SilenceSettings;
    use crate::speech::{SpeechSpan, TranscribedWord};
    use crate::timeline::{nanos, AudioMode, Captions, Framing, Item, Timeline, Voiceover};

    fn item(id: &str, source: &str, from: f64, to: f64) -> Item {
        Item {
            id: id.into(),
            source_id: source.into(),
            in_ns: nanos(from),
            out_ns: nanos(to),
            framing: Framing::default(),
            volume: 1.0,
        }
    }

    fn span(start_s: f64, end_s: f64) -> SpeechSpan {
        SpeechSpan { start_s, end_s }
    }

    fn word(text: &str, start_s: f64, end_s: f64) -> TranscribedWord {
        TranscribedWord {
            word: text.into(),
            start_s,
            end_s,
            p: 0.9,
        }
    }

    #[test]
    fn silences_become_jump_cuts_and_captions_follow_the_items() {
        let mut timeline = Timeline::of_items(
            "tiktok",
            vec![item("a", "talk", 0.0, 10.0), item("b", "broll", 2.0, 4.0)],
        );
        let speech = HashMap::from([("talk".to_owned(), vec![span(1.0, 3.0), span(6.0, 8.0)])]);
        voice_plan(&mut timeline, AudioMode::Duck, &speech);
        assert_eq!(timeline.audio.spans.len(), 2);
        let durations = HashMap::from([("talk".to_owned(), 10.0), ("broll".to_owned(), 5.0)]);
        let removal = remove_silences(
            &mut timeline,
            &speech,
            &durations,
            &SilenceSettings::FOOTAGE,
        );
        let ids: Vec<_> = timeline.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["a", "a.2", "b"]);
        assert_eq!(timeline.items[1].in_ns, nanos(5.92));
        assert!(
            (removal.removed_s - (10.0 - 2.16 * 2.0)).abs() < 1e-6,
            "{removal:?}"
        );

        let words = HashMap::from([(
            "talk".to_owned(),
            vec![
                word("Hello", 1.0, 1.5),
                word("there.", 1.6, 2.5),
                word("Again.", 6.2, 7.0),
            ],
        )]);
        captions(&mut timeline, &words, CuePreset::Standard);
        let cues = &timeline.captions.as_ref().unwrap().cues;
        assert_eq!(cues.len(), 2);
        // "Again." is 0.28 s into the second piece, which starts after the first (2.16 s).
        assert_eq!(cues[1].start, nanos(2.16 + 0.28));
    }

    #[test]
    fn a_shortened_voiceover_moves_its_captions() {
        let mut timeline = Timeline::of_items("tiktok", vec![item("a", "s", 0.0, 20.0)]);
        timeline.voiceover = Some(Voiceover {
            asset_id: "vo".into(),
            offset: nanos(1.0),
            volume: 1.0,
            removed_silences: vec![],
        });
        let words = HashMap::from([("s".to_owned(), vec![word("late", 9.0, 9.5)])]);
        captions(&mut timeline, &words, CuePreset::Tiktok);
        timeline.captions = Some(Captions {
            ..timeline.captions.clone().unwrap()
        });
        let voice = [span(1.0, 3.0), span(7.0, 9.0)];
        let removal =
            shorten_voiceover(&mut timeline, &voice, 12.0, &SilenceSettings::VOICEOVER).unwrap();
        let voiceover = timeline.voiceover.as_ref().unwrap();
        assert_eq!(voiceover.removed_silences.len(), 3);
        assert!((removal.new_s - (2.12 + 2.12)).abs() < 1e-6, "{removal:?}");
        // 9.0 s of the timeline is 8.0 s into the voice, 1.06 s into its second kept part.
        let cue = &timeline.captions.as_ref().unwrap().cues[0];
        assert_eq!(cue.start, nanos(1.0) + nanos(2.12) + nanos(1.06));
    }
}
