"""Text people type stays text in every spreadsheet the toolkit writes.

One cell writer for workbooks (`excel_cell`, `write_sheet`: a cell never becomes a formula
because of what someone typed) and one writer for CSV files people open (`write_csv_for_people`:
text a spreadsheet would run is neutralised as the OWASP CSV-injection guidance recommends).
Text longer than a cell holds is refused before writing, naming the table, row and column.
Data files written by `loading.io.write_dataset` as CSV stay exact instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from okanalysis.core.errors import OkanalysisError

#: The most characters a spreadsheet cell holds (Excel counts them in UTF-16 units).
CELL_MAX_CHARS = 32_767
#: What makes a spreadsheet run a cell as a formula when it starts with it (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Control characters a workbook (XML) cannot hold; tab, line feed and carriage return it can.
_NOT_IN_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f" "\ufffe\uffff]"  # a pattern for re and for RE2
_NOT_IN_XML_RE = re.compile(_NOT_IN_XML)
#: A plain number ("-5", "+66", "-1,250.50", "1e3"): a spreadsheet reads it as a number.
_NUMBER = r"[+-]?(?=\.?\d)\d*(?:,\d{3})*(?:\.\d*)?(?:[eE][+-]?\d+)?"


def _text_column(s: pd.Series) -> pd.Series | None:
    """The text of a column as a string Series (other cells missing), or None without text."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.astype("str") if s.cat.categories.dtype == "str" else None
    if s.dtype == object:
        return s.map(lambda v: v if isinstance(v, str) else None).astype("str")
    return s if pd.api.types.is_string_dtype(s.dtype) else None


def check_cell_text(
    frame: pd.DataFrame, table: str, *, workbook: bool = True, first_row: int = 2
) -> None:
    """Refuse, before anything is written, text a spreadsheet cell cannot hold as it is.

    Text longer than a cell holds is never cut silently; in a workbook, control characters
    that XML cannot carry are refused too. The error names the table, the row (as in the file:
    the header is row 1) and the column."""
    for column in frame.columns:
        s = frame[column]
        if isinstance(s.dtype, pd.CategoricalDtype):  # check the few values, not every row
            cats = pd.Series(s.cat.categories.astype(object))
            bad_cats = np.append(_bad_text(cats, workbook), False)
            bad = bad_cats[s.cat.codes.to_numpy()]  # code -1 (missing) picks the final False
        else:
            bad = _bad_text(s, workbook)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            check_text(str(s.iloc[i]), table, first_row + i, str(column), workbook=workbook)


def check_text(
    value: str, table: str, row: int | None, column: str | None, *, workbook: bool = True
) -> None:
    """Refuse one text a spreadsheet cell cannot hold as it is (see `check_cell_text`)."""
    n = _excel_length(value) if len(value) > CELL_MAX_CHARS // 2 else len(value)
    if n > CELL_MAX_CHARS:
        th = (
            f"ข้อความยาว {n:,} ตัวอักษร เกินที่ช่องของตารางคำนวณรับได้ ({CELL_MAX_CHARS:,}) "
            "จะไม่ตัดทิ้ง: ย่อข้อความ หรือใช้รูปแบบ Parquet"
        )
        en = (
            f"this text has {n:,} characters, more than a spreadsheet cell holds "
            f"({CELL_MAX_CHARS:,}); it is never cut: shorten it, or use Parquet"
        )
    elif workbook and _NOT_IN_XML_RE.search(value):
        th = "ข้อความมีอักขระควบคุมที่สมุดงาน Excel เก็บไม่ได้ ให้ลบออก หรือใช้รูปแบบ CSV หรือ Parquet"
        en = (
            "this text holds control characters an Excel workbook cannot store; "
            "remove them, or use CSV or Parquet"
        )
    else:
        return
    shown = value[:40] + ("…" if len(value) > 40 else "")
    raise OkanalysisError(th, en, file=table, row=row, column=column, value=shown)


def _excel_length(text: str) -> int:
    """Characters as a spreadsheet counts them: UTF-16 units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _bad_text(s: pd.Series, workbook: bool) -> np.ndarray:
    text = _text_column(s)
    if text is None:
        return np.zeros(len(s), dtype=bool)
    bad = text.str.len().fillna(0).to_numpy() > CELL_MAX_CHARS // 2  # maybe too long: count
    if bad.any():
        bad[bad] = [_excel_length(v) > CELL_MAX_CHARS for v in text[bad]]
    if workbook:
        bad |= text.str.contains(_NOT_IN_XML, regex=True, na=False).to_numpy(bool)
    return bad


def excel_cell(
    cell, value: object, *, table: str = "", row: int | None = None, column: str | None = None
):
    """Put `value` into an openpyxl cell so that text stays text, and return the cell.

    openpyxl makes a formula of any text starting with "=" (and an error value of "#N/A"); here
    text is always stored as text, and text starting with = + - @ is marked as Excel marks text
    typed after an apostrophe, so editing the cell in Excel keeps it text too. Text a cell
    cannot hold is refused (`check_text`), never cut. Every workbook okanalysis writes puts
    its cells through here."""
    if isinstance(value, str):
        check_text(value, table, row, column)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS[:4]):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def write_sheet(ws, frame: pd.DataFrame, *, table: str) -> None:
    """Append `frame` to the write-only sheet `ws`: its header, then its rows, text as text.

    Missing and empty cells stay empty; numbers stay numbers. Checked first, so a refused
    value leaves nothing half written."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    check_cell_text(frame, table)
    header = [str(c) for c in frame.columns]
    ws.append([excel_cell(WriteOnlyCell(ws), h, table=table, row=1, column=h) for h in header])
    columns = []
    for name, (_, s) in zip(header, frame.items(), strict=True):
        values = s.astype(object).where(s.notna(), None).to_numpy(copy=True)
        text = _text_column(s)
        if text is not None:
            values[(text == "").fillna(False).to_numpy(bool)] = None
            special = text.str.startswith(FORMULA_STARTS[:4], na=False) | text.isin(ERROR_CODES)
            for i in np.flatnonzero(special.to_numpy(bool)):  # openpyxl would not keep as text
                cell = WriteOnlyCell(ws)
                values[i] = excel_cell(cell, values[i], table=table, row=i + 2, column=name)
        columns.append(values)
    for row in zip(*columns, strict=True):
        ws.append(row)


def csv_for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` safe to open in a spreadsheet: text a spreadsheet would run as a
    formula (starting with = + - @, tab or carriage return; plain numbers excepted) gets a
    single quote in front, as the OWASP guide on CSV injection recommends."""
    out = frame.copy()
    for column in out.columns:
        text = _text_column(out[column])
        if text is None:
            continue
        risky = text.str.startswith(FORMULA_STARTS, na=False) & ~text.str.fullmatch(
            _NUMBER, na=False
        )
        if risky.any():
            out[column] = out[column].astype(object).where(~risky, "'" + text)
    return out


def write_csv_for_people(frame: pd.DataFrame, out: Path, *, table: str) -> Path:
    """Write a CSV that people open in a spreadsheet (the rejects, the circle records): UTF-8
    with a byte-order mark so Excel shows Thai, rows ended by CR LF as spreadsheets write them
    (so a carriage return inside text is quoted), text made safe by `csv_for_people`, and text
    longer than a cell holds refused. Data files (`write_dataset`) stay exact instead."""
    check_cell_text(frame, table, workbook=False)
    csv_for_people(frame).to_csv(out, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return out
