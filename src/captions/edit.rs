//! The edits a creator makes to cues (the captions panel's operations), each keeping the word
//! times consistent: words stay inside their cue, in order, and move with it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cues::{join, GAP, SHORTEST};
use super::parse::spread_words;
use crate::timeline::{seconds, Cue, Nanos, Word};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum CaptionEdit {
    /// New text for a cue; word times are kept when the words are the same count.
    SetText {
        cue: usize,
        text: String,
    },
    /// Move or stretch a cue (its words scale with it).
    Retime {
        cue: usize,
        #[ts(type = "number")]
        start: Nanos,
        #[ts(type = "number")]
        end: Nanos,
    },
    /// Split a cue at a time inside it.
    Split {
        cue: usize,
        #[ts(type = "number")]
        at: Nanos,
    },
    /// Merge a cue with the one after it.
    Merge {
        cue: usize,
    },
    /// Shift every cue.
    ShiftAll {
        #[ts(type = "number")]
        by: Nanos,
    },
    Delete {
        cue: usize,
    },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CaptionEditError {
    #[error("there is no cue {0}")]
    NoCue(usize),
    #[error("a cue needs text")]
    EmptyText,
    #[error("a cue must last at least 0.2 s")]
    TooShort,
    #[error("the cue would overlap its neighbour (cues stay 50 ms apart)")]
    Overlap,
    #[error("{at:.2} s is not inside the cue (with 0.2 s on each side)")]
    SplitOutside { at: f64 },
    #[error("the last cue has nothing after it to merge with")]
    NothingToMerge,
    #[error("shifting by {by:.2} s would move the first cue before the start")]
    BeforeStart { by: f64 },
}

/// Apply `edit` to `cues`; on error they are unchanged.
pub fn apply(cues: &mut Vec<Cue>, edit: &CaptionEdit) -> Result<(), CaptionEditError> {
    match *edit {
        CaptionEdit::SetText { cue, ref text } => {
            let target = cues.get_mut(cue).ok_or(CaptionEditError::NoCue(cue))?;
            let text = text.trim();
            if text.is_empty() {
                return Err(CaptionEditError::EmptyText);
            }
            let tokens: Vec<&str> = text.split_whitespace().collect();
            if tokens.len() == target.words.len() {
                for (word, token) in target.words.iter_mut().zip(tokens) {
                    word.text = token.to_owned();
                }
            } else {
                target.words = spread_words(text, target.start, target.end);
            }
            target.text = text.to_owned();
        }
        CaptionEdit::Retime { cue, start, end } => {
            let target = cues.get(cue).ok_or(CaptionEditError::NoCue(cue))?;
            if start < 0 || end - start < SHORTEST {
                return Err(CaptionEditError::TooShort);
            }
            let before = cue.checked_sub(1).and_then(|i| cues.get(i));
            let after = cues.get(cue + 1);
            if before.is_some_and(|b| start < b.end + GAP)
                || after.is_some_and(|a| end > a.start - GAP)
            {
                return Err(CaptionEditError::Overlap);
            }
            let words = rescale(&target.words, (target.start, target.end), (start, end));
            let target = &mut cues[cue];
            target.start = start;
            target.end = end;
            target.words = words;
        }
        CaptionEdit::Split { cue, at } => {
            let target = cues.get(cue).ok_or(CaptionEditError::NoCue(cue))?.clone();
            if at - target.start < SHORTEST || target.end - at < SHORTEST {
                return Err(CaptionEditError::SplitOutside { at: seconds(at) });
            }
            let mut words = if target.words.len() >= 2 {
                target.words.clone()
            } else {
                spread_words(&target.text, target.start, target.end)
            };
            // A word goes to the side holding most of it; each side keeps one word at least.
            let mut cut = words
                .iter()
                .position(|w| (w.start + w.end) / 2 >= at)
                .unwrap_or(words.len());
            if words.len() >= 2 {
                cut = cut.clamp(1, words.len() - 1);
            }
            let second_words = words.split_off(cut.min(words.len()));
            let first_end = at - GAP / 2;
            let second_start = at + GAP / 2;
            let clamp = |list: Vec<Word>, from: Nanos, to: Nanos| -> Vec<Word> {
                list.into_iter()
                    .map(|w| {
                        let start = w.start.clamp(from, to);
                        Word {
                            end: w.end.clamp(start, to),
                            start,
                            text: w.text,
                        }
                    })
                    .collect()
            };
            let first_words = clamp(words, target.start, first_end);
            let second_words = clamp(second_words, second_start, target.end);
            let first = Cue {
                start: target.start,
                end: first_end,
                text: if first_words.is_empty() {
                    target.text.clone()
                } else {
                    join(&first_words)
                },
                words: first_words,
            };
            let second = Cue {
                start: second_start,
                end: target.end,
                text: if second_words.is_empty() {
                    target.text.clone()
                } else {
                    join(&second_words)
                },
                words: second_words,
            };
            cues.splice(cue..=cue, [first, second]);
        }
        CaptionEdit::Merge { cue } => {
            if cue >= cues.len() {
                return Err(CaptionEditError::NoCue(cue));
            }
            if cue + 1 >= cues.len() {
                return Err(CaptionEditError::NothingToMerge);
            }
            let next = cues.remove(cue + 1);
            let target = &mut cues[cue];
            target.end = next.end;
            target.text = format!("{} {}", target.text, next.text);
            target.words.extend(next.words);
        }
        CaptionEdit::ShiftAll { by } => {
            if cues.first().is_some_and(|c| c.start + by < 0) {
                return Err(CaptionEditError::BeforeStart { by: seconds(by) });
            }
            for cue in cues.iter_mut() {
                cue.start += by;
                cue.end += by;
                for word in &mut cue.words {
                    word.start += by;
                    word.end += by;
                }
            }
        }
        CaptionEdit::Delete { cue } => {
            if cue >= cues.len() {
                return Err(CaptionEditError::NoCue(cue));
            }
            cues.remove(cue);
        }
    }
    Ok(())
}

/// Words moved from one range to another, keeping their place in it.
fn rescale(words: &[Word], from: (Nanos, Nanos), to: (Nanos, Nanos)) -> Vec<Word> {
    let old = (from.1 - from.0).max(1) as i128;
    let new = (to.1 - to.0) as i128;
    let map =
        |t: Nanos| to.0 + ((t - from.0).clamp(0, from.1 - from.0) as i128 * new / old) as Nanos;
    words
        .iter()
        .map(|w| Word {
            text: w.text.clone(),
            start: map(w.start),
            end: map(w.end),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{apply, CaptionEdit, CaptionEditError};
    use crate::captions::parse::spread_words;
    use crate::timeline::{nanos, Cue};

    fn cue(text: &str, start: f64, end: f64) -> Cue {
        Cue {
            start: nanos(start),
            end: nanos(end),
            text: text.into(),
            words: spread_words(text, nanos(start), nanos(end)),
        }
    }

    fn consistent(cues: &[Cue]) {
        for pair in cues.windows(2) {
            assert!(pair[0].end < pair[1].start, "{pair:?}");
        }
        for c in cues {
            let mut last = c.start;
            for w in &c.words {
                assert!(
                    w.start >= last && w.end >= w.start && w.end <= c.end,
                    "{c:?}"
                );
                last = w.start;
            }
        }
    }

    #[test]
    fn edits_keep_words_inside_their_cues() {
        let mut cues = vec![cue("ask not what", 1.0, 2.0), cue("your country", 2.5, 3.5)];
        apply(
            &mut cues,
            &CaptionEdit::Split {
                cue: 0,
                at: nanos(1.5),
            },
        )
        .unwrap();
        assert_eq!(cues.len(), 3);
        assert_eq!(cues[0].text, "ask not");
        consistent(&cues);
        apply(&mut cues, &CaptionEdit::Merge { cue: 0 }).unwrap();
        assert_eq!(cues[0].text, "ask not what");
        apply(
            &mut cues,
            &CaptionEdit::Retime {
                cue: 1,
                start: nanos(2.2),
                end: nanos(4.0),
            },
        )
        .unwrap();
        assert_eq!(cues[1].words[0].start, nanos(2.2));
        consistent(&cues);
        assert_eq!(
            apply(
                &mut cues,
                &CaptionEdit::Retime {
                    cue: 1,
                    start: nanos(1.9),
                    end: nanos(3.0)
                }
            ),
            Err(CaptionEditError::Overlap)
        );
        apply(
            &mut cues,
            &CaptionEdit::SetText {
                cue: 1,
                text: "you're country".into(),
            },
        )
        .unwrap();
        assert_eq!(cues[1].words[0].text, "you're");
        apply(&mut cues, &CaptionEdit::ShiftAll { by: nanos(-0.5) }).unwrap();
        assert_eq!(cues[0].start, nanos(0.5));
        assert!(apply(&mut cues, &CaptionEdit::ShiftAll { by: nanos(-1.0) }).is_err());
        consistent(&cues);
    }
}
