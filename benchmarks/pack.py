"""District pack benchmark: the largest district's pack, its size and build time, and the
circle dashboard served from it on a laptop.

    .venv/bin/python benchmarks/pack.py                   # demo province at scale 1
    .venv/bin/python benchmarks/pack.py --scale 0.1       # a smaller province
    .venv/bin/python benchmarks/pack.py --data data/demo  # an existing province (raw or results)
    .venv/bin/python benchmarks/pack.py --no-serve        # sizes and times only (no browser)

1. The demo province is written as Parquet (not timed) and its results computed once
   (`results.build`, timed apart: a district office has them already).
2. The largest district (most villages) is packed without and with household rows
   (`okanalysis.pack.build`): the time of each, the folder's and the zip's size in MB.
3. The pack without household rows is served as `okanalysis dashboard --data PACK` serves it
   (its results, parameters and own store; `benchmarks/dashboard.py`'s floor notebook beside
   the dashboards) and, in chromium, for each try a fresh context opens a village of the
   district by its link and times navigation → first chart drawn, then the floor the same way:

       ratio = first chart (circle page from the pack) / first chart (floor)   target <= 1.5

   Then, with one circle page and the district scorecard open, the resident memory of the
   server and all its dashboard kernels (preheated ones included; the floor's own kernels not
   counted), as proportional set sizes (Pss: a shared library's pages counted once across the
   processes, as the laptop holds them; the VmRSS sum, which counts them in every process,
   is printed beside it):

       server_gb                                                               target < 1

Needs the Debian `chromium` package and Playwright for Python.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGET_RATIO, TARGET_SERVER_GB = 1.5, 1.0


def _mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def serve_pack(pack: Path, villages: list[str], tries: int, work: Path) -> tuple[float, float]:
    """(ratio, server_gb) of the circle dashboard served from `pack` (see the module text)."""
    import dashboard as bench  # benchmarks/dashboard.py: the floor notebook and page timing
    from playwright.sync_api import sync_playwright

    from okanalysis.dashboard import server as dashboard
    from tests.support import browser as support

    notebooks = work / "notebooks"
    notebooks.mkdir()
    for name in ("circle", "district"):
        shutil.copy(dashboard.DASHBOARDS_DIR / f"{name}.ipynb", notebooks / f"{name}.ipynb")
    (notebooks / "floor.ipynb").write_text(json.dumps(bench.floor_notebook()), encoding="utf-8")
    s = dashboard.settings(pack, port=support.free_port(), notebooks=notebooks)
    print(f"served from the pack {s.data} (store {s.store})", flush=True)
    server = support.Background(s, work)
    firsts, floors = [], []
    picked = (villages * tries)[:tries]
    try:
        with sync_playwright() as p:
            browser = support.launch_chromium(p)
            # the log counts every kernel that prepared a dashboard: try i waits for the
            # (i + 1)th of each, so nothing is timed while a kernel is being prepared
            for i, village in enumerate(picked):
                for name, count in (("circle", i + 1), ("floor", i + 1)):
                    server.wait_ready(name, count, timeout=bench.READY_WAIT_S)
                time.sleep(0.5)
                context = browser.new_context(viewport=support.VIEWPORT)
                page = context.new_page()
                start = time.perf_counter()
                page.goto(server.url("voila/render/circle.ipynb", f"village={village}"),
                          wait_until="commit")  # fmt: skip
                page.wait_for_selector(bench.CHART_DRAWN, state="attached", timeout=120_000)
                firsts.append(time.perf_counter() - start)
                bench.close(page)
                context.close()
                server.wait_ready("circle", i + 2, timeout=bench.READY_WAIT_S)
                time.sleep(0.5)
                floors.append(bench.time_floor(browser, server))
                print(
                    f"try {i + 1:2d}: {village} first chart {firsts[-1] * 1000:6.0f} ms,"
                    f" floor {floors[-1] * 1000:6.0f} ms",
                    flush=True,
                )
            n = len(picked)
            for name, count in (("circle", n + 1), ("floor", n + 1)):
                server.wait_ready(name, count, timeout=bench.READY_WAIT_S)
            time.sleep(1.0)
            opened = [
                bench.open_page(browser, server, "voila/render/circle.ipynb",
                                f"village={picked[0]}", bench.CHART_DRAWN),
                bench.open_page(browser, server, "voila/render/district.ipynb",
                                f"amphoe={picked[0][:4]}", ".okd-scorecard"),
            ]  # fmt: skip
            server.wait_ready("circle", n + 2, timeout=bench.READY_WAIT_S)
            server.wait_ready("district", 1, timeout=bench.READY_WAIT_S)  # not preheated
            time.sleep(2.0)
            floor_pids = {
                int(pid)
                for pid in re.findall(r"floor\w* dashboard ready \(pid (\d+)\)", server.log())
            }
            kernels = [pid for pid in server.kernels() if pid not in floor_pids]
            group = set(support.group_pids(server.process.pid)) - set(server.kernels())
            rss = [support.rss(pid) for pid in group], [support.rss(pid) for pid in kernels]
            pss = [support.pss(pid) for pid in group], [support.pss(pid) for pid in kernels]
            total = sum(pss[0]) + sum(pss[1])
            print(
                f"memory: server {sum(rss[0]) / 2**20:.0f} MB resident and its {len(kernels)}"
                f" dashboard kernels (a circle page, its preheated successor, the scorecard)"
                f" {', '.join(f'{b / 2**20:.0f}' for b in rss[1])} MB, {sum(map(sum, rss)) / 1e9:.2f}"
                f" GB summed (shared libraries counted in each process); proportional (Pss,"
                f" shared pages counted once): server {sum(pss[0]) / 2**20:.0f} MB, kernels"
                f" {', '.join(f'{b / 2**20:.0f}' for b in pss[1])} MB, total {total / 1e9:.2f} GB",
                flush=True,
            )
            for context, page, _ in opened:
                bench.close(page)
                context.close()
            browser.close()
    finally:
        server.stop()
    first, floor = statistics.median(firsts), statistics.median(floors)
    print(f"served from the pack, medians over {len(firsts)} tries: first chart "
          f"{first * 1000:.0f} ms, floor {floor * 1000:.0f} ms")  # fmt: skip
    return first / floor, total / 1e9


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--data", help="an existing province (raw data or a results folder)")
    parser.add_argument("--tries", type=int, default=5, help="pages timed (default 5)")
    parser.add_argument("--no-serve", action="store_true", help="skip the served-pack figures")
    args = parser.parse_args(argv)

    from okanalysis.pack.build import build as build_pack
    from okanalysis.results import tables as rt
    from okanalysis.results.build import build as build_results

    with tempfile.TemporaryDirectory(prefix="okanalysis-pack-") as tmp:
        root = Path(tmp)
        data = Path(args.data) if args.data else None
        if data is None:
            from okanalysis.demo import synthetic
            from okanalysis.loading import io

            data = root / "demo"
            io.write_dataset(synthetic.generate(args.scale, 2551), data, "parquet")
        started = time.perf_counter()
        results = build_results(data, out=root / "results")
        built = time.perf_counter() - started
        units = results.table(rt.UNITS, columns=["amphoe_code", "village_code"])
        district = str(units["amphoe_code"].value_counts().idxmax())
        villages = sorted(units.loc[units["amphoe_code"] == district, "village_code"])
        print(
            f"results.build: {built:.1f} s; largest district {district}: {len(villages)} villages"
        )
        packs = {}
        for households in (False, True):
            started = time.perf_counter()
            pack = build_pack(
                district,
                data=results.path,
                out=root / f"packs-{households}",
                households=households,
                store=root / "no-store.sqlite",
            )
            seconds = time.perf_counter() - started
            packs[households] = pack
            print(
                f"pack {district} households={households}: {seconds:.2f} s, "
                f"folder {_mb(pack.folder):.1f} MB, zip {_mb(pack.zip):.1f} MB"
            )
        if args.no_serve:
            return 0
        step = max(1, len(villages) // max(1, args.tries))
        ratio, server_gb = serve_pack(packs[False].zip, villages[::step], args.tries, root)
    print(f"ratio {ratio:.2f} (target at most {TARGET_RATIO})")
    print(f"server_gb {server_gb:.2f} (target under {TARGET_SERVER_GB})")
    return 0 if ratio <= TARGET_RATIO and server_gb < TARGET_SERVER_GB else 1


if __name__ == "__main__":
    sys.exit(main())
