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
