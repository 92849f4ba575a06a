//! The library on a real SQLite file: schema, profiles, projects, import of real footage.

mod common;

use std::path::PathBuf;

use edit_factory::import::ImportOutcome;
use edit_factory::library::projects::ProjectStatus;
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
    assert_eq!(p.status, ProjectStatus::Draft);
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
    let report = common::import(&library, &project.id, &files);
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
    let again = common::import(&library, &project.id, &files);
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
    let report = common::import(&library, &project.id, &[rotated, iphone]);
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

    let broken = common::import(&library, &project.id, &[common::media("broken")]);
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
    let report = common::import(&library, &project.id, &[tree.path().to_path_buf()]);
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
    let added = common::import(&library, &project.id, std::slice::from_ref(&first));
    let id = added.imported[0].source.id.clone();

    let moved = tree.path().join("renamed.mp4");
    std::fs::rename(&first, &moved).unwrap();
    let report = common::import(&library, &project.id, std::slice::from_ref(&moved));
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
    let report = common::import(&library, &project.id, &[moved]);
    assert_eq!(report.imported[0].outcome, ImportOutcome::Refreshed);
    assert!(!report.imported[0].source.has_audio);
}

#[test]
fn a_library_made_by_the_first_schema_is_upgraded_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join("library.sqlite")).unwrap();
        conn.execute_batch(include_str!("../src/library/migrations/001_init.sql"))
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO projects (id, profile_id, name, created_at, updated_at)
             VALUES ('01a20ba1-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000001',
                     'From version 1', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
    }
    let library = Library::open(dir.path()).unwrap();
    let project = library
        .project("01a20ba1-0000-7000-8000-000000000001")
        .unwrap();
    assert_eq!(project.name, "From version 1");
    let conn = rusqlite::Connection::open(library.db_path()).unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 7);
    for (kind, name) in [
        ("index", "jobs_by_project"),
        ("table", "analyses"),
        ("index", "exports_by_clip"),
        ("table", "transcripts"),
        ("table", "clip_history"),
    ] {
        let found: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = ?1 AND name = ?2",
                [kind, name],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "the migration that makes {name} ran");
    }
}

#[test]
fn a_library_from_a_newer_version_is_refused_in_plain_words_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(Library::open(dir.path()).unwrap());
    let db = dir.path().join("library.sqlite");
    rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let error = Library::open(dir.path()).err().expect("refused");
    assert!(
        matches!(error, LibraryError::TooNew { found: 99, .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("newer version of Edit Factory"),
        "{error}"
    );
    assert!(error.hint().unwrap().contains("newest Edit Factory"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn reads_never_wait_for_a_writer_holding_the_database() {
    let (dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    library
        .create_project(&profile.id, "Readable", None)
        .unwrap();
    // Another process takes the write lock and keeps it.
    let mut other = rusqlite::Connection::open(dir.path().join("library.sqlite")).unwrap();
    let tx = other
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    tx.execute("UPDATE profiles SET description = 'busy'", [])
        .unwrap();
    let library = std::sync::Arc::new(library);
    // A write of ours now waits for it (up to the busy timeout) on its own thread...
    let writer = {
        let library = library.clone();
        let profile = profile.id.clone();
        std::thread::spawn(move || library.create_project(&profile, "Queued write", None))
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    // ...while reads answer at once, before the other process lets go.
    for _ in 0..20 {
        assert_eq!(library.projects(&profile.id).unwrap().len(), 1);
        assert_eq!(library.profiles().unwrap().len(), 1);
    }
    assert!(
        !writer.is_finished(),
        "the write is still waiting for the lock"
    );
    tx.commit().unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(library.projects(&profile.id).unwrap().len(), 2);
}

#[test]
fn a_change_and_its_audit_row_commit_together() {
    let (dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    let project = library
        .create_project(&profile.id, "Audited", None)
        .unwrap();
    // Make every audit insert fail: the rename it belongs to must not happen either.
    rusqlite::Connection::open(dir.path().join("library.sqlite"))
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END;",
        )
        .unwrap();
    assert!(library.rename_project(&project.id, "Renamed").is_err());
    assert_eq!(library.project(&project.id).unwrap().name, "Audited");
}

#[test]
fn leftovers_of_a_crash_are_swept_when_the_library_opens() {
    let (dir, library) = open_temp();
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, "Sweep", None).unwrap();
    let report = common::import(
        &library,
        &project.id,
        &[common::media("video/libopenshot_run_h264_noaudio.mp4")],
    );
    let kept = library
        .source_thumbnail_path(&report.imported[0].source.id)
        .unwrap()
        .unwrap();
    drop(library);
    let thumbs = dir.path().join("thumbnails");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    let make = |name: &str, age: Option<std::time::SystemTime>| {
        let path = thumbs.join(name);
        std::fs::write(&path, b"x").unwrap();
        if let Some(t) = age {
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(t)
                .unwrap();
        }
        path
    };
    let stale_partial = make(".a.jpg.123-00000000.partial", Some(old));
    let orphan = make("01a20ba1-0000-7000-8000-00000000beef.jpg", Some(old));
    let fresh_partial = make(".b.jpg.456-00000000.partial", None);
    std::fs::File::options()
        .write(true)
        .open(&kept)
        .unwrap()
        .set_modified(old)
        .unwrap();

    let library = Library::open(dir.path()).unwrap();
    assert!(
        !stale_partial.exists() && !orphan.exists(),
        "old leftovers removed"
    );
    assert!(
        fresh_partial.exists(),
        "a write another process may be doing is left alone"
    );
    assert!(kept.exists(), "a thumbnail in use stays");
    library.integrity_check().unwrap();
}
