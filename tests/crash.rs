//! Crash safety: a CLI process importing a folder is killed with SIGKILL at random moments; the
//! library must stay intact, no job may stay "running", nothing partial may be registered, and
//! the work must be able to finish afterwards. `EF_CRASH_ITERATIONS` sets how many kills (default
//! 20; raise it for a stress run).

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use edit_factory::jobs::{handlers, JobQueue, JobStatus, WorkerConfig, WorkerPool};
use edit_factory::library::Library;
use rand::Rng;

const FILES: usize = 24;

fn footage_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let originals = [
        "video/moviepy_chaplin_h264_mp3.mp4",
        "video/libopenshot_run_h264_noaudio.mp4",
        "video/moviepy_fire2_phone_rot180_vfr.mp4",
        "video/mediabunny_trim-buck-bunny_vp9_opus.webm",
        "speech/jfk.wav",
        "video/gst_sample_vp9_vorbis_0.56s.mkv",
    ];
    for i in 0..FILES {
        let original = common::media(originals[i % originals.len()]);
        let ext = original.extension().unwrap().to_string_lossy().into_owned();
        let sub = dir.path().join(format!("day{}", i % 3));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::copy(&original, sub.join(format!("take{i:02}.{ext}"))).unwrap();
    }
    dir
}

fn check_library(dir: &std::path::Path, project_id: &str) -> usize {
    let library = Arc::new(Library::open(dir).unwrap());
    library.integrity_check().unwrap();
    // As the next start of the app or of `jobs run` does.
    WorkerPool::new(
        JobQueue::new(library.clone()),
        handlers::registry(),
        WorkerConfig::default(),
    )
    .recover()
    .unwrap();
    for job in library.jobs().list(1000).unwrap() {
        assert_ne!(
            job.status,
            JobStatus::Running,
            "job {} left running",
            job.id
        );
        if job.status == JobStatus::Failed {
            assert!(
                job.error_message.as_deref().is_some_and(|m| !m.is_empty()),
                "failed without a reason"
            );
        }
    }
    let sources = library.project_sources(project_id).unwrap();
    let paths: HashSet<_> = sources.iter().map(|s| s.path.clone()).collect();
    assert_eq!(paths.len(), sources.len(), "no duplicate sources");
    assert!(sources.len() <= FILES);
    for source in &sources {
        assert_eq!(source.has_thumbnail, source.has_video, "{}", source.path);
        if let Some(thumb) = library.source_thumbnail_path(&source.id).unwrap() {
            let bytes = std::fs::read(&thumb)
                .unwrap_or_else(|e| panic!("registered thumbnail {thumb:?}: {e}"));
            assert!(
                bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9]),
                "complete JPEG {thumb:?}"
            );
            assert!(!thumb.to_string_lossy().ends_with(".partial"));
        }
    }
    sources.len()
}

fn cli(library: &std::path::Path) -> std::process::Command {
    let mut command = common::cli();
    command.arg("--library").arg(library);
    command
}

fn create_project(library: &std::path::Path) -> String {
    // This test is about imports; analysing every file after each one would only slow it down.
    let off = cli(library)
        .args(["settings", "set", "analyze_after_import", "false"])
        .output()
        .unwrap();
    assert!(off.status.success());
    let out = cli(library)
        .args(["project", "create", "Crash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn killing_an_import_at_random_moments_loses_nothing() {
    let iterations: usize = std::env::var("EF_CRASH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let footage = footage_folder();

    // How long an uninterrupted import takes here, so the kills land inside one: the shorter of
    // two, since the first run of a fresh build also pays for cold caches (a 3.0 s first run
    // against ~2 s after let a quarter of the kills land after the end).
    let mut full = Duration::MAX;
    for _ in 0..2 {
        let calibration = tempfile::tempdir().unwrap();
        let project = create_project(calibration.path());
        let started = Instant::now();
        let out = cli(calibration.path())
            .args(["import", &project])
            .arg(footage.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        full = full.min(started.elapsed());
        assert_eq!(check_library(calibration.path(), &project), FILES);
    }

    let mut rng = rand::rng();
    let mut killed_mid_way = 0;
    for _ in 0..iterations {
        // A fresh library each time, so every kill interrupts real work.
        let library = tempfile::tempdir().unwrap();
        let project = create_project(library.path());
        let mut child = cli(library.path())
            .args(["import", &project])
            .arg(footage.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let kill_at = full.mul_f64(rng.random_range(0.02..0.95));
        let started = Instant::now();
        while started.elapsed() < kill_at && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(2));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed_mid_way += 1;
        }
        child.wait().unwrap();
        check_library(library.path(), &project);

        // The interrupted import resumes and finishes.
        let out = cli(library.path()).args(["jobs", "run"]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(check_library(library.path(), &project), FILES);
        let jobs: Vec<_> = Library::open(library.path())
            .unwrap()
            .jobs()
            .list(100)
            .unwrap()
            .into_iter()
            .filter(|j| j.kind == edit_factory::jobs::JobKind::Import)
            .collect();
        assert_eq!(jobs.len(), 1);
        assert_eq!(
            jobs[0].status,
            JobStatus::Succeeded,
            "{:?}",
            jobs[0].error_message
        );
    }
    println!("{killed_mid_way} of {iterations} kills hit a running import (full import: {full:?})");
    assert!(
        killed_mid_way * 4 >= iterations * 3,
        "only {killed_mid_way} of {iterations} kills hit a running import"
    );
}
