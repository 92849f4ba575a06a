//! How fast the voice detector runs: seconds of audio per second of one core, the file decoded
//! once beforehand (so only the detector is timed); GStreamer's start-up and the decode are timed
//! apart. `scripts/bench-speech.sh` runs it.
//!
//! `cargo run --release --example vad_throughput -- FILE [ROUNDS]`

use std::time::Instant;

use edit_factory::jobs::CancelToken;
use edit_factory::speech::{audio, Vad, VadSettings};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = args.next().ok_or("usage: vad_throughput FILE [ROUNDS]")?;
    let rounds: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let cancel = CancelToken::new();
    let started = Instant::now();
    edit_factory::media::init()?;
    let init = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let sound = audio::load(std::path::Path::new(&file), None, &cancel, |_| {})?;
    let decode = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let vad = Vad::new()?;
    let load = started.elapsed().as_secs_f64();
    let mut best = f64::MAX;
    let mut spans = 0;
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        spans = vad
            .speech(&sound, &VadSettings::default(), &cancel, |_| {})?
            .len();
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{{\"audio_s\": {:.3}, \"init_s\": {init:.3}, \"decode_s\": {decode:.3}, \"model_load_s\": {load:.4}, \"best_run_s\": {best:.4}, \"times_real_time\": {:.1}, \"spans\": {spans}}}",
        sound.duration_s(),
        sound.duration_s() / best
    );
    Ok(())
}
