"""Many provinces across a Dask cluster, and the national summary: each province built on a
worker, a failed province named without stopping the others, national figures computed from
the household rows themselves (never an average of province medians), and the national
notebook written for readers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from okanalysis.circles import store as circles
from okanalysis.circles.store import CircleSession, ComponentScore, Participants
from okanalysis.cli import EXIT_ERROR, main
from okanalysis.core.components import COMPONENT_CODES
from okanalysis.results import national
from okanalysis.results import tables as t
from okanalysis.results.provinces import build_provinces
from okanalysis.topics import potential

THAI = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def two_provinces(tmp_path_factory) -> Path:
    """Nakhon Si Thammarat and Krabi at scale 0.01 (23 and 8 villages), partitioned by
    province, as `okanalysis demo --provinces 80,81` writes them."""
    out = tmp_path_factory.mktemp("national") / "data"
    code = main(["--quiet", "demo", "--provinces", "80,81", "--scale", "0.01", "--out", str(out)])
    assert code == 0
    return out


@pytest.fixture(scope="module")
def built(two_provinces, tmp_path_factory):
    """Both provinces built by two real worker processes of a LocalCluster."""
    root = tmp_path_factory.mktemp("results")
    return build_provinces(two_provinces, "all", out=root, workers=2)


def _households(index: national.NationalIndex) -> pd.DataFrame:
    """Every province's household rows, read directly and concatenated, with their level."""
    parts = []
    for code in index.built:
        r = index.results(code)
        rows = r.table(t.HOUSEHOLDS)
        rows = rows[rows["village_code"].notna()].reset_index(drop=True)
        rows["level"] = potential.household_levels(rows, r.potential_parameters)
        parts.append(rows.assign(province_code=code))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# building across the cluster


def test_each_province_is_built_on_a_worker_and_indexed(built):
    assert built.ok, built.describe()
    assert sorted(built.outcomes) == ["80", "81"]
    workers = {o.worker for o in built.outcomes.values()}
    assert all(w for w in workers)
    index = national.open_index(built.index.parent)
    assert index.built == ["80", "81"]
    for code in ("80", "81"):
        entry = index.provinces[code]
        assert entry["status"] == "ok" and entry["engine"] == "pandas"
        assert entry["seconds"] >= 0
        assert index.results(code).province == code
        assert not Path(entry["results"]).is_absolute()  # the folder can move


def test_a_failed_province_is_named_while_the_others_build(two_provinces, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(two_provinces, data)
    (data / "ledger" / "province=81" / "part-0.parquet").write_bytes(b"not parquet at all")
    result = build_provinces(data, "80,81,99", out=tmp_path / "results", workers=2, processes=False)
    assert result["80"].ok and result["80"].path.is_dir()
    assert not result["81"].ok and not result["99"].ok
    text = result.describe()
    assert "81 กระบี่ / Krabi" in text and "99" in text
    assert "failed" in text and "ล้มเหลว" in text
    assert THAI.search(result["99"].error_th) and not THAI.search(result["99"].error_en)
    index = json.loads(result.index.read_text(encoding="utf-8"))
    assert index["provinces"]["80"]["status"] == "ok"
    assert index["provinces"]["81"]["status"] == "failed"
    assert index["provinces"]["81"]["error_en"]


@pytest.fixture
def scheduler(tmp_path):
    """A Dask scheduler and one worker, each its own process started as on a cluster's
    machines (`dask scheduler`, `dask worker`); the scheduler's address."""
    import subprocess
    import sys
    import time

    file = tmp_path / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", "0", "--no-dashboard", "--scheduler-file", str(file)],
            **quiet,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(file),
             "--nworkers", "1", "--nthreads", "1", "--no-dashboard", "--name", "far-worker",
             "--local-directory", str(tmp_path / "worker")],
            **quiet,
        ),
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (file.exists() and file.read_text().strip()):
            assert time.monotonic() < deadline, "the scheduler did not start"
            assert started[0].poll() is None, "the scheduler stopped"
            time.sleep(0.2)
        yield json.loads(file.read_text())["address"], started[1].pid
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)


def test_results_build_on_a_cluster_at_a_scheduler_address(two_provinces, scheduler, tmp_path):
    """`--scheduler tcp://HOST:PORT`: the provinces are built by the cluster's own worker
    process, not a cluster the command starts."""
    import psutil

    address, worker = scheduler
    assert address.startswith("tcp://127.0.0.1:")
    out = tmp_path / "results"
    argv = ["--quiet", "results", "build", "--data", str(two_provinces), "--out", str(out)]
    assert main([*argv, "--provinces", "80,81", "--scheduler", address]) == 0
    index = json.loads((out / national.INDEX).read_text(encoding="utf-8"))
    assert index["scheduler"] == address
    far = {p.pid for p in psutil.Process(worker).children(recursive=True)}
    assert sorted(index["provinces"]) == ["80", "81"]
    for entry in index["provinces"].values():
        assert entry["status"] == "ok"
        assert int(entry["worker"].rsplit(":", 1)[1]) in far  # the cluster's worker process
    assert national.open_index(out).built == ["80", "81"]


@pytest.mark.parametrize(
    ("option", "value"),
    [("engine", "spark"), ("memory_limit", "lots"), ("threads", 0)],
)
def test_bad_engine_settings_are_refused_before_anything_starts(
    two_provinces, tmp_path, option, value
):
    from okanalysis.core.errors import OkanalysisError

    with pytest.raises(OkanalysisError) as raised:
        build_provinces(two_provinces, "80", out=tmp_path, workers=1, **{option: value})
    assert raised.value.column == option
    assert not (tmp_path / national.INDEX).exists()


def test_dask_is_not_imported_with_okanalysis():
    import subprocess
    import sys

    code = (
        "import sys, okanalysis, okanalysis.results, okanalysis.report, okanalysis.cli; "
        "print(any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# the national figures


def test_national_figures_come_from_the_household_rows(built):
    index = national.open_index(built.index)
    inputs = national.gather(index)
    s = national.summary(inputs)
    rows = _households(index)
    assessed = rows[rows["complete_enough"].astype(bool)]
    k = s.kingdom.iloc[0]
    # the median over every household of the kingdom, not the mean of the province medians
    direct = assessed["income_annual_satang"].median()
    assert k["median_income_annual_satang"] == int(np.floor(direct + 0.5))
    province_medians = assessed.groupby("province_code")["income_annual_satang"].median()
    assert k["median_income_annual_satang"] != round(province_medians.mean())
    # shares: counts summed over counts summed
    levels, _, floor = national.level_codes(inputs.parameters)
    for code in levels:
        n = int((assessed["level"] == code).sum())
        assert k[f"households_{code}"] == n
        assert k[f"share_{code}"] == pytest.approx(n / len(assessed))
    assert k["below_line_share"] == k[f"share_{floor}"]
    assert k["households_recording"] == len(rows)
    # each province agrees with its own roll-up (computed by results.build)
    by_code = s.provinces.set_index("unit_code")
    for code in index.built:
        own = index.results(code).table(t.ROLLUP, level="province").iloc[0]
        mine = by_code.loc[code]
        for column in (
            "households_recording",
            "households_assessed",
            *[f"households_{c}" for c in levels],
            "median_income_annual_satang",
            "median_income_per_member_month_satang",
            "substitutable_annual_satang",
            "avoidable_annual_satang",
        ):
            assert mine[column] == own[column], (code, column)
    # money leaving: exact satang, the provinces summed
    assert k["substitutable_annual_satang"] == by_code["substitutable_annual_satang"].sum()
    assert isinstance(int(k["substitutable_annual_satang"]), int)
    top = s.substitutable.iloc[0]
    opp = inputs.opportunities
    same = opp[(opp["kind"] == "substitutable") & (opp["category"] == top["category"])]
    assert top["yearly_satang"] == same["yearly_satang"].sum()
    # grades: the villages' computed overall grades counted
    grades = inputs.grades
    for g in ("A", "B", "C"):
        assert k[f"computed_{g}"] == int((grades["overall"] == g).sum())
    assert not s.circles_graded and k["in_circle"] == 0
    # regions: both provinces are in the south
    assert list(s.regions["unit_code"]) == ["south"]
    assert s.regions.iloc[0]["median_income_annual_satang"] == k["median_income_annual_satang"]
    # ranks: 1 is the best
    best = by_code["below_line_share"].idxmin()
    assert by_code.loc[best, "rank_below_line"] == 1


def _frame(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "province_code": [r[0] for r in rows],
            "village_code": [f"{r[0]}010101" for r in rows],
            "household_id": [f"h{i}" for i in range(len(rows))],
            "fiscal_year": 2551,
            "complete_enough": True,
            "level": [r[2] for r in rows],
            "income_annual_satang": [r[1] for r in rows],
            "income_per_member_month_satang": [r[1] // 12 for r in rows],
            "expense_annual_satang": 0,
        }
    )


def test_the_median_is_over_households_not_over_province_medians():
    # province 10 (central): 1, 2, 3 -> median 2; province 80 (south): 10..50 -> median 30
    rows = [("10", v, "getting_by") for v in (100, 200, 300)]
    rows += [("80", v, "below_poverty_line") for v in (1000, 2000, 3000, 4000, 5000)]
    hh = _frame(rows)
    kingdom = national.household_figures(hh, None).iloc[0]
    assert kingdom["median_income_annual_satang"] == 1500  # of all eight households
    assert (200 + 3000) / 2 != 1500  # what averaging the medians would give
    assert kingdom["share_getting_by"] == pytest.approx(3 / 8)  # 3 of 8, not (1 + 0) / 2
    regions = national.household_figures(hh, None, by="region")
    assert list(regions.index) == ["central", "south"]
    assert regions.loc["south", "median_income_annual_satang"] == 3000


def test_agreed_grades_where_circles_have_graded():
    grades = pd.DataFrame(
        {
            "unit_code": ["80010101", "80010102", "81010101"],
            "level": "village",
            "overall": ["B", "C", "A"],
            "province_code": ["80", "80", "81"],
        }
    )
    agreed = pd.DataFrame({"unit_code": ["80010102"], "province_code": ["80"], "agreed": ["B"]})
    g = national.grade_figures(grades, agreed, by="province_code")
    assert g.loc["80", "computed_C"] == 1 and g.loc["80", "in_circle"] == 1
    assert g.loc["80", "agreed_B"] == 1 and g.loc["80", "agreed_A_share"] == 0
    assert g.loc["81", "in_circle"] == 0 and pd.isna(g.loc["81", "agreed_A_share"])
    none = national.grade_figures(grades, None)
    assert none.iloc[0]["in_circle"] == 0 and none.iloc[0]["computed_A"] == 1


# ---------------------------------------------------------------------------------------------
# the national notebook and the batch


def _circle_store(path: Path, village: str) -> Path:
    scores = [ComponentScore(c, "B", "A", reason="วงเห็นว่าดีกว่า") for c in COMPONENT_CODES]
    session = CircleSession(
        unit_code=village,
        unit_level="village",
        round="start_2551",
        date=dt.date(2008, 1, 15),
        facilitator="คุณอำนวย",
        components=scores,
        overall="A",
        computed_overall="B",
        participants=Participants(cores=8, male=4, female=4),
    )
    with circles.open_store(path, create=True) as st:
        circles.save_session(st, dataclasses.replace(session))
    return path


def test_the_national_notebook_reads_for_people(built, tmp_path):
    from okanalysis.core import paths
    from okanalysis.report import batch
    from okanalysis.report.national import NOTEBOOK, TITLE

    index = national.open_index(built.index)
    village = index.results("81").table(t.GRADES_UNITS, level="village")["unit_code"].iloc[0]
    store = _circle_store(tmp_path / "circles.sqlite", village)
    html = tmp_path / "national" / "index.html"
    task = batch.NotebookTask(
        "national",
        paths.NOTEBOOKS_DIR / NOTEBOOK,
        tmp_path / "national" / NOTEBOOK,
        html,
        {"national_dir": str(built.index.parent), "lang": "th", "circle_store": str(store)},
        TITLE["th"],
    )
    done = batch.execute(task)
    assert done.ok, done.error
    page = html.read_text(encoding="utf-8")
    headings = re.findall(r"<h[12][^>]*>(.*?)</h[12]>", page, flags=re.S)
    assert "สรุปภาพรวมระดับประเทศ" in headings
    assert len(headings) >= 6 and all(THAI.search(h) for h in headings)
    assert "open_national" not in page and "jp-InputArea" not in page  # no code
    assert "ระดับที่วงเรียนรู้ตกลง" in page and "no circle has graded" not in page
    assert (html.parent / "plotly.min.js").is_file()
    inputs = national.gather(index, circle_store=store)
    assert national.summary(inputs).kingdom.iloc[0]["in_circle"] == 1


def test_batch_national_writes_the_summary(two_provinces, built, tmp_path, monkeypatch, capsys):
    cache = tmp_path / "processed"
    shutil.copytree(built.index.parent, cache)  # the built results, reused (unchanged inputs)
    monkeypatch.setenv("OKANALYSIS_CACHE", str(cache))
    monkeypatch.setenv("OKANALYSIS_CIRCLES", str(tmp_path / "none.sqlite"))
    out = tmp_path / "reports"
    argv = ["--quiet", "batch", "--national", "--data", str(two_provinces)]
    code = main([*argv, "--provinces", "80,81", "--workers", "1", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text
    assert (out / "national" / "index.html").is_file()
    assert (out / "national" / "national_summary.ipynb").is_file()
    page = (out / "national" / "index.html").read_text(encoding="utf-8")
    assert "no circle has graded" in page and "ยังไม่มีวงเรียนรู้ใดให้ระดับ" in page
    # a province that fails is named and the run exits 2
    code = main([*argv, "--provinces", "80,98", "--workers", "1", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == EXIT_ERROR
    assert "98" in text and "failed" in text
