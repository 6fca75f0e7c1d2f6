#!/usr/bin/env bash
# Installs what brief needs to build, test and render: Debian packages and,
# for the normalisation test, the npm package zhlint (into build/npm, outside
# the source tree), puppeteer-core for the browser test (into
# build/npm-browser). The CommonMark spec test reads the spec kept in
# tests/data/commonmark/. The
# mainland free fonts are Debian's: Noto Serif CJK SC and Noto Sans CJK SC
# (fonts-noto-cjk; the medium weight of 黑 in fonts-noto-cjk-extra) and
# LXGW WenKai. Idempotent; uses sudo when not root.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  libhpdf-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libfreetype-dev libfontconfig-dev libharfbuzz-dev libunibreak-dev
  libyaml-dev libcsv-dev zlib1g-dev
  fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai
  fonts-wqy-zenhei fonts-arphic-uming fonts-arphic-ukai fonts-dejavu-core
  poppler-utils qpdf python3
  mupdf-tools  # the second renderer the PDFs are compared with (tests/e2e_test.py)
  libcups2-dev libqpdf-dev cups cups-client cups-ipp-utils
  clang libclang-rt-14-dev llvm  # scripts/test-sanitizers.sh, scripts/fuzz.sh (llvm: llvm-symbolizer for reports)
  libpng-dev  # src/base/pngcheck.c
  libicu-dev  # src/text/wordbreak.c: titles broken between words (ICU's dictionary word boundaries)
  libcurl4-openssl-dev libssl-dev python3-aiosmtpd openssl
  python3-pdfminer
  python3-yaml  # tests/doc_layout_keys.py
  libmicrohttpd-dev chromium dpkg-dev file man-db  # brief serve, its browser test, cpack DEB, brief(1)
  libdeflate-dev
  libxml2-dev libzip-dev  # OFD
  pandoc  # the .docx round-trip test (tests/e2e_normalize.py)
  libfreexl-dev  # figures from .xls (BIFF)
  python3-docx python3-openpyxl  # tests/e2e_import.py, tests/office/make_fixtures.py
  libreoffice-writer libreoffice-calc  # tests/e2e_import.py: .doc through LibreOffice, and the fixtures
                                       # made again from the examples on every run (committed too)
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

# zhlint (npm, test only): the peer tests/e2e_normalize.py compares brief check with.
npm_dir="${BUILD_DIR:-build}/npm"  # BUILD_DIR: an out-of-tree build's folder
if [ ! -f "$npm_dir/node_modules/zhlint/package.json" ]; then
  mkdir -p "$npm_dir"
  for attempt in 1 2 3; do  # the registry is the network: try again on a hiccup
    npm install --no-save --no-audit --no-fund --prefix "$npm_dir" zhlint@0.8.2 >/dev/null && break
    [ "$attempt" = 3 ] && exit 1
    sleep 5
  done
fi

# The browser test of `brief serve` drives Debian's /usr/bin/chromium with
# puppeteer-core (no browser download). Its own prefix: an npm install
# --no-save into build/npm would prune zhlint.
if [ ! -f build/npm-browser/node_modules/puppeteer-core/package.json ]; then
  mkdir -p build/npm-browser
  for attempt in 1 2 3; do
    npm install --no-save --no-audit --no-fund --prefix build/npm-browser puppeteer-core@24.43.1 >/dev/null && break
    [ "$attempt" = 3 ] && exit 1
    sleep 5
  done
fi

# The OFD render test (tests/e2e_ofd.py): ofd.js draws OFD pages in the
# browser (0.2.6: plain JavaScript; 1.5.0 needs a licence key for its core),
# puppeteer-core drives Debian's /usr/bin/chromium (it downloads no browser).
if [ ! -f build/npm-ofd/node_modules/ofd.js/lib/ofd.umd.min.js ] || [ ! -d build/npm-ofd/node_modules/puppeteer-core ]; then
  mkdir -p build/npm-ofd
  for attempt in 1 2 3; do
    npm install --no-save --no-audit --no-fund --ignore-scripts --prefix build/npm-ofd \
      ofd.js@0.2.6 puppeteer-core@24.43.1 >/dev/null && break
    [ "$attempt" = 3 ] && exit 1
    sleep 5
  done
fi

