#!/usr/bin/env bash
# Builds brief and runs the whole test suite (unit, CommonMark spec, end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure
