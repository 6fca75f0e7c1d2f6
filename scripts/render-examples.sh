#!/usr/bin/env bash
# Renders every example in input/ into out/ (one PDF per county and a
# booklet for duplex printing), with the default layout.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out
./build/brief batch input -o out --booklet out/汇编.pdf
