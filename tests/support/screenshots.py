"""PNGs of both dashboards at 1366×768 (circle: glance, money leaving, five components, scoring
form; district scorecard) from a server started for the purpose:

    python -m tests.support.screenshots --out docs/screenshots [--data PATH]

(`make screenshots`). Needs Debian's chromium and Playwright for Python.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

from okanalysis.core import paths
from okanalysis.core.components import COMPONENT_CODES
from okanalysis.dashboard import data as dashboard_data
from okanalysis.dashboard import form as dashboard_form
from okanalysis.dashboard import server as dashboard
from okanalysis.dashboard.source import results_path
from okanalysis.results import tables as rt
from okanalysis.results.store import open as open_results
from okanalysis.topics import privacy
from tests.support.browser import VIEWPORT, Background, free_port, launch_chromium


def example_sessions(results: Path, store: Path, villages: list[str]) -> None:
    """Two clearly labelled example circle entries, so a screenshot shows agreed grades."""
    data = dashboard_data.open_data(results)
    for code in villages:
        grades = dashboard_form.computed_grades(data, code)
        graded = grades.for_unit(code) if grades is not None else None
        agreed = {
            c: (graded.at[c, "grade"] if graded is not None else None) or "B"
            for c in COMPONENT_CODES
        }
        form = dashboard_form.FormValues(
            round="start-2551",
            date=dt.date(2008, 1, 20),
            facilitator="ตัวอย่าง (demo)",
            agreed=agreed,
            reasons={
                c: "ตัวอย่างสำหรับภาพหน้าจอ / example for the screenshot" for c in COMPONENT_CODES
            },
            overall=(grades.overall_of(code)[0] if grades is not None else None) or "B",
            counts={"cores": 8, "villagers": 24, "facilitators": 2, "female": 18, "male": 14},
        )
        dashboard_form.save_form(form, data=data, unit_code=code, store=store)


def shown_villages(results: Path) -> list[tuple[str, str]]:
    """(village, sub-district) of the villages whose figures are shown, by code."""
    roll = open_results(results).table(rt.ROLLUP, level="village")
    shown = roll.loc[~roll[privacy.SUPPRESSED].astype(bool)].sort_values("unit_code")
    return [(str(r.unit_code), str(r.parent_code)) for r in shown.itertuples()]


def screenshots(data: str | os.PathLike[str] | None, out: str | os.PathLike[str]) -> list[Path]:
    """The PNGs, written into `out`; returns their paths."""
    from playwright.sync_api import sync_playwright

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="okanalysis-screenshots-"))
    results = results_path(Path(data) if data else paths.data_dir(), quiet=False)
    s = dashboard.settings(results, store=work / "circles.sqlite", port=free_port())
    villages = shown_villages(results)
    village, tambon = villages[0]
    siblings = [v for v, tb in villages if tb == tambon][:2]
    example_sessions(results, s.store, siblings)
    server = Background(s, work)
    written = []
    try:
        server.wait_ready("circle", 1, timeout=300)
        with sync_playwright() as p:
            browser = launch_chromium(p)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(server.url("voila/render/circle.ipynb", f"village={village}"))
            page.wait_for_selector(".js-plotly-plot .trace path", state="attached", timeout=120_000)
            for name, label in (
                ("circle-glance", None),
                ("circle-money-leaving", "เงินไหลออก"),
                ("circle-components", "5 องค์ประกอบ"),
                ("circle-scoring", "ให้ระดับ"),
            ):
                if label:
                    page.locator(".okd-nav button", has_text=label).first.click()
                page.wait_for_timeout(1500)
                written.append(folder / f"{name}.png")
                page.screenshot(path=written[-1])
            page.close(run_before_unload=True)
            server.wait_ready("district", 1, timeout=300)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(server.url("voila/render/district.ipynb", f"amphoe={village[:4]}"))
            page.wait_for_selector(".okd-scorecard", timeout=120_000)
            page.wait_for_timeout(1000)
            written.append(folder / "district-scorecard.png")
            page.screenshot(path=written[-1])
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.screenshots")
    parser.add_argument("--out", required=True, help="folder for the PNGs")
    parser.add_argument(
        "--data", help="data or results folder (default $OKANALYSIS_DATA or data/demo)"
    )
    args = parser.parse_args(argv)
    for path in screenshots(args.data, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
