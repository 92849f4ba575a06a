//! Footage analysis and variants on the real footage: scene cuts where ffmpeg finds them, nothing
//! picked from a silent static stretch, no repeats from a re-encoded copy, distinct variants in
//! every mode, the cache, and every shared file analysed or refused by name.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use edit_factory::analysis::selection::Mode;
use edit_factory::analysis::settings::WindowSettings;
use edit_factory::analysis::variants::{generate, VariantRequest};
use edit_factory::analysis::{analyze_cached, cache};
use edit_factory::jobs::progress::JobListener;
use edit_factory::jobs::{
    handlers, CancelToken, JobKind, JobQueue, JobStatus, JobSummary, NewJob, WorkerConfig,
    WorkerPool,
};
use edit_factory::library::Library;
use edit_factory::timeline::seconds;

/// Where ffmpeg's scene detector (`select='gt(scene,0.4)'`) sees new scenes start.
fn ffmpeg_cuts(path: &Path) -> Vec<f64> {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-nostats", "-i"])
        .arg(path)
        .args(["-vf", "select='gt(scene,0.4)',showinfo", "-f", "null", "-"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stderr)
        .split("pts_time:")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .collect()
}

#[test]
fn scene_cuts_are_found_where_ffmpeg_finds_them_and_nowhere_else() {
    let (_dir, library) = common::temp_library();
    for name in [
        "video/moviepy_bbb_0_30_vp8_vorbis_music.webm",
        "video/moviepy_chaplin_h264_mp3.mp4",
        "video/libopenshot_run_h264_noaudio.mp4",
    ] {
        let path = common::media(name);
        let theirs = ffmpeg_cuts(&path);
        let ours = analyze_cached(Some(&library), &path, &CancelToken::new(), |_| {})
            .unwrap()
            .analysis
            .scene_cuts_s;
        assert_eq!(
            ours.len(),
            theirs.len(),
            "{name}: ours {ours:?}, ffmpeg {theirs:?}"
        );
        for (a, b) in ours.iter().zip(&theirs) {
            assert!(
                (*a as f64 - b).abs() <= 0.2,
                "{name}: ours {ours:?}, ffmpeg {theirs:?}"
            );
        }
    }
}

#[test]
fn the_second_analysis_comes_from_the_cache_and_the_first_keeps_the_waveform() {
    let (_dir, library) = common::temp_library();
    let path = common::media("video/moviepy_bbb_0_30_vp8_vorbis_music.webm");
    let first = analyze_cached(Some(&library), &path, &CancelToken::new(), |_| {}).unwrap();
    let second = analyze_cached(Some(&library), &path, &CancelToken::new(), |_| {}).unwrap();
    assert!(!first.cached && second.cached);
    assert_eq!(
        first.analysis, second.analysis,
        "the cache gives back what was measured"
    );
    // The waveform drawn from the analysis' own samples is the one a separate decode makes.
    let kept = std::fs::read(library.waveform_path(&first.content_hash, false)).unwrap();
    let made = edit_factory::media::waveform::make(&path, false, &CancelToken::new()).unwrap();
    assert_eq!(kept.len(), made.len());
    assert_eq!(kept, made);
}

/// Import `paths` into a new project and analyse them through the real jobs.
fn analysed_project(
    library: &std::sync::Arc<Library>,
    name: &str,
    paths: &[std::path::PathBuf],
) -> String {
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, name, None).unwrap();
    let report = common::import(library, &project.id, paths);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let queue = JobQueue::new(library.clone());
    for source in library.project_sources(&project.id).unwrap() {
        queue
            .enqueue_analysis(&source.id, Some(&project.id))
            .unwrap();
    }
    WorkerPool::new(queue, handlers::registry(), WorkerConfig::default())
        .run_until_idle(None)
        .unwrap();
    for job in library.jobs().list(100).unwrap() {
        if job.kind == JobKind::Analyze {
            assert_eq!(job.status, JobStatus::Succeeded, "{:?}", job.error_message);
        }
    }
    project.id
}

#[test]
fn nothing_is_picked_from_the_silent_static_tail() {
    let (_dir, library) = common::temp_library();
    let talk = common::media("video/autoeditor_example_h264_aac_speech_silence.mp4");
    let project = analysed_project(
        &library,
        "Talk",
        &[
            talk.clone(),
            common::media("video/moviepy_bbb_0_30_vp8_vorbis_music.webm"),
        ],
    );
    let talk_id = library
        .project_sources(&project)
        .unwrap()
        .into_iter()
        .find(|s| s.file_name.starts_with("autoeditor"))
        .unwrap()
        .id;
    let (made, clips) = generate(
        &library,
        &project,
        &VariantRequest {
            count: 3,
            target_s: 15.0,
            mode: Mode::Auto,
            seed: 1,
        },
    )
    .unwrap();
    assert_eq!(made.variants.len(), 3, "{:?}", made.notes);
    assert_eq!(clips.len(), 3);
    for item in clips.iter().flat_map(|c| &c.timeline.items) {
        if item.source_id == talk_id {
            let (a, b) = (seconds(item.in_ns), seconds(item.out_ns));
            assert!(
                b <= 17.7 || a >= 40.0,
                "picked {a:.1}-{b:.1} s of the silent tail"
            );
        }
    }
}

#[test]
fn a_re_encoded_copy_adds_no_repeated_moments_and_every_mode_makes_distinct_variants() {
    let (_dir, library) = common::temp_library();
    let tree = tempfile::tempdir().unwrap();
    let original = common::media("video/moviepy_bbb_0_30_vp8_vorbis_music.webm");
    let copy = tree.path().join("bbb_small.mp4");
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&original)
        .args([
            "-vf",
            "scale=480:270",
            "-c:v",
            "libx264",
            "-crf",
            "30",
            "-preset",
            "veryfast",
            "-c:a",
            "aac",
        ])
        .arg(&copy)
        .status()
        .unwrap();
    assert!(made.success());
    let project = analysed_project(
        &library,
        "Copies",
        &[
            original,
            copy,
            common::media("video/moviepy_chaplin_h264_mp3.mp4"),
        ],
    );
    let sources = library.project_sources(&project).unwrap();
    let id_of = |prefix: &str| {
        sources
            .iter()
            .find(|s| s.file_name.starts_with(prefix))
            .unwrap()
            .id
            .clone()
    };
    let (big, small) = (id_of("moviepy_bbb"), id_of("bbb_small"));
    for mode in [Mode::Auto, Mode::Random, Mode::Sequential] {
        let (made, clips) = generate(
            &library,
            &project,
            &VariantRequest {
                count: 3,
                target_s: 10.0,
                mode,
                seed: 11,
            },
        )
        .unwrap();
        assert_eq!(made.variants.len(), 3, "{mode:?}: {:?}", made.notes);
        // A moment of the film and the same moment of its copy never both appear.
        let pieces: Vec<(String, f64, f64)> = clips
            .iter()
            .flat_map(|c| &c.timeline.items)
            .map(|i| (i.source_id.clone(), seconds(i.in_ns), seconds(i.out_ns)))
            .collect();
        for (s, a, b) in pieces.iter().filter(|p| p.0 == big) {
            for (_, c, d) in pieces.iter().filter(|p| p.0 == small) {
                assert!(
                    b <= c || d <= a,
                    "{mode:?}: {s} {a}-{b} repeats in the copy at {c}-{d}"
                );
            }
        }
        for i in 0..clips.len() {
            for j in i + 1..clips.len() {
                assert_ne!(clips[i].timeline.items.len(), 0);
                let key = |k: usize| {
                    clips[k]
                        .timeline
                        .items
                        .iter()
                        .map(|it| (it.source_id.clone(), it.in_ns, it.out_ns))
                        .collect::<Vec<_>>()
                };
                assert_ne!(
                    key(i),
                    key(j),
                    "{mode:?}: variants {i} and {j} are the same"
                );
                assert!(made.overlap[i][j] < 1.0);
            }
        }
    }
}

#[test]
fn every_shared_file_analyses_or_is_refused_by_name() {
    let (_dir, library) = common::temp_library();
    for row in common::manifest() {
        let path = common::media(&row.path);
        match analyze_cached(Some(&library), &path, &CancelToken::new(), |_| {}) {
            Ok(found) => {
                assert!(
                    !row.path.starts_with("broken/"),
                    "{}: a broken file analysed",
                    row.path
                );
                let windows = found.analysis.windows(20.0, &WindowSettings::default());
                assert!(
                    windows
                        .iter()
                        .all(|w| w.end_s <= found.analysis.duration_s + 0.01),
                    "{}",
                    row.path
                );
                if row.has_audio() && found.analysis.duration_s >= 0.2 {
                    assert!(
                        !found.analysis.loudness.is_empty(),
                        "{}: loudness",
                        row.path
                    );
                }
            }
            Err(e) => {
                assert!(row.path.starts_with("broken/"), "{}: {e}", row.path);
                let shown = e.to_string();
                let name = row.path.rsplit('/').next().unwrap();
                assert!(shown.contains(name) && !shown.contains('\n'), "{shown}");
            }
        }
    }
}

#[test]
fn a_cancelled_analysis_stops_at_once_and_stores_nothing() {
    let (_dir, library) = common::temp_library();
    let path = common::media("video/autoeditor_example_h264_aac_speech_silence.mp4");
    let cancel = CancelToken::new();
    let asked = std::cell::Cell::new(None);
    let result = analyze_cached(Some(&library), &path, &cancel, |done| {
        if done > 0.2 && asked.get().is_none() {
            cancel.cancel();
            asked.set(Some(Instant::now()));
        }
    });
    let stopped = asked.get().expect("the analysis got under way").elapsed();
    assert!(result.err().is_some_and(|e| e.is_cancelled()));
    assert!(stopped.as_millis() < 1000, "{stopped:?}");
    let hash = edit_factory::media::fingerprint::fingerprint(&path).unwrap();
    assert!(
        !cache::has(&library, &hash).unwrap(),
        "nothing partial stored"
    );
}

#[test]
fn one_variant_is_made_anew_unlike_the_others_and_kept_ones_survive_regeneration() {
    let (_dir, library) = common::temp_library();
    let project = analysed_project(
        &library,
        "Again",
        &[
            common::media("video/moviepy_bbb_0_30_vp8_vorbis_music.webm"),
            common::media("video/moviepy_chaplin_h264_mp3.mp4"),
        ],
    );
    let request = VariantRequest {
        count: 3,
        target_s: 8.0,
        mode: Mode::Auto,
        seed: 2,
    };
    let (_, clips) = generate(&library, &project, &request).unwrap();
    let key = |c: &edit_factory::library::clips::Clip| {
        c.timeline
            .items
            .iter()
            .map(|i| (i.source_id.clone(), i.in_ns, i.out_ns))
            .collect::<Vec<_>>()
    };
    let before: Vec<_> = clips.iter().map(key).collect();
    let (_, renewed) =
        edit_factory::analysis::variants::regenerate_one(&library, &clips[1].id, &request).unwrap();
    assert_eq!(renewed.id, clips[1].id);
    assert!(
        !before.contains(&key(&renewed)),
        "the new variant repeats one that exists"
    );

    // A kept variant stays as it is through a regeneration of all.
    library.select_clip(&clips[0].id, true).unwrap();
    let (_, again) = generate(&library, &project, &request).unwrap();
    assert_eq!(again.len(), 4);
    assert_eq!(again[0].id, clips[0].id);
    assert_eq!(key(&again[0]), before[0]);
}

/// The analyses an import queues reach the app as queued at once (the window lists them then),
/// not only when each starts.
#[test]
fn an_import_announces_the_analyses_it_queues() {
    let (_dir, library) = common::temp_library();
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, "Takes", None).unwrap();
    let queue = JobQueue::new(library.clone());
    let import = queue
        .enqueue(&NewJob::import(
            &project.id,
            &[
                common::media("video/moviepy_chaplin_h264_mp3.mp4"),
                common::media("video/libopenshot_run_h264_noaudio.mp4"),
            ],
        ))
        .unwrap();
    let heard: Arc<Mutex<Vec<JobSummary>>> = Arc::default();
    let listener: JobListener = {
        let heard = heard.clone();
        Arc::new(move |job: &JobSummary| heard.lock().unwrap().push(job.clone()))
    };
    WorkerPool::new(queue, handlers::registry(), WorkerConfig::default())
        .with_listener(listener)
        .run_until_idle(Some(std::slice::from_ref(&import.id)))
        .unwrap();
    let heard = heard.lock().unwrap();
    let queued = heard
        .iter()
        .filter(|j| j.kind == JobKind::Analyze && j.status == JobStatus::Queued)
        .count();
    assert_eq!(queued, 2, "the app hears of both analyses: {heard:?}");
    let first_analysis = heard.iter().position(|j| j.kind == JobKind::Analyze);
    let import_end = heard
        .iter()
        .position(|j| j.id == import.id && j.status == JobStatus::Succeeded);
    assert!(
        first_analysis < import_end && import_end.is_some(),
        "announced while the import runs, before its end: {heard:?}"
    );
}
