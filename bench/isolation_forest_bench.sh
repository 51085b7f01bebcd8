#!/usr/bin/env bash
# Isolation Forest bench: regionguard (StandardScaler + IsolationForest fit + score_samples, 100
# trees, ψ = 256) against scikit-learn doing the same on the same data, single-threaded, in one run.
# Goal: regionguard ≥ 20× faster. See bench/isolation_forest.md.
#
#   bench/isolation_forest_bench.sh                      # 10k, 100k and 1M rows, 3 repetitions each
#   bench/isolation_forest_bench.sh --rows "10000 100000" --repeats 5
#   bench/isolation_forest_bench.sh --build-dir build/h-iforest   # use an existing build tree
#   bench/isolation_forest_bench.sh --setup              # only make scikit-learn importable
#
# Data sets come from scripts/sklearn_parity.py bench-data (the parity data sets' generator, all
# anomaly kinds mixed) and are cached in <build dir>/iforest-bench/. Both sides run pinned to one
# CPU when taskset exists, one after the other, never at the same time. Exits non-zero only when
# the run is broken; a missed goal is reported as MISS.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py=/usr/bin/python3  # Debian's interpreter: the one that sees python3-sklearn (not a pyenv shim)

rows_list="10000 100000 1000000"
repeats=3
build_dir=""
setup_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows_list="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --build-dir) build_dir="$2"; shift 2 ;;
    --setup) setup_only=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "isolation_forest_bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

# scikit-learn from Debian. `apt-get install python3-sklearn` fails on Debian 12 next to
# libboost1.81-dev: python3-scipy -> python3-pythran -> libboost-dev (1.74), which conflicts with
# 1.81. Then install what apt can, and unpack python3-scipy and python3-sklearn (Python code and
# their extension modules, nothing else) under build/pydeps, leaving dpkg's state alone;
# scripts/sklearn_parity.py looks there.
sklearn_ok() { "$py" "$root/scripts/sklearn_parity.py" check-sklearn >/dev/null 2>&1; }
setup_sklearn() {
  sklearn_ok && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if $sudo apt-get install -y -q --no-install-recommends python3-sklearn >/dev/null 2>&1; then
    sklearn_ok && return 0
  fi
  echo "isolation_forest_bench.sh: apt cannot install python3-sklearn here (python3-pythran needs libboost-dev 1.74," >&2
  echo "  which conflicts with libboost1.81-dev); unpacking python3-scipy and python3-sklearn under build/pydeps" >&2
  $sudo apt-get install -y -q --no-install-recommends python3-numpy python3-joblib python3-threadpoolctl \
    python3-decorator liblbfgsb0 python3-sklearn-lib >/dev/null
  local prefix="$root/build/pydeps" debs
  debs="$(mktemp -d)"
  (cd "$debs" && apt-get download python3-scipy python3-sklearn >/dev/null 2>&1)
  mkdir -p "$prefix"
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$prefix"; done
  rm -rf "$debs"
  # python3-sklearn-lib installed the compiled modules beside where python3-sklearn would have put
  # the Python code; put them beside the unpacked code instead.
  (cd /usr/lib/python3/dist-packages && find sklearn -name '*.so' -exec cp --parents {} "$prefix/usr/lib/python3/dist-packages" \;)
  sklearn_ok || { echo "isolation_forest_bench.sh: scikit-learn still does not import" >&2; exit 2; }
}
setup_sklearn
[ "$setup_only" -eq 1 ] && { echo "scikit-learn: $("$py" "$root/scripts/sklearn_parity.py" check-sklearn)"; exit 0; }

if [ -z "$build_dir" ]; then
  cmake --preset release >/dev/null
  build_dir="$root/build/release"
  cmake --build --preset release --target isolation_forest_bench
else
  cmake --build "$build_dir" --target isolation_forest_bench
fi
bench_bin="$build_dir/bench/isolation_forest_bench"

pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

data_dir="$build_dir/iforest-bench"
mkdir -p "$data_dir"
results="$data_dir/results.jsonl"
: > "$results"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
for rows in $rows_list; do
  file="$data_dir/mixed-$rows.rgfm"
  [ -s "$file" ] || "$py" scripts/sklearn_parity.py bench-data --rows "$rows" --out "$file" >/dev/null
  echo "rows $rows: scikit-learn ($repeats runs)..." >&2
  "${pin[@]}" "$py" scripts/sklearn_parity.py bench-sklearn --in "$file" --repeats "$repeats" >> "$results"
  echo "rows $rows: regionguard ($repeats runs)..." >&2
  "${pin[@]}" "$bench_bin" --data "$file" --repeats "$repeats" >> "$results"
done

load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
"$py" - "$results" "$load_start" "$load_end" <<'PY'
import json, statistics, sys

goal = 20.0
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault(r["rows"], {})["sk" if r["impl"].startswith("scikit") else "rg"] = r

def med(runs, key):
    return statistics.median(run[key] for run in runs)

def cell(runs, key):
    v = [run[key] for run in runs]
    return f"{statistics.median(v):.4f} [{min(v):.4f}–{max(v):.4f}]"

def verdict(ratio):
    return f"{ratio:6.1f}× {'ok' if ratio >= goal else 'MISS'}"

sk_name = rows[next(iter(rows))]["sk"]["impl"]
print(f"\nIsolation Forest: StandardScaler + fit + score_samples of every row, 100 trees, ψ = 256, one thread.")
print(f"Seconds, median [min–max] of {len(rows[next(iter(rows))]['rg']['runs'])} runs; {sk_name} vs regionguard; goal ≥ {goal:.0f}×.")
print(f"Wall = elapsed time; CPU = the process's CPU time (what the code costs when the machine is shared).")
print(f"Load average at start {sys.argv[2]}, at end {sys.argv[3]} on {__import__('os').cpu_count()} CPUs.\n")
print(f"{'rows':>9} | {'scikit-learn wall':>28} {'regionguard wall':>26} {'speed-up':>11} | "
      f"{'scikit-learn CPU':>26} {'regionguard CPU':>26} {'speed-up':>11} | {'rg fit/score CPU':>16} | AUC sk / rg")
for n in sorted(rows):
    sk, rg = rows[n]["sk"]["runs"], rows[n]["rg"]["runs"]
    wall = med(sk, "total_s") / med(rg, "total_s")
    cpu = med(sk, "total_cpu_s") / med(rg, "total_cpu_s")
    split = f"{med(rg, 'fit_cpu_s'):.3f}/{med(rg, 'score_cpu_s'):.3f}"
    a, b = rows[n]["sk"].get("roc_auc"), rows[n]["rg"].get("roc_auc")
    auc = f"{a:.4f} / {b:.4f}" if a is not None and b is not None else "-"
    print(f"{n:>9} | {cell(sk, 'total_s'):>28} {cell(rg, 'total_s'):>26} {verdict(wall):>11} | "
          f"{cell(sk, 'total_cpu_s'):>26} {cell(rg, 'total_cpu_s'):>26} {verdict(cpu):>11} | {split:>16} | {auc}")
PY
