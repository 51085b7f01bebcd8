#!/usr/bin/env bash
# DNS prober bench: regionguard's prober vs dnsperf vs Prometheus blackbox_exporter, all probing
# one knotd with 1,000 names, in one run. See bench/README.md for what it measures and how to read it.
#
#   bench/dns_bench.sh            # full run: 3 repetitions of 4 s per measurement, about 2.5 minutes
#   bench/dns_bench.sh --quick    # smoke run: 1 repetition of 2 s each, about 30 s
#   bench/dns_bench.sh --help     # every option (--repeat, --duration, --ladder, --json FILE, ...)
#
# Exits non-zero only when the run is broken (build failure, missing tool, a tool that crashed);
# a missed goal is reported as MISS in the table and still exits 0.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

missing=()
command -v dnsperf >/dev/null || missing+=("dnsperf")
command -v prometheus-blackbox-exporter >/dev/null || missing+=("prometheus-blackbox-exporter")
command -v knotd >/dev/null || [ -x /usr/sbin/knotd ] || missing+=("knot")
if [ ${#missing[@]} -ne 0 ]; then
  echo "dns_bench.sh: missing tools; install them with: apt-get install -y ${missing[*]}" >&2
  echo "              (scripts/install-deps.sh installs every dependency)" >&2
  exit 2
fi

cmake --preset release >/dev/null
cmake --build --preset release --target dns_bench dns_probe_load
exec "$root/build/release/bench/dns_bench" "$@"
