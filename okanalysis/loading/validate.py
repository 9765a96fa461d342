"""Load and validate: raw tables in, typed tables and a list of problems out.

The order of the checks: each column is parsed (dates, amounts, Thai digits...), then checked
against the contract's pandera schema (lazily: every failure, not the first), then keys must be
unique, codes must be on the real hierarchy (geothai) and references must point at loaded rows.
A row with any problem is left out of the tables and reported; every other row loads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from okanalysis.contract import datadict, hierarchy, schema
from okanalysis.contract.dataset import PROBLEM_COLUMNS, Dataset, empty_problems
from okanalysis.contract.fingerprint import contract_fingerprint
from okanalysis.contract.schema import Field, Table
from okanalysis.core import sheets
from okanalysis.loading import io, parse

_MAX_EXAMPLES = 50


def _allowed_text(f: Field, lang: str) -> str:
    values = schema.choice_values(f)
    shown = list(values.items())[:12]
    names = ", ".join(f"{k} ({v[0] if lang == 'th' else v[1]})" for k, v in shown)
    more = " ..." if len(values) > len(shown) else ""
    return names + more


def expected(f: Field) -> tuple[str, str]:
    """What a field expects, in Thai and English, for error messages (the same rules the data
    dictionary states)."""
    th, en = schema.KIND_LABELS[f.kind]
    rules = [datadict.value_rule(f), datadict.range_rule(f)]
    if f.kind == schema.CHOICE:
        th, en = f"ค่าใดค่าหนึ่งใน: {_allowed_text(f, 'th')}", f"one of: {_allowed_text(f, 'en')}"
        rules = rules[1:]
    elif f.kind == schema.CODE and f.code_level in schema.LEVELS:
        th, en = (f"รหัส{schema.LEVELS[f.code_level][0]}", f"{schema.LEVELS[f.code_level][1]} code")
    for rule in rules:
        if rule is not None:
            th, en = f"{th}; {rule[0]}", f"{en}; {rule[1]}"
    if f.required:
        th += " (ต้องกรอก)"
        en += " (required)"
    return th, en


class _Collector:
    """Collects problems for one raw table and remembers which rows are bad."""

    def __init__(self, raw: io.RawTable) -> None:
        self.raw = raw
        self.bad = np.zeros(len(raw.frame), dtype=bool)
        self.items: list[dict] = []

    def add(
        self,
        mask: np.ndarray,
        column: str | None,
        values: pd.Series | None,
        check: str,
        th: str,
        en: str,
    ) -> None:
        if not mask.any():
            return
        idx = np.flatnonzero(mask)
        self.bad[idx] = True
        vals = values.to_numpy(dtype=object)[idx] if values is not None else [None] * len(idx)
        for i, v in zip(idx, vals, strict=True):
            self.items.append(
                {
                    "file": self.raw.file,
                    "table": self.raw.name,
                    "row": int(self.raw.rows[i]),
                    "column": column,
                    "value": ""
                    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
                    else str(v),
                    "check": check,
                    "expected_th": th,
                    "expected_en": en,
                    "_i": i,
                }
            )

    def add_file(self, column: str | None, check: str, th: str, en: str) -> None:
        self.items.append(
            {
                "file": self.raw.file,
                "table": self.raw.name,
                "row": None,
                "column": column,
                "value": "",
                "check": check,
                "expected_th": th,
                "expected_en": en,
                "_i": None,
            }
        )


def _header_map(t: Table, columns: list[str]) -> dict[str, tuple[Field, bool]]:
    """Map file headers to fields: English name, `<name>_satang`, or the Thai label.

    The flag says whether a money column already holds integer satang."""
    lookup: dict[str, tuple[Field, bool]] = {}
    for f in t.fields:
        lookup[f.name.lower()] = (f, f.kind == schema.MONEY and f.column == f.name)
        lookup[f.column.lower()] = (f, f.kind == schema.MONEY)
        lookup[str(parse.clean_text_value(f.th)).lower()] = (f, False)
    out = {}
    for c in columns:
        key = str(parse.clean_text_value(c)).lower()
        if key in lookup:
            out[c] = lookup[key]
    return out


def _is_text(values: pd.Series) -> bool:
    """Typed text already (Parquet strings, or a Categorical of strings)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.categories.dtype == "str"
    return values.dtype == "str"


def _parse_column(
    f: Field, values: pd.Series, satang: bool, typed: bool
) -> tuple[pd.Series, pd.Series]:
    if f.kind == schema.CODE:
        digits = None if f.code_level == "any" else schema.CODE_DIGITS[f.code_level]
        if typed and _is_text(values):
            return values, pd.Series(False, index=values.index)
        return parse.code(values, digits)
    if f.kind == schema.ID:
        if typed and _is_text(values):
            return values, pd.Series(False, index=values.index)
        return parse.identifier(values)
    if f.kind == schema.TEXT:
        return parse.text(values, multiline=f.multiline)
    if f.kind == schema.INT:
        return parse.integer(values)
    if f.kind == schema.MONEY:
        return parse.money(values, already_satang=satang)
    if f.kind == schema.DATE:
        return parse.date(values)
    if f.kind == schema.BOOL:
        return parse.boolean(values, schema.BOOL_WORDS_TRUE, schema.BOOL_WORDS_FALSE)
    if f.kind == schema.CHOICE:
        if typed and _is_text(values):
            return values, pd.Series(False, index=values.index)
        return parse.choice(values, schema.choice_values(f))
    raise ValueError(f.kind)


def _working_dtype(f: Field) -> str:
    """The dtype while checking: like the contract's, but able to hold a missing value."""
    return "Int64" if f.kind == schema.MONEY else schema.column_dtype(f)


def _final(table: str, frame: pd.DataFrame, bad: np.ndarray) -> pd.DataFrame:
    """The good rows in the contract's exact dtypes."""
    if bad.any():
        frame = frame.loc[~bad].reset_index(drop=True)
    dtypes = {f.column: schema.column_dtype(f) for f in schema.TABLES[table].fields}
    changed = {c: d for c, d in dtypes.items() if str(frame[c].dtype) != d}
    return frame.astype(changed) if changed else frame


def _parse_table(raw: io.RawTable, col: _Collector) -> pd.DataFrame:
    """Parse every column of a raw table into the contract's types; bad cells are reported."""
    t = schema.TABLES[raw.name]
    hmap = _header_map(t, list(raw.frame.columns))
    by_field = {f.name: (c, sat) for c, (f, sat) in hmap.items()}
    out: dict[str, pd.Series] = {}
    n = len(raw.frame)
    for f in t.fields:
        if f.name not in by_field:
            if f.required:
                col.add_file(
                    f.file_column,
                    "missing_column",
                    f"ไม่มีคอลัมน์ที่ต้องมี '{f.file_column}' ({f.th})",
                    f"required column '{f.file_column}' ({f.en}) is missing",
                )
            out[f.column] = pd.Series([pd.NA] * n, dtype=_working_dtype(f))
            continue
        source, satang = by_field[f.name]
        values = raw.frame[source].reset_index(drop=True)
        parsed, bad = _parse_column(f, values, satang, raw.typed)
        if bad.any():
            th, en = expected(f)
            col.add(bad.to_numpy(), f.file_column, values, f"parse_{f.kind}", th, en)
        out[f.column] = parsed.astype(_working_dtype(f))
    extra = [c for c in raw.frame.columns if c not in hmap]
    for c in extra:
        out[str(c)] = parse.text(raw.frame[c].reset_index(drop=True))[0]
    return pd.DataFrame(out)


def _schema_checks(table: str, frame: pd.DataFrame, col: _Collector) -> None:
    """Required cells, then the pandera checks of each column, run on its distinct values and
    mapped back to the rows that hold them (fast on millions of ledger rows)."""
    import pandera.pandas as pa

    full = schema.pandera_schema(table)
    for f in schema.TABLES[table].fields:
        if any(i["_i"] is None and i["column"] == f.file_column for i in col.items):
            continue  # the whole column is missing: already reported once
        series = frame[f.column]
        th, en = expected(f)
        if f.required:
            mask = series.isna().to_numpy() & ~col.bad
            col.add(mask, f.file_column, None, "required", th, en)
        if schema.TABLES[table].key == (f.column,):
            distinct = series.dropna()  # a key: all values differ anyway, skip the hashing
        else:
            distinct = pd.Series(series.dropna().unique())
        distinct = distinct.astype(schema.column_dtype(f)).reset_index(drop=True)
        column_schema = pa.DataFrameSchema({f.column: full.columns[f.column]})
        try:
            column_schema.validate(pd.DataFrame({f.column: distinct}), lazy=True)
        except pa.errors.SchemaErrors as exc:
            fc = exc.failure_cases
            checks = "; ".join(sorted({_check_name(str(c)) for c in fc["check"]}))
            bad_values = pd.Series(fc["failure_case"].dropna().unique()).astype(series.dtype)
            mask = series.isin(bad_values).fillna(False).to_numpy()
            col.add(mask, f.file_column, series, checks, th, en)


def _check_name(check: str) -> str:
    """A short name for a pandera check ('isin([...])' -> 'allowed_values')."""
    for prefix, name in (
        ("isin", "allowed_values"),
        ("str_matches", "format"),
        ("greater_than", "minimum"),
        ("less_than", "maximum"),
        ("in_range", "range"),
        ("not_nullable", "required"),
    ):
        if check.startswith(prefix):
            return name
    return check


def _row_checks(table: str, frame: pd.DataFrame, col: _Collector) -> None:
    """Rules between the columns of one row (for example a village code inside its tambon)."""
    if table == "villages":
        vc, tc = frame["village_code"], frame["tambon_code"]
        mask = (vc.str[:6] != tc).fillna(False).to_numpy()
        col.add(
            mask,
            "village_code",
            vc,
            "village_in_tambon",
            "รหัสหมู่บ้าน 6 หลักแรกต้องเป็นรหัสตำบล",
            "the first 6 digits must be the sub-district code",
        )
        no = pd.to_numeric(vc.str[6:8], errors="coerce")
        mask = (no != frame["village_no"]).fillna(False).to_numpy()
        col.add(
            mask,
            "village_no",
            frame["village_no"],
            "village_number",
            "หมู่ที่ต้องตรงกับ 2 หลักท้ายของรหัสหมู่บ้าน",
            "must equal the last 2 digits of the village code",
        )
    if table in ("health_standard",):
        mask = (frame["households_passed"] > frame["households_assessed"]).fillna(False).to_numpy()
        col.add(
            mask,
            "households_passed",
            frame["households_passed"],
            "not_more_than_assessed",
            "ต้องไม่เกินจำนวนครัวเรือนที่ประเมิน",
            "cannot exceed households assessed",
        )
    if table == "cdd_standard":
        mask = (frame["indicators_passed"] > frame["indicators_total"]).fillna(False).to_numpy()
        col.add(
            mask,
            "indicators_passed",
            frame["indicators_passed"],
            "not_more_than_total",
            "ต้องไม่เกินจำนวนตัวชี้วัด",
            "cannot exceed indicators assessed",
        )
    if table == "finance_groups":
        mask = (
            (frame["arrears_satang"] > frame["loans_outstanding_satang"]).fillna(False).to_numpy()
        )
        col.add(
            mask,
            "arrears",
            frame["arrears_satang"],
            "arrears_within_loans",
            "หนี้ค้างชำระต้องไม่เกินเงินให้กู้คงค้าง",
            "arrears cannot exceed loans outstanding",
        )
    if table == "people":
        need = (frame["role"] == "tambon_facilitator") & frame["sector"].isna()
        col.add(
            need.fillna(False).to_numpy(),
            "sector",
            frame["sector"],
            "sector_required",
            "คุณอำนวยตำบลต้องระบุภาคี",
            "a sub-district facilitator needs a partner sector",
        )


def _hierarchy_checks(
    table: str, frame: pd.DataFrame, col: _Collector, villages: pd.DataFrame, province: str
) -> None:
    """Codes must exist on the real hierarchy (geothai) of `province` and match their level."""
    district_codes = hierarchy.districts(province)["amphoe_code"]
    districts = set(district_codes)
    tambons = hierarchy.tambons(province).set_index("tambon_code")["amphoe_code"]
    names = hierarchy.province(province)
    first, last = district_codes.min(), district_codes.max()
    village_codes = set(villages["village_code"])
    t = schema.TABLES[table]
    for f in t.fields:
        if f.kind != schema.CODE or f.column not in frame:
            continue
        s = frame[f.column]
        if f.code_level == "amphoe":
            mask = s.notna() & ~s.isin(districts)
            col.add(
                mask.to_numpy() & ~col.bad,
                f.file_column,
                s,
                "known_amphoe",
                f"รหัสอำเภอไม่มีในจังหวัด{names['province_th']} ({first}–{last})",
                f"not a district of {names['province_en']} ({first}–{last})",
            )
        elif f.code_level == "tambon":
            mask = s.notna() & ~s.isin(tambons.index)
            col.add(
                mask.to_numpy() & ~col.bad,
                f.file_column,
                s,
                "known_tambon",
                f"รหัสตำบลไม่มีในจังหวัด{names['province_th']} (ตามทะเบียนกรมการปกครอง)",
                f"not a sub-district of {names['province_en']} (DOPA register)",
            )
        elif f.code_level == "village" and table != "villages":
            mask = s.notna() & ~s.isin(village_codes)
            col.add(
                mask.to_numpy() & ~col.bad,
                f.file_column,
                s,
                "known_village",
                "ไม่พบรหัสหมู่บ้านนี้ในตารางหมู่บ้าน (ที่ผ่านการตรวจ)",
                "no such village among the villages that loaded",
            )
        elif f.code_level == "any" and "level" in frame:
            lvl = frame["level"]
            ok = (
                ((lvl == "village") & s.isin(village_codes))
                | ((lvl == "tambon") & s.isin(tambons.index))
                | ((lvl == "amphoe") & s.isin(districts))
                | ((lvl == "province") & (s == province))
            ).fillna(False)
            mask = s.notna() & lvl.notna() & ~ok
            col.add(
                mask.to_numpy() & ~col.bad,
                f.file_column,
                s,
                "unit_of_level",
                f"รหัสพื้นที่ต้องเป็นหน่วยที่มีอยู่จริงในระดับที่ระบุ (หมู่บ้าน 8 หลัก ตำบล 6 อำเภอ 4 จังหวัด {province})",
                "must be an existing unit of the stated level "
                f"(village 8 digits, tambon 6, district 4, province {province})",
            )
    if table == "villages":
        mapped = frame["tambon_code"].map(tambons)
        mask = mapped.notna() & (mapped != frame["amphoe_code"])
        col.add(
            mask.fillna(False).to_numpy() & ~col.bad,
            "amphoe_code",
            frame["amphoe_code"],
            "tambon_in_amphoe",
            "ตำบลนี้ไม่ได้อยู่ในอำเภอที่ระบุ",
            "the sub-district is not in this district",
        )


def _any_duplicate(values: pd.Series) -> bool:
    """Whether a column holds any value twice: a sort and a neighbour compare in Arrow, which
    is several times faster than hashing millions of distinct strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(values) < 2:
        return False
    arr = pa.array(values)
    ordered = pc.take(arr, pc.sort_indices(arr))
    same = pc.equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
    return bool(pc.any(same).as_py()) or values.isna().sum() > 1


def _duplicates(table: str, frame: pd.DataFrame, col: _Collector) -> None:
    """A key seen twice: the later rows are rejected, each naming the row that came first."""
    key = list(schema.TABLES[table].key)
    good = np.flatnonzero(~col.bad)
    sub = frame.iloc[good][key]
    if len(key) == 1 and not _any_duplicate(sub[key[0]]):
        return
    dup = (sub[key[0]] if len(key) == 1 else sub).duplicated(keep="first").to_numpy()
    if not dup.any():
        return
    group = sub.groupby(key, sort=False, dropna=False).ngroup().to_numpy()
    first_pos = pd.Series(np.arange(len(sub))).groupby(group).transform("min").to_numpy()
    for pos in np.flatnonzero(dup):
        i = int(good[pos])
        first_row = int(col.raw.rows[int(good[first_pos[pos]])])
        col.bad[i] = True
        th, en = duplicate_expected(first_row)
        col.items.append(
            {
                "file": col.raw.file,
                "table": col.raw.name,
                "row": int(col.raw.rows[i]),
                "column": "+".join(key),
                "value": " / ".join(str(v) for v in frame.iloc[i][key]),
                "check": "duplicate_key",
                "expected_th": th,
                "expected_en": en,
                "_i": i,
            }
        )


def _references(
    table: str, frame: pd.DataFrame, col: _Collector, loaded: dict[str, pd.DataFrame]
) -> None:
    for ref in schema.TABLES[table].references:
        target = frame if ref.target == table else loaded.get(ref.target)
        target_keys = target[list(ref.target_columns)] if target is not None else None
        c = ref.columns[0]
        s = frame[c]
        known = (
            target_keys[ref.target_columns[0]]
            if target_keys is not None
            else pd.Series([], dtype="str")
        )
        mask = s.notna() & ~s.isin(known)
        f = schema.TABLES[table].field(c)
        col.add(
            mask.fillna(False).to_numpy() & ~col.bad,
            f.file_column,
            s,
            *reference_expected(ref),
        )


def reference_expected(ref: schema.Reference) -> tuple[str, str, str]:
    """The check name and what is expected (Thai, English) of a value a reference misses."""
    tt = schema.TABLES[ref.target]
    return (
        f"reference_{ref.target}",
        f"ไม่พบในตาราง{tt.th} ({ref.target}) ที่โหลดได้",
        f"not found among the loaded {tt.en.lower()} ({ref.target})",
    )


def duplicate_expected(first_row: int) -> tuple[str, str]:
    """What is expected (Thai, English) of a row whose key is already in `first_row`."""
    return (
        f"รหัสซ้ำกับแถว {first_row} (แต่ละรายการต้องมีรหัสไม่ซ้ำ)",
        f"duplicate key: already in row {first_row} (each record needs its own id)",
    )


def _trusted(raw: io.RawTable) -> pd.DataFrame | None:
    """A trusted Parquet table in the contract's dtypes, or None if it does not fit exactly."""
    if list(raw.frame.columns) != schema.TABLES[raw.name].columns:
        return None
    return _final(raw.name, raw.frame.reset_index(drop=True), np.zeros(len(raw.frame), bool))


def validate_tables(
    raws: list[io.RawTable], *, progress: bool = False, province: str | None = None
) -> Dataset:
    """Parse and check raw tables; returns the good rows as a Dataset with the problems.

    Codes are checked against the hierarchy of `province`; when None, the province the
    villages table lies in (`hierarchy.province_of`; Nakhon Si Thammarat without villages)."""
    if province is not None:
        province = hierarchy.check_province(province)
    from tqdm.auto import tqdm

    by_name: dict[str, list[io.RawTable]] = {}
    for r in raws:
        by_name.setdefault(r.name, []).append(r)
    loaded: dict[str, pd.DataFrame] = {}
    problems: list[dict] = []
    names = tqdm(
        schema.TABLE_ORDER, desc="ตรวจข้อมูล / validating", unit="table", disable=not progress
    )
    for name in names:
        group = by_name.get(name, [])
        if len(group) == 1 and group[0].trusted and (frame := _trusted(group[0])) is not None:
            loaded[name] = frame  # validated when written, unchanged since
            continue
        parts = []
        for raw in group:
            col = _Collector(raw)
            frame = _parse_table(raw, col)
            if any(i["_i"] is None for i in col.items):
                col.bad[:] = True  # a required column is missing: no row of this file can load
            else:
                _schema_checks(name, frame, col)
                _row_checks(name, frame, col)
                if province is None:
                    province = hierarchy.province_of(
                        frame if name == "villages" else loaded.get("villages")
                    )
                _hierarchy_checks(
                    name,
                    frame,
                    col,
                    loaded.get("villages", schema.empty_table("villages")),
                    province,
                )
                if name != "people":
                    _references(name, frame, col, loaded)
            parts.append((raw, frame, col))
        if not parts:
            loaded[name] = schema.empty_table(name)
            continue
        # keys unique across all files of the table, then self-references
        frame = pd.concat([p[1] for p in parts], ignore_index=True)
        merged = _Collector(
            io.RawTable(name, "", frame, np.concatenate([p[0].rows for p in parts]))
        )
        merged.bad = np.concatenate([p[2].bad for p in parts])
        starts = np.cumsum([0] + [len(p[1]) for p in parts])
        _duplicates(name, frame, merged)
        if name == "people":
            good_people = frame.loc[~merged.bad]
            _references(name, frame, merged, {"people": good_people})
        for item in merged.items:
            item["file"] = parts[int(np.searchsorted(starts, item["_i"], side="right")) - 1][0].file
        for p in parts:
            problems.extend(p[2].items)
        problems.extend(merged.items)
        loaded[name] = _final(name, frame, merged.bad)
    table = pd.DataFrame(problems, columns=[*PROBLEM_COLUMNS, "_i"]).drop(columns="_i")
    if len(table):
        table["row"] = table["row"].astype("Int64")
        table = table.sort_values(["table", "file", "row"], kind="stable", na_position="first")
        table = table.astype({c: "str" for c in PROBLEM_COLUMNS if c != "row"}).reset_index(
            drop=True
        )
    else:
        table = empty_problems()
    if province is None:
        province = hierarchy.province_of(loaded.get("villages"))
    return Dataset(tables=loaded, problems=table, province=province)


def load(
    path: str | os.PathLike[str],
    *,
    province: str | None = None,
    progress: bool = False,
    skip: tuple[str, ...] = (),
) -> Dataset:
    """Load a province's data from a folder of CSV, an XLSX workbook or Parquet files.

    A folder of several provinces (Parquet partitioned by province, as `okanalysis demo
    --provinces` writes it) loads one: `province="81"`, by default Nakhon Si Thammarat (80)
    when the folder holds it (`io.resolve_province`). Codes are checked against the hierarchy
    of that province; in a folder of one province, of `province` when given, else of the
    province the villages lie in. A wrong province code is refused in Thai and English.

    Returns the rows that pass every check, typed as the contract says; `Dataset.problems`
    lists every rejected value with file, row, column, value and what is expected in Thai and
    English. Nothing at `path` is modified. Loading the same files twice gives the same dataset.

    Parquet that okanalysis wrote from validated data (its manifest records each file's
    SHA-256) is read without checking every row again, as long as no file has changed and the
    contract and parameters are the same; anything else is checked in full.

    Tables named in `skip` are not read: they are empty in the Dataset (the DuckDB engine
    reads and checks the ledger itself, `okanalysis.loading.duck`).
    """
    province = io.resolve_province(path, province)
    raws = io.read_tables(path, province, skip=skip)
    trusted = io.trusted_files(Path(path), contract_fingerprint(), province)
    for raw in raws:
        raw.trusted = raw.typed and io.relative_name(Path(path), raw.file) in trusted
    ds = validate_tables(raws, progress=progress, province=province)
    ds.source = str(Path(path))
    ds.validated = True
    return ds


def write_rejects(problems: pd.DataFrame, out: str | os.PathLike[str]) -> Path:
    """Write the problems to a CSV (UTF-8 with BOM so Excel shows Thai), creating folders.

    It is opened in a spreadsheet: a value that would run as a formula gets a quote in front
    (`sheets.write_csv_for_people`)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    return sheets.write_csv_for_people(problems, out, table=str(out))


def problems_as_json(problems: pd.DataFrame) -> str:
    """The problems as JSON lines (for machines)."""
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in problems.to_dict("records"))
