//! The shared decode chain on real footage: upright frames at the asked rate and size, PCM at the
//! asked rate, and no wait that a cancel or a stall cannot end.

mod common;

use std::io::Write;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use edit_factory::jobs::CancelToken;
use edit_factory::media::decode::{
    AudioSettings, DecodeSettings, Decoded, Decoder, FrameFormat, VideoSettings,
};
use edit_factory::media::MediaError;

fn analysis_settings() -> DecodeSettings {
    DecodeSettings {
        video: Some(VideoSettings {
            format: FrameFormat::Gray8,
            width: Some(160),
            height: None,
            rate: Some((5, 1)),
        }),
        audio: Some(AudioSettings {
            rate: 16_000,
            channels: 1,
            denoise: false,
        }),
        start_s: None,
        stall_after: DecodeSettings::DEFAULT_STALL,
    }
}

#[test]
fn frames_come_upright_at_the_asked_rate_and_audio_at_the_asked_rate() {
    let cancel = CancelToken::new();
    // 2.38 s of phone footage stored upside down, at a variable rate around 10 fps.
    let path = common::media("video/moviepy_fire2_phone_rot180_vfr.mp4");
    let mut decoder = Decoder::open(&path, &analysis_settings(), &cancel).unwrap();
    let (mut frames, mut samples) = (Vec::new(), 0usize);
    while let Some(decoded) = decoder.pull().unwrap() {
        match decoded {
            Decoded::Video(frame) => frames.push(frame),
            Decoded::Audio(chunk) => samples += chunk.samples.len(),
        }
    }
    // 5 fps over 2.38 s.
    assert!((11..=13).contains(&frames.len()), "{} frames", frames.len());
    let first = &frames[0];
    assert_eq!((first.width, first.height), (160, 90));
    assert!(first.stride >= 160 && first.data.len() >= first.stride * 90);
    let gaps: Vec<f64> = frames.windows(2).map(|w| w[1].pts_s - w[0].pts_s).collect();
    assert!(gaps.iter().all(|g| (g - 0.2).abs() < 0.01), "{gaps:?}");
    assert!(samples > 16_000 * 2, "{samples} samples of audio");

    // Upright: ffmpeg (which applies the display matrix too) agrees on which half is brighter.
    let ours = brightness_rows(&frames[5].data, first.stride, 90);
    let theirs = ffmpeg_gray_frame(&path, frames[5].pts_s);
    let top_brighter =
        |rows: &[f64]| rows[..45].iter().sum::<f64>() > rows[45..].iter().sum::<f64>();
    assert_eq!(top_brighter(&ours), top_brighter(&theirs));
}

fn brightness_rows(data: &[u8], stride: usize, height: usize) -> Vec<f64> {
    (0..height)
        .map(|y| {
            data[y * stride..y * stride + 160]
                .iter()
                .map(|&v| v as f64)
                .sum::<f64>()
                / 160.0
        })
        .collect()
}

fn ffmpeg_gray_frame(path: &std::path::Path, at_s: f64) -> Vec<f64> {
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-ss", &format!("{at_s:.3}"), "-i"])
        .arg(path)
        .args([
            "-frames:v",
            "1",
            "-vf",
            "scale=160:90",
            "-pix_fmt",
            "gray",
            "-f",
            "rawvideo",
            "-",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    brightness_rows(&out.stdout, 160, 90)
}

#[test]
fn audio_comes_whole_at_the_asked_rate() {
    let cancel = CancelToken::new();
    let settings = DecodeSettings {
        video: None,
        ..analysis_settings()
    };
    // 9.64 s of MP3 at 44.1 kHz stereo.
    let path = common::media("video/moviepy_chaplin_h264_mp3.mp4");
    let mut decoder = Decoder::open(&path, &settings, &cancel).unwrap();
    let mut samples = 0;
    let mut first = None;
    while let Some(decoded) = decoder.pull().unwrap() {
        let Decoded::Audio(chunk) = decoded else {
            panic!("no video was asked for")
        };
        first.get_or_insert(chunk.pts_s);
        samples += chunk.samples.len();
    }
    let seconds = samples as f64 / 16_000.0;
    assert!((seconds - 9.64).abs() < 0.1, "{seconds} s of audio");
    assert!(first.unwrap() < 0.05);
}

#[test]
fn a_start_time_seeks_accurately() {
    let cancel = CancelToken::new();
    let settings = DecodeSettings {
        start_s: Some(4.0),
        video: Some(VideoSettings {
            format: FrameFormat::Gray8,
            width: Some(160),
            height: None,
            rate: None,
        }),
        audio: None,
        stall_after: DecodeSettings::DEFAULT_STALL,
    };
    let path = common::media("video/moviepy_chaplin_h264_mp3.mp4");
    let frame = Decoder::open(&path, &settings, &cancel)
        .unwrap()
        .first_frame()
        .unwrap()
        .unwrap();
    // 25 fps footage: the frame at 4.0 s, not the keyframe before it.
    assert!(
        (frame.pts_s - 4.0).abs() < 0.02,
        "first frame at {}",
        frame.pts_s
    );
}

/// A named pipe fed with the first part of a real WebM, then kept open without more data: the
/// decode waits mid-stream, as on a drive that stopped answering. `release` ends the feed.
fn stalled_feed() -> (tempfile::TempDir, std::path::PathBuf, mpsc::Sender<()>) {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("feed.webm");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let (release, released) = mpsc::channel::<()>();
    let writer_path = fifo.clone();
    std::thread::spawn(move || {
        let bytes = std::fs::read(common::media(
            "video/moviepy_bbb_0_30_vp8_vorbis_music.webm",
        ))
        .unwrap();
        let part = &bytes[..bytes.len() / 3];
        // GStreamer may open and close the source while it sets up: each reader gets the stream
        // from the start, and the one that stays gets a third of it, then nothing.
        loop {
            let Ok(mut pipe) = std::fs::OpenOptions::new().write(true).open(&writer_path) else {
                return;
            };
            if pipe.write_all(part).is_ok() {
                let _ = released.recv();
                return;
            }
        }
    });
    (dir, fifo, release)
}

#[test]
fn a_cancel_reaches_a_decode_waiting_for_data() {
    let (_dir, fifo, release) = stalled_feed();
    let cancel = CancelToken::new();
    let settings = DecodeSettings {
        stall_after: Duration::from_secs(600),
        ..analysis_settings()
    };
    let mut decoder = Decoder::open(&fifo, &settings, &cancel).unwrap();
    let mut frames = 0;
    // The data runs dry at about 10 s of video.
    while frames < 20 {
        if let Decoded::Video(_) = decoder.pull().unwrap().expect("data before the stall") {
            frames += 1;
        }
    }
    let canceller = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            cancel.cancel();
            Instant::now()
        })
    };
    let outcome = loop {
        match decoder.pull() {
            Ok(Some(_)) => continue,
            other => break other,
        }
    };
    let ended = Instant::now();
    let asked = canceller.join().unwrap();
    assert!(matches!(outcome, Err(MediaError::Cancelled)), "{outcome:?}");
    assert!(
        ended.duration_since(asked) < Duration::from_millis(500),
        "the wait ended at once"
    );
    // Giving up does not wait for the stuck read either.
    let dropped = Instant::now();
    drop(decoder);
    assert!(dropped.elapsed() < Duration::from_secs(1));
    drop(release);
}

#[test]
fn a_stalled_decode_fails_naming_where_it_stopped() {
    let (_dir, fifo, release) = stalled_feed();
    let cancel = CancelToken::new();
    let settings = DecodeSettings {
        stall_after: Duration::from_secs(2),
        ..analysis_settings()
    };
    let mut decoder = Decoder::open(&fifo, &settings, &cancel).unwrap();
    let outcome = loop {
        match decoder.pull() {
            Ok(Some(_)) => continue,
            other => break other,
        }
    };
    let Err(MediaError::Stalled {
        seconds, detail, ..
    }) = &outcome
    else {
        panic!("expected a stall, got {outcome:?}");
    };
    assert_eq!(*seconds, 2);
    assert!(detail.contains("the last data came out of"), "{detail}");
    let message = outcome.unwrap_err().to_string();
    assert!(
        message.contains("stopped making progress") && !message.contains('\n'),
        "{message}"
    );
    drop(decoder);
    drop(release);
}

#[test]
fn a_file_gone_since_import_is_reported_missing_not_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("moved.mp4");
    std::fs::copy(common::media("video/moviepy_chaplin_h264_mp3.mp4"), &path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let outcome = Decoder::open(&path, &analysis_settings(), &CancelToken::new())
        .and_then(|mut decoder| decoder.pull().map(|_| ()));
    let Err(error) = outcome else {
        panic!("a missing file decoded");
    };
    assert!(matches!(error, MediaError::NotFound { .. }), "{error:?}");
    assert!(
        error.to_string().contains("moved.mp4: file not found"),
        "{error}"
    );
    assert!(
        error.hint().unwrap_or_default().contains("moved"),
        "{error:?}"
    );
}
