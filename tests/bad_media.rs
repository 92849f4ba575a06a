//! A corpus of bad and odd inputs, made by the test itself (deterministically) from the shared
//! footage: truncations at many points, flipped bits, random bytes and text under video names,
//! pictures and GIFs named as videos, late-starting video, special files, link loops, a link to
//! `/`, 16 audio tracks, subtitles only, an absurd claimed frame size, and odd and non-UTF-8 names.
//! Every probe must end with facts (checked against ffprobe) or one plain line; a folder import
//! lists every refusal; a cancel stops the import within a second wherever it lands.
#![cfg(unix)]

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use edit_factory::jobs::CancelToken;
use edit_factory::jobs::{handlers, JobQueue, JobStatus, NewJob, WorkerConfig, WorkerPool};
use edit_factory::media::{self, MediaError, MediaInfo};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn ffmpeg(args: &[&str]) {
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "ffmpeg {args:?}");
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Build the corpus in `dir`; returns every entry made.
fn make_corpus(dir: &Path) -> Vec<PathBuf> {
    let mut rng = StdRng::seed_from_u64(0xEF_2026);
    let chaplin = common::media("video/moviepy_chaplin_h264_mp3.mp4");
    let fire = common::media("video/moviepy_fire2_phone_rot180_vfr.mp4");
    let webm = common::media("video/mediabunny_trim-buck-bunny_vp9_opus.webm");
    let mkv = common::media("video/gst_sample_vp9_vorbis_0.56s.mkv");
    let speech = common::media("speech/autoeditor_commentary_aac.m4a");
    let at = |name: &str| dir.join(name);

    // Index at the end (ffmpeg's default) and at the front.
    ffmpeg(&["-i", s(&chaplin), "-c", "copy", s(&at("moov_end.mp4"))]);
    ffmpeg(&[
        "-i",
        s(&chaplin),
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        s(&at("moov_front.mp4")),
    ]);
    for (source, tag) in [("moov_end.mp4", "end"), ("moov_front.mp4", "front")] {
        let bytes = std::fs::read(at(source)).unwrap();
        for percent in [1, 5, 10, 25, 50, 75, 90, 97, 99] {
            let cut = bytes.len() * percent / 100;
            std::fs::write(at(&format!("trunc_{tag}_{percent:02}.mp4")), &bytes[..cut]).unwrap();
        }
    }
    // Flipped bits through the whole file (headers included), three variants per container.
    for (source, ext) in [(&chaplin, "mp4"), (&mkv, "mkv"), (&webm, "webm")] {
        let bytes = std::fs::read(source).unwrap();
        for variant in 0..3 {
            let mut damaged = bytes.clone();
            for _ in 0..12 {
                let i = rng.random_range(0..damaged.len());
                damaged[i] ^= 1 << rng.random_range(0..8);
            }
            std::fs::write(at(&format!("flipped_{variant}.{ext}")), damaged).unwrap();
        }
    }
    let noise: Vec<u8> = (0..65_536).map(|_| rng.random()).collect();
    std::fs::write(at("random_bytes.mp4"), &noise).unwrap();
    std::fs::write(at("random_bytes.mkv"), &noise[..4096]).unwrap();
    std::fs::write(at("notes.mov"), "These are my notes for the shoot.\n").unwrap();
    std::fs::write(
        at("captions.mp4"),
        "1\n00:00:01,000 --> 00:00:02,000\nHello\n",
    )
    .unwrap();
    // Pictures under video names.
    ffmpeg(&[
        "-i",
        s(&chaplin),
        "-frames:v",
        "1",
        "-f",
        "image2",
        "-c:v",
        "png",
        s(&at("still_png.mp4")),
    ]);
    ffmpeg(&[
        "-i",
        s(&chaplin),
        "-frames:v",
        "1",
        "-f",
        "image2",
        "-c:v",
        "mjpeg",
        s(&at("still_jpg.mov")),
    ]);
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=64x64:rate=10",
        "-t",
        "2",
        s(&at("anim.gif")),
    ]);
    std::fs::copy(at("anim.gif"), at("anim_gif.mp4")).unwrap();
    // Video that starts late: by an offset of the whole file, and by its video track only.
    ffmpeg(&[
        "-itsoffset",
        "2",
        "-i",
        s(&fire),
        "-c",
        "copy",
        s(&at("late_start.mp4")),
    ]);
    ffmpeg(&[
        "-itsoffset",
        "2",
        "-i",
        s(&chaplin),
        "-i",
        s(&speech),
        "-map",
        "0:v",
        "-map",
        "1:a",
        "-c",
        "copy",
        s(&at("late_video.mp4")),
    ]);
    // Sixteen audio tracks; subtitles and nothing else.
    let mut args: Vec<String> = vec!["-i".into(), s(&speech).into()];
    for _ in 0..16 {
        args.extend(["-map".into(), "0:a".into()]);
    }
    args.extend(["-c".into(), "copy".into(), s(&at("tracks16.mkv")).into()]);
    ffmpeg(&args.iter().map(String::as_str).collect::<Vec<_>>());
    std::fs::write(at("subs.srt"), "1\n00:00:01,000 --> 00:00:02,000\nHello\n").unwrap();
    ffmpeg(&[
        "-i",
        s(&at("subs.srt")),
        "-c:s",
        "srt",
        s(&at("subs_only.mkv")),
    ]);
    std::fs::remove_file(at("subs.srt")).unwrap();
    // A header that claims a 65535×65535 picture.
    let mut huge = std::fs::read(at("moov_front.mp4")).unwrap();
    let avc1 = huge.windows(4).position(|w| w == b"avc1").unwrap();
    huge[avc1 + 28..avc1 + 32].copy_from_slice(&[0xFF; 4]);
    let tkhd = huge.windows(4).position(|w| w == b"tkhd").unwrap();
    let tkhd_size = u32::from_be_bytes(huge[tkhd - 4..tkhd].try_into().unwrap()) as usize;
    let end = tkhd - 4 + tkhd_size;
    huge[end - 8..end].copy_from_slice(&[0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0, 0]);
    std::fs::write(at("huge_claim.mp4"), huge).unwrap();
    // Special files and links named like videos.
    assert!(std::process::Command::new("mkfifo")
        .arg(at("pipe.mp4"))
        .status()
        .unwrap()
        .success());
    std::fs::create_dir(at("folder.mp4")).unwrap();
    std::fs::copy(&mkv, at("folder.mp4/inside.mkv")).unwrap();
    std::os::unix::fs::symlink(at("loop.mp4"), at("loop.mp4")).unwrap();
    std::os::unix::fs::symlink("/", at("root.mp4")).unwrap();
    // Odd names, and one that is not UTF-8.
    std::fs::copy(&mkv, at("clip\u{1b}]0;pwned\u{7}.mkv")).unwrap();
    std::fs::copy(&mkv, at("two\nlines.mkv")).unwrap();
    std::fs::copy(&mkv, at("été 🎬 (final).mkv")).unwrap();
    let not_utf8 = dir.join(OsString::from_vec(vec![0xFF, 0xFE, b'.', b'm', b'k', b'v']));
    std::fs::copy(&mkv, &not_utf8).unwrap();

    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// Probe with a guard: a probe that does not end within a minute fails the test instead of
/// hanging it.
fn probe_guarded(path: &Path) -> Result<MediaInfo, MediaError> {
    let (tx, rx) = mpsc::channel();
    let owned = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(media::probe(&owned, &CancelToken::new()));
    });
    rx.recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("probing {} hung", path.display()))
}

/// ffprobe's view: (has video, has audio, duration), when it can read the file.
fn ffprobe_facts(path: &Path) -> Option<(bool, bool, Option<f64>)> {
    let out = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-of",
            "json",
            "-show_streams",
            "-show_format",
        ])
        .arg(path)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let streams = json["streams"].as_array()?;
    let has = |kind: &str| {
        streams.iter().any(|s| {
            s["codec_type"] == kind && s["disposition"]["attached_pic"].as_i64() != Some(1)
        })
    };
    let duration = json["format"]["duration"]
        .as_str()
        .and_then(|d| d.parse().ok());
    Some((has("video"), has("audio"), duration))
}

#[test]
fn every_probe_ends_with_facts_or_one_plain_line() {
    let dir = tempfile::tempdir().unwrap();
    let entries = make_corpus(dir.path());
    assert!(entries.len() >= 45, "{} entries", entries.len());
    let (mut facts, mut refusals) = (0, 0);
    for path in &entries {
        let shown = path.to_string_lossy();
        match probe_guarded(path) {
            Ok(info) => {
                facts += 1;
                assert!(info.duration_s > 0.0, "{shown}");
                assert!(
                    !info.path.contains('\u{1b}') && !info.path.contains('\n'),
                    "{shown}"
                );
                if let Some((video, audio, duration)) = ffprobe_facts(path) {
                    assert_eq!(info.has_video, video, "{shown}: video present");
                    assert_eq!(info.has_audio, audio, "{shown}: audio present");
                    if let Some(d) = duration {
                        assert!(
                            (info.duration_s - d).abs() <= 0.5_f64.max(d * 0.1),
                            "{shown}: {} s vs ffprobe {d} s",
                            info.duration_s
                        );
                    }
                }
            }
            Err(error) => {
                refusals += 1;
                let message = error.to_string();
                assert!(!message.is_empty(), "{shown}");
                assert!(
                    !message.contains('\n') && !message.contains('\u{1b}'),
                    "{shown}: {message:?}"
                );
                for internal in ["gst_", ".c:", "GstPipeline", "not-negotiated"] {
                    assert!(!message.contains(internal), "{shown}: {message}");
                }
                assert!(
                    !matches!(
                        error,
                        MediaError::MissingPlugin { .. } | MediaError::Pipeline { .. }
                    ),
                    "{shown}: blames the installation: {message}"
                );
            }
        }
    }
    println!("{facts} probed, {refusals} refused");
    // Named refusals are plain about what the file is.
    let says = |name: &str, expected: &str| {
        let error = probe_guarded(&dir.path().join(name))
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{name}: {error}");
    };
    says("anim_gif.mp4", "animated GIF");
    says("still_png.mp4", "still image");
    says("pipe.mp4", "named pipe");
    says("folder.mp4", "folder");
    says("trunc_end_50.mp4", "damaged or incomplete");
    // Late video still makes a thumbnail, from the first frame that exists.
    for late in ["late_start.mp4", "late_video.mp4"] {
        let path = dir.path().join(late);
        let info = probe_guarded(&path).unwrap();
        let jpeg = media::thumbnail::grab_jpeg(&path, 1.0, 320, &CancelToken::new()).unwrap();
        assert!(jpeg.starts_with(&[0xFF, 0xD8]) && info.has_video, "{late}");
    }
    // A name that is not UTF-8 is probed all the same.
    let not_utf8 = dir
        .path()
        .join(OsString::from_vec(vec![0xFF, 0xFE, b'.', b'm', b'k', b'v']));
    assert!(probe_guarded(&not_utf8).unwrap().has_video);
    let tracks = probe_guarded(&dir.path().join("tracks16.mkv")).unwrap();
    assert_eq!(tracks.audio_streams, 16);
}

#[test]
fn a_folder_import_of_the_corpus_lists_every_refusal() {
    let corpus = tempfile::tempdir().unwrap();
    let entries = make_corpus(corpus.path());
    let library = tempfile::tempdir().unwrap();
    let run = |args: &[&std::ffi::OsStr]| {
        common::cli()
            .arg("--library")
            .arg(library.path())
            .args(args)
            .output()
            .unwrap()
    };
    let project =
        String::from_utf8(run(&["project".as_ref(), "create".as_ref(), "Corpus".as_ref()]).stdout)
            .unwrap()
            .trim()
            .to_owned();
    let out = run(&[
        "import".as_ref(),
        project.as_ref(),
        corpus.path().as_os_str(),
        "--json".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("WARNING") && !stderr.contains("CRITICAL"),
        "GLib talk on stderr: {stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let count = |key: &str| report[key].as_array().unwrap().len();
    let (imported, failed, skipped) = (count("imported"), count("failed"), count("skipped"));
    // Everything is accounted for: each top-level entry, with the folder `folder.mp4` standing for
    // the one file inside it.
    let listed =
        imported + failed + skipped + report["skipped_non_media"].as_u64().unwrap() as usize;
    assert_eq!(listed, entries.len(), "{report:#}");
    assert!(imported >= 10, "{imported} imported");
    for failure in report["failed"].as_array().unwrap() {
        let message = failure["message"].as_str().unwrap();
        assert!(!message.is_empty() && !message.contains('\n'), "{failure}");
    }
    let reasons: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("named pipe")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("outside the chosen folder")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("leads nowhere")),
        "{reasons:?}"
    );
    let not_utf8 = report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("not valid UTF-8"));
    assert!(not_utf8.is_some(), "the non-UTF-8 name is refused in words");
}

#[test]
fn a_cancel_stops_an_import_of_the_corpus_within_a_second_wherever_it_lands() {
    let corpus = tempfile::tempdir().unwrap();
    make_corpus(corpus.path());
    let (_dir, library) = common::temp_library();
    let profile = library.default_profile().unwrap();
    let queue = JobQueue::new(library.clone());
    let mut workers = WorkerPool::new(queue.clone(), handlers::registry(), WorkerConfig::default())
        .spawn()
        .unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    let mut slowest = Duration::ZERO;
    for round in 0..8 {
        // A fresh project each round, so nothing is "already imported".
        let project = library
            .create_project(&profile.id, &format!("Round {round}"), None)
            .unwrap();
        let job = queue
            .enqueue(&NewJob::import(&project.id, &[corpus.path().to_path_buf()]))
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(0..1500)));
        let asked = Instant::now();
        let ended = match queue.cancel(&job.id) {
            Ok(_) => loop {
                let now = library.jobs().get(&job.id).unwrap();
                if now.status.is_terminal() {
                    break now;
                }
                assert!(
                    asked.elapsed() < Duration::from_secs(10),
                    "round {round}: never stopped"
                );
                std::thread::sleep(Duration::from_millis(5));
            },
            // It finished before the cancel arrived.
            Err(_) => library.jobs().get(&job.id).unwrap(),
        };
        let took = asked.elapsed();
        slowest = slowest.max(took);
        assert!(
            matches!(ended.status, JobStatus::Cancelled | JobStatus::Succeeded),
            "round {round}: {:?} {:?}",
            ended.status,
            ended.error_message
        );
        assert!(
            took < Duration::from_secs(1),
            "round {round}: the cancel took {took:?}"
        );
    }
    println!("slowest cancel: {slowest:?}");
    workers.stop();
    library.integrity_check().unwrap();
}
