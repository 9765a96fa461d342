"""The district pack (issue 12): one district's results, parameters, versions and circle records
in a folder and a zip, served by the dashboard with no network."""

from __future__ import annotations

import dataclasses
import json
import shutil
import zipfile

import pyarrow.parquet as pq
import pytest

from okanalysis import cli
from okanalysis.circles import action_plan
from okanalysis.circles import store as circles
from okanalysis.core.errors import InputError, NothingToShow
from okanalysis.core.version import __version__
from okanalysis.dashboard import data as dashboard_data
from okanalysis.dashboard import form, pickers, server
from okanalysis.pack.build import build
from okanalysis.pack.opening import open_pack
from okanalysis.results import tables as rt
from okanalysis.results.build import build as build_results
from okanalysis.results.store import open as open_results
from tests.test_actions import make_action
from tests.test_circles import make_session
from tests.test_dashboard_ui import _form

DISTRICT = "8015"
CODE_COLUMNS = ("unit_code", "village_code", "tambon_code", "amphoe_code")


@pytest.fixture(scope="module")
def results(demo_parquet, tmp_path_factory):
    return build_results(demo_parquet, out=tmp_path_factory.mktemp("pack-results"))


@pytest.fixture(scope="module")
def villages(results):
    units = results.table(rt.UNITS)
    inside = sorted(units.loc[units["amphoe_code"] == DISTRICT, "village_code"])
    outside = sorted(units.loc[units["amphoe_code"] != DISTRICT, "village_code"])
    return inside[0], outside[0]


@pytest.fixture(scope="module")
def store(villages, tmp_path_factory):
    """A province store with one circle in the district and one in another district, each
    with an action its circle agreed and what a later circle said about it."""
    path = tmp_path_factory.mktemp("pack-store") / "circles.sqlite"
    with circles.open_store(path, create=True) as st:
        for code in villages:
            circles.save_session(st, make_session(unit_code=code))
            action_plan.save_action(st, make_action(unit_code=code))
            action = action_plan.actions(st, code)["uuid"].iloc[0]
            action_plan.save_action_update(st, action, "in_progress", "เริ่มแล้ว", date="2008-03-01")
    return path


@pytest.fixture(scope="module")
def pack(results, store, tmp_path_factory):
    return build(DISTRICT, data=results.path, out=tmp_path_factory.mktemp("packs"), store=store)


def _copy_zip(pack, folder):
    folder.mkdir(parents=True)
    return shutil.copy(pack.zip, folder / pack.zip.name)


def test_the_pack_holds_its_district_and_nothing_of_other_districts(pack, villages):
    files = sorted((pack.folder / "results").rglob("*.parquet"))
    assert files
    for f in files:
        part = [p for p in f.relative_to(pack.folder).parts if p.startswith("amphoe=")]
        assert part in ([], [f"amphoe={DISTRICT}"]), f
        frame = pq.read_table(f).to_pandas()
        for column in CODE_COLUMNS:
            if column in frame:
                codes = frame[column].dropna().astype(str)
                assert codes.str.startswith(DISTRICT).all(), (f, column)
        if not part:  # a province-level file only keeps the columns
            assert frame.empty, f
    found = open_results(pack.folder / "results")
    assert found.districts == [DISTRICT]
    assert set(found.headlines) <= {DISTRICT}
    assert set(found.table(rt.UNITS)["amphoe_code"]) == {DISTRICT}
    assert found.manifest["pack"]["toolkit"] == __version__
    assert found.manifest["pack"]["rubric"] == pack.meta["rubric_version"]
    assert pack.meta["rubric_version"]
    assert {p.name for p in (pack.folder / "parameters").glob("*.yaml")} >= {"grading.yaml"}
    entries = circles.history(pack.folder / "circles-district.sqlite")
    assert list(entries["unit_code"]) == [villages[0]]
    with zipfile.ZipFile(pack.zip) as z:
        assert "pack.json" in z.namelist()
        assert not [n for n in z.namelist() if "amphoe=" in n and f"amphoe={DISTRICT}" not in n]


def test_household_rows_only_with_households(pack, results, store, villages, tmp_path):
    assert not (pack.folder / "results" / rt.HOUSEHOLDS).exists()
    assert not (pack.folder / "results" / rt.FREEDOM_PEOPLE).exists()
    data = dashboard_data.open_data(pack.folder / "results")
    with pytest.raises(NothingToShow, match="does not carry household rows"):
        data.households(villages[0])
    with pytest.raises(NothingToShow, match="ไม่มีข้อมูลรายครัวเรือน"):
        data.people(villages[0])

    with_rows = build(
        DISTRICT, data=results.path, out=tmp_path, households=True, store=store
    ).folder
    found = open_results(with_rows / "results")
    assert found.manifest["pack"]["households"] is True
    rows = found.table(rt.HOUSEHOLDS)
    assert len(rows) and rows["village_code"].str.startswith(DISTRICT).all()


def test_the_zip_unpacks_once_and_serves(pack, tmp_path):
    zipped = _copy_zip(pack, tmp_path / "laptop")
    first = open_pack(zipped)
    assert first.path == (tmp_path / "laptop" / f"amphoe-{DISTRICT}").resolve()
    assert first.new_store and first.store.parent == first.path / "store"
    stamp = (first.path / "pack.json").stat().st_mtime_ns
    again = open_pack(zipped)
    assert again.path == first.path and again.store == first.store and not again.new_store
    assert (first.path / "pack.json").stat().st_mtime_ns == stamp
    assert open_results(first.results).districts == [DISTRICT]

    s = server.settings(zipped)
    assert s.results == first.results
    assert s.store == first.store
    assert s.parameters == first.parameters
    assert s.pack == DISTRICT
    assert server.with_results(s).results == first.results  # no build, no child process
    env = server.environment(s)
    assert env["OKANALYSIS_PARAMETERS"] == str(first.parameters)
    assert env["OKANALYSIS_RESULTS"] == str(first.results)
    assert env["OKANALYSIS_CIRCLES"] == str(first.store)
    text = server.banner(s)
    assert str(first.store) in text and DISTRICT in text


def test_three_laptops_get_three_stores_with_the_same_records(pack, villages, tmp_path):
    opened = [open_pack(_copy_zip(pack, tmp_path / f"laptop{i}")) for i in range(3)]
    ids = {p.store_id for p in opened}
    assert len(ids) == 3
    uuids = [tuple(circles.history(p.store)["uuid"]) for p in opened]
    assert len(set(uuids)) == 1 and len(uuids[0]) == 1
    assert list(circles.history(opened[0].store)["unit_code"]) == [villages[0]]


def test_the_districts_actions_travel_in_the_pack(pack, store, villages, tmp_path):
    inside = action_plan.actions(store, villages[0])
    for path in (
        pack.folder / "circles-district.sqlite",
        open_pack(_copy_zip(pack, tmp_path / "laptop")).store,
    ):
        found = action_plan.actions(path)
        assert list(found["uuid"]) == list(inside["uuid"])  # no other district's action
        assert list(found["state"]) == ["in_progress"]
        assert set(action_plan.action_updates(path)["unit_code"]) == {villages[0]}


def test_the_folder_opens_as_it_is(pack, tmp_path):
    folder = shutil.copytree(pack.folder, tmp_path / "copy")
    opened = open_pack(folder)
    assert opened.path == folder.resolve() and opened.new_store
    assert server.settings(folder).store == opened.store


def test_an_incompatible_version_is_refused_naming_both(pack, tmp_path):
    folder = shutil.copytree(pack.folder, tmp_path / "old")
    meta = json.loads((folder / "pack.json").read_text(encoding="utf-8"))
    meta["toolkit_version"] = "9.4.0"
    (folder / "pack.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        open_pack(folder)
    text = str(caught.value)
    assert "9.4.0" in text and __version__ in text and "รุ่น" in text
    assert not (folder / "store").exists()


def test_a_zip_reaching_outside_its_folder_is_refused(pack, tmp_path):
    bad = tmp_path / "evil.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("pack.json", (pack.folder / "pack.json").read_text(encoding="utf-8"))
        z.writestr("../outside.txt", "x")
    with pytest.raises(InputError, match="outside"):
        open_pack(bad)
    assert not (tmp_path / "outside.txt").exists()
    assert not (tmp_path / "evil").exists()


def test_a_village_outside_the_district_is_refused_by_name(pack, villages):
    inside, outside = villages
    data = dashboard_data.open_data(pack.folder / "results")
    assert data.pack_district == DISTRICT
    code, message = pickers.village_from_query(data, f"village={outside}")
    assert code is None
    assert outside in message and DISTRICT in message and "outside" in message
    assert "ไม่อยู่ในอำเภอ" in message
    assert pickers.village_from_query(data, f"village={inside}") == (inside, "")

    session, problems = form.session_from_form(_form(), data=data, unit_code=outside)
    assert session is None
    assert outside in str(problems[0]) and DISTRICT in str(problems[0])
    session, problems = form.session_from_form(_form(), data=data, unit_code=inside)
    assert problems == [] and session is not None


def test_a_new_record_goes_into_the_packs_own_store(pack, villages, tmp_path):
    opened = open_pack(_copy_zip(pack, tmp_path / "hall"))
    data = dashboard_data.open_data(opened.results)
    entry, _ = form.save_form(
        dataclasses.replace(_form(), round="end-2551"),
        data=data,
        unit_code=villages[0],
        store=opened.store,
    )
    assert entry is not None
    assert len(circles.history(opened.store)) == 2
    assert len(circles.history(pack.folder / "circles-district.sqlite")) == 1


def test_the_command_line(results, store, tmp_path, capsys):
    out = tmp_path / "packs"
    code = cli.main(
        [
            "pack",
            "--district",
            "๘๐๑๕",
            "--data",
            str(results.path),
            "--out",
            str(out),
            "--store",
            str(store),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert (out / f"amphoe-{DISTRICT}.zip").is_file() and (out / f"amphoe-{DISTRICT}").is_dir()
    assert f"amphoe-{DISTRICT}.zip" in printed
    assert cli.main(["pack", "--district", "80x"]) == cli.EXIT_ERROR
    assert "4 digits" in capsys.readouterr().err
    missing = ["pack", "--district", "8099", "--data", str(results.path), "--out", str(out)]
    assert cli.main(missing) == cli.EXIT_ERROR
    assert "8099" in capsys.readouterr().err


def test_a_pack_preheats_only_the_circle_screen_and_takes_no_province(pack, tmp_path):
    """On a laptop the scorecard starts its kernel when opened (one kernel less held); a pack
    holds one district, so --province is refused with it."""
    s = server.settings(_copy_zip(pack, tmp_path / "hall"))
    assert server.voila_config(s)["VoilaKernelManager"]["preheat_denylist"] == [
        server.PACK_UNHEATED
    ]
    with pytest.raises(InputError) as err:
        server.settings(s.data, province="81")
    assert err.value.column == "--province"


@pytest.mark.browser
def test_the_dashboards_serve_the_zip(pack, villages, browser, tmp_path):
    """`okanalysis dashboard --data amphoe-8015.zip` in chromium: the circle screen and the
    district scorecard from the pack alone; a village outside the district refused by name."""
    from tests.support import browser as support

    inside, outside = villages
    s = dataclasses.replace(
        server.settings(_copy_zip(pack, tmp_path / "hall")), port=support.free_port()
    )
    running = support.Background(s, tmp_path / "server")
    try:
        running.wait_ready("circle", 1, timeout=90)
        context = browser.new_context(viewport=support.VIEWPORT)
        page = context.new_page()
        page.goto(running.url("voila/render/circle.ipynb", f"village={inside}"))
        page.wait_for_selector(f'.okd-village[data-village="{inside}"]', timeout=90_000)
        page.goto(running.url("voila/render/circle.ipynb", f"village={outside}"))
        page.wait_for_selector(".okd-note-error", timeout=90_000)
        text = page.locator(".okd-note-error").first.inner_text()
        assert outside in text and DISTRICT in text
        page.goto(running.url("voila/render/district.ipynb", f"amphoe={DISTRICT}"))
        page.wait_for_selector(".okd-scorecard", timeout=90_000)
        assert page.locator(f'.okd-scorecard [data-unit="{inside}"]').count() == 1
        context.close()
        assert str(s.store) in running.log()
    finally:
        running.stop()
