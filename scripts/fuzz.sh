#!/usr/bin/env bash
# The fuzzing job (issue 16): builds the `fuzz` preset (clang, libFuzzer, ASan + UBSan; only the
# fuzz targets of tests/fuzz/) and runs each target over a copy of its checked-in corpus, two at a
# time. Fails when a target crashes, leaks, trips a sanitizer, spends over 10 s on one input or
# goes over 2 GB. scripts/test.sh runs it after the tests; README.md ("Fuzzing") says more.
#
#   scripts/fuzz.sh                          # every target for 60 s (CI: --time 30, scripts/test.sh)
#   scripts/fuzz.sh --time 3600 fuzz_config  # one target (or several) for an hour each
#   scripts/fuzz.sh --jobs 1 --keep          # one at a time; keep what the runs found
#
# A crashing input is written to build/fuzz/artifacts/TARGET/crash-* (the log to
# build/fuzz/logs/TARGET.log); add it to tests/fuzz/corpus/TARGET/ once the bug is fixed. With
# --keep, the grown corpora stay in build/fuzz/grown/ instead of a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
jobs=2
keep=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    fuzz_*) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls tests/fuzz/corpus)
fi

start=$(date +%s)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake --preset fuzz "${launcher[@]}" >/dev/null
cmake --build --preset fuzz -j "$(nproc)" >/dev/null
built=$(date +%s)
echo "fuzz: built ${#targets[@]} targets in $((built - start)) s; running each for ${seconds} s, ${jobs} at a time"

if [ "$keep" -eq 1 ]; then
  work=build/fuzz/grown
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p build/fuzz/logs build/fuzz/artifacts build/fuzz/status
rm -f build/fuzz/status/*

# One target: its corpus copied (libFuzzer adds to the first directory it is given), then run.
run() {
  local target=$1 corpus="$work/$1"
  mkdir -p "$corpus" "build/fuzz/artifacts/$target"
  cp -n tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  local status=0
  "build/fuzz/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$target/" "$corpus" \
      >"build/fuzz/logs/$target.log" 2>&1 || status=$?
  echo "$status" >"build/fuzz/status/$target"
  local runs
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "build/fuzz/logs/$target.log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz: $target: exit $status, $runs runs, corpus $(ls "$corpus" | wc -l) files"
}

for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run "$target" &
done
wait

failed=0
for target in "${targets[@]}"; do
  if [ "$(cat "build/fuzz/status/$target" 2>/dev/null || echo 1)" != 0 ]; then
    failed=1
    echo "fuzz: $target FAILED; the end of build/fuzz/logs/$target.log:" >&2
    tail -n 40 "build/fuzz/logs/$target.log" >&2
    ls build/fuzz/artifacts/"$target"/ >&2 || true
  fi
done
echo "fuzz: done in $(($(date +%s) - start)) s"
exit "$failed"
