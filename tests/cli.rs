//! The `edit-factory` command line, in the exact forms other checks rely on.

mod common;

fn run(library: &std::path::Path, args: &[&str]) -> std::process::Output {
    common::cli()
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn probe_prints_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let file = common::media("video/moviepy_fire2_phone_rot180_vfr.mp4");
    let out = run(dir.path(), &["probe", file.to_str().unwrap(), "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    for key in [
        "duration_s",
        "width",
        "height",
        "rotation",
        "fps",
        "has_audio",
        "has_video",
        "video_codec",
        "audio_codec",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["width"], 1280);
    assert_eq!(json["rotation"], 180);
    assert_eq!(json["video_codec"], "h264");
    assert_eq!(json["audio_codec"], "aac");
    assert_eq!(json["has_audio"], true);
}

#[test]
fn probe_of_a_broken_file_fails_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for broken in [
        "broken/mediabunny_annex-b_truncated_100000B.mp4",
        "broken/moviepy_result_empty_0B.webm",
    ] {
        let file = common::media(broken);
        let out = run(dir.path(), &["probe", file.to_str().unwrap(), "--json"]);
        assert!(!out.status.success(), "{broken}");
        assert!(out.stdout.is_empty(), "{broken}: nothing on stdout");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let first = stderr.lines().next().unwrap();
        assert!(first.starts_with("error: "), "{stderr}");
        assert!(
            first.contains(broken.rsplit('/').next().unwrap()),
            "{stderr}"
        );
    }
}

#[test]
fn project_import_and_source_list() {
    let dir = tempfile::tempdir().unwrap();
    let id = stdout(&run(
        dir.path(),
        &["project", "create", "CLI demo", "--target", "30"],
    ))
    .trim()
    .to_owned();
    assert_eq!(id.len(), 36, "prints the new id: {id}");

    let projects: serde_json::Value =
        serde_json::from_str(&stdout(&run(dir.path(), &["project", "list", "--json"]))).unwrap();
    assert_eq!(projects[0]["id"], id.as_str());
    assert_eq!(projects[0]["name"], "CLI demo");
    assert_eq!(projects[0]["target_duration_s"], 30.0);

    let a = common::media("video/moviepy_chaplin_h264_mp3.mp4");
    let b = common::media("speech/jfk.wav");
    stdout(&run(
        dir.path(),
        &["import", &id, a.to_str().unwrap(), b.to_str().unwrap()],
    ));
    let sources: serde_json::Value = serde_json::from_str(&stdout(&run(
        dir.path(),
        &["source", "list", &id, "--json"],
    )))
    .unwrap();
    assert_eq!(sources.as_array().unwrap().len(), 2);
    assert_eq!(sources[0]["file_name"], "moviepy_chaplin_h264_mp3.mp4");

    // The environment variable chooses the library as --library does.
    let env_list = common::cli()
        .env("EDIT_FACTORY_LIBRARY", dir.path())
        .args(["project", "list", "--json"])
        .output()
        .unwrap();
    assert!(stdout(&env_list).contains(&id));

    let bad = run(dir.path(), &["source", "list", "../../etc", "--json"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a valid id"));
}

fn project(library: &std::path::Path, name: &str) -> String {
    stdout(&run(library, &["project", "create", name]))
        .trim()
        .to_owned()
}

#[test]
fn two_processes_importing_one_folder_into_two_projects_both_succeed() {
    let library = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    for (i, name) in [
        "video/moviepy_chaplin_h264_mp3.mp4",
        "video/libopenshot_run_h264_noaudio.mp4",
        "video/moviepy_fire2_phone_rot180_vfr.mp4",
        "speech/jfk.wav",
    ]
    .iter()
    .cycle()
    .take(12)
    .enumerate()
    {
        let original = common::media(name);
        let ext = original.extension().unwrap().to_str().unwrap();
        std::fs::copy(&original, folder.path().join(format!("take{i:02}.{ext}"))).unwrap();
    }
    let (a, b) = (project(library.path(), "A"), project(library.path(), "B"));
    let spawn = |p: &str| {
        common::cli()
            .arg("--library")
            .arg(library.path())
            .args(["import", p, folder.path().to_str().unwrap(), "--json"])
            .output()
    };
    let (first, second) = std::thread::scope(|s| {
        let first = s.spawn(|| spawn(&a).unwrap());
        let second = s.spawn(|| spawn(&b).unwrap());
        (first.join().unwrap(), second.join().unwrap())
    });
    for out in [&first, &second] {
        let report: serde_json::Value = serde_json::from_str(&stdout(out)).unwrap();
        assert_eq!(
            report["imported"].as_array().unwrap().len(),
            12,
            "{report:#}"
        );
        assert_eq!(report["failed"].as_array().unwrap().len(), 0, "{report:#}");
    }
    for p in [&a, &b] {
        let sources: serde_json::Value = serde_json::from_str(&stdout(&run(
            library.path(),
            &["source", "list", p, "--json"],
        )))
        .unwrap();
        assert_eq!(sources.as_array().unwrap().len(), 12);
    }
}

#[test]
fn names_reach_the_terminal_with_control_characters_escaped() {
    let library = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let hostile = folder.path().join("clip\u{1b}]0;pwned\u{7}.mkv");
    std::fs::copy(
        common::media("video/gst_sample_vp9_vorbis_0.56s.mkv"),
        &hostile,
    )
    .unwrap();
    let p = project(library.path(), "Evil name");
    // A name from before names were checked, or written by another tool.
    rusqlite::Connection::open(library.path().join("library.sqlite"))
        .unwrap()
        .execute(
            "UPDATE projects SET name = 'Evil' || char(27) || '[31m name'",
            [],
        )
        .unwrap();
    let printed = [
        stdout(&run(
            library.path(),
            &["import", &p, hostile.to_str().unwrap()],
        )),
        stdout(&run(library.path(), &["source", "list", &p])),
        stdout(&run(library.path(), &["project", "list"])),
        stdout(&run(library.path(), &["probe", hostile.to_str().unwrap()])),
    ];
    for text in &printed {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
    }
    assert!(
        printed[1].contains("clip\\u{1b}]0;pwned\\u{7}.mkv"),
        "{}",
        printed[1]
    );
    assert!(
        printed[2].contains("Evil\\u{1b}[31m name"),
        "{}",
        printed[2]
    );
    // And in errors.
    let missing = folder.path().join("gone\u{1b}[2J.mp4");
    let out = run(library.path(), &["probe", missing.to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains('\u{1b}') && stderr.contains("gone\\u{1b}[2J.mp4"),
        "{stderr:?}"
    );
}

#[test]
fn a_damaged_file_gives_one_error_line_and_a_hint_and_glib_stays_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(common::media(
        "video/moviepy_bbb_0_30_vp8_vorbis_music.webm",
    ))
    .unwrap();
    let mut damaged = bytes.clone();
    // Flip bits through the cluster headers.
    for i in (4000..damaged.len()).step_by(997) {
        damaged[i] ^= 0x5A;
    }
    let file = dir.path().join("flipped.mkv");
    std::fs::write(&file, damaged).unwrap();
    let out = run(dir.path(), &["probe", file.to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    if out.status.success() {
        assert!(stderr.is_empty(), "{stderr}");
    } else {
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{stderr}");
        assert!(
            lines[0].starts_with("error: ") && lines[1].starts_with("hint: "),
            "{stderr}"
        );
    }
}

#[test]
fn a_library_the_user_cannot_write_opens_read_only_with_a_notice() {
    let library = tempfile::tempdir().unwrap();
    let p = project(library.path(), "Archive");
    stdout(&run(
        library.path(),
        &[
            "import",
            &p,
            common::media("speech/jfk.wav").to_str().unwrap(),
        ],
    ));
    // Another user (root can write anywhere, so the test runs the CLI as `nobody` then).
    let as_root = unsafe_is_root();
    let tools = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let binary = tools.path().join("edit-factory");
    std::fs::copy(env!("CARGO_BIN_EXE_edit-factory"), &binary).unwrap();
    use std::os::unix::fs::PermissionsExt;
    for path in [tools.path(), library.path()] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    std::fs::set_permissions(state.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    for entry in walk(library.path()) {
        let mode = if entry.is_dir() { 0o555 } else { 0o444 };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let as_reader = |args: &[&str]| {
        let mut command = if as_root {
            let mut c = std::process::Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&binary);
            c
        } else {
            std::process::Command::new(&binary)
        };
        command
            .env("HOME", tools.path())
            .env("XDG_STATE_HOME", state.path())
            .arg("--library")
            .arg(library.path())
            .args(args)
            .output()
            .unwrap()
    };
    let listed = as_reader(&["source", "list", &p]);
    let stderr = String::from_utf8_lossy(&listed.stderr);
    assert!(listed.status.success(), "{stderr}");
    assert!(
        stderr.contains("notice:") && stderr.contains("read-only"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&listed.stdout).contains("jfk.wav"));
    let refused = as_reader(&["project", "create", "New"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("error: ") && stderr.contains("read-only"),
        "{stderr}"
    );
    for entry in walk(library.path())
        .into_iter()
        .chain([library.path().to_path_buf()])
    {
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(tools.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn unsafe_is_root() -> bool {
    String::from_utf8(
        std::process::Command::new("id")
            .arg("-u")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
        == "0"
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}

#[test]
fn a_library_from_a_newer_version_is_named_as_such() {
    let library = tempfile::tempdir().unwrap();
    project(library.path(), "Made here");
    rusqlite::Connection::open(library.path().join("library.sqlite"))
        .unwrap()
        .pragma_update(None, "user_version", 40)
        .unwrap();
    let out = run(library.path(), &["project", "list"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: this library was made by a newer version of Edit Factory"),
        "{stderr}"
    );
    assert!(!stderr.contains("DatabaseTooFarAhead"), "{stderr}");
}

#[test]
fn manual_segments_round_trip_and_a_favourite_makes_it_into_the_variants() {
    let library = tempfile::tempdir().unwrap();
    let p = project(library.path(), "Marked");
    let film = common::media("video/moviepy_bbb_0_30_vp8_vorbis_music.webm");
    stdout(&run(
        library.path(),
        &["settings", "set", "analyze_after_import", "false"],
    ));
    stdout(&run(
        library.path(),
        &["import", &p, film.to_str().unwrap()],
    ));
    let sources: serde_json::Value = serde_json::from_str(&stdout(&run(
        library.path(),
        &["source", "list", &p, "--json"],
    )))
    .unwrap();
    let source = sources[0]["id"].as_str().unwrap().to_owned();
    let add = |args: &[&str]| {
        let mut all = vec!["segment", "add", source.as_str()];
        all.extend_from_slice(args);
        stdout(&run(library.path(), &all)).trim().to_owned()
    };
    // A dark stretch analysis would never offer (the title card), marked as a favourite.
    let favourite = add(&[
        "--start",
        "0.5",
        "--end",
        "2.5",
        "--keyword",
        "Intro",
        "--favorite",
        "--note",
        "opening",
    ]);
    let other = add(&[
        "--start",
        "5",
        "--end",
        "9",
        "--keyword",
        "demo",
        "--keyword",
        "close-up",
    ]);
    let bad = run(
        library.path(),
        &["segment", "add", &source, "--start", "20", "--end", "40"],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("inside the source"));

    let list = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["segment", "list", "--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&stdout(&run(library.path(), &all))).unwrap()
    };
    assert_eq!(list(&[]).as_array().unwrap().len(), 2);
    let intro = list(&["--keyword", "intro"]);
    assert_eq!(intro[0]["id"], favourite.as_str());
    assert_eq!(intro[0]["keywords"], serde_json::json!(["intro"]));
    assert_eq!(intro[0]["notes"], "opening");
    assert_eq!(list(&["--favorite"]).as_array().unwrap().len(), 1);
    assert_eq!(list(&["--min", "3"])[0]["id"], other.as_str());
    assert_eq!(list(&["--source", &source]).as_array().unwrap().len(), 2);

    stdout(&run(
        library.path(),
        &[
            "segment",
            "edit",
            &other,
            "--end",
            "8",
            "--favorite",
            "true",
        ],
    ));
    assert_eq!(list(&["--favorite"]).as_array().unwrap().len(), 2);
    assert_eq!(list(&["--min", "3.5"]).as_array().unwrap().len(), 0);
    stdout(&run(
        library.path(),
        &["segment", "assign", &p, &other, &favourite],
    ));

    let variants: serde_json::Value = serde_json::from_str(&stdout(&run(
        library.path(),
        &["variants", &p, "--count", "2", "--target", "8", "--json"],
    )))
    .unwrap();
    let uses_favourite = variants["variants"].as_array().unwrap().iter().any(|v| {
        v["segments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["start_s"].as_f64() == Some(0.5))
    });
    assert!(uses_favourite, "{variants:#}");

    stdout(&run(library.path(), &["segment", "delete", &favourite]));
    assert_eq!(list(&[]).as_array().unwrap().len(), 1);
}

#[test]
fn a_user_preset_is_saved_checked_listed_used_by_name_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path();
    stdout(&run(
        lib,
        &[
            "preset",
            "add",
            "my-draft",
            "--from",
            "draft",
            "--crf",
            "30",
            "--fps",
            "25",
            "--loudness",
            "-16",
        ],
    ));
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&run(lib, &["preset", "list", "--json"]))).unwrap();
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "my-draft")
        .expect("the saved preset is listed");
    assert_eq!(mine["crf"], 30);
    assert_eq!(mine["fps_num"], 25);
    assert_eq!(mine["width"], 540);
    assert_eq!(mine["loudness_lufs"], -16.0);

    // Nonsense settings, a built-in's name and a taken name are refused with the reason.
    for (args, reason) in [
        (vec!["preset", "add", "odd", "--width", "541"], "even"),
        (
            vec!["preset", "add", "slowest", "--speed", "glacial"],
            "speed",
        ),
        (vec!["preset", "add", "tiktok"], "built-in"),
        (vec!["preset", "add", "my-draft"], "exists already"),
        (vec!["preset", "add", "Bad Name"], "name"),
    ] {
        let out = run(lib, &args);
        assert!(!out.status.success(), "{args:?} was accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
    let out = run(lib, &["preset", "remove", "tiktok"]);
    assert!(!out.status.success());

    stdout(&run(lib, &["preset", "remove", "my-draft"]));
    let listed = stdout(&run(lib, &["preset", "list"]));
    assert!(!listed.contains("my-draft"), "{listed}");
    let out = run(lib, &["preset", "remove", "my-draft"]);
    assert!(!out.status.success(), "removing twice fails");
}

#[test]
fn short_turns_two_files_into_n_checked_shorts() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let out_dir = dir.path().join("shorts");
    let files = [
        common::media("video/moviepy_chaplin_h264_mp3.mp4"),
        common::media("video/mediabunny_trim-buck-bunny_vp9_opus.webm"),
    ];
    let mut args: Vec<String> = vec!["short".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(
        [
            "--target",
            "5",
            "--variants",
            "2",
            "--preset",
            "draft",
            "--json",
            "--out",
        ]
        .map(String::from),
    );
    args.push(out_dir.display().to_string());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();

    let report: serde_json::Value = serde_json::from_str(&stdout(&run(&lib, &argv))).unwrap();
    let outputs = report["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 2, "{report}");
    for output in outputs {
        let path = std::path::PathBuf::from(output["path"].as_str().unwrap());
        assert!(path.starts_with(&out_dir), "{}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.ends_with("_draft.mp4") && name.contains('_'), "{name}");
        let json = common::ffprobe(&["-show_streams", "-show_format"], &path);
        let streams = json["streams"].as_array().unwrap();
        let video = streams.iter().find(|s| s["codec_type"] == "video").unwrap();
        let audio = streams.iter().find(|s| s["codec_type"] == "audio").unwrap();
        assert_eq!(video["codec_name"], "h264");
        assert_eq!(
            (video["width"].as_u64(), video["height"].as_u64()),
            (Some(540), Some(960))
        );
        assert_eq!(audio["codec_name"], "aac");
        assert_eq!(audio["sample_rate"], "48000");
        let duration: f64 = json["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let reported = output["duration_s"].as_f64().unwrap();
        assert!(
            (duration - reported).abs() < 0.05,
            "{duration} vs {reported}"
        );
        assert!(duration > 2.0 && duration < 7.0, "{duration}");
        let lufs = output["integrated_lufs"].as_f64().unwrap();
        assert!((lufs + 14.0).abs() <= 1.0, "{lufs}");
    }

    // Run again into the same folder: a second project, named apart, so nothing is overwritten.
    let modified = |outputs: &[serde_json::Value]| -> Vec<std::time::SystemTime> {
        outputs
            .iter()
            .map(|o| {
                std::fs::metadata(o["path"].as_str().unwrap())
                    .unwrap()
                    .modified()
                    .unwrap()
            })
            .collect()
    };
    let before = modified(outputs);
    let again: serde_json::Value = serde_json::from_str(&stdout(&run(&lib, &argv))).unwrap();
    for (first, second) in outputs.iter().zip(again["outputs"].as_array().unwrap()) {
        assert_ne!(first["path"], second["path"]);
    }
    assert_eq!(before, modified(outputs));
}

#[test]
fn an_export_to_a_full_disk_fails_clearly_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let project_id = project(&lib, "Full");
    let film = common::media("video/moviepy_chaplin_h264_mp3.mp4");
    stdout(&run(&lib, &["import", &project_id, film.to_str().unwrap()]));
    let sources: serde_json::Value = serde_json::from_str(&stdout(&run(
        &lib,
        &["source", "list", &project_id, "--json"],
    )))
    .unwrap();
    let source_id = sources[0]["id"].as_str().unwrap();
    let timeline = dir.path().join("t.json");
    std::fs::write(
        &timeline,
        format!(
            r#"{{"version":1,"preset":"draft","length_policy":"video","items":[{{"id":"a","source_id":"{source_id}","in":0,"out":6000000000,"framing":{{"mode":"fill","focus_x":0.5,"focus_y":0.5,"zoom":1.0}},"volume":1.0}}],"audio":{{"mode":"keep","spans":[],"floor":0.03,"fade":0.8,"merge_gap":0.4}},"voiceover":null,"music":null,"captions":null}}"#
        ),
    )
    .unwrap();
    // A 256 KiB disk, mounted in a mount namespace of its own (no root needed where user
    // namespaces are allowed); the export is several times that.
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let script = format!(
        "mount -t tmpfs -o size=256k tmpfs '{disk}' || exit 90; \
         '{cli}' --library '{lib}' export --timeline '{timeline}' --preset draft --out '{disk}/x.mp4'; \
         echo \"exit=$?\" >&2; echo \"left=$(ls -A '{disk}')\" >&2",
        disk = disk.display(),
        cli = env!("CARGO_BIN_EXE_edit-factory"),
        lib = lib.display(),
        timeline = timeline.display(),
    );
    let out = std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(90),
        "could not mount a tmpfs: {stderr}"
    );
    assert!(stderr.contains("exit=1"), "{stderr}");
    assert!(stderr.contains("the disk is full"), "{stderr}");
    assert!(stderr.contains("has room"), "{stderr}");
    assert!(
        stderr.contains("left=\n") || stderr.trim_end().ends_with("left="),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
