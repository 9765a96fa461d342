"""The circle dashboards without a browser: what each panel says, the scoring form's checks,
the district scorecard, the figures updated in place, and the server's settings. The screens
read a small Results (scale 0.02) built once for the module; the expected figures are computed
here from the raw data with the library's own functions."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import html
import logging
import re
import sqlite3
import ssl
import subprocess
import sys
import weakref

import plotly.graph_objects as go
import pytest

import okanalysis
from okanalysis import potential, privacy
from okanalysis import results as okresults
from okanalysis.circles import store as circles
from okanalysis.components import COMPONENT_CODES
from okanalysis.core import thai
from okanalysis.core.errors import InputError
from okanalysis.dashboard import circle, form, kit, pickers, scorecard
from okanalysis.dashboard import data as dashboard_data
from okanalysis.dashboard import server as dashboard
from okanalysis.dashboard.panels import accounts, components, glance, opportunities
from okanalysis.dashboard.source import results_path
from okanalysis.results import tables as rt
from tests.support import browser as support


def build_demo_results(root, scale: float = 0.02):
    """A demo province written as Parquet under `root/demo`, and its results computed by a
    child process (as `okanalysis dashboard` does) under `root/processed`."""
    from okanalysis.demo import generate
    from okanalysis.loading import io

    io.write_dataset(generate(scale, 2551), root / "demo", "parquet")
    return root / "demo", results_path(root / "demo")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_demo_results(tmp_path_factory.mktemp("dashboard"))


@pytest.fixture(scope="module")
def dataset(built):
    """The raw data, for the expected figures only (the screens never see it)."""
    return okanalysis.load(built[0], progress=False)


@pytest.fixture(scope="module")
def results_dir(built):
    return built[1]


@pytest.fixture
def data(results_dir):
    return dashboard_data.open_data(results_dir)


@pytest.fixture(scope="module")
def village(dataset):
    """A village with enough households recording to show its figures."""
    roll = potential.rollup(dataset, "village", shareable=True)
    return str(roll.loc[~roll[privacy.SUPPRESSED], "unit_code"].iloc[0])


def rebuilt(built, tmp_path, monkeypatch, min_group: int):
    """The same data's results built again with another privacy setting."""
    monkeypatch.setattr(privacy, "min_group_size", lambda path=None: min_group)
    found = okresults.build(built[0], out=tmp_path / "results", force=True)
    return dashboard_data.open_data(found.path)


def with_tables(results_dir, **entries) -> dashboard_data.CircleData:
    """The results as if the build had said `entries` of some tables (nothing, a fault)."""
    found = okresults.open(results_dir)
    found.manifest = copy.deepcopy(found.manifest)
    for name, entry in entries.items():
        found.manifest["tables"][name] = {"columns": [], **entry}
    return dashboard_data.CircleData(found)


FAULT = {"fault": {"error": "ZeroDivisionError: boom", "traceback": "Traceback ..."}}
NOTHING = {"nothing": {"th": "ยังไม่มีรอบที่สอง", "en": "no second round yet"}}


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _rows(fragment: str) -> dict[tuple[str, str], list[str]]:
    """Table rows keyed by (kind, category): their cells' visible text."""
    out = {}
    for m in re.finditer(r'<tr data-category="([^"]+)" data-kind="([^"]+)">(.*?)</tr>', fragment):
        cells = re.findall(r"<td>(.*?)</td>", m.group(3))
        out[(m.group(2), m.group(1))] = [_text(c).strip() for c in cells]
    return out


def opportunity_cells(o) -> list[str]:
    """A row of `potential.opportunities` as the circle expects to read it: rank, Thai name,
    yearly outflow, households buying, average per buying household, share of spending."""
    return [
        str(o["rank"]),
        o["name_th"],
        thai.format_baht(o["yearly_satang"]),
        thai.format_number(o["households_buying"]),
        thai.format_baht(o["average_per_buyer_satang"]),
        thai.format_percent(o["share_of_spending"], 1),
    ]


def _form(**changes) -> form.FormValues:
    values = dict(
        round="start-2551",
        date=dt.date(2008, 1, 20),
        facilitator="คุณอำนวย ก.",
        agreed={c: "B" for c in COMPONENT_CODES},
        reasons={c: "วงเห็นว่าเหมาะสม" for c in COMPONENT_CODES},
        evidence={},
        overall="B",
        counts={"cores": 8, "villagers": 20, "female": 15, "male": 10},
        note="",
    )
    values.update(changes)
    return form.FormValues(**values)


# --- what the panels say ----------------------------------------------------------------------
def test_opportunity_tables_show_exactly_what_the_library_returns(data, dataset, village):
    expected = potential.opportunities(dataset, village, shareable=True)
    shown = _rows(opportunities.opportunities_html(data, village, "th"))
    for kind in ("substitutable", "avoidable"):
        top = expected.loc[expected["kind"] == kind].sort_values("rank").head(8)
        assert len(top), kind
        for _, o in top.iterrows():
            cells = shown[(kind, o["category"])]
            if o[privacy.SUPPRESSED]:
                assert cells[:2] == [str(o["rank"]), o["name_th"]]
                assert "น้อยกว่า" in cells[2]
                continue
            assert cells == opportunity_cells(o)


def test_a_category_few_households_buy_shows_no_figures(built, village, monkeypatch, tmp_path):
    small = rebuilt(built, tmp_path, monkeypatch, 25)
    opp = small.of(village).opportunities
    rows = opp.loc[opp["unit_code"] == village]
    few = rows.loc[rows["households_buying"].isna() & (rows["households_recording"] >= 25)]
    if few.empty:
        pytest.skip("no category bought by fewer than 25 households in this village")
    o = few.iloc[0]
    cells = _rows(opportunities.opportunities_html(small, village, "en"))[
        (o["kind"], o["category"])
    ]
    assert "fewer than 25" in cells[2]
    assert not any(re.search(r"\d", c) for c in cells[3:])


def test_a_village_with_few_households_recording_shows_no_money(
    built, village, monkeypatch, tmp_path
):
    hidden = rebuilt(built, tmp_path, monkeypatch, 10_000)
    at_glance = _text(glance.glance_html(hidden, village, "th"))
    assert "บาท" not in at_glance and "น้อยกว่า 10000" in at_glance.replace(",", "")
    assert "บาท" not in _text(opportunities.opportunities_html(hidden, village, "th"))
    assert "บาท" not in _text(accounts.accounts_html(hidden, village, "th"))


def test_glance_and_accounts_use_the_rollup_figures(data, dataset, village):
    roll = potential.rollup(dataset, "village", shareable=True).set_index("unit_code")
    r = roll.loc[village]
    at_glance = _text(glance.glance_html(data, village, "th"))
    assert thai.format_baht(r["net_annual_satang"]) in at_glance
    shown = _text(accounts.accounts_html(data, village, "en"))
    for column in ("income_annual_satang", "expense_annual_satang", "net_annual_satang"):
        assert thai.format_baht(r[column], "en") in shown


def test_components_panel_shows_each_computed_grade_with_its_sentence(data, village):
    text = components.components_html(data, village, "th")
    graded = data.grades(village).for_unit(village)
    for c in COMPONENT_CODES:
        assert html.escape(graded.at[c, "evidence_th"]) in text


def test_components_panel_shows_next_steps_under_each_component_below_a(data, dataset, village):
    from okanalysis.grading import grades as grading
    from okanalysis.grading.steps import next_steps

    graded = data.grades(village).for_unit(village)
    below = [c for c in COMPONENT_CODES if graded.at[c, "grade"] in ("B", "C")]
    steps = data.next_steps(village)
    assert below and not steps.empty
    assert set(steps["component"]) <= set(below)  # never under an A
    expected = next_steps(grading.grade(dataset, "village", shareable=True).indicators)
    expected = expected.loc[expected["unit_code"] == village]
    assert steps["says_en"].tolist() == expected["says_en"].tolist()
    text = components.components_html(data, village, "en")
    assert text.count('class="okd-steps"') == steps["component"].nunique()
    for said in steps["says_en"]:
        assert f"<li>{html.escape(said)}</li>" in text
    assert steps.groupby("component").size().max() <= 3


def test_computed_grades_are_the_results_grades(data, dataset, village):
    from okanalysis.grading import grades as grading

    villages = grading.grade(dataset, "village", shareable=True)
    expected = dashboard_data.from_grades(villages)
    shown = data.grades(village)
    assert shown.overall_of(village) == expected.overall_of(village)
    assert shown.for_unit(village)["grade"].tolist() == expected.for_unit(village)["grade"].tolist()


def test_with_nothing_graded_the_panel_says_so_and_the_circle_still_saves(
    results_dir, village, tmp_path
):
    plain = with_tables(results_dir, **{rt.GRADES_UNITS: NOTHING, rt.GRADES_COMPONENTS: NOTHING})
    app = circle.CircleDashboard(plain, store=tmp_path / "c.db", lang="en")
    app.open_village(village)
    app.show_panel("components")
    assert "Nothing to show here yet: no second round yet" in app.texts["components"].value
    entry, message = form.save_form(_form(), data=plain, unit_code=village, store=tmp_path / "c.db")
    assert entry == 1, message
    saved = circles.history(tmp_path / "c.db", village)
    assert saved["leadership_computed"].isna().all()


def test_a_fault_shows_the_fault_message_never_no_data(results_dir, village, tmp_path, caplog):
    faulty = with_tables(
        results_dir,
        **{rt.GRADES_UNITS: FAULT, rt.GRADES_COMPONENTS: FAULT, rt.FREEDOM_CRITERIA: FAULT},
    )
    app = circle.CircleDashboard(faulty, store=tmp_path / "c.db", lang="en")
    with caplog.at_level(logging.ERROR, logger="okanalysis.dashboard"):
        assert app.open_village(village)
        for name in ("components", "freedom"):
            app.show_panel(name)
            shown = _text(app.texts[name].value)
            assert kit.t("error", "en") in shown and kit.t("error", "th") in shown, name
            assert "no data" not in shown and "Nothing to show" not in shown, name
    assert "the table grades_units could not be computed" in caplog.text
    assert "Traceback" in caplog.text
    # the panels without a fault are unaffected
    app.show_panel("accounts")
    assert kit.t("error", "en") not in app.texts["accounts"].value
    # a fault in the computed grades is not saved as "no computed grade"
    app.form.save.click()
    assert not (tmp_path / "c.db").exists()
    assert kit.t("error", "en") in app.status.value


def test_the_screens_data_never_loads_the_raw_data(results_dir, village, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a dashboard kernel loaded the raw data")

    from okanalysis.loading import validate

    monkeypatch.setattr(validate, "load", refuse)
    monkeypatch.setattr(okanalysis, "load", refuse)
    monkeypatch.setattr(okresults, "build", refuse)
    data = dashboard_data.open_data(results_dir)
    app = circle.CircleDashboard(data, store=tmp_path / "c.db")
    assert app.open_village(village)
    for name in circle.PANELS:
        app.show_panel(name)
        assert "okd-note-error" not in app.texts.get(name, app.status).value, name
    app.show_households.value = True
    app.show_people.value = True
    assert app.status.value == ""
    board = scorecard.DistrictScorecard(data, store=tmp_path / "c.db")
    assert board.open_district(village[:4]) and f'data-unit="{village}"' in board.table.value


def test_only_the_shown_district_is_held(data, village, tmp_path):
    app = circle.CircleDashboard(data, store=tmp_path / "c.db")
    assert data.held is None  # the pickers read the units only
    app.open_village(village)
    for name in circle.PANELS:
        app.show_panel(name)
    first = weakref.ref(data.of(village))
    assert data.held == village[:4] and first().tables
    other = next(v for v in data.villages.index if v[:4] != village[:4])
    app.open_village(other)
    app.show_panel("accounts")
    gc.collect()
    assert data.held == other[:4]
    assert first() is None  # the previous district's tables are gone


def test_household_and_person_rows_are_read_only_when_asked(data, village, tmp_path, monkeypatch):
    reads = []
    table = data.results.table

    def spy(name, **kw):
        reads.append((name, kw.get("village"), kw.get("amphoe")))
        return table(name, **kw)

    monkeypatch.setattr(data.results, "table", spy)
    app = circle.CircleDashboard(data, store=tmp_path / "c.db")
    app.open_village(village)
    for name in circle.PANELS:
        app.show_panel(name)
    names = {r[0] for r in reads}
    assert not names & rt.PERSONAL
    assert all(amphoe == village[:4] for _, _, amphoe in reads), reads  # one district only
    app.show_panel("accounts")
    app.show_households.value = True
    assert (rt.HOUSEHOLDS, village, None) in reads
    app.show_panel("freedom")
    app.show_people.value = True
    assert (rt.FREEDOM_PEOPLE, village, None) in reads


def test_every_text_has_thai_and_english():
    for key, (th, en) in kit.TEXT.items():
        assert th and en, key
        assert re.search("[\u0e00-\u0e7f]", th), key


# --- links and choices ------------------------------------------------------------------------
def test_a_link_opens_a_known_village_and_explains_an_unknown_one(data, village):
    assert pickers.village_from_query(data, f"village={village}&lang=en") == (village, "")
    assert pickers.village_from_query(data, "village=" + thai.thai_digits(village))[0] == village
    code, message = pickers.village_from_query(data, "village=<script>alert(1)</script>")
    assert code is None and "<script>" not in message and "&lt;script&gt;" in message
    assert pickers.village_from_query(data, "template=classic") == (None, "")
    assert pickers.parse_query("village=1&theme=dark&lang=en&x=1") == {"village": "1", "lang": "en"}


def test_pickers_list_every_village_once(data):
    codes = [
        v
        for _, a in pickers.district_options(data)
        for _, tb in pickers.tambon_options(data, a)
        for _, v in pickers.village_options(data, tb)
    ]
    assert sorted(codes) == sorted(data.villages.index)
    assert sorted(pickers.search_options(data).values()) == sorted(data.villages.index)


# --- the scoring form -------------------------------------------------------------------------
def test_a_good_form_becomes_a_session_with_the_servers_computed_grades(data, village):
    session, problems = form.session_from_form(_form(), data=data, unit_code=village)
    assert problems == [] and session is not None
    assert session.unit_code == village and session.unit_level == "village"
    graded = data.grades(village).for_unit(village)
    assert [s.computed for s in session.components] == [
        graded.at[c, "grade"] for c in COMPONENT_CODES
    ]


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"agreed": {c: "D" for c in COMPONENT_CODES}}, "leadership_agreed"),
        ({"overall": "<b>A</b>"}, "overall"),
        ({"counts": {"cores": -1}}, "cores"),
        ({"counts": {"cores": "8"}}, "cores"),
        ({"counts": {"cores": True}}, "cores"),
        ({"counts": {"cores": 10**9}}, "cores"),
        ({"round": "x" * 10_000}, "round"),
        ({"round": ["start"]}, "round"),
        ({"facilitator": ""}, "facilitator"),
        ({"date": "2551-01-20"}, "date"),
        ({"reasons": {"leadership": {"a": 1}}}, "leadership_reason"),
        ({"note": "n" * 5000}, "note"),
    ],
)
def test_a_crafted_value_is_refused_by_name_and_nothing_is_saved(
    data, village, tmp_path, change, column
):
    store = tmp_path / "c.db"
    session, problems = form.session_from_form(_form(**change), data=data, unit_code=village)
    assert session is None
    assert column in {p.column for p in problems}
    entry, message = form.save_form(_form(**change), data=data, unit_code=village, store=store)
    assert entry is None and "okd-note-error" in message
    assert not store.exists()


def test_an_unknown_village_is_refused(data):
    session, problems = form.session_from_form(_form(), data=data, unit_code="80999999")
    assert session is None and problems[0].column == "unit_code"


def test_a_differing_grade_needs_a_reason(data, village):
    graded = data.grades(village).for_unit(village)
    computed = graded.at["leadership", "grade"]
    other = next(g for g in "ABC" if g != computed)
    agreed = {c: graded.at[c, "grade"] for c in COMPONENT_CODES}
    agreed["leadership"] = other
    values = _form(agreed=agreed, reasons={})
    session, problems = form.session_from_form(values, data=data, unit_code=village)
    assert session is None
    assert [p.column for p in problems] == ["leadership_reason"]
    text = kit.problem_text(problems[0], "en")
    assert text.startswith("a quality leadership team with succession: reason")


def test_saving_twice_in_a_round_records_a_correction(data, village, tmp_path):
    store = tmp_path / "c.db"
    first, message = form.save_form(_form(), data=data, unit_code=village, store=store, lang="en")
    assert first == 1 and "Saved (entry 1)" in message
    second, _ = form.save_form(_form(overall="A"), data=data, unit_code=village, store=store)
    assert second == 2
    entries = circles.history(store, village)
    assert list(entries["id"]) == [1, 2]
    assert entries.set_index("id").at[1, "superseded_by"] == 2
    assert circles.current(store, village)["overall"].tolist() == ["A"]
    with sqlite3.connect(store) as con:
        assert con.execute("select count(*) from sessions").fetchone()[0] == 2


def test_history_escapes_what_people_typed(data, village, tmp_path):
    store = tmp_path / "c.db"
    values = _form(facilitator="<img src=x onerror=alert(1)>")
    assert form.save_form(values, data=data, unit_code=village, store=store)[0] == 1
    shown = form.history_html(circles.history(store, village), "th")
    assert "<img" not in shown and "&lt;img" in shown


# --- the district scorecard -------------------------------------------------------------------
def _two_rounds(data, store, village):
    other = next(v for v in data.villages.index if v != village)
    for round_, grade, day in (("start-2551", "C", "2008-01-20"), ("end-2551", "A", "2008-09-20")):
        values = _form(
            round=round_,
            date=dt.date.fromisoformat(day),
            overall=grade,
            agreed={c: grade for c in COMPONENT_CODES},
        )
        assert form.save_form(values, data=data, unit_code=village, store=store)[0], round_
    assert form.save_form(_form(round="end-2551"), data=data, unit_code=other, store=store)[0]
    return other


def test_scorecard_rows_cells_and_change_since_the_last_round(data, village, tmp_path):
    store = tmp_path / "c.db"
    other = _two_rounds(data, store, village)
    assert scorecard.store_rounds(store) == ["start-2551", "end-2551"]
    amphoe = data.village(village)["amphoe_code"]
    frame = scorecard.scorecard(
        data, amphoe, store=store, round="end-2551", previous="start-2551", lang="th"
    )
    villages = set(data.villages.index[data.villages["amphoe_code"] == amphoe])
    tambons = set(data.tambons.index[data.tambons["amphoe_code"] == amphoe])
    assert set(frame["unit_code"]) == villages | tambons
    row = frame.set_index("unit_code").loc[village]
    assert row["overall_agreed"] == "A" and row["change"] == "up"
    assert (row[[f"{c}_agreed" for c in COMPONENT_CODES]] == "A").all()
    if other in frame["unit_code"].values:
        assert frame.set_index("unit_code").at[other, "change"] == "new"
    cell = scorecard.scorecard_cell(row["leadership_computed"], "A", row["leadership_state"])
    assert 'data-agreed="A"' in cell
    html_table = scorecard.scorecard_html(frame)
    assert html_table.count("<tr data-unit=") == len(frame)


def test_no_data_and_not_applicable_are_told_apart():
    no_data = scorecard.scorecard_cell(None, None, kit.NO_DATA, "en")
    not_applicable = scorecard.scorecard_cell(None, None, kit.NOT_APPLICABLE, "en")
    assert "no data" in no_data and "not applicable" in not_applicable
    assert "okd-state-no_data" in no_data and "okd-state-not_applicable" in not_applicable
    assert 'data-computed="B"' in scorecard.scorecard_cell("B", None, "graded")


def test_scorecard_filters_and_sorts(data, village, tmp_path):
    store = tmp_path / "c.db"
    _two_rounds(data, store, village)
    amphoe = data.village(village)["amphoe_code"]
    frame = scorecard.scorecard(data, amphoe, store=store, round="end-2551", previous="start-2551")
    shown = frame["overall_agreed"].where(
        frame["overall_agreed"].isin(["A", "B", "C"]), frame["overall_computed"]
    )
    only_a = scorecard.filter_scorecard(frame, grade="A")
    assert len(only_a) == (shown == "A").sum() and village in set(only_a["unit_code"])
    tambon = data.village(village)["tambon_code"]
    inside = scorecard.filter_scorecard(frame, tambon=tambon)
    assert set(inside["tambon_code"]) == {tambon}
    name = data.village(village)["name_th"]
    assert village in set(scorecard.filter_scorecard(frame, text=name)["unit_code"])
    assert scorecard.filter_scorecard(frame, grade="<script>").equals(frame)
    ordered = scorecard.sort_scorecard(frame, "overall")
    ranks = ordered["overall_agreed"].where(
        ordered["overall_agreed"].isin(["A", "B", "C"]), ordered["overall_computed"]
    )
    order = ranks.map({"A": 0, "B": 1, "C": 2}).fillna(3).tolist()
    assert order == sorted(order)
    by_code = scorecard.sort_scorecard(frame, "no such column")
    assert by_code["unit_code"].iloc[0] == sorted(tambon for tambon in frame["tambon_code"])[0]


# --- figures and widgets ----------------------------------------------------------------------
def test_figures_are_updated_in_place_and_their_synced_state_kept_whole():
    widget = kit.figure_widget(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), height=300)
    trace = widget.data[0]
    kit.update_figure(widget, go.Figure(go.Bar(x=["a", "c"], y=[5, 6], text=["5", "6"])))
    assert widget.data[0] is trace
    assert list(widget.data[0].y) == [5, 6] and list(widget.data[0].x) == ["a", "c"]
    assert widget._widget_data[0]["y"] == [5, 6]
    assert widget._widget_layout["height"] == 300
    kit.update_figure(widget, go.Figure([go.Bar(y=[1]), go.Scatter(y=[2])]))
    assert [t.type for t in widget.data] == ["bar", "scatter"]


def _tree(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _tree(child)


def test_circle_screen_opens_switches_and_checks_what_the_page_sends(data, village, tmp_path):
    import ipywidgets as w

    app = circle.CircleDashboard(data, store=tmp_path / "c.db")
    assert not app.open_village("80999999") and app.village is None
    assert "ไม่พบ" in app.status.value
    assert app.open_village(village)
    assert f'data-village="{village}"' in app.header.value
    for name in circle.PANELS:
        app.show_panel(name)
        assert app.stage.children == (app.panels[name],)
    panels = [wd for p in app.panels.values() for wd in _tree(p)]
    assert not any(isinstance(wd, w.Tab) for wd in _tree(app.root))
    assert any(isinstance(wd, go.FigureWidget) for wd in panels)
    other = next(v for v in data.villages.index if v != village)
    app.nav.value = "glance"
    trace = app.fig_levels.data[0] if app.fig_levels.data else None
    app.village_pick.options = pickers.village_options(data, data.village(other)["tambon_code"])
    app.village_pick.value = other
    assert app.village == other and f'data-village="{other}"' in app.header.value
    if trace is not None and app.fig_levels.data:
        assert app.fig_levels.data[0] is trace  # the same trace, new values
    app.set_lang("en")
    assert "Household accounts" in [label for label, _ in app.nav.options]
    assert app.district.description == "District"


def test_households_and_people_only_when_the_facilitator_asks(data, village, tmp_path):
    app = circle.CircleDashboard(data, store=tmp_path / "c.db")
    app.open_village(village)
    app.show_panel("accounts")
    assert app.households_box.children == ()
    app.show_households.value = True
    assert len(app.households_box.children) == 1
    app.show_households.value = False
    assert app.households_box.children == ()
    app.show_panel("freedom")
    assert app.people_box.value == ""
    app.show_people.value = True
    assert "<table" in app.people_box.value or "okd-note" in app.people_box.value


def test_the_form_saves_from_the_widgets_and_lists_the_history(data, village, tmp_path):
    app = circle.CircleDashboard(data, store=tmp_path / "c.db", lang="en")
    app.open_village(village)
    sheet = app.form
    assert sheet.submit() is None and "Not saved" in sheet.message.value
    for c in COMPONENT_CODES:
        sheet.agreed[c].value = "A"
        sheet.reasons[c].value = "the circle weighed the new savings group"
    sheet.overall.value = "A"
    sheet.round.value = "start-2551"
    sheet.facilitator.value = "Somsri"
    sheet.counts["cores"].value = 8
    assert sheet.submit() == 1
    assert "Saved (entry 1)" in sheet.message.value
    assert "Somsri" in sheet.history.value
    assert "entry 1" in sheet.correcting.value


def test_district_screen_refreshes_filters_and_shows_evidence(data, village, tmp_path):
    store = tmp_path / "c.db"
    _two_rounds(data, store, village)
    app = scorecard.DistrictScorecard(data, store=store)
    assert app.open_district(data.village(village)["amphoe_code"])
    assert not app.open_district("9999")
    app.round.value = "end-2551"
    assert f'data-unit="{village}"' in app.table.value
    app.grade.value = "C"
    assert f'data-unit="{village}"' not in app.table.value
    app.grade.value = ""
    app.unit.value = village
    assert "okd-components" in app.evidence.value


def test_circle_app_shows_a_message_instead_of_a_traceback(tmp_path):
    box = circle.circle_app(tmp_path / "missing", query=False)
    assert "okd-note-error" in box.value and "Traceback" not in box.value


# --- the server's settings ----------------------------------------------------------------------
def test_voila_is_configured_for_people(tmp_path):
    (tmp_path / "data").mkdir()
    s = dashboard.settings(tmp_path / "data", store=tmp_path / "c.db")
    cfg = dashboard.voila_config(s)
    vc = cfg["VoilaConfiguration"]
    assert vc["strip_sources"] and not vc["show_tracebacks"] and vc["preheat_kernel"]
    assert vc["allow_template_override"] == vc["allow_theme_override"] == "NO"
    assert cfg["Voila"]["ip"] == "127.0.0.1" and cfg["Voila"]["token"] is None
    assert cfg["Voila"]["tornado_settings"]["allow_remote_access"] is False
    assert cfg["Voila"]["root_dir"] == str(dashboard.DASHBOARDS_DIR)
    assert cfg["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert cfg["VoilaKernelManager"]["preheat_denylist"] == []  # both dashboards preheated
    assert not cfg["VoilaExecutor"]["show_tracebacks"]
    env = dashboard.environment(s)
    assert env[dashboard.DATA_ENV] == str((tmp_path / "data").resolve())
    assert env[dashboard.STORE_ENV] == str((tmp_path / "c.db").resolve())
    assert dashboard.RESULTS_ENV not in env


def test_the_server_gives_the_kernels_results_never_raw_data(built, tmp_path):
    raw, results_dir = built
    s = dashboard.settings(raw, store=tmp_path / "c.db")
    served = dashboard.with_results(s)  # raw data: computed (here reused) by a child process
    assert served.results == results_dir.resolve()
    assert dashboard.environment(served)[dashboard.RESULTS_ENV] == str(results_dir.resolve())
    given = dashboard.with_results(dashboard.settings(results_dir, store=tmp_path / "c.db"))
    assert given.results == results_dir.resolve()  # a results folder is used as it is
    with pytest.raises(InputError):
        results_path(tmp_path / "nowhere")


def test_lan_needs_a_token(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    monkeypatch.delenv(dashboard.TOKEN_ENV, raising=False)
    s = dashboard.settings(tmp_path / "data", lan=True)
    assert len(s.token) >= 16 and s.ip == "0.0.0.0"
    cfg = dashboard.voila_config(s)
    assert cfg["Voila"]["token"] == s.token
    assert all(f"token={s.token}" in url for url in dashboard.addresses(s).values())
    monkeypatch.setenv(dashboard.TOKEN_ENV, "short")
    with pytest.raises(InputError):
        dashboard.settings(tmp_path / "data", lan=True)
    assert dashboard.settings(tmp_path / "data", lan=False).token == ""


def test_missing_data_and_bad_ports_are_refused_before_starting(tmp_path):
    with pytest.raises(InputError):
        dashboard.settings(tmp_path / "nowhere")
    (tmp_path / "data").mkdir()
    for port in (0, 70_000, True):
        with pytest.raises(InputError):
            dashboard.settings(tmp_path / "data", port=port)


def test_lan_without_a_certificate_warns_that_traffic_is_unencrypted(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    monkeypatch.delenv(dashboard.TOKEN_ENV, raising=False)
    s = dashboard.settings(tmp_path / "data", lan=True)
    text = dashboard.banner(s)
    assert dashboard.UNENCRYPTED_WARNING in text and "ไม่ได้เข้ารหัส" in text
    assert not s.tls and all(u.startswith("http://") for u in dashboard.addresses(s).values())
    assert dashboard.UNENCRYPTED_WARNING not in dashboard.banner(
        dashboard.settings(tmp_path / "data")
    )  # this computer only: nothing crosses the network


def test_a_certificate_serves_https(tmp_path, monkeypatch):
    from cryptography import x509

    (tmp_path / "data").mkdir()
    monkeypatch.delenv(dashboard.TOKEN_ENV, raising=False)
    cert, key = dashboard.self_signed(tmp_path / "tls")
    assert (cert.name, key.name) == ("okanalysis.crt", "okanalysis.key")
    assert key.stat().st_mode & 0o777 == 0o600
    s = dashboard.settings(tmp_path / "data", lan=True, certfile=cert, keyfile=key)
    assert s.tls and s.certfile == cert.resolve()
    for url in dashboard.addresses(s).values():
        assert url.startswith("https://") and f"token={s.token}" in url
    text = dashboard.banner(s)
    assert dashboard.UNENCRYPTED_WARNING not in text and "HTTPS" in text
    assert dashboard.certificate_fingerprint(cert) in text
    assert dashboard.ssl_context(s).minimum_version >= ssl.TLSVersion.TLSv1_2
    local = dashboard.settings(tmp_path / "data", certfile=cert, keyfile=key)
    assert dashboard.addresses(local)["circle"].startswith("https://127.0.0.1:")
    made = x509.load_pem_x509_certificate(cert.read_bytes())
    names = made.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    ips = {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}
    dns = set(names.get_values_for_type(x509.DNSName))
    assert "127.0.0.1" in ips and "localhost" in dns and dashboard.lan_address() in ips | dns
    assert 700 <= (made.not_valid_after_utc - made.not_valid_before_utc).days <= 740
    with pytest.raises(InputError, match="not overwritten"):
        dashboard.self_signed(tmp_path / "tls")


def test_a_certificate_without_its_key_is_refused_before_starting(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    cert, key = dashboard.self_signed(tmp_path / "tls")
    _other_cert, other_key = dashboard.self_signed(tmp_path / "other")
    (tmp_path / "junk.pem").write_text("not a certificate", encoding="utf-8")
    for certfile, keyfile, says in (
        (cert, None, "--keyfile"),
        (None, key, "--certfile"),
        (tmp_path / "missing.crt", key, "missing"),
        (cert, other_key, "does not match"),
        (tmp_path / "junk.pem", key, "not PEM"),
    ):
        with pytest.raises(InputError, match=says):
            dashboard.settings(data, lan=True, certfile=certfile, keyfile=keyfile)
    run = subprocess.run(
        [
            *(sys.executable, "-m", "okanalysis", "dashboard", "--data", str(data), "--lan"),
            *("--certfile", str(cert), "--port", str(support.free_port())),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert run.returncode == 2 and "--keyfile" in run.stderr and "แดชบอร์ด" not in run.stdout


def test_console_command_documents_the_dashboard():
    run = subprocess.run(
        [sys.executable, "-m", "okanalysis", "dashboard", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stderr
    assert "--lan" in run.stdout and "--port" in run.stdout
    assert "--certfile" in run.stdout and "--keyfile" in run.stdout
    assert "--self-signed" in run.stdout


def test_the_scorecard_marks_entries_in_conflict_until_a_new_entry_settles_them(
    data, village, tmp_path
):
    """Two laptops save the same village and round apart; after the merge the cell says they
    are in conflict, and a new entry saved on the district's store settles it."""
    first, second, district = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "district.db"
    for store, grade in ((first, "A"), (second, "B")):
        agreed = {c: grade for c in COMPONENT_CODES}
        values = _form(round="end-2551", agreed=agreed, overall=grade)
        assert form.save_form(values, data=data, unit_code=village, store=store)[0]
    merged = circles.merge([first, second], into=district)
    assert list(merged.conflicts) == [(village, "end-2551")]
    amphoe = data.village(village)["amphoe_code"]
    frame = scorecard.scorecard(data, amphoe, store=district, round="end-2551", lang="en")
    assert frame.set_index("unit_code").at[village, "in_conflict"]
    assert "in conflict" in scorecard.scorecard_html(frame, "en")
    assert form.save_form(_form(round="end-2551"), data=data, unit_code=village, store=district)[0]
    frame = scorecard.scorecard(data, amphoe, store=district, round="end-2551", lang="en")
    assert not frame["in_conflict"].any()
    assert "in conflict" not in scorecard.scorecard_html(frame, "en")


def test_every_scorecard_cell_shows_its_change_and_the_drill_down_every_round(
    data, village, tmp_path
):
    store = tmp_path / "c.db"
    _two_rounds(data, store, village)
    amphoe = data.village(village)["amphoe_code"]
    frame = scorecard.scorecard(
        data, amphoe, store=store, round="end-2551", previous="start-2551", lang="en"
    )
    row = frame.set_index("unit_code").loc[village]
    for c in (*COMPONENT_CODES, "overall"):
        assert row[f"{c}_change"] == scorecard.direction(row[f"{c}_agreed"], row[f"{c}_previous"])
        assert row[f"{c}_previous"] in ("A", "B", "C")
    cell = scorecard.scorecard_cell(
        "B", row["leadership_agreed"], "graded", "en",
        change=row["leadership_change"], previous=row["leadership_previous"],
    )  # fmt: skip
    assert f'data-change="{row["leadership_change"]}"' in cell
    assert scorecard.ARROWS[row["leadership_change"]] in cell and row["leadership_previous"] in cell
    drill = scorecard.evidence_html(data, village, store=store, round="end-2551", lang="en")
    assert "Agreed grades in every round" in drill
    assert drill.index("start-2551") < drill.index("end-2551")  # oldest first
    assert scorecard.direction("A", "B") == "up" and scorecard.direction("C", "B") == "down"
    assert scorecard.direction("B", None) == "new" and scorecard.direction(None, "A") == ""
