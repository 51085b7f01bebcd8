#!/usr/bin/env bash
# Installs what is needed, builds with warnings as errors, and runs every test (unit and
# integration, against real knotd servers on loopback), then checks the Debian package built from
# the same tree and fuzzes. Usage: scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset ci
cmake --build --preset ci -j "$(nproc)"
# One test more than there are cores: most integration tests spend their time waiting for servers
# and daemons (the cluster's and the lab's scenarios most of all), not computing.
ctest --preset ci -j "$(( $(nproc) + 1 ))" "$@"
# Build, lint, install and purge the .deb (seconds: nothing is compiled again).
scripts/package_check.sh
# 10 s a target keeps CI under its 30 minutes (the cluster and lab scenarios took the rest; the
# corpora in tests/fuzz/ carry what earlier runs found); scripts/fuzz.sh alone runs 60 s.
scripts/fuzz.sh --time 10
