#!/usr/bin/env bash
# Same bytes before and after a change that should not change behaviour:
# builds BASE_REV (default: HEAD) from `git archive` in a temporary folder
# and the working tree into build/, renders with each binary every example
# of input/ in every layout of layouts/ as PDF and as OFD, each example as
# numbered copies, with generated heading numbers, a PNG and a JPEG, and the batch with its booklet (PDF, OFD, both, with a booklet.yaml), then compares the files
# byte for byte. Exit 0 when every file is the same, 1 when one differs.
#   scripts/compare-outputs.sh main
#   KEEP=1 scripts/compare-outputs.sh HEAD~3   # keep the temporary folder
# Both binaries read the same copy of input/ from the same working folder
# with relative paths, and SOURCE_DATE_EPOCH is set (the examples with no
# front matter date would otherwise carry today's date), so nothing in the
# outputs depends on where or when they were made.
set -euo pipefail
cd "$(dirname "$0")/.."
base_rev=${1:-HEAD}
root=$PWD
tmp=$(mktemp -d /tmp/brief-compare.XXXXXX)
cleanup() { if [ -z "${KEEP:-}" ]; then rm -rf "$tmp"; else echo "kept $tmp"; fi; }
trap cleanup EXIT
export SOURCE_DATE_EPOCH=1700000000
unset BRIEF_DATA

echo "== building $base_rev ($(git rev-parse --short "$base_rev")) in $tmp/base"
mkdir -p "$tmp/base"
git archive "$base_rev" | tar -x -C "$tmp/base"
cmake -S "$tmp/base" -B "$tmp/base/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$tmp/base/build" -j2 --target brief >/dev/null
echo "== building the working tree in build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target brief >/dev/null

layouts=$(cd layouts && ls *.yaml | sed 's/\.yaml$//')

render_all() { # $1: the brief binary, $2: the folder to run in (its outputs in out/)
  local brief=$1 out=out md name layout
  mkdir -p "$tmp/$2/$out"
  cp -r "$root/input" "$tmp/$2/input"
  cd "$tmp/$2"
  # Generated heading numbers (一、 （一）), which no installed layout asks for.
  sed 's/^heading_numbering: text/heading_numbering: generate/' "$root/layouts/official.yaml" >generated.yaml
  mkdir -p headings
  { printf -- '---\ntitle: 标题生成编号\nauthor: 中共某县委组织部\ndate: 2016-11-14\n---\n\n'
    for i in $(seq 1 23); do printf '# 部分\n\n## 小节\n\n正文。\n\n'; done; } >headings/headings.md
  # A PNG and a JPEG (page 1 of an example, made by pdftoppm in $tmp once) in a summary.
  cp "$tmp/images/page.png" "$tmp/images/page.jpg" headings/
  printf -- '---\ntitle: 图片\nauthor: 中共某县委组织部\ndate: 2016-11-14\n---\n\n![图一](page.png)\n\n![图二](page.jpg)\n' \
    >headings/images.md
  for md in input/*.md; do
    name=$(basename "$md" .md)
    for layout in $layouts; do
      for fmt in pdf ofd; do
        "$brief" render "$md" --layout "$layout" --figures input/figures.csv -o "$out/$name-$layout.$fmt" 2>>"$out/stderr.txt" ||
          echo "$name-$layout.$fmt: exit $?" >>"$out/status.txt"
      done
    done
    "$brief" render "$md" --layout generated.yaml --figures input/figures.csv -o "$out/$name-generated.pdf" \
      2>>"$out/stderr.txt" || echo "$name-generated.pdf: exit $?" >>"$out/status.txt"
    "$brief" render "$md" --numbered 1-3 --figures input/figures.csv -o "$out/$name-numbered.pdf" 2>>"$out/stderr.txt" ||
      echo "$name-numbered.pdf: exit $?" >>"$out/status.txt"
  done
  "$brief" render headings/headings.md --layout generated.yaml -o "$out/headings-generated.pdf" \
    2>>"$out/stderr.txt" || echo "headings-generated.pdf: exit $?" >>"$out/status.txt"
  "$brief" render headings/images.md -o "$out/images.pdf" 2>>"$out/stderr.txt" ||
    echo "images.pdf: exit $?" >>"$out/status.txt"
  "$brief" batch input -o "$out/batch" --booklet "$out/batch/汇编.pdf" --quiet --jobs 2 \
    2>>"$out/stderr.txt" || echo "batch: exit $?" >>"$out/status.txt"
  "$brief" batch input -o "$out/batch-ofd" --format ofd --booklet "$out/batch-ofd/汇编.ofd" --quiet --jobs 2 \
    2>>"$out/stderr.txt" || echo "batch ofd: exit $?" >>"$out/status.txt"
  # A booklet.yaml (cover, order, an unknown key and county) and both formats: the PDF and the OFD booklet.
  cp -r input ordered
  printf 'title: 党建工作会议材料\nsubtitle: 第二次会议\nauthor: 中共某市委组织部\ndate: 2016-11-14\ncolour: 红\norder: [黔西县, 无此县, 陇西县]\n' \
    >ordered/booklet.yaml
  "$brief" batch ordered -o "$out/batch-both" --format both --booklet "$out/batch-both/汇编.pdf" --quiet --jobs 2 \
    2>>"$out/stderr.txt" || echo "batch both: exit $?" >>"$out/status.txt"
  # Figures CSVs as offices send them: blank lines and ragged rows; a broken quote.
  { head -1 input/figures.csv; echo; sed -n '2,$p' input/figures.csv | sed '3s/$/,多余/; 5s/,[^,]*$//'; echo; } \
    >headings/ragged.csv
  { head -3 input/figures.csv; echo '陇西县,"2017,1'; } >headings/broken.csv
  for csv in ragged broken; do
    "$brief" render input/陇西县.md --figures headings/$csv.csv -o "$out/figures-$csv.pdf" 2>>"$out/stderr.txt" ||
      echo "figures-$csv.pdf: exit $?" >>"$out/status.txt"
  done
  # A booklet that cannot be written (its folder is missing): the messages.
  for fmt in pdf ofd; do
    "$brief" batch input -o "$out/batch-$fmt-nobooklet" --booklet "$out/missing/汇编.$fmt" --quiet --jobs 2 \
      2>>"$out/stderr.txt" || echo "batch, booklet $fmt in a missing folder: exit $?" >>"$out/status.txt"
  done
  touch "$out/status.txt"
  # the batch's summary line gives its time
  sed -i -E 's/, [0-9.]+ s \([0-9.]+ briefs\/s\)//' "$out/stderr.txt"
}

mkdir -p "$tmp/images"
"$tmp/base/build/brief" render input/陇西县.md --figures input/figures.csv -o "$tmp/images/page.pdf"
pdftoppm -r 30 -f 1 -l 1 -singlefile -png "$tmp/images/page.pdf" "$tmp/images/page"
pdftoppm -r 30 -f 1 -l 1 -singlefile -jpeg "$tmp/images/page.pdf" "$tmp/images/page"
echo "== rendering with $base_rev"
render_all "$tmp/base/build/brief" old
echo "== rendering with the working tree"
render_all "$root/build/brief" new

cd "$tmp"
files=$( (cd old/out && find . -type f; cd ../../new/out && find . -type f) | sort -u)
total=0 differ=0
for f in $files; do
  total=$((total + 1))
  if [ ! -f "old/out/$f" ] || [ ! -f "new/out/$f" ] || ! cmp -s "old/out/$f" "new/out/$f"; then
    echo "DIFFERS: $f"
    differ=$((differ + 1))
  fi
done
pdfs=$(find new/out -name '*.pdf' | wc -l)
ofds=$(find new/out -name '*.ofd' | wc -l)
failed=$(wc -l <new/out/status.txt)  # renders expected to fail: the missing booklet folder
echo "== $total files compared ($pdfs PDF, $ofds OFD, diagnostics and exit statuses; $failed runs exit non-zero, as meant): $differ differ"
[ "$differ" -eq 0 ]
