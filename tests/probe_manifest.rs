//! Probe every file of the shared test media and compare with the facts in its MANIFEST.tsv.

mod common;

use edit_factory::jobs::CancelToken;
use edit_factory::media::{self, MediaError, MediaInfo};

fn probe(path: &std::path::Path) -> Result<MediaInfo, MediaError> {
    media::probe(path, &CancelToken::new())
}

#[test]
fn every_playable_file_matches_the_manifest() {
    let rows = common::manifest();
    let playable: Vec<_> = rows
        .iter()
        .filter(|r| !r.path.starts_with("broken/"))
        .collect();
    assert!(playable.len() >= 20, "the manifest lists the shared media");
    for row in playable {
        let path = common::media(&row.path);
        let info = probe(&path).unwrap_or_else(|e| panic!("{}: {e}", row.path));
        assert_eq!(info.size_bytes, row.bytes, "{}: size", row.path);
        assert_eq!(
            info.has_video,
            row.has_video(),
            "{}: video present",
            row.path
        );
        assert_eq!(
            info.has_audio,
            row.has_audio(),
            "{}: audio present",
            row.path
        );
        assert_eq!(info.rotation, row.rotation_cw(), "{}: rotation", row.path);
        if let Some((w, h)) = row.video_size() {
            assert_eq!(
                (info.width, info.height),
                (Some(w), Some(h)),
                "{}: size",
                row.path
            );
            let fps = info
                .fps
                .unwrap_or_else(|| panic!("{}: frame rate", row.path));
            assert!(fps > 1.0 && fps < 240.0, "{}: fps {fps}", row.path);
        }
        assert_eq!(
            info.video_codec.as_deref(),
            row.codec("V"),
            "{}: video codec",
            row.path
        );
        assert_eq!(
            info.audio_codec.as_deref(),
            row.codec("A"),
            "{}: audio codec",
            row.path
        );
        assert_eq!(
            info.audio_sample_rate,
            row.audio_rate(),
            "{}: audio sample rate",
            row.path
        );
        let expected = match row.duration_s {
            Some(d) => d,
            // No duration in the header: the end of the last packet, read by ffprobe.
            None => last_packet_end(&path),
        };
        assert!(
            (info.duration_s - expected).abs() <= 0.1,
            "{}: duration {} vs {expected}",
            row.path,
            info.duration_s
        );
    }
}

fn last_packet_end(path: &std::path::Path) -> f64 {
    let json = common::ffprobe(&["-show_entries", "packet=pts_time,duration_time"], path);
    json["packets"]
        .as_array()
        .expect("packets")
        .iter()
        .filter_map(|p| {
            let pts: f64 = p["pts_time"].as_str()?.parse().ok()?;
            let dur: f64 = p["duration_time"]
                .as_str()
                .and_then(|d| d.parse().ok())
                .unwrap_or(0.0);
            Some(pts + dur)
        })
        .fold(0.0, f64::max)
}

#[test]
fn rotation_and_frame_timing_are_reported() {
    let phone = probe(&common::media("video/moviepy_fire2_phone_rot180_vfr.mp4")).unwrap();
    assert_eq!(phone.rotation, 180);
    assert!(
        phone.is_vfr,
        "phone footage with 80-100 ms frame gaps is VFR"
    );

    let iphone = probe(&common::media(
        "video/mediabunny_iphone15_portrait_hevc10_0.09s.mov",
    ))
    .unwrap();
    assert_eq!(iphone.rotation, 90);
    assert_eq!(
        (iphone.display_width, iphone.display_height),
        (Some(1080), Some(1920))
    );
    assert!(iphone.is_portrait());
    assert_eq!(iphone.video_codec.as_deref(), Some("hevc"));

    let screen = probe(&common::media(
        "video/mediabunny_cursed-vfr_screenrec_noaudio.mp4",
    ))
    .unwrap();
    assert!(screen.is_vfr);

    let cfr = probe(&common::media("video/libopenshot_run_h264_noaudio.mp4")).unwrap();
    assert!(!cfr.is_vfr);
    assert_eq!((cfr.fps_num, cfr.fps_den), (Some(30000), Some(1001)));
    assert_eq!(cfr.video_codec.as_deref(), Some("h264"));
    assert_eq!(cfr.audio_codec, None);

    let wav = probe(&common::media("speech/jfk.wav")).unwrap();
    assert_eq!(wav.audio_codec.as_deref(), Some("pcm_s16le"));
    assert_eq!(
        (wav.audio_sample_rate, wav.audio_channels),
        (Some(16000), Some(1))
    );
}

#[test]
fn broken_files_get_a_clear_error() {
    let empty = probe(&common::media("broken/moviepy_result_empty_0B.webm")).unwrap_err();
    assert!(matches!(empty, MediaError::Empty { .. }), "{empty:?}");
    assert!(empty.to_string().contains("empty"), "{empty}");

    // Several times: the verdict must not depend on how GStreamer's threads happen to race.
    for _ in 0..10 {
        let again = probe(&common::media(
            "broken/mediabunny_annex-b_truncated_100000B.mp4",
        ));
        assert!(
            matches!(again, Err(MediaError::Corrupt { .. })),
            "{again:?}"
        );
    }
    let truncated = probe(&common::media(
        "broken/mediabunny_annex-b_truncated_100000B.mp4",
    ))
    .unwrap_err();
    assert!(
        matches!(truncated, MediaError::Corrupt { .. }),
        "{truncated:?}"
    );
    assert!(
        truncated.to_string().contains("damaged or incomplete"),
        "{truncated}"
    );
    assert!(truncated.hint().is_some());
    let shown = truncated.to_string();
    assert!(
        !shown.contains('\n') && !shown.contains(".c:") && !shown.contains("gst_"),
        "{shown}"
    );

    let missing = probe(&common::media("video/no-such-file.mp4")).unwrap_err();
    assert!(
        matches!(missing, MediaError::NotFound { .. }),
        "{missing:?}"
    );

    let text = probe(&common::media("speech/jfk.txt")).unwrap_err();
    assert!(matches!(text, MediaError::Unsupported { .. }), "{text:?}");
}
