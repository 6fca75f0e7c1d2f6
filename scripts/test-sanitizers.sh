#!/usr/bin/env bash
# Builds brief and its tests with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer into build-asan/ and runs the whole ctest suite
# under them: any error report, leak or undefined behaviour fails the test
# that caused it. Run by .ci/run after scripts/test.sh (which installs the
# dependencies, clang and its sanitizer runtime included).
set -euo pipefail
cd "$(dirname "$0")/.."
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-asan -j2
# The npm packages scripts/install-deps.sh put under build/ (the browser test finds them in its build folder).
[ -d build/npm-browser ] && ln -sfn "$PWD/build/npm-browser" build-asan/npm-browser
# Leaks are checked at exit; fontconfig keeps allocations of its own for the
# life of the process (tests/fuzz/lsan.supp). The tests scale their memory
# and time bounds under BRIEF_SANITIZED (shadow memory and redzones).
# Every report goes to a file of its own in build-asan/sanitizer-reports/
# (log_path), not only to the stderr of the process: a test that expects
# brief to fail (exit 1, as AddressSanitizer's own exit) or that does not
# read stderr (a server, a worker of a batch) cannot hide one. Any report
# there fails the run, each is printed.
reports="$PWD/build-asan/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:log_path=$reports/asan"
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
export BRIEF_SANITIZED=1
status=0
ctest --test-dir build-asan --output-on-failure --timeout 3000 "$@" || status=$?
found=$(find "$reports" -type f | sort)
if [ -n "$found" ]; then
  echo "sanitizer reports ($(echo "$found" | wc -l)):"
  for f in $found; do echo "== $f"; head -60 "$f"; done
  exit 1
fi
echo "no sanitizer reports"
exit "$status"
