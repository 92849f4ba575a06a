#!/usr/bin/env bash
# Analysis speed and memory against a bare GStreamer decode of the same files to the same size and
# rate (the physical limit of a full decode), in the same run. Prints a Markdown table for
# docs/BENCHMARKS.md. Usage: scripts/bench-analysis.sh [WORK_DIR]   (after `make build`)
set -euo pipefail
work=${1:-/tmp/ef-bench-analysis}
mkdir -p "$work"
ef=${EDIT_FACTORY_CLI:-${CARGO_TARGET_DIR:-$HOME/.cache/edit-factory/target}/debug/edit-factory}
cd "$work"

make_source() { # name size seconds
  [ -f "$1" ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=$2:rate=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$3" \
    -c:v libx264 -preset ultrafast -crf 23 -g 60 -bf 2 -c:a aac -b:a 128k "$1"
}
make_source src1080_60.mp4 1920x1080 60
make_source src1080_600.mp4 1920x1080 600
make_source src2160_30.mp4 3840x2160 30

measure() { # label command...; prints "seconds peak-KB"
  local out
  out=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$out" "${@:2}" >/dev/null 2>&1
  tail -1 "$out"
  rm -f "$out"
}

# The same decode chain as the analysis, frames and sound thrown away.
bare() { # file
  echo gst-launch-1.0 -q filesrc location="$1" ! decodebin name=d \
    d. ! queue ! videorate ! video/x-raw,framerate=5/1 ! videoconvert ! videoflip video-direction=auto \
      ! videoscale ! videoconvert ! video/x-raw,format=GRAY8,width=160,pixel-aspect-ratio=1/1 ! fakesink sync=false \
    d. ! queue ! audioconvert ! audioresample ! audio/x-raw,format=F32LE,rate=16000,channels=1 ! fakesink sync=false
}

echo "| source | length | analysis | bare decode | ratio | source s per wall s | peak memory (analysis / bare) |"
echo "|---|---|---|---|---|---|---|"
for spec in "src1080_60.mp4 1080p 60" "src1080_600.mp4 1080p 600" "src2160_30.mp4 2160p 30"; do
  set -- $spec
  file=$1; label=$2; seconds=$3
  library=$(mktemp -d)
  read -r ours_s ours_kb < <(measure ours "$ef" --library "$library" analyze "$file")
  read -r bare_s bare_kb < <(measure bare $(bare "$file"))
  rm -rf "$library"
  ratio=$(python3 -c "print(f'{$ours_s/$bare_s:.2f}')")
  speed=$(python3 -c "print(f'{$seconds/$ours_s:.1f}')")
  echo "| $label | ${seconds} s | ${ours_s} s | ${bare_s} s | ${ratio}× | ${speed} | $((ours_kb/1024)) MB / $((bare_kb/1024)) MB |"
done
