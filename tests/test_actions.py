"""The circle's joint action plan (issue 12, the Community Score Card's): actions checked like
every form value, kept append-only, their state from later circles' updates by circle date,
counted against the date of the circle viewed, merged, exported, carried in a pack, on the A4
record, on the circle screen, on the district scorecard and in the district report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from okanalysis.circles import action_plan as plan
from okanalysis.circles import store as circles
from okanalysis.core.errors import OkanalysisError
from tests.test_circles import VILLAGE, make_session

OTHER = "80010102"


def make_action(**changes: object) -> plan.Action:
    base = plan.Action(
        unit_code=VILLAGE,
        round="start_2551",
        date=dt.date(2008, 1, 15),
        component="master_plan",
        what="ทำปุ๋ยหมักใช้เองแทนปุ๋ยเคมี",
        lead_role="core",
        start=dt.date(2008, 2, 1),
        end=dt.date(2008, 6, 30),
        cost="12,500",
        households=25,
        opportunity="EXP_FERTILISER",
        facilitator="คุณอำนวยตำบล 1",
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def store(tmp_path):
    with circles.open_store(tmp_path / "circles.sqlite", create=True) as st:
        yield st


# --- checking every value ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "satang"),
    [
        ("12,500", 1_250_000),
        ("12500.50", 1_250_050),
        ("๑๒,๕๐๐", 1_250_000),
        ("1,234,567.5", 123_456_750),
        ("0", 0),
        (" 300 บาท ", 30_000),
        (750, 75_000),
        (Decimal("99.99"), 9_999),
    ],
)
def test_costs_are_parsed_to_exact_satang(text, satang):
    assert plan.parse_baht(text) == satang


@pytest.mark.parametrize("bad", ["12,5x", "1,25", "12.505", "-5", "", "abc", 12.5, True, None])
def test_a_bad_cost_is_refused_naming_the_column_and_value(bad):
    problems = plan.check_action(make_action(cost=bad))
    assert [p.column for p in problems] == ["cost"]
    assert problems[0].value == bad
    assert "baht" in problems[0].expected_en and "บาท" in problems[0].expected_th


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"end": dt.date(2008, 1, 31)}, "end_date"),  # before the start
        ({"start": "2008-13-01"}, "start_date"),
        ({"end": "2551-06-30"}, "end_date"),  # Buddhist era where the Common era is asked
        ({"component": "roads"}, "component"),
        ({"households": -1}, "households"),
        ({"households": 2.5}, "households"),
        ({"lead_role": "mayor"}, "lead_role"),
        ({"what": "   "}, "what"),
        ({"what": "ก" * 2001}, "what"),
        ({"round": ""}, "round"),
        ({"unit_code": "8001-01"}, "unit_code"),
        ({"plan_item": "MP80010101-01"}, "opportunity"),  # both a plan item and an opportunity
        ({"date": "2551-01-15"}, "date"),
    ],
)
def test_a_bad_value_is_refused_in_thai_and_english_naming_the_column(store, changes, column):
    action = make_action(**changes)
    problems = plan.check_action(action)
    assert column in [p.column for p in problems]
    found = next(p for p in problems if p.column == column)
    assert found.expected_th and found.expected_en and found.expected_th != found.expected_en
    assert "คอลัมน์/column" in str(found)
    with pytest.raises(OkanalysisError):
        plan.save_action(store, action)
    assert plan.actions(store).empty  # nothing written


def test_the_end_before_the_start_says_both_dates(store):
    problem = plan.check_action(make_action(end=dt.date(2008, 1, 31)))[0]
    assert (problem.column, problem.value) == ("end_date", dt.date(2008, 1, 31))
    assert "2008-02-01" in problem.expected_en and "1 ก.พ. 2551" in problem.expected_th


def test_plan_items_and_opportunities_are_checked_against_the_units_own():
    action = make_action(opportunity="EXP_TOBACCO")
    assert plan.check_action(action, opportunities={"EXP_FERTILISER"})[0].column == "opportunity"
    assert not plan.check_action(action, opportunities={"EXP_TOBACCO"})
    item = make_action(opportunity=None, plan_item="MP80010101-09")
    assert plan.check_action(item, plan_items={"MP80010101-01"})[0].column == "plan_item"
    assert not plan.check_action(make_action(opportunity=None))  # addresses neither: fine


@pytest.mark.parametrize(
    ("state", "sentence", "date", "column"),
    [
        ("finished", "ทำเสร็จแล้ว", "2008-07-01", "state"),
        ("done", "  ", "2008-07-01", "sentence"),
        ("done", "ทำเสร็จแล้ว", "1 ก.ค. 2551", "date"),
    ],
)
def test_a_bad_update_is_refused(store, state, sentence, date, column):
    plan.save_action(store, make_action())
    action = plan.actions(store)["uuid"].iloc[0]
    with pytest.raises(OkanalysisError) as raised:
        plan.save_action_update(store, action, state, sentence, date=date)
    assert raised.value.column == column
    assert plan.action_updates(store).empty


def test_an_update_needs_a_known_action_and_a_date_after_it_was_agreed(store):
    plan.save_action(store, make_action())
    action = plan.actions(store)["uuid"].iloc[0]
    with pytest.raises(OkanalysisError) as raised:
        plan.save_action_update(
            store, "0b6f4a52-6c1e-5d8e-9a3c-000000000000", "done", "x", date="2008-07-01"
        )
    assert raised.value.column == "action_uuid"
    with pytest.raises(OkanalysisError) as raised:
        plan.save_action_update(store, action, "done", "ทำแล้ว", date="2008-01-01")
    assert raised.value.column == "date"
    assert plan.action_updates(store).empty


# --- the store ---------------------------------------------------------------------------------
def test_actions_and_updates_are_append_only(store):
    plan.save_action(store, make_action())
    action = plan.actions(store)["uuid"].iloc[0]
    plan.save_action_update(store, action, "done", "ทำแล้ว", date="2008-07-01")
    con = store.connection
    for sql in (
        "UPDATE actions SET what = 'x'",
        "DELETE FROM actions",
        "UPDATE action_updates SET state = 'dropped'",
        "DELETE FROM action_updates",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(sql)
    assert len(plan.actions(store)) == 1 and len(plan.action_updates(store)) == 1


def test_the_store_itself_refuses_a_float_cost_or_an_end_before_the_start(store):
    plan.save_action(store, make_action())
    cursor = store.connection.execute("SELECT * FROM actions")
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    row.pop("id")
    for n, change in enumerate(({"cost_satang": 12.5}, {"end_date": "2008-01-01"})):
        bad = {**row, "uuid": f"{n}{row['uuid'][1:]}", **change}
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            store.connection.execute(
                f"INSERT INTO actions ({', '.join(bad)}) VALUES ({', '.join('?' * len(bad))})",
                list(bad.values()),
            )
    assert len(plan.actions(store)) == 1


def test_save_read_back_and_the_state_is_the_latest_update_by_circle_date(store):
    first = plan.save_action(store, make_action())
    second = plan.save_action(
        store,
        make_action(
            component="leadership",
            what="อบรมแกนนำรุ่นใหม่ <b>4 คน</b>",
            lead_role="tambon_facilitator",
            lead_name="ครูสมศรี",
            cost="1500.50",
            households=0,
            opportunity=None,
            plan_item="MP80010101-02",
        ),
    )
    assert second > first
    found = plan.actions(store, VILLAGE).set_index("id")
    assert list(found.columns) == list(plan.ACTION_FRAME_COLUMNS)[1:]
    assert found.loc[first, "cost_satang"] == 1_250_000
    assert found.loc[second, "cost_satang"] == 150_050
    assert found["cost_satang"].dtype == "int64"
    assert found.loc[second, "plan_item"] == "MP80010101-02"
    assert found.loc[second, "opportunity"] is None
    assert found.loc[second, "lead_name"] == "ครูสมศรี"
    assert found.loc[first, "end_date"] == pd.Timestamp("2008-06-30")
    assert set(found["state"]) == {"open"} and set(found["store_id"]) == {store.store_id}
    action = found.loc[first, "uuid"]
    # the mid-year circle's update is saved *after* the end-of-year one (a laptop merged late):
    # the state is still the one of the later circle
    plan.save_action_update(
        store, action, "done", "ทำแล้ว 30 ครัวเรือน", date="2008-09-20", round="end_2551"
    )
    plan.save_action_update(
        store, action, "in_progress", "เริ่มทำแล้ว", date="2008-05-01", round="mid_2551"
    )
    now = plan.actions(store, VILLAGE).set_index("id")
    assert now.loc[first, "state"] == "done"
    assert now.loc[first, "state_sentence"] == "ทำแล้ว 30 ครัวเรือน"
    assert now.loc[first, "state_round"] == "end_2551"
    assert now.loc[first, "updates"] == 2
    assert now.loc[second, "state"] == "open"
    # as the mid-year circle saw it
    then = plan.actions(store, VILLAGE, as_of="2008-06-01").set_index("id")
    assert then.loc[first, "state"] == "in_progress"
    assert plan.actions(store, round="no such round").empty
    assert plan.actions(store, OTHER).empty


def test_overdue_is_counted_against_the_viewed_circles_date_not_today(store):
    plan.save_action(store, make_action(end=dt.date(2008, 6, 30)))  # open
    plan.save_action(store, make_action(end=dt.date(2008, 12, 31)))  # open, not yet due
    plan.save_action(store, make_action(what="ลดเหล้า", end=dt.date(2008, 3, 31)))
    plan.save_action(store, make_action(unit_code=OTHER, end=dt.date(2008, 3, 31)))
    found = plan.actions(store)
    done = found.loc[found["what"] == "ลดเหล้า", "uuid"].iloc[0]
    plan.save_action_update(store, done, "done", "งดเหล้าในงานบุญ", date="2008-04-10")
    found = plan.actions(store)
    # the 2008 circle of July: one overdue in each village (today it would be every open one)
    counts = plan.action_counts(found, as_of=dt.date(2008, 7, 15))
    assert counts.loc[VILLAGE].to_dict() == {
        "open": 2,
        "overdue": 1,
        "done": 1,
        "dropped": 0,
        "actions": 3,
    }
    assert counts.loc[OTHER, "overdue"] == 1
    assert plan.action_counts(found, as_of="2008-02-01")["overdue"].sum() == 0
    assert plan.action_counts(found, as_of="2009-01-01").loc[VILLAGE, "overdue"] == 2
    assert plan.action_counts(found.iloc[:0], as_of="2008-07-15").empty


def test_the_previous_circle_is_found_by_circle_date_not_by_round_name(store):
    # round names sort the other way round from their circles
    circles.save_session(store, make_session(round="z-first", date=dt.date(2008, 1, 15)))
    circles.save_session(store, make_session(round="a-second", date=dt.date(2008, 5, 15)))
    plan.save_action(store, make_action(round="z-first", date=dt.date(2008, 1, 15), what="แรก"))
    plan.save_action(store, make_action(round="a-second", date=dt.date(2008, 5, 15), what="ที่สอง"))
    assert list(plan.round_dates(store, VILLAGE).index) == ["z-first", "a-second"]
    assert plan.previous_round(store, VILLAGE, round="m-third", date="2008-09-20") == "a-second"
    assert plan.previous_round(store, VILLAGE, round="a-second") == "z-first"
    assert plan.previous_round(store, VILLAGE, round="z-first") is None
    shown = plan.previous_actions(store, VILLAGE, round="m-third", date=dt.date(2008, 9, 20))
    assert list(shown["what"]) == ["ที่สอง", "แรก"]  # the previous circle's first
    assert list(shown["from_previous"]) == [True, False]
    assert list(shown["overdue"]) == [True, True]  # both ended on 30 June 2008
    # an older action that was done is no longer shown
    plan.save_action_update(
        store, shown["uuid"].iloc[1], "done", "ทำแล้ว", date="2008-05-15", round="a-second"
    )
    shown = plan.previous_actions(store, VILLAGE, round="m-third", date=dt.date(2008, 9, 20))
    assert list(shown["what"]) == ["ที่สอง"]


# --- a store written by the version before actions -----------------------------------------------
def _v3_store(path: Path) -> None:
    """A store as okanalysis wrote it at schema 3 (sessions, identities, visions)."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    for steps in circles.MIGRATIONS[:3]:
        for step in steps:
            step(con) if callable(step) else con.execute(step)
    con.execute(f"PRAGMA application_id = {circles.APPLICATION_ID}")
    con.execute("PRAGMA user_version = 3")
    con.execute("COMMIT")
    con.execute("BEGIN")
    session = make_session()
    row = {
        "uuid": "5d3b2f44-1c53-4a8e-9a2f-1d2c3b4a5e6f",
        "store_id": "9f1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
        "unit_code": session.unit_code,
        "unit_level": session.unit_level,
        "round": session.round,
        "date": str(session.date),
        "facilitator": session.facilitator,
        **dataclasses.asdict(session.participants),
        "overall": session.overall,
        "computed_overall": session.computed_overall,
        "rubric_version": session.rubric_version,
        "note": session.note,
        "created_at": "2008-01-15T03:00:00.000000+00:00",
    }
    components = [dataclasses.asdict(c) for c in session.components]
    circles._insert_entry(con, row, components, [])
    con.execute(
        "INSERT INTO visions (uuid, store_id, unit_code, date, statement, facilitator, created_at)"
        " VALUES ('6e4c3a55-2d64-4b9f-8b3a-2e3d4c5b6a70', ?, ?, '2008-01-15', 'พึ่งตนเอง', '',"
        " '2008-01-15T03:01:00+00:00')",
        (row["store_id"], VILLAGE),
    )
    con.execute("COMMIT")
    con.close()


def test_a_schema_3_store_migrates_forward_keeping_every_entry(tmp_path):
    path = tmp_path / "v3.sqlite"
    _v3_store(path)
    con = sqlite3.connect(path)
    store_id = con.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0]
    con.close()
    before = path.read_bytes()
    merged = circles.merge([path], tmp_path / "office.sqlite")  # read through a migrated copy
    assert (merged.added, merged.visions_added, merged.actions_added) == (1, 1, 0)
    assert path.read_bytes() == before
    with circles.open_store(path) as st:  # migrates in place
        assert st.connection.execute("PRAGMA user_version").fetchone()[0] == circles.SCHEMA_VERSION
        entries = circles.history(st)
        assert list(entries["uuid"]) == ["5d3b2f44-1c53-4a8e-9a2f-1d2c3b4a5e6f"]
        assert list(entries["status"]) == ["current"]
        assert list(circles.visions(st)["statement"]) == ["พึ่งตนเอง"]
        assert st.store_id == store_id  # the store keeps its own id
        plan.save_action(st, make_action())
        assert len(plan.actions(st)) == 1


# --- merging and export ---------------------------------------------------------------------------
def _laptop(path: Path, note: str, *, unit: str = VILLAGE) -> Path:
    with circles.open_store(path, create=True) as st:
        circles.save_session(st, make_session(unit_code=unit, note=note))
        plan.save_action(st, make_action(unit_code=unit, what=f'{note}: =HYPERLINK("x")'))
        action = plan.actions(st)["uuid"].iloc[-1]
        plan.save_action_update(st, action, "in_progress", f"{note} เริ่มแล้ว", date="2008-03-01")
    return path


def test_two_stores_with_actions_merge_idempotently_in_any_order(tmp_path):
    a = _laptop(tmp_path / "a.sqlite", "laptop a")
    b = _laptop(tmp_path / "b.sqlite", "laptop b", unit=OTHER)
    before = (a.read_bytes(), b.read_bytes())
    ab = circles.merge([a, b], tmp_path / "ab.sqlite")
    assert (ab.actions_added, ab.updates_added) == (2, 2)
    again = circles.merge([b, a], tmp_path / "ab.sqlite")
    assert (again.added, again.actions_added, again.updates_added) == (0, 0, 0)
    circles.merge([b], tmp_path / "ba.sqlite")
    circles.merge([a], tmp_path / "ba.sqlite")
    assert (a.read_bytes(), b.read_bytes()) == before  # sources are only read

    def rows(path):
        return plan.actions(path).drop(columns=["id"]).to_dict("records")

    assert rows(tmp_path / "ab.sqlite") == rows(tmp_path / "ba.sqlite")
    assert len(rows(tmp_path / "ab.sqlite")) == 2
    assert set(plan.actions(tmp_path / "ab.sqlite")["state"]) == {"in_progress"}
    # a district's merge keeps each update with its action
    circles.merge([a, b], tmp_path / "d.sqlite", keep=lambda code: code == OTHER)
    assert set(plan.actions(tmp_path / "d.sqlite")["unit_code"]) == {OTHER}
    assert set(plan.action_updates(tmp_path / "d.sqlite")["unit_code"]) == {OTHER}
    # the same UUID with other content is refused, nothing merged
    for lang in ("th", "en"):
        x = plan.export(tmp_path / "ab.sqlite", tmp_path / f"ab-{lang}.csv", lang=lang)
        y = plan.export(tmp_path / "ba.sqlite", tmp_path / f"ba-{lang}.csv", lang=lang)
        assert x.read_bytes() == y.read_bytes()
        for part in ("actions", "action-updates"):
            assert (tmp_path / f"ab-{lang}-{part}.csv").read_bytes() == (
                tmp_path / f"ba-{lang}-{part}.csv"
            ).read_bytes()


def test_an_update_whose_action_is_missing_is_refused_and_nothing_merged(tmp_path):
    a = _laptop(tmp_path / "a.sqlite", "a")
    broken = tmp_path / "broken.sqlite"
    con = sqlite3.connect(a)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("DROP TRIGGER actions_append_only_delete")
    con.execute("DELETE FROM actions")
    con.commit()
    con.close()
    a.rename(broken)
    office = _laptop(tmp_path / "office.sqlite", "office", unit=OTHER)
    before = plan.actions(office)
    with pytest.raises(OkanalysisError, match="action update"):
        circles.merge([broken], office)
    pd.testing.assert_frame_equal(plan.actions(office), before)
    assert len(circles.history(office)) == 1


def test_the_export_has_the_action_plan_with_uuids_and_text_stays_text(tmp_path):
    path = _laptop(tmp_path / "a.sqlite", "a")
    out = plan.export(path, tmp_path / "c.xlsx", lang="en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["in force", "all entries", "action plan", "action updates"]
    sheet = wb["action plan"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    found = plan.actions(path)
    assert row["action UUID"] == found["uuid"].iloc[0]
    assert row["what will be done"] == 'a: =HYPERLINK("x")'  # text, never a formula
    assert sheet.cell(2, header.index("what will be done") + 1).data_type == "s"
    assert row["estimated cost"] == "12,500"
    assert row["who leads"] == "village core leader"
    assert row["starts"] == "1 Feb 2008" and row["ends"] == "30 Jun 2008"
    assert row["state of the action"] == "in progress"
    updates = wb["action updates"]
    assert [c.value for c in updates[2]][1] == found["uuid"].iloc[0]
    th = openpyxl.load_workbook(plan.export(path, tmp_path / "c-th.xlsx"))
    assert th.sheetnames[2:] == ["แผนปฏิบัติการ", "ความคืบหน้า"]
    assert th["แผนปฏิบัติการ"]["D2"].value == "15 ม.ค. 2551"
    csv = plan.export(path, tmp_path / "c.csv")
    text = (tmp_path / "c-actions.csv").read_text(encoding="utf-8-sig")
    assert found["uuid"].iloc[0] in text and "'a: =HYPERLINK" not in text  # starts with "a"
    assert csv.exists()
    # the package's `circles.export` and the command write the action plan too
    import okanalysis.circles as package
    from okanalysis.cli import main

    assert package.export is plan.export
    assert (
        main(["--quiet", "circles", "export", str(tmp_path / "cli.xlsx"), "--store", str(path)])
        == 0
    )
    assert "แผนปฏิบัติการ" in openpyxl.load_workbook(tmp_path / "cli.xlsx").sheetnames


# --- the circle screen --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from okanalysis.dashboard import data as dashboard_data
    from tests.test_dashboard_ui import build_demo_results

    return dashboard_data.open_data(build_demo_results(tmp_path_factory.mktemp("actions"))[1])


def _fields(data, code, **changes):
    from okanalysis.dashboard import action_form
    from okanalysis.dashboard.panels import actions as panel

    options = [v for _, v in panel.addresses_options(data, code)]
    values = dict(
        component="master_plan",
        what="ทำปุ๋ยหมักใช้เอง",
        addresses=next(v for v in options if v.startswith(panel.MONEY_PREFIX)),
        lead_role="core",
        lead_name="",
        start=dt.date(2008, 2, 1),
        end=dt.date(2008, 3, 31),
        cost="12,500",
        households=10,
    )
    values.update(changes)
    return action_form.ActionValues(**values)


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"cost": "12,5x"}, "cost"),
        ({"cost": 12.5}, "cost"),
        ({"end": dt.date(2008, 1, 1)}, "end_date"),
        ({"component": "<script>"}, "component"),
        ({"households": -3}, "households"),
        ({"households": "10"}, "households"),
        ({"addresses": "plan:MP99999999-01"}, "plan_item"),  # another village's item
        ({"addresses": "anything"}, "addresses"),
        ({"lead_role": "king"}, "lead_role"),
        ({"what": ["not", "text"]}, "what"),
        ({"start": "2008-02-01"}, "start_date"),  # the page sends a date, never text
    ],
)
def test_the_form_refuses_each_bad_action_value_by_name_and_saves_nothing(
    data, tmp_path, changes, column
):
    from okanalysis.dashboard import action_form

    code, path = str(data.villages.index[0]), tmp_path / "c.sqlite"
    entry, message = action_form.save_action_form(
        _fields(data, code, **changes),
        data=data,
        unit_code=code,
        round="start-2551",
        date=dt.date(2008, 1, 20),
        store=path,
        lang="en",
    )
    assert entry is None and "okd-note-error" in message and "Not saved" in message
    action, problems = action_form.action_from_form(
        _fields(data, code, **changes),
        data=data,
        unit_code=code,
        round="r",
        date=dt.date(2008, 1, 20),
    )
    assert action is None and column in [p.column for p in problems]
    assert not path.exists() or plan.actions(path).empty


def test_the_circle_screen_shows_the_previous_circles_actions_before_the_grades(data, tmp_path):
    from okanalysis.dashboard import circle

    code, path = str(data.villages.index[0]), tmp_path / "c.sqlite"
    app = circle.CircleDashboard(data, store=path, lang="en")
    app.open_village(code)
    sheet, acts = app.form, app.form.actions
    sheet.round.value, sheet.date.value = "start-2551", dt.date(2008, 1, 20)
    sheet.facilitator.value = "Somsri"
    assert "no action recorded in this round yet" in acts.listing.value
    acts.component.value = "master_plan"
    acts.what.value = "<b>compost</b> & =1+1"
    acts.addresses.value = acts.addresses.options[1][1]
    acts.lead.value = "community_group"
    acts.lead_name.value = "Women's group"
    acts.start.value, acts.end.value = dt.date(2008, 2, 1), dt.date(2008, 3, 31)
    acts.cost.value, acts.households.value = "12,500.50", 12
    assert acts.submit() == 1 and "Action saved" in acts.message.value
    assert "&lt;b&gt;compost&lt;/b&gt; &amp; =1+1" in acts.listing.value
    assert "<b>compost</b>" not in acts.listing.value
    assert "12,500.50 baht" in acts.listing.value and "Women&#x27;s group" in acts.listing.value
    saved = plan.actions(path, code).iloc[0]
    assert (saved["cost_satang"], saved["facilitator"]) == (1_250_050, "Somsri")
    assert saved["plan_item"] == acts.addresses.options[1][1].split(":", 1)[1]
    # the next circle, in June: the action comes first, overdue against June (not today)
    sheet.round.value, sheet.date.value = "mid-2551", dt.date(2008, 6, 1)
    shown = acts.previous.value
    assert "(start-2551)" in shown and f'data-action="{saved["uuid"]}"' in shown
    assert "overdue" in shown
    order = list(sheet.root.children)
    assert order.index(acts.previous_root) < order.index(
        next(
            c
            for c in order
            if "okd-agreed-leadership" in str([g._dom_classes for g in getattr(c, "children", ())])
        )
    )
    assert order.index(acts.plan_root) > order.index(sheet.save)
    (row,) = acts.marks.children
    assert f"okd-action-{saved['uuid']}" in row._dom_classes
    classes = {cls for w in row.children[1].children for cls in w._dom_classes}
    assert {"okd-action-state", "okd-action-sentence", "okd-action-mark"} <= classes
    # a sentence is needed; then done, dated with this circle
    state, sentence, save = row.children[1].children
    state.value = "done"
    save.click()
    assert "okd-note-error" in acts.mark_message.value
    assert plan.action_updates(path).empty
    sentence.value = "15 households make compost now"
    save.click()
    assert "Saved what happened" in acts.mark_message.value
    now = plan.actions(path, code).iloc[0]
    assert (now["state"], now["state_date"], now["state_round"]) == (
        "done",
        pd.Timestamp("2008-06-01"),
        "mid-2551",
    )
    assert acts.marks.children == ()  # nothing left open
    assert 'data-state="done"' in acts.previous.value  # still shown: the previous circle's


def test_an_action_of_another_village_cannot_be_marked(data, tmp_path):
    from okanalysis.dashboard import action_form

    first, second = (str(v) for v in data.villages.index[:2])
    path = tmp_path / "c.sqlite"
    plan.save_action(path if path.exists() else _created(path), make_action(unit_code=second))
    other = plan.actions(path)["uuid"].iloc[0]
    entry, message = action_form.mark_action(
        data=data,
        unit_code=first,
        action=other,
        state="done",
        sentence="x",
        round="r",
        date=dt.date(2008, 6, 1),
        store=path,
        lang="en",
    )
    assert entry is None and "no such action of this village" in message
    assert plan.action_updates(path).empty


def _created(path: Path) -> Path:
    circles.open_store(path, create=True).close()
    return path


# --- the district scorecard -----------------------------------------------------------------------
def test_the_scorecard_counts_open_overdue_and_done_actions_per_unit(data, tmp_path):
    from okanalysis.dashboard import scorecard

    code = str(data.villages.index[0])
    row = data.village(code)
    tambon, amphoe = str(row["tambon_code"]), str(row["amphoe_code"])
    path = _created(tmp_path / "c.sqlite")
    circles.save_session(
        path, make_session(unit_code=code, round="end-2551", date=dt.date(2008, 9, 20))
    )
    plan.save_action(path, make_action(unit_code=code, end=dt.date(2008, 6, 30)))  # overdue
    plan.save_action(path, make_action(unit_code=code, end=dt.date(2008, 12, 31)))  # open
    plan.save_action(path, make_action(unit_code=code, what="ลดเหล้า"))
    plan.save_action(path, make_action(unit_code=tambon, end=dt.date(2008, 6, 30)))
    done = plan.actions(path, code).set_index("what").loc["ลดเหล้า", "uuid"]
    plan.save_action_update(path, done, "done", "ทำแล้ว", date="2008-09-20")
    frame = scorecard.scorecard(data, amphoe, store=path, round="end-2551", lang="en")
    by = frame.set_index("unit_code")
    counts = by.loc[code, ["actions_open", "actions_overdue", "actions_done"]].tolist()
    assert counts == [2, 1, 1]
    # the sub-district's row: its own action and its villages'
    assert by.loc[tambon, ["actions_open", "actions_overdue", "actions_done"]].tolist() == [3, 2, 1]
    assert by.loc[~by.index.str.startswith(tambon), "actions_open"].eq(0).all()
    # counted as at the round's circle (20 September 2008), never today
    assert scorecard.action_counts_frame(frame, path, "end-2551").equals(
        frame[["actions_open", "actions_overdue", "actions_done"]]
    )
    shown = scorecard.scorecard_html(frame, "en")
    assert 'data-open="2" data-overdue="1" data-done="1"' in shown
    assert "open 2 · overdue 1 · done 1" in shown
    empty = scorecard.scorecard(data, amphoe, store=tmp_path / "none.sqlite", round=None)
    assert empty["actions_open"].eq(0).all()


# --- the district report ------------------------------------------------------------------------
def test_the_report_lists_the_actions_and_the_change_since_the_previous_round(tmp_path):
    from okanalysis.report import notebook as report

    path = _created(tmp_path / "c.sqlite")
    # round names sort against their circles: the previous round is found by date
    circles.save_session(path, make_session(round="z-start", date=dt.date(2008, 1, 15)))
    circles.save_session(path, make_session(round="a-end", date=dt.date(2008, 9, 20), overall="A"))
    circles.save_session(path, make_session(unit_code=OTHER, round="z-start"))  # one round only
    plan.save_action(path, make_action(round="z-start", what="<i>ปุ๋ยหมัก</i>", lead_name="ลุงมี"))
    plan.save_action(path, make_action(round="z-start", what="ลดเหล้า", end=dt.date(2008, 12, 31)))
    done = plan.actions(path).set_index("what").loc["ลดเหล้า", "uuid"]
    plan.save_action_update(path, done, "done", "งดเหล้าในงานบุญ", date="2008-09-20")
    as_of = plan.circle_date(path)
    assert as_of == dt.date(2008, 9, 20)
    found = plan.actions(path, as_of=as_of)
    listed = report.actions_for_report(found.assign(overdue=plan.overdue(found, as_of)), lang="en")
    assert list(listed["what"]) == ["<i>ปุ๋ยหมัก</i>", "ลดเหล้า"]
    assert list(listed["state"]) == ["planned (overdue)", "done"]
    assert list(listed["said"]) == ["", "งดเหล้าในงานบุญ"]
    assert listed["lead"].iloc[0] == "village core leader: ลุงมี"
    assert (
        listed["cost"].iloc[0] == "12,500" and listed["when"].iloc[0] == "1 Feb 2008 – 30 Jun 2008"
    )
    shown = report.table_html(listed, report.ACTION_HEADERS, lang="en")
    assert "&lt;i&gt;ปุ๋ยหมัก&lt;/i&gt;" in shown and "<i>ปุ๋ยหมัก" not in shown
    with pytest.raises(OkanalysisError):
        report.actions_for_report(found.iloc[:0])
    change = report.grade_change(circles.current(path), lang="en")
    assert set(change["unit_code"]) == {VILLAGE}  # the other village has one round only
    overall = change.loc[change["component"] == "overall"].iloc[0]
    assert (overall["round_before"], overall["grade_before"]) == ("z-start", "B")
    assert (overall["round"], overall["grade_now"], overall["direction"]) == (
        "a-end",
        "A",
        "improved",
    )
    assert len(change) == 6
    with pytest.raises(OkanalysisError):
        report.grade_change(circles.current(path), "z-start")  # nothing before the first round
