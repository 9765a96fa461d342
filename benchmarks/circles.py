"""Benchmark: 1,000 learning-circle saves from 4 concurrent processes into a fresh store.

Each process stands for a dashboard kernel saving circles at the same time. Prints the time per
save (p50, p95, max) and the wall time, beside a reference: the same number of bare single-row
INSERT transactions from as many processes, with the same PRAGMAs, so `ratio` shows what the
store's checking and its six-row transaction cost over SQLite's own floor. Target: p95 < 20 ms.

Then the district office's merge: 23 stores (one per district) of 100 entries each, merged into
one new store with `circles.merge`, and the same merge run again (idempotent: adds nothing).

    /tmp/venv/bin/python benchmarks/circles.py [--saves 1000] [--processes 4]
        [--stores 23] [--entries 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import sqlite3
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from okanalysis.circles import store as circles
from okanalysis.components import COMPONENT_CODES

TARGET_P95_MS = 20.0


def _session(worker: int, i: int) -> circles.CircleSession:
    grades = "ABC"
    scores = [
        circles.ComponentScore(
            c,
            grades[(i + k) % 3],
            grades[(i + k + worker) % 3],
            reason="วงเห็นต่าง",
            evidence="ภาพถ่าย",
        )
        for k, c in enumerate(COMPONENT_CODES)
    ]
    return circles.CircleSession(
        unit_code=f"800101{i % 20 + 1:02d}",
        unit_level="village",
        round="start_2551",
        date=dt.date(2008, 1, 15),
        facilitator=f"คุณอำนวย {worker}",
        components=scores,
        overall=grades[i % 3],
        participants=circles.Participants(
            cores=8, villagers=20, facilitators=2, male=14, female=16
        ),
        computed_overall=grades[(i + 1) % 3],
    )


def _save_worker(path: str, worker: int, n: int, barrier, results) -> None:
    sessions = [_session(worker, i) for i in range(n)]
    with circles.open_store(path) as store:
        barrier.wait()
        start = time.perf_counter()
        times = []
        for s in sessions:
            t0 = time.perf_counter()
            circles.save_session(store, s)
            times.append(time.perf_counter() - t0)
        results.put((start, time.perf_counter(), times))


def _insert_worker(path: str, worker: int, n: int, barrier, results) -> None:
    con = sqlite3.connect(path, isolation_level=None, timeout=circles.BUSY_TIMEOUT_MS / 1000)
    con.execute(f"PRAGMA busy_timeout = {circles.BUSY_TIMEOUT_MS}")
    for pragma in circles.CONNECTION_PRAGMAS:
        con.execute(f"PRAGMA {pragma}")
    barrier.wait()
    start = time.perf_counter()
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO t (worker, i) VALUES (?, ?)", (worker, i))
        con.execute("COMMIT")
        times.append(time.perf_counter() - t0)
    con.close()
    results.put((start, time.perf_counter(), times))


def _run(worker, path: str, saves: int, processes: int) -> dict[str, float]:
    ctx = mp.get_context("spawn")  # independent processes, like separate dashboard kernels
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    shares = [saves // processes + (w < saves % processes) for w in range(processes)]
    procs = [
        ctx.Process(target=worker, args=(path, w, n, barrier, results))
        for w, n in enumerate(shares)
    ]
    for p in procs:
        p.start()
    got = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise SystemExit(f"a worker failed (exit code {p.exitcode})")
    times = sorted(t * 1000 for _, _, ts in got for t in ts)
    quantiles = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "n": len(times),
        "p50": statistics.median(times),
        "p95": quantiles[94],
        "max": times[-1],
        "over_target": sum(t > TARGET_P95_MS for t in times),
        "total": max(end for _, end, _ in got) - min(start for start, _, _ in got),
    }


def run(saves: int = 1000, processes: int = 4) -> dict[str, dict[str, float]]:
    """Time the saves and the reference; return {'save': {...}, 'reference': {...}} in ms / s."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "circles.sqlite"
        circles.open_store(store, create=True).close()
        save = _run(_save_worker, str(store), saves, processes)
        assert len(circles.history(store)) == saves, "saves were lost"
        ref_path = Path(tmp) / "reference.sqlite"
        con = sqlite3.connect(ref_path)
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, worker INTEGER, i INTEGER)")
        con.close()
        reference = _run(_insert_worker, str(ref_path), saves, processes)
    return {"save": save, "reference": reference}


def run_merge(stores: int = 23, entries: int = 100) -> dict[str, float]:
    """Time merging `stores` stores of `entries` entries each into a new store (seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for d in range(stores):
            path = Path(tmp) / f"amphoe-{d + 1:02d}.sqlite"
            with circles.open_store(path, create=True) as store:
                for i in range(entries):
                    s = _session(d, i)
                    unit = f"80{d + 1:02d}{i // 20 + 1:02d}{i % 20 + 1:02d}"
                    circles.save_session(store, replace(s, unit_code=unit))
            paths.append(path)
        target = Path(tmp) / "province.sqlite"
        t0 = time.perf_counter()
        first = circles.merge(paths, target)
        merge_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = circles.merge(paths, target)
        again_s = time.perf_counter() - t0
        assert first.added == stores * entries and again.added == 0, "entries were lost"
    return {"entries": stores * entries, "merge": merge_s, "again": again_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--stores", type=int, default=23)
    parser.add_argument("--entries", type=int, default=100)
    args = parser.parse_args()
    result = run(args.saves, args.processes)
    print(f"{args.saves} saves from {args.processes} concurrent processes, fresh store")
    print(f"{'':12}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'total s':>9}")
    for name, r in (("circle save", result["save"]), ("bare INSERT", result["reference"])):
        print(f"{name:12}{r['p50']:9.2f}{r['p95']:9.2f}{r['max']:9.1f}{r['total']:9.2f}")
    save, ref = result["save"], result["reference"]
    print(
        f"ratio       p50 {save['p50'] / ref['p50']:.1f}x  p95 {save['p95'] / ref['p95']:.1f}x"
        f"  total {save['total'] / ref['total']:.1f}x"
    )
    verdict = "met" if save["p95"] < TARGET_P95_MS else "MISSED"
    print(
        f"target      p95 < {TARGET_P95_MS:.0f} ms: {verdict}"
        f" ({save['over_target']} of {save['n']} saves took longer)"
    )
    merged = run_merge(args.stores, args.entries)
    print(
        f"merge       {args.stores} stores of {args.entries} entries into a new store:"
        f" {merged['merge']:.2f} s ({merged['entries']} entries);"
        f" again (adds nothing): {merged['again']:.2f} s"
    )


if __name__ == "__main__":
    main()
