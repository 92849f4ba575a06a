//! Cues from word times (SPEC §4.6): a cue closes at `.`, `!` or `?`, at the preset's word (or
//! character) limit, before a pause longer than 0.5 s, or before it would outlast the preset's
//! longest cue. Each cue lasts at least the preset's shortest time where the next one leaves room,
//! starts 50 ms or more after the one before, and lasts 0.2 s at least.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::timeline::{nanos, Cue, Nanos, Word};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CuePreset {
    /// One word at a time (0.5–2.0 s).
    Tiktok,
    /// Two words (0.7–3.0 s).
    Shorts,
    /// Three words (1.0–4.0 s).
    Standard,
    /// Up to a sentence: 40 characters, 7 words.
    Sentence,
}

impl CuePreset {
    pub const ALL: [CuePreset; 4] = [Self::Tiktok, Self::Shorts, Self::Standard, Self::Sentence];

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tiktok => "tiktok",
            Self::Shorts => "shorts",
            Self::Standard => "standard",
            Self::Sentence => "sentence",
        }
    }

    fn rules(self) -> Rules {
        let (max_words, max_chars, min_s, max_s) = match self {
            Self::Tiktok => (1, None, 0.5, 2.0),
            Self::Shorts => (2, None, 0.7, 3.0),
            Self::Standard => (3, None, 1.0, 4.0),
            Self::Sentence => (7, Some(40), 1.0, 6.0),
        };
        Rules {
            max_words,
            max_chars,
            min: nanos(min_s),
            max: nanos(max_s),
        }
    }
}

struct Rules {
    max_words: usize,
    max_chars: Option<usize>,
    min: Nanos,
    max: Nanos,
}

pub const PAUSE: Nanos = 500_000_000;
pub const GAP: Nanos = 50_000_000;
pub const SHORTEST: Nanos = 200_000_000;

fn ends_sentence(text: &str) -> bool {
    text.trim_end_matches(['"', '\'', ')', '”', '’'])
        .ends_with(['.', '!', '?', '…'])
}

/// Cues for `words` (in time order).
pub fn build(words: &[Word], preset: CuePreset) -> Vec<Cue> {
    let rules = preset.rules();
    let mut groups: Vec<Vec<Word>> = Vec::new();
    let mut current: Vec<Word> = Vec::new();
    for word in words.iter().filter(|w| !w.text.trim().is_empty()) {
        if let Some(first) = current.first() {
            let chars = current
                .iter()
                .map(|w| w.text.chars().count() + 1)
                .sum::<usize>()
                + word.text.chars().count();
            let too_long = rules.max_chars.is_some_and(|max| chars > max)
                || word.end - first.start > rules.max;
            let paused = current
                .last()
                .is_some_and(|last| word.start - last.end > PAUSE);
            if too_long || paused {
                groups.push(std::mem::take(&mut current));
            }
        }
        current.push(word.clone());
        let closes = current.last().is_some_and(|w| ends_sentence(&w.text));
        if closes || current.len() >= rules.max_words {
            groups.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }

    let mut cues: Vec<Cue> = Vec::with_capacity(groups.len());
    for (i, words) in groups.iter().enumerate() {
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            continue;
        };
        let next_start = groups
            .get(i + 1)
            .and_then(|g| g.first())
            .map(|w| w.start - GAP);
        let mut start = first.start;
        if let Some(previous) = cues.last() {
            start = start.max(previous.end + GAP);
        }
        let mut end = last.end.max(start + rules.min);
        if let Some(limit) = next_start {
            end = end.min(limit.max(last.end));
        }
        end = end.min(start + rules.max).max(start + SHORTEST);
        let words = words
            .iter()
            .map(|w| {
                let word_start = w.start.clamp(start, end);
                Word {
                    text: w.text.trim().to_owned(),
                    start: word_start,
                    end: w.end.clamp(word_start, end),
                }
            })
            .collect::<Vec<_>>();
        cues.push(Cue {
            start,
            end,
            text: join(&words),
            words,
        });
    }
    cues
}

pub fn join(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::{build, CuePreset, GAP, SHORTEST};
    use crate::timeline::{nanos, Word};

    fn words(list: &[(&str, f64, f64)]) -> Vec<Word> {
        list.iter()
            .map(|&(text, start, end)| Word {
                text: text.into(),
                start: nanos(start),
                end: nanos(end),
            })
            .collect()
    }

    #[test]
    fn cues_close_at_sentences_limits_and_pauses() {
        let words = words(&[
            ("And", 0.0, 0.2),
            ("so,", 0.2, 0.4),
            ("my", 0.4, 0.5),
            ("fellow", 0.5, 0.8),
            ("Americans.", 0.8, 1.4),
            ("Ask", 2.5, 2.7),
            ("not", 2.7, 2.9),
        ]);
        let standard = build(&words, CuePreset::Standard);
        let texts: Vec<_> = standard.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["And so, my", "fellow Americans.", "Ask not"]);
        let tiktok = build(&words, CuePreset::Tiktok);
        assert_eq!(tiktok.len(), 7);
        for pair in tiktok.windows(2) {
            assert!(pair[1].start >= pair[0].end + GAP, "{pair:?}");
        }
        for cue in &tiktok {
            assert!(cue.end - cue.start >= SHORTEST, "{cue:?}");
            for word in &cue.words {
                assert!(cue.start <= word.start && word.end <= cue.end);
            }
        }
        // The last word has room after it, so it lasts the preset's shortest cue.
        assert_eq!(tiktok[6].end - tiktok[6].start, nanos(0.5));
        let sentence = build(&words, CuePreset::Sentence);
        assert_eq!(sentence[0].text, "And so, my fellow Americans.");
    }
}
