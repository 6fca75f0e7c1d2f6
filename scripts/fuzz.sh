#!/usr/bin/env bash
# Builds the libFuzzer targets with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/, replays every input of the
# committed corpus (tests/fuzz/corpus/<target>/: the examples, the bad inputs
# of tests/bad/ and every crash ever found, so each is a regression test),
# then fuzzes each target for SECONDS_EACH seconds (default 20), one at a
# time. New inputs go to build-fuzz/corpus/<target>/ (not the source tree);
# a finding stops the run with a non-zero status and its file in
# build-fuzz/artifacts/. RUNS=N fuzzes each for N executions instead;
# TARGETS="markdown layout" picks targets.
#   scripts/fuzz.sh                      # CI: replay + 20 s each
#   RUNS=1000000 TARGETS=bind scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_EACH:-20}
# A unit slower than this (wall clock) is a finding. Legitimate inputs take
# up to 2 s under the sanitizers (tests/fuzz/corpus/layout/
# table-13-columns-520-pages: 520 pages), and several times that when the
# run is niced on a loaded machine: 20 s reported that one as a hang.
timeout=${TIMEOUT:-60}
targets=(${TARGETS:-markdown figures linebreak layout bind layoutfile contacts normalize docx xlsx})
CC=clang cmake -S . -B build-fuzz -DBRIEF_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="-O1 -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" >/dev/null
cmake --build build-fuzz -j2 --target "${targets[@]/#/fuzz_}"
export BRIEF_DATA="$PWD"
# fontconfig keeps allocations of its own for the life of the process
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# Longest input per target: past the examples, short enough to stay fast.
max_len() {
  case $1 in
    markdown|bind) echo 16384 ;;
    layout) echo 8192 ;;
    linebreak) echo 1024 ;; # a paragraph: each item is tried against every width
    docx|xlsx) echo 65536 ;; # a zip package: the seeds (tests/data/office) are 6-40 KB
    *) echo 4096 ;;
  esac
}
mkdir -p build-fuzz/artifacts
for t in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/$t
  work=build-fuzz/corpus/$t
  mkdir -p "$work"
  echo "== fuzz_$t: replaying $(ls "$seeds" | wc -l) corpus inputs"
  build-fuzz/tests/fuzz_$t -runs=0 -rss_limit_mb=2048 -timeout="$timeout" -artifact_prefix=build-fuzz/artifacts/$t- "$seeds"
  if [ -n "${RUNS:-}" ]; then limit=(-runs="$RUNS"); else limit=(-max_total_time="$seconds"); fi
  echo "== fuzz_$t: ${limit[0]#-}, -max_len=$(max_len "$t")"
  build-fuzz/tests/fuzz_$t "${limit[@]}" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout="$timeout" \
    -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/$t- "$work" "$seeds"
done

