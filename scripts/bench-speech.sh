#!/usr/bin/env bash
# Speech speed against its peers, in the same run (issue 10's benchmarks):
#   transcription  `edit-factory transcribe` vs whisper.cpp's own command-line tool (whisper-cli),
#                  built here from the same whisper.cpp sources whisper-rs-sys compiles in (1.8.3;
#                  the CLI's own files come from whisper.cpp 1.9.1 as npm `nodejs-whisper` 0.3.1
#                  ships them, since the crate carries only the library). Same model (tiny.en),
#                  same 16 kHz WAV, same threads (2), same decoding (greedy, DTW word times).
#                  On dense speech (jfk.wav), a lecture (60 s) and speech with a long pause (the
#                  auto-editor example: 17 s of speech, then 22.7 s of silence).
#   voice activity seconds of audio per second on one core (examples/vad_throughput.rs).
#   silence        `edit-factory silence` vs Debian's auto-editor 22w52a on the same file: time,
#                  and how far apart their cut points are. Padding 0.15 s is our equivalent of
#                  auto-editor's 0.2 s margin: the detector's spans already carry 30 ms of padding
#                  and end a few frames after the voice does (Silero's hysteresis).
# Usage: scripts/bench-speech.sh [WORK_DIR]  (builds the release CLI; needs cmake, npm, ffmpeg,
# auto-editor: `apt-get install auto-editor`). Prints Markdown.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/ef-bench-speech}
mkdir -p "$work"
target=${CARGO_TARGET_DIR:-$HOME/.cache/edit-factory/target}
media=${EDIT_FACTORY_TEST_MEDIA:-$repo/../shared/media}
model=$media/../models/ggml-tiny.en.bin
threads=2

(cd "$repo" && cargo build --release --quiet --bin edit-factory --example vad_throughput)
ef=$target/release/edit-factory
vad=$target/release/examples/vad_throughput

# whisper-cli from the crate's sources.
cli=$work/whisper-cli/build/bin/whisper-cli
if [ ! -x "$cli" ]; then
  sys=$(ls -d "$HOME"/.cargo/registry/src/*/whisper-rs-sys-0.15.0 | head -1)
  rm -rf "$work/whisper-cli" && cp -r "$sys/whisper.cpp" "$work/whisper-cli"
  (cd "$work" && npm pack --silent nodejs-whisper@0.3.1 >/dev/null && tar xzf nodejs-whisper-0.3.1.tgz)
  examples=$work/package/cpp/whisper.cpp/examples
  mkdir -p "$work/whisper-cli/examples/cli"
  cp "$examples/cli/cli.cpp" "$work/whisper-cli/examples/cli/"
  cp "$examples"/common*.cpp "$examples"/common*.h "$examples"/grammar-parser.* "$examples"/miniaudio.h \
     "$examples"/stb_vorbis.c "$examples"/json.hpp "$work/whisper-cli/examples/"
  cat >> "$work/whisper-cli/CMakeLists.txt" <<'CMAKE'
add_executable(whisper-cli examples/cli/cli.cpp examples/common.cpp examples/common-whisper.cpp examples/grammar-parser.cpp)
target_include_directories(whisper-cli PRIVATE examples)
target_link_libraries(whisper-cli PRIVATE whisper ${CMAKE_THREAD_LIBS_INIT})
CMAKE
  # The same build the crate makes in release: Release, static, no OpenMP.
  cmake -S "$work/whisper-cli" -B "$work/whisper-cli/build" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_OPENMP=OFF -DBUILD_SHARED_LIBS=OFF -DWHISPER_BUILD_EXAMPLES=OFF -DWHISPER_BUILD_TESTS=OFF >/dev/null
  cmake --build "$work/whisper-cli/build" -j2 --target whisper-cli >/dev/null
fi

cd "$work"
ffmpeg -v error -y -i "$media/speech/jfk.wav" -ar 16000 -ac 1 -c:a pcm_s16le dense.wav
ffmpeg -v error -y -i "$media/speech/silero_test_60s.wav" -ar 16000 -ac 1 -c:a pcm_s16le lecture.wav
ffmpeg -v error -y -i "$media/video/autoeditor_example_h264_aac_speech_silence.mp4" -vn -ar 16000 -ac 1 -c:a pcm_s16le paused.wav

# Median wall time of three runs of a command.
median() {
  python3 - "$@" <<'PY'
import subprocess, sys, time
times = []
for _ in range(3):
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
print(f"{sorted(times)[1]:.2f}")
PY
}

export EDIT_FACTORY_CPU_BUDGET_DIR=$work/slots EDIT_FACTORY_CPU_SLOTS=$threads
echo "| audio | length | edit-factory transcribe | whisper-cli | ratio |"
echo "| --- | --- | --- | --- | --- |"
for name in dense lecture paused; do
  length=$(python3 -c "import wave,sys; w=wave.open(sys.argv[1]); print(f'{w.getnframes()/w.getframerate():.1f} s')" "$name.wav")
  ours=$(median "$ef" transcribe "$name.wav" --model "$model" --format json --out "$name.ours.json")
  theirs=$(median "$cli" -m "$model" -f "$name.wav" -t $threads -bs 1 -bo 1 -dtw tiny.en -np -ojf -of "$name.cli")
  echo "| $name | $length | $ours s | $theirs s | $(python3 -c "print(f'{$ours/$theirs:.2f}×')") |"
done
echo
echo "Voice activity (one core, decoded once, best of 5):"
echo
echo '```'
"$vad" "$media/speech/silero_test_60s.wav" 5
echo '```'
echo
example=$media/video/autoeditor_example_h264_aac_speech_silence.mp4
ours=$(median "$ef" silence "$example" --padding 0.15 --min-silence 0.2 --json)
theirs=$(median auto-editor "$example" --export json --output ae.json --no-open)
"$ef" silence "$example" --padding 0.15 --min-silence 0.2 --json > ours-silence.json
auto-editor "$example" --export json --output ae.json --no-open >/dev/null 2>&1
python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours_s, theirs_s = float(sys.argv[1]), float(sys.argv[2])
ours = json.load(open("ours-silence.json"))["keep"]
tl = json.load(open("ae.json"))["timeline"]
num, den = map(int, tl["timebase"].split("/"))
fps = num / den
theirs = [(c["offset"] / fps, (c["offset"] + c["dur"]) / fps) for c in tl["a"][0]]
points = lambda spans: sorted(p for s in spans for p in (s["start_s"], s["end_s"]) if isinstance(s, dict)) if spans and isinstance(spans[0], dict) else sorted(p for s in spans for p in s)
a, b = points(ours), points(theirs)
gaps = [min(abs(x - y) for y in b) for x in a]
print("| silence removal | time | kept |")
print("| --- | --- | --- |")
print(f"| edit-factory silence (VAD, padding 0.15 s) | {ours_s:.2f} s | {sum(s['end_s']-s['start_s'] for s in ours):.2f} s in {len(ours)} parts |")
print(f"| auto-editor 22w52a (loudness, margin 0.2 s) | {theirs_s:.2f} s | {sum(e-s for s,e in theirs):.2f} s in {len(theirs)} parts |")
print()
close = sum(g <= 0.1 for g in gaps)
print(f"Ratio {ours_s/theirs_s:.2f}× auto-editor's time. Our cut points: {[round(x,2) for x in a]}; auto-editor's: {[round(x,2) for x in b]}; "
      f"{close} of our {len(a)} are within 0.1 s of one of theirs; the farthest is {max(gaps):.2f} s away (median {sorted(gaps)[len(gaps)//2]:.2f} s).")
PY
