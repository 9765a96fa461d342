"""Demo → files → load gives back equal tables, in every input format, with nothing rejected."""

import subprocess
import sys

import pandas as pd
import pytest

import okanalysis
from okanalysis.contract import schema
from okanalysis.demo import synthetic as demo
from okanalysis.loading import io


@pytest.fixture(scope="module")
def small_demo():
    return demo.generate(scale=0.02, seed=7)


def _assert_same(a, b):
    for name in schema.TABLE_ORDER:
        pd.testing.assert_frame_equal(
            a[name].reset_index(drop=True),
            b[name].reset_index(drop=True),
            check_categorical=False,
            obj=name,
        )


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip_is_lossless(tmp_path, small_demo, fmt):
    io.write_dataset(small_demo, tmp_path / fmt, fmt)
    back = okanalysis.load(tmp_path / fmt)
    assert back.ok, back.problems.head().to_string()
    _assert_same(small_demo, back)


def test_round_trip_through_excel(tmp_path, small_demo):
    # Excel is for field data entry: a part of the ledger keeps the test fast (openpyxl writes
    # ~20k rows a second); every other table goes through whole.
    part = okanalysis.Dataset(
        tables={**small_demo.tables, "ledger": small_demo.ledger.head(3000)}, source="demo"
    )
    io.write_dataset(part, tmp_path / "x", "xlsx")
    back = okanalysis.load(tmp_path / "x" / "okanalysis.xlsx")
    assert back.ok, back.problems.head().to_string()
    _assert_same(part, back)


def test_excel_refuses_a_ledger_longer_than_a_sheet(tmp_path, small_demo):
    ledger = small_demo.ledger
    huge = pd.concat([ledger] * (io.EXCEL_MAX_ROWS // len(ledger) + 1), ignore_index=True)
    big = okanalysis.Dataset(tables={**small_demo.tables, "ledger": huge})
    with pytest.raises(okanalysis.InputError, match="1,048,576"):
        io.write_dataset(big, tmp_path / "x", "xlsx")
    assert not (tmp_path / "x").exists()  # refused before writing anything


def _okanalysis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "okanalysis", "--quiet", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_demo_command_writes_labelled_data_that_validates(tmp_path):
    out = tmp_path / "demo"
    run = _okanalysis("demo", "--scale", "0.02", "--out", str(out), "--format", "parquet")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "validated: no problems" in run.stdout
    assert "synthetic" in (out / io.MARKER).read_text(encoding="utf-8")
    assert (out / "ledger.parquet").exists()
    # running it again over its own output is fine; over someone else's folder it is refused
    again = _okanalysis("demo", "--scale", "0.02", "--out", str(out), "--format", "csv")
    assert again.returncode == 0, again.stdout + again.stderr
    assert not (out / "ledger.parquet").exists()  # no stale copy in the other format
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("ของเขา", encoding="utf-8")
    refused = _okanalysis("demo", "--scale", "0.02", "--out", str(theirs))
    assert refused.returncode == 2 and "already holds other files" in refused.stderr
    assert (theirs / "notes.txt").read_text(encoding="utf-8") == "ของเขา"
