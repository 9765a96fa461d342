"""The field data-entry workbook: sheets, Thai headers, drop-downs, checks, no overwrite."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import okanalysis
from okanalysis.contract import schema
from okanalysis.contract import workbook as templates
from okanalysis.core.errors import OkanalysisError


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = templates.write_template(tmp_path_factory.mktemp("tpl") / "แบบบันทึก.xlsx")
    return openpyxl.load_workbook(path)


def _validation(ws: Worksheet, coord: str):
    found = [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
    assert len(found) == 1, (ws.title, coord, found)
    return found[0]


def _list_values(wb: openpyxl.Workbook, formula: str) -> list[str]:
    """The values a list validation offers: inline "a,b" or a range on another sheet."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, ref = formula.rsplit("!", 1)
    cells = wb[sheet.strip("'")][ref.replace("$", "")]
    return [row[0].value for row in cells]


def test_sheets_instructions_first_then_one_per_table(workbook: openpyxl.Workbook) -> None:
    names = workbook.sheetnames
    assert names[0] == "คำอธิบาย"
    assert names[1:-1] == list(schema.TABLE_ORDER)
    assert names[-1] == templates.LISTS_SHEET
    assert workbook[templates.LISTS_SHEET].sheet_state == "hidden"
    assert workbook.active.title == "คำอธิบาย"


def test_instructions_are_thai_then_english_and_name_every_table(
    workbook: openpyxl.Workbook,
) -> None:
    lines = [c.value or "" for c in workbook["คำอธิบาย"]["A"]]
    text = "\n".join(lines)
    thai_at = text.index("วิธีกรอก")
    english_at = text.index("How to fill it in")
    assert thai_at < english_at
    for t in schema.TABLES.values():
        assert f"{t.name}: {t.th}" in text[:english_at]
        assert f"{t.name}: {t.en}" in text[english_at:]
    assert "เลขประจำตัวประชาชน" in text and "national ID" in text


def test_headers_are_thai_labels_with_notes_and_required_marked(
    workbook: openpyxl.Workbook,
) -> None:
    for t in schema.TABLES.values():
        ws = workbook[t.name]
        headers = [c.value for c in ws[1]]
        assert headers == [f.th for f in t.fields]
        assert ws.freeze_panes == "A2"
        for i, f in enumerate(t.fields, start=1):
            cell = ws.cell(row=1, column=i)
            assert cell.comment is not None and cell.comment.text.startswith(f.file_column)
            assert schema.KIND_LABELS[f.kind][1] in cell.comment.text
            assert cell.font.b is f.required
            assert cell.font.name == templates.FONT_NAME
            width = ws.column_dimensions[cell.column_letter].width
            assert 10 <= width <= 45


def test_every_choice_column_has_a_drop_down_of_thai_labels(
    workbook: openpyxl.Workbook,
) -> None:
    checked = 0
    for t in schema.TABLES.values():
        ws = workbook[t.name]
        for i, f in enumerate(t.fields, start=1):
            if f.kind != schema.CHOICE:
                continue
            col = ws.cell(row=1, column=i).column_letter
            dv = _validation(ws, f"{col}2")
            assert dv.type == "list"
            assert f"{col}{templates.LAST_ROW}" in dv.sqref
            assert f"{col}1" not in dv.sqref
            offered = _list_values(workbook, dv.formula1)
            assert offered == [th for th, _ in schema.choice_values(f).values()]
            checked += 1
    assert checked >= 15


def test_long_lists_live_on_the_hidden_sheet(workbook: openpyxl.Workbook) -> None:
    dv = _validation(workbook["ledger"], "D2")
    assert dv.formula1.startswith("'lists'!") or dv.formula1.startswith("lists!")
    assert "ขายยางพารา" in _list_values(workbook, dv.formula1)
    # plan_items.category shares the same list rather than a second copy.
    assert _validation(workbook["plan_items"], "G2").formula1 == dv.formula1


def test_yes_no_and_whole_number_checks(workbook: openpyxl.Workbook) -> None:
    ws = workbook["households"]
    keeps = _validation(ws, "D2")  # keeps_accounts
    assert _list_values(workbook, keeps.formula1) == ["ใช่", "ไม่ใช่"]
    assert set(templates.BOOL_CHOICES[:1]) <= schema.BOOL_WORDS_TRUE
    assert set(templates.BOOL_CHOICES[1:]) <= schema.BOOL_WORDS_FALSE
    members = _validation(ws, "C2")
    assert (members.type, members.operator, members.formula1, members.formula2) == (
        "whole", "between", "1", "30",
    )  # fmt: skip
    score = _validation(workbook["freedom"], "E2")
    assert (score.formula1, score.formula2) == ("1", "5")
    assert score.errorStyle == "stop" and score.showErrorMessage


def test_codes_and_dates_are_kept_as_text(workbook: openpyxl.Workbook) -> None:
    ws = workbook["ledger"]
    assert ws.column_dimensions["A"].number_format == "@"  # entry_id
    assert ws.column_dimensions["C"].number_format == "@"  # date: 15/01/2551 stays BE
    assert workbook["villages"].column_dimensions["A"].number_format == "@"


def test_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "filled.xlsx"
    path.write_bytes(b"a filled-in workbook")
    with pytest.raises(OkanalysisError) as err:
        templates.write_template(path)
    assert str(path) in str(err.value)
    assert "เขียนทับ" in str(err.value) and "overwrit" in str(err.value)
    assert path.read_bytes() == b"a filled-in workbook"
    assert templates.write_template(path, overwrite=True) == path
    assert openpyxl.load_workbook(path).sheetnames[0] == "คำอธิบาย"


def test_refuses_a_name_that_is_not_xlsx(tmp_path: Path) -> None:
    with pytest.raises(OkanalysisError, match="xlsx"):
        templates.write_template(tmp_path / "form.csv")


def test_a_workbook_filled_from_the_drop_downs_loads_cleanly(tmp_path: Path) -> None:
    """What a field worker picks from the lists is what the loader reads back as codes."""
    path = templates.write_template(tmp_path / "field.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["villages"].append(["80150101", "801501", "8015", 1, "บ้านหน้าด่าน", None, 120, 410])
    wb["households"].append(["H001", "80150101", 4, "ใช่", "ประมง", "12,000"])
    wb["ledger"].append(["E1", "H001", "15/01/2551", "ขายสัตว์น้ำ (ประมง)", "1,250.50", None])
    wb["ledger"].append(["E2", "H001", "16/01/2551", "เหล้าและเบียร์", 80, None])
    wb.save(path)
    ds = okanalysis.load(path)
    assert ds.problems.empty, ds.problems.to_string()
    assert ds.households.loc[0, "main_income"] == "fishing"
    assert bool(ds.households.loc[0, "keeps_accounts"]) is True
    assert list(ds.ledger["category"]) == ["INC_FISH", "EXP_ALCOHOL"]
    assert list(ds.ledger["amount_satang"]) == [125050, 8000]
