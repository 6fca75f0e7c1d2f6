#!/usr/bin/env bash
# Installs what brief needs to build, test and render: Debian packages and,
# for the CommonMark spec test, the npm package commonmark-spec (into
# build/npm, outside the source tree), and puppeteer-core for the browser
# test (into build/npm-browser). Idempotent; uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  libhpdf-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libfreetype-dev libfontconfig-dev libharfbuzz-dev libunibreak-dev
  libyaml-dev libcsv-dev zlib1g-dev
  fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai fonts-lxgw-wenkai fonts-dejavu-core
  poppler-utils qpdf python3
  libcups2-dev libqpdf-dev cups cups-client cups-ipp-utils
  libcurl4-openssl-dev libssl-dev python3-aiosmtpd openssl
  python3-pdfminer
  libmicrohttpd-dev chromium dpkg-dev file man-db  # brief serve, its browser test, cpack DEB, brief(1)
  libdeflate-dev
)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f build/npm/node_modules/commonmark-spec/spec.txt ]; then
  mkdir -p build/npm
  for attempt in 1 2 3; do  # the registry is the network: try again on a hiccup
    npm install --no-save --no-audit --no-fund --prefix build/npm commonmark-spec@0.31.2 >/dev/null && break
    [ "$attempt" = 3 ] && exit 1
    sleep 5
  done
fi

# The browser test of `brief serve` drives Debian's /usr/bin/chromium with
# puppeteer-core (no browser download). Its own prefix: an npm install
# --no-save into build/npm would prune commonmark-spec.
if [ ! -f build/npm-browser/node_modules/puppeteer-core/package.json ]; then
  mkdir -p build/npm-browser
  for attempt in 1 2 3; do
    npm install --no-save --no-audit --no-fund --prefix build/npm-browser puppeteer-core@24.43.1 >/dev/null && break
    [ "$attempt" = 3 ] && exit 1
    sleep 5
  done
fi
