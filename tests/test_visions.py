"""The community's own words (issue 12): the VISIONS result table, statements saved append-only
in the circle store and merged, the glance panel quoting them, the form saving one, and the
district report pairing them with grades."""

from __future__ import annotations

import datetime as dt
import html
import sqlite3

import pandas as pd
import pytest

from okanalysis.circles import store as circles
from okanalysis.components import COMPONENT_CODES
from okanalysis.core.errors import NothingToShow, OkanalysisError
from okanalysis.dashboard import data as dashboard_data
from okanalysis.dashboard import form
from okanalysis.dashboard.panels import glance
from okanalysis.dashboard.source import results_path
from okanalysis.report import notebook as report
from okanalysis.results import tables as rt

VILLAGE = "80010101"
TAMBON = "800101"


# --- the store ---------------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path):
    with circles.open_store(tmp_path / "c.sqlite", create=True) as st:
        yield st


def test_save_read_and_the_latest_is_in_force(store):
    first = circles.save_vision(store, VILLAGE, "  พึ่งตนเอง  ", date=dt.date(2008, 1, 10))
    second = circles.save_vision(
        store, VILLAGE, "ปลอดสารพิษ อยู่ดีมีสุข", date="2008-02-01", facilitator="คุณอำนวย ก."
    )
    circles.save_vision(store, TAMBON, "ตำบลน่าอยู่", date=dt.date(2008, 1, 5))
    assert second > first
    found = circles.visions(store, VILLAGE)
    assert list(found["statement"]) == ["พึ่งตนเอง", "ปลอดสารพิษ อยู่ดีมีสุข"]
    assert list(found["in_force"]) == [False, True]
    assert found["uuid"].str.len().eq(36).all()
    assert set(found["store_id"]) == {store.store_id}
    latest = circles.visions_in_force(store)
    assert dict(zip(latest["unit_code"], latest["statement"], strict=True)) == {
        TAMBON: "ตำบลน่าอยู่",
        VILLAGE: "ปลอดสารพิษ อยู่ดีมีสุข",
    }


@pytest.mark.parametrize(
    ("code", "statement", "column"),
    [
        ("80010101", "   ", "statement"),
        ("80010101", "ก" * (circles.VISION_MAX_CHARS + 1), "statement"),
        ("8001-01", "พึ่งตนเอง", "unit_code"),
        (None, "พึ่งตนเอง", "unit_code"),
    ],
)
def test_a_bad_statement_is_refused_and_nothing_saved(store, code, statement, column):
    with pytest.raises(OkanalysisError) as raised:
        circles.save_vision(store, code, statement, date=dt.date(2008, 1, 10))
    assert raised.value.column == column
    assert circles.visions(store).empty


def test_statements_are_append_only(store):
    circles.save_vision(store, VILLAGE, "พึ่งตนเอง", date=dt.date(2008, 1, 10))
    con = store.connection
    for sql in ("UPDATE visions SET statement = 'x'", "DELETE FROM visions"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute(sql)
    assert list(circles.visions(store)["statement"]) == ["พึ่งตนเอง"]


def test_merge_copies_statements_idempotently_in_any_order(tmp_path):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    with circles.open_store(a, create=True) as st:
        circles.save_vision(st, VILLAGE, "จากเครื่อง ก", date=dt.date(2008, 1, 10))
    with circles.open_store(b, create=True) as st:
        circles.save_vision(st, VILLAGE, "จากเครื่อง ข", date=dt.date(2008, 1, 12))
        circles.save_vision(st, "80020101", "อำเภออื่น", date=dt.date(2008, 1, 12))
    first = circles.merge([a, b], tmp_path / "ab.sqlite")
    assert first.visions_added == 3
    again = circles.merge([b, a], tmp_path / "ab.sqlite")
    assert again.visions_added == 0
    circles.merge([b], tmp_path / "ba.sqlite")
    circles.merge([a], tmp_path / "ba.sqlite")

    def rows(path):
        frame = circles.visions(path)
        return frame.drop(columns=["id"]).to_dict("records")

    assert rows(tmp_path / "ab.sqlite") == rows(tmp_path / "ba.sqlite")
    assert len(rows(tmp_path / "ab.sqlite")) == 3
    latest = circles.visions_in_force(tmp_path / "ab.sqlite", VILLAGE)
    assert list(latest["statement"]) == ["จากเครื่อง ข"]  # the later circle date
    # a district's merge takes only its district's statements
    circles.merge([a, b], tmp_path / "d.sqlite", keep=lambda code: code.startswith("8001"))
    assert set(circles.visions(tmp_path / "d.sqlite")["unit_code"]) == {VILLAGE}


def test_merging_a_store_into_itself_adds_nothing(tmp_path):
    with circles.open_store(tmp_path / "a.sqlite", create=True) as st:
        circles.save_vision(st, VILLAGE, "พึ่งตนเอง", date=dt.date(2008, 1, 10))
    result = circles.merge([tmp_path / "a.sqlite"], tmp_path / "a.sqlite")
    assert (result.added, result.visions_added) == (0, 0)


# --- the report helper -------------------------------------------------------------------------
def test_the_report_pairs_each_statement_with_the_agreed_else_computed_grade(tmp_path):
    grades = pd.DataFrame(
        {
            "level": ["village", "village", "village", "tambon"],
            "unit_code": ["80010101", "80010102", "80010103", TAMBON],
            "name_th": ["บ้านหนึ่ง", "บ้านสอง", "บ้านสาม", "ตำบล"],
            "name_en": ["Ban Nueng", "Ban Song", "Ban Sam", "Tambon"],
            "overall": ["C", "B", "A", "B"],
        }
    )
    statements = pd.DataFrame(
        {
            "level": ["village", "village", "tambon"],
            "unit_code": ["80010101", "80010102", TAMBON],
            "statement": ["จากข้อมูล หนึ่ง", "จากข้อมูล สอง", "ของตำบล"],
        }
    )
    path = tmp_path / "c.sqlite"
    with circles.open_store(path, create=True) as st:
        circles.save_vision(st, "80010102", "วงพูดใหม่ สอง", date=dt.date(2008, 1, 10))
        circles.save_session(
            st,
            circles.CircleSession(
                unit_code="80010101",
                unit_level="village",
                round="start-2551",
                date=dt.date(2008, 1, 20),
                facilitator="คุณอำนวย ก.",
                components=[circles.ComponentScore(c, "C", "C") for c in COMPONENT_CODES],
                overall="A",
                participants=circles.Participants(cores=8),
                computed_overall="C",
            ),
        )
    found = report.visions_beside_grades(
        grades,
        statements,
        circle=circles.visions_in_force(path),
        sessions=circles.current(path),
        lang="en",
    )
    assert list(found["unit_code"]) == ["80010101", "80010102"]  # no statement: not listed
    assert list(found["statement"]) == ["จากข้อมูล หนึ่ง", "วงพูดใหม่ สอง"]
    assert list(found["statement_from"]) == ["data", "circle"]
    assert list(found["grade"]) == ["A", "B"]
    assert list(found["grade_from"]) == ["agreed in a circle", "computed"]
    assert list(found["name_en"]) == ["Ban Nueng", "Ban Song"]
    shown = report.table_html(found, report.VISION_HEADERS, lang="en")
    assert "วงพูดใหม่ สอง" in shown and "Ban Song" in shown
    with pytest.raises(NothingToShow):
        report.visions_beside_grades(grades, statements.iloc[:0])


# --- the dashboard (a small demo province's results) --------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from okanalysis.demo import generate
    from okanalysis.loading import io

    root = tmp_path_factory.mktemp("visions")
    io.write_dataset(generate(0.02, 2551), root / "demo", "parquet")
    return results_path(root / "demo")


@pytest.fixture
def data(built):
    return dashboard_data.open_data(built)


def _village(data) -> str:
    return str(data.villages.index[0])


def test_the_visions_result_table_holds_the_data_statements(data):
    code = _village(data)
    table = data.of(code).visions
    assert rt.VISIONS in data.results.tables
    assert code in table.index
    assert table.at[code, "statement"].strip()


def test_the_glance_opens_with_the_words_escaped(data, tmp_path):
    code = _village(data)
    tambon = str(data.village(code)["tambon_code"])
    shown = glance.glance_html(data, code, "th")
    statement = data.of(code).visions.at[code, "statement"]
    assert html.escape(statement) in shown  # the data's words before any circle
    assert shown.index("okd-vision") < shown.index("okd-cards")
    path = tmp_path / "c.sqlite"
    with circles.open_store(path, create=True) as st:
        circles.save_vision(st, code, "<b>ของเรา</b> & พึ่งตนเอง", date=dt.date(2008, 1, 10))
    words = dashboard_data.circle_words(path, [code, tambon])
    shown = glance.glance_html(data, code, "en", words=words)
    assert "&lt;b&gt;ของเรา&lt;/b&gt; &amp; พึ่งตนเอง" in shown
    assert "<b>ของเรา</b>" not in shown
    assert "our community&#x27;s words" in shown


def test_the_glance_says_when_there_is_no_statement_yet(data, monkeypatch):
    code = _village(data)
    monkeypatch.setattr(glance, "input_words", lambda data, code: None)
    shown = glance.glance_html(data, code, "en")
    assert "no statement yet" in shown
    assert "okd-vision" not in shown


def _form(**changes) -> form.FormValues:
    values = dict(
        round="start-2551",
        date=dt.date(2008, 1, 20),
        facilitator="คุณอำนวย ก.",
        agreed={c: "B" for c in COMPONENT_CODES},
        reasons={c: "วงเห็นว่าเหมาะสม" for c in COMPONENT_CODES},
        evidence={},
        overall="B",
        counts={"cores": 8, "villagers": 20},
        note="",
    )
    values.update(changes)
    return form.FormValues(**values)


def test_the_form_saves_the_communitys_words(data, tmp_path):
    code, path = _village(data), tmp_path / "c.sqlite"
    entry, message = form.save_form(_form(), data=data, unit_code=code, store=path)
    assert entry is not None
    assert circles.visions(path).empty  # an empty text area saves no statement
    entry, message = form.save_form(
        _form(vision="  <b>เรา</b> พึ่งตนเอง  "), data=data, unit_code=code, store=path, lang="en"
    )
    assert entry is not None and "words were saved" in message
    saved = circles.visions(path)
    assert list(saved["statement"]) == ["<b>เรา</b> พึ่งตนเอง"]
    assert list(saved["unit_code"]) == [code]
    assert list(saved["facilitator"]) == ["คุณอำนวย ก."]
    # too long, or not text: refused with the other problems, nothing saved
    for bad in ("ก" * (circles.VISION_MAX_CHARS + 1), 42):
        entry, message = form.save_form(
            _form(vision=bad), data=data, unit_code=code, store=path, lang="en"
        )
        assert entry is None and "okd-note-error" in message
    assert len(circles.visions(path)) == 1
    assert len(circles.history(path, code)) == 2
