//! Speech on real recordings: transcription accuracy and word times, voice activity, silence
//! removal, model downloads from a local stand-in for the model host, caption files, and the bad
//! inputs each of these must refuse cleanly.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use edit_factory::jobs::CancelToken;
use edit_factory::speech::file as speech_file;
use edit_factory::speech::{SpeechError, TranscribeSettings};

fn tiny_model() -> PathBuf {
    common::media_dir().join("../models/ggml-tiny.en.bin")
}

/// Lower case, no punctuation, digits as words: how word error rate is usually counted.
fn normalise(text: &str) -> Vec<String> {
    const DIGITS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .map(|w| match w.parse::<usize>() {
            Ok(d) if d < 10 => DIGITS[d].to_owned(),
            _ => w,
        })
        .collect()
}

/// Word-level edit distance.
fn word_errors(reference: &[String], heard: &[String]) -> usize {
    let mut row: Vec<usize> = (0..=heard.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, h) in heard.iter().enumerate() {
            let substitution = previous + usize::from(r != h);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[heard.len()]
}

fn settings() -> TranscribeSettings {
    TranscribeSettings {
        language: None,
        threads: 1,
    }
}

fn quiet() -> speech_file::Progress {
    Arc::new(|_| {})
}

/// The first word after each pause starts where ffmpeg hears the voice come back (the end of a
/// silence its silencedetect finds at -20 dB: the room tone here peaks near -30 dB), within a
/// quarter of a second.
fn phrases_start_when_the_voice_does(file: &Path, words: &[edit_factory::speech::TranscribedWord]) {
    let returns: Vec<f64> = common::silences(file, -20.0, 0.3)
        .into_iter()
        .map(|(_, end)| end)
        .filter(|&t| t < 10.8)
        .collect();
    assert!(returns.len() >= 3, "pauses found by ffmpeg: {returns:?}");
    for back in returns {
        let first = words
            .iter()
            .map(|w| w.start_s)
            .filter(|&s| s >= back - 0.3)
            .fold(f64::INFINITY, f64::min);
        eprintln!("voice back at {back:.2} s, next word at {first:.2} s");
        assert!(
            (first - back).abs() <= 0.25,
            "the word after the pause ending at {back:.2} s starts at {first:.2} s"
        );
    }
}

#[test]
fn known_speech_is_transcribed_with_few_errors_and_ordered_word_times() {
    let mut recordings = vec![(
        "speech/jfk.wav".to_owned(),
        std::fs::read_to_string(common::media("speech/jfk.txt"))
            .unwrap()
            .split_once('\t')
            .unwrap()
            .1
            .to_owned(),
    )];
    for line in std::fs::read_to_string(common::media("speech/asterisk_selected.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let (name, text) = line.split_once(": ").unwrap();
        recordings.push((format!("speech/asterisk_{name}.wav"), text.to_owned()));
    }
    assert_eq!(recordings.len(), 6);
    let (mut errors, mut total) = (0, 0);
    for (file, expected) in &recordings {
        let path = common::media(file);
        let (heard, transcript) = speech_file::transcribe(
            &path,
            &tiny_model(),
            &settings(),
            &CancelToken::new(),
            quiet(),
        )
        .unwrap();
        let reference = normalise(expected);
        let found = normalise(&transcript.text);
        let e = word_errors(&reference, &found);
        eprintln!(
            "{file}: {e}/{} errors: {:?}",
            reference.len(),
            transcript.text
        );
        errors += e;
        total += reference.len();
        let duration = heard.audio.duration_s();
        let mut last_start = 0.0;
        for word in &transcript.words {
            assert!(
                word.start_s >= last_start,
                "{file}: times go back at {word:?}"
            );
            assert!(word.end_s > word.start_s, "{file}: {word:?}");
            assert!(
                word.end_s <= duration + 0.05,
                "{file}: {word:?} past {duration}"
            );
            assert!((0.0..=1.0).contains(&word.p));
            last_start = word.start_s;
        }
        assert_eq!(transcript.language, "en");
        if file.ends_with("jfk.wav") {
            phrases_start_when_the_voice_does(&path, &transcript.words);
        }
    }
    let wer = errors as f64 / total as f64;
    eprintln!("word error rate {:.1}% ({errors}/{total})", wer * 100.0);
    assert!(wer <= 0.10, "word error rate {:.1}%", wer * 100.0);
}

#[test]
fn the_transcribe_command_writes_words_and_caption_files_that_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let jfk = common::media("speech/jfk.wav");
    let model = tiny_model();
    // `edit-factory transcribe jfk.wav --model tiny.en ARGS --out OUT`, which must succeed.
    let transcribe = |args: &[&str], out: &Path| {
        let run = common::cli()
            .args(["transcribe", jfk.to_str().unwrap(), "--model"])
            .arg(&model)
            .args(args)
            .arg("--out")
            .arg(out)
            .env("EDIT_FACTORY_CPU_BUDGET_DIR", dir.path().join("slots"))
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    };
    let json = dir.path().join("jfk.json");
    transcribe(&["--format", "json"], &json);
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let words = value["words"].as_array().unwrap();
    assert!(words.len() >= 20);
    for key in ["word", "start_s", "end_s", "p"] {
        assert!(words[0].get(key).is_some(), "missing {key}");
    }
    assert!(value["text"].as_str().unwrap().contains("fellow Americans"));

    let srt = dir.path().join("jfk.srt");
    transcribe(&["--format", "srt"], &srt);
    let vtt = dir.path().join("jfk.vtt");
    let back = dir.path().join("back.srt");
    for (from, to) in [(&srt, &vtt), (&vtt, &back)] {
        let out = common::cli()
            .args(["captions", "convert"])
            .arg(from)
            .arg(to)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(std::fs::read(&srt).unwrap(), std::fs::read(&back).unwrap());
    assert!(std::fs::read_to_string(&vtt)
        .unwrap()
        .starts_with("WEBVTT\n\n00:00:00."));
    for format in ["ass", "json", "csv"] {
        let file = dir.path().join(format!("jfk.{format}"));
        let out = common::cli()
            .args(["captions", "convert"])
            .arg(&srt)
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(std::fs::read_to_string(&file).unwrap().contains("country"));
    }
}

fn cli_json(args: &[&str]) -> serde_json::Value {
    let out = common::cli().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn spans(value: &serde_json::Value, key: &str) -> Vec<(f64, f64)> {
    value[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["start_s"].as_f64().unwrap(), s["end_s"].as_f64().unwrap()))
        .collect()
}

#[test]
fn voice_activity_finds_the_silent_tail_and_the_pauses_of_a_lecture() {
    let example = common::media("video/autoeditor_example_h264_aac_speech_silence.mp4");
    let speech = spans(
        &cli_json(&["vad", example.to_str().unwrap(), "--json"]),
        "speech",
    );
    let longest_pause = speech
        .windows(2)
        .map(|w| (w[1].0 - w[0].1, w[0].1))
        .fold((0.0, 0.0), |a, b| if b.0 > a.0 { b } else { a });
    assert!(
        longest_pause.0 > 22.0 && (longest_pause.1 - 17.3).abs() < 0.5,
        "the 22.7 s tail after 17.3 s: {speech:?}"
    );

    let lecture = common::media("speech/silero_test_60s.wav");
    let speech = spans(
        &cli_json(&["vad", lecture.to_str().unwrap(), "--json"]),
        "speech",
    );
    let talking: f64 = speech.iter().map(|(s, e)| e - s).sum();
    let pauses: Vec<f64> = speech.windows(2).map(|w| w[1].0 - w[0].1).collect();
    assert!(speech.len() >= 10, "{speech:?}");
    assert!(
        (0.6..0.95).contains(&(talking / 60.0)),
        "{talking} s of speech"
    );
    assert!(
        pauses.iter().all(|&p| p > 0.0),
        "spans apart and in order: {pauses:?}"
    );
    assert!(
        pauses.iter().filter(|&&p| p >= 0.3).count() >= 8,
        "{pauses:?}"
    );
    // The longest pause of the recording, between 6.9 s and 9.3 s.
    assert!(
        speech.windows(2).any(|w| w[0].1 < 7.2 && w[1].0 > 9.0),
        "{speech:?}"
    );
}

#[test]
fn silence_removal_cuts_about_the_tail() {
    let example = common::media("video/autoeditor_example_h264_aac_speech_silence.mp4");
    let report = cli_json(&["silence", example.to_str().unwrap(), "--json"]);
    let removed = report["removed_s"].as_f64().unwrap();
    assert!((22.7..27.0).contains(&removed), "removed {removed} s");
    let keep = spans(&report, "keep");
    let kept: f64 = keep.iter().map(|(s, e)| e - s).sum();
    assert!((kept + removed - 42.45).abs() < 0.1, "{kept} + {removed}");
    assert!(keep.windows(2).all(|w| w[1].0 - w[0].1 >= 0.3));
    let looser = cli_json(&[
        "silence",
        example.to_str().unwrap(),
        "--min-silence",
        "2",
        "--padding",
        "0.2",
        "--json",
    ]);
    assert!(looser["removed_s"].as_f64().unwrap() < removed);
}

fn fails_with(args: &[&str], env: &[(&str, &Path)], expected: &str) -> String {
    let mut command = common::cli();
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn bad_inputs_end_with_a_clear_error_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let out_text = out.to_str().unwrap();
    let model = tiny_model();
    let model_text = model.to_str().unwrap();
    let slots = dir.path().join("slots");
    let env = [("EDIT_FACTORY_CPU_BUDGET_DIR", slots.as_path())];
    let silent = common::media("video/libopenshot_run_h264_noaudio.mp4");
    fails_with(
        &[
            "transcribe",
            silent.to_str().unwrap(),
            "--model",
            model_text,
            "--format",
            "json",
            "--out",
            out_text,
        ],
        &env,
        "has no sound",
    );
    fails_with(
        &["vad", silent.to_str().unwrap(), "--json"],
        &env,
        "has no sound",
    );
    for (broken, says) in [
        ("broken/moviepy_result_empty_0B.webm", "empty"),
        ("broken/mediabunny_annex-b_truncated_100000B.mp4", ""),
    ] {
        let file = common::media(broken);
        fails_with(
            &[
                "transcribe",
                file.to_str().unwrap(),
                "--model",
                model_text,
                "--format",
                "json",
                "--out",
                out_text,
            ],
            &env,
            says,
        );
    }
    let jfk = common::media("speech/jfk.wav");
    fails_with(
        &[
            "transcribe",
            jfk.to_str().unwrap(),
            "--model",
            jfk.to_str().unwrap(),
            "--format",
            "json",
            "--out",
            out_text,
        ],
        &env,
        "is not a Whisper model",
    );
    fails_with(
        &[
            "transcribe",
            jfk.to_str().unwrap(),
            "--model",
            model_text,
            "--language",
            "fr",
            "--format",
            "json",
            "--out",
            out_text,
        ],
        &env,
        "not a language this model knows",
    );
    assert!(!out.exists(), "nothing written");

    let srt = dir.path().join("bad.srt");
    std::fs::write(
        &srt,
        "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 -> 00:00:04,000\nbroken arrow\n",
    )
    .unwrap();
    let converted = dir.path().join("bad.vtt");
    fails_with(
        &[
            "captions",
            "convert",
            srt.to_str().unwrap(),
            converted.to_str().unwrap(),
        ],
        &[],
        "line 6",
    );
    assert!(!converted.exists());
}

#[test]
fn a_cancel_mid_transcription_stops_it_promptly() {
    let cancel = CancelToken::new();
    let seen = Arc::new(AtomicUsize::new(0));
    let (seen_in, cancel_in) = (seen.clone(), cancel.clone());
    let progress: speech_file::Progress = Arc::new(move |f| {
        // Cancel once recognition is under way (past decoding and voice detection).
        if f > 0.2 {
            seen_in.fetch_add(1, Ordering::Relaxed);
            cancel_in.cancel();
        }
    });
    let started = std::time::Instant::now();
    let result = speech_file::transcribe(
        &common::media("speech/silero_test_60s.wav"),
        &tiny_model(),
        &settings(),
        &cancel,
        progress,
    );
    assert!(
        matches!(result, Err(SpeechError::Cancelled)),
        "{:?}",
        result.err()
    );
    assert!(seen.load(Ordering::Relaxed) > 0);
    eprintln!("stopped after {:?}", started.elapsed());
}

#[test]
fn a_model_download_resumes_and_is_checked() {
    // The head of the real tiny.en file: a valid model header, quick to serve.
    let mut body = vec![0u8; 3 << 20];
    std::fs::File::open(tiny_model())
        .unwrap()
        .read_exact(&mut body)
        .unwrap();
    let sha = edit_factory::speech::models::sha256_of(&{
        let dir = tempfile::tempdir().unwrap().keep();
        let path = dir.join("body");
        std::fs::write(&path, &body).unwrap();
        path
    })
    .unwrap();
    let models = tempfile::tempdir().unwrap();
    let env = [("EDIT_FACTORY_MODELS_DIR", models.path())];
    let host = common::model_host::model_host(body.clone(), sha.clone(), Some(1 << 20));

    fails_with(
        &["model", "download", "test", "--url", &host.url],
        &env,
        "download again to resume",
    );
    let partial = models.path().join("ggml-test.bin.download");
    assert_eq!(
        std::fs::metadata(&partial).unwrap().len(),
        1 << 20,
        "the part is kept"
    );
    let out = common::cli()
        .args(["model", "download", "test", "--url", &host.url])
        .env("EDIT_FACTORY_MODELS_DIR", models.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        *host.ranges.lock().unwrap(),
        vec![None, Some(1 << 20)],
        "resumed"
    );
    assert!(!partial.exists());
    assert_eq!(
        std::fs::read(models.path().join("ggml-test.bin")).unwrap(),
        body
    );
    let out = common::cli()
        .args(["model", "list", "--json"])
        .env("EDIT_FACTORY_MODELS_DIR", models.path())
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["installed"][0]["name"], "test");
    assert_eq!(list["installed"][0]["shape"]["size"], "tiny");

    // A wrong checksum: nothing installed, nothing left behind.
    let host = common::model_host::model_host(body.clone(), sha.clone(), None);
    fails_with(
        &[
            "model",
            "download",
            "other",
            "--url",
            &host.url,
            "--sha256",
            &"0".repeat(64),
        ],
        &env,
        "not the file expected",
    );
    assert!(!models.path().join("ggml-other.bin").exists());
    assert!(!models.path().join("ggml-other.bin.download").exists());

    // Importing a file that is not a model is refused; a real one is installed under its name.
    let jfk = common::media("speech/jfk.wav");
    fails_with(
        &["model", "import", jfk.to_str().unwrap()],
        &env,
        "is not a Whisper model",
    );
    let out = common::cli()
        .args(["model", "import"])
        .arg(tiny_model())
        .env("EDIT_FACTORY_MODELS_DIR", models.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(models.path().join("ggml-tiny.en.bin").is_file());
}

/// Lecture speech (16 s of silero_test_60s.wav from 20 s: talk with short breaths) over a
/// steady tone that runs on alone to 24 s, with a picture: footage whose speech and non-speech
/// parts can both be measured.
fn narrated_clip(dir: &Path) -> PathBuf {
    let out = dir.join("talk.mp4");
    let lecture = common::media("speech/silero_test_60s.wav");
    common::generate(
        &[
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=24",
            "-ss", "20", "-t", "16", "-i", lecture.to_str().unwrap(),
            "-f", "lavfi", "-i", "sine=frequency=330:duration=24",
            "-filter_complex",
            "[1:a]apad=whole_dur=24[s];[2:a]volume=0.1[t];[s][t]amix=inputs=2:normalize=0:duration=first[a]",
            "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast",
            "-c:a", "aac", "-ar", "48000", "-t", "24",
        ],
        &out,
    );
    out
}

struct Short {
    library: tempfile::TempDir,
    report: serde_json::Value,
}

fn short(file: &Path, models: &Path, options: &[&str]) -> Short {
    let library = tempfile::tempdir().unwrap();
    let out_dir = library.path().join("out");
    let out = common::cli()
        .arg("--library")
        .arg(library.path())
        .arg("short")
        .arg(file)
        .args([
            "--target",
            "15",
            "--variants",
            "1",
            "--preset",
            "draft",
            "--json",
        ])
        .args(options)
        .arg("--out")
        .arg(&out_dir)
        .env("EDIT_FACTORY_MODELS_DIR", models)
        .env("EDIT_FACTORY_CPU_BUDGET_DIR", library.path().join("slots"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_slice(&out.stdout).unwrap();
    Short { library, report }
}

fn clip_of(short: &Short) -> edit_factory::library::clips::Clip {
    let library = edit_factory::library::Library::open(short.library.path()).unwrap();
    library
        .clip(short.report["outputs"][0]["clip_id"].as_str().unwrap())
        .unwrap()
}

/// A file's sound as 16 kHz mono samples (ffmpeg).
fn pcm(file: &Path) -> Vec<f32> {
    let out = std::process::Command::new("ffmpeg")
        .args(["-loglevel", "error", "-i"])
        .arg(file)
        .args(["-ac", "1", "-ar", "16000", "-f", "f32le", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    out.stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

fn rms_db_of(samples: &[f32]) -> f64 {
    let power =
        samples.iter().map(|s| (*s as f64).powi(2)).sum::<f64>() / samples.len().max(1) as f64;
    10.0 * power.max(1e-20).log10()
}

#[test]
fn short_with_duck_voice_lowers_the_speech_by_more_than_25_db() {
    let dir = tempfile::tempdir().unwrap();
    let talk = narrated_clip(dir.path());
    let made = short(&talk, dir.path(), &["--duck-voice"]);
    let output = PathBuf::from(made.report["outputs"][0]["path"].as_str().unwrap());
    let clip = clip_of(&made);
    let spans: Vec<(f64, f64)> = clip
        .timeline
        .audio
        .spans
        .iter()
        .map(|s| (s.start as f64 / 1e9, s.end as f64 / 1e9))
        .collect();
    assert!(!spans.is_empty(), "{spans:?}");
    // Every 10 ms of the export, by the source moment it plays: well inside speech (past the
    // fades), or well away from it; each compared with the same moment of the source.
    let (source, exported) = (pcm(&talk), pcm(&output));
    let (mut speech, mut rest) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
    let mut at = 0.0;
    for item in &clip.timeline.items {
        let (from, to) = (item.in_ns as f64 / 1e9, item.out_ns as f64 / 1e9);
        let mut t = from + 0.05;
        while t + 0.01 < to - 0.05 {
            let inside = spans
                .iter()
                .any(|&(s, e)| t > s + 0.85 && t + 0.01 < e - 0.85);
            let away = spans
                .iter()
                .all(|&(s, e)| t + 0.01 < s - 1.0 || t > e + 1.0);
            let (src, out) = (
                (t * 16_000.0) as usize,
                ((at + t - from) * 16_000.0) as usize,
            );
            if src + 160 <= source.len() && out + 160 <= exported.len() {
                let target = if inside {
                    Some(&mut speech)
                } else if away {
                    Some(&mut rest)
                } else {
                    None
                };
                if let Some((s, o)) = target {
                    s.extend_from_slice(&source[src..src + 160]);
                    o.extend_from_slice(&exported[out..out + 160]);
                }
            }
            t += 0.01;
        }
        at += to - from;
    }
    assert!(
        speech.0.len() > 16_000 && rest.0.len() > 8_000,
        "{} {}",
        speech.0.len(),
        rest.0.len()
    );
    let drop =
        (rms_db_of(&speech.1) - rms_db_of(&rest.1)) - (rms_db_of(&speech.0) - rms_db_of(&rest.0));
    eprintln!("speech lowered by {drop:.1} dB relative to the rest");
    assert!(drop <= -25.0, "ducked by only {drop:.1} dB");
}

#[test]
fn short_with_captions_silence_removal_and_denoise_cuts_pauses_and_captions_the_words() {
    let dir = tempfile::tempdir().unwrap();
    let talk = narrated_clip(dir.path());
    let models = dir.path().join("models");
    // Without a model, captions are refused before anything is made.
    let out = common::cli()
        .arg("--library")
        .arg(dir.path().join("lib"))
        .arg("short")
        .arg(&talk)
        .args(["--target", "15", "--captions", "--out"])
        .arg(dir.path().join("nothing"))
        .env("EDIT_FACTORY_MODELS_DIR", &models)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no speech model is installed"));
    assert!(!dir.path().join("nothing").exists());

    std::fs::create_dir_all(&models).unwrap();
    std::fs::copy(tiny_model(), models.join("ggml-tiny.en.bin")).unwrap();
    let made = short(
        &talk,
        &models,
        &["--captions", "--remove-silence", "--denoise"],
    );
    let output = &made.report["outputs"][0];
    let clip = clip_of(&made);
    assert!(
        clip.timeline.audio.denoise,
        "--denoise is kept on the variant"
    );
    assert!(
        clip.timeline.items.len() >= 2,
        "jump cuts: {:?}",
        clip.timeline.items
    );
    let captions = clip.timeline.captions.as_ref().expect("captions");
    let text: Vec<&str> = captions.cues.iter().map(|c| c.text.as_str()).collect();
    assert!(text.len() >= 5, "{text:?}");
    let duration = output["duration_s"].as_f64().unwrap();
    assert!(
        duration < 14.0,
        "the pauses and tail were cut: {duration} s"
    );
    assert!(
        (duration - clip.timeline.duration_ns() as f64 / 1e9).abs() < 0.05,
        "{duration}"
    );
    for cue in &captions.cues {
        assert!(
            cue.end as f64 / 1e9 <= duration + 0.05,
            "{cue:?} past the end"
        );
    }
    let notes = made.report["notes"].to_string();
    assert!(notes.contains("silence removed"), "{notes}");
}

#[test]
fn catalogue_models_can_come_from_a_mirror_given_by_a_plain_http_address() {
    use edit_factory::speech::models::{download_source, set_download_source, DEFAULT_BASE_URL};
    let (_dir, library) = common::temp_library();
    assert_eq!(download_source(&library).unwrap(), DEFAULT_BASE_URL);
    for (bad, why) in [
        ("ftp://mirror.example.com/m", "only http and https"),
        ("mirror.example.com/m", "relative URL"),
        (
            "https://user:secret@mirror.example.com/m",
            "user name or password",
        ),
        ("https://mirror.example.com/m?token=1", "cannot carry"),
    ] {
        let error = set_download_source(&library, Some(bad)).unwrap_err();
        assert!(error.to_string().contains(why), "{bad}: {error}");
        assert!(error.hint().is_some());
        assert!(!error.to_string().contains("secret"), "{error}");
    }
    // Nothing refused was kept.
    assert_eq!(download_source(&library).unwrap(), DEFAULT_BASE_URL);
    let taken =
        set_download_source(&library, Some(" https://mirror.example.com/whisper/ ")).unwrap();
    assert_eq!(taken, "https://mirror.example.com/whisper");
    assert_eq!(download_source(&library).unwrap(), taken);
    assert_eq!(
        edit_factory::speech::models::DownloadRequest::catalogue("base.en", Some(&taken)).url,
        "https://mirror.example.com/whisper/ggml-base.en.bin"
    );
    set_download_source(&library, None).unwrap();
    assert_eq!(download_source(&library).unwrap(), DEFAULT_BASE_URL);
}
