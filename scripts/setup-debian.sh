#!/usr/bin/env bash
# Installs the Debian 12 packages avflow builds and tests with. Idempotent:
# packages already present are not reinstalled and the package lists are only
# refreshed when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libtorch-dev libgloo-dev
  libtbb-dev
  libtomlplusplus-dev
  catch2
  libboost-dev libboost-program-options-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-libav gstreamer1.0-rtsp libgstrtspserver-1.0-dev
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly ffmpeg
  libturbojpeg0-dev
  libcairo2-dev
  graphviz
  python3-torch python3-torchvision python3-numpy
  nginx libnginx-mod-rtmp
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian: all ${#packages[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-debian: missing packages (${missing[*]}); run as root or install them" >&2
  exit 1
fi

echo "setup-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# No service starts on install (nginx would serve port 80): the tests start
# their own server on loopback ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
