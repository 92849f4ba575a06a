#!/usr/bin/env bash
# Where the export's burned caption differs from ffmpeg's `subtitles` filter (issue 9's SSIM gap in
# the caption band). Both render with libass; this burns the same cue onto the same lossless
# picture with assrender (what the export uses) and with ffmpeg, twice: as text, and as a vector
# drawing of the same size. It prints each plane's PSNR between the two, over the caption's band.
# A drawing is not hinted, so it isolates the blending; the text adds the glyph rendering.
# Usage: scripts/caption-renderers.sh [WORK_DIR]
set -euo pipefail
work=${1:-/tmp/ef-caption-renderers}
mkdir -p "$work" && cd "$work"
ffmpeg -v error -y -f lavfi -i "testsrc2=size=1080x1920:rate=30" -t 2 -pix_fmt yuv420p -c:v ffv1 picture.mkv
header='[Script Info]
ScriptType: v4.00+
PlayResX: 1080
PlayResY: 1920
ScaledBorderAndShadow: yes

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Caption,DejaVu Sans,72,&H00FFFFFF,&H00FFFFFF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,3,0,2,65,130,288,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text'
printf '%s\nDialogue: 0,0:00:00.00,0:00:02.00,Caption,,0,0,0,,Edit Factory benchmark\n' "$header" > text.ass
printf '%s\nDialogue: 0,0:00:00.00,0:00:02.00,Caption,,0,0,0,,{\\an7\\pos(100.3,1500.6)\\p1}m 0 0 l 700.5 0 700.5 80.25 0 80.25{\\p0}\n' "$header" > drawing.ass
band="crop=1080:300:0:1450"
for kind in text drawing; do
  ffmpeg -v error -y -i picture.mkv -vf "subtitles=$kind.ass" -c:v ffv1 "$kind-ffmpeg.mkv"
  ffmpeg -v error -y -i picture.mkv -i "$kind.ass" -map 0 -map 1 -c:v copy -c:s ass "$kind-muxed.mkv"
  gst-launch-1.0 -q filesrc location="$kind-muxed.mkv" ! matroskademux name=d \
    d.video_0 ! queue ! avdec_ffv1 ! videoconvert ! video/x-raw,format=I420 ! assrender name=r \
    ! videoconvert ! video/x-raw,format=I420 ! avenc_ffv1 ! matroskamux ! filesink location="$kind-assrender.mkv" \
    d.subtitle_0 ! queue ! r.text_sink
  line="$kind:"
  for plane in y u v; do
    psnr=$(ffmpeg -hide_banner -i "$kind-assrender.mkv" -i "$kind-ffmpeg.mkv" -lavfi \
      "[0:v]$band,extractplanes=$plane[a];[1:v]$band,extractplanes=$plane[b];[a][b]psnr" -f null - 2>&1 \
      | sed -n 's/.*average:\([0-9.inf]*\).*/\1/p' | tail -1)
    line+=" $plane ${psnr} dB"
  done
  echo "$line"
done
