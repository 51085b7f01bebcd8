#!/usr/bin/env bash
# Configuration loading bench (issue 16): big generated files loaded by regionguard, against
# yaml-cpp alone parsing the same text in the same run. See bench/README.md.
#
#   bench/config_load_bench.sh                       # every file, best of 3
#   bench/config_load_bench.sh --repeat 5 --case 80k-services
#   bench/config_load_bench.sh --build-dir build/ci  # use an existing build tree
#
# Builds only the driver and config/ (release preset unless --build-dir is given). Exits non-zero
# only when the build or the run is broken.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build_dir=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -z "$build_dir" ]; then
  build_dir=build/release
  [ -f "$build_dir/CMakeCache.txt" ] || cmake --preset release >/dev/null
fi
cmake --build "$build_dir" --target config_load_bench -j "$(nproc)" >/dev/null
"$build_dir/bench/config_load_bench" "${args[@]}"
