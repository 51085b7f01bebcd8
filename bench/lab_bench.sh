#!/usr/bin/env bash
# Lab bench (issue 18): every `regionguard lab` fault scenario N times (default 5), each in a fresh
# lab world, and the median and p95 of each step of its timeline written to bench/README.md
# (section "Failover as clients see it"), beside the goals and Route 53's documented figures.
#
#   bench/lab_bench.sh                      # 5 runs of every scenario, full length (noise: 3 min each)
#   bench/lab_bench.sh --repeat 2 --short   # a quick look: the short forms CI runs
#   bench/lab_bench.sh --build-dir build/release
#
# The raw runs stay in bench/out/lab_bench.jsonl (one JSON object a line, `lab run --json`). Exits
# non-zero only when the build or a run is broken; a missed goal is a MISS in the table.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build_dir=build/ci
repeat=5
short=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --short) short=(--short); shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "lab_bench.sh: unknown option $1 (--help)" >&2; exit 3 ;;
  esac
done
[ -f "$build_dir/CMakeCache.txt" ] || cmake --preset "$(basename "$build_dir")" >/dev/null
cmake --build "$build_dir" --target regionguard -j 2 >/dev/null

mkdir -p bench/out
jsonl=bench/out/lab_bench.jsonl
: > "$jsonl"
started=$(date -u +%Y-%m-%dT%H:%MZ)
# `lab run` exits 1 when a run fails its verdict: that is a figure for the table, not a broken bench.
"$build_dir/regionguard" lab run all --repeat "$repeat" --json "${short[@]}" > "$jsonl" || [ $? -eq 1 ]

python3 - "$jsonl" "$repeat" "${short[*]:-full}" "$started" "$(nproc)" <<'PY'
import json, math, re, sys
path, repeat, form, started, cores = sys.argv[1:]
runs = [json.loads(l) for l in open(path) if l.strip() and '"summary"' not in l]
order = []
for r in runs:
    if r["scenario"] not in order:
        order.append(r["scenario"])

def q(values, p):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    return values[max(1, math.ceil(p * len(values))) - 1]

def fmt(v):
    return "-" if v is None else f"{v:.1f}"

moves_goal = {"noise": 0, "all-bad": 0, "flap": 1}
rows = []
for name in order:
    rs = [r for r in runs if r["scenario"] == name]
    t = lambda key: [r["timeline"][key] for r in rs]
    goals = []
    if name in moves_goal:
        ok = all(r["moves"] == moves_goal[name] for r in rs)
        goals.append(f"{moves_goal[name]} moves {'ok' if ok else 'MISS'}")
    if name in ("dynamodb-empty-dns", "region-blackhole", "http-500"):
        d, a = q(t("decision_s"), 0.5), q(t("answer_served_s"), 0.5)
        goals.append("decision <= 4 s " + ("ok" if d is not None and d <= 4 else "MISS"))
        goals.append("answer <= 5 s " + ("ok" if a is not None and a <= 5 else "MISS"))
    cells = [f"`{name}`", f"{sum(r['verdict'] == 'pass' for r in rs)}/{len(rs)}",
             fmt(q([r["moves"] for r in rs], 0.5)).replace(".0", "")]
    for key in ("first_alert_s", "decision_s", "answer_served_s", "client_switched_s"):
        cells.append(f"{fmt(q(t(key), 0.5))} / {fmt(q(t(key), 0.95))}")
    cells.append(f"{fmt(q([r['client_errors'] for r in rs], 0.5)).replace('.0', '')} of "
                 f"{fmt(q([r['client_requests'] for r in rs], 0.5)).replace('.0', '')}")
    cells.append(", ".join(goals) or "-")
    rows.append("| " + " | ".join(cells) + " |")

table = "\n".join([
    f"### Last figures ({started}, {cores} cores, {repeat} runs of each scenario, {form} form)",
    "",
    "Seconds from the fault, median / p95. Route 53 for comparison (its documented defaults): a health",
    "check fails after 3 failed requests at a 30 s interval (10 s with fast checks), so 90 s (30 s)",
    "before the failover record switches; a change reaches all Route 53 name servers within about",
    "60 s; clients follow after the record's TTL. The lab: 1 s interval, threshold 3, TTL 2 s.",
    "",
    "| scenario | passed | moves | first alert | decision | answer served | client switched | client errors | goals |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    *rows,
])
readme = open("bench/README.md").read()
begin, end = "<!-- lab_bench: begin -->", "<!-- lab_bench: end -->"
block = f"{begin}\n{table}\n{end}"
if begin in readme:
    readme = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, readme, flags=re.S)
else:
    readme += "\n" + block + "\n"
open("bench/README.md", "w").write(readme)
print(table)
PY
