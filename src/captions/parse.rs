//! Reading SRT and WebVTT with the validation of SPEC §4.6: the index sequence (SRT), timings as
//! `HH:MM:SS,mmm --> HH:MM:SS,mmm` (`.` for VTT, hours optional), minutes and seconds under 60,
//! an end after the start, and text in every cue. Every problem names its line.
//!
//! Written here rather than with a subtitle crate: the ones on crates.io parse leniently (or stop
//! at the first problem without its line), and the rules above and their line-numbered messages
//! are what a creator fixing a file needs.

use crate::timeline::{Cue, Nanos, Word};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

/// Every problem found, in line order (empty problems never happen: `Err` has at least one).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ParseErrors(pub Vec<LineError>);

#[derive(Clone, Copy, PartialEq)]
enum Dialect {
    Srt,
    Vtt,
}

fn problem(line: usize, message: impl Into<String>) -> LineError {
    LineError {
        line,
        message: message.into(),
    }
}

/// A timestamp as the dialect writes it; `None` with the reason when it is malformed.
fn timestamp(text: &str, dialect: Dialect) -> Result<Nanos, String> {
    let separator = if dialect == Dialect::Srt { ',' } else { '.' };
    let (clock, millis) = text
        .rsplit_once(separator)
        .ok_or_else(|| format!("{text:?} is not a time like 00:00:01{separator}500"))?;
    let parts: Vec<&str> = clock.split(':').collect();
    let digits = |s: &str, width: Option<usize>| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && width.is_none_or(|w| s.len() == w)
    };
    let (hours, minutes, seconds) = match parts.as_slice() {
        [h, m, s] if digits(h, None) && digits(m, Some(2)) && digits(s, Some(2)) => (*h, *m, *s),
        [m, s] if dialect == Dialect::Vtt && digits(m, Some(2)) && digits(s, Some(2)) => {
            ("0", *m, *s)
        }
        _ => {
            return Err(format!(
                "{text:?} is not a time like 00:00:01{separator}500"
            ))
        }
    };
    if !digits(millis, Some(3)) {
        return Err(format!("{text:?} needs three digits of milliseconds"));
    }
    let number = |s: &str| s.parse::<i64>().unwrap_or(0);
    let (h, m, s, ms) = (
        number(hours),
        number(minutes),
        number(seconds),
        number(millis),
    );
    if m >= 60 || s >= 60 {
        return Err(format!("{text:?}: minutes and seconds must be under 60"));
    }
    Ok((((h * 60 + m) * 60 + s) * 1000 + ms) * 1_000_000)
}

fn timing(line: &str, dialect: Dialect) -> Result<(Nanos, Nanos), String> {
    let (start, rest) = line
        .split_once("-->")
        .ok_or_else(|| "expected a timing line like 00:00:01,000 --> 00:00:02,500".to_owned())?;
    // VTT allows cue settings after the end time.
    let end = rest.split_whitespace().next().unwrap_or("");
    let start = timestamp(start.trim(), dialect)?;
    let end = timestamp(end, dialect)?;
    if end <= start {
        return Err("the cue ends before it starts".into());
    }
    Ok((start, end))
}

/// Words spread over the cue by their length: imported captions carry no word times, and evenly
/// spread words keep karaoke and later edits consistent.
pub fn spread_words(text: &str, start: Nanos, end: Nanos) -> Vec<Word> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let total: usize = tokens.iter().map(|t| t.chars().count().max(1)).sum();
    let span = (end - start).max(0);
    let mut at = start;
    let mut done = 0usize;
    tokens
        .iter()
        .map(|token| {
            done += token.chars().count().max(1);
            let word_end = start + (span as i128 * done as i128 / total.max(1) as i128) as Nanos;
            let word = Word {
                text: (*token).to_owned(),
                start: at,
                end: word_end,
            };
            at = word_end;
            word
        })
        .collect()
}

fn read(text: &str, dialect: Dialect) -> Result<Vec<Cue>, ParseErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut errors = Vec::new();
    let mut cues = Vec::new();
    let mut i = 0;
    if dialect == Dialect::Vtt {
        match lines.first() {
            Some(first) if first.starts_with("WEBVTT") => i = 1,
            _ => errors.push(problem(1, "a WebVTT file starts with WEBVTT")),
        }
    }
    let mut expected_index = 1u64;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let block_start = i;
        let mut block_end = i;
        while block_end < lines.len() && !lines[block_end].trim().is_empty() {
            block_end += 1;
        }
        let block = &lines[block_start..block_end];
        i = block_end;
        let line_no = |offset: usize| block_start + offset + 1;
        if dialect == Dialect::Vtt
            && (block[0].starts_with("NOTE") || block[0] == "STYLE" || block[0] == "REGION")
        {
            continue;
        }
        let timing_at = match dialect {
            Dialect::Srt => {
                // After a wrong number the count goes on from it: one gap, one error.
                match block[0].trim().parse::<u64>() {
                    Ok(n) => {
                        if n != expected_index {
                            errors.push(problem(
                                line_no(0),
                                format!("cue number {n} where {expected_index} was expected"),
                            ));
                        }
                        expected_index = n + 1;
                    }
                    Err(_) => {
                        errors.push(problem(
                            line_no(0),
                            format!("expected cue number {expected_index}, found {:?}", block[0]),
                        ));
                        expected_index += 1;
                    }
                }
                1
            }
            // A cue identifier line is optional in VTT.
            Dialect::Vtt if block[0].contains("-->") => 0,
            Dialect::Vtt => 1,
        };
        let Some(timing_line) = block.get(timing_at) else {
            errors.push(problem(line_no(0), "the cue has no timing line"));
            continue;
        };
        let text_lines = &block[timing_at + 1..];
        match timing(timing_line, dialect) {
            Err(message) => errors.push(problem(line_no(timing_at), message)),
            Ok((start, end)) => {
                if text_lines.iter().all(|l| l.trim().is_empty()) {
                    errors.push(problem(line_no(timing_at), "the cue has no text"));
                    continue;
                }
                let text = text_lines.join("\n");
                cues.push(Cue {
                    start,
                    end,
                    words: spread_words(&text, start, end),
                    text,
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(cues)
    } else {
        Err(ParseErrors(errors))
    }
}

pub fn srt(text: &str) -> Result<Vec<Cue>, ParseErrors> {
    read(text, Dialect::Srt)
}

pub fn vtt(text: &str) -> Result<Vec<Cue>, ParseErrors> {
    read(text, Dialect::Vtt)
}

#[cfg(test)]
mod tests {
    use super::{srt, vtt};

    #[test]
    fn malformed_files_name_their_lines() {
        let bad = "1\n00:00:01,000 --> 00:00:02,000\nHello\n\n3\n00:00:02,500 --> 00:00:03,000\nagain\n\n4\n00:01:61,000 --> 00:01:62,000\nbad seconds\n\n5\n00:00:05,000 --> 00:00:04,000\nbackwards\n\n6\n00:00:06,000 --> 00:00:07,000\n\n";
        let errors = srt(bad).unwrap_err().0;
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [5, 10, 14, 18], "{errors:?}");
        assert!(errors[0].message.contains("2 was expected"));
        assert!(errors[1].message.contains("under 60"));
        assert!(errors[2].message.contains("ends before"));
        assert!(errors[3].message.contains("no text"));
    }

    #[test]
    fn vtt_takes_identifiers_settings_notes_and_short_times() {
        let text = "WEBVTT\n\nNOTE made by hand\n\nintro\n00:01.000 --> 00:02.500 align:center\nHi there\n\n00:00:03.000 --> 00:00:04.000\nTwo\nlines\n";
        let cues = vtt(text).unwrap();
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0].start, 1_000_000_000);
        assert_eq!(cues[1].text, "Two\nlines");
        assert_eq!(cues[0].words.len(), 2);
        assert!(vtt("1\n00:00:01.000 --> 00:00:02.000\nx\n").is_err());
    }
}
