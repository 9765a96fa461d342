"""The DuckDB engine of `results.build`: the ledger checked and summed by DuckDB over the
Parquet files, never held in pandas, with results equal to the pandas engine's, satang for
satang; the same rows rejected with the same problems; the settings refused by name."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from okanalysis import cli, results
from okanalysis.core.errors import InputError, OkanalysisError
from okanalysis.loading import duck, io, validate
from okanalysis.results.store import Results


def _read(r: Results, name: str) -> pd.DataFrame | str:
    try:
        return r.table(name)
    except OkanalysisError as exc:  # NothingToShow: the same reason in both
        return f"{type(exc).__name__}: {exc}"


def assert_same_results(a: Results, b: Results) -> None:
    """Every table equal, exactly (rows, columns, dtypes, values), after sorting the rows."""
    assert set(a.tables) == set(b.tables) == set(results.TABLE_NAMES)
    for name in results.TABLE_NAMES:
        x, y = _read(a, name), _read(b, name)
        if isinstance(x, str) or isinstance(y, str):
            assert x == y, name
            continue
        assert list(x.columns) == list(y.columns), name
        assert len(x) == len(y), name
        order = list(x.columns)
        x = x.sort_values(order, kind="stable").reset_index(drop=True)
        y = y.sort_values(order, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)
    for field in ("fiscal_year", "fiscal_years", "districts", "problems", "province", "faults"):
        assert a.manifest[field] == b.manifest[field], field
    assert a.manifest["fingerprints"] == b.manifest["fingerprints"]
    assert a.manifest["headlines"] == b.manifest["headlines"]


@pytest.fixture(scope="module")
def both(demo_parquet, tmp_path_factory):
    root = tmp_path_factory.mktemp("engines")
    a = results.build(demo_parquet, out=root / "pandas")
    b = results.build(
        demo_parquet, out=root / "duckdb", engine="duckdb", memory_limit="64MB", threads=1
    )
    return a, b


def test_both_engines_give_the_same_tables_satang_for_satang(both):
    a, b = both
    assert not a.reused and not b.reused
    assert a.key == b.key  # the engine is not part of the key: the results are the same
    assert_same_results(a, b)
    assert a.manifest["engine"] == {"name": "pandas"}
    assert b.manifest["engine"] == {"name": "duckdb", "memory_limit": "64MB", "threads": 1}
    assert b.manifest["seconds"]["ledger"] >= 0


def test_a_folder_built_by_either_engine_is_reused_by_the_other(both):
    _, b = both
    again = results.build(
        Path(b.manifest["source"]), out=b.path.parent, engine="pandas", memory_limit=None
    )
    assert again.reused and again.path == b.path
    assert again.manifest["engine"]["name"] == "duckdb"  # says which engine built it


def test_the_duckdb_engine_never_reads_the_ledger_in_pandas(demo_parquet, tmp_path, monkeypatch):
    from okanalysis.topics import ledger

    def refuse(*args, **kwargs):
        raise AssertionError("the ledger was read in pandas")

    real_read = io._read_parquet

    def read_parquet(path, table):
        if table == "ledger":
            refuse()
        return real_read(path, table)

    real_parse = validate._parse_table

    def parse_table(raw, col):
        if raw.name == "ledger":
            refuse()
        return real_parse(raw, col)

    monkeypatch.setattr(ledger, "_build_cube", refuse)
    monkeypatch.setattr(io, "_read_parquet", read_parquet)
    monkeypatch.setattr(validate, "_parse_table", parse_table)
    with pytest.raises(AssertionError, match="read in pandas"):  # the patches bite
        results.build(demo_parquet, out=tmp_path / "pandas")
    r = results.build(demo_parquet, out=tmp_path / "duckdb", engine="duckdb", threads=1)
    assert not r.manifest["faults"]
    households = r.table(results.HOUSEHOLDS)
    assert len(households) and households["income_satang"].sum() > 0
    assert len(r.table(results.OPPORTUNITIES)) and len(r.table(results.ROLLUP))
    # the untrusted path (every row checked in SQL) does not read it in pandas either
    copy = tmp_path / "untrusted"
    shutil.copytree(demo_parquet, copy)
    (copy / io.MANIFEST).unlink()
    r = results.build(copy, out=tmp_path / "duckdb2", engine="duckdb", threads=1)
    assert not r.manifest["faults"] and len(r.table(results.HOUSEHOLDS))


def test_duckdb_spills_into_the_results_root_and_cleans_up(demo_parquet, tmp_path, monkeypatch):
    seen = {}
    real = duck.connect

    def connect(**kwargs):
        seen.update(kwargs)
        con = real(**kwargs)
        seen["setting"] = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
        return con

    monkeypatch.setattr(duck, "connect", connect)
    root = tmp_path / "root"
    results.build(
        demo_parquet, out=root, engine="duckdb", memory_limit="100MB", threads=2, force=True
    )
    temp = Path(seen["temp_directory"])
    assert temp.parent == root and Path(seen["setting"]) == temp
    assert seen["memory_limit"] == "100MB" and seen["threads"] == 2
    assert not temp.exists()


# --- the yearly pass ---------------------------------------------------------------------------


def _sql_dataset(ds, con):
    """`ds` with its ledger handed to DuckDB: a Dataset whose ledger is an SqlLedger."""
    from okanalysis.topics.ledger_sql import SqlLedger

    con.register("hand_ledger", ds.ledger)
    out = ds.replace(ledger=ds.ledger.iloc[0:0])
    out.ledger_source = SqlLedger(con, "hand_ledger")
    return out


@pytest.mark.parametrize("policy", ["count_once", "keep"])
def test_the_yearly_pass_equals_the_cube_with_months_entered_two_three_and_four_times(
    policy, monkeypatch
):
    """The DuckDB engine sums years straight from the ledger, never building the month
    cube; a month entered twice, three or four times counts as the cube counts it (three
    times: the XOR of its entries is not 0, so it is found by having three times the entries
    of the household's usual month)."""
    import datetime as dt

    import duckdb

    from okanalysis.topics import ledger
    from okanalysis.topics.ledger_sql import SqlLedger
    from tests.test_ledger import _as_mapping, hand_dataset

    ds = hand_dataset()
    frame = ds.ledger
    # TWICE's March entered three times and May four times, and an entry in another year
    twice = frame[frame["household_id"] == "TWICE"]
    march, may = twice[twice["date"].dt.month == 3], twice[twice["date"].dt.month == 5]
    extra = [march.assign(entry_id=march["entry_id"] + s) for s in ("c", "d")]
    extra += [may.assign(entry_id=may["entry_id"] + s) for s in ("c", "d", "e")]
    late = frame.iloc[[0]].assign(entry_id="LATE", date=pd.Timestamp(dt.date(2009, 11, 2)))
    ds = ds.replace(ledger=pd.concat([frame, *extra, late], ignore_index=True))
    th = {
        **_as_mapping(ledger.read_thresholds()),
        "repeated_month": {"min_entries": 5, "policy": policy},
    }
    con = duckdb.connect()
    try:
        sql = _sql_dataset(ds, con)
        with monkeypatch.context() as patched:  # the years never build the month cube
            patched.setattr(SqlLedger, "cube", lambda *a: pytest.fail("the cube was built"))
            got = ledger.household_summary(sql, "year", thresholds=th)
        want = ledger.household_summary(ds, "year", thresholds=th)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        want = ledger.household_summary(ds, "month", thresholds=th)
        got = ledger.household_summary(sql, "month", thresholds=th)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        years = ledger.household_summary(sql, thresholds=th).set_index(
            ["household_id", "fiscal_year"]
        )
        assert years.loc[("TWICE", 2551), "repeated_months"] == 3
        once = policy == "count_once"
        assert years.loc[("TWICE", 2551), "income_satang"] == (12 if once else 18) * 5000_00
        assert ledger.repeated_months(sql, thresholds=th)["copies"].tolist() == [2, 3, 4]
        assert ledger.fiscal_years(sql) == [2551, 2553]
        pd.testing.assert_frame_equal(
            ledger.repeated_months(sql, thresholds=th), ledger.repeated_months(ds, thresholds=th)
        )
    finally:
        con.close()


# --- rejected rows -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_ledger(demo_parquet, tmp_path_factory) -> Path:
    """The demo with deliberately bad ledger rows and one month entered twice, no longer
    trusted (every row is checked)."""
    folder = tmp_path_factory.mktemp("bad") / "data"
    shutil.copytree(demo_parquet, folder)
    (folder / io.MANIFEST).unlink()
    t = pq.read_table(folder / "ledger.parquet").to_pandas()
    t = t.astype({"entry_id": "object", "household_id": "object", "category": "object"})
    t["amount_satang"] = t["amount_satang"].astype("Int64")
    t.loc[5, "entry_id"] = None  # required
    t.loc[6, ["entry_id", "household_id"]] = ["bad id!", None]  # form; then nothing more
    t.loc[7, "household_id"] = "H-nobody"  # no such household
    t.loc[8, "category"] = "no_such_category"
    t.loc[9, "amount_satang"] = pd.NA
    t.loc[10, "date"] = pd.NaT
    t.loc[11, "entry_id"] = t.loc[3, "entry_id"]  # a key seen twice...
    t.loc[16, "entry_id"] = t.loc[3, "entry_id"]  # ...and three times
    t.loc[12, "household_id"] = "x\n"  # the form allows a final line break (Python's $)
    t.loc[13, "entry_id"] = ""
    t.loc[14, ["category", "date"]] = [None, pd.NaT]
    t.loc[15, ["household_id", "category"]] = ["H-nobody", "zzz"]
    t.loc[17, "entry_id"] = "é1"
    # a whole month of one household entered twice (new entry ids)
    household = t["household_id"].dropna().iloc[5000]
    month = pd.to_datetime(t["date"]).dt.to_period("M")
    rows = t[(t["household_id"] == household) & (month == month[t.index[5000]])].copy()
    rows["entry_id"] = rows["entry_id"] + "r"
    t = pd.concat([t, rows], ignore_index=True)
    schema = pq.read_schema(demo_parquet / "ledger.parquet")
    table = pa.Table.from_pandas(t, preserve_index=False).cast(schema)
    pq.write_table(table, folder / "ledger.parquet")
    return folder


def test_both_engines_reject_the_same_ledger_rows_with_the_same_problems(bad_ledger):
    expected = validate.load(bad_ledger)
    con = duck.connect(threads=1)
    try:
        got = duck.load(bad_ledger, con)
        good = con.execute(f"SELECT count(*) FROM {duck.GOOD}").fetchone()[0]
    finally:
        con.close()
    assert len(expected.problems) >= 12
    pd.testing.assert_frame_equal(got.problems, expected.problems, check_exact=True)
    assert good == len(expected.ledger)
    checks = set(expected.problems["check"])
    assert {"required", "format", "allowed_values", "duplicate_key"} <= checks
    assert "reference_households" in checks


def test_both_engines_give_the_same_tables_from_a_ledger_with_rejects(bad_ledger, tmp_path):
    from okanalysis.topics import ledger

    a = results.build(bad_ledger, out=tmp_path / "pandas")
    b = results.build(bad_ledger, out=tmp_path / "duckdb", engine="duckdb", threads=1)
    assert a.manifest["problems"] == b.manifest["problems"] >= 12
    assert_same_results(a, b)
    ds = validate.load(bad_ledger)
    assert len(ledger.repeated_months(ds)) == 1  # the month entered twice counts once


# --- layouts and formats -----------------------------------------------------------------------


def test_a_folder_partitioned_by_province(tmp_path):
    data = tmp_path / "multi"
    assert (
        cli.main(["--quiet", "demo", "--scale", "0.01", "--provinces", "80,81", "--out", str(data)])
        == 0
    )
    a = results.build(data, out=tmp_path / "pandas", province="81")
    b = results.build(data, out=tmp_path / "duckdb", province="81", engine="duckdb", threads=1)
    assert a.province == b.province == "81"
    assert_same_results(a, b)


def test_a_csv_ledger_is_refused_in_both_languages(demo_dataset, tmp_path):
    data = tmp_path / "csv"
    io.write_dataset(demo_dataset, data, "csv")
    with pytest.raises(InputError) as caught:
        results.build(data, out=tmp_path / "out", engine="duckdb")
    assert "Parquet" in caught.value.expected_th and "Parquet" in caught.value.expected_en
    assert caught.value.file.endswith("ledger.csv")


@pytest.mark.parametrize(
    ("options", "column"),
    [
        ({"engine": "spark"}, "engine"),
        ({"engine": "duckdb", "memory_limit": "lots"}, "memory_limit"),
        ({"engine": "duckdb", "memory_limit": "-1GB"}, "memory_limit"),
        ({"engine": "duckdb", "threads": 0}, "threads"),
        ({"engine": "duckdb", "threads": "two"}, "threads"),
    ],
)
def test_bad_settings_are_refused_by_name(demo_parquet, tmp_path, options, column):
    with pytest.raises(OkanalysisError) as caught:
        results.build(demo_parquet, out=tmp_path, **options)
    assert caught.value.column == column and caught.value.expected_th and caught.value.expected_en
    assert not tmp_path.joinpath("x").exists()


def test_duckdb_is_not_imported_with_okanalysis():
    code = (
        "import sys, okanalysis, okanalysis.cli, okanalysis.results, okanalysis.results.engine, "
        "okanalysis.loading.duck, okanalysis.topics.ledger_sql; "
        "assert 'duckdb' not in sys.modules, 'duckdb imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the command line --------------------------------------------------------------------------


def test_results_build_command_builds_then_reuses(demo_parquet, tmp_path, capsys):
    out = tmp_path / "cli"
    argv = ["--quiet", "results", "build", "--data", str(demo_parquet), "--out", str(out)]
    duckdb_argv = [*argv, "--engine", "duckdb", "--memory-limit", "1GB", "--threads", "1"]
    assert cli.main(duckdb_argv) == 0
    printed = capsys.readouterr().out
    folder = next(p for p in out.iterdir() if results.is_results(p))
    assert str(folder) in printed and "duckdb" in printed and "ledger " in printed
    assert results.open(folder).manifest["engine"]["memory_limit"] == "1GB"
    assert cli.main(argv) == 0  # the pandas engine reuses what DuckDB computed
    printed = capsys.readouterr().out
    assert str(folder) in printed and "reused" in printed


@pytest.mark.parametrize(
    ("option", "value"),
    [("--engine", "spark"), ("--memory-limit", "2 gigs"), ("--threads", "0"), ("--threads", "x")],
)
def test_results_build_command_refuses_bad_values_without_a_traceback(
    demo_parquet, tmp_path, capsys, option, value
):
    argv = ["results", "build", "--data", str(demo_parquet), "--out", str(tmp_path), option, value]
    assert cli.main(argv) == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert option in err and repr(value) in err and "Traceback" not in err
    assert " / " in err  # Thai, then English
    assert not any(tmp_path.iterdir())
