#!/usr/bin/env bash
# ctest `deploy_templates`: the deploy/ folder in CI (issue 7, "Infrastructure as code").
#   1. cfn-lint every CloudFormation template in deploy/;
#   2. systemd-analyze verify the unit (when systemd-analyze is present), with the binary's path
#      swapped in, since verify insists that ExecStart exists;
#   3. regionguard check-config on every example configuration in deploy/examples/;
#   4. scripts/release.sh makes release.tar.gz from this binary, and every file the monitor
#      template's UserData copies out of "$work" is in it;
#   5. tests/deploy/deploy_to_moto.py: the reference application into moto's CloudFormation
#      (primary, then DR), and `regionguard failover plan refapp --dry-run` against those stacks.
# usage: check_templates.sh REGIONGUARD_BINARY
# A missing tool fails the test with how to install it; nothing is skipped silently.
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 REGIONGUARD_BINARY" >&2
  exit 2
fi
binary=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
status=0
step() { printf '\n== %s\n' "$*"; }

step "cfn-lint deploy/*.yaml"
if ! command -v cfn-lint >/dev/null; then
  echo "FAIL: cfn-lint not found: install it with \`pip install cfn-lint\` (there is no Debian package)" >&2
  exit 1
fi
cfn-lint --version
if cfn-lint "$root"/deploy/*.yaml; then echo "ok: every template lints clean"; else echo "FAIL: cfn-lint"; status=1; fi

step "systemd-analyze verify deploy/systemd/regionguard.service"
if command -v systemd-analyze >/dev/null; then
  unit_dir=$(mktemp -d)
  trap 'rm -rf "$unit_dir"' EXIT
  sed "s|/usr/local/bin/regionguard|$binary|g" "$root/deploy/systemd/regionguard.service" \
    > "$unit_dir/regionguard.service"
  if out=$(systemd-analyze verify "$unit_dir/regionguard.service" 2>&1) && [ -z "$out" ]; then
    echo "ok: the unit verifies"
  else
    echo "FAIL: systemd-analyze verify:"; echo "$out"; status=1
  fi
  # Exposure of the hardening: 0 best, 10 worst (--threshold counts tenths); the unit scores 1.6.
  if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    if ! systemd-analyze security --offline=yes --threshold=30 "$unit_dir/regionguard.service" | tail -1; then
      echo "FAIL: the unit's exposure is above 3.0"; status=1
    fi
  fi
else
  echo "systemd-analyze not present (Debian package systemd): unit not verified"
fi

step "regionguard check-config deploy/examples/*.yaml"
for example in "$root"/deploy/examples/*.yaml; do
  if "$binary" check-config "$example"; then
    echo "ok: $(basename "$example")"
  else
    echo "FAIL: $example"; status=1
  fi
done

step "release.tar.gz holds what deploy/regionguard-monitor.yaml's UserData copies"
release_dir=$(mktemp -d)
if "$root/scripts/release.sh" --binary "$binary" --output "$release_dir/release.tar.gz" >/dev/null; then
  listing=$(tar -tzf "$release_dir/release.tar.gz")
  # "$work/NAME" in the UserData: the archive unpacks into $work, and release.tar.gz is the download.
  mapfile -t copied < <(grep -o '"\$work/[^"]*"' "$root/deploy/regionguard-monitor.yaml" | sed 's|^"\$work/||; s|"$||' |
                        grep -vx 'release.tar.gz' | sort -u)
  if [ ${#copied[@]} -lt 3 ]; then
    echo "FAIL: found only ${#copied[@]} files copied from \$work in the UserData (${copied[*]}): has the template changed?"
    status=1
  fi
  for name in "${copied[@]}"; do
    if grep -qx -e "$name" -e "$name/" <<<"$listing"; then echo "ok: $name"; else echo "FAIL: $name is not in release.tar.gz"; status=1; fi
  done
  grep -qx 'web/index.html' <<<"$listing" || { echo "FAIL: web/index.html is not in release.tar.gz"; status=1; }
  tar -xzf "$release_dir/release.tar.gz" -C "$release_dir"
  if ! cmp -s "$release_dir/regionguard.service" "$root/deploy/systemd/regionguard.service"; then
    echo "FAIL: the archive's regionguard.service is not deploy/systemd/regionguard.service"; status=1
  fi
  if ! "$release_dir/regionguard" --version >/dev/null; then echo "FAIL: the archive's binary does not run"; status=1; fi
else
  echo "FAIL: scripts/release.sh"; status=1
fi
rm -rf "$release_dir"

step "reference application in moto, then failover plan --dry-run"
python=${PYTHON:-python3}
if ! "$python" "$root/tests/deploy/deploy_to_moto.py" "$binary"; then status=1; fi

exit $status
