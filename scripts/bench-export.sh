#!/usr/bin/env bash
# Export speed and quality against ffmpeg, in the same run (issue 9's benchmark). A 60 s variant of
# ten 6 s segments alternating between two 1080p sources (one generated, one real footage), the `tiktok` preset (fill-crop
# to 1080×1920, 30 fps, x264 medium CRF 20 capped at 10 Mbit/s, a caption burned in, −14 LUFS):
#   ours     edit-factory export (GES timeline + our encode chain, one pipeline)
#   ffmpeg   the equivalent single ffmpeg command (trim/concat, crop, scale, subtitles, loudnorm)
#   earlier  the earlier version's recipe: extract each segment, concat, final render with
#            two-pass loudnorm
# SSIM of each against one lossless reference render of the same cuts, crop, scale and caption.
# Also the draft preset's speed in source seconds per wall second.
# Usage: scripts/bench-export.sh [WORK_DIR]   (after `make build`); prints a Markdown table.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-/tmp/ef-bench-export}
mkdir -p "$work"
ef=${EDIT_FACTORY_CLI:-${CARGO_TARGET_DIR:-$HOME/.cache/edit-factory/target}/debug/edit-factory}
cd "$work"

[ -f a.mp4 ] || ffmpeg -v error -y -f lavfi -i "testsrc2=size=1920x1080:rate=30" \
  -f lavfi -i "sine=frequency=330:sample_rate=48000" -t 60 \
  -c:v libx264 -preset fast -crf 18 -g 60 -c:a aac -b:a 192k a.mp4
# Real footage for the other: Big Buck Bunny (30 s, 720p, with its music) looped and scaled to 1080p.
media=${EDIT_FACTORY_TEST_MEDIA:-$repo/../shared/media}
[ -f b.mp4 ] || ffmpeg -v error -y -stream_loop 1 -i "$media/video/moviepy_bbb_0_30_vp8_vorbis_music.webm" \
  -t 60 -vf "scale=1920:1080,fps=30" -c:v libx264 -preset fast -crf 18 -g 60 -c:a aac -b:a 192k -ar 48000 b.mp4

# Segment n (0-9): source a for even n, b for odd, from 6*(n/2) s, 6 s long.
seg_src() { if (( $1 % 2 == 0 )); then echo a.mp4; else echo b.mp4; fi; }
seg_in() { echo $(( ($1 / 2) * 6 )); }

# The caption: one cue over the whole minute, the same style in both renderers.
cat > caption.ass <<'ASS'
[Script Info]
ScriptType: v4.00+
PlayResX: 1080
PlayResY: 1920
WrapStyle: 0
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Caption,Inter,72,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,3,0,2,65,130,288,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.00,0:01:00.00,Caption,,0,0,0,,Edit Factory benchmark
ASS

# Our library with both sources, and the timeline.
lib=$work/library
rm -rf "$lib"
"$ef" --library "$lib" settings set analyze_after_import false >/dev/null
project=$("$ef" --library "$lib" project create Bench)
"$ef" --library "$lib" import "$project" a.mp4 b.mp4 >/dev/null
ids=$("$ef" --library "$lib" source list "$project" --json)
id_of() { python3 -c "import json,sys; print([s['id'] for s in json.loads(sys.argv[1]) if s['file_name']==sys.argv[2]][0])" "$ids" "$1"; }
a_id=$(id_of a.mp4); b_id=$(id_of b.mp4)
python3 - "$a_id" "$b_id" > timeline.json <<'PY'
import json, sys
a, b = sys.argv[1:3]
items = []
for n in range(10):
    start = (n // 2) * 6
    items.append({"id": f"s{n}", "source_id": a if n % 2 == 0 else b,
                  "in": start * 10**9, "out": (start + 6) * 10**9,
                  "framing": {"mode": "fill", "focus_x": 0.5, "focus_y": 0.5, "zoom": 1.0},
                  "volume": 1.0})
print(json.dumps({"version": 1, "preset": "tiktok", "length_policy": "video", "items": items,
    "audio": {"mode": "keep", "spans": [], "floor": 0.03, "fade": 0.8, "merge_gap": 0.4},
    "voiceover": None, "music": None,
    "captions": {"cues": [{"start": 0, "end": 60 * 10**9, "text": "Edit Factory benchmark", "words": []}],
                 "style": {"font": "Inter", "size": 72}}}))
PY

# The shared filter graph: ten trims, concat, fill-crop to 9:16, scale, caption.
graph() { # extra video filter at the end, extra audio filter at the end
  local g="" n
  for n in $(seq 0 9); do
    local i=$(( n % 2 )) s; s=$(seg_in "$n")
    g+="[$i:v]trim=start=$s:duration=6,setpts=PTS-STARTPTS[v$n];[$i:a]atrim=start=$s:duration=6,asetpts=PTS-STARTPTS[a$n];"
  done
  for n in $(seq 0 9); do g+="[v$n][a$n]"; done
  g+="concat=n=10:v=1:a=1[cv][ca];"
  g+="[cv]crop=608:1080:656:0,scale=1080:1920,fps=30,subtitles=caption.ass:fontsdir=$repo/assets/fonts$1[v];[ca]aresample=48000$2[a]"
  echo "$g"
}
x264="-c:v libx264 -preset medium -crf 20 -maxrate 10M -bufsize 20M -g 60 -profile:v high -pix_fmt yuv420p"
aac="-c:a aac -b:a 192k -ar 48000 -movflags +faststart"

timed() { # seconds of wall time of a command (which must succeed)
  local start end
  start=$(date +%s.%N); "$@" >/dev/null 2>>errors.log || { echo "failed: $*" >&2; tail -5 errors.log >&2; exit 1; }; end=$(date +%s.%N)
  python3 -c "print(f'{$end-$start:.1f}')"
}

ours=$(timed "$ef" --library "$lib" export --timeline timeline.json --preset tiktok --out ours.mp4 --overwrite)
single=$(timed ffmpeg -v error -y -i a.mp4 -i b.mp4 -filter_complex "$(graph '' ',loudnorm=I=-14:TP=-1')" \
  -map "[v]" -map "[a]" $x264 $aac ffmpeg.mp4)

earlier() {
  local n parts=""
  for n in $(seq 0 9); do
    ffmpeg -v error -y -ss "$(seg_in "$n")" -t 6 -i "$(seg_src "$n")" \
      -vf "crop=608:1080:656:0,scale=1080:1920,fps=30" $x264 $aac -ac 2 "seg$n.mp4"
    parts+="file 'seg$n.mp4'"$'\n'
  done
  printf '%s' "$parts" > parts.txt
  ffmpeg -v error -y -f concat -safe 0 -i parts.txt -c copy concat.mp4
  local measured
  measured=$(ffmpeg -hide_banner -i concat.mp4 -af loudnorm=I=-14:TP=-1:print_format=json -f null - 2>&1 \
    | sed -n '/^{/,/^}/p' | python3 -c "import sys; t=sys.stdin.read(); print(t[t.rindex('{'):])")
  local mi mtp mlra mth off
  read -r mi mtp mlra mth off < <(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(d['input_i'], d['input_tp'], d['input_lra'], d['input_thresh'], d['target_offset'])" "$measured")
  ffmpeg -v error -y -i concat.mp4 -vf "subtitles=caption.ass:fontsdir=$repo/assets/fonts" \
    -af "loudnorm=I=-14:TP=-1:measured_I=$mi:measured_TP=$mtp:measured_LRA=$mlra:measured_thresh=$mth:offset=$off:linear=true" \
    $x264 $aac earlier.mp4
}
earlier_s=$(timed earlier)

# The reference: the same picture, losslessly.
ffmpeg -v error -y -i a.mp4 -i b.mp4 -filter_complex "$(graph '' '')" -map "[v]" -map "[a]" \
  -c:v libx264 -preset ultrafast -qp 0 -c:a flac reference.mkv
ssim() { ffmpeg -hide_banner -i "$1" -i reference.mkv -lavfi "[0:v][1:v]ssim" -f null - 2>&1 | sed -n 's/.*All:\([0-9.]*\).*/\1/p' | tail -1; }
lufs() { ffmpeg -hide_banner -nostats -i "$1" -af ebur128 -f null - 2>&1 | sed -n 's/^ *I: *\(-*[0-9.]*\) LUFS/\1/p' | tail -1; }

draft=$(timed "$ef" --library "$lib" export --timeline timeline.json --preset draft --out draft.mp4 --overwrite)

echo "| render | wall time | vs single ffmpeg | SSIM vs lossless reference | loudness |"
echo "|---|---|---|---|---|"
for row in "Edit Factory (tiktok) ours.mp4 $ours" "single ffmpeg command ffmpeg.mp4 $single" "earlier recipe earlier.mp4 $earlier_s"; do
  set -- $row
  secs=${!#}; file=${@: -2:1}; label=${*:1:$#-2}
  ratio=$(python3 -c "print(f'{$secs/$single:.2f}')")
  echo "| $label | ${secs} s | ${ratio}× | $(ssim "$file") | $(lufs "$file") LUFS |"
done
echo
echo "ours vs earlier recipe: $(python3 -c "print(f'{$earlier_s/$ours:.2f}')")× faster; draft preset: ${draft} s for 60 s of source = $(python3 -c "print(f'{60/$draft:.1f}')") source s per wall s"
