//! Preview copies: the preview plan names the sources that want one, the job makes them (H.264,
//! 540 on the short side, upright, the sound kept), the plan then plays them from it, and the
//! copy shows the same picture at the same moment as the source, checked with ffmpeg.

mod common;

use std::path::Path;

use edit_factory::jobs::{handlers, JobQueue, WorkerConfig, WorkerPool};
use edit_factory::library::sources::Source;
use edit_factory::media_server::{MediaKind, MediaServer};
use edit_factory::render::preview;
use edit_factory::timeline::Timeline;

/// The frame at `at_s` as 8-bit gray at `width`×`height` (ffmpeg applies the file's rotation).
fn gray(file: &Path, at_s: f64, width: u32, height: u32) -> Vec<u8> {
    common::raw_frame(file, at_s, "gray", Some(&format!("scale={width}:{height}")))
}

fn mean_difference(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (f64::from(*x) - f64::from(*y)).abs())
        .sum::<f64>()
        / a.len() as f64
}

#[test]
fn large_and_unusual_sources_get_a_540p_copy_that_shows_the_same_moment() {
    let (_dir, library) = common::temp_library();
    library
        .set_setting("analyze_after_import", "false")
        .unwrap();
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, "Proxy", None).unwrap();
    let files = [
        "video/moviepy_fire2_phone_rot180_vfr.mp4",
        "video/moviepy_bbb_0_30_vp8_vorbis_music.webm",
        "video/moviepy_chaplin_h264_mp3.mp4",
    ];
    let paths: Vec<_> = files.iter().map(|f| common::media(f)).collect();
    let report = common::import(&library, &project.id, &paths);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let sources: Vec<Source> = report.imported.iter().map(|i| i.source.clone()).collect();
    let by_name = |name: &str| {
        sources
            .iter()
            .find(|s| name.ends_with(&s.file_name))
            .unwrap()
            .clone()
    };
    let (phone, film, small) = (by_name(files[0]), by_name(files[1]), by_name(files[2]));
    let timeline = Timeline::of_items(
        "tiktok",
        sources
            .iter()
            .map(|s| common::item(s, 0.0, s.duration_s))
            .collect(),
    );

    // 720p footage wants a copy; 360p H.264 plays as it is.
    let plan = preview::plan(&library, &timeline).unwrap();
    let mut wanted = plan.unproxied.clone();
    wanted.sort();
    let mut expected = vec![phone.id.clone(), film.id.clone()];
    expected.sort();
    assert_eq!(wanted, expected);
    assert!(plan.proxied.is_empty());

    let queue = JobQueue::new(library.clone());
    for id in &plan.unproxied {
        let job = queue.enqueue_proxy(id).unwrap();
        // Asked again while queued: the same job.
        assert_eq!(queue.enqueue_proxy(id).unwrap().id, job.id);
    }
    WorkerPool::new(queue, handlers::registry(), WorkerConfig::default())
        .run_until_idle(None)
        .unwrap();
    let plan = preview::plan(&library, &timeline).unwrap();
    assert!(plan.unproxied.is_empty(), "{:?}", plan.unproxied);
    assert_eq!(plan.proxied.len(), 2);
    assert!(!plan.proxied.contains(&small.id));

    for source in [&phone, &film] {
        let copy = library.proxy_path(&source.content_hash);
        let probed = common::ffprobe(&["-show_streams", "-show_format"], &copy);
        let streams = probed["streams"].as_array().unwrap();
        let video = streams.iter().find(|s| s["codec_type"] == "video").unwrap();
        assert_eq!(video["codec_name"], "h264");
        assert_eq!(video["pix_fmt"], "yuv420p");
        let (w, h) = (
            video["width"].as_u64().unwrap() as u32,
            video["height"].as_u64().unwrap() as u32,
        );
        assert_eq!((w, h), (960, 540), "{}", source.file_name);
        assert!(
            streams.iter().any(|s| s["codec_type"] == "audio"),
            "{}: the sound is kept",
            source.file_name
        );
        let duration: f64 = probed["format"]["duration"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        // Within a frame: a variable-rate file's last frame may come out without its duration.
        assert!(
            (duration - source.duration_s).abs() <= 0.11,
            "{}: {duration} s, source {} s",
            source.file_name,
            source.duration_s
        );
        // The same moment: the copy's frame at t matches the source's at t (upright, as ffmpeg
        // shows the source), better than the source's frame a little later does.
        let original_path = Path::new(&source.path);
        let t = (source.duration_s * 0.4).min(12.0);
        let ours = gray(&copy, t, 320, 180);
        let same = mean_difference(&ours, &gray(original_path, t, 320, 180));
        let later = mean_difference(&ours, &gray(original_path, t + 0.5, 320, 180));
        eprintln!(
            "{}: at {t:.2} s, {same:.1} against the source's frame, {later:.1} against 0.5 s later",
            source.file_name
        );
        assert!(same < 6.0 && same < later, "{}", source.file_name);
    }

    // Served by id with Range, as the preview reads it.
    let server = MediaServer::start(library.clone()).unwrap();
    let response = reqwest::blocking::Client::new()
        .get(server.source_url(&phone.id, MediaKind::Proxy))
        .header("Range", "bytes=0-99")
        .send()
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::PARTIAL_CONTENT);
    assert_eq!(response.headers()["content-type"], "video/mp4");
    // A source without a copy has none to serve.
    let response = reqwest::blocking::Client::new()
        .get(server.source_url(&small.id, MediaKind::Proxy))
        .send()
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
}
