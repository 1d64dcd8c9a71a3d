"""A real Ray cluster on this machine: head and worker nodes as separate ``ray start`` processes on 127.0.0.1.

Reproduce (from the repository root; about 5 minutes on 2 cores, nothing else running):

    .venv/bin/python -m benchmarks.cluster.run --out benchmarks/cluster/results/cluster.json

What it does, as the README's "Large pools and Ray" tells a user with several machines:

1. makes a token file (``RAY_AUTH_MODE=token``, ``RAY_AUTH_TOKEN_PATH``) and a Ray temp folder in a
   fresh temporary folder, so that nothing under ``~/.ray`` or ``/tmp/ray`` is read or written;
2. starts the head (``ray start --head --block``) and one more node (``ray start --address
   127.0.0.1:PORT --block``), each bound to the loopback address with ``--num-cpus`` CPUs, each in its
   own process group, and waits until the cluster shows both nodes;
3. runs the CLI as a user would, with ``--address 127.0.0.1:PORT``: ``select`` (facility and
   kcenter by 4 shards) and ``embed`` of a memory-mapped ``npy`` pool above PCA's out-of-core size
   (200000 images), then ``bench`` on digits on the two-node cluster and on the head alone;
4. runs the same commands on the local engine and records whether every number is equal;
5. stops exactly the process groups it started (SIGTERM, then SIGKILL) and checks that none of
   their processes is left and that ``~/.ray/auth_token`` is as it was before.

The per-cell overhead: each bench is timed end to end (the command's wall time, Ray's start-up
included) and per cell (the cell's own ``seconds.total``), against the local engine at the same
torch thread count (``OMP_NUM_THREADS``: the task's CPUs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
BENCH = ["--data", "digits", "--strategies", "kcenter", "--budgets", "100", "--seeds", "2", "--embed", "pca", "--measures", "none"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


class Cluster:
    """Ray nodes started here as ``ray start --block`` process groups; ``stop`` ends exactly those groups."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env = root, env
        self.procs: list[subprocess.Popen[bytes]] = []
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"

    def _start(self, args: list[str], name: str) -> None:
        log = (self.root / f"{name}.log").open("wb")
        self.procs.append(subprocess.Popen([str(BIN / "ray"), "start", *args, "--block", "--node-ip-address", "127.0.0.1",
                                            "--disable-usage-stats"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                           start_new_session=True))

    def head(self, cpus: int) -> None:
        self._start(["--head", "--port", str(self.port), "--num-cpus", str(cpus), "--include-dashboard", "false",
                     "--temp-dir", str(self.root / "ray")], "head")
        self.wait(1)

    def worker(self, cpus: int) -> None:
        self._start(["--address", self.address, "--num-cpus", str(cpus)], f"worker{len(self.procs)}")
        self.wait(len(self.procs))

    def wait(self, nodes: int, timeout: float = 120.0) -> None:
        """Until ``ray status`` at the address lists ``nodes`` alive nodes (or a node process died)."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            for p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError(f"a ray start process ended with {p.returncode}; see {self.root}/*.log")
            out = subprocess.run([str(BIN / "ray"), "status", "--address", self.address], env=self.env,
                                 capture_output=True, text=True)
            alive = out.stdout.split("Active:", 1)[-1].split("Pending:", 1)[0].count("node_")
            if out.returncode == 0 and alive >= nodes:
                return
            time.sleep(2)
        raise RuntimeError(f"the cluster did not show {nodes} nodes within {timeout:.0f} s")

    def groups(self) -> list[int]:
        return [p.pid for p in self.procs]  # each started with start_new_session: its pid is its process group

    def stop(self) -> dict[str, Any]:
        """SIGTERM each group, SIGKILL what is left after 30 s; report which of their processes survived."""
        for pgid in self.groups():
            try:
                os.killpg(pgid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _members(self.groups()):
            time.sleep(1)
        forced = _members(self.groups())
        for pgid in self.groups():
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for p in self.procs:
            p.wait(timeout=30)
        time.sleep(1)
        return {"groups": self.groups(), "killed_after_sigterm": forced, "left": _members(self.groups())}


def _members(groups: list[int]) -> list[int]:
    """Pids now alive in any of the process groups ``groups`` (from /proc)."""
    alive = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z" and int(fields[2]) in groups:
                alive.append(int(d.name))
    return alive


def _cli(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    done = subprocess.run([str(BIN / "infopick"), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"infopick {' '.join(args)} failed: {done.stderr.strip()[-600:]}")
    return time.perf_counter() - t0, done


def _cells(out: Path) -> dict[tuple[str, int, int], dict[str, Any]]:
    rows = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines() if x.strip()]
    return {(r["strategy"], r["budget"], r["seed"]): r for r in rows}


def _bench(tag: str, root: Path, env: dict[str, str], engine: list[str]) -> dict[str, Any]:
    out = root / f"bench-{tag}"
    wall, _ = _cli(["bench", *BENCH, "--out", str(out), *engine], env)
    cells = _cells(out)
    per_cell = [r["seconds"]["total"] for r in cells.values()]
    return {"wall_seconds": wall, "cells": len(cells), "cell_seconds_median": statistics.median(per_cell),
            "cell_seconds": per_cell, "accuracy": {f"{s} K={k} seed {x}": r["accuracy_test"] for (s, k, x), r in sorted(cells.items())}}


def run(cpus: int, root: Path) -> dict[str, Any]:
    import numpy as np

    token_file = root / "token"
    token_file.write_text(secrets.token_hex(32))  # what `ray get-auth-token --generate` makes, kept out of ~/.ray
    token_file.chmod(0o600)
    base = {**os.environ, "OMP_NUM_THREADS": str(cpus), "INFOPICK_HOME": str(root / "home-local")}
    ray_env = {**base, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token_file), "INFOPICK_HOME": str(root / "home-ray")}
    big = root / "big.npy"
    rng = np.random.default_rng(0)
    arr = np.lib.format.open_memmap(big, mode="w+", dtype=np.uint8, shape=(200_500, 28, 28))
    for i in range(0, len(arr), 50_000):
        arr[i : i + 50_000] = rng.integers(0, 256, size=(min(50_000, len(arr) - i), 28, 28), dtype=np.uint8)
    arr.flush()
    del arr
    report: dict[str, Any] = {"cpus_per_node": cpus, "ray": subprocess.run([str(BIN / "ray"), "--version"], capture_output=True,
                                                                          text=True).stdout.strip()}
    cluster = Cluster(root, ray_env)
    local = ["--engine", "local"]
    try:
        t0 = time.perf_counter()
        cluster.head(cpus)
        report["head_start_seconds"] = time.perf_counter() - t0
        addr = ["--engine", "ray", "--address", cluster.address]
        report["bench_1_node"] = _bench("ray1", root, ray_env, addr)
        t0 = time.perf_counter()
        cluster.worker(cpus)
        report["worker_start_seconds"] = time.perf_counter() - t0
        equal: dict[str, bool] = {}
        for strategy in ("facility", "kcenter"):
            args = ["select", "--data", "digits", "--budget", "60", "--strategy", strategy, "--embed", "pca", "--shards", "4"]
            _cli([*args, "--out", str(root / f"{strategy}-local.csv"), *local], base)
            _cli([*args, "--out", str(root / f"{strategy}-ray.csv"), *addr], ray_env)
            equal[f"select {strategy}"] = (root / f"{strategy}-local.csv").read_text() == (root / f"{strategy}-ray.csv").read_text()
        t_local, _ = _cli(["embed", "--data", f"npy:{big}", "--embed", "pca", "--out", str(root / "z-local.npy"), *local], base)
        t_ray, _ = _cli(["embed", "--data", f"npy:{big}", "--embed", "pca", "--out", str(root / "z-ray.npy"), *addr], ray_env)
        equal["embed pca (200500 images, memory-mapped)"] = bool(np.array_equal(np.load(root / "z-local.npy"),
                                                                               np.load(root / "z-ray.npy")))
        report["embed_seconds"] = {"local": t_local, "ray 2 nodes": t_ray}
        report["bench_2_nodes"] = _bench("ray2", root, ray_env, addr)
        report["bench_local"] = _bench("local", root, base, local)
        for tag in ("bench_1_node", "bench_2_nodes"):
            equal[tag] = report[tag]["accuracy"] == report["bench_local"]["accuracy"]
        report["equal_to_local"] = equal
    finally:
        report["stop"] = cluster.stop()
    return report


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cpus", type=int, default=1, help="CPUs each node offers (default 1: two nodes fill 2 cores)")
    p.add_argument("--out", type=Path, help="write the report (JSON) here")
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a killed run still stops its nodes (the finally below)
    token_before = _digest(Path.home() / ".ray" / "auth_token")
    ray_tmp_before = set(Path("/tmp/ray").glob("session_*"))
    root = Path(tempfile.mkdtemp(prefix="infopick-cluster-"))
    try:
        report = run(a.cpus, root)
    finally:
        logs = {f.name: f.read_text(errors="replace")[-2000:] for f in root.glob("*.log")}
    report["home_token_unchanged"] = _digest(Path.home() / ".ray" / "auth_token") == token_before
    report["tmp_ray_sessions_added"] = len(set(Path("/tmp/ray").glob("session_*")) - ray_tmp_before)
    b1, b2, bl = report["bench_1_node"], report["bench_2_nodes"], report["bench_local"]
    report["summary"] = {
        "cell_seconds_ratio_ray_to_local (1 node, median)": b1["cell_seconds_median"] / bl["cell_seconds_median"],
        "wall_ratio_ray_1_node_to_local": b1["wall_seconds"] / bl["wall_seconds"],
        "wall_ratio_2_nodes_to_1_node": b2["wall_seconds"] / b1["wall_seconds"],
    }
    text = json.dumps(report, indent=1)
    print(text)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text + "\n")
    if report["stop"]["left"]:
        print(f"processes left: {report['stop']['left']}; logs: {json.dumps(logs)[:3000]}", file=sys.stderr)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
