#!/usr/bin/env bash
# The package in CI (issue 19), run by scripts/test.sh after the tests: builds the .deb from the
# tested build/ci tree (scripts/package.sh, no compiling), lints it, installs it on this machine,
# checks what landed (user, state directory, conffile, enabled unit, stripped binary, the
# installed configuration valid, the installed unit verified and no less hardened than
# deploy/systemd/regionguard.service), then purges it and checks that nothing but the data
# directory is left. A missing tool fails with how to install it; nothing is skipped.
# usage: scripts/package_check.sh          (root, or a user with sudo)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

fail() { echo "package_check: FAIL: $*" >&2; exit 1; }
step() { printf '\n== package_check (%d s): %s\n' "$(( $(date +%s) - start ))" "$*"; }

missing=()
for tool in lintian:lintian dpkg:dpkg dpkg-deb:dpkg systemd-analyze:systemd readelf:binutils \
            deb-systemd-helper:init-system-helpers adduser:adduser runuser:util-linux man:man-db; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
[ ${#missing[@]} -eq 0 ] || fail "missing ${missing[*]}: install with \`apt-get install ${missing[*]}\` (scripts/install-deps.sh)"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "installing the package needs root or sudo"
  sudo="sudo"
fi

step "build the package"
scripts/package.sh
deb=$(ls build/package/regionguard_*_amd64.deb)
ddeb=$(ls build/package/regionguard-dbgsym_*_amd64.ddeb)

step "lintian"
lintian --version
# Errors and warnings fail; informational tags are shown. Overrides (each with its reason) live
# in deploy/package/lintian-overrides.
lintian --display-info --fail-on error,warning "$deb" || fail "lintian found problems in $deb (above)"
echo "ok: lintian"

step "contents"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'
mapfile -t shipped < <(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|; s|/$||' | grep -v '^/$\|^\.$')
for path in /usr/bin/regionguard /usr/share/regionguard/web/index.html /etc/regionguard/regionguard.yaml \
            /lib/systemd/system/regionguard.service /var/lib/regionguard; do
  grep -qx -- "$path" <<<"$(printf '%s\n' "${shipped[@]}")" || fail "$path is not in the package"
done
# Listed first and searched after: grep -q stopping early would SIGPIPE tar under pipefail.
debug_files=$(dpkg-deb --fsys-tarfile "$ddeb" | tar -t)
grep -q '^\./usr/lib/debug/\.build-id/.*\.debug$' <<<"$debug_files" || fail "no .build-id/*.debug file in $ddeb"
echo "ok: ${#shipped[@]} paths, debug symbols in $(basename "$ddeb")"

# A package left by an earlier, interrupted run would hide what this one installs.
if dpkg-query -W -f='${Status}' regionguard 2>/dev/null | grep -q 'installed\|config-files'; then
  echo "package_check: regionguard is installed already: purging it first"
  $sudo dpkg --purge regionguard >/dev/null
fi
# Whatever happens below, the machine is left without the package.
trap '$sudo dpkg --purge regionguard >/dev/null 2>&1 || true' EXIT

step "dpkg -i"
$sudo dpkg -i "$deb"
getent passwd regionguard >/dev/null || fail "no regionguard user after install"
[ "$(stat -c '%U:%G %a' /var/lib/regionguard)" = "regionguard:regionguard 750" ] \
  || fail "/var/lib/regionguard is $(stat -c '%U:%G %a' /var/lib/regionguard), not regionguard:regionguard 750"
dpkg-query -W -f='${Conffiles}\n' regionguard | grep -q '^ /etc/regionguard/regionguard.yaml ' \
  || fail "/etc/regionguard/regionguard.yaml is not a conffile"
[ -L /etc/systemd/system/multi-user.target.wants/regionguard.service ] || fail "the unit is not enabled"
if [ -d /run/systemd/system ]; then
  ! systemctl is-active --quiet regionguard.service || fail "the unit was started on install"
fi
sections=$(readelf -S /usr/bin/regionguard)
if grep -q '\.debug_info' <<<"$sections"; then fail "/usr/bin/regionguard is not stripped"; fi
libraries=$(ldd /usr/bin/regionguard)
if grep -q 'not found' <<<"$libraries"; then fail "libraries missing: $(grep 'not found' <<<"$libraries")"; fi
echo "ok: user, /var/lib/regionguard 750, conffile, unit enabled and not started, binary stripped"

step "regionguard check-config /etc/regionguard/regionguard.yaml (as the regionguard user)"
$sudo runuser -u regionguard -- /usr/bin/regionguard check-config /etc/regionguard/regionguard.yaml
/usr/bin/regionguard --version

step "systemd-analyze verify /lib/systemd/system/regionguard.service"
out=$(systemd-analyze verify /lib/systemd/system/regionguard.service 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify: $out"
# Exposure, 0 best to 10 worst: the packaged unit's must not be worse than the deploy unit's.
exposure() { systemd-analyze security --offline=yes "$1" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p'; }
deploy_unit_dir=$(mktemp -d)
sed "s|/usr/local/bin/regionguard|/usr/bin/regionguard|g" deploy/systemd/regionguard.service \
  >"$deploy_unit_dir/regionguard.service"
packaged=$(exposure /lib/systemd/system/regionguard.service)
deployed=$(exposure "$deploy_unit_dir/regionguard.service")
rm -rf "$deploy_unit_dir"
[ -n "$packaged" ] && [ -n "$deployed" ] || fail "systemd-analyze security gave no exposure level"
awk -v p="$packaged" -v d="$deployed" 'BEGIN { exit !(p <= d) }' \
  || fail "the packaged unit's exposure $packaged is worse than deploy/systemd/regionguard.service's $deployed"
echo "ok: the unit verifies; exposure $packaged (deploy unit: $deployed)"

step "dpkg --purge"
$sudo dpkg --purge regionguard
trap - EXIT
left=()
for path in "${shipped[@]}"; do
  [ "$path" = /var/lib/regionguard ] && continue
  if [ -d "$path" ]; then
    # A directory (or /lib, a link to one) stays only while another package owns it: /usr/bin
    # does, /usr/share/regionguard must go.
    dpkg-query -S "$path" >/dev/null 2>&1 || left+=("$path")
  elif [ -e "$path" ] || [ -L "$path" ]; then
    left+=("$path")
  fi
done
while IFS= read -r path; do left+=("$path"); done < <(
  find /etc/systemd /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
    -name 'regionguard*' 2>/dev/null)
[ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
echo "ok: nothing left but /var/lib/regionguard$( [ -d /var/lib/regionguard ] && echo ' (kept: the store)')"
# This machine keeps no empty store behind for the next run.
$sudo rmdir /var/lib/regionguard 2>/dev/null || true

echo
echo "package_check: ok in $(( $(date +%s) - start )) s"
