//! A voice-over laid under a variant: its pauses cut (the voice detector's spans, through the real
//! jobs), captions made from its own words where it now plays them, and the export checked with
//! ffmpeg: the long pause is gone from the sound.
//!
//! Its own test binary: the models folder is chosen through the process environment, which no
//! other test here may share.

mod common;

use edit_factory::captions::CuePreset;
use edit_factory::jobs::{
    handlers, CancelToken, JobQueue, JobSpec, NewJob, WorkerConfig, WorkerPool,
};
use edit_factory::library::Library;
use edit_factory::speech::clip as speech_clip;
use edit_factory::timeline::{Timeline, Voiceover};

fn run(library: &std::sync::Arc<Library>, specs: Vec<JobSpec>) {
    let queue = JobQueue::new(library.clone());
    for spec in specs {
        queue.enqueue(&NewJob::new(spec, None)).unwrap();
    }
    WorkerPool::new(queue, handlers::registry(), WorkerConfig::default())
        .run_until_idle(None)
        .unwrap();
}

#[test]
fn a_voice_over_loses_its_pauses_and_its_captions_follow_it_into_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");
    std::fs::create_dir_all(&models).unwrap();
    std::fs::copy(
        common::media_dir().join("../models/ggml-tiny.en.bin"),
        models.join("ggml-tiny.en.bin"),
    )
    .unwrap();
    // The only test in this binary: nothing else reads the environment meanwhile.
    std::env::set_var("EDIT_FACTORY_MODELS_DIR", &models);

    // JFK, a 3 s pause, JFK again: the recording; 30 s of picture without sound: the footage.
    let voice = dir.path().join("voice.wav");
    let jfk = common::media("speech/jfk.wav");
    common::generate(
        &[
            "-i",
            jfk.to_str().unwrap(),
            "-i",
            jfk.to_str().unwrap(),
            "-filter_complex",
            "[0:a]apad=pad_dur=3[a];[a][1:a]concat=n=2:v=0:a=1[out]",
            "-map",
            "[out]",
        ],
        &voice,
    );
    let picture = dir.path().join("picture.mp4");
    common::generate(
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=30:duration=30",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
        ],
        &picture,
    );
    assert!(
        common::silences(&voice, -40.0, 2.5)
            .iter()
            .any(|(a, _)| (10.0..12.0).contains(a)),
        "the recording has its pause"
    );

    let (_lib_dir, library) = common::temp_library();
    library
        .set_setting("analyze_after_import", "false")
        .unwrap();
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, "Voice", None).unwrap();
    let report = common::import(&library, &project.id, &[picture.clone(), voice.clone()]);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let source = |name: &str| {
        report
            .imported
            .iter()
            .find(|i| i.source.file_name == name)
            .unwrap()
            .source
            .clone()
    };
    let (picture, voice) = (source("picture.mp4"), source("voice.wav"));
    let item = common::item(&picture, 0.0, picture.duration_s);
    let clip = library
        .replace_variants(&project.id, &[Timeline::of_items("draft", vec![item])])
        .unwrap()
        .remove(0);

    let clip = speech_clip::set_voiceover(
        &library,
        &clip,
        Some(Voiceover {
            asset_id: voice.id.clone(),
            offset: 0,
            volume: 1.0,
            removed_silences: vec![],
        }),
    )
    .unwrap();
    assert_eq!(clip.undo.as_deref(), Some("Voice-over"));

    // Not listened to yet: the voice-over is named as what to listen to first.
    let missing = speech_clip::cut_silences(&library, &clip)
        .unwrap()
        .unwrap_err();
    assert_eq!(missing, vec![voice.id.clone()]);
    run(
        &library,
        vec![JobSpec::Voice {
            source_id: voice.id.clone(),
        }],
    );
    let (clip, removal) = speech_clip::cut_silences(&library, &clip).unwrap().unwrap();
    eprintln!("voice-over: {removal:?}");
    assert!(
        removal.removed_s > 2.5 && removal.new_s < voice.duration_s - 2.5,
        "{removal:?}"
    );
    assert!(clip.timeline.items.len() == 1, "the footage is not cut");
    assert!(!clip
        .timeline
        .voiceover
        .as_ref()
        .unwrap()
        .removed_silences
        .is_empty());

    // Captions from the voice-over's words, where the shortened voice-over plays them.
    let missing = speech_clip::generate_captions(&library, &clip, CuePreset::Shorts)
        .unwrap()
        .unwrap_err();
    assert_eq!(missing, vec![voice.id.clone()]);
    run(
        &library,
        vec![JobSpec::Transcribe {
            source_id: voice.id.clone(),
            model: None,
            language: Some("en".into()),
        }],
    );
    let clip = speech_clip::generate_captions(&library, &clip, CuePreset::Shorts)
        .unwrap()
        .unwrap();
    let cues = &clip.timeline.captions.as_ref().unwrap().cues;
    let text = cues
        .iter()
        .map(|c| c.text.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(text.matches("country").count(), 4, "{text}");
    let last_end = cues.last().unwrap().end as f64 / 1e9;
    // (A cue lasts at least 0.7 s with this preset, so it may outlast the last word a little.)
    assert!(
        last_end <= removal.new_s + 0.7,
        "the last caption ends with the shortened voice ({last_end} s, voice {} s)",
        removal.new_s
    );

    // The export: the voice-over's 3 s pause is gone from the sound.
    let out = dir.path().join("voice.mp4");
    edit_factory::render::export(
        &library,
        &clip.timeline,
        &edit_factory::render::preset::builtin("draft").unwrap(),
        "x264enc",
        &out,
        &CancelToken::new(),
        |_, _| {},
    )
    .unwrap();
    let long_pauses: Vec<_> = common::silences(&out, -40.0, 1.5)
        .into_iter()
        .filter(|(start, _)| *start < removal.new_s - 0.5)
        .collect();
    assert!(
        long_pauses.is_empty(),
        "pauses left in the voice: {long_pauses:?}"
    );
}
