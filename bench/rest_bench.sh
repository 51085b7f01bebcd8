#!/usr/bin/env bash
# REST API bench: requests/s of GET /api/v1/summary on `regionguard run`, measured with wrk, with
# GET /healthz (the cheapest route: no JSON of the state) as the reference in the same run.
#
#   bench/rest_bench.sh                       # builds the release preset, 2 × 10 s
#   bench/rest_bench.sh --quick               # 2 × 3 s
#   bench/rest_bench.sh --build-dir build/ci  # use an existing build instead of building release
#   bench/rest_bench.sh --connections 64 --threads 2 --duration 10 --endpoints 21
#
# The daemon probes --endpoints names through a resolver that does not exist (127.0.0.1:9), so
# every probe fails fast and nothing leaves the machine; the summary's size and shape are those
# of a real one. Needs wrk (apt-get install wrk; scripts/install-deps.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

build_dir=""
duration=10
connections=64
threads=2
endpoints=21
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) duration=3 ;;
    --build-dir) build_dir="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --endpoints) endpoints="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "rest_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

command -v wrk >/dev/null || {
  echo "rest_bench.sh: wrk is missing; install it with: apt-get install -y wrk" >&2
  echo "               (scripts/install-deps.sh installs every dependency)" >&2
  exit 2
}
if [ -z "$build_dir" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target regionguard
  build_dir="$root/build/release"
fi
binary="$build_dir/regionguard"
[ -x "$binary" ] || { echo "rest_bench.sh: no regionguard binary at $binary" >&2; exit 2; }

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
{
  echo "regions: [us-east-1, us-west-2, eu-west-1]"
  echo "defaults: { interval: 10s, timeout: 1s, resolvers: [\"127.0.0.1:9\"] }"
  echo "services: { dynamodb: {}, s3: {}, lambda: {} }"
  echo "endpoints:"
  regions=(us-east-1 us-west-2 eu-west-1)
  services=(dynamodb s3 lambda)
  for ((i = 0; i < endpoints; i++)); do
    echo "  - { hostname: ep$i.bench.invalid, service: ${services[$((i % 3))]}, region: ${regions[$((i / 3 % 3))]} }"
  done
  echo "store: { path: history.db }"
  echo "server: { listen: \"127.0.0.1:$port\" }"
} >"$work/regionguard.yaml"

"$binary" --log-level warn run -c "$work/regionguard.yaml" >"$work/run.log" 2>&1 &
daemon=$!
cleanup() { kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "rest_bench.sh: daemon not ready" >&2; cat "$work/run.log" >&2; exit 1; }

summary_bytes=$(curl -s "http://127.0.0.1:$port/api/v1/summary" | wc -c)
rate() {  # requests/s of wrk against a path; also prints wrk's latency line
  local out
  out="$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "http://127.0.0.1:$port$1")"
  echo "$out" | awk -v path="$1" '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    /Non-2xx/ {bad=$NF} END {printf "%-18s %10.0f req/s   latency p50 %8s  p99 %8s   non-2xx %s\n", path, rps, p50, p99, bad+0}' >&2
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}
cpu() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }

echo "rest_bench: $endpoints endpoints, summary $summary_bytes bytes, wrk -t$threads -c$connections -d${duration}s, $(nproc) cores"
cpu0=$(cpu)
healthz=$(rate /healthz)
cpu1=$(cpu)
summary=$(rate /api/v1/summary)
cpu2=$(cpu)
ticks=$(getconf CLK_TCK)
awk -v h="$healthz" -v s="$summary" -v c1="$((cpu1 - cpu0))" -v c2="$((cpu2 - cpu1))" -v t="$ticks" -v d="$duration" \
  'BEGIN {printf "summary / healthz: x%.2f   daemon CPU during healthz %.0f%%, summary %.0f%% (of one core)\n", s / h, 100 * c1 / t / d, 100 * c2 / t / d}'
rss=$(awk '/VmHWM/ {print $2}' "/proc/$daemon/status")
echo "daemon peak RSS: $((rss / 1024)) MB"
