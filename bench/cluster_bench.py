#!/usr/bin/env python3
"""Several agents through etcd (issue 17): what the cluster costs and how fast it replaces a leader.

Runs on loopback with real processes only: three etcd members, knotd serving N names, and
`regionguard run` agents (each with N DNS checks, every one of them used by one application, so
an agent's view carries N states). Measures:

  1. leader SIGKILL -> another agent leads (as its own GET /api/v1/cluster says), over --kills
     runs, against lease_ttl: etcd expires the dead leader's lease after the TTL, so TTL is the
     floor and the ratio says what the cluster adds to it;
  2. etcd writes and bytes per agent per round, at each --agents count (from the agents' own
     regionguard_cluster_etcd_* counters over a window);
  3. CPU per round of an agent versus a daemon running alone with the same configuration (from
     /proc/PID/stat over the same window length), as a ratio.

Usage: bench/cluster_bench.sh [--agents 3,9] [--endpoints 1000] [--kills 10] [--window 20]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need(program, package):
    path = shutil.which(program)
    if not path:
        sys.exit(f"cluster_bench: {program} not found: apt-get install {package} (scripts/install-deps.sh)")
    return path


def get_json(port, path, timeout=2):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
        return json.load(r)


def metric(port, name):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    return None


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"cluster_bench: timed out waiting for {what}")


class Etcd:
    def __init__(self, work, members=3):
        program = need("etcd", "etcd-server")
        self.ports = [(free_port(), free_port()) for _ in range(members)]
        cluster = ",".join(f"e{i}=http://127.0.0.1:{p}" for i, (_, p) in enumerate(self.ports))
        self.processes = []
        for i, (client, peer) in enumerate(self.ports):
            log = open(os.path.join(work, f"etcd{i}.log"), "w")
            self.processes.append(subprocess.Popen(
                [program, "--name", f"e{i}", "--data-dir", os.path.join(work, f"etcd{i}"),
                 "--listen-client-urls", f"http://127.0.0.1:{client}", "--advertise-client-urls", f"http://127.0.0.1:{client}",
                 "--listen-peer-urls", f"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
                 "--initial-cluster", cluster, "--initial-cluster-state", "new",
                 "--heartbeat-interval", "50", "--election-timeout", "500"], stdout=log, stderr=log))
        for client, _ in self.ports:
            wait(lambda c=client: get_json(c, "/health").get("health") == "true", 60, "etcd")

    def endpoints(self):
        return [f"http://127.0.0.1:{c}" for c, _ in self.ports]

    def stop(self):
        for p in self.processes:
            p.terminate()
        for p in self.processes:
            p.wait()


class Knot:
    def __init__(self, work, names):
        program = need("knotd", "knot")
        self.port = free_port()
        zone = os.path.join(work, "bench.test.zone")
        with open(zone, "w") as f:
            f.write("$ORIGIN bench.test.\n$TTL 60\n@ SOA ns hostmaster 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n")
            for i in range(1, names + 1):
                f.write(f"name{i:04d} A 192.0.2.{i % 250 + 1}\n")
        conf = os.path.join(work, "knot.conf")
        os.makedirs(os.path.join(work, "knot"), exist_ok=True)
        with open(conf, "w") as f:
            f.write(f"server:\n  listen: 127.0.0.1@{self.port}\n  rundir: {work}/knot\n"
                    f"database:\n  storage: {work}/knot\nzone:\n  - domain: bench.test\n    file: {zone}\n")
        self.process = subprocess.Popen([program, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def write_config(path, port, knot_port, endpoints, etcd=None, name=None, ttl="3s"):
    half = endpoints // 2
    with open(path, "w") as f:
        f.write("regions: [us-east-1, us-west-2]\n")
        f.write(f"defaults: {{ interval: 1s, timeout: 500ms, jitter: 900ms, resolvers: [\"127.0.0.1:{knot_port}\"] }}\n")
        f.write("services: { bench: {} }\nendpoints:\n")
        for i in range(1, endpoints + 1):
            region = "us-east-1" if i <= half else "us-west-2"
            f.write(f"  - {{ hostname: name{i:04d}.bench.test, service: bench, region: {region} }}\n")
        f.write(f"store: {{ path: {os.path.dirname(path)}/history.db }}\n")
        f.write(f"server: {{ listen: \"127.0.0.1:{port}\" }}\n")
        f.write("applications:\n  web:\n    primary: us-east-1\n    secondaries: [us-west-2]\n    checks:\n")
        f.write("      us-east-1: [" + ", ".join(f"name{i:04d}.bench.test" for i in range(1, half + 1)) + "]\n")
        f.write("      us-west-2: [" + ", ".join(f"name{i:04d}.bench.test" for i in range(half + 1, endpoints + 1)) + "]\n")
        f.write("    policy: { mode: dry-run }\n    plan: { gate: true }\n")
        if etcd:
            f.write(f"cluster:\n  name: {name}\n  lease_ttl: {ttl}\n  etcd: {{ timeout: 1s, endpoints: [{', '.join(etcd)}] }}\n")


class Agent:
    def __init__(self, binary, work, name, knot_port, endpoints, etcd=None, ttl="3s"):
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.config = os.path.join(self.dir, "regionguard.yaml")
        self.name = name
        write_config(self.config, self.port, knot_port, endpoints, etcd, name, ttl)
        self.binary = binary
        self.start()

    def start(self):
        log = open(os.path.join(self.dir, "run.log"), "a")
        self.process = subprocess.Popen([self.binary, "--log-level", "warn", "run", "-c", self.config], stdout=log, stderr=log)
        wait(lambda: urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1).status == 200, 60,
             f"{self.name} ready")

    def cluster(self):
        return get_json(self.port, "/api/v1/cluster")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


def leader_of(agents):
    for agent in agents:
        try:
            if agent.process.poll() is None and agent.cluster()["leading"]:
                return agent
        except OSError:
            pass
    return None


def bench_failover(binary, work, knot, etcd, kills, ttl_s):
    agents = [Agent(binary, work, f"ko{i}", knot.port, 4, etcd.endpoints(), f"{ttl_s}s") for i in range(3)]
    times = []
    try:
        for run in range(kills):
            wait(lambda: leader_of(agents) is not None and all(len(a.cluster()["agents"]) == 3 for a in agents), 60,
                 "a leader and three agents")
            old = leader_of(agents)
            killed_at = time.monotonic()
            old.kill()
            others = [a for a in agents if a is not old]
            wait(lambda: leader_of(others) is not None, 60, "a new leader")
            times.append(time.monotonic() - killed_at)
            print(f"  kill {run + 1}/{kills}: {old.name} -> {leader_of(others).name} in {times[-1]:.2f} s", flush=True)
            old.start()
    finally:
        for a in agents:
            a.stop()
    return times


def bench_load(binary, work, knot, etcd, agents_count, endpoints, window):
    agents = [Agent(binary, work, f"a{agents_count}-{i}", knot.port, endpoints, etcd.endpoints()) for i in range(agents_count)]
    try:
        wait(lambda: all(len(a.cluster()["agents"]) == agents_count for a in agents), 120, f"{agents_count} agents")
        def sample():
            out = []
            for a in agents:
                me = next(x for x in a.cluster()["agents"] if x["self"])
                out.append((metric(a.port, "regionguard_cluster_etcd_writes_total"),
                            metric(a.port, "regionguard_cluster_etcd_written_bytes_total"), me["rounds"],
                            cpu_seconds(a.process.pid)))
            return out
        before = sample()
        time.sleep(window)  # a measuring window, not a wait for a state
        after = sample()
        rows = []
        for (w0, b0, r0, c0), (w1, b1, r1, c1) in zip(before, after):
            rounds = max(r1 - r0, 1)
            rows.append(((w1 - w0) / rounds, (b1 - b0) / rounds, (c1 - c0) / rounds))
        return rows
    finally:
        for a in agents:
            a.stop()


def bench_alone(binary, work, knot, endpoints, window):
    agent = Agent(binary, work, "alone", knot.port, endpoints)
    try:
        rounds = lambda: int(metric(agent.port, "regionguard_rounds_total") or 0)
        r0, c0 = rounds(), cpu_seconds(agent.process.pid)
        time.sleep(window)
        r1, c1 = rounds(), cpu_seconds(agent.process.pid)
        return (c1 - c0) / max(r1 - r0, 1)
    finally:
        agent.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default="build/release/regionguard")
    parser.add_argument("--agents", default="3,9", help="agent counts for the load rows")
    parser.add_argument("--endpoints", type=int, default=1000, help="checks per agent, all used by the application")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--ttl", type=int, default=3, help="lease_ttl in seconds for the kill runs")
    parser.add_argument("--window", type=float, default=20, help="seconds per load measurement")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="rg-cluster-bench-")
    etcd = Etcd(work)
    knot = Knot(work, max(args.endpoints, 4))
    try:
        print(f"== leader SIGKILL -> new leader (lease_ttl {args.ttl} s, {args.kills} runs)", flush=True)
        times = bench_failover(args.binary, work, knot, etcd, args.kills, args.ttl)
        med, worst = statistics.median(times), max(times)
        print(f"median {med:.2f} s ({med / args.ttl:.2f} x TTL), max {worst:.2f} s ({worst / args.ttl:.2f} x TTL)")
        alone = bench_alone(args.binary, work, knot, args.endpoints, args.window)
        print(f"== alone: {alone * 1000:.1f} ms CPU per round, {args.endpoints} endpoints")
        for count in [int(x) for x in args.agents.split(",")]:
            rows = bench_load(args.binary, work, knot, etcd, count, args.endpoints, args.window)
            writes = statistics.median(r[0] for r in rows)
            kib = statistics.median(r[1] for r in rows) / 1024
            cpu = statistics.median(r[2] for r in rows)
            print(f"== {count} agents x {args.endpoints} endpoints: {writes:.2f} etcd writes and {kib:.1f} KiB per agent "
                  f"per round; {cpu * 1000:.1f} ms CPU per round = {cpu / alone:.2f} x alone", flush=True)
    finally:
        knot.stop()
        etcd.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
