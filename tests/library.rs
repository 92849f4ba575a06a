//! The library on a real SQLite file: schema, profiles, projects, import of real footage.

mod common;

use std::ops::ControlFlow;

use std::path::PathBuf;

use edit_factory::import::{import_paths, ImportOutcome};
use edit_factory::library::{Library, LibraryError};

fn open_temp() -> (tempfile::TempDir, Library) {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path()).unwrap();
    (dir, library)
}

#[test]
fn a_new_library_has_the_schema_and_one_default_profile() {
    let (dir, library) = open_temp();
    assert!(dir.path().join("library.sqlite").is_file());
    library.integrity_check().unwrap();
    let profiles = library.profiles().unwrap();
    assert_eq!(profiles.len(), 1);
    assert!(profiles[0].is_default);

    let conn = rusqlite::Connection::open(library.db_path()).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    for table in [
        "profiles",
        "projects",
        "sources",
        "segments",
        "project_segments",
        "clips",
        "clip_content",
        "exports",
        "presets",
        "jobs",
        "cost_entries",
        "publications",
        "audit_log",
    ] {
        let n: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "table {table}");
    }
    drop(library);
    // Re-opening applies no migration twice and keeps the data.
    let again = Library::open(dir.path()).unwrap();
    assert_eq!(again.profiles().unwrap().len(), 1);
}

#[test]
fn profiles_keep_exactly_one_default() {
    let (_dir, library) = open_temp();
    let shop = library.create_profile("Shop", "second brand").unwrap();
    assert!(!shop.is_default);
    assert!(matches!(
        library.create_profile("Shop", ""),
        Err(LibraryError::DuplicateProfile { .. })
    ));
    library.set_default_profile(&shop.id).unwrap();
    let defaults: Vec<_> = library
        .profiles()
        .unwrap()
        .into_iter()
        .filter(|p| p.is_default)
        .collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0].id, shop.id);
}

#[test]
fn projects_are_created_renamed_and_deleted_per_profile() {
    let (_dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    let other = library.create_profile("Other", "").unwrap();
    let p = library
        .create_project(&profile.id, "  Launch video ", Some(30.0))
        .unwrap();
    assert_eq!(p.name, "Launch video");
    assert_eq!(p.target_duration_s, 30.0);
    assert_eq!(p.status, "draft");
    library
        .create_project(&other.id, "Elsewhere", None)
        .unwrap();
    assert_eq!(library.projects(&profile.id).unwrap().len(), 1);

    assert!(matches!(
        library.create_project(&profile.id, "x", Some(2.0)),
        Err(LibraryError::Invalid(_))
    ));
    assert!(matches!(
        library.create_project(&profile.id, "  ", None),
        Err(LibraryError::Invalid(_))
    ));

    let renamed = library.rename_project(&p.id, "Launch v2").unwrap();
    assert_eq!(renamed.name, "Launch v2");
    library.delete_project(&p.id).unwrap();
    assert!(matches!(
        library.project(&p.id),
        Err(LibraryError::NotFound { .. })
    ));
    let audit: i64 = rusqlite::Connection::open(library.db_path())
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('rename', 'delete')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audit, 2, "rename and delete are audited");
}

#[test]
fn import_probes_thumbnails_and_never_duplicates() {
    let (_dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, "Import", None).unwrap();
    let files = vec![
        common::media("video/moviepy_chaplin_h264_mp3.mp4"),
        common::media("video/moviepy_fire2_phone_rot180_vfr.mp4"),
        common::media("speech/jfk.wav"),
    ];
    let report = import_paths(&library, &project.id, &files, |_, _, _| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.imported.len(), 3);
    assert!(report
        .imported
        .iter()
        .all(|i| i.outcome == ImportOutcome::Added));

    let sources = library.project_sources(&project.id).unwrap();
    assert_eq!(sources.len(), 3);
    let phone = sources
        .iter()
        .find(|s| s.file_name.contains("fire2"))
        .unwrap();
    assert_eq!(phone.rotation, 180);
    assert!(phone.is_vfr && phone.has_audio && phone.has_thumbnail);
    let speech = sources.iter().find(|s| s.file_name == "jfk.wav").unwrap();
    assert!(!speech.has_video && !speech.has_thumbnail);

    // The thumbnail is a real 320-px-wide JPEG, upright (rotation applied: 1280x720 stays landscape).
    let thumb = library.source_thumbnail_path(&phone.id).unwrap().unwrap();
    let json = common::ffprobe(&["-show_entries", "stream=codec_name,width,height"], &thumb);
    assert_eq!(json["streams"][0]["codec_name"], "mjpeg");
    assert_eq!(json["streams"][0]["width"], 320);
    assert_eq!(json["streams"][0]["height"], 180);

    // Importing again, and as part of a folder, adds nothing twice.
    let again = import_paths(&library, &project.id, &files, |_, _, _| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(again
        .imported
        .iter()
        .all(|i| i.outcome == ImportOutcome::AlreadyPresent));
    assert_eq!(library.project_sources(&project.id).unwrap().len(), 3);
}

#[test]
fn portrait_thumbnails_are_upright() {
    let (_dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    let project = library
        .create_project(&profile.id, "Portrait", None)
        .unwrap();

    // A phone-style portrait clip: 720x400 pixels stored, displayed turned 90° (ffmpeg sets the
    // display matrix without re-encoding).
    let tree = tempfile::tempdir().unwrap();
    let rotated = tree.path().join("portrait.mp4");
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(common::media("video/libopenshot_run_h264_noaudio.mp4"))
        .args(["-c", "copy", "-metadata:s:v:0", "rotate=90"])
        .arg(&rotated)
        .status()
        .unwrap();
    assert!(made.success());
    let iphone = common::media("video/mediabunny_iphone15_portrait_hevc10_0.09s.mov");
    let report = import_paths(&library, &project.id, &[rotated, iphone], |_, _, _| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    for imported in &report.imported {
        let source = &imported.source;
        assert!(source.is_portrait, "{}", source.file_name);
        assert!(
            source.display_height > source.display_width,
            "{}",
            source.file_name
        );
    }

    let clip = &report.imported[0].source;
    assert_eq!(
        (clip.display_width, clip.display_height),
        (Some(400), Some(720))
    );
    let thumb = library
        .source_thumbnail_path(&clip.id)
        .unwrap()
        .expect("a thumbnail");
    let json = common::ffprobe(&["-show_entries", "stream=width,height"], &thumb);
    assert_eq!(json["streams"][0]["width"], 320);
    assert_eq!(
        json["streams"][0]["height"], 576,
        "the still is turned upright (400x720 scaled)"
    );

    let iphone = &report.imported[1].source;
    assert_eq!(
        (iphone.display_width, iphone.display_height),
        (Some(1080), Some(1920))
    );
}

#[test]
fn folders_import_recursively_and_broken_files_change_nothing() {
    let (_dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    let project = library
        .create_project(&profile.id, "Folders", None)
        .unwrap();

    let broken = import_paths(
        &library,
        &project.id,
        &[common::media("broken")],
        |_, _, _| ControlFlow::Continue(()),
    )
    .unwrap();
    assert_eq!(broken.imported.len(), 0);
    assert_eq!(broken.failed.len(), 2);
    assert!(broken.failed.iter().any(|f| f.message.contains("empty")));
    assert!(broken
        .failed
        .iter()
        .any(|f| f.message.contains("damaged or incomplete")));
    assert!(broken.failed.iter().all(|f| f.hint.is_some()));
    assert_eq!(library.project_sources(&project.id).unwrap().len(), 0);
    assert_eq!(
        std::fs::read_dir(library.thumbnails_dir()).unwrap().count(),
        0
    );

    // A nested folder with a non-media file in it.
    let tree = tempfile::tempdir().unwrap();
    let nested = tree.path().join("day1/cam-a");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::copy(
        common::media("video/libopenshot_run_h264_noaudio.mp4"),
        nested.join("run.mp4"),
    )
    .unwrap();
    std::fs::copy(
        common::media("speech/jfk.wav"),
        tree.path().join("voice.wav"),
    )
    .unwrap();
    std::fs::write(tree.path().join("day1/notes.txt"), "not media").unwrap();
    let report = import_paths(
        &library,
        &project.id,
        &[tree.path().to_path_buf()],
        |_, _, _| ControlFlow::Continue(()),
    )
    .unwrap();
    assert_eq!(report.imported.len(), 2, "{:?}", report.failed);
    assert_eq!(report.skipped_non_media, 1);
    assert!(report.failed.is_empty());
}

#[test]
fn moved_files_are_followed_by_content() {
    let (_dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, "Moves", None).unwrap();
    let tree = tempfile::tempdir().unwrap();
    let first: PathBuf = tree.path().join("clip.mp4");
    std::fs::copy(common::media("video/moviepy_chaplin_h264_mp3.mp4"), &first).unwrap();
    let added = import_paths(
        &library,
        &project.id,
        std::slice::from_ref(&first),
        |_, _, _| ControlFlow::Continue(()),
    )
    .unwrap();
    let id = added.imported[0].source.id.clone();

    let moved = tree.path().join("renamed.mp4");
    std::fs::rename(&first, &moved).unwrap();
    let report = import_paths(
        &library,
        &project.id,
        std::slice::from_ref(&moved),
        |_, _, _| ControlFlow::Continue(()),
    )
    .unwrap();
    assert_eq!(report.imported[0].outcome, ImportOutcome::Relocated);
    assert_eq!(report.imported[0].source.id, id, "the source keeps its id");
    assert_eq!(
        report.imported[0].source.path,
        moved.canonicalize().unwrap().display().to_string()
    );
    assert_eq!(library.project_sources(&project.id).unwrap().len(), 1);

    // Same path, new content: refreshed in place.
    std::fs::copy(
        common::media("video/libopenshot_run_h264_noaudio.mp4"),
        &moved,
    )
    .unwrap();
    let report = import_paths(&library, &project.id, &[moved], |_, _, _| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(report.imported[0].outcome, ImportOutcome::Refreshed);
    assert!(!report.imported[0].source.has_audio);
}
