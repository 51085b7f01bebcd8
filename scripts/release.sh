#!/usr/bin/env bash
# Builds release.tar.gz, what deploy/regionguard-monitor.yaml's UserData downloads from
# ReleaseS3Url and unpacks: at its top level `regionguard` (stripped), `web/` (the dashboard) and
# `regionguard.service` (deploy/systemd/regionguard.service, the hardened unit with /usr/local
# paths). The deploy_templates test checks that every file the UserData copies out is in it.
#   scripts/release.sh                                   # from build/ci into build/package/release.tar.gz
#   scripts/release.sh --binary B --output F [--web D]   # any build's binary (the test uses this)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

binary="" output="$root/build/package/release.tar.gz" web="$root/web/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$(realpath "$2"); shift 2 ;;
    --output) output=$(realpath -m "$2"); shift 2 ;;
    --web) web=$(realpath "$2"); shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "release.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v strip >/dev/null || { echo "release.sh: FAIL: strip not found: apt-get install binutils" >&2; exit 1; }

if [ -z "$binary" ]; then
  cd "$root"
  [ -f build/ci/build.ninja ] || cmake --preset ci >/dev/null
  cmake --build build/ci -j "$(nproc)" --target regionguard web
  binary=$root/build/ci/regionguard
fi
[ -f "$web/index.html" ] || { echo "release.sh: FAIL: no dashboard in $web: cmake --build <tree> --target web" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
strip --strip-unneeded -o "$stage/regionguard" "$binary"
cp -r "$web" "$stage/web"
install -m 0644 "$root/deploy/systemd/regionguard.service" "$stage/regionguard.service"
mkdir -p "$(dirname "$output")"
# Owned by root with fixed times, so the same inputs give the same archive.
tar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -C "$stage" -czf "$output" \
  regionguard web regionguard.service
echo "$output"
