#!/usr/bin/env bash
# Builds the libFuzzer targets with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer and runs each for SECONDS (default 60).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_EACH:-60}
CC=clang cmake -S . -B build-fuzz -DBRIEF_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_markdown fuzz_figures fuzz_linebreak fuzz_layout
mkdir -p build-fuzz/corpus/markdown build-fuzz/corpus/figures build-fuzz/corpus/linebreak build-fuzz/corpus/layout
cp input/*.md tests/data/*.md build-fuzz/corpus/markdown/
cp input/*.md tests/data/*.md build-fuzz/corpus/layout/
cp input/figures.csv build-fuzz/corpus/figures/
for md in input/*.md; do printf '\x1c' | cat - "$md" > "build-fuzz/corpus/linebreak/$(basename "$md")"; done
export BRIEF_DATA="$PWD"
# fontconfig keeps allocations of its own for the life of the process
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp"
for t in markdown figures linebreak layout; do
  build-fuzz/tests/fuzz_$t -max_total_time="$seconds" -rss_limit_mb=2048 build-fuzz/corpus/$t
done

# brief mail: the address book, the 版记 lookup and the MIME message.
cmake --build build-fuzz -j"$(nproc)" --target fuzz_contacts
mkdir -p build-fuzz/corpus/contacts
cp input/contacts.csv build-fuzz/corpus/contacts/
build-fuzz/tests/fuzz_contacts -max_total_time="$seconds" -rss_limit_mb=2048 build-fuzz/corpus/contacts

# The normalisation stage and brief check --fix.
cmake --build build-fuzz -j"$(nproc)" --target fuzz_normalize
mkdir -p build-fuzz/corpus/normalize
cp input/*.md tests/data/*.md build-fuzz/corpus/normalize/
build-fuzz/tests/fuzz_normalize -max_total_time="$seconds" -rss_limit_mb=2048 build-fuzz/corpus/normalize
