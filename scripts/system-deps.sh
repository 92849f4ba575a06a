#!/usr/bin/env bash
# Install the Debian packages Edit Factory needs to build, run and test, if any are missing.
# Each group says why it is needed; README.md explains them too.
set -euo pipefail

build=(
  pkg-config build-essential file
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev   # engine: GStreamer media pipelines
  libges-1.0-dev                                          # engine: exports through GStreamer Editing Services
  cmake clang libclang-dev                                # engine: whisper-rs builds whisper.cpp (speech)
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libssl-dev libsoup-3.0-dev  # desktop shell (Tauri v2)
)
runtime=(
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-tools gstreamer1.0-x  # demuxers, decoders, encoders
)
testing=(
  webkit2gtk-driver xvfb xauth   # real-window tests: WebKitWebDriver under a virtual display
  ffmpeg                          # ffprobe: an independent check of what we probe and write
  python3                         # a window test holds the library's write lock from a second process
)
[ "${1:-}" = "--runtime-only" ] && wanted=("${runtime[@]}") || wanted=("${build[@]}" "${runtime[@]}" "${testing[@]}")
command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm)

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=600 update -q
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
