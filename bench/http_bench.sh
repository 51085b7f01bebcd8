#!/usr/bin/env bash
# HTTP prober bench: regionguard's HTTP checks vs Prometheus blackbox_exporter's HTTP prober, both
# checking one local nginx, in one run. See bench/README.md ("HTTP checks") for what it measures
# and how to read it.
#
#   bench/http_bench.sh            # full run: 3 repetitions of 6 s per measurement, about 2.5 minutes
#   bench/http_bench.sh --quick    # smoke run: 1 repetition of 3 s each, about 30 s
#   bench/http_bench.sh --help     # every option (--repeat, --duration, --ladder, --json FILE, ...)
#
# Exits non-zero only when the run is broken (build failure, missing tool, a tool that crashed).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# nginx lives in /usr/sbin, often not in a user's PATH.
has() { command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ]; }
missing=()
has nginx || missing+=("nginx")
has prometheus-blackbox-exporter || missing+=("prometheus-blackbox-exporter")
if [ ${#missing[@]} -ne 0 ]; then
  echo "http_bench.sh: missing tools; install them with: apt-get install -y ${missing[*]}" >&2
  exit 2
fi

cmake --preset release >/dev/null
cmake --build --preset release --target http_bench http_probe_load
exec "$root/build/release/bench/http_bench" "$@"
