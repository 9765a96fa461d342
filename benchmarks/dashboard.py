"""Benchmark: the circle dashboard in a real browser on the demo province (scale 1).

Voila runs with the dashboard's own settings (`okanalysis.dashboard`, preheated kernels) over a
folder holding the circle notebook and a floor notebook: the same settings and preheating,
the same libraries imported, and one FigureWidget with one trace. For each try a fresh browser
context opens a village by its link (`?village=`) and times navigation → the first chart
drawn; then it picks a sibling village in the village list and times the pick → the visible
panel showing that village's name and figures. The floor is timed the same way, alternating,
and so is a second floor whose one figure loads plotly's widget code from one URL as the
dashboard's figures do. Nothing is timed while a kernel is being prepared (each waits until
every pool is full again), so the figures compare pages, not the machine's load.
Medians over the tries are printed, with

    ratio = first chart (dashboard) / first chart (floor)     target at most 1.5
    switch = pick another village → its name and numbers     target under 300 ms

Then memory (resident set size, /proc/<pid>/status VmRSS), in the same run:

    kernel_ratio = one circle kernel after its first chart / the floor's kernel
                                                              target at most 1.5
    server_gb = the server and all its kernels (preheated ones included), with two circle
                pages (villages of two districts) and the district scorecard open
                                                              target under 2 GB

    .venv/bin/python benchmarks/dashboard.py [--data DIR] [--scale 1] [--tries 20]

Without --data the demo province is built at --scale in a temporary folder first. The results
are computed (or reused) once by a child process before the server starts, as `okanalysis
dashboard` does; --data may also name a results folder. Needs the Debian `chromium` package
and Playwright for Python; every process it starts is in its own process group, stopped at the
end.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from okanalysis.core import thai  # noqa: E402
from okanalysis.dashboard import server as dashboard  # noqa: E402
from okanalysis.dashboard.source import results_path  # noqa: E402
from tests.support import browser as support  # noqa: E402

TARGET_RATIO, TARGET_SWITCH_MS = 1.5, 300
TARGET_KERNEL_RATIO, TARGET_SERVER_GB = 1.5, 2.0
CHART_DRAWN = ".js-plotly-plot .trace path"
READY_WAIT_S = 600

FLOOR_CELLS = [
    "import sys\n"
    "import ipywidgets\n"
    "import pandas\n"
    "import plotly.graph_objects as go\n"
    "from voila.utils import get_query_string\n"
    "import os\n"
    "print(f'okanalysis: floor dashboard ready (pid {os.getpid()})', file=sys.__stderr__,"
    " flush=True)\n"
    "get_query_string()",
    "go.FigureWidget(go.Bar(x=['ก', 'ข', 'ค'], y=[3, 1, 2]))",
]
#: The same figure through `dashboard.kit.figure_widget` (plotly's widget code from one URL).
SHARED_FIGURE = (
    "import okanalysis.dashboard.kit\n"
    "okanalysis.dashboard.kit.figure_widget(go.Figure(go.Bar(x=['ก', 'ข', 'ค'], y=[3, 1, 2])))"
)


def floor_notebook(figure: str = FLOOR_CELLS[1], name: str = "floor") -> dict:
    """The floor: pandas, plotly and ipywidgets imported, the same preheating, one FigureWidget
    with one trace (the shared floor also imports the dashboard kit for its figure)."""
    cells = [FLOOR_CELLS[0].replace("floor dashboard", f"{name} dashboard"), figure]
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"{name}{i}",
                "metadata": {},
                "outputs": [],
                "source": src,
            }
            for i, src in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def village_pairs(results, n: int) -> list[tuple[str, str, list[str]]]:
    """(village to open, sibling to pick, texts the sibling's panel must show) per try."""
    from okanalysis.dashboard.pickers import village_label
    from okanalysis.results import tables as rt

    roll = results.table(rt.ROLLUP, level="village").set_index("unit_code")
    villages = results.table(rt.UNITS).sort_values("village_code")
    pairs = []
    for _, group in villages.groupby("tambon_code"):
        codes = [
            c for c in group["village_code"] if c in roll.index and not roll.at[c, "suppressed"]
        ]
        if len(codes) < 2:
            continue
        first, second = codes[0], codes[1]
        row = group.set_index("village_code").loc[second]
        texts = [
            village_label(row, "th"),
            thai.format_number(int(row["households"])),
            thai.format_baht(roll.at[second, "net_annual_satang"]),
        ]
        pairs.append((first, second, texts))
    step = max(1, len(pairs) // n)
    return (pairs[::step] * n)[:n]


def close(page) -> None:
    """Close the page as a person would, so Voila shuts its kernel down."""
    page.close(run_before_unload=True)
    time.sleep(0.5)


def idle(server: support.Background, count: int) -> None:
    """Until every pool holds `count` prepared kernels: no kernel is being prepared while a
    page is timed (preparing the province takes both cores for tens of seconds)."""
    for name in ("circle", "floor", "floor_shared"):
        server.wait_ready(name, count, timeout=READY_WAIT_S)
    server.wait_ready("district", 1, timeout=READY_WAIT_S)
    time.sleep(0.5)


def time_circle(
    browser,
    server: support.Background,
    village: str,
    sibling: str,
    texts: list[str],
    ready: int,
):
    context = browser.new_context(viewport=support.VIEWPORT)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(server.url("voila/render/circle.ipynb", f"village={village}"), wait_until="commit")
    page.wait_for_selector(CHART_DRAWN, state="attached", timeout=120_000)
    first = time.perf_counter() - start
    page.wait_for_selector(f'.okd-village[data-village="{village}"]', timeout=60_000)
    server.wait_ready("circle", ready, timeout=READY_WAIT_S)  # the pool refilled
    time.sleep(1.0)
    check = (
        "([code, texts]) => {"
        " const v = document.querySelector('.okd-village[data-village=\"' + code + '\"]');"
        " if (!v) return false;"
        " const glance = document.querySelector('.okd-panel-text');"
        " if (!glance) return false;"
        " const text = v.innerText + ' ' + glance.innerText;"
        " return texts.every(t => text.includes(t)); }"
    )
    select = page.locator(".okd-pick-village select")
    start = time.perf_counter()
    select.select_option(label=texts[0])
    page.wait_for_function(check, arg=[sibling, texts], polling="raf", timeout=60_000)
    switch = time.perf_counter() - start
    close(page)
    context.close()
    return first, switch


def time_floor(browser, server: support.Background, name: str = "floor") -> float:
    context = browser.new_context(viewport=support.VIEWPORT)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(server.url(f"voila/render/{name}.ipynb"), wait_until="commit")
    page.wait_for_selector(CHART_DRAWN, state="attached", timeout=120_000)
    first = time.perf_counter() - start
    close(page)
    context.close()
    return first


def build_demo(scale: float, work: Path) -> Path:
    out = work / "demo"
    subprocess.run(
        [sys.executable, "-m", "okanalysis", "--quiet", "demo", "--scale", str(scale),
         "--format", "parquet", "--out", str(out)],
        check=True,
    )  # fmt: skip
    return out


def open_page(browser, server: support.Background, path: str, query: str, selector: str):
    """A page opened in a fresh context, once `selector` is on it; (context, page, kernel pid)."""
    context = browser.new_context(viewport=support.VIEWPORT)
    page = context.new_page()
    page.goto(server.url(path, query), wait_until="commit")
    page.wait_for_selector(selector, state="attached", timeout=120_000)
    pid = support.kernel_pid(server, support.page_kernel_id(page))
    return context, page, pid


def memory(
    browser, server: support.Background, pairs, ready: dict[str, int]
) -> tuple[float, float]:
    """(kernel_ratio, server_gb): one circle kernel after its first chart against the floor's,
    then the whole server with two circle pages and the district scorecard open."""
    for name, count in ready.items():
        server.wait_ready(name, count, timeout=READY_WAIT_S)
    time.sleep(1.0)
    opened = []
    try:
        floor = open_page(browser, server, "voila/render/floor.ipynb", "", CHART_DRAWN)
        opened.append(floor)
        time.sleep(1.0)
        floor_rss = support.rss(floor[2])
        first = pairs[0][0]
        other = next((p[0] for p in pairs if p[0][:4] != first[:4]), pairs[-1][1])
        page = open_page(browser, server, "voila/render/circle.ipynb", f"village={first}",
                         CHART_DRAWN)  # fmt: skip
        opened.append(page)
        time.sleep(1.0)
        circle_rss = support.rss(page[2])
        opened.append(open_page(browser, server, "voila/render/circle.ipynb",
                                f"village={other}", CHART_DRAWN))  # fmt: skip
        opened.append(open_page(browser, server, "voila/render/district.ipynb",
                                f"amphoe={first[:4]}", ".okd-scorecard"))  # fmt: skip
        server.wait_ready("circle", ready["circle"] + 2, timeout=READY_WAIT_S)
        server.wait_ready("district", ready["district"] + 1, timeout=READY_WAIT_S)
        time.sleep(2.0)
        # the benchmark's own floor notebooks' kernels are not the dashboard server's
        floors = {
            int(pid) for pid in re.findall(r"floor\w* dashboard ready \(pid (\d+)\)", server.log())
        }
        kernels = [pid for pid in server.kernels() if pid not in floors]
        group = set(support.group_pids(server.process.pid)) - set(server.kernels())
        process = sum(support.rss(pid) for pid in group)
        total = process + sum(support.rss(pid) for pid in kernels)
        print(
            f"memory: floor kernel {floor_rss / 2**20:.0f} MB, circle kernel after its first chart"
            f" {circle_rss / 2**20:.0f} MB; server {process / 2**20:.0f} MB and its"
            f" {len(kernels)} dashboard kernels (two circle pages, the scorecard, one preheated"
            f" kernel of each) {total / 1e9:.2f} GB; not counted: {len(floors & set(server.kernels()))}"
            " floor kernels of this benchmark",
            flush=True,
        )
        return circle_rss / floor_rss, total / 1e9
    finally:
        for context, page, _ in opened:
            close(page)
            context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="data or results (default: build the demo)")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--tries", type=int, default=20)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from okanalysis.results.store import open as open_results

    work = Path(tempfile.mkdtemp(prefix="okanalysis-dashboard-bench-"))
    server = None
    try:
        data = args.data or build_demo(args.scale, work)
        results = results_path(data, quiet=False)  # a child process, as the server does
        pairs = village_pairs(open_results(results), args.tries)
        notebooks = work / "notebooks"
        notebooks.mkdir()
        for name in ("circle", "district"):
            shutil.copy(dashboard.DASHBOARDS_DIR / f"{name}.ipynb", notebooks / f"{name}.ipynb")
        (notebooks / "floor.ipynb").write_text(json.dumps(floor_notebook()), encoding="utf-8")
        shared = floor_notebook(SHARED_FIGURE, "floor_shared")
        (notebooks / "floor_shared.ipynb").write_text(json.dumps(shared), encoding="utf-8")
        s = dashboard.settings(
            results, store=work / "circles.sqlite", port=support.free_port(), notebooks=notebooks
        )
        server = support.Background(s, work)
        firsts, floors, shared_floors, switches = [], [], [], []
        with sync_playwright() as p:
            browser = support.launch_chromium(p)
            for i, (village, sibling, texts) in enumerate(pairs):
                idle(server, i + 1)
                first, switch = time_circle(browser, server, village, sibling, texts, i + 2)
                floors.append(time_floor(browser, server))
                server.wait_ready("floor", i + 2, timeout=READY_WAIT_S)
                time.sleep(0.5)
                shared_floors.append(time_floor(browser, server, "floor_shared"))
                firsts.append(first)
                switches.append(switch)
                print(
                    f"try {i + 1:2d}: first chart {first * 1000:6.0f} ms,"
                    f" floor {floors[-1] * 1000:6.0f} ms (shared code {shared_floors[-1] * 1000:6.0f}"
                    f" ms), switch {switch * 1000:5.0f} ms",
                    flush=True,
                )
            n = len(pairs)
            ready = {"circle": n + 1, "floor": n + 1, "floor_shared": n + 1, "district": 1}
            kernel_ratio, server_gb = memory(browser, server, pairs, ready)
            browser.close()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    first, floor, shared, switch = (
        statistics.median(x) * 1000 for x in (firsts, floors, shared_floors, switches)
    )
    ratio = first / floor
    print(f"\nmedians over {len(firsts)} tries (scale {args.scale if not args.data else 'given'}):")
    print(f"first chart {first:.0f} ms, floor {floor:.0f} ms")
    print(
        f"(a floor loading plotly's widget code from one URL, as the dashboard does:"
        f" {shared:.0f} ms; ratio to it {first / shared:.2f})"
    )
    print(f"ratio {ratio:.2f} (target at most {TARGET_RATIO})")
    print(f"switch {switch:.0f} ms (target under {TARGET_SWITCH_MS} ms)")
    print(f"kernel_ratio {kernel_ratio:.2f} (target at most {TARGET_KERNEL_RATIO})")
    print(f"server_gb {server_gb:.2f} (target under {TARGET_SERVER_GB})")
    ok = (
        ratio <= TARGET_RATIO
        and switch < TARGET_SWITCH_MS
        and kernel_ratio <= TARGET_KERNEL_RATIO
        and server_gb < TARGET_SERVER_GB
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
