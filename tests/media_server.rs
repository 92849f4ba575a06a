//! The loopback media server: serves library items by id, with Range, to holders of the secret only.

mod common;

use std::path::Path;
use std::sync::Arc;

use edit_factory::library::Library;
use edit_factory::media_server::{MediaKind, MediaServer};
use reqwest::blocking::Client;
use reqwest::StatusCode;

struct Fixture {
    _dir: tempfile::TempDir,
    library: Arc<Library>,
    server: MediaServer,
    source_id: String,
    file_len: u64,
}

fn fixture() -> Fixture {
    fixture_of(&common::media("video/moviepy_chaplin_h264_mp3.mp4"))
}

fn fixture_of(file: &Path) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let library = Arc::new(Library::open(dir.path()).unwrap());
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, "Serve", None).unwrap();
    let report = common::import(&library, &project.id, &[file.to_path_buf()]);
    assert_eq!(report.imported.len(), 1, "{:?}", report.failed);
    let server = MediaServer::start(library.clone()).unwrap();
    Fixture {
        _dir: dir,
        library,
        server,
        source_id: report.imported[0].source.id.clone(),
        file_len: std::fs::metadata(file).unwrap().len(),
    }
}

#[test]
fn serves_media_with_range_and_thumbnails() {
    let f = fixture();
    assert!(f.server.addr().ip().is_loopback());
    let client = Client::new();

    let full = client
        .get(f.server.source_url(&f.source_id, MediaKind::Media))
        .send()
        .unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["content-type"], "video/mp4");
    assert_eq!(full.bytes().unwrap().len() as u64, f.file_len);

    let part = client
        .get(f.server.source_url(&f.source_id, MediaKind::Media))
        .header("Range", "bytes=100-199")
        .send()
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"].to_str().unwrap(),
        format!("bytes 100-199/{}", f.file_len)
    );
    let original = std::fs::read(common::media("video/moviepy_chaplin_h264_mp3.mp4")).unwrap();
    assert_eq!(part.bytes().unwrap().as_ref(), &original[100..200]);

    let thumb = client
        .get(f.server.source_url(&f.source_id, MediaKind::Thumbnail))
        .send()
        .unwrap();
    assert_eq!(thumb.status(), StatusCode::OK);
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    assert_eq!(&thumb.bytes().unwrap()[..2], &[0xFF, 0xD8]);
}

#[test]
fn refuses_wrong_secret_unknown_ids_and_paths() {
    let f = fixture();
    let client = Client::new();
    let good = f.server.source_url(&f.source_id, MediaKind::Media);
    let base = format!("http://{}", f.server.addr());

    let wrong_secret = good.replace(&f.server.base_url(), &format!("{base}/{}", "0".repeat(64)));
    assert_eq!(
        client.get(&wrong_secret).send().unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let no_secret = format!("{base}/sources/{}/media", f.source_id);
    assert_eq!(
        client.get(&no_secret).send().unwrap().status(),
        StatusCode::NOT_FOUND
    );

    let unknown = f
        .server
        .source_url("01a20ba1-0000-7000-8000-000000000000", MediaKind::Media);
    assert_eq!(
        client.get(&unknown).send().unwrap().status(),
        StatusCode::NOT_FOUND
    );

    let secret_base = f.server.base_url();
    for path_like in [
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "%2Fetc%2Fpasswd",
        "..",
        "C:%5CWindows%5Cwin.ini",
        "%2Fwork%2Fshared%2Fmedia%2Fvideo%2Fmoviepy_chaplin_h264_mp3.mp4",
    ] {
        let url = format!("{secret_base}/sources/{path_like}/media");
        let response = client.get(&url).send().unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path_like}");
        assert!(
            response.bytes().unwrap().len() < 100,
            "{path_like} served nothing"
        );
    }
    let traversal = format!("{secret_base}/../../etc/passwd");
    assert_eq!(
        client.get(&traversal).send().unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let other_kind = format!("{secret_base}/sources/{}/path", f.source_id);
    assert_eq!(
        client.get(&other_kind).send().unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn the_type_comes_from_the_probe_and_never_lets_a_file_run_as_a_page() {
    let tree = tempfile::tempdir().unwrap();
    let client = Client::new();
    for name in ["clip.html", "clip.svg", "clip.js"] {
        let disguised = tree.path().join(name);
        std::fs::copy(
            common::media("video/moviepy_chaplin_h264_mp3.mp4"),
            &disguised,
        )
        .unwrap();
        let f = fixture_of(&disguised);
        let response = client
            .get(f.server.source_url(&f.source_id, MediaKind::Media))
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        let headers = response.headers();
        assert_eq!(headers["content-type"], "video/mp4", "{name}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{name}");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("sandbox"),
            "{name}"
        );
    }
    let audio = fixture_of(&common::media("speech/jfk.wav"));
    let response = client
        .get(audio.server.source_url(&audio.source_id, MediaKind::Media))
        .send()
        .unwrap();
    assert_eq!(response.headers()["content-type"], "audio/wav");
}

#[test]
fn a_file_swapped_or_changed_after_import_is_refused_with_409() {
    let tree = tempfile::tempdir().unwrap();
    let clip = tree.path().join("clip.webm");
    std::fs::copy(
        common::media("video/mediabunny_trim-buck-bunny_vp9_opus.webm"),
        &clip,
    )
    .unwrap();
    let f = fixture_of(&clip);
    let url = f.server.source_url(&f.source_id, MediaKind::Media);
    let client = Client::new();
    assert_eq!(client.get(&url).send().unwrap().status(), StatusCode::OK);

    // Touched (new time, same bytes): still the same file.
    let file = std::fs::File::options().write(true).open(&clip).unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(file);
    assert_eq!(client.get(&url).send().unwrap().status(), StatusCode::OK);

    // Swapped for a link to a private file of the same size: refused, nothing of it served.
    let private = tree.path().join("private.key");
    std::fs::write(&private, vec![b'S'; f.file_len as usize]).unwrap();
    std::fs::remove_file(&clip).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&private, &clip).unwrap();
    let response = client.get(&url).send().unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body = response.text().unwrap();
    assert!(body.contains("link"), "{body}");
    assert!(!body.contains("SSSS"));

    // Replaced by other content of the same size.
    std::fs::remove_file(&clip).unwrap();
    std::fs::write(&clip, vec![0u8; f.file_len as usize]).unwrap();
    let response = client.get(&url).send().unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response.text().unwrap().contains("changed"));

    // Gone.
    std::fs::remove_file(&clip).unwrap();
    assert_eq!(
        client.get(&url).send().unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn hostile_ranges_get_a_plain_answer() {
    let f = fixture();
    let client = Client::new();
    let url = f.server.source_url(&f.source_id, MediaKind::Media);
    let past_end = format!("bytes={}-", f.file_len + 10);
    for range in [past_end.as_str(), "bytes=500-100", "bytes=-0"] {
        let response = client.get(&url).header("Range", range).send().unwrap();
        assert_eq!(
            response.status(),
            StatusCode::RANGE_NOT_SATISFIABLE,
            "{range}"
        );
        assert_eq!(
            response.headers()["content-range"].to_str().unwrap(),
            format!("bytes */{}", f.file_len)
        );
    }
    let tail = client
        .get(&url)
        .header("Range", "bytes=-10")
        .send()
        .unwrap();
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes().unwrap().len(), 10);
}

#[test]
fn a_filmstrip_is_made_once_by_a_job_and_shows_the_footage_second_by_second() {
    use edit_factory::jobs::{handlers, JobQueue, WorkerConfig, WorkerPool};
    let f = fixture();
    let client = Client::new();
    let url = f.server.source_url(&f.source_id, MediaKind::Filmstrip);
    // Never made inside a request: none until its job has run.
    assert_eq!(
        client.get(&url).send().unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let source = f.library.source(&f.source_id).unwrap();
    let queue = JobQueue::new(f.library.clone());
    // A file that is gone would only fail its job each time the project opens: none is queued.
    let gone = edit_factory::library::sources::Source {
        status: edit_factory::library::sources::SourceStatus::Missing,
        ..source.clone()
    };
    assert!(queue
        .enqueue_missing_filmstrips(&[gone], None)
        .unwrap()
        .is_empty());
    let queued = queue
        .enqueue_missing_filmstrips(std::slice::from_ref(&source), None)
        .unwrap();
    assert_eq!(queued.len(), 1);
    // Asked again while queued: the same job.
    let again = queue
        .enqueue_missing_filmstrips(std::slice::from_ref(&source), None)
        .unwrap();
    assert_eq!(again[0].id, queued[0].id);
    WorkerPool::new(queue.clone(), handlers::registry(), WorkerConfig::default())
        .run_until_idle(None)
        .unwrap();
    // Made: nothing more to queue, and the part kept while it was made is gone.
    assert!(queue
        .enqueue_missing_filmstrips(std::slice::from_ref(&source), None)
        .unwrap()
        .is_empty());
    assert!(!f
        .library
        .partial_filmstrip_path(&source.content_hash)
        .exists());
    let first = client.get(&url).send().unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["content-type"], "image/jpeg");
    let bytes = first.bytes().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("strip.jpg");
    std::fs::write(&file, &bytes).unwrap();
    // Checked by ffprobe: one 96×54 tile per second of the 9.64 s film.
    let probed = common::ffprobe(&["-show_streams"], &file);
    let stream = &probed["streams"][0];
    assert_eq!(stream["width"], 96 * 10);
    assert_eq!(stream["height"], 54);
    // Tiles differ from one another (the film moves), and none is left black.
    let gray = std::process::Command::new("ffmpeg")
        .args(["-loglevel", "error", "-i"])
        .arg(&file)
        .args(["-f", "rawvideo", "-pix_fmt", "gray", "-"])
        .output()
        .unwrap()
        .stdout;
    let tile_mean = |i: usize| {
        let mut sum = 0u64;
        for y in 0..54 {
            for x in 0..96 {
                sum += u64::from(gray[y * 960 + i * 96 + x]);
            }
        }
        sum as f64 / (96.0 * 54.0)
    };
    let means: Vec<f64> = (0..10).map(tile_mean).collect();
    assert!(means.iter().all(|&m| m > 20.0), "{means:?}");
    assert!(
        means.windows(2).any(|w| (w[0] - w[1]).abs() > 1.0),
        "{means:?}"
    );
    // Asked again, the kept strip comes back as it was.
    let again = client.get(&url).send().unwrap().bytes().unwrap();
    assert_eq!(again, bytes);
}

#[test]
fn while_a_filmstrip_is_made_the_tiles_so_far_are_served_the_rest_transparent() {
    let film = common::media("video/moviepy_bbb_0_30_vp8_vorbis_music.webm");
    let f = fixture_of(&film);
    let source = f.library.source(&f.source_id).unwrap();
    // About 30 s: a tile a second, the strip so far offered after every ten made.
    let count = edit_factory::media::filmstrip::tile_count(source.duration_s);
    assert!((30..=31).contains(&count), "{count}");
    let mut offered = Vec::new();
    edit_factory::media::filmstrip::make(
        &film,
        source.duration_s,
        &edit_factory::jobs::CancelToken::new(),
        |strip, done| offered.push((strip.made(), done, strip.png().unwrap())),
    )
    .unwrap();
    let made: Vec<usize> = offered.iter().map(|(made, _, _)| *made).collect();
    assert_eq!(made, [10, 20, 30]);
    assert!((offered[0].1 - 10.0 / count as f64).abs() < 1e-9);
    // Served as the job keeps it, with no caching, while the finished strip is not there.
    edit_factory::fsutil::write_atomic(
        &f.library.partial_filmstrip_path(&source.content_hash),
        &offered[0].2,
    )
    .unwrap();
    let response = Client::new()
        .get(f.server.source_url(&f.source_id, MediaKind::Filmstrip))
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("partial.png");
    std::fs::write(&file, response.bytes().unwrap()).unwrap();
    // ffmpeg reads the alpha: the first ten tiles opaque, the others transparent.
    let alpha = std::process::Command::new("ffmpeg")
        .args(["-loglevel", "error", "-i"])
        .arg(&file)
        .args([
            "-vf",
            "alphaextract",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray",
            "-",
        ])
        .output()
        .unwrap()
        .stdout;
    let row = 96 * count;
    assert_eq!(alpha.len(), row * 54);
    let tile_alpha = |tile: usize| -> Vec<u8> {
        (0..54)
            .flat_map(|y| alpha[y * row + tile * 96..y * row + tile * 96 + 96].to_vec())
            .collect()
    };
    assert!((0..10).all(|t| tile_alpha(t).iter().all(|&a| a == 255)));
    assert!((10..count).all(|t| tile_alpha(t).iter().all(|&a| a == 0)));
}

/// Peak level of every 20 ms of `file`'s sound (16 kHz mono), dBFS, measured by ffmpeg.
fn ffmpeg_peaks(file: &Path) -> Vec<f64> {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-i"])
        .arg(file)
        .args([
            "-af",
            "aresample=16000,aformat=channel_layouts=mono,asetnsamples=n=320:p=0,astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.Peak_level:file=-",
            "-f",
            "null",
            "-",
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("lavfi.astats.Overall.Peak_level="))
        .map(|v| v.parse().unwrap_or(-150.0))
        .collect()
}

/// The levels (dBFS) of a waveform file, checking its header.
fn waveform_db(bytes: &[u8]) -> Vec<f64> {
    assert_eq!(&bytes[..4], b"EFWF");
    assert_eq!(
        u16::from_le_bytes([bytes[5], bytes[6]]),
        50,
        "buckets a second"
    );
    let floor = f64::from(bytes[7]);
    bytes[8..]
        .iter()
        .map(|&v| (f64::from(v) / 255.0 - 1.0) * floor)
        .collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[test]
fn a_waveform_follows_the_sound_and_its_denoised_copy_lowers_the_noise() {
    let dir = tempfile::tempdir().unwrap();
    let noisy = dir.path().join("noisy.mp4");
    common::speech_over_noise(&noisy);
    let f = fixture_of(&noisy);
    let client = Client::new();
    let get = |kind| {
        let response = client
            .get(f.server.source_url(&f.source_id, kind))
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "application/octet-stream"
        );
        waveform_db(&response.bytes().unwrap())
    };
    // Never drawn inside a request: none until a job (or the analysis) has drawn it.
    for kind in [MediaKind::Waveform, MediaKind::DenoisedWaveform] {
        let response = client
            .get(f.server.source_url(&f.source_id, kind))
            .send()
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let source = f.library.source(&f.source_id).unwrap();
    let queue = edit_factory::jobs::JobQueue::new(f.library.clone());
    let queue_one = |denoised| {
        let queued = queue
            .enqueue_missing_waveforms(std::slice::from_ref(&source), denoised, None)
            .unwrap();
        assert_eq!(queued.len(), 1);
        queued[0].id.clone()
    };
    let (plain_job, denoised_job) = (queue_one(false), queue_one(true));
    // Two jobs for one source; each, asked for again while queued, is the same job.
    assert_ne!(plain_job, denoised_job);
    assert_eq!(queue_one(false), plain_job);
    assert_eq!(queue_one(true), denoised_job);
    edit_factory::jobs::WorkerPool::new(
        queue.clone(),
        edit_factory::jobs::handlers::registry(),
        edit_factory::jobs::WorkerConfig::default(),
    )
    .run_until_idle(None)
    .unwrap();
    for denoised in [false, true] {
        assert!(queue
            .enqueue_missing_waveforms(std::slice::from_ref(&source), denoised, None)
            .unwrap()
            .is_empty());
    }
    let plain = get(MediaKind::Waveform);
    let reference = ffmpeg_peaks(&noisy);
    eprintln!(
        "{} buckets; ffmpeg measured {}",
        plain.len(),
        reference.len()
    );
    assert!(
        plain.len().abs_diff(14 * 50) <= 2,
        "{} buckets for 14 s",
        plain.len()
    );
    // Bucket by bucket, the levels are ffmpeg's.
    let mut errors: Vec<f64> = plain
        .iter()
        .zip(&reference)
        .filter(|(_, r)| **r > -55.0)
        .map(|(p, r)| (p - r.max(-60.0)).abs())
        .collect();
    errors.sort_by(f64::total_cmp);
    let median = errors[errors.len() / 2];
    let p90 = errors[errors.len() * 9 / 10];
    eprintln!("level error against ffmpeg: median {median:.2} dB, 90th percentile {p90:.2} dB");
    assert!(median < 1.0 && p90 < 3.0, "median {median}, p90 {p90}");

    // The app's window may read it; another page may not.
    let url = f.server.source_url(&f.source_id, MediaKind::Waveform);
    let allowed = |origin: &str| {
        let response = client.get(&url).header("Origin", origin).send().unwrap();
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        allowed("tauri://localhost").as_deref(),
        Some("tauri://localhost")
    );
    assert_eq!(allowed("http://example.com"), None);

    // Through the denoiser, the noise alone (0.5–2.5 s) drops far more than the speech (4–13 s).
    let denoised = get(MediaKind::DenoisedWaveform);
    assert_eq!(denoised.len(), plain.len());
    let span = |levels: &[f64], from: f64, to: f64| {
        mean(&levels[(from * 50.0) as usize..(to * 50.0) as usize])
    };
    let noise_drop = span(&plain, 0.5, 2.5) - span(&denoised, 0.5, 2.5);
    let speech_drop = span(&plain, 4.0, 13.0) - span(&denoised, 4.0, 13.0);
    eprintln!("denoised: the noise drops {noise_drop:.1} dB, the speech {speech_drop:.1} dB");
    assert!(noise_drop > 15.0, "the noise dropped {noise_drop:.1} dB");
    assert!(
        noise_drop - speech_drop > 10.0,
        "speech dropped {speech_drop:.1} dB"
    );
}
