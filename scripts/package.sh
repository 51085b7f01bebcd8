#!/usr/bin/env bash
# Builds the Debian package into build/package/: regionguard_<version>_amd64.deb and its debug
# symbols, regionguard-dbgsym_<version>_amd64.ddeb. It packages the build/ci tree that
# scripts/test.sh builds and tests (preset `ci`: RelWithDebInfo, prefix /usr), so after the tests
# nothing is compiled again; on its own it configures and builds that tree first. The preset's
# debug information is -g1 (line tables: symbolized backtraces, not variables), which compiles a
# third faster than -g and keeps CI under its 30 minutes.
# cmake/debian_package.cmake holds the package's settings; README.md ("Install") says more.
# usage: scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."

tree=build/ci
missing=()
command -v cpack >/dev/null || missing+=(cmake)
command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev)  # Depends: from the binary's libraries
command -v objcopy >/dev/null || missing+=(binutils)          # the -dbgsym split and strip
command -v file >/dev/null || missing+=(file)                 # how CPack finds the ELF files
if [ ${#missing[@]} -gt 0 ]; then
  echo "package.sh: FAIL: missing ${missing[*]}: install with \`apt-get install ${missing[*]}\` (scripts/install-deps.sh)" >&2
  exit 1
fi

[ -f "$tree/CPackConfig.cmake" ] || cmake --preset ci >/dev/null
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$tree/CMakeCache.txt")
if [ "$prefix" != /usr ]; then
  echo "package.sh: FAIL: $tree has CMAKE_INSTALL_PREFIX=$prefix; the package needs /usr (cmake --preset ci)" >&2
  exit 1
fi
# Up to date after scripts/test.sh: ninja only checks.
cmake --build "$tree" -j "$(nproc)" --target regionguard web

rm -f build/package/regionguard_*.deb build/package/regionguard-dbgsym_*.ddeb
cpack --config "$tree/CPackConfig.cmake" >"$tree/cpack.log" 2>&1 || {
  cat "$tree/cpack.log" >&2
  echo "package.sh: FAIL: cpack (log above, also in $tree/cpack.log)" >&2
  exit 1
}
ls -1 build/package/regionguard_*.deb build/package/regionguard-dbgsym_*.ddeb
