"""National benchmark: many provinces' results, one at a time with pandas, with the DuckDB
engine, and across a Dask cluster, against a plain DuckDB SQL floor over the same files.

    .venv/bin/python benchmarks/national.py                      # the first 10 provinces
    .venv/bin/python benchmarks/national.py --count 2 --scale 0.02

The demo data of the first N provinces by code (`okanalysis demo --provinces ...`, scale
`--scale`) is generated once into `benchmarks/.data/national-N-sS/` (or `--dir`) and reused.
Each contender runs in a fresh process; the peak resident memory is that of the whole process
tree (the run and every process it starts: Dask workers, a nanny...), sampled with psutil:

* pandas: `results.build(data, province=c)` for each province, one after another;
* duckdb: the same with `engine="duckdb", memory_limit="2GB"`; once for the N provinces and
  once for the first 2, for the linearity;
* dask: `results.build_provinces(data, codes, workers=2)` (pandas engine on 2 workers);
* floor: plain DuckDB SQL computing the same ledger outputs (household summaries, village
  roll-up, opportunities; `benchmarks/ledger.py`'s reference) over the same Parquet files.

It ends with three lines: `ratio` (DuckDB engine time / floor time for the same ledger outputs:
the one pass over the ledger and computing the household, roll-up and money-leaving tables as the
build's manifests time them (not writing them: the floor's outputs stay in DuckDB), against the
floor's SQL; target at most 1.5; the whole build, which also checks and computes every other
table and writes them all, is printed against the floor's whole run above it),
`peak` (GB, DuckDB engine, all processes; target under 4) and `linearity` (DuckDB engine
seconds per million rows at N over that at N=2; target at most 1.2).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------------------------------------
# data


def data_folder(count: int, scale: float, given: Path | None) -> Path:
    return given or HERE / ".data" / f"national-{count}-s{scale:g}"


def provinces(count: int) -> list[str]:
    from okanalysis.contract import hierarchy

    return list(hierarchy.province_codes()[:count])


def ensure_data(folder: Path, codes: list[str], scale: float, seed: int) -> None:
    """Generate the demo of `codes` into `folder` once (reused when it holds them all)."""
    from okanalysis.loading import io

    if folder.is_dir() and set(codes) <= set(io.provinces_in(folder)):
        print(f"data: reusing {folder}")
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "okanalysis", "--quiet", "demo", "--provinces", ",".join(codes),
         "--scale", str(scale), "--seed", str(seed), "--out", str(folder)],
        check=True,
    )  # fmt: skip
    print(f"data: generated in {time.perf_counter() - started:.1f} s -> {folder}")


def ledger_rows(folder: Path, codes: list[str]) -> int:
    import pyarrow.parquet as pq

    return sum(
        pq.ParquetFile(f).metadata.num_rows
        for c in codes
        for f in (folder / "ledger" / f"province={c}").glob("*.parquet")
    )


# ---------------------------------------------------------------------------------------------
# the contenders (each in its own process: `--child KIND`)


def run_pandas(data: Path, codes: list[str], out: Path) -> dict:
    from okanalysis.results.build import build

    for code in codes:
        build(data, province=code, out=out, force=True)
    return {}


#: The floor's ledger outputs as the build's manifest times them (computing, not writing:
#: the floor's outputs stay in DuckDB): the one pass over the ledger, the household
#: summaries, the roll-ups and the money leaving (the engine's at every level, the floor's
#: per village).
LEDGER_PARTS = ("ledger", "households", "rollup", "opportunities")


def run_duckdb(data: Path, codes: list[str], out: Path) -> dict:
    """`results.build` with the DuckDB engine, province by province; `ledger_seconds` is the
    time its manifests give the ledger's outputs (the floor's outputs, from the same files)."""
    from okanalysis.results.build import build

    ledger = 0.0
    for code in codes:
        r = build(data, province=code, out=out, force=True, engine="duckdb", memory_limit="2GB")
        ledger += sum(r.manifest["seconds"].get(part, 0.0) for part in LEDGER_PARTS)
    return {"ledger_seconds": ledger}


def run_dask(data: Path, codes: list[str], out: Path) -> dict:
    from okanalysis.results.provinces import build_provinces

    result = build_provinces(data, codes, out=out, workers=2, force=True)
    return {"failed": sorted(result.failed)}


def run_floor(data: Path, codes: list[str], out: Path) -> dict:
    """The ledger outputs in plain DuckDB SQL (benchmarks/ledger.py's reference), province by
    province, over the same Parquet files (linked into a flat folder per province)."""
    import duckdb

    sys.path.insert(0, str(HERE))
    from ledger import _reference_sql  # the independent SQL reference

    from okanalysis.core import params

    cats = params.ledger_categories().rename(columns={"group": "grp"})
    cats = cats[
        ["category", "kind", "grp", "direction", "avoidable", "substitutable", "farm_input"]
    ]
    links = Path(tempfile.mkdtemp(prefix="okanalysis-floor-"))
    rows, ledger = 0, 0.0
    try:
        for code in codes:
            flat = links / code
            flat.mkdir()
            for table in ("ledger", "households", "villages"):
                (flat / f"{table}.parquet").symlink_to(
                    data / table / f"province={code}" / "part-0.parquet"
                )
            began = time.perf_counter()
            con = duckdb.connect(config={"memory_limit": "2GB", "threads": 2})
            con.register("cats", cats)
            for statement in _reference_sql(flat):
                con.execute(statement)
            for name in ("summary", "rollup", "opportunities"):
                rows += con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            con.close()
            ledger += time.perf_counter() - began
    finally:
        shutil.rmtree(links, ignore_errors=True)
    return {"output_rows": rows, "ledger_seconds": ledger}


CHILDREN = {"pandas": run_pandas, "duckdb": run_duckdb, "dask": run_dask, "floor": run_floor}


def measure(kind: str, data: Path, codes: list[str], out: Path) -> dict:
    """Run one contender in a fresh process; its wall time and the peak resident memory of
    its whole process tree (sampled every 0.1 s)."""
    import psutil

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(data), ",".join(codes), str(out)],
        stdout=subprocess.PIPE,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, total)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed (exit {proc.returncode})")
    figures = json.loads(stdout.strip().splitlines()[-1])
    return {"seconds": seconds, "peak_gb": peak / 1e9, **figures}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=10, help="the first N provinces (default 10)")
    ap.add_argument("--scale", type=float, default=1.0, help="demo scale per province (default 1)")
    ap.add_argument("--seed", type=int, default=2551)
    ap.add_argument(
        "--dir", type=Path, default=None, help="data folder (default benchmarks/.data/)"
    )
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, data, codes, out = args.child
        print(json.dumps(CHILDREN[kind](Path(data), codes.split(","), Path(out))))
        return 0

    codes = provinces(args.count)
    data = data_folder(args.count, args.scale, args.dir)
    ensure_data(data, codes, args.scale, args.seed)
    rows = ledger_rows(data, codes)
    rows_2 = ledger_rows(data, codes[:2])
    print(f"provinces: {len(codes)} ({', '.join(codes)}), ledger rows: {rows:,}")
    work = Path(tempfile.mkdtemp(prefix="okanalysis-national-"))
    runs: dict[str, dict] = {}
    try:
        for kind in ("floor", "pandas", "duckdb", "dask"):
            runs[kind] = measure(kind, data, codes, work / kind)
            r = runs[kind]
            extra = f", failed: {', '.join(r['failed'])}" if r.get("failed") else ""
            print(
                f"{kind:7} {r['seconds']:8.1f} s  {rows / r['seconds']:12,.0f} rows/s  "
                f"peak {r['peak_gb']:.2f} GB (all processes){extra}"
            )
        duck = runs["duckdb"]
        if len(codes) > 2:
            runs["duckdb_2"] = measure("duckdb", data, codes[:2], work / "duckdb_2")
            print(f"duckdb at N=2: {runs['duckdb_2']['seconds']:.1f} s ({rows_2:,} rows)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = runs["floor"]
    print(
        f"the ledger's outputs (household summaries, roll-ups, money leaving) alone: DuckDB"
        f" engine {duck['ledger_seconds']:.1f} s (the one pass and computing those tables, from"
        f" its manifests), floor {floor['ledger_seconds']:.1f} s (its SQL); the whole build"
        f" (every table, checks, writing) against the floor's whole run:"
        f" {duck['seconds'] / floor['seconds']:.2f}"
    )
    two = runs.get("duckdb_2", duck)
    per_n = duck["seconds"] / (rows / 1e6)
    per_2 = two["seconds"] / (rows_2 / 1e6)
    print(f"ratio: {duck['ledger_seconds'] / floor['ledger_seconds']:.2f}")
    print(f"peak: {duck['peak_gb']:.2f}")
    print(f"linearity: {per_n / per_2:.2f}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
