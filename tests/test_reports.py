"""The report notebooks and their HTML: parameters as people type them, sections that say what
is missing, figures that match the library, offline pages, nbval and plain papermill."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import okanalysis
from okanalysis import batch, budget, potential, results
from okanalysis.circles import action_plan
from okanalysis.circles import store as circles
from okanalysis.components import COMPONENT_CODES
from okanalysis.core import thai
from okanalysis.core.errors import NothingToShow, OkanalysisError
from okanalysis.report import notebook as report

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DISTRICT = "8015"  # ขนอม: coastal, two villages at scale 0.02
ROUND = "ต้นปี 2551"
BOUNDARIES = ROOT.parent / "shared" / "boundaries" / "nst_tambon.geojson"


@pytest.fixture(scope="module")
def province(tmp_path_factory, demo_dataset, demo_parquet):
    """The small demo province (scale 0.02) as Parquet, one agreed circle entry, results built
    once."""
    root = tmp_path_factory.mktemp("reports")
    data, ds = demo_parquet, demo_dataset
    store = root / "circles.sqlite"
    circles.open_store(store, create=True).close()
    villages = ds.villages[ds.villages["amphoe_code"] == DISTRICT].sort_values("village_code")
    village, village_th = villages.iloc[0][["village_code", "name_th"]]
    session = circles.CircleSession(
        unit_code=village,
        unit_level="village",
        round=ROUND,
        date="2008-01-20",
        facilitator="คุณอำนวยทดสอบ",
        components=[
            circles.ComponentScore(c, None, "B", reason="วงเห็นว่าหลักฐานยังไม่ครบ")
            for c in COMPONENT_CODES
        ],
        overall="B",
        participants=circles.Participants(cores=8, villagers=20, facilitators=2),
    )
    circles.save_session(store, session)
    # a later round (by its circle's date) with the overall grade up, and an action plan
    later = dataclasses.replace(session, round="a-later", date="2008-09-20", overall="A")
    circles.save_session(store, later)
    action_plan.save_action(
        store,
        action_plan.Action(
            unit_code=village,
            round=ROUND,
            date="2008-01-20",
            component="master_plan",
            what="ทำปุ๋ยหมักใช้เองทั้งหมู่บ้าน",
            lead_role="core",
            start="2008-02-01",
            end="2008-06-30",
            cost="12,500",
            households=30,
        ),
    )
    built = results.build(data, out=root / "cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OKANALYSIS_CIRCLES", str(store))
        mp.setenv("OKANALYSIS_CACHE", str(root / "cache"))
        yield {
            "root": root,
            "data": data,
            "store": store,
            "results": built,
            "village": village_th,
        }


@pytest.fixture(scope="module")
def executed(province):
    """The district notebook run through papermill (as the batch runs it) and its HTML."""
    out = province["root"] / "out"
    parameters = {
        "amphoe_code": DISTRICT,
        "data_dir": str(province["results"].path),
        "circle_store": str(province["store"]),
    }
    if BOUNDARIES.is_file():  # the user-supplied sub-district shapes (never shipped)
        parameters["boundary_file"] = str(BOUNDARIES)
    task = batch.NotebookTask(
        DISTRICT,
        NOTEBOOKS / "amphoe_report.ipynb",
        out / "amphoe.ipynb",
        out / "amphoe.html",
        parameters,
        title=report.title_text(DISTRICT),
    )
    result = batch.execute(task)
    assert result.ok, result.error
    return {"ipynb": task.ipynb, "html": task.html}


# --- parameters as people type them ----------------------------------------------------------
@pytest.mark.parametrize(
    "typed", ["8015", 8015, "๘๐๑๕", "ขนอม", "อ.ขนอม", "อำเภอขนอม", "Khanom", " ขนอม "]
)
def test_a_district_is_found_by_code_thai_digits_or_name(typed):
    assert report.resolve_amphoe(typed) == "8015"


@pytest.mark.parametrize("typed", ["8099", "9999", "ไม่มีอำเภอนี้", "", None])
def test_a_wrong_district_is_refused_naming_the_valid_codes(typed):
    with pytest.raises(OkanalysisError) as err:
        report.resolve_amphoe(typed)
    assert "8001–8023" in str(err.value)


def test_years_and_languages_as_people_type_them():
    assert report.resolve_year("๒๕๕๑") == 2551
    assert report.resolve_year(2008) == 2551
    assert report.resolve_year(None) is None
    assert report.resolve_lang("ไทย") == "th" and report.resolve_lang("EN") == "en"
    with pytest.raises(OkanalysisError):
        report.resolve_year("ปีหน้า")
    with pytest.raises(OkanalysisError):
        report.resolve_lang("fr")


def test_a_missing_data_path_is_a_clear_error(tmp_path):
    with pytest.raises(okanalysis.InputError) as err:
        report.resolve_data(tmp_path / "no-such-folder")
    assert "no data at this path" in str(err.value)


# --- sections ----------------------------------------------------------------------------------
@pytest.fixture
def shown(monkeypatch):
    """What a report displays, as HTML text."""
    out: list[str] = []
    monkeypatch.setattr(report, "_display", lambda obj: out.append(getattr(obj, "data", repr(obj))))
    return out


def test_a_section_says_plainly_when_there_is_nothing_to_show(shown):
    with report.section("ระดับ", "Grades"):
        raise NothingToShow("ยังไม่มีบันทึกวงเรียนรู้", "no circle records yet")
    text = "\n".join(shown)
    assert "<h2>ระดับ</h2>" in text and "ยังไม่มีบันทึกวงเรียนรู้" in text
    assert "Traceback" not in text


def test_every_other_error_in_a_section_is_a_fault_and_propagates(shown):
    import okanalysis.components as components

    with pytest.raises(ZeroDivisionError), report.section("ก", "a"):
        1 / 0  # noqa: B018
    with pytest.raises(AttributeError), report.section("ก", "a"):
        components.a_function_nobody_wrote_yet()  # a part of okanalysis that is missing
    with pytest.raises(ImportError), report.section("ก", "a"):
        from okanalysis import no_such_module  # noqa: F401
    with pytest.raises(okanalysis.InputError), report.section("ก", "a"):
        raise okanalysis.InputError("ไฟล์เสีย", "a broken file")
    with pytest.raises(okanalysis.OkanalysisError), report.section("ก", "a"):
        raise okanalysis.OkanalysisError("ผิด", "wrong")
    assert not any("not available yet" in t for t in shown)


def test_a_chart_with_nothing_to_draw_says_so_in_words(shown):
    import plotly.graph_objects as go

    report.show(go.Figure(go.Bar(x=[], y=[])), lang="en")
    report.show(go.Figure(go.Bar(x=["a"], y=[None])), lang="th")
    assert "nothing to draw" in shown[0] and "ไม่มีข้อมูลให้วาด" in shown[1]
    report.show(go.Figure(go.Bar(x=["a"], y=[1])))
    assert len(shown) == 3 and "nothing to draw" not in repr(shown[2])


def test_tables_read_the_thai_way_and_small_groups_say_so(shown):
    frame = pd.DataFrame(
        {
            "name_th": ["บ้านหนึ่ง", "บ้านสอง"],
            "name_en": ["Ban One", None],
            "coverage": [0.4567, None],
            "net_annual_satang": pd.array([123456789, None], dtype="Int64"),
            "households_recording": pd.array([12, None], dtype="Int64"),
            "suppressed": [False, True],
        }
    )
    report.table(frame, ["name", "households_recording", "coverage", "net_annual_satang"])
    text = shown[-1]
    assert "บ้านหนึ่ง" in text and "45.7%" in text and "1,234,568 บาท" in text
    assert text.count("ไม่แสดง (กลุ่มเล็ก)") == 3
    report.table(frame, ["name"], lang="en")
    assert "Ban One" in shown[-1] and "บ้านสอง" in shown[-1]  # no English name: the Thai one


# --- figures that match the library ---------------------------------------------------------
def test_headline_figures_match_the_library(province):
    ds = okanalysis.load(province["data"])
    year = province["results"].fiscal_year
    h = province["results"].headlines[DISTRICT]
    row = potential.rollup(ds, "amphoe", year=year).set_index("unit_code").loc[DISTRICT]
    money = budget.allocate(ds).set_index("amphoe_code").loc[DISTRICT]
    assert h["households_recording"] == row["households_recording"]
    assert h["coverage"] == pytest.approx(row["coverage"])
    assert h["substitutable_annual_satang"] == row["substitutable_annual_satang"]
    assert h["avoidable_annual_satang"] == row["avoidable_annual_satang"]
    floor = potential.read_parameters().levels[-1].code
    assert h["below_line_share"] == pytest.approx(row[f"share_{floor}"])
    assert h["villages"] == money["villages"] == (ds.villages["amphoe_code"] == DISTRICT).sum()
    assert h["budget_satang"] == money["budget_satang"]


def test_zones_and_agencies_add_up_to_the_province(province):
    ds = okanalysis.load(province["data"])
    rollup = potential.rollup(ds, "all")
    tambons = rollup[rollup["level"] == "tambon"]
    zones = ds.zones.set_index("tambon_code")["zone_id"]
    by_zone = report.combine_rollups(tambons, zones)
    whole = rollup[rollup["level"] == "province"].iloc[0]
    for column in (
        "households",
        "households_recording",
        "households_assessed",
        "expense_annual_satang",
    ):
        assert by_zone[column].sum() == whole[column]
    first = by_zone.iloc[0]
    for code in [lv.code for lv in potential.read_parameters().levels]:
        assert first[f"share_{code}"] == pytest.approx(
            first[f"households_{code}"] / first["households_assessed"]
        )
    agencies = budget.allocate(ds).set_index("amphoe_code")["agency"]
    by_agency = report.combine_rollups(rollup[rollup["level"] == "amphoe"], agencies)
    assert len(by_agency) == 7 and by_agency["units"].sum() == 23
    assert by_agency["households_recording"].sum() == whole["households_recording"]


def test_districts_are_ranked_best_first():
    rollup = pd.DataFrame(
        {
            "unit_code": ["8001", "8002", "8003"],
            "level": "amphoe",
            "name_th": ["ก", "ข", "ค"],
            "households_recording": [10, 20, 0],
            "coverage": [0.5, 0.7, None],
            "share_low": [0.2, 0.1, None],
            "substitutable_annual_satang": [1000, 4000, 0],
            "avoidable_annual_satang": [100, 100, 0],
        }
    )
    allocation = pd.DataFrame(
        {
            "amphoe_code": ["8001", "8002", "8003"],
            "agency_th": "ก",
            "agency_en": "a",
            "villages": 1,
            "budget_satang": 1,
            "spent_satang": 0,
        }
    )
    table = report.district_table(rollup, allocation, "low").set_index("unit_code")
    assert list(table["rank_coverage"].astype("object").fillna(0)) == [2, 1, 0]
    assert list(table["rank_below_line"].astype("object").fillna(0)) == [2, 1, 0]
    assert table.at["8001", "substitutable_per_household_satang"] == 100
    assert table.at["8002", "rank_substitutable"] == 2


def test_tuning_helpers_change_only_what_is_asked():
    base = batch.potential_parameters()
    top = base["levels"][0]
    tuned = report.with_rule_values(base, {(top["code"], 0): 9.5})
    assert tuned["levels"][0]["rules"][0]["value"] == 9.5
    assert base["levels"][0]["rules"][0]["value"] != 9.5
    assert tuned["levels"][1:] == base["levels"][1:]
    assert potential.read_parameters(tuned).levels[0].rules[0].value == 9.5


def test_the_results_do_not_hold_circle_records_and_a_new_entry_changes_only_its_district(
    province, tmp_path
):
    data, store = province["data"], province["store"]
    key = results.build(data, out=province["root"] / "cache").key
    state = batch.circle_state(store, DISTRICT)
    circles.current(store)  # SQLite touches its files even when only read
    assert batch.circle_state(store, DISTRICT) == state
    copy = circles.backup(store, tmp_path / "copy.sqlite")
    assert batch.circle_state(copy, DISTRICT) == state
    other = batch.circle_state(copy, "8001")
    entry = circles.load_session(copy, 1)
    circles.save_session(copy, dataclasses.replace(entry, round="ปลายปี 2551"))
    assert batch.circle_state(copy, DISTRICT) != state  # the district's report is redone
    assert batch.circle_state(copy, "8001") == other  # another district's is not
    assert results.build(data, out=province["root"] / "cache").key == key  # results unchanged


# --- the executed report and its HTML ----------------------------------------------------------
def test_the_batch_kernel_is_this_interpreter():
    from jupyter_client.kernelspec import KernelSpecManager

    argv0 = KernelSpecManager().get_kernel_spec(batch.KERNEL).argv[0]
    # jupyter_client runs "python" as the interpreter that starts the kernel
    assert argv0 in ("python", "python3") or Path(argv0).resolve() == Path(sys.executable).resolve()


def test_the_report_shows_the_library_figures_and_the_agreed_grades(province, executed):
    nb = nbformat.read(executed["ipynb"], as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    page = executed["html"].read_text(encoding="utf-8")
    h = province["results"].headlines[DISTRICT]
    assert "รายงานอำเภอขนอม" in page
    assert thai.format_baht(h["substitutable_annual_satang"]) in page
    assert thai.format_percent(h["coverage"], 1) in page
    # the circle's agreed grade and its reason are shown with the computed grades
    assert province["village"] in page and "วงเห็นว่าหลักฐานยังไม่ครบ" in page
    assert "ระดับที่คำนวณจากข้อมูล" in page
    # the action plan and the change since the previous round (by circle date)
    assert "ทำปุ๋ยหมักใช้เองทั้งหมู่บ้าน" in page and "12,500" in page
    assert "เลยกำหนด" in page  # open at the last circle (20 Sep 2008), past its end
    assert "a-later" in page and "ดีขึ้น" in page
    if BOUNDARIES.is_file():  # a map on the real shapes, every name matched
        assert "ทุกชื่อพื้นที่ในไฟล์ขอบเขตจับคู่กับข้อมูลได้" in page and "CC BY-IGO" in page


def test_the_html_has_no_code_and_nothing_from_the_internet(executed):
    page = executed["html"].read_text(encoding="utf-8")
    nb = nbformat.read(executed["ipynb"], as_version=4)
    assert "open_district(" not in page and "import " not in page  # no code cells
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "require.min.js" not in page and "MathJax" not in page
    assert re.findall(r'<script src="([^"]+)"', page) == [report.PLOTLY_JS]
    assert (executed["html"].parent / report.PLOTLY_JS).stat().st_size > 1_000_000
    assert page.count('class="plotly-graph-div"') == report.chart_count(nb) >= 10
    assert "Sarabun" in page and "size: A4" in page


# --- nbval and plain papermill -------------------------------------------------------------------
def test_nbval_runs_every_notebook_on_a_small_demo(province, tmp_path):
    notebooks = [
        str(NOTEBOOKS / n)
        for n in ("amphoe_report.ipynb", "province_summary.ipynb", "explore.ipynb")
    ]
    env = {
        **os.environ,
        "OKANALYSIS_DATA": str(province["data"]),
        "OKANALYSIS_CACHE": str(province["root"] / "cache"),  # processed once, by the fixture
        "OKANALYSIS_CIRCLES": str(province["store"]),
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         "--nbval-lax", "--nbval-current-env", *notebooks],
        cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "passed" in run.stdout


def _papermill() -> list[str]:
    script = Path(sys.executable).with_name("papermill")
    return [str(script)] if script.exists() else [sys.executable, "-m", "papermill"]


def test_plain_papermill_with_thai_parameters(province, tmp_path):
    out = tmp_path / "ขนอม.ipynb"
    run = subprocess.run(
        [*_papermill(), str(NOTEBOOKS / "amphoe_report.ipynb"), str(out),
         "-p", "amphoe_code", "ขนอม", "-p", "data_dir", str(province["data"]),
         "-p", "lang", "ไทย", "-p", "assessment_round", ROUND, "--no-progress-bar"],
        cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    text = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    assert "รายงานอำเภอขนอม" in text and "ปีงบประมาณ 2551" in text
    assert (
        thai.format_baht(province["results"].headlines[DISTRICT]["avoidable_annual_satang"]) in text
    )


def test_a_wrong_code_or_path_fails_in_the_first_cell(province, tmp_path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(okanalysis.InputError, match="no data at this path"):
        report.open_district("/no/such/folder", "8015")  # the first cell's call
    out = tmp_path / "out.ipynb"
    message = "8001–8023"
    parameters = {"data_dir": str(province["results"].path), "amphoe_code": "8099"}
    with pytest.raises(PapermillExecutionError) as err:
        papermill.execute_notebook(
            str(NOTEBOOKS / "amphoe_report.ipynb"), str(out), parameters=parameters,
            kernel_name=batch.KERNEL, progress_bar=False,
        )  # fmt: skip
    assert message in err.value.evalue
    nb = nbformat.read(out, as_version=4)
    skip = {"parameters", "injected-parameters"}
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    first_code = next(i for i in code if not skip & set(nb.cells[i].metadata.get("tags", [])))
    failed = [i for i in code if any(o.get("output_type") == "error" for o in nb.cells[i].outputs)]
    assert failed == [first_code]


# --- in a real browser, offline ------------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
def test_the_report_draws_every_chart_offline_in_chromium(executed, tmp_path):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (apt-get install chromium fonts-thai-tlwg)")
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "site"
    shutil.copytree(executed["html"].parent, folder)
    page_file = folder / executed["html"].name
    expected = report.chart_count(nbformat.read(executed["ipynb"], as_version=4))
    outside: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        try:
            context = browser.new_context()

            def block(route):
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            context.route("**/*", block)
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri(), wait_until="load")
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}",
                timeout=30_000,
            )
            assert page.locator(".js-plotly-plot").count() == expected
            assert "รายงานอำเภอขนอม" in page.inner_text("h1")
            pdf = page.pdf(prefer_css_page_size=True)
        finally:
            browser.close()
    assert outside == [] and errors == []
    sizes = {
        tuple(round(float(v)) for v in m)
        for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    }
    assert sizes == {(595, 842)}  # A4 in points
