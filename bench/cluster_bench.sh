#!/usr/bin/env bash
# Several agents through etcd (issue 17): leader replacement time against lease_ttl, etcd writes
# and bytes per agent per round at 3 and 9 agents, CPU per round against a daemon alone.
# Builds the release preset's regionguard, then runs bench/cluster_bench.py (its --help: options).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cmake --preset release >/dev/null
cmake --build build/release --target regionguard -j "$(nproc)"
exec python3 bench/cluster_bench.py --binary build/release/regionguard "$@"
