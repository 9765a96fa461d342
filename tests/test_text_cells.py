"""Text people type stays text in every file okanalysis writes.

A ledger note `=1+1` or a circle's reason `=HYPERLINK(...)` is text: it round-trips exactly
through CSV, Excel and Parquet, no workbook okanalysis writes holds a formula made from data,
CSV files written for people neutralise what a spreadsheet would run (OWASP CSV injection),
free text keeps its line breaks, and text longer than a cell holds is refused, never cut.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import okanalysis
from okanalysis.circles import store as circles
from okanalysis.components import COMPONENT_CODES
from okanalysis.contract import workbook as templates
from okanalysis.core import sheets
from okanalysis.core.errors import OkanalysisError
from okanalysis.loading import io, validate
from okanalysis.loading.parse import clean_text_value
from tests.helpers import LEDGER, VILLAGES, write_small
from tests.test_circles import make_session

FORMULAS = (
    "=1+1",
    '=HYPERLINK("http://example.com/?q=1","x")',
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "=cmd|' /C calc'!A0",
)
#: What people type, and what old systems and PDFs leave in it.
PIECES = st.one_of(
    st.sampled_from(
        [
            *"=+-@'\",;\t\n\r ",
            *("\r\n", "\u200b", "\ufeff", "\u00ad", "\u00a0", "\x85", "\u2028"),
            *("\u0e4d\u0e32", " \u0e33", "#N/A", "_x000D_", "1,250.50"),
        ]
    ),
    st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B),  # Thai
    st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff"
    ),
)
TEXT = st.builds(
    lambda head, body: head + "".join(body),
    st.sampled_from(["", "=", "+", "-", "@", "'", "\t", "\r\n"]),
    st.lists(PIECES, max_size=24),
)
#: The tables the tests fill; the other tables are empty in every file written.
TABLES = ("villages", "households", "ledger")


def load_back(path: Path) -> okanalysis.Dataset:
    """`okanalysis.load` of what was written, reading only the tables these tests fill
    (checking the fifteen empty ones is most of a load's time)."""
    return validate.validate_tables([r for r in io.read_tables(path) if r.name in TABLES])


def assert_same(a: okanalysis.Dataset, b: okanalysis.Dataset) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(
            a[name].reset_index(drop=True), b[name].reset_index(drop=True), obj=name
        )


def formula_cells(path: Path) -> list[str]:
    """Every formula cell in a workbook, as sheet!cell."""
    book = openpyxl.load_workbook(path, data_only=False)
    try:
        return [
            f"{ws.title}!{cell.coordinate}"
            for ws in book.worksheets
            for row in ws.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
    finally:
        book.close()


def province(folder: Path, name: str, notes: list[str | None]) -> okanalysis.Dataset:
    """The small province of `tests.helpers` with a typed village name and ledger notes,
    written as a user's CSV and loaded."""
    ledger = [{**row, "note": note} for row, note in zip(LEDGER, notes, strict=False)]
    write_small(folder, villages=[{**VILLAGES[0], "name_th": name}, VILLAGES[1]], ledger=ledger)
    ds = okanalysis.load(folder)
    assert ds.ok, ds.problems.to_string()
    return ds


# --- the loader keeps text as text, and free text keeps its line breaks ------------------------
@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_loads_as_the_same_text(tmp_path, text):
    ds = province(tmp_path / "in", "บ้าน" + text, [text, None, None])
    assert ds.ledger["note"].iloc[0] == text
    assert ds.villages["name_th"].iloc[0] == "บ้าน" + text


def test_free_text_keeps_line_breaks_and_names_are_tidied(tmp_path):
    note = " บรรทัดแรก  มี   ช่องว่าง \r\nบรรทัดสอง\r\rบรรทัดสี่\n"
    ds = province(tmp_path / "in", "บ้าน\r\nหน้า   ด่าน", [note, None, None])
    assert ds.ledger["note"].iloc[0] == "บรรทัดแรก มี ช่องว่าง\nบรรทัดสอง\n\nบรรทัดสี่"
    assert ds.villages["name_th"].iloc[0] == "บ้าน หน้า ด่าน"


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_cleaning_a_cleaned_text_changes_nothing(text):
    for multiline in (False, True):
        once = clean_text_value(text, multiline=multiline)
        if once is not pd.NA:
            assert clean_text_value(once, multiline=multiline) == once


# --- round trips --------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(name=TEXT, notes=st.lists(TEXT, min_size=1, max_size=3))
@example(name='=HYPERLINK("http://x.example","x")', notes=["=1+1", "@A1\r\nสอง", "-2+3"])
@example(name="\t=1+1", notes=["+ก\u200bข", "'=1+1", "#N/A"])
def test_any_text_round_trips_through_csv_excel_and_parquet(name, notes):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ds = province(folder / "in", "บ้าน" + name, notes)
        for typed, got in zip(notes, ds.ledger["note"], strict=False):
            expected = clean_text_value(typed, multiline=True)
            assert (pd.isna(got) and expected is pd.NA) or got == expected
        for fmt in io.FORMATS:
            io.write_dataset(ds, folder / fmt, fmt)
            back = load_back(folder / fmt)
            assert back.ok, (fmt, back.problems.to_string())
            assert_same(ds, back)
        assert formula_cells(folder / "xlsx" / "okanalysis.xlsx") == []


def test_text_as_long_as_a_cell_holds_round_trips(tmp_path):
    longest = "=ก\n" + "ข" * (sheets.CELL_MAX_CHARS - 3)
    ds = province(tmp_path / "in", "บ้าน", [longest, None, None])
    assert len(ds.ledger["note"].iloc[0]) == sheets.CELL_MAX_CHARS
    for fmt in io.FORMATS:
        io.write_dataset(ds, tmp_path / fmt, fmt)
        assert_same(ds, load_back(tmp_path / fmt))
    assert formula_cells(tmp_path / "xlsx" / "okanalysis.xlsx") == []


@pytest.mark.parametrize(
    "text", ["ข" * (sheets.CELL_MAX_CHARS + 1), "😀" * (sheets.CELL_MAX_CHARS // 2 + 1)]
)  # an emoji takes two of a cell's characters
def test_text_longer_than_a_cell_holds_is_refused_never_cut(tmp_path, text):
    ds = province(tmp_path / "in", "บ้าน", [None, "สั้น", None])
    ledger = ds.ledger.copy()
    ledger.loc[1, "note"] = text
    ds = ds.replace(ledger=ledger)
    for fmt in ("csv", "xlsx"):
        with pytest.raises(OkanalysisError) as err:
            io.write_dataset(ds, tmp_path / fmt, fmt)
        message = str(err.value)
        assert "ledger แถว/row 3 คอลัมน์/column note" in message, message
        assert "32,767" in message and "ตัดทิ้ง" in message
        assert not (tmp_path / fmt).exists()  # refused before anything is written
    io.write_dataset(ds, tmp_path / "parquet", "parquet")  # Parquet keeps it
    assert load_back(tmp_path / "parquet").ledger["note"].iloc[1] == text


def test_control_characters_a_workbook_cannot_hold_are_refused(tmp_path):
    ds = province(tmp_path / "in", "บ้าน", [None, None, None])
    ledger = ds.ledger.copy()
    ledger.loc[2, "note"] = "ก\x01ข"
    ds = ds.replace(ledger=ledger)
    with pytest.raises(OkanalysisError, match="ledger แถว/row 4 คอลัมน์/column note"):
        io.write_dataset(ds, tmp_path / "x", "xlsx")
    io.write_dataset(ds, tmp_path / "csv", "csv")  # a CSV holds it
    assert load_back(tmp_path / "csv").ledger["note"].iloc[2] == "ก\x01ข"


# --- every workbook okanalysis writes ------------------------------------------------------------
def test_a_cell_written_by_the_helper_is_text_even_when_it_looks_like_a_formula(tmp_path):
    book = openpyxl.Workbook()
    for row, text in enumerate([*FORMULAS, "#N/A", "#DIV/0!"], start=1):
        sheets.excel_cell(book.active.cell(row=row, column=1), text, table="t", row=row, column="A")
    book.save(tmp_path / "t.xlsx")
    assert formula_cells(tmp_path / "t.xlsx") == []
    back = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True, data_only=True)
    assert [r[0] for r in back.active.values] == [*FORMULAS, "#N/A", "#DIV/0!"]
    back.close()
    with pytest.raises(OkanalysisError, match="t แถว/row 9 คอลัมน์/column B"):
        sheets.excel_cell(
            book.active.cell(row=9, column=2), "x" * 40_000, table="t", row=9, column="B"
        )


def test_the_data_entry_workbook_has_no_formula_cells(tmp_path):
    assert formula_cells(templates.write_template(tmp_path / "t.xlsx")) == []


@settings(max_examples=25, deadline=None)
@given(facilitator=TEXT, reason=TEXT, evidence=TEXT, note=TEXT)
@example(facilitator="=1+1", reason='=HYPERLINK("http://x.example","x")', evidence="@A1", note="-1")
def test_circle_records_export_text_as_text(facilitator, reason, evidence, note):
    facilitator = "=" + facilitator if facilitator.strip() == "" else facilitator
    session = make_session(facilitator=facilitator, note=note)
    scores = list(session.components)
    scores[0] = circles.ComponentScore(COMPONENT_CODES[0], "B", "A", reason="=" + reason)
    scores[1] = circles.ComponentScore(COMPONENT_CODES[1], "B", "B", evidence=evidence)
    session = make_session(facilitator=facilitator, note=note, components=scores)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with circles.open_store(folder / "c.sqlite", create=True) as store:
            circles.save_session(store, session)
            typed = circles.export_table(circles.history(store))
            xlsx = circles.export(store, folder / "c.xlsx")
            csv_path = circles.export(store, folder / "c.csv")
        assert formula_cells(xlsx) == []
        book = openpyxl.load_workbook(xlsx, read_only=True)
        for sheet in book.sheetnames:
            rows = list(book[sheet].values)
            header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
            assert list(header) == list(typed.columns)
            for column in typed.columns:
                want = typed[column].iloc[0]
                if isinstance(want, str):  # a workbook's XML keeps a line break as \n
                    want = want.replace("\r\n", "\n").replace("\r", "\n") or None
                    assert first[column] == want, column
        book.close()
        with open(csv_path, encoding="utf-8-sig", newline="") as fh:
            row = next(csv.DictReader(fh))
        for column in typed.columns:
            want = typed[column].iloc[0]
            if isinstance(want, str):
                assert row[column] == sheets.csv_for_people(pd.DataFrame({"c": [want]}))["c"][0]
                assert not row[column].startswith(sheets.FORMULA_STARTS) or _is_number(row[column])


def _is_number(text: str) -> bool:
    return bool(pd.Series([text], dtype="str").str.fullmatch(sheets._NUMBER)[0])


# --- CSV written for people ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "written"),
    [
        *((f, "'" + f) for f in FORMULAS),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("-5", "-5"),
        ("+66812345678", "+66812345678"),
        ("-1,250.50", "-1,250.50"),
        ("1e3", "1e3"),
        ("ก=1+1", "ก=1+1"),
        ("'=1+1", "'=1+1"),
        ("", ""),
    ],
)
def test_csv_for_people_neutralises_what_a_spreadsheet_would_run(typed, written):
    frame = pd.DataFrame({"text": [typed], "count": [3], "mixed": [typed]}, dtype=object)
    out = sheets.csv_for_people(frame)
    assert out["text"][0] == written and out["mixed"][0] == written and out["count"][0] == 3
    assert frame["text"][0] == typed  # the caller's frame is left alone


def test_the_rejects_file_neutralises_formulas(tmp_path):
    bad = [*LEDGER, {**LEDGER[0], "entry_id": "E9", "amount": "=1+1", "date": "@A1"}]
    ds = okanalysis.load(write_small(tmp_path / "in", ledger=bad))
    out = validate.write_rejects(ds.problems, tmp_path / "rejects.csv")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        values = sorted(r["value"] for r in csv.DictReader(fh))
    assert values == ["'=1+1", "'@A1"]
