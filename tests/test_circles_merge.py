"""Circle records that merge: entries known by UUID travel between stores (laptops, packs) and
come together without duplicates, in any order, without touching the sources; entries of one
unit and round that nothing supersedes are in conflict until a new entry supersedes them all."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import multiprocessing as mp
import os
import shutil
import signal
import sqlite3
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okanalysis.circles import action_plan
from okanalysis.circles import store as circles
from okanalysis.cli import EXIT_ERROR, main
from okanalysis.core.errors import InputError
from tests.test_circles import VILLAGE, _component_counts, _foreign_sqlite, make_session

OTHER = "80010102"


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _store(path: Path, *sessions: circles.CircleSession) -> Path:
    with circles.open_store(path, create=True) as st:
        for s in sessions:
            circles.save_session(st, s)
    return path


# --- a store written by the version before migration 2 -----------------------------------------
def _v1_store(path: Path) -> dict[str, int]:
    """A store as okanalysis wrote it before entries had UUIDs: only the first migration, and
    entries inserted as its `save_session` did (a correction names the corrected entry's id)."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    for statement in circles.MIGRATIONS[0]:
        con.execute(statement)
    con.execute(f"PRAGMA application_id = {circles.APPLICATION_ID}")
    con.execute("PRAGMA user_version = 1")
    con.execute("COMMIT")
    con.execute("PRAGMA journal_mode = WAL")

    def save(session: circles.CircleSession, minute: int) -> int:
        row = {
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
            "created_at": f"2008-01-15T03:{minute:02d}:00.000000+00:00",
            "supersedes": session.supersedes,
        }
        con.execute("BEGIN IMMEDIATE")
        sid = con.execute(
            f"INSERT INTO sessions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        ).lastrowid
        con.executemany(
            "INSERT INTO session_components VALUES (?, ?, ?, ?, ?, ?)",
            [
                (sid, c.component, c.computed, c.agreed, c.reason, c.evidence)
                for c in session.components
            ],
        )
        con.execute("COMMIT")
        return sid

    ids = {"first": save(make_session(), 1)}
    ids["fixed"] = save(make_session(overall="A", supersedes=ids["first"]), 2)
    ids["older"] = save(make_session(unit_code=OTHER), 3)
    ids["later"] = save(make_session(unit_code=OTHER, overall="C"), 4)  # replaced, not corrected
    ids["end"] = save(make_session(round="end_2551", date=dt.date(2008, 9, 20)), 5)
    ids["twin"] = save(make_session(round="end_2551", date=dt.date(2008, 9, 20)), 5)  # identical
    con.close()
    return ids


def test_a_store_written_by_the_previous_version_migrates_keeping_every_entry(tmp_path):
    ids = _v1_store(tmp_path / "laptop.sqlite")
    shutil.copy(tmp_path / "laptop.sqlite", tmp_path / "copy.sqlite")
    hist = circles.history(tmp_path / "laptop.sqlite")  # migrates in place
    copy = circles.history(tmp_path / "copy.sqlite")
    assert len(hist) == 6 and _component_counts(tmp_path / "laptop.sqlite") == [5] * 6
    assert hist["uuid"].is_unique  # the identical twins stay two entries
    # the same UUIDs and store ids in both copies: derived from the content, not at random
    pd.testing.assert_series_equal(hist["uuid"], copy["uuid"])
    pd.testing.assert_series_equal(hist["store_id"], copy["store_id"])
    assert hist["store_id"].nunique() == 1
    with (
        circles.open_store(tmp_path / "laptop.sqlite") as a,
        circles.open_store(tmp_path / "copy.sqlite") as b,
    ):
        assert a.store_id != b.store_id  # each copy is now a store of its own
    by_id = hist.set_index("id")
    # what was in force is still in force; the implicit replacement is now written down
    status = {k: by_id.loc[v, "status"] for k, v in ids.items()}
    assert status == {
        "first": "superseded",
        "fixed": "current",
        "older": "older",
        "later": "current",
        "end": "older",
        "twin": "current",
    }
    assert by_id.loc[ids["fixed"], "supersedes_uuid"] == by_id.loc[ids["first"], "uuid"]
    assert not hist["in_conflict"].any()
    assert by_id.loc[ids["first"], "created_at"] == pd.Timestamp("2008-01-15T03:01:00Z")
    fixed = circles.load_session(tmp_path / "laptop.sqlite", ids["fixed"])
    assert fixed == make_session(overall="A", supersedes=ids["first"])
    # and the two copies merge without duplicates
    result = circles.merge([tmp_path / "copy.sqlite"], tmp_path / "laptop.sqlite")
    assert (result.added, result.already, result.conflicts) == (0, 6, ())


def test_an_old_source_is_read_through_a_migrated_copy_and_never_changed(tmp_path):
    source = tmp_path / "old.sqlite"
    _v1_store(source)
    before, files = _sha(source), sorted(os.listdir(tmp_path))
    result = circles.merge([source], tmp_path / "office.sqlite")
    assert (result.added, result.already) == (6, 0)
    assert _sha(source) == before
    assert sorted(os.listdir(tmp_path)) == sorted([*files, "office.sqlite"])
    con = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1  # not migrated in place
    con.close()
    # the entries are those the source gives once migrated
    migrated = tmp_path / "migrated.sqlite"
    shutil.copy(source, migrated)
    cols = ["uuid", "store_id", "status", "created_at", "supersedes_uuid"]
    pd.testing.assert_frame_equal(
        circles.history(tmp_path / "office.sqlite")[cols], circles.history(migrated)[cols]
    )


# --- merging --------------------------------------------------------------------------------------
def test_merging_is_idempotent_and_keeps_identity_and_created_at(tmp_path):
    laptop = _store(
        tmp_path / "laptop.sqlite",
        make_session(),
        make_session(unit_code=OTHER),
        make_session(round="end_2551", date=dt.date(2008, 9, 20)),
    )
    before = _sha(laptop)
    office = tmp_path / "office" / "circles.sqlite"
    first = circles.merge([laptop], office)
    assert (first.added, first.already, first.conflicts, first.in_conflict) == (3, 0, (), 0)
    again = circles.merge([laptop, laptop], office)  # the same file twice adds nothing
    assert (again.added, again.already) == (0, 6)
    assert _sha(laptop) == before
    cols = ["uuid", "store_id", "created_at", "status", "overall"]
    pd.testing.assert_frame_equal(circles.history(office)[cols], circles.history(laptop)[cols])
    with circles.open_store(laptop) as st:
        assert set(circles.history(office)["store_id"]) == {st.store_id}
    # a correction saved at the office travels back to the laptop and supersedes there too
    first_uuid = circles.history(office, VILLAGE)["uuid"].iloc[0]
    circles.save_session(office, make_session(overall="A", supersedes=first_uuid))
    back = circles.merge([office], laptop)
    assert (back.added, back.already) == (1, 3)
    now = circles.current(laptop, VILLAGE, "start_2551")
    assert list(now["overall"]) == ["A"] and now["supersedes_uuid"].iloc[0] == first_uuid


def test_a_source_being_written_with_its_log_is_read_and_left_alone(tmp_path):
    laptop = _store(tmp_path / "laptop.sqlite", make_session())
    with circles.open_store(laptop) as open_one:  # a dashboard has it open: a -wal beside it
        circles.save_session(open_one, make_session(unit_code=OTHER))
        assert laptop.with_name("laptop.sqlite-wal").exists()
        before = _sha(laptop)
        result = circles.merge([laptop], tmp_path / "office.sqlite")
        assert result.added == 2  # the saves still in the log are read too
        assert _sha(laptop) == before


def _action(unit: str, step: int) -> action_plan.Action:
    return action_plan.Action(
        unit_code=unit,
        round="start_2551",
        date=dt.date(2008, 1, 15),
        component="standards",
        what=f"step {step}",
        lead_role="core",
        start=dt.date(2008, 2, 1),
        end=dt.date(2008, 5, 31),
        cost="1,000",
        households=step,
    )


def _history_set(path: Path) -> pd.DataFrame:
    cols = ["uuid", "store_id", "created_at", "status", "in_conflict", "supersedes_uuid"]
    return circles.history(path)[cols].sort_values("uuid").reset_index(drop=True)


PLAN = st.lists(
    st.tuples(
        st.sampled_from(["save", "correct", "share", "act", "mark"]),
        st.integers(0, 2),  # the store
        st.integers(0, 2),  # the unit, or the store shared from
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=PLAN, order=st.permutations([0, 1, 2]), one_call=st.booleans())
def test_any_order_of_merging_gives_the_same_entries(plan, order, one_call):
    units = [VILLAGE, OTHER, "80010103"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stores = [folder / f"s{i}.sqlite" for i in range(3)]
        for path in stores:
            circles.open_store(path, create=True).close()
        for step, (kind, i, j) in enumerate(plan):
            if kind == "share":  # a pack carried from one laptop to another
                if i != j:
                    circles.merge([stores[j]], stores[i])
                continue
            if kind == "act":  # an action of the circle's action plan
                action_plan.save_action(stores[i], _action(units[j], step))
                continue
            if kind == "mark":  # a later circle says what happened to the latest one
                found = action_plan.actions(stores[i], units[j])
                if not found.empty:
                    action_plan.save_action_update(
                        stores[i], found["uuid"].iloc[-1], "done", f"step {step}", date="2008-06-01"
                    )
                continue
            session = make_session(unit_code=units[j], note=f"step {step}")
            if kind == "correct":
                now = circles.current(stores[i], units[j], "start_2551")
                if now.empty:
                    continue
                session = dataclasses.replace(session, supersedes=now["uuid"].iloc[0])
            circles.save_session(stores[i], session)
        hashes = [_sha(p) for p in stores]
        plain = folder / "plain.sqlite"
        circles.merge(stores, plain)
        shuffled = folder / "shuffled.sqlite"
        if one_call:
            circles.merge([stores[k] for k in order], shuffled)
        else:
            for k in order:
                circles.merge([stores[k]], shuffled)
        assert [_sha(p) for p in stores] == hashes  # sources never change
        pd.testing.assert_frame_equal(_history_set(plain), _history_set(shuffled))
        total = set().union(*(set(circles.history(p)["uuid"]) for p in stores))
        assert set(circles.history(plain)["uuid"]) == total  # nothing lost, nothing doubled
        a = circles.export(plain, folder / "plain.csv").read_bytes()
        b = circles.export(shuffled, folder / "shuffled.csv").read_bytes()
        assert a == b
        # the action plans too: the same actions, the same states, the same export
        acts = [action_plan.actions(p).drop(columns="id") for p in (plain, shuffled)]
        pd.testing.assert_frame_equal(*acts)
        every = set().union(*(set(action_plan.actions(p)["uuid"]) for p in stores))
        assert set(acts[0]["uuid"]) == every
        action_plan.export(plain, folder / "plain-all.csv")
        action_plan.export(shuffled, folder / "shuffled-all.csv")
        for part in ("actions", "action-updates"):
            assert (folder / f"plain-all-{part}.csv").read_bytes() == (
                folder / f"shuffled-all-{part}.csv"
            ).read_bytes()
        again = circles.merge(stores, shuffled)
        assert (again.added, again.actions_added, again.updates_added) == (0, 0, 0)


def test_two_stores_merged_in_either_order_export_the_same_csv(tmp_path):
    a = _store(tmp_path / "a.sqlite", make_session(note="a"), make_session(unit_code=OTHER))
    b = _store(tmp_path / "b.sqlite", make_session(note="b"))
    circles.merge([a, b], tmp_path / "ab.sqlite")
    circles.merge([b], tmp_path / "ba.sqlite")
    circles.merge([a], tmp_path / "ba.sqlite")
    ids = [
        circles.history(tmp_path / n).set_index("uuid")["id"] for n in ("ab.sqlite", "ba.sqlite")
    ]
    assert not ids[0].sort_index().equals(ids[1].sort_index())  # each store numbers its own
    for lang in ("th", "en"):
        ab = circles.export(tmp_path / "ab.sqlite", tmp_path / f"ab-{lang}.csv", lang=lang)
        ba = circles.export(tmp_path / "ba.sqlite", tmp_path / f"ba-{lang}.csv", lang=lang)
        assert ab.read_bytes() == ba.read_bytes()
    table = pd.read_csv(tmp_path / "ab-en.csv", dtype=str, keep_default_na=False)
    assert table["entry UUID"].is_unique and table["entry UUID"].str.len().eq(36).all()
    with circles.open_store(a) as sa, circles.open_store(b) as sb:
        assert set(table["first saved in store (id)"]) == {sa.store_id, sb.store_id}


# --- a merge that is stopped part-way ------------------------------------------------------------
def _failing_after(n: int, monkeypatch) -> None:
    real = circles._insert_entry
    calls = {"n": 0}

    def insert(*args, **kwargs):
        if calls["n"] == n:
            raise RuntimeError("power cut")
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(circles, "_insert_entry", insert)


def _many(path: Path, n: int, note: str) -> Path:
    return _store(
        path, *(make_session(unit_code=f"800101{i + 1:02d}", note=note) for i in range(n))
    )


def test_a_merge_that_fails_part_way_leaves_the_target_as_it_was(tmp_path, monkeypatch):
    office = _many(tmp_path / "office.sqlite", 2, "office")
    laptop = _many(tmp_path / "laptop.sqlite", 6, "laptop")
    before = circles.history(office)
    _failing_after(3, monkeypatch)
    with pytest.raises(RuntimeError, match="power cut"):
        circles.merge([laptop], office)
    pd.testing.assert_frame_equal(circles.history(office), before)
    with pytest.raises(RuntimeError, match="power cut"):  # a new target is not left half made
        circles.merge([laptop], tmp_path / "new.sqlite")
    assert sorted(os.listdir(tmp_path)) == ["laptop.sqlite", "office.sqlite"]
    monkeypatch.undo()
    assert circles.merge([laptop], office).added == 6
    assert len(circles.history(office)) == 8 and _component_counts(office) == [5] * 8


def _merge_then_hang(sources: list[str], into: str, after: int, paused) -> None:
    real = circles._insert_entry
    calls = {"n": 0}

    def insert(*args, **kwargs):
        if calls["n"] == after:
            paused.set()
            time.sleep(60)
        calls["n"] += 1
        return real(*args, **kwargs)

    circles._insert_entry = insert
    circles.merge(sources, into)


@pytest.mark.parametrize("target_exists", [True, False])
def test_a_merge_killed_part_way_leaves_the_target_as_it_was_or_fully_merged(
    tmp_path, target_exists
):
    laptop = _many(tmp_path / "laptop.sqlite", 10, "laptop")
    office = tmp_path / "office.sqlite"
    if target_exists:
        _many(office, 3, "office")
    before = circles.history(office) if target_exists else None
    ctx = mp.get_context("fork")
    paused = ctx.Event()
    proc = ctx.Process(target=_merge_then_hang, args=([str(laptop)], str(office), 5, paused))
    proc.start()
    assert paused.wait(30)  # five entries written, the transaction still open
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL
    if target_exists:
        pd.testing.assert_frame_equal(circles.history(office), before)
    else:
        assert not office.exists()
    result = circles.merge([laptop], office)  # run again: fully merged
    assert result.added == 10
    assert len(circles.history(office)) == 10 + 3 * target_exists
    assert set(_component_counts(office)) == {5}


# --- conflicts ------------------------------------------------------------------------------------
def test_entries_saved_apart_are_in_conflict_and_the_command_prints_each(tmp_path, capsys):
    a = _store(tmp_path / "a.sqlite", make_session(note="laptop a"), make_session(unit_code=OTHER))
    b = _store(tmp_path / "b.sqlite", make_session(note="laptop b", overall="A"))
    office = tmp_path / "office.sqlite"
    code = main(["--quiet", "circles", "merge", str(a), str(b), "--into", str(office)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[:-1] == [f"conflict / ขัดแย้ง: {VILLAGE} start_2551"]
    assert "3 added, 0 already there, 2 in conflict" in out[-1]
    assert "เพิ่ม 3 รายการ" in out[-1]
    # the store says which unit and round is in conflict
    found = circles.conflicts(office)
    assert list(found["note"]) == ["laptop a", "laptop b"]
    assert set(found["status"]) == {"conflict"}
    now = circles.current(office)
    assert len(now) == 2  # still one row per unit and round ...
    mark = now.set_index("unit_code")["in_conflict"]
    assert bool(mark[VILLAGE]) and not bool(mark[OTHER])  # ... marked when contested
    assert now.set_index("unit_code").loc[VILLAGE, "note"] == "laptop b"  # the latest
    assert bool(circles.in_force(office, unit_code=VILLAGE)["in_conflict"].iloc[0])
    table = pd.read_csv(circles.export(office, tmp_path / "o.csv"), dtype=str, encoding="utf-8-sig")
    assert list(table["สถานะ"]) == ["ขัดแย้ง", "ขัดแย้ง", "ใช้อยู่"]
    # merging again reports the conflict again, and adds nothing
    main(["--quiet", "circles", "merge", str(b), "--into", str(office)])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"conflict / ขัดแย้ง: {VILLAGE} start_2551"
    assert "0 added, 1 already there, 2 in conflict" in out[-1]


def test_a_new_entry_superseding_all_resolves_the_conflict(tmp_path):
    a = _store(tmp_path / "a.sqlite", make_session(note="a"))
    b = _store(tmp_path / "b.sqlite", make_session(note="b"))
    office = tmp_path / "office.sqlite"
    circles.merge([a, b], office)
    contested = set(circles.conflicts(office)["uuid"])
    assert len(contested) == 2
    circles.save_session(office, make_session(note="agreed at the district"))
    assert circles.conflicts(office).empty
    now = circles.current(office, VILLAGE)
    assert list(now["note"]) == ["agreed at the district"] and not now["in_conflict"].any()
    assert set(now["supersedes_uuid"].iloc[0].split()) == contested
    # the resolution travels: a laptop that merges it back has no conflict either
    assert circles.merge([office], a).added == 2
    assert circles.conflicts(a).empty


def test_correcting_one_entry_in_conflict_supersedes_them_all(tmp_path):
    a = _store(tmp_path / "a.sqlite", make_session(note="a"))
    b = _store(tmp_path / "b.sqlite", make_session(note="b"))
    office = tmp_path / "office.sqlite"
    circles.merge([a, b], office)
    one, other = circles.conflicts(office)["uuid"]
    circles.save_session(office, make_session(note="fixed", supersedes=one))
    hist = circles.history(office).set_index("uuid")
    assert hist.loc[one, "status"] == "superseded" and hist.loc[other, "status"] == "older"
    assert circles.conflicts(office).empty
    assert circles.load_session(office, hist.index[-1]).supersedes == int(hist.loc[one, "id"])


def test_two_corrections_of_one_entry_are_a_conflict(tmp_path):
    shared = _store(tmp_path / "shared.sqlite", make_session())
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    circles.backup(shared, a)
    circles.backup(shared, b)
    first = circles.history(shared)["uuid"].iloc[0]
    circles.save_session(a, make_session(overall="A", note="a", supersedes=first))
    circles.save_session(b, make_session(overall="C", note="b", supersedes=first))
    result = circles.merge([a, b], tmp_path / "office.sqlite")
    assert (result.added, result.already) == (3, 1)
    assert result.conflicts == ((VILLAGE, "start_2551"),) and result.in_conflict == 2
    found = circles.conflicts(tmp_path / "office.sqlite")
    assert list(found["note"]) == ["a", "b"] and set(found["supersedes_uuid"]) == {first}


# --- what is not a circle store ------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p: p.write_bytes(os.urandom(8192)), id="random-bytes"),
        pytest.param(lambda p: p.write_text("household,amount\nH1,100\n"), id="csv"),
        pytest.param(_foreign_sqlite, id="other-sqlite"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
    ],
)
def test_a_file_that_is_not_a_circle_store_is_refused_and_left_untouched(tmp_path, make, capsys):
    good = _store(tmp_path / "good.sqlite", make_session())
    bad = tmp_path / "pack.sqlite"
    make(bad)
    before = bad.read_bytes()
    files = sorted(os.listdir(tmp_path))
    with pytest.raises(InputError, match="not an okanalysis circle store") as err:
        circles.merge([good, bad], tmp_path / "office.sqlite")
    assert err.value.file == str(bad)
    assert bad.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == files  # no target made, nothing written beside
    code = main(["--quiet", "circles", "merge", str(bad), "--into", str(good)])
    text = capsys.readouterr().err
    assert code == EXIT_ERROR and "not an okanalysis circle store" in text and str(bad) in text
    assert bad.read_bytes() == before and len(circles.history(good)) == 1


def test_a_target_that_is_not_a_circle_store_is_refused_and_left_untouched(tmp_path):
    good = _store(tmp_path / "good.sqlite", make_session())
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"PK\x03\x04 not a store")
    with pytest.raises(InputError, match="not an okanalysis circle store"):
        circles.merge([good], target)
    assert target.read_bytes() == b"PK\x03\x04 not a store"


def test_the_merge_command_needs_a_target(tmp_path, capsys):
    good = _store(tmp_path / "good.sqlite", make_session())
    assert main(["--quiet", "circles", "merge", str(good)]) == EXIT_ERROR
    assert "--into" in capsys.readouterr().err
    assert main(["--quiet", "circles", "export", "a.csv", "b.csv"]) == EXIT_ERROR
    assert "one output file" in capsys.readouterr().err
