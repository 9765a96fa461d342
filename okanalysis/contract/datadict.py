"""The data dictionary (`docs/data.md`), generated from the contract so the two cannot drift.

Everything here is read from `okanalysis.schema` (tables, columns, kinds, choices), from the
parameters (`ledger_categories.yaml`, `sectors.yaml`) and from the real hierarchy: nothing about a
column is written twice. The field workbook (`okanalysis.templates`) takes its explanations from
the same functions. Regenerate with `python -m okanalysis.contract.datadict` after changing any of them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

from okanalysis.contract import hierarchy, schema
from okanalysis.core import params, paths, sheets
from okanalysis.core.thai import format_number

DOC_PATH = paths.DATA_DICTIONARY
REGENERATE = "python -m okanalysis.contract.datadict"

#: Thai and English names of the ledger category kinds, directions and flags.
CATEGORY_KINDS = {
    "income": ("รายรับ", "income"),
    "expense": ("รายจ่าย", "expense"),
    "transfer": ("เงินโอน (ไม่ใช่รายรับหรือรายจ่าย)", "transfer (neither income nor spending)"),
}
DIRECTIONS = {"in": ("เงินเข้า", "money in"), "out": ("เงินออก", "money out")}
FLAG_LABELS = {
    "avoidable": ("รายจ่ายที่ลดได้", "avoidable spending"),
    "substitutable": ("ผลิตเองได้ในชุมชน", "locally substitutable"),
    "farm_input": ("ปัจจัยการผลิต", "farm input"),
}

CATEGORIES_ANCHOR = "ledger-categories"


class Section(NamedTuple):
    """One general rule of the data: a key, a Thai and English title, and (Thai, English) items."""

    key: str
    th: str
    en: str
    items: tuple[tuple[str, str], ...]


def _bool_words(words: set[str]) -> str:
    return ", ".join(sorted(w for w in words if w))


def code_rule(level: str | None) -> tuple[str, str]:
    """What a code of this level looks like, in Thai and English."""
    tambon = hierarchy.tambons().iloc[0]["tambon_code"]
    rules = {
        "province": ("2 หลัก", "2 digits"),
        "amphoe": ("4 หลัก", "4 digits"),
        "tambon": ("6 หลัก (รหัสอำเภอ + 2 หลัก)", "6 digits (district code + 2)"),
        "village": (
            f"8 หลัก (รหัสตำบล + หมู่ที่ 2 หลัก เช่น {tambon}03)",
            f"8 digits (sub-district code + 2-digit village number, e.g. {tambon}03)",
        ),
        "any": (
            "2, 4, 6 หรือ 8 หลัก ตามระดับ (จังหวัด อำเภอ ตำบล หมู่บ้าน)",
            "2, 4, 6 or 8 digits by level (province, district, sub-district, village)",
        ),
    }
    return rules[level or "any"]


def range_rule(f: schema.Field) -> tuple[str, str] | None:
    """The allowed range of a number or amount column (money in baht), or None."""
    if f.min is None and f.max is None:
        return None
    unit = (" บาท", " baht") if f.kind == schema.MONEY else ("", "")
    lo = format_number(f.min) if f.min is not None else None
    hi = format_number(f.max) if f.max is not None else None
    if lo is not None and hi is not None:
        return f"{lo}–{hi}{unit[0]}", f"{lo}–{hi}{unit[1]}"
    if lo is not None:
        return f"≥ {lo}{unit[0]}", f"≥ {lo}{unit[1]}"
    return f"≤ {hi}{unit[0]}", f"≤ {hi}{unit[1]}"


def value_rule(f: schema.Field) -> tuple[str, str] | None:
    """What a value must look like beyond its kind (codes, ids, yes/no words), or None."""
    if f.kind == schema.CODE:
        return code_rule(f.code_level)
    if f.kind == schema.ID:
        return (
            "ขึ้นต้นด้วยตัวอักษรอังกฤษหรือตัวเลข ยาวไม่เกิน 40 ตัว ไม่มีช่องว่าง",
            "starts with a letter or digit, at most 40 characters, no spaces",
        )
    if f.kind == schema.BOOL:
        return "ใช่ หรือ ไม่ใช่", "yes or no"
    if f.multiline:
        return "ข้อความอิสระ ขึ้นบรรทัดใหม่ได้", "free text; line breaks are kept"
    if f.kind == schema.CHOICE and f.choices_from == "categories":
        return (
            "รหัสหรือชื่อไทยของหมวดบัญชี ดูหัวข้อหมวดบัญชีรับจ่าย",
            "a ledger category code or its Thai name; see the ledger categories section",
        )
    return None


def file_names(table: str) -> tuple[str, str]:
    """Where a table is read from, in Thai and English."""
    return (
        f"`{table}.csv` ในโฟลเดอร์, แผ่นงานชื่อ `{table}` ในไฟล์ .xlsx, `{table}.parquet`",
        f"`{table}.csv` in a folder, a sheet named `{table}` in an .xlsx workbook, "
        f"`{table}.parquet`",
    )


def general_rules() -> list[Section]:
    """The rules every file follows, in Thai and English (used by the doc and the workbook)."""
    prov = hierarchy.province()
    amphoe = hierarchy.districts()["amphoe_code"]
    first_tambon = hierarchy.tambons().iloc[0]
    n_amphoe, lo, hi = len(amphoe), amphoe.min(), amphoe.max()
    t_code = first_tambon["tambon_code"]
    free = [(t, f) for t in schema.TABLES.values() for f in t.fields if f.multiline]
    free_th = ", ".join(f"{f.th} `{t.name}.{f.name}`" for t, f in free)
    free_en = ", ".join(f"{f.en} `{t.name}.{f.name}`" for t, f in free)
    return [
        Section(
            "files",
            "ไฟล์ที่รับ",
            "Files accepted",
            (
                (
                    "ข้อมูลหนึ่งชุดคือโฟลเดอร์ของไฟล์ CSV (ตารางละไฟล์ ชื่อ `<ตาราง>.csv`) "
                    "หรือสมุดงาน Excel .xlsx (ตารางละแผ่นงาน ชื่อแผ่นงานเป็นชื่อตารางภาษาอังกฤษ) "
                    "หรือโฟลเดอร์ของไฟล์ Parquet (`<ตาราง>.parquet`)",
                    "A dataset is a folder of CSV files (one per table, named `<table>.csv`), "
                    "an Excel .xlsx workbook (one sheet per table, named by the table's English "
                    "name) or a folder of Parquet files (`<table>.parquet`).",
                ),
                (
                    "แบบบันทึกข้อมูลภาคสนามสร้างได้ด้วยคำสั่ง `okanalysis templates แบบบันทึก.xlsx`",
                    "The field data-entry workbook is made with "
                    "`okanalysis templates workbook.xlsx`.",
                ),
            ),
        ),
        Section(
            "encodings",
            "รหัสอักขระ",
            "Encodings",
            (
                (
                    "ไฟล์ CSV เป็น UTF-8 (มีหรือไม่มี BOM) หรือรหัสภาษาไทยแบบเก่า TIS-620 / cp874 "
                    "(แบบที่ Excel บน Windows ภาษาไทยบันทึก) ก็ได้ ระบบตรวจหาเอง",
                    "CSV files may be UTF-8 (with or without a BOM) or the legacy Thai encoding "
                    "TIS-620 / cp874 (what Excel on Thai Windows saves); it is detected.",
                ),
            ),
        ),
        Section(
            "headers",
            "หัวคอลัมน์",
            "Column headers",
            (
                (
                    "หัวคอลัมน์เขียนเป็นชื่อคอลัมน์ภาษาอังกฤษ หรือชื่อภาษาไทยของคอลัมน์ก็ได้ ลำดับคอลัมน์ไม่สำคัญ",
                    "A header may be the column's English name or its Thai label; "
                    "the order of the columns does not matter.",
                ),
                (
                    "คอลัมน์เงินในไฟล์ CSV และ Excel กรอกเป็นบาท ในชื่อ `<ชื่อ>` เช่น `amount` "
                    "ในหน่วยความจำและไฟล์ Parquet เก็บเป็นสตางค์จำนวนเต็มในชื่อ `<ชื่อ>_satang` "
                    "เช่น `amount_satang` (1 บาท = 100 สตางค์) ผลรวมจึงถูกต้องทุกสตางค์",
                    "Money columns are written in baht in CSV and Excel, under `<name>` (e.g. "
                    "`amount`); in memory and in Parquet they are integer satang under "
                    "`<name>_satang` (e.g. `amount_satang`, 1 baht = 100 satang), so every sum "
                    "is exact.",
                ),
            ),
        ),
        Section(
            "dates",
            "วันที่",
            "Dates",
            (
                (
                    "วันที่เขียนแบบ พ.ศ. วัน/เดือน/ปี เช่น 15/01/2551 หรือแบบ ค.ศ. ISO เช่น "
                    "2008-01-15 ใช้เลขไทยได้ เช่น ๑๕/๐๑/๒๕๕๑",
                    "Dates are Buddhist era day/month/year, e.g. 15/01/2551, or ISO Common era, "
                    "e.g. 2008-01-15; Thai digits are fine, e.g. ๑๕/๐๑/๒๕๕๑.",
                ),
                (
                    "คอลัมน์ปีที่ระบุ (พ.ศ.) เป็นปีพุทธศักราช เช่น 2551",
                    "Year columns marked (BE) are Buddhist-era years, e.g. 2551 (= 2008).",
                ),
            ),
        ),
        Section(
            "values",
            "การเขียนค่า",
            "Writing values",
            (
                (
                    "จำนวนเงินเป็นบาท ทศนิยมไม่เกิน 2 ตำแหน่ง มีจุลภาคคั่นหลักพันหรือช่องว่างได้ "
                    "เช่น 1,250.50 หรือ 1 250 และใช้เลขไทยได้ เช่น ๑,๒๕๐",
                    "Amounts are in baht with at most 2 decimals; thousands separators and stray "
                    "spaces are fine (1,250.50 or 1 250), and so are Thai digits (๑,๒๕๐).",
                ),
                (
                    f"ค่าใช่/ไม่ใช่ เขียนได้ว่า {_bool_words(schema.BOOL_WORDS_TRUE)} "
                    f"หรือ {_bool_words(schema.BOOL_WORDS_FALSE)}",
                    f"Yes/no values may be written {_bool_words(schema.BOOL_WORDS_TRUE)} "
                    f"or {_bool_words(schema.BOOL_WORDS_FALSE)}.",
                ),
                (
                    "คอลัมน์ที่มีรายการให้เลือก เขียนเป็นรหัส หรือชื่อภาษาไทยของค่าในรายการก็ได้",
                    "A column with a list of values takes the code or the value's Thai label.",
                ),
            ),
        ),
        Section(
            "text",
            "ข้อความ",
            "Text",
            (
                (
                    f"คอลัมน์ข้อความอิสระ ({free_th}) เก็บการขึ้นบรรทัดใหม่ไว้ทุกรูปแบบไฟล์ "
                    "ส่วนชื่อและข้อความสั้นอื่น ๆ ช่องว่างและการขึ้นบรรทัดที่ติดกันรวมเป็นช่องว่างเดียว",
                    f"Free-text columns ({free_en}) keep their line breaks in every format; in "
                    "names and other short text, runs of spaces and line breaks become one space.",
                ),
                (
                    "ข้อความเป็นข้อความเสมอ: ในสมุดงาน Excel ทุกไฟล์ที่ okanalysis เขียน (ข้อมูล .xlsx "
                    "แบบบันทึกข้อมูล และบันทึกวงเรียนรู้ที่ส่งออก) ข้อความที่ขึ้นต้นด้วย = + - @ "
                    "ไม่กลายเป็นสูตร และอ่านกลับได้ตรงตามเดิม",
                    "Text stays text: in every workbook okanalysis writes (data .xlsx, the "
                    "data-entry workbook, the exported circle records) text starting with "
                    "= + - @ is never a formula, and it reads back exactly.",
                ),
                (
                    "ไฟล์ CSV ที่ทำไว้ให้คนเปิดดู (ไฟล์ rejects และ `okanalysis circles export "
                    "ไฟล์.csv`) ใส่เครื่องหมาย ' นำหน้าข้อความที่ขึ้นต้นด้วย = + - @ แท็บ หรือ "
                    "carriage return (ยกเว้นตัวเลข) โปรแกรมตารางคำนวณจึงไม่รันเป็นสูตร ตามคำแนะนำของ "
                    "OWASP เรื่อง CSV injection ส่วนไฟล์ CSV ข้อมูล (`okanalysis demo`, "
                    "`write_dataset`) เก็บค่าตรงตามจริง นำเข้าใหม่ได้ข้อมูลเดิม",
                    "CSV files written for people to open (the rejects file and `okanalysis "
                    "circles export FILE.csv`) put a single quote ' before text starting with "
                    "= + - @, a tab or a carriage return (numbers excepted), so a spreadsheet "
                    "does not run it as a formula, as the OWASP guide on CSV injection "
                    "recommends. Data CSVs (`okanalysis demo`, `write_dataset`) keep every value "
                    "exactly and load back unchanged.",
                ),
                (
                    f"ช่องหนึ่งเก็บข้อความได้ไม่เกิน {sheets.CELL_MAX_CHARS:,} ตัวอักษร (ขีดจำกัดของ Excel) "
                    "ข้อความที่ยาวกว่าไม่ถูกตัดทิ้ง: การเขียนไฟล์ Excel หรือ CSV จะหยุด "
                    "และบอกตาราง แถว และคอลัมน์ (ไฟล์ Parquet เก็บได้)",
                    f"A cell holds at most {sheets.CELL_MAX_CHARS:,} characters (Excel's limit); "
                    "longer text is never cut: writing Excel or CSV stops and names the table, "
                    "row and column (Parquet keeps it).",
                ),
            ),
        ),
        Section(
            "codes",
            "รหัสพื้นที่",
            "Area codes",
            (
                (
                    f"รหัสพื้นที่ตามกรมการปกครอง: จังหวัด{prov['province_th']} `{prov['province_code']}` "
                    f"อำเภอ 4 หลัก ({n_amphoe} อำเภอ `{lo}`–`{hi}`) ตำบล 6 หลัก "
                    f"(รหัสอำเภอ + 2 หลัก เช่น `{t_code}` ตำบล{first_tambon['tambon_th']}) "
                    f"หมู่บ้าน 8 หลัก (รหัสตำบล + หมู่ที่ 2 หลัก เช่น หมู่ 3 คือ `{t_code}03`)",
                    f"Area codes are the DOPA codes: {prov['province_en']} province "
                    f"`{prov['province_code']}`, districts 4 digits ({n_amphoe} districts, "
                    f"`{lo}`–`{hi}`), sub-districts 6 digits (district code + 2, e.g. `{t_code}` "
                    f"{first_tambon['tambon_en']}), villages 8 digits (sub-district code + "
                    f"2-digit village number, e.g. village 3 is `{t_code}03`).",
                ),
                (
                    "รหัสอำเภอและตำบลตรวจกับทำเนียบพื้นที่จริง (geothai) และหมู่บ้านต้องอยู่ในตำบลของตน",
                    "District and sub-district codes are checked against the real hierarchy "
                    "(geothai), and a village must lie in its own sub-district.",
                ),
            ),
        ),
        Section(
            "bad_rows",
            "แถวที่ไม่ผ่านการตรวจ",
            "Bad rows",
            (
                (
                    "แถวที่ผิดไม่หยุดการนำเข้าและไม่หายไปเงียบ ๆ: ทุกปัญหาเขียนลงไฟล์ rejects (CSV) "
                    "บอกไฟล์ แถว คอลัมน์ ค่าที่พบ และสิ่งที่ต้องการ เป็นภาษาไทยและอังกฤษ "
                    "แถวที่ถูกต้องยังนำเข้าตามปกติ",
                    "A bad row never stops the load and is never silently dropped: each problem "
                    "goes to a rejects file (CSV) with the file, row, column, value and what is "
                    "expected, in Thai and English; the good rows still load.",
                ),
                (
                    "ตรวจด้วยคำสั่ง `okanalysis validate ที่อยู่ข้อมูล [--rejects ไฟล์]` "
                    "ไฟล์ rejects อยู่ใต้ `data/processed/` ของโฟลเดอร์ทำงาน ไม่ใช่ในโฟลเดอร์ข้อมูล",
                    "Check with `okanalysis validate PATH [--rejects FILE]`; the rejects file goes "
                    "under the working folder's `data/processed/`, never inside the input folder.",
                ),
                (
                    "ไฟล์ข้อมูลนำเข้าไม่ถูกแก้ไขเลย นำเข้าซ้ำก็ได้ข้อมูลชุดเดิม ไม่เกิดรายการซ้ำ",
                    "Input files are never modified; loading the same files twice gives the same "
                    "dataset, not duplicates.",
                ),
                (
                    "ตรวจทั้งค่าในแต่ละช่อง รหัสซ้ำ และการอ้างถึงตารางอื่น (เช่น บัญชีของครัวเรือนที่ไม่มี)",
                    "Checks cover each value, duplicate keys and references to other tables "
                    "(e.g. ledger rows for unknown households).",
                ),
            ),
        ),
        Section(
            "pdpa",
            "ข้อมูลส่วนบุคคล (พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล)",
            "Personal data (PDPA)",
            (
                (
                    "รหัสครัวเรือนและรหัสบุคคลเป็นนามแฝง ห้ามใช้ชื่อ-นามสกุล "
                    "หรือเลขประจำตัวประชาชน 13 หลัก บัญชีที่จับคู่นามแฝงกับตัวบุคคลเก็บไว้ที่หมู่บ้าน "
                    "ไม่ใส่ในไฟล์เหล่านี้",
                    "Household and person ids are pseudonyms, never names or national ID "
                    "numbers; the list linking pseudonyms to people stays in the village, "
                    "outside these files.",
                ),
            ),
        ),
    ]


# --- Markdown ---------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _both(pair: tuple[str, str], sep: str = " / ") -> str:
    """Thai and English, once if they are the same (numbers)."""
    return pair[0] if pair[0] == pair[1] else f"{pair[0]}{sep}{pair[1]}"


def _topic(n: int) -> str:
    th, en = schema.TOPICS[n]
    return f"{n}. {th} / {en}"


def _file_column(f: schema.Field) -> str:
    if f.kind == schema.MONEY:
        return (
            f"`{f.file_column}` (บาท / baht)<br>"
            f"`{f.column}` (สตางค์ / satang: ในหน่วยความจำ, Parquet / in memory, Parquet)"
        )
    return f"`{f.file_column}`"


def _allowed(f: schema.Field) -> str:
    if f.kind == schema.CHOICE and f.choices_from != "categories":
        return "<br>".join(
            f"`{code}` {th} / {en}" for code, (th, en) in schema.choice_values(f).items()
        )
    rule = value_rule(f)
    if rule is None:
        return "–"
    if f.choices_from == "categories":
        return f"[{rule[0]} / {rule[1]}](#{CATEGORIES_ANCHOR})"
    if f.kind == schema.ID:
        return f"{_both(rule, '<br>')}<br>`{schema.ID_PATTERN}`"
    return _both(rule, "<br>")


def _meaning(f: schema.Field) -> str:
    return f"{f.en}. {f.description}" if f.description else f.en


def _table_section(t: schema.Table) -> list[str]:
    files = file_names(t.name)
    lines = [
        f'<a id="{t.name}"></a>',
        "",
        f"### `{t.name}`: {t.th} / {t.en}",
        "",
    ]
    if t.description:
        lines += [t.description, ""]
    lines += [
        f"- ประเด็นการเรียนรู้ / Learning topic: {_topic(t.topic)}",
        f"- ไฟล์ / Files: {files[0]} / {files[1]}",
        f"- คีย์ (ห้ามซ้ำ) / Key (unique): {', '.join(f'`{k}`' for k in t.key)}",
    ]
    for ref in t.references:
        source = ", ".join(f"`{c}`" for c in ref.columns)
        target = ", ".join(f"`{ref.target}.{c}`" for c in ref.target_columns)
        optional = " (ว่างได้ / may be empty)" if ref.optional else ""
        lines.append(f"- อ้างอิง / References: {source} → [{target}](#{ref.target}){optional}")
    lines += [
        "",
        _row(
            [
                "คอลัมน์ในไฟล์ / File column",
                "ชื่อไทย / Thai label",
                "ความหมาย / Meaning",
                "ชนิด / Kind",
                "จำเป็น / Required",
                "ค่าที่รับ / Allowed values",
                "ช่วง / Range",
            ]
        ),
        "|---|---|---|---|---|---|---|",
    ]
    for f in t.fields:
        rng = range_rule(f)
        lines.append(
            _row(
                [
                    _file_column(f),
                    f.th,
                    _meaning(f),
                    _both(schema.KIND_LABELS[f.kind], "<br>"),
                    "จำเป็น<br>required" if f.required else "ไม่บังคับ<br>optional",
                    _allowed(f),
                    _both(rng, "<br>") if rng else "–",
                ]
            )
        )
    return [*lines, ""]


def _categories_section() -> list[str]:
    groups = params.ledger_groups()
    cats = params.ledger_categories()
    group_names = {g.group: (g.group_th, g.group_en) for g in groups.itertuples()}
    lines = [
        f'<a id="{CATEGORIES_ANCHOR}"></a>',
        "",
        "## หมวดบัญชีรับจ่าย / Ledger categories",
        "",
        "จาก `parameters/ledger_categories.yaml` ซึ่งทีมวิชาการแก้ไขได้ ใช้ในคอลัมน์ "
        "`ledger.category` และ `plan_items.category` (เขียนเป็นรหัสหรือชื่อไทยก็ได้) / "
        "From `parameters/ledger_categories.yaml`, which the academic team edits; used by "
        "`ledger.category` and `plan_items.category` (write the code or the Thai name).",
        "",
        "### กลุ่มหมวด / Category groups",
        "",
        _row(
            [
                "รหัส / Code",
                "ชื่อไทย / Thai",
                "English",
                "ชนิด / Kind",
                "นับเป็นการบริโภค (สสช.) / Consumption (NSO)",
                "สัดส่วน สสช. 2550 (%) / NSO 2007 share (%)",
            ]
        ),
        "|---|---|---|---|---|---|",
    ]
    for g in groups.itertuples():
        lines.append(
            _row(
                [
                    f"`{g.group}`",
                    g.group_th,
                    g.group_en,
                    _both(CATEGORY_KINDS[g.kind]),
                    "ใช่ / yes" if g.consumption else "ไม่ใช่ / no",
                    format_number(g.nso_share, 1) if g.nso_share is not None else "–",
                ]
            )
        )
    lines += [
        "",
        "### หมวด / Categories",
        "",
        _row(
            [
                "รหัส / Code",
                "ชื่อไทย / Thai",
                "English",
                "ชนิด / Kind",
                "กลุ่ม / Group",
                "ทิศทาง / Direction",
                "ลักษณะ / Flags",
            ]
        ),
        "|---|---|---|---|---|---|---|",
    ]
    for c in cats.itertuples():
        flags = [_both(FLAG_LABELS[flag]) for flag in params.FLAGS if getattr(c, flag)]
        direction = DIRECTIONS.get(c.direction) if isinstance(c.direction, str) else None
        lines.append(
            _row(
                [
                    f"`{c.category}`",
                    c.name_th,
                    c.name_en,
                    _both(CATEGORY_KINDS[c.kind]),
                    f"`{c.group}` {_both(group_names[c.group])}",
                    _both(direction) if direction else "–",
                    "<br>".join(flags) if flags else "–",
                ]
            )
        )
    return [*lines, ""]


def _districts_section() -> list[str]:
    lines = [
        "## รหัสอำเภอ / District codes",
        "",
        _row(["รหัส / Code", "อำเภอ / District (Thai)", "District (English)"]),
        "|---|---|---|",
    ]
    for d in hierarchy.districts().itertuples():
        lines.append(_row([f"`{d.amphoe_code}`", d.amphoe_th, d.amphoe_en]))
    return [*lines, ""]


def render() -> str:
    """The data dictionary as Markdown, Thai and English, from the schema and the parameters."""
    lines = [
        "# พจนานุกรมข้อมูล / Data dictionary",
        "",
        "ชุมชนอินทรีย์อยู่ดีมีสุข จังหวัดนครศรีธรรมราช / "
        "Organic community, live well be happy: Nakhon Si Thammarat",
        "",
        f"> ไฟล์นี้สร้างจาก `okanalysis/contract/schema.py` และ `parameters/` อย่าแก้ด้วยมือ: "
        f"แก้ที่ต้นทางแล้วรัน `{REGENERATE}` / This file is generated from "
        f"`okanalysis/contract/schema.py` and `parameters/`; do not edit it by hand: change the source "
        f"and run `{REGENERATE}`.",
        "",
        "## ตาราง / Tables",
        "",
        _row(["ตาราง / Table", "ชื่อไทย / Thai", "English", "ประเด็นการเรียนรู้ / Learning topic"]),
        "|---|---|---|---|",
    ]
    for t in schema.TABLES.values():
        lines.append(_row([f"[`{t.name}`](#{t.name})", t.th, t.en, _topic(t.topic)]))
    lines += ["", "## ข้อกำหนดทั่วไป / General rules", ""]
    for s in general_rules():
        lines += [f"### {s.th} / {s.en}", ""]
        for th, en in s.items:
            lines += [f"- {th}", f"  <br>{en}"]
        lines.append("")
    lines += ["## รายละเอียดตาราง / Table details", ""]
    for t in schema.TABLES.values():
        lines += _table_section(t)
    lines += _categories_section()
    lines += _districts_section()
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write `docs/data.md` (or `--out`); with `--check`, exit 1 if the file is out of date."""
    parser = argparse.ArgumentParser(
        prog="python -m okanalysis.contract.datadict", description="Write the data dictionary."
    )
    parser.add_argument("--out", type=Path, default=DOC_PATH, help="where to write (docs/data.md)")
    parser.add_argument(
        "--check", action="store_true", help="only check that the file is up to date"
    )
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} ไม่ตรงกับโค้ด / is out of date: run `{REGENERATE}`", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8", newline="\n")
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
