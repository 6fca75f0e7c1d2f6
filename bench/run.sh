#!/usr/bin/env bash
# Benchmark brief (after scripts/build.sh). RUNS=N sets the repetitions.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 bench/bench.py
python3 bench/numbered.py
python3 bench/batch.py "${BATCH_BRIEFS:-300}"
python3 bench/ofd.py
