#!/usr/bin/env bash
# The .deb on a clean Debian 12: a `debootstrap --variant=minbase bookworm`
# root, `apt install ./brief_*.deb` and no other step, then `brief render` of
# an example inside it. Checked on the host with poppler: every font
# embedded and subset, the Noto CJK SC faces (fonts-noto-cjk, pulled in by
# the package's Depends) as CID Type 0C, no Taiwan-style fallback face (AR PL
# UMing, WenQuanYi Zen Hei), the text as in the source tree's render.
# Needs root, debootstrap and a Debian mirror (DEBIAN_MIRROR, default
# deb.debian.org); downloads about 300 MB. Usage: scripts/test-clean-root.sh [BUILD_DIR]
# Prints "N passed, N failed"; exit status 1 when a check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
tmp="$(mktemp -d /tmp/brief-clean-root-XXXXXX)"
root="$tmp/root"
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

passed=0 failed=0
check() { # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}

(cd "$build" && cpack -G DEB -B "$tmp/deb" >/dev/null)
deb="$(ls "$tmp"/deb/brief_*.deb)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1 || {
  tail -20 "$tmp/debootstrap.log"; exit 1; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
cp "$deb" input/陇西县.md input/figures.csv "$root/tmp/"
chroot "$root" apt-get update -qq
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "/tmp/$(basename "$deb")" >"$tmp/apt.log" 2>&1 || {
  tail -20 "$tmp/apt.log"; exit 1; }
chroot "$root" sh -c 'cd /tmp && brief render 陇西县.md --figures figures.csv -o 陇西县.pdf'

pdf="$root/tmp/陇西县.pdf"
fonts="$(pdffonts "$pdf")"
echo "$fonts"
rows="$(echo "$fonts" | tail -n +3)"
check "every font embedded, subset, with ToUnicode" test -z "$(echo "$rows" | awk '$(NF-4) != "yes" || $(NF-3) != "yes" || $(NF-2) != "yes"')"
check "the body in Noto Serif CJK SC as CID Type 0C" grep -q "NotoSerifCJKsc-Regular *CID Type 0C" <<<"$rows"
check "the strong face Noto Sans CJK SC Medium (fonts-noto-cjk-extra)" grep -q "NotoSansCJKsc-Medium *CID Type 0C" <<<"$rows"
check "no Taiwan-style or narrow-quote fallback face" test -z "$(grep -E "UMing|ZenHei" <<<"$rows" || true)"
check "qpdf --check" qpdf --check "$pdf" >/dev/null
./"$build"/brief render input/陇西县.md --figures input/figures.csv -o "$tmp/here.pdf"
check "the same text as the source tree's render" cmp -s <(pdftotext "$pdf" -) <(pdftotext "$tmp/here.pdf" -)
check "the same page count and word boxes" cmp -s <(pdftotext -bbox "$pdf" - | grep word) <(pdftotext -bbox "$tmp/here.pdf" - | grep word)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
