#!/usr/bin/env bash
# Builds brief and its tests with AddressSanitizer and UndefinedBehaviorSanitizer
# into build-asan/ and runs the suite there (the pathological timings are
# left out: sanitizers make everything several times slower).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR=build-asan scripts/install-deps.sh
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" >/dev/null
cmake --build build-asan -j2
# the browser test's npm packages live in build/npm-browser (install-deps.sh)
[ -d build/npm-browser ] && ln -sfn "$PWD/build/npm-browser" build-asan/npm-browser
# fontconfig keeps allocations of its own for the life of the process
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp"
ctest --test-dir build-asan --output-on-failure -E pathological
