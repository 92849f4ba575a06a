//! Transcription with whisper.cpp (through whisper-rs): words with their times and confidence.
//!
//! Word times come from DTW over the model's alignment heads (token timestamps are rough, SPEC
//! §4.3). Silence is skipped before recognition: only the voice detector's speech spans (padded,
//! joined by short pauses) are given to Whisper, and times are mapped back to the file's.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use whisper_rs::{
    DtwMode, DtwParameters, FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters,
    WhisperState,
};

use super::audio::{SpeechAudio, SAMPLE_RATE};
use super::ggml::{self, ModelShape};
use super::vad::SpeechSpan;
use super::SpeechError;
use crate::jobs::CancelToken;
use crate::text::printable_path;

/// What the user can set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TranscribeSettings {
    /// A language code (en, fr …); `None` detects it.
    pub language: Option<String>,
    /// Threads for whisper.cpp: the CPU slots the job holds. More than the free cores makes
    /// ggml's spinning threads many times slower (SPEC §4.3).
    pub threads: usize,
}

/// A recognised word, seconds of the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TranscribedWord {
    pub word: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Mean token probability, 0–1.
    pub p: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Transcript {
    pub words: Vec<TranscribedWord>,
    pub text: String,
    pub language: String,
}

type ProgressSlot = Rc<RefCell<Option<Box<dyn FnMut(f64)>>>>;

/// A loaded model.
pub struct Transcriber {
    context: WhisperContext,
    shape: ModelShape,
}

/// Speech shorter than this apart is given to Whisper in one piece; a longer pause is cut out.
const JOIN_PAUSE_S: f64 = 1.0;
/// Kept around each piece: words' edges, and a breath of context.
const PIECE_PAD_S: f64 = 0.2;
/// Silence put between pieces so Whisper hears a pause where one was.
const PIECE_GAP_S: f64 = 0.3;

impl Transcriber {
    pub fn load(model: &std::path::Path) -> Result<Self, SpeechError> {
        let shape = ggml::shape(model)?;
        whisper_rs::install_logging_hooks();
        let mut parameters = WhisperContextParameters::default();
        parameters.use_gpu(false);
        parameters.dtw_parameters(DtwParameters {
            mode: match shape.dtw_preset() {
                Some(model_preset) => DtwMode::ModelPreset { model_preset },
                None => DtwMode::TopMost {
                    n_top: (shape.text_layers / 2).max(1),
                },
            },
            ..DtwParameters::default()
        });
        let path_text = model.to_str().ok_or_else(|| SpeechError::ModelLoad {
            path: printable_path(model),
            detail: "the path is not valid text".into(),
        })?;
        let context = WhisperContext::new_with_params(path_text, parameters).map_err(|e| {
            SpeechError::ModelLoad {
                path: printable_path(model),
                detail: e.to_string(),
            }
        })?;
        Ok(Self { context, shape })
    }

    pub fn shape(&self) -> &ModelShape {
        &self.shape
    }

    /// Transcribe `audio`. With `speech` (the voice detector's spans) only those parts are
    /// recognised; `progress` gets 0–1.
    pub fn transcribe(
        &self,
        audio: &SpeechAudio,
        speech: Option<&[SpeechSpan]>,
        settings: &TranscribeSettings,
        cancel: &CancelToken,
        progress: impl FnMut(f64) + 'static,
    ) -> Result<Transcript, SpeechError> {
        let language = self.language(settings.language.as_deref())?;
        let pieces = match speech {
            Some(spans) => pieces(spans, audio.duration_s()),
            None => vec![Piece {
                start_s: 0.0,
                end_s: audio.duration_s(),
            }],
        };
        if pieces.is_empty() {
            return Ok(Transcript {
                words: Vec::new(),
                text: String::new(),
                language: language.unwrap_or("en").to_owned(),
            });
        }
        let joined = Joined::new(audio, &pieces);

        let mut state = self.context.create_state().map_err(whisper_error)?;
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(settings.threads.clamp(1, 64) as i32);
        params.set_language(Some(language.unwrap_or("auto")));
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_token_timestamps(true);
        params.set_suppress_blank(true);
        // whisper-rs 0.16 never frees the closures it is given (FullParams has no Drop), so they
        // hold only a slot; the caller's callback is taken back out of it once recognition ends.
        // whisper.cpp calls it back on this thread, inside `full`.
        let progress_slot: ProgressSlot = Rc::new(RefCell::new(Some(Box::new(progress))));
        let progress_for_whisper = progress_slot.clone();
        params.set_progress_callback_safe(move |percent: i32| {
            if let Some(report) = progress_for_whisper.borrow_mut().as_mut() {
                report(f64::from(percent.clamp(0, 100)) / 100.0);
            }
        });
        let aborted = Arc::new(AtomicBool::new(false));
        let abort_seen = aborted.clone();
        let cancel_for_whisper = cancel.clone();
        // Handed over already boxed: whisper-rs 0.16's `set_abort_callback_safe` boxes the closure
        // as `Box<dyn FnMut>` but calls it back as the closure's own type, which is only the same
        // type when the closure is that box (a plain closure crashed here).
        let abort: Box<dyn FnMut() -> bool> = Box::new(move || {
            let stop = cancel_for_whisper.is_cancelled();
            if stop {
                abort_seen.store(true, Ordering::Relaxed);
            }
            stop
        });
        params.set_abort_callback_safe::<_, Box<dyn FnMut() -> bool>>(abort);
        let ran = state.full(params, &joined.samples);
        progress_slot.borrow_mut().take();
        if cancel.is_cancelled() || aborted.load(Ordering::Relaxed) {
            return Err(SpeechError::Cancelled);
        }
        ran.map_err(whisper_error)?;
        let detected = whisper_rs::get_lang_str(state.full_lang_id_from_state())
            .unwrap_or("en")
            .to_owned();
        let mut words = self.words(&state, &joined)?;
        align_to_speech(&mut words, speech);
        let text = words
            .iter()
            .map(|w| w.word.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Transcript {
            words,
            text,
            language: language.map_or(detected, str::to_owned),
        })
    }

    fn language<'a>(&self, asked: Option<&'a str>) -> Result<Option<&'a str>, SpeechError> {
        let asked = asked
            .map(str::trim)
            .filter(|l| !l.is_empty() && *l != "auto");
        match asked {
            None if self.shape.english_only => Ok(Some("en")),
            None => Ok(None),
            Some(code) => {
                let known = whisper_rs::get_lang_id(code).is_some();
                if !known || (self.shape.english_only && code != "en") {
                    return Err(SpeechError::Language {
                        language: code.to_owned(),
                    });
                }
                Ok(Some(code))
            }
        }
    }

    /// Words from the tokens: a token starting with a space starts a word; punctuation stays on
    /// the word before it. A word starts at its first token's DTW time and ends where the next
    /// word starts (or its segment ends).
    fn words(
        &self,
        state: &WhisperState,
        joined: &Joined,
    ) -> Result<Vec<TranscribedWord>, SpeechError> {
        struct Building {
            bytes: Vec<u8>,
            start_cs: i64,
            probabilities: Vec<f32>,
        }
        let end_of_text = self.context.token_eot();
        let mut words = Vec::new();
        for segment in state.as_iter() {
            let segment_end_cs = segment.end_timestamp();
            let mut building: Vec<Building> = Vec::new();
            for index in 0..segment.n_tokens() {
                let Some(token) = segment.get_token(index) else {
                    continue;
                };
                if token.token_id() >= end_of_text {
                    continue;
                }
                let data = token.token_data();
                let bytes = token.to_bytes().map_err(whisper_error)?;
                let time_cs = if data.t_dtw >= 0 { data.t_dtw } else { data.t0 };
                let starts_word = bytes.first() == Some(&b' ') || building.is_empty();
                if starts_word {
                    building.push(Building {
                        bytes: Vec::new(),
                        start_cs: time_cs,
                        probabilities: Vec::new(),
                    });
                }
                if let Some(word) = building.last_mut() {
                    word.bytes.extend_from_slice(bytes);
                    word.probabilities.push(data.p);
                }
            }
            let count = building.len();
            for i in 0..count {
                let word = &building[i];
                let text = String::from_utf8_lossy(&word.bytes).trim().to_owned();
                if text.is_empty() {
                    continue;
                }
                // A word lasts until the next one starts, but never longer than a slow speaker
                // takes to say it (the next word may come after a pause); the last word of a
                // segment runs to the segment's end, or for as long as it takes to say.
                let chars = text.chars().count() as i64;
                let longest = 30 + 15 * chars;
                let end_cs = match building.get(i + 1) {
                    Some(next) => next.start_cs.min(word.start_cs + longest),
                    None => segment_end_cs
                        .min(word.start_cs + longest)
                        .max(word.start_cs + 10 + 8 * chars),
                }
                .max(word.start_cs + 1);
                let start_s = joined.source_time(word.start_cs as f64 / 100.0);
                let end_s = joined
                    .source_time(end_cs as f64 / 100.0)
                    .max(start_s + 0.01);
                let p =
                    word.probabilities.iter().sum::<f32>() / word.probabilities.len().max(1) as f32;
                words.push(TranscribedWord {
                    word: text,
                    start_s: round_ms(start_s),
                    end_s: round_ms(end_s),
                    p: (p * 1000.0).round() / 1000.0,
                });
            }
        }
        // Times never run backwards, whatever the alignment did at a segment's edge.
        let mut latest = 0.0f64;
        for word in &mut words {
            word.start_s = word.start_s.max(latest);
            word.end_s = word.end_s.max(word.start_s + 0.01);
            latest = word.start_s;
        }
        for i in 0..words.len().saturating_sub(1) {
            let next_start = words[i + 1].start_s;
            if words[i].end_s > next_start {
                words[i].end_s = next_start.max(words[i].start_s + 0.01);
            }
        }
        Ok(words)
    }
}

/// How late the alignment may put a phrase's first word after the detector heard the phrase
/// start, and still be moved back to it.
const MAX_LAG_S: f64 = 1.0;

/// Word times set by the voice detector's spans where the alignment lags them. whisper.cpp's DTW
/// times with small models come 0.3–0.6 s late (measured on jfk.wav with tiny.en: "ask" at 3.88 s
/// where the detector and ffmpeg hear the phrase start at 3.27 s), which shows as captions a
/// beat behind the voice. Each word belongs to the span it starts in, or, starting in a pause, to
/// the span just before it (it lags) unless that is more than [`MAX_LAG_S`] away. A span's words
/// move back together by how late its first word starts, and end inside it.
fn align_to_speech(words: &mut [TranscribedWord], speech: Option<&[SpeechSpan]>) {
    let Some(spans) = speech.filter(|s| !s.is_empty()) else {
        return;
    };
    let home = |start: f64| -> usize {
        let after = spans.partition_point(|s| s.start_s <= start);
        match after.checked_sub(1) {
            None => 0,
            Some(i) if start < spans[i].end_s || start - spans[i].end_s <= MAX_LAG_S => i,
            Some(i) => (i + 1).min(spans.len() - 1),
        }
    };
    let homes: Vec<usize> = words.iter().map(|w| home(w.start_s)).collect();
    let mut first = 0;
    while first < words.len() {
        let span = &spans[homes[first]];
        let end = homes[first..]
            .iter()
            .position(|&h| h != homes[first])
            .map_or(words.len(), |n| first + n);
        let lag = words[first].start_s - span.start_s;
        let shift = if lag > 0.0 && lag <= MAX_LAG_S {
            lag
        } else {
            0.0
        };
        for word in &mut words[first..end] {
            word.start_s = round_ms((word.start_s - shift).max(span.start_s.min(word.start_s)));
            word.end_s = round_ms((word.end_s - shift).min(span.end_s + 0.1));
        }
        first = end;
    }
    // Still in order, each ending before the next starts, and never empty.
    for k in 0..words.len() {
        if k > 0 && words[k].start_s < words[k - 1].start_s {
            words[k].start_s = words[k - 1].start_s;
        }
        if let Some(next_start) = words.get(k + 1).map(|w| w.start_s) {
            words[k].end_s = words[k].end_s.min(next_start.max(words[k].start_s));
        }
        words[k].end_s = words[k].end_s.max(round_ms(words[k].start_s + 0.01));
    }
}

fn whisper_error(e: whisper_rs::WhisperError) -> SpeechError {
    SpeechError::Whisper {
        detail: e.to_string(),
    }
}

fn round_ms(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    start_s: f64,
    end_s: f64,
}

/// The parts of the file worth recognising: speech spans padded and joined across short pauses.
fn pieces(spans: &[SpeechSpan], duration_s: f64) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = Vec::new();
    for span in spans {
        let start_s = (span.start_s - PIECE_PAD_S).max(0.0);
        let end_s = (span.end_s + PIECE_PAD_S).min(duration_s);
        match pieces.last_mut() {
            Some(last) if start_s - last.end_s < JOIN_PAUSE_S => last.end_s = end_s.max(last.end_s),
            _ => pieces.push(Piece { start_s, end_s }),
        }
    }
    pieces
}

/// The pieces laid end to end with a short silence between them, and the way back to file time.
struct Joined {
    samples: Vec<f32>,
    /// (time in the joined audio, time in the file, length), seconds.
    map: Vec<(f64, f64, f64)>,
}

impl Joined {
    fn new(audio: &SpeechAudio, pieces: &[Piece]) -> Self {
        let gap = vec![0f32; SpeechAudio::index(PIECE_GAP_S)];
        let mut samples = Vec::new();
        let mut map = Vec::with_capacity(pieces.len());
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                samples.extend_from_slice(&gap);
            }
            let from = SpeechAudio::index(piece.start_s).min(audio.samples.len());
            let to = SpeechAudio::index(piece.end_s).min(audio.samples.len());
            map.push((
                samples.len() as f64 / SAMPLE_RATE as f64,
                from as f64 / SAMPLE_RATE as f64,
                (to - from) as f64 / SAMPLE_RATE as f64,
            ));
            samples.extend_from_slice(&audio.samples[from..to]);
        }
        Self { samples, map }
    }

    /// A time of the joined audio as a time of the file; inside an inserted gap it is the end of
    /// the piece before.
    fn source_time(&self, joined_s: f64) -> f64 {
        let index = self
            .map
            .partition_point(|&(joined_start, _, _)| joined_start <= joined_s)
            .saturating_sub(1);
        match self.map.get(index) {
            Some(&(joined_start, source_start, length)) => {
                source_start + (joined_s - joined_start).clamp(0.0, length)
            }
            None => joined_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{align_to_speech, pieces, Joined, Piece, TranscribedWord};

    #[test]
    fn late_words_move_back_to_where_the_detector_heard_their_phrase_start() {
        // tiny.en's DTW times on jfk.wav, and the voice detector's spans of it.
        let spans: Vec<SpeechSpan> = [
            (0.322, 2.27),
            (3.266, 3.87),
            (3.938, 4.446),
            (5.378, 7.678),
            (8.162, 10.622),
        ]
        .iter()
        .map(|&(start_s, end_s)| SpeechSpan { start_s, end_s })
        .collect();
        let heard = [
            ("And", 0.76, 1.06),
            ("so", 1.06, 1.44),
            ("Americans", 2.26, 2.37),
            ("ask", 3.88, 3.98),
            ("not", 4.52, 4.62),
            ("what", 5.68, 6.0),
            ("you", 8.04, 8.38),
            ("ask", 8.66, 8.96),
            ("country.", 10.68, 10.78),
        ];
        let mut words: Vec<TranscribedWord> = heard
            .iter()
            .map(|&(word, start_s, end_s)| TranscribedWord {
                word: word.into(),
                start_s,
                end_s,
                p: 0.9,
            })
            .collect();
        align_to_speech(&mut words, Some(&spans));
        let starts: Vec<f64> = words.iter().map(|w| w.start_s).collect();
        assert_eq!(
            starts,
            vec![0.322, 0.622, 1.822, 3.266, 3.938, 5.378, 7.738, 8.162, 10.182]
        );
        for pair in words.windows(2) {
            assert!(
                pair[0].end_s <= pair[1].start_s && pair[0].end_s > pair[0].start_s,
                "{pair:?}"
            );
        }
        // On time already, or without spans: unchanged.
        let mut on_time = vec![TranscribedWord {
            word: "x".into(),
            start_s: 3.266,
            end_s: 3.5,
            p: 1.0,
        }];
        align_to_speech(&mut on_time, Some(&spans));
        assert_eq!((on_time[0].start_s, on_time[0].end_s), (3.266, 3.5));
        on_time[0].start_s = 3.4;
        align_to_speech(&mut on_time, None);
        assert_eq!(on_time[0].start_s, 3.4);
    }
    use crate::speech::audio::SpeechAudio;
    use crate::speech::vad::SpeechSpan;

    #[test]
    fn skipped_silence_maps_back_to_file_time() {
        let spans = [
            SpeechSpan {
                start_s: 1.0,
                end_s: 2.0,
            },
            SpeechSpan {
                start_s: 2.5,
                end_s: 3.0,
            },
            SpeechSpan {
                start_s: 10.0,
                end_s: 11.0,
            },
        ];
        let found = pieces(&spans, 20.0);
        assert_eq!(
            found,
            vec![
                Piece {
                    start_s: 0.8,
                    end_s: 3.2
                },
                Piece {
                    start_s: 9.8,
                    end_s: 11.2
                }
            ]
        );
        let audio = SpeechAudio {
            samples: vec![0.0; 16_000 * 20],
        };
        let joined = Joined::new(&audio, &found);
        assert!((joined.samples.len() as f64 / 16_000.0 - (2.4 + 0.3 + 1.4)).abs() < 1e-3);
        assert!((joined.source_time(0.2) - 1.0).abs() < 1e-6);
        assert!(
            (joined.source_time(2.5) - 3.2).abs() < 1e-6,
            "inside the gap"
        );
        assert!((joined.source_time(2.7 + 0.2) - 10.0).abs() < 1e-6);
    }
}
