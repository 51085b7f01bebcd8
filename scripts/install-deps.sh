#!/usr/bin/env bash
# Installs every Debian package that building, testing and benchmarking regionguard needs.
# Safe to run any number of times: when everything is present it only checks and returns.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # fuzzing (scripts/fuzz.sh): clang 16 and its libFuzzer; clang 14 cannot compile std::expected
  clang-16 libclang-rt-16-dev
  # libraries (see ARCHITECTURE.md, "Dependencies")
  libboost1.81-dev libc-ares-dev libcurl4-openssl-dev libssl-dev libpugixml-dev nlohmann-json3-dev
  libyaml-cpp-dev libsqlite3-dev libspdlog-dev libfmt-dev libcli11-dev libldns-dev
  # tests: GoogleTest/GoogleMock, a real authoritative DNS server, the sqlite3 shell for inspection
  libgtest-dev libgmock-dev knot knot-dnsutils sqlite3
  # tests and the cluster (issue 17): etcd members on loopback, and etcdctl to inspect them
  etcd-server etcd-client
  # tests: certificates made by the openssl command, and curl as an independent HTTP client
  openssl curl ca-certificates
  # benchmarks: the reference DNS load generator and Prometheus's blackbox prober
  libbenchmark-dev dnsperf prometheus-blackbox-exporter procps nginx wrk
  # tests: promtool lints /metrics; headless Chromium runs the dashboard's browser test
  prometheus chromium
  # the Debian package (scripts/package.sh, scripts/package_check.sh): dpkg-shlibdeps, strip and
  # objcopy for the -dbgsym split, lintian, systemd-analyze (and man, for the unit's man: link), and
  # what the maintainer scripts call
  dpkg-dev binutils file lintian systemd adduser init-system-helpers man-db
)
# The dashboard is built with Node.js and npm. Debian 12's own npm conflicts with the newer
# nodejs some machines carry (and playwright-core needs node >= 18), so they are installed only
# when the machine has none.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
