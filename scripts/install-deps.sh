#!/usr/bin/env bash
# Installs what brief needs to build, test and render: Debian packages and,
# for the CommonMark spec test, the npm package commonmark-spec and for the
# normalisation test zhlint (into build/npm, outside the source tree),
# puppeteer-core for the browser test (into build/npm-browser), and the
# mainland free fonts (Noto Serif SC, Noto Sans SC from npm, see
# install_fonts). Idempotent; uses sudo when not root.
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
  clang libclang-rt-14-dev llvm  # scripts/test-sanitizers.sh, scripts/fuzz.sh (llvm: llvm-symbolizer for reports)
  libpng-dev  # src/pngcheck.c
  libicu-dev  # src/wordbreak.c: titles broken between words (ICU's dictionary word boundaries)
  libcurl4-openssl-dev libssl-dev python3-aiosmtpd openssl
  python3-pdfminer
  python3-yaml  # tests/readme_layout_keys.py
  libmicrohttpd-dev chromium dpkg-dev file man-db  # brief serve, its browser test, cpack DEB, brief(1)
  libdeflate-dev
  libxml2-dev libzip-dev  # OFD
  pandoc  # the .docx round-trip test (tests/e2e_normalize.py)
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
if [ ! -f "$npm_dir/node_modules/commonmark-spec/spec.txt" ] || [ ! -f "$npm_dir/node_modules/zhlint/package.json" ]; then
  mkdir -p "$npm_dir"
  for attempt in 1 2 3; do  # the registry is the network: try again on a hiccup
    npm install --no-save --no-audit --no-fund --prefix "$npm_dir" commonmark-spec@0.31.2 zhlint@0.8.2 >/dev/null && break
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

# The mainland free fonts (OFL-1.1) from npm: only the weights the layouts
# use, plus their licence, into the per-user data folder that fonts.c
# searches (font_dirs): ${XDG_DATA_HOME:-~/.local/share}/brief/fonts, or
# BRIEF_FONT_DIR. The tarballs are ~60 MB each; only ~44 MB is kept.
font_dir="${BRIEF_FONT_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/brief/fonts}"
install_fonts() {  # npm package, then the .ttf files to keep
  local pkg="$1"; shift
  local missing=0 f
  for f in "$@"; do [ -f "$font_dir/$(basename "$f")" ] || missing=1; done
  [ "$missing" = 0 ] && return 0
  local tmp
  tmp="$(mktemp -d)"
  for attempt in 1 2 3; do  # the registry is the network: try again on a hiccup
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null) && break
    [ "$attempt" = 3 ] && { rm -rf "$tmp"; exit 1; }
    sleep 5
  done
  local members=(package/LICENSE_FONT)
  for f in "$@"; do members+=("package/$f"); done
  tar xzf "$tmp"/*.tgz -C "$tmp" "${members[@]}"
  mkdir -p "$font_dir"
  local name="${pkg#@expo-google-fonts/}"
  cp "$tmp/package/LICENSE_FONT" "$font_dir/OFL-${name%@*}.txt"
  for f in "$@"; do  # rename into place: a parallel run never sees half a font
    cp "$tmp/package/$f" "$font_dir/.$(basename "$f").$$"
    mv "$font_dir/.$(basename "$f").$$" "$font_dir/$(basename "$f")"
  done
  rm -rf "$tmp"
}
install_fonts @expo-google-fonts/noto-serif-sc@0.4.3 \
  400Regular/NotoSerifSC_400Regular.ttf 700Bold/NotoSerifSC_700Bold.ttf
install_fonts @expo-google-fonts/noto-sans-sc@0.4.3 500Medium/NotoSansSC_500Medium.ttf
# fontconfig's cache for the folder: brief's start-up then never parses the fonts to list them.
fc-cache "$font_dir" >/dev/null 2>&1 || true
