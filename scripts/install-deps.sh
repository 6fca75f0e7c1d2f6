#!/usr/bin/env bash
# Install the Debian packages brief needs to build, test and render.
# Idempotent: packages already present are left alone. Uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libhpdf-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libfreetype-dev libfontconfig-dev libharfbuzz-dev libunibreak-dev
  libyaml-dev libcsv-dev zlib1g-dev
  fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai fonts-lxgw-wenkai
  poppler-utils qpdf
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
