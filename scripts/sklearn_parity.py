#!/usr/bin/python3
"""Reference data for regionguard's Isolation Forest, made and scored by scikit-learn.

Run it with Debian's /usr/bin/python3 (the `python3` on PATH may be a pyenv interpreter that does
not see Debian's dist-packages). It needs python3-sklearn; see `ensure_sklearn()` below for how to
get it on a machine where apt cannot install the package itself.

  scripts/sklearn_parity.py datasets
      Regenerates tests/data/anomaly/<name>.csv (the feature columns of
      src/analyze/feature_extractor.h, then `label`: 1 for an injected anomaly) and
      <name>.sklearn.json (scikit-learn's ROC AUC on it, per random_state, and its score_samples
      for random_state 0). The files are checked in; the unit test reads them without scikit-learn.
  scripts/sklearn_parity.py bench-data --rows N --out FILE
      Writes a data set of N rows for bench/isolation_forest_bench.sh in the binary format the C++
      bench reads: b"RGFM0001", u64 rows, u64 cols, rows×cols float64 (row-major), rows uint8 labels;
      little-endian.
  scripts/sklearn_parity.py bench-sklearn --in FILE [--repeats 3]
      Times StandardScaler + IsolationForest fit + score_samples on FILE, single-threaded, and
      prints one JSON object.
  scripts/sklearn_parity.py check-sklearn
      Prints scikit-learn's version and directory, or says how to get it.

Every data set is deterministic: a fixed generator seed per data set (numpy's PCG64).

What a data set looks like: 21 endpoints (7 services × 3 regions, the seed's) probed once per
round; rounds are spread over two days, so hour_of_day covers the cycle. A normal result succeeds
with a log-normal latency around the endpoint's own few milliseconds (times a daily cycle, and now
and then a resolver cache miss 2–4× slower), the endpoint's 2–8 answers (S3 and EC2 rotate their
addresses, so their answer set changes from round to round as it does in real life), and a TTL
counting down from 5 s (DynamoDB, DynamoDB Streams) or 60 s. Anomalies replace normal results and
carry label 1:
  latency_spikes  the seed's case: single slow answers (8–40×) and region-wide slowdowns (5–12×)
  dns_failures    timeouts (the 2 s timeout as response time), SERVFAIL, NXDOMAIN, REFUSED,
                  unreachable resolver, malformed answers
  october_2025    the us-east-1 outage: DynamoDB and DynamoDB Streams answer NOERROR with no
                  records (nodata) for a stretch of rounds, preceded by answer-set changes with a
                  shrunken set and a lowered TTL and accompanied by slower dependants in the region;
                  plus answer-set changes of normally stable endpoints to one record with a long
                  TTL, and too_few_answers failures
"""

import argparse
import json
import os
import struct
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "tests" / "data" / "anomaly"

# The columns of src/analyze/feature_extractor.h, in order.
COLUMNS = [
    "success", "response_time_ms", "hour_of_day", "answer_count", "answer_set_changed", "min_ttl_s",
    "failure_timeout", "failure_servfail", "failure_nxdomain", "failure_nodata", "failure_refused",
    "failure_network", "failure_malformed", "failure_answer_mismatch", "failure_too_few_answers",
    "failure_other",
]
COL = {name: i for i, name in enumerate(COLUMNS)}

SERVICES = ["dynamodb", "streams.dynamodb", "rds", "lambda", "ec2", "elasticloadbalancing", "s3"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]
ENDPOINTS = [f"{s}.{r}.amazonaws.com" for r in REGIONS for s in SERVICES]  # region-major
TIMEOUT_MS = 2000.0

# The forest both sides fit: the seed's model with the parameters.
N_ESTIMATORS = 100
MAX_SAMPLES = 256
RANDOM_STATES = list(range(25))

DATASETS = {  # name: (generator seed, rounds)
    "latency_spikes": (20251020, 230),
    "dns_failures": (20251021, 230),
    "october_2025": (20251022, 230),
}


def _sklearn_imports():
    try:
        from sklearn.ensemble import IsolationForest
    except ImportError:
        return False
    return IsolationForest is not None


def ensure_sklearn():
    """Imports scikit-learn from Debian's python3-sklearn.

    On Debian 12, `apt-get install python3-sklearn` can fail on a machine that has
    libboost1.81-dev (regionguard's Boost): python3-scipy depends on python3-pythran, which depends
    on libboost-dev, i.e. Boost 1.74, which conflicts with 1.81. bench/isolation_forest_bench.sh
    --setup then installs what apt can (numpy, python3-sklearn-lib, ...) and unpacks the two .debs
    it cannot (python3-scipy, python3-sklearn) under build/pydeps without touching dpkg's state;
    this function finds them there.
    """
    if _sklearn_imports():
        return
    # python3-sklearn-lib without python3-sklearn leaves a directory of .so files that imports as
    # an empty namespace package: forget it before looking elsewhere.
    for module in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        del sys.modules[module]
    local = REPO / "build" / "pydeps" / "usr" / "lib" / "python3" / "dist-packages"
    if (local / "sklearn" / "__init__.py").is_file():
        sys.path.insert(0, str(local))
        if _sklearn_imports():
            return
        sys.exit(f"sklearn_parity: scikit-learn under {local} does not import")
    sys.exit("sklearn_parity: scikit-learn is missing. Run bench/isolation_forest_bench.sh --setup "
             "(apt-get install python3-sklearn, or its fallback), and run this script with /usr/bin/python3.")


# ---------------------------------------------------------------------------------------------
# Data


def normal_rounds(rng, rounds):
    """Features of `rounds` normal rounds of the 21 endpoints: (rounds*21, len(COLUMNS)) floats."""
    import numpy as np

    n_endpoints = len(ENDPOINTS)
    service = np.tile(np.arange(len(SERVICES)), len(REGIONS))
    median_ms = rng.uniform(2.0, 12.0, n_endpoints)
    answers = rng.integers(2, 9, n_endpoints)
    ttl = np.where(service <= 1, 5, 60)                       # DynamoDB and Streams: 5 s
    rotating = np.isin(service, [SERVICES.index("ec2"), SERVICES.index("s3")])

    r = np.repeat(np.arange(rounds), n_endpoints)             # round of each row
    e = np.tile(np.arange(n_endpoints), rounds)               # endpoint of each row
    n = r.size
    x = np.zeros((n, len(COLUMNS)))

    hours = (r * 48.0 / rounds) % 24.0
    hour = np.floor(hours)
    cycle = 1.0 + 0.25 * np.sin(2.0 * np.pi * (hours - 8.0) / 24.0)  # busiest mid-afternoon UTC
    latency = median_ms[e] * cycle * rng.lognormal(0.0, 0.3, n)
    cache_miss = rng.random(n) < 0.05
    latency[cache_miss] *= rng.uniform(2.0, 4.0, cache_miss.sum())

    count = answers[e].astype(float)
    jitter = rotating[e] & (rng.random(n) < 0.3)
    count[jitter] += rng.choice([-1.0, 1.0], jitter.sum())
    changed = (rotating[e] & (rng.random(n) < 0.6)).astype(float)
    changed[r == 0] = 0.0                                     # the first round has nothing to compare with

    x[:, COL["success"]] = 1.0
    x[:, COL["response_time_ms"]] = np.round(latency, 3)
    x[:, COL["hour_of_day"]] = hour
    x[:, COL["answer_count"]] = count
    x[:, COL["answer_set_changed"]] = changed
    x[:, COL["min_ttl_s"]] = rng.integers(1, ttl[e] + 1)      # a resolver cache counting down
    return x, r, e


def fail(x, rows, kind, latency_ms, answers=0.0):
    x[rows, COL["success"]] = 0.0
    x[rows, COL["response_time_ms"]] = latency_ms
    x[rows, COL["answer_count"]] = answers
    x[rows, COL["answer_set_changed"]] = 0.0
    x[rows, COL["min_ttl_s"]] = 0.0 if answers == 0 else x[rows, COL["min_ttl_s"]]
    x[rows, COL["failure_" + kind]] = 1.0


def pick(rng, free, k):
    """k rows not labelled yet, uniformly."""
    import numpy as np

    rows = rng.choice(np.flatnonzero(free), size=k, replace=False)
    free[rows] = False
    return rows


def generate(name, rng, rounds):
    import numpy as np

    x, r, e = normal_rounds(rng, rounds)
    n = x.shape[0]
    label = np.zeros(n, dtype=np.uint8)
    free = np.ones(n, dtype=bool)
    latency = x[:, COL["response_time_ms"]]
    region = e // len(SERVICES)
    service = e % len(SERVICES)

    def mark(rows):
        label[rows] = 1
        free[rows] = False

    kinds = {"latency_spikes", "dns_failures", "october_2025"} if name == "mixed" else {name}
    scale = 1.0 / len(kinds)

    if "latency_spikes" in kinds:
        rows = pick(rng, free, int(0.025 * n * scale))        # single slow answers
        latency[rows] *= rng.uniform(8.0, 40.0, rows.size)
        mark(rows)
        for _ in range(max(1, int(3 * scale * rounds / 230))):  # a region slows down for a while
            start = rng.integers(1, rounds - 8)
            rows = np.flatnonzero((region == rng.integers(0, 3)) & (r >= start) & (r < start + 6) & free)
            latency[rows] *= rng.uniform(5.0, 12.0, rows.size)
            mark(rows)

    if "dns_failures" in kinds:
        per_kind = max(1, int(0.006 * n * scale))
        rows = pick(rng, free, per_kind)
        fail(x, rows, "timeout", TIMEOUT_MS)
        mark(rows)
        for kind in ["servfail", "nxdomain", "refused"]:
            rows = pick(rng, free, per_kind)
            fail(x, rows, kind, np.round(latency[rows] * rng.uniform(0.8, 3.0, rows.size), 3))
            mark(rows)
        rows = pick(rng, free, per_kind // 2)
        fail(x, rows, "network", np.round(rng.uniform(0.05, 0.5, rows.size), 3))
        mark(rows)
        rows = pick(rng, free, per_kind // 2)
        fail(x, rows, "malformed", latency[rows])
        mark(rows)

    if "october_2025" in kinds:
        for _ in range(max(1, int(scale * rounds / 230))):
            start = int(rng.integers(rounds // 4, rounds - 40))
            east = region == 0
            dynamo = east & (service <= 1)
            # Precursor: the answer set shrinks and its TTL drops for a few rounds.
            rows = np.flatnonzero(dynamo & (r >= start - 4) & (r < start) & free)
            x[rows, COL["answer_count"]] = 1.0
            x[rows, COL["answer_set_changed"]] = 1.0
            x[rows, COL["min_ttl_s"]] = rng.integers(1, 3, rows.size)
            mark(rows)
            # The empty answer.
            rows = np.flatnonzero(dynamo & (r >= start) & (r < start + 30) & free)
            fail(x, rows, "nodata", latency[rows])
            mark(rows)
            # Dependants in the region slow down while DynamoDB is gone.
            rows = np.flatnonzero(east & (service >= 2) & (r >= start + 5) & (r < start + 30) & free)
            rows = rows[rng.random(rows.size) < 0.5]
            latency[rows] *= rng.uniform(3.0, 8.0, rows.size)
            mark(rows)
        # A normally stable endpoint suddenly answers one address with a long TTL.
        stable = free & ~np.isin(service, [SERVICES.index("ec2"), SERVICES.index("s3")])
        rows = rng.choice(np.flatnonzero(stable), size=max(1, int(0.008 * n * scale)), replace=False)
        x[rows, COL["answer_count"]] = 1.0
        x[rows, COL["answer_set_changed"]] = 1.0
        x[rows, COL["min_ttl_s"]] = 300.0
        mark(rows)
        rows = pick(rng, free, max(1, int(0.004 * n * scale)))
        fail(x, rows, "too_few_answers", latency[rows], answers=1.0)
        mark(rows)

    x[:, COL["response_time_ms"]] = np.round(latency, 3)
    return x, label


def sklearn_scores(x, random_state):
    from sklearn.ensemble import IsolationForest
    from sklearn.preprocessing import StandardScaler

    xs = StandardScaler().fit_transform(x)
    forest = IsolationForest(n_estimators=N_ESTIMATORS, max_samples=MAX_SAMPLES, contamination="auto",
                             random_state=random_state, n_jobs=1)
    return forest.fit(xs).score_samples(xs)


def write_csv(path, x, label):
    import numpy as np

    with open(path, "w", newline="\n") as out:
        out.write(",".join(COLUMNS + ["label"]) + "\n")
        for row, y in zip(x, label):
            cells = [f"{v:.3f}".rstrip("0").rstrip(".") if c == COL["response_time_ms"] else str(int(v))
                     for c, v in enumerate(row)]
            out.write(",".join(cells + [str(int(y))]) + "\n")
    # Read back what the C++ test will read, so both sides score identical numbers.
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1].astype(np.uint8)


def cmd_datasets(args):
    import numpy as np
    import sklearn
    from sklearn.metrics import roc_auc_score

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for name, (seed, rounds) in DATASETS.items():
        x, label = generate(name, np.random.default_rng(seed), rounds)
        csv = DATA_DIR / f"{name}.csv"
        x, label = write_csv(csv, x, label)
        aucs, first_scores = [], None
        for state in RANDOM_STATES:
            scores = sklearn_scores(x, state)
            aucs.append(float(roc_auc_score(label, -scores)))
            if first_scores is None:
                first_scores = scores
        reference = {
            "dataset": name,
            "generator_seed": seed,
            "rows": int(x.shape[0]),
            "anomalies": int(label.sum()),
            "columns": COLUMNS,
            "sklearn_version": sklearn.__version__,
            "model": {"n_estimators": N_ESTIMATORS, "max_samples": MAX_SAMPLES, "contamination": "auto",
                      "preprocessing": "StandardScaler"},
            "random_states": RANDOM_STATES,
            "roc_auc": [round(a, 6) for a in aucs],
            "roc_auc_mean": round(float(np.mean(aucs)), 6),
            "score_samples_random_state_0": [round(float(s), 6) for s in first_scores],
        }
        with open(DATA_DIR / f"{name}.sklearn.json", "w") as out:
            json.dump(reference, out, indent=None, separators=(",", ":"))
            out.write("\n")
        print(f"{name}: {x.shape[0]} rows, {int(label.sum())} anomalies, "
              f"sklearn ROC AUC {np.mean(aucs):.4f} [{min(aucs):.4f}–{max(aucs):.4f}] -> {csv.relative_to(REPO)}")


MAGIC = b"RGFM0001"


def cmd_bench_data(args):
    import numpy as np

    rounds = -(-args.rows // len(ENDPOINTS))
    x, label = generate("mixed", np.random.default_rng(args.seed), rounds)
    x, label = x[: args.rows], label[: args.rows]
    with open(args.out, "wb") as out:
        out.write(MAGIC + struct.pack("<QQ", x.shape[0], x.shape[1]))
        out.write(np.ascontiguousarray(x, dtype="<f8").tobytes())
        out.write(np.ascontiguousarray(label, dtype=np.uint8).tobytes())
    print(json.dumps({"rows": int(x.shape[0]), "cols": int(x.shape[1]), "anomalies": int(label.sum()),
                      "out": str(args.out)}))


def read_bench_data(path):
    import numpy as np

    with open(path, "rb") as f:
        if f.read(8) != MAGIC:
            sys.exit(f"sklearn_parity: {path}: not a regionguard feature matrix")
        rows, cols = struct.unpack("<QQ", f.read(16))
        x = np.frombuffer(f.read(rows * cols * 8), dtype="<f8").reshape(rows, cols)
        label = np.frombuffer(f.read(rows), dtype=np.uint8)
    return x, label


def cmd_bench_sklearn(args):
    import sklearn
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    x, label = read_bench_data(args.input)
    runs = []
    auc = None
    with threadpool_limits(limits=1):
        for repeat in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            xs = StandardScaler().fit_transform(x)
            forest = IsolationForest(n_estimators=N_ESTIMATORS, max_samples=MAX_SAMPLES, contamination="auto",
                                     random_state=repeat, n_jobs=1).fit(xs)
            t1, c1 = time.perf_counter(), time.process_time()
            scores = forest.score_samples(xs)
            t2, c2 = time.perf_counter(), time.process_time()
            runs.append({"fit_s": t1 - t0, "score_s": t2 - t1, "total_s": t2 - t0,
                         "fit_cpu_s": c1 - c0, "score_cpu_s": c2 - c1, "total_cpu_s": c2 - c0})
            if auc is None and 0 < label.sum() < label.size:
                auc = float(roc_auc_score(label, -scores))
    print(json.dumps({"impl": "scikit-learn " + sklearn.__version__, "rows": int(x.shape[0]),
                      "cols": int(x.shape[1]), "runs": runs, "roc_auc": auc}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("datasets", help="regenerate tests/data/anomaly/*")
    sub.add_parser("check-sklearn", help="print scikit-learn's version and where it was found")
    p = sub.add_parser("bench-data", help="write a binary data set for the bench")
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=20251019)
    p = sub.add_parser("bench-sklearn", help="time scikit-learn on a binary data set")
    p.add_argument("--in", dest="input", type=Path, required=True)
    p.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    if args.command in (None, "datasets"):
        ensure_sklearn()
        cmd_datasets(args)
    elif args.command == "check-sklearn":
        ensure_sklearn()
        import sklearn
        print(sklearn.__version__, Path(sklearn.__file__).parent)
    elif args.command == "bench-data":
        cmd_bench_data(args)
    else:
        ensure_sklearn()
        cmd_bench_sklearn(args)


if __name__ == "__main__":
    main()
