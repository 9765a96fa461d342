"""The learning-circle store: what a facilitator saves is kept, whole, with its history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing as mp
import os
import signal
import sqlite3
import time
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from okanalysis.circles import CircleSession, ComponentScore, Participants
from okanalysis.circles import store as circles
from okanalysis.components import COMPONENT_CODES, COMPONENTS, GRADES, component_name
from okanalysis.contract import schema
from okanalysis.contract.dataset import Dataset
from okanalysis.core.errors import InputError, OkanalysisError

VILLAGE = "80010101"


def make_session(**changes: object) -> CircleSession:
    """A valid village circle: computed B everywhere, agreed A on leadership with a reason."""
    scores = [ComponentScore(c, "B", "B", evidence=f"หลักฐาน {c}") for c in COMPONENT_CODES]
    scores[0] = ComponentScore("leadership", "B", "A", reason="มีผู้สืบทอดครบแล้ว")
    base = CircleSession(
        unit_code=VILLAGE,
        unit_level="village",
        round="start_2551",
        date=dt.date(2008, 1, 15),
        facilitator="คุณอำนวยตำบล 1",
        components=scores,
        overall="B",
        participants=Participants(
            cores=8, villagers=22, facilitators=2, agency_staff=1, male=15, female=17, age_60_plus=9
        ),
        computed_overall="B",
        rubric_version="abc123",
        note="วงแรกของปี",
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def store(tmp_path):
    with circles.open_store(tmp_path / "circles.sqlite", create=True) as st:
        yield st


def _component_counts(path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "SELECT count(c.component) FROM sessions s"
            " LEFT JOIN session_components c ON c.session_id = s.id GROUP BY s.id"
        ).fetchall()
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    return [n for (n,) in rows]


# --- components ------------------------------------------------------------------------------
def test_five_components_with_thai_and_english_names():
    assert COMPONENT_CODES == (
        "leadership",
        "master_plan",
        "learning_centre",
        "finance_welfare",
        "standards",
    )
    assert GRADES == ("A", "B", "C")
    assert component_name("master_plan") == "แผนแม่บทชุมชนคุณภาพ"
    assert component_name("standards", "en") == "health standard and CDD community standard"
    assert all(th and en and th != en for th, en in COMPONENTS.values())


def test_one_grade_order_best_first():
    from okanalysis.core.components import GRADE_RANK, grade_rank
    from okanalysis.report.notebook import GRADE_CLASSES

    assert GRADE_RANK == {"A": 3, "B": 2, "C": 1}
    assert [grade_rank(g) for g in GRADES] == [3, 2, 1]
    assert sorted(["C", "A", "B"], key=grade_rank, reverse=True) == list(GRADES)
    assert grade_rank(None) is None and grade_rank("D") is None and grade_rank(float("nan")) is None
    assert GRADE_CLASSES == GRADES  # the report colours the same grades


# --- saving and reading ------------------------------------------------------------------------
def test_saved_session_reads_back_the_same(store):
    session = make_session()
    sid = circles.save_session(store, session)
    assert circles.load_session(store, sid) == session
    row = circles.history(store, VILLAGE).iloc[0]
    assert row["date"] == pd.Timestamp("2008-01-15")
    assert (row["participants"], row["cores"], row["female"]) == (33, 8, 17)
    assert (row["leadership_computed"], row["leadership_agreed"]) == ("B", "A")
    assert row["leadership_reason"] == "มีผู้สืบทอดครบแล้ว"
    assert row["master_plan_evidence"] == "หลักฐาน master_plan"
    assert bool(row["is_current"]) and not bool(row["superseded"])


def test_correction_keeps_both_entries_and_current_is_the_new_one(store):
    first = circles.save_session(store, make_session())
    fixed = make_session(overall="A", note="แก้ระดับรวม", supersedes=first)
    second = circles.save_session(store, fixed)
    hist = circles.history(store, VILLAGE)
    assert list(hist["id"]) == [first, second]
    assert list(hist["superseded"]) == [True, False]
    assert hist["superseded_by"].iloc[0] == second and pd.isna(hist["superseded_by"].iloc[1])
    assert list(hist["overall"]) == ["B", "A"]
    now = circles.current(store)
    assert list(now["id"]) == [second] and now["overall"].iloc[0] == "A"
    assert circles.load_session(store, first) == make_session()  # the old entry is unchanged


def test_current_is_per_unit_and_round(store):
    other = "80010102"
    a = circles.save_session(store, make_session())
    b = circles.save_session(store, make_session(round="end_2551", date=dt.date(2008, 9, 20)))
    c = circles.save_session(store, make_session(unit_code=other))
    d = circles.save_session(store, make_session(unit_code=other, overall="C"))  # a later entry
    assert sorted(circles.current(store)["id"]) == [a, b, d]
    assert list(circles.current(store, unit_code=other)["id"]) == [d]
    assert list(circles.current(store, round="end_2551")["id"]) == [b]
    assert list(circles.current(store, unit_code=VILLAGE, round="start_2551")["id"]) == [a]
    hist = circles.history(store)
    assert list(hist["id"]) == [a, b, c, d]
    assert list(hist["is_current"]) == [True, True, False, True]


# --- the agreed grade in force ---------------------------------------------------------------
def test_in_force_a_correction_supersedes_the_corrected_entry(store):
    first = circles.save_session(store, make_session())
    fixed = circles.save_session(store, make_session(overall="A", supersedes=first))
    now = circles.in_force(store)
    assert list(now["id"]) == [fixed] and now["overall"].iloc[0] == "A"
    # the same from the whole history: the superseded entry is not in force
    assert list(circles.in_force(circles.history(store))["id"]) == [fixed]


def test_in_force_is_the_latest_round_by_circle_date_then_id(store):
    other = "80010102"
    # the end-of-year circle typed in before the start-of-year one: the date decides, not the id
    end = circles.save_session(store, make_session(round="end_2551", date=dt.date(2008, 9, 20)))
    circles.save_session(store, make_session())  # start_2551, 2008-01-15, a later id
    # two rounds on the same day: the later save is in force
    circles.save_session(store, make_session(unit_code=other, round="r1"))
    same_day = circles.save_session(store, make_session(unit_code=other, round="r2"))
    now = circles.in_force(store)
    assert list(now["unit_code"]) == [VILLAGE, other]  # one row per unit, by unit code
    assert list(now["id"]) == [end, same_day]
    assert list(circles.in_force(store, unit_code=other)["id"]) == [same_day]
    assert circles.in_force(store, level="tambon").empty


def test_in_force_of_a_given_round(store, tmp_path):
    other = "80010102"
    start = circles.save_session(store, make_session())
    circles.save_session(store, make_session(round="end_2551", date=dt.date(2008, 9, 20)))
    circles.save_session(store, make_session(unit_code=other, round="end_2551"))
    now = circles.in_force(store, round="start_2551")
    assert list(now["id"]) == [start]  # a unit without that round is left out
    entries = circles.current(store)
    assert list(circles.in_force(entries, round="start_2551")["id"]) == [start]
    assert circles.in_force(entries.iloc[0:0]).empty
    # by path too, as the batch and the dashboards pass it
    assert list(circles.in_force(tmp_path / "circles.sqlite", round="start_2551")["id"]) == [start]


def test_reports_and_summaries_read_the_grade_in_force(store):
    from okanalysis.grading.change import _agreed
    from okanalysis.report.notebook import latest_agreed

    end = circles.save_session(
        store, make_session(round="end_2551", date=dt.date(2008, 9, 20), overall="A")
    )
    circles.save_session(store, make_session())  # an earlier round, saved later
    entries = circles.current(store)
    shown = latest_agreed(entries)
    assert set(shown["id"]) == {end}
    assert list(shown["component"]) == list(COMPONENT_CODES)
    agreed = _agreed(SimpleNamespace(level="village"), entries, None)  # reads only the level
    assert agreed.set_index("component").loc["overall", "agreed"] == "A"
    assert set(agreed["round"]) == {"end_2551"}


def test_a_correction_must_name_a_live_entry_of_the_same_unit_and_round(store):
    first = circles.save_session(store, make_session())
    circles.save_session(store, make_session(supersedes=first))
    with pytest.raises(OkanalysisError, match="already corrected") as err:
        circles.save_session(store, make_session(overall="C", supersedes=first))
    assert err.value.column == "supersedes"
    with pytest.raises(OkanalysisError, match="same unit and round"):
        circles.save_session(store, make_session(round="end_2551", supersedes=first + 1))
    with pytest.raises(OkanalysisError, match="does not exist"):
        circles.save_session(store, make_session(supersedes=999))
    assert len(circles.history(store)) == 2  # nothing written by the refused saves


def test_store_refuses_updates_and_deletes(store):
    circles.save_session(store, make_session())
    for sql in (
        "UPDATE sessions SET overall = 'C'",
        "DELETE FROM sessions",
        "UPDATE session_components SET agreed = 'C'",
        "DELETE FROM session_components",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.connection.execute(sql)
    assert circles.history(store)["overall"].tolist() == ["B"]


def test_component_scores_in_long_form(store):
    circles.save_session(store, make_session())
    long = circles.component_scores(circles.history(store))
    assert list(long["component"]) == list(COMPONENT_CODES)
    assert list(long["differs"]) == [True, False, False, False, False]


# --- several processes -------------------------------------------------------------------------
def _save_many(path: str, worker: int, n: int) -> None:
    with circles.open_store(path) as st:
        for i in range(n):
            circles.save_session(st, make_session(note=f"{worker}-{i}"))


def _save_forever(path: str) -> None:
    with circles.open_store(path) as st:
        i = 0
        while True:
            circles.save_session(st, make_session(note=f"loop-{i}"))
            i += 1


class _PausingConnection:
    """A connection that stops for good inside the save after `pause_after` saves, once the
    session row is written and before its components are."""

    def __init__(self, con: sqlite3.Connection, pause_after: int, paused) -> None:
        self._con, self._left, self._paused = con, pause_after, paused

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def executemany(self, sql: str, rows):
        if self._left == 0:
            self._paused.set()
            time.sleep(60)
        self._left -= 1
        return self._con.executemany(sql, rows)


def _save_then_pause(path: str, saves: int, paused) -> None:
    with circles.open_store(path) as st:
        st.connection = _PausingConnection(st.connection, saves, paused)
        for i in range(saves + 1):
            circles.save_session(st, make_session(note=f"pause-{i}"))


def _fork() -> mp.context.BaseContext:
    return mp.get_context("fork")


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "circles.sqlite"
    circles.open_store(path, create=True).close()
    procs = [_fork().Process(target=_save_many, args=(str(path), w, 25)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    hist = circles.history(path)
    expected = {f"{w}-{i}" for w in range(4) for i in range(25)}
    assert len(hist) == 100 and set(hist["note"]) == expected
    assert _component_counts(path) == [5] * 100


def test_a_writer_killed_mid_save_leaves_the_store_consistent(tmp_path):
    path = tmp_path / "circles.sqlite"
    circles.open_store(path, create=True).close()
    proc = _fork().Process(target=_save_forever, args=(str(path),))
    proc.start()
    deadline = time.monotonic() + 20
    with circles.open_store(path) as st:
        while time.monotonic() < deadline:
            if st.connection.execute("SELECT count(*) FROM sessions").fetchone()[0] >= 30:
                break
            time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL
    counts = _component_counts(path)
    assert len(counts) >= 30 and set(counts) == {5}
    with circles.open_store(path) as st:  # still usable after the crash
        circles.save_session(st, make_session(note="after"))
        assert circles.history(st)["note"].iloc[-1] == "after"


def test_a_writer_killed_between_a_session_and_its_components_leaves_no_half_entry(tmp_path):
    path = tmp_path / "circles.sqlite"
    circles.open_store(path, create=True).close()
    paused = _fork().Event()
    proc = _fork().Process(target=_save_then_pause, args=(str(path), 10, paused))
    proc.start()
    assert paused.wait(20)  # the 11th session row is written, its transaction still open
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert _component_counts(path) == [5] * 10
    assert list(circles.history(path)["note"]) == [f"pause-{i}" for i in range(10)]


# --- missing and damaged files -----------------------------------------------------------------
def _foreign_sqlite(path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE accounts (name TEXT)")
    con.execute("INSERT INTO accounts VALUES ('ของคนอื่น')")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p.write_bytes(os.urandom(8192)), id="random-bytes"),
        pytest.param(
            lambda p: p.write_bytes(b"SQLite format 3\x00" + os.urandom(4080)), id="bad-pages"
        ),
        pytest.param(_foreign_sqlite, id="other-sqlite"),
        pytest.param(lambda p: p.write_text("household,amount\nH1,100\n"), id="csv"),
    ],
)
@pytest.mark.parametrize("create", [False, True])
def test_a_file_that_is_not_a_store_is_refused_and_left_untouched(tmp_path, make, create):
    path = tmp_path / "circles.sqlite"
    make(path)
    before = path.read_bytes()
    with pytest.raises(InputError, match="not an okanalysis circle store") as err:
        circles.open_store(path, create=create)
    assert err.value.file == str(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["circles.sqlite"]


def test_a_missing_file_is_created_only_when_asked(tmp_path):
    path = tmp_path / "sub" / "circles.sqlite"
    with pytest.raises(InputError, match="not found"):
        circles.open_store(path)
    with pytest.raises(InputError, match="not found"):
        circles.history(path)
    assert not path.exists()
    circles.open_store(path, create=True).close()
    assert circles.history(path).empty
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA application_id").fetchone()[0] == circles.APPLICATION_ID
    assert con.execute("PRAGMA user_version").fetchone()[0] == circles.SCHEMA_VERSION
    con.close()


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "circles.sqlite"
    circles.open_store(path, create=True).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {circles.SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(InputError, match="upgrade okanalysis"):
        circles.open_store(path)


def test_default_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("OKANALYSIS_CIRCLES", str(tmp_path / "x.sqlite"))
    assert circles.default_path() == tmp_path / "x.sqlite"
    monkeypatch.delenv("OKANALYSIS_CIRCLES")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    assert circles.default_path() == tmp_path / "data" / "circles.sqlite"


# --- checking input ----------------------------------------------------------------------------
def _with_score(i: int, **changes: object) -> list[ComponentScore]:
    scores = list(make_session().components)
    scores[i] = dataclasses.replace(scores[i], **changes)
    return scores


BAD = {
    "overall grade D": (dict(overall="D"), "overall"),
    "computed overall grade": (dict(computed_overall="E"), "computed_overall"),
    "agreed grade": (dict(components=_with_score(1, agreed="X")), "master_plan_agreed"),
    "computed grade": (dict(components=_with_score(2, computed="4")), "learning_centre_computed"),
    "missing component": (dict(components=make_session().components[:4]), "components"),
    "repeated component": (
        dict(components=[*make_session().components, make_session().components[0]]),
        "component",
    ),
    "unknown component": (
        dict(components=[*make_session().components, ComponentScore("budget", "A", "A")]),
        "component",
    ),
    "no reason for a difference": (
        dict(components=_with_score(3, agreed="A", reason="  ")),
        "finance_welfare_reason",
    ),
    "no reason when nothing was computed": (
        dict(components=_with_score(4, computed=None, agreed="B")),
        "standards_reason",
    ),
    "village code too short": (dict(unit_code="800101"), "unit_code"),
    "unknown level": (dict(unit_level="province"), "unit_level"),
    "impossible date": (dict(date="2008-02-30"), "date"),
    "Buddhist-era year": (dict(date=dt.date(2551, 1, 15)), "date"),
    "date in the future": (dict(date=dt.date.today() + dt.timedelta(days=30)), "date"),
    "not a date": (dict(date=20080115), "date"),
    "negative count": (dict(participants=Participants(cores=-1, villagers=5)), "cores"),
    "fractional count": (dict(participants=Participants(cores=8, villagers=2.5)), "villagers"),
    "no one took part": (dict(participants=Participants()), "participants"),
    "more by gender than by role": (dict(participants=Participants(cores=3, female=4)), "male"),
    "more by age than by role": (
        dict(participants=Participants(cores=3, age_45_59=4)),
        "age_under_25",
    ),
    "empty round": (dict(round="  "), "round"),
    "no facilitator": (dict(facilitator=""), "facilitator"),
    "supersedes not an id": (dict(supersedes="1"), "supersedes"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_bad_input_is_refused_with_its_column(store, case):
    changes, column = BAD[case]
    session = make_session(**changes)
    problems = circles.check_session(session)
    assert [p.column for p in problems] == [column]
    assert problems[0].expected_th and problems[0].expected_en
    with pytest.raises(OkanalysisError) as err:
        circles.save_session(store, session)
    assert err.value.column == column
    assert circles.history(store).empty


def test_grades_are_normalised_and_equal_grades_need_no_reason(store):
    scores = [ComponentScore(c, "a", " A ") for c in COMPONENT_CODES]
    sid = circles.save_session(
        store, make_session(components=scores, overall="b", date="2008-01-15")
    )
    saved = circles.load_session(store, sid)
    assert saved.overall == "B" and {s.agreed for s in saved.components} == {"A"}
    assert saved.date == dt.date(2008, 1, 15)


def test_units_outside_the_province_data_are_refused(store):
    villages = pd.DataFrame({f.column: [] for f in schema.TABLES["villages"].fields}).astype(
        {f.column: schema.column_dtype(f) for f in schema.TABLES["villages"].fields}
    )
    villages.loc[0] = [VILLAGE, "800101", "8001", 1, "บ้านหนึ่ง", "Ban Nueng", 120, 480]
    zones = pd.DataFrame({"zone_id": ["Z1"], "name_th": ["โซนเหนือ"], "tambon_code": ["800101"]})
    ds = Dataset(tables={"villages": villages, "zones": zones})
    for code, level in (
        (VILLAGE, "village"),
        ("800101", "tambon"),
        ("8001", "amphoe"),
        ("Z1", "zone"),
    ):
        assert circles.check_session(make_session(unit_code=code, unit_level=level), units=ds) == []
    for code, level in (("80010199", "village"), ("800199", "tambon"), ("Z9", "zone")):
        problems = circles.check_session(make_session(unit_code=code, unit_level=level), units=ds)
        assert [(p.column, p.value) for p in problems] == [("unit_code", code)]
    with pytest.raises(OkanalysisError, match="not in the province"):
        circles.save_session(store, make_session(), units={"80010102"})
    assert circles.save_session(store, make_session(), units={VILLAGE}) == 1


# --- export and backup -------------------------------------------------------------------------
def _two_entries(store) -> tuple[int, int]:
    first = circles.save_session(store, make_session())
    return first, circles.save_session(store, make_session(overall="A", supersedes=first))


def test_export_csv_has_every_entry_with_thai_headers_and_buddhist_era_dates(store, tmp_path):
    _two_entries(store)
    out = circles.export(store, tmp_path / "out" / "circles.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel on Thai Windows reads it as UTF-8
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert len(table) == 2
    assert list(table["รหัสพื้นที่"]) == [VILLAGE, VILLAGE]
    assert list(table["วันที่จัดวง"]) == ["15 ม.ค. 2551"] * 2
    assert list(table["สถานะ"]) == ["ถูกแก้ไขแล้ว", "ใช้อยู่"]
    assert list(table["ระดับรวมที่วงตกลง"]) == ["B", "A"]
    assert table["ทีมผู้นำคุณภาพและการสืบทอด: เหตุผลที่ต่าง"].iloc[0] == "มีผู้สืบทอดครบแล้ว"
    en = pd.read_csv(circles.export(store, tmp_path / "en.csv", lang="en"), dtype=str)
    assert list(en["date of the circle"]) == ["15 Jan 2008"] * 2


def test_export_xlsx_has_the_entries_in_force_and_all_entries(store, tmp_path):
    _first, second = _two_entries(store)
    out = circles.export(store, tmp_path / "circles.xlsx")
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["ผลที่ใช้อยู่", "ทุกรายการ"]
    in_force = list(book["ผลที่ใช้อยู่"].values)
    everything = list(book["ทุกรายการ"].values)
    header = in_force[0]
    # entries are named by UUID: an entry id is its store's own and differs between stores
    assert header[0] == "รหัสรายการ (UUID)" and "แผนแม่บทชุมชนคุณภาพ: ระดับที่วงตกลง" in header
    second_uuid = circles.history(store).set_index("id").loc[second, "uuid"]
    assert [r[0] for r in in_force[1:]] == [second_uuid]
    assert len(everything) == 3
    book.close()


def test_export_refuses_other_formats(store, tmp_path):
    with pytest.raises(InputError, match=r"\.xlsx or \.csv"):
        circles.export(store, tmp_path / "circles.pdf")


def test_backup_is_a_readable_store_with_the_same_rows(store, tmp_path):
    _two_entries(store)
    out = circles.backup(store, tmp_path / "backup" / "circles-2551.sqlite")
    assert not out.with_name(out.name + "-wal").exists()  # one self-contained file
    pd.testing.assert_frame_equal(circles.history(out), circles.history(store))
    circles.save_session(store, make_session(round="end_2551"))
    circles.backup(store.path, out)  # an earlier backup is replaced, also when given a path
    assert len(circles.history(out)) == 3


def test_backup_never_overwrites_another_file_or_the_store(store, tmp_path):
    other = tmp_path / "report.xlsx"
    other.write_bytes(b"PK\x03\x04 not a store")
    with pytest.raises(InputError, match="not an okanalysis circle store"):
        circles.backup(store, other)
    assert other.read_bytes() == b"PK\x03\x04 not a store"
    with pytest.raises(InputError, match="the store itself"):
        circles.backup(store, store.path)
