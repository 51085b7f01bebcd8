#!/usr/bin/env bash
# Installs what is needed, builds a release binary and runs the daemon with the default
# configuration (config/regionguard.yaml). Extra arguments go to `regionguard run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j "$(nproc)"
exec build/release/regionguard run -c config/regionguard.yaml "$@"
