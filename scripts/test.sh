#!/usr/bin/env bash
# Installs what is needed, builds with warnings as errors, and runs every test (unit and
# integration, against real knotd servers on loopback). Usage: scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci -j "$(nproc)"
ctest --preset ci -j "$(nproc)" "$@"
scripts/fuzz.sh
