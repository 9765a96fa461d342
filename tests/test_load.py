"""Loading: what Thai villages really hand over loads; bad rows are reported, good rows kept."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import okanalysis
from okanalysis.contract import hierarchy, schema
from tests.helpers import HOUSEHOLDS, LEDGER, VILLAGES, write_csv, write_small


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _problem(ds, **where):
    p = ds.problems
    for k, v in where.items():
        p = p[p[k].astype(str) == str(v)]
    assert len(p) == 1, f"expected one problem {where}, got:\n{ds.problems.to_string()}"
    return p.iloc[0]


def test_good_files_load_typed_as_the_contract_says(tmp_path):
    ds = okanalysis.load(write_small(tmp_path))
    assert ds.ok
    assert len(ds.villages) == 2 and len(ds.households) == 2 and len(ds.ledger) == 3
    for name in schema.TABLE_ORDER:
        assert list(ds[name].columns) == schema.TABLES[name].columns
        assert (
            ds[name].dtypes.astype(str).tolist()
            == schema.empty_table(name).dtypes.astype(str).tolist()
        )
    ledger = ds.ledger.set_index("entry_id")
    assert ledger.loc["E1", "amount_satang"] == 125050
    assert ledger.loc["E3", "category"] == "EXP_RICE"  # Thai label mapped to its code
    assert ledger.loc["E3", "date"] == pd.Timestamp("2008-01-17")  # Thai digits, BE year
    assert ds.households.set_index("household_id").loc["H001", "main_income"] == "rubber"


def test_legacy_thai_encoding_and_bom_are_detected(tmp_path):
    write_small(tmp_path)
    write_csv(tmp_path, "villages", VILLAGES, encoding="cp874")
    write_csv(tmp_path, "households", HOUSEHOLDS, encoding="utf-8-sig")
    ds = okanalysis.load(tmp_path)
    assert ds.ok
    assert set(ds.villages["name_th"]) == {"บ้านหน้าด่าน", "บ้านในเพลา"}


def test_thai_headers_are_accepted(tmp_path):
    thai = [{schema.TABLES["villages"].field(k).th: v for k, v in row.items()} for row in VILLAGES]
    write_small(tmp_path, villages=thai)
    ds = okanalysis.load(tmp_path)
    assert ds.ok and len(ds.villages) == 2


@pytest.mark.parametrize(
    ("table", "change", "column", "check"),
    [
        ("villages", {"amphoe_code": "8099"}, "amphoe_code", "known_amphoe"),
        (
            "villages",
            {"tambon_code": "801599", "village_code": "80159901"},
            "tambon_code",
            "known_tambon",
        ),
        ("villages", {"village_code": "80010101"}, "village_code", "village_in_tambon"),
        ("villages", {"amphoe_code": "8001"}, "amphoe_code", "tambon_in_amphoe"),
        ("households", {"village_code": "80150199"}, "village_code", "known_village"),
        ("households", {"members": "0"}, "members", "minimum"),
        ("ledger", {"household_id": "H999"}, "household_id", "reference_households"),
        ("ledger", {"date": "31/02/2551"}, "date", "parse_date"),
        ("ledger", {"amount": "12.345"}, "amount", "parse_money"),
        ("ledger", {"category": "EXP_NOPE"}, "category", "allowed_values"),
    ],
)
def test_each_bad_value_is_reported_and_the_good_rows_still_load(
    tmp_path, table, change, column, check
):
    rows = {"villages": VILLAGES, "households": HOUSEHOLDS, "ledger": LEDGER}[table]
    bad = [{**rows[0], **change}, *rows[1:]]
    ds = okanalysis.load(write_small(tmp_path, **{table: bad}))
    p = _problem(ds, check=check)
    assert p["table"] == table and p["column"] == column
    assert int(p["row"]) == 2  # the first data row, under the header
    assert p["file"].endswith(f"{table}.csv")
    assert p["value"] == next(iter(change.values())) if len(change) == 1 else True
    assert p["expected_th"] and p["expected_en"]
    assert len(ds[table]) == len(rows) - 1  # only the bad row is left out


def test_duplicate_key_names_the_first_row(tmp_path):
    ledger = [*LEDGER, {**LEDGER[0], "amount": "99"}]
    ds = okanalysis.load(write_small(tmp_path, ledger=ledger))
    p = _problem(ds, check="duplicate_key")
    assert int(p["row"]) == 5 and "2" in p["expected_en"]
    assert len(ds.ledger) == 3


def test_identical_purchases_with_their_own_ids_stay_two_rows(tmp_path):
    twin = {**LEDGER[0], "entry_id": "E1b"}
    ds = okanalysis.load(write_small(tmp_path, ledger=[*LEDGER, twin]))
    assert ds.ok and len(ds.ledger) == 4


def test_missing_required_column_is_one_clear_problem(tmp_path):
    ledger = [{k: v for k, v in r.items() if k != "date"} for r in LEDGER]
    ds = okanalysis.load(write_small(tmp_path, ledger=ledger))
    p = _problem(ds, check="missing_column")
    assert p["column"] == "date" and "date" in p["expected_en"]
    assert len(ds.ledger) == 0 and len(ds.households) == 2


def test_rejected_households_take_their_ledger_rows_with_them(tmp_path):
    households = [{**HOUSEHOLDS[0], "members": "abc"}, HOUSEHOLDS[1]]
    ds = okanalysis.load(write_small(tmp_path, households=households))
    assert set(ds.problems["table"]) == {"households", "ledger"}
    assert set(ds.ledger["household_id"]) == {"H002"}


def test_loading_twice_gives_the_same_dataset_and_never_touches_the_input(tmp_path):
    folder = write_small(
        tmp_path / "in", ledger=[*LEDGER, {**LEDGER[0], "entry_id": "BAD", "amount": "x"}]
    )
    before = _digest(folder)
    a, b = okanalysis.load(folder), okanalysis.load(folder)
    for name in schema.TABLE_ORDER:
        pd.testing.assert_frame_equal(a[name], b[name])
    pd.testing.assert_frame_equal(a.problems, b.problems)
    assert _digest(folder) == before


def test_validate_command_writes_rejects_outside_the_input_and_exits_nonzero(tmp_path):
    folder = write_small(
        tmp_path / "in", ledger=[*LEDGER, {**LEDGER[0], "entry_id": "E9", "date": "xx"}]
    )
    before = _digest(folder)
    work = tmp_path / "work"
    work.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "okanalysis", "--quiet", "validate", str(folder)],
        cwd=work,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 1, run.stderr
    assert "ledger.csv แถว/row 5 คอลัมน์/column date" in run.stdout
    assert "'xx'" in run.stdout
    rejects = work / "data" / "processed" / "rejects-in.csv"
    table = pd.read_csv(rejects, dtype=str)
    assert table.loc[0, "value"] == "xx" and table.loc[0, "row"] == "5"
    assert _digest(folder) == before


def test_validate_command_is_clean_on_good_input(tmp_path):
    folder = write_small(tmp_path / "in")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "okanalysis",
            "--quiet",
            "validate",
            str(folder),
            "--rejects",
            str(tmp_path / "r.csv"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert not (tmp_path / "r.csv").exists()


def test_unreadable_path_is_a_clear_error(tmp_path):
    with pytest.raises(okanalysis.InputError, match="no such file or folder"):
        okanalysis.load(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(okanalysis.InputError, match="no data tables found"):
        okanalysis.load(tmp_path / "empty")


def test_the_hierarchy_is_the_real_one():
    d, t = hierarchy.districts(), hierarchy.tambons()
    assert len(d) == 23 and list(d["amphoe_code"]) == [f"80{i:02d}" for i in range(1, 24)]
    assert len(t) == 170
    assert d.set_index("amphoe_code").loc["8015", "amphoe_th"] == "ขนอม"
    assert (t["tambon_code"].str[:4] == t["amphoe_code"]).all()


def test_excel_workbook_with_a_sheet_per_table(tmp_path):
    ds = okanalysis.load(write_small(tmp_path / "csv"))
    okanalysis.loading.io.write_dataset(ds, tmp_path / "xlsx", "xlsx")
    back = okanalysis.load(tmp_path / "xlsx" / "okanalysis.xlsx")
    assert back.ok
    for name in ("villages", "households", "ledger"):
        pd.testing.assert_frame_equal(back[name], ds[name])


def test_writer_never_overwrites_someone_elses_folder(tmp_path):
    ds = okanalysis.load(write_small(tmp_path / "in"))
    with pytest.raises(okanalysis.InputError, match="already holds other files"):
        okanalysis.loading.io.write_dataset(ds, tmp_path / "in", "csv")
    shutil.rmtree(tmp_path / "in")
