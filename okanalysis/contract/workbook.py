"""The field data-entry workbook (`okanalysis templates OUT.xlsx`), built from the contract.

One sheet per table, named by the table's English name (the loader matches sheets by it), with
the Thai label of each column as its header, a note on each header (English name, kind, allowed
values), drop-down lists for coded and yes/no columns, and whole-number checks within the
declared range. The first sheet explains how to fill it in, in Thai then English, from the same
rules as the data dictionary (`okanalysis.contract.datadict`).
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from okanalysis.contract import datadict, schema
from okanalysis.core import sheets
from okanalysis.core.errors import OkanalysisError

INSTRUCTIONS_SHEET = "คำอธิบาย"
LISTS_SHEET = "lists"
#: The words the drop-down offers for yes/no columns (the loader reads them back).
BOOL_CHOICES = ("ใช่", "ไม่ใช่")
#: A font every Thai Windows and LibreOffice install renders Thai with.
FONT_NAME = "Tahoma"
#: Validations cover every data row a sheet can hold.
LAST_ROW = 1_048_576
#: Lists longer than this (in characters) go on the hidden lists sheet: Excel limits an inline
#: list to 255 characters.
INLINE_LIST_MAX = 200

REQUIRED_FILL = PatternFill("solid", fgColor="0072B2")  # blue, the project's first colour
OPTIONAL_FILL = PatternFill("solid", fgColor="DDDDDD")
REQUIRED_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
OPTIONAL_FONT = Font(name=FONT_NAME, color="000000")
BODY_FONT = Font(name=FONT_NAME)
TEXT_FORMAT = "@"  # keep codes, ids and BE dates as typed (no 8.0E+07, no CE date guess)


def write_template(out_path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write the field data-entry workbook to `out_path` (.xlsx) and return its path.

    Refuses to replace an existing file unless `overwrite=True`: a filled-in workbook must
    never be lost to a new blank one.
    """
    path = Path(out_path)
    if path.suffix.lower() != ".xlsx":
        raise OkanalysisError(
            "แบบบันทึกต้องเป็นไฟล์ .xlsx",
            "the workbook must be an .xlsx file",
            file=str(path),
        )
    if path.exists() and not overwrite:
        raise OkanalysisError(
            "มีไฟล์นี้อยู่แล้ว จะไม่เขียนทับ (เลือกชื่อใหม่ หรือสั่งเขียนทับ overwrite=True)",
            "the file already exists and will not be overwritten "
            "(choose another name, or pass overwrite=True)",
            file=str(path),
        )
    workbook = build_workbook()
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def build_workbook() -> Workbook:
    """The data-entry workbook in memory: instructions, one sheet per table, hidden lists."""
    wb = Workbook()
    _instructions(wb.active)
    lists = _Lists(wb.create_sheet(LISTS_SHEET))
    for table in schema.TABLES.values():
        _table_sheet(wb.create_sheet(table.name), table, lists)
    lists.sheet.sheet_state = "hidden"
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    wb.active = 0
    return wb


class _Lists:
    """The hidden sheet holding long drop-down lists, one column per distinct list."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self._ranges: dict[tuple[str, ...], str] = {}

    def formula(self, name: str, labels: tuple[str, ...]) -> str:
        """The validation formula of a list: inline when short, else a range on this sheet."""
        inline = ",".join(labels)
        if len(inline) <= INLINE_LIST_MAX and not any('"' in x or "," in x for x in labels):
            return f'"{inline}"'
        if labels not in self._ranges:
            col = get_column_letter(len(self._ranges) + 1)
            title = self.sheet.title
            sheets.excel_cell(self.sheet[f"{col}1"], name, table=title, row=1, column=col)
            for i, label in enumerate(labels, start=2):
                sheets.excel_cell(self.sheet[f"{col}{i}"], label, table=title, row=i, column=col)
            last = len(labels) + 1
            self._ranges[labels] = f"{quote_sheetname(self.sheet.title)}!${col}$2:${col}${last}"
        return self._ranges[labels]


def choice_labels(f: schema.Field) -> tuple[str, ...]:
    """The Thai labels a drop-down offers for a CHOICE or BOOL column."""
    if f.kind == schema.BOOL:
        return BOOL_CHOICES
    return tuple(th for th, _en in schema.choice_values(f).values())


def header_note(f: schema.Field) -> str:
    """The note on a column header: English name, kind, whether required, allowed values."""
    kind_th, kind_en = schema.KIND_LABELS[f.kind]
    lines = [
        f"{f.file_column}: {f.en}",
        f"ชนิด / kind: {kind_th} / {kind_en}",
        "จำเป็นต้องกรอก / required" if f.required else "ไม่บังคับ / optional",
    ]
    if f.kind == schema.CHOICE:
        values = schema.choice_values(f)
        if f.choices_from == "categories":
            lines.append(
                f"เลือกจากรายการ {len(values)} หมวด (ดู docs/data.md) / "
                f"pick one of {len(values)} categories (see docs/data.md)"
            )
        else:
            lines.append("เลือกจากรายการ / pick from the list:")
            lines += [f"  {th} ({code}: {en})" for code, (th, en) in values.items()]
    else:
        rule = datadict.value_rule(f)
        if rule is not None:
            lines.append(f"{rule[0]} / {rule[1]}")
    rng = datadict.range_rule(f)
    if rng is not None:
        lines.append(
            f"ช่วง / range: {rng[0]}" if rng[0] == rng[1] else f"ช่วง / range: {rng[0]} / {rng[1]}"
        )
    if f.description:
        lines.append(f.description)
    return "\n".join(lines)


def _validation(f: schema.Field, lists: _Lists, table: str) -> DataValidation | None:
    """The Excel check of one column, or None when Excel cannot help (text, dates, codes)."""
    if f.kind in (schema.CHOICE, schema.BOOL):
        dv = DataValidation(
            type="list",
            formula1=lists.formula(f"{table}.{f.name}", choice_labels(f)),
            allow_blank=True,
        )
        dv.errorTitle = "ค่าไม่อยู่ในรายการ"
        dv.error = "เลือกค่าจากรายการ / pick a value from the list"
    elif f.kind == schema.INT:
        lo = int(f.min) if f.min is not None else -2_147_483_648
        hi = int(f.max) if f.max is not None else 2_147_483_647
        dv = DataValidation(
            type="whole", operator="between", formula1=str(lo), formula2=str(hi), allow_blank=True
        )
        dv.errorTitle = "ต้องเป็นจำนวนเต็ม"
        dv.error = f"จำนวนเต็ม {lo} ถึง {hi} / a whole number from {lo} to {hi}"
    elif f.kind == schema.MONEY and f.min is not None:
        dv = DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1=str(f.min), allow_blank=True
        )
        dv.errorTitle = "จำนวนเงินไม่ถูกต้อง"
        dv.error = f"จำนวนเงินไม่น้อยกว่า {f.min:g} บาท / an amount of at least {f.min:g} baht"
    else:
        return None
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    return dv


def _width(f: schema.Field) -> float:
    if f.kind == schema.TEXT:
        return 32
    if f.kind == schema.CHOICE:
        longest = max(len(x) for x in choice_labels(f))
        return min(40, max(16, longest + 4, len(f.th) + 4))
    return min(30, max(12, len(f.th) + 4))


def _table_sheet(ws: Worksheet, table: schema.Table, lists: _Lists) -> None:
    """One table's sheet: Thai headers with notes, column formats, checks, frozen header."""
    for i, f in enumerate(table.fields, start=1):
        col = get_column_letter(i)
        cell = sheets.excel_cell(
            ws.cell(row=1, column=i), f.th, table=table.name, row=1, column=col
        )
        cell.font = REQUIRED_FONT if f.required else OPTIONAL_FONT
        cell.fill = REQUIRED_FILL if f.required else OPTIONAL_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        note = header_note(f)
        cell.comment = Comment(note, "okanalysis", width=360, height=24 * (note.count("\n") + 2))
        dim = ws.column_dimensions[col]
        dim.width = _width(f)
        dim.font = BODY_FONT
        if f.kind in (schema.CODE, schema.ID, schema.DATE):
            dim.number_format = TEXT_FORMAT
        dv = _validation(f, lists, table.name)
        if dv is not None:
            dv.add(f"{col}2:{col}{LAST_ROW}")
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 36
    ws.freeze_panes = "A2"


TITLE = (
    "แบบบันทึกข้อมูลภาคสนาม ชุมชนอินทรีย์อยู่ดีมีสุข จังหวัดนครศรีธรรมราช",
    "Field data-entry workbook: organic community, live well be happy, Nakhon Si Thammarat",
)
STEPS = (
    (
        "1. แต่ละแผ่นงานคือหนึ่งตาราง ชื่อแผ่นงานเป็นชื่อตารางภาษาอังกฤษที่ระบบใช้อ่าน อย่าเปลี่ยนชื่อแผ่นงานหรือหัวคอลัมน์",
        "1. Each sheet is one table, named by the table's English name, which the loader "
        "reads; do not rename sheets or headers.",
    ),
    ("2. กรอกหนึ่งรายการต่อหนึ่งแถว เริ่มที่แถว 2", "2. Write one record per row, from row 2."),
    (
        "3. หัวคอลัมน์ตัวหนาพื้นสีน้ำเงิน = ต้องกรอก หัวคอลัมน์พื้นสีเทา = ไม่บังคับ",
        "3. A bold header on blue must be filled in; a header on grey is optional.",
    ),
    (
        "4. ชี้เมาส์ที่หัวคอลัมน์เพื่ออ่านคำอธิบาย: ชื่อภาษาอังกฤษ ชนิดข้อมูล และค่าที่รับ",
        "4. Point at a header to read its note: English name, kind and allowed values.",
    ),
    (
        "5. ช่องที่มีลูกศร ให้เลือกค่าจากรายการ ช่องใช่/ไม่ใช่ เลือก ใช่ หรือ ไม่ใช่",
        "5. Where a cell shows an arrow, pick a value from the list; yes/no columns take "
        "ใช่ (yes) or ไม่ใช่ (no).",
    ),
    (
        "6. แผ่นงานของข้อมูลที่ไม่ได้เก็บ เว้นว่างไว้ได้",
        "6. Leave the sheets of data you do not collect empty.",
    ),
    (
        "7. กรอกเสร็จแล้วตรวจด้วยคำสั่ง okanalysis validate ชื่อไฟล์.xlsx",
        "7. When done, check it with: okanalysis validate file.xlsx",
    ),
)
#: The general rules of the data dictionary that matter to someone typing into the workbook.
RULES_FOR_WORKBOOK = ("headers", "dates", "values", "codes", "bad_rows", "pdpa")


def instruction_lines(lang: str = "th") -> list[tuple[str, str]]:
    """The instructions in one language: (text, style) lines, style title, heading or body."""
    i = 0 if lang == "th" else 1
    lines = [(TITLE[i], "title"), (("วิธีกรอก", "How to fill it in")[i], "heading")]
    lines += [(step[i], "body") for step in STEPS]
    for section in datadict.general_rules():
        if section.key in RULES_FOR_WORKBOOK:
            lines.append(((section.th, section.en)[i], "heading"))
            lines += [(f"• {item[i].replace('`', '')}", "body") for item in section.items]
    lines.append((("แผ่นงาน", "Sheets")[i], "heading"))
    for t in schema.TABLES.values():
        topic = schema.TOPICS[t.topic][i]
        if i == 0:
            required = ", ".join(f.th for f in t.fields if f.required)
            text = f"{t.name}: {t.th} (ประเด็นที่ {t.topic} {topic}) ต้องกรอก: {required}"
        else:
            required = ", ".join(f.name for f in t.fields if f.required)
            text = f"{t.name}: {t.en} (topic {t.topic}, {topic}); required: {required}"
        lines.append((text, "body"))
    return lines


def _instructions(ws: Worksheet) -> None:
    """The first sheet: how to fill the workbook in, Thai then English."""
    ws.title = INSTRUCTIONS_SHEET
    ws.column_dimensions["A"].width = 120
    styles = {
        "title": Font(name=FONT_NAME, bold=True, size=16),
        "heading": Font(name=FONT_NAME, bold=True, size=13, color="0072B2"),
        "body": Font(name=FONT_NAME, size=11),
    }
    lines = [*instruction_lines("th"), ("", "body"), *instruction_lines("en")]
    for r, (text, style) in enumerate(lines, start=1):
        cell = sheets.excel_cell(ws.cell(row=r, column=1), text, table=ws.title, row=r, column="A")
        cell.font = styles[style]
        cell.alignment = Alignment(wrap_text=True, vertical="top")
