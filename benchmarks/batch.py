"""Batch benchmark: every district report and the province summary, against the notebook floor.

    /tmp/venv/bin/python benchmarks/batch.py                   # demo province at scale 1, 2 jobs
    /tmp/venv/bin/python benchmarks/batch.py --scale 0.1       # a smaller province
    /tmp/venv/bin/python benchmarks/batch.py --data data/demo  # an existing province

1. The demo province (`okanalysis.demo`, scale 1: 1,550 villages, about 20 million ledger rows)
   is written as Parquet, as `okanalysis demo` does (not timed).
2. The batch: `okanalysis.batch.run` on the whole province (23 district reports and the province
   summary) with `--jobs 2`, a fresh results folder and an empty reports folder. `total` is the
   whole run; `results.build` is its one-time part (load and validate, the ledger pass,
   roll-ups, opportunities, people, plans, topics, grades, written as partitioned Parquet),
   done once for all 24 notebooks.
3. The floor: the same machinery (`batch.run_notebooks`: papermill, the same kernel, the same
   parallelism, the same HTML export) on a notebook that only imports okanalysis, pandas and
   plotly and draws one chart, 24 times.

Prints total, the results.build time, floor, `ratio` = (total - processing) / floor and the size of the
reports folder. Targets on 2 cores: ratio at most 2, the whole batch under 3 minutes, reports
under 40 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

FLOOR_SOURCE = """\
import okanalysis
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

pio.renderers.default = "plotly_mimetype"
frame = pd.DataFrame({"x": ["ก", "ข", "ค"], "y": [1, 3, 2]})
go.Figure(go.Bar(x=frame["x"], y=frame["y"])).show()
"""


def floor_notebook(path: Path) -> Path:
    """The floor notebook: imports, one chart, nothing else."""
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    params = new_code_cell("n = 0")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, new_code_cell(FLOOR_SOURCE)]
    nbformat.write(nb, path)
    return path


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--data", help="an existing province instead of a new demo")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", help="keep the reports in this folder")
    args = parser.parse_args(argv)

    from okanalysis import batch
    from okanalysis.demo import synthetic as demo
    from okanalysis.loading import io

    work = Path(tempfile.mkdtemp(prefix="okanalysis-batch-bench-"))
    os.environ["OKANALYSIS_CIRCLES"] = str(work / "circles.sqlite")  # no circle records
    try:
        if args.data:
            data = Path(args.data)
        else:
            started = time.perf_counter()
            data = work / "demo"
            io.write_dataset(demo.generate(scale=args.scale), data, "parquet", note="benchmark")
            print(
                f"demo province at scale {args.scale} written in {time.perf_counter() - started:.1f} s"
            )

        out = Path(args.keep) if args.keep else work / "reports"
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        result = batch.run(
            data, jobs=args.jobs, out=out, cache_dir=work / "cache", force=True, log=print
        )
        total = time.perf_counter() - started
        processing = result.results.seconds
        if result.failed:
            print(batch.describe(result))
            return 1
        reports = len(result.written)

        notebook = floor_notebook(work / "floor.ipynb")
        tasks = [
            batch.NotebookTask(
                f"floor-{i}",
                notebook,
                work / "floor" / f"{i}.ipynb",
                work / "floor" / f"{i}.html",
                {},
            )
            for i in range(reports)
        ]
        started = time.perf_counter()
        floor_results = batch.run_notebooks(tasks, jobs=args.jobs)
        floor = time.perf_counter() - started
        if not all(r.ok for r in floor_results):
            print("floor notebook failed:", [r.error for r in floor_results if not r.ok])
            return 1

        ratio = (total - processing) / floor
        size = folder_size(out)
        print(
            f"reports       {reports} notebooks ({len(result.results.districts)} districts + summary), jobs {args.jobs}, {os.cpu_count()} cores"
        )
        print(f"total         {total:7.1f} s   (target < 180 s)")
        print(f"results.build {processing:7.1f} s   (once per batch, scale {args.scale})")
        print(f"floor         {floor:7.1f} s   ({reports} x imports + one chart + HTML export)")
        print(f"ratio         {ratio:7.2f}     (total - processing) / floor, target <= 2")
        print(f"reports size  {size / 1e6:7.1f} MB  (target < 40 MB)")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
