"""Reading and writing the programme's files: a folder of CSV, an Excel workbook, Parquet.

Reading returns raw tables (values as people typed them, with the row number each has in its
file) for `okanalysis.validate` to parse and check. Input files are only ever read. Writing
refuses to put files into a folder that holds anything it did not write itself.

Several provinces live in one folder as Parquet partitioned by province, the layout of the
results store: `<folder>/<table>/province=<code>/part-0.parquet` (`write_provinces`); a read
of such a folder takes one province (`read_tables(path, province=...)`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from okanalysis.contract import hierarchy, schema
from okanalysis.core.errors import InputError
from okanalysis.core.sheets import check_cell_text, write_sheet
from okanalysis.core.thai import BE_OFFSET
from okanalysis.loading.parse import clean_text_value

EXCEL_MAX_ROWS = 1_048_576
FORMATS = ("csv", "xlsx", "parquet")
MARKER = "OKANALYSIS-GENERATED.txt"
#: Beside Parquet written by okanalysis: each file's SHA-256, and whether its rows were validated.
MANIFEST = "okanalysis-manifest.json"
#: The partition folder of one province in a folder of several: `<table>/province=<code>/`.
PARTITION = "province="
PART = "part-0.parquet"


@dataclass
class RawTable:
    """One table as read from a file: raw values, and each row's number in that file."""

    name: str
    file: str
    frame: pd.DataFrame
    rows: np.ndarray
    typed: bool = False  # Parquet keeps its types; CSV and Excel cells are text or cells
    trusted: bool = False  # validated Parquet, unchanged since (see `trusted_files`)


def detect_encoding(path: Path, sample: int = 4 << 20) -> str:
    """'utf-8-sig' when the file is UTF-8 (BOM or not), else 'cp874' (TIS-620 on Thai Windows)."""
    with open(path, "rb") as fh:
        head = fh.read(sample)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(head) == sample:
            return "utf-8-sig"  # a character cut by the sample's end
    try:
        head.decode("cp874")
    except UnicodeDecodeError as exc:
        raise InputError(
            "อ่านไฟล์ไม่ได้: ไม่ใช่ UTF-8 หรือ TIS-620",
            "cannot read: neither UTF-8 nor TIS-620 (cp874) text",
            file=str(path),
        ) from exc
    return "cp874"


def _table_for(name: str) -> str | None:
    """The contract table a file or sheet name stands for (English name or Thai title)."""
    key = str(clean_text_value(name)).lower()
    for t in schema.TABLES.values():
        if key in (t.name, str(clean_text_value(t.th)).lower()):
            return t.name
    return None


def _read_csv(path: Path, table: str) -> RawTable:
    encoding = detect_encoding(path)
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            encoding=encoding,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
        )
    except UnicodeDecodeError:
        frame = pd.read_csv(path, dtype=str, encoding="cp874", keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise InputError(
            f"ไฟล์ CSV ผิดรูปแบบ ({exc})", f"malformed CSV ({exc})", file=str(path)
        ) from exc
    blank = (
        (frame == "").all(axis=1).to_numpy() if len(frame.columns) else np.zeros(len(frame), bool)
    )
    rows = np.arange(2, len(frame) + 2)
    frame = frame.loc[~blank].reset_index(drop=True)
    return RawTable(table, str(path), frame, rows[~blank])


def _read_parquet(path: Path, table: str) -> RawTable:
    import pyarrow.parquet as pq

    wanted = [f.column for f in schema.TABLES[table].fields if f.categorical]
    try:
        names = set(pq.read_schema(path).names)
        frame = pd.read_parquet(path, read_dictionary=[c for c in wanted if c in names] or None)
    except Exception as exc:  # pyarrow raises several kinds for a bad file
        raise InputError(
            f"อ่านไฟล์ Parquet ไม่ได้ ({exc})", f"cannot read Parquet ({exc})", file=str(path)
        ) from exc
    frame = frame.reset_index(drop=True)
    return RawTable(table, str(path), frame, np.arange(1, len(frame) + 1), typed=True)


def _read_xlsx(path: Path) -> list[RawTable]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(
            f"อ่านไฟล์ Excel ไม่ได้ ({exc})", f"cannot read the Excel workbook ({exc})", file=str(path)
        ) from exc
    tables = []
    try:
        for ws in wb.worksheets:
            name = _table_for(ws.title)
            if name is None:
                continue
            it = ws.iter_rows(values_only=True)
            header = next(it, None)
            if header is None:
                continue
            width = len(header)
            while width and header[width - 1] in (None, ""):
                width -= 1
            cols = [
                str(h) if h is not None else f"column_{i + 1}" for i, h in enumerate(header[:width])
            ]
            data, rows = [], []
            for i, values in enumerate(it, start=2):
                values = tuple(values[:width]) + (None,) * max(0, width - len(values))
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                data.append(values)
                rows.append(i)
            frame = pd.DataFrame(data, columns=cols, dtype=object)
            tables.append(RawTable(name, f"{path}[{ws.title}]", frame, np.array(rows, dtype=int)))
    finally:
        wb.close()
    return tables


def provinces_in(path: str | os.PathLike[str]) -> list[str]:
    """The provinces of a folder partitioned by province (`<table>/province=<code>/`), in code
    order; empty for any other folder or file."""
    path = Path(path)
    if not path.is_dir():
        return []
    found = {
        part.name.removeprefix(PARTITION)
        for table in path.iterdir()
        if table.is_dir() and table.name in schema.TABLES
        for part in table.glob(f"{PARTITION}*")
        if part.is_dir()
    }
    return sorted(found)


def resolve_province(path: str | os.PathLike[str], province: object = None) -> str | None:
    """The province to read at `path`: `province` (checked: a real province code, and held by
    a partitioned folder), else for a folder of several provinces Nakhon Si Thammarat (80) when
    it holds it, or its only province; None for a folder or file of one province (the data
    says which). Refused, in Thai and English, naming the provinces the folder holds."""
    held = provinces_in(path)
    if province is not None and str(province).strip() != "":
        code = hierarchy.check_province(province)
        if held and code not in held:
            shown = ", ".join(held)
            raise InputError(
                f"โฟลเดอร์นี้ไม่มีข้อมูลจังหวัด {code} จังหวัดที่มี: {shown}",
                f"this folder holds no data of province {code}; it holds: {shown}",
                file=str(path),
                column="province",
                value=code,
            )
        return code
    if not held:
        return None
    if len(held) == 1 or hierarchy.PROVINCE_CODE in held:
        return held[0] if len(held) == 1 else hierarchy.PROVINCE_CODE
    shown = ", ".join(held)
    raise InputError(
        f"โฟลเดอร์นี้มีข้อมูลหลายจังหวัด ({shown}): ระบุจังหวัดด้วย province=",
        f"this folder holds several provinces ({shown}): choose one with province=",
        file=str(path),
        column="province",
    )


def table_files(
    path: str | os.PathLike[str], table: str, province: str | None = None
) -> list[Path]:
    """The files `read_tables` reads `table` from: in a folder partitioned by province, the
    Parquet files of `province`; else the folder's `<table>.csv` / `.parquet` files (English
    name or Thai title) and `.xlsx` workbooks (which may hold it as a sheet), or the file."""
    path = Path(path)
    partition = resolve_province(path, province) if provinces_in(path) else None
    if partition is not None:
        return [f for f in province_files(path, partition) if f.parent.parent.name == table]
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return [
        f
        for f in files
        if f.suffix.lower() == ".xlsx"
        or (f.suffix.lower() in (".csv", ".parquet") and _table_for(f.stem) == table)
    ]


def province_files(path: Path, province: str) -> list[Path]:
    """The Parquet files of one province in a folder partitioned by province."""
    return sorted(
        f
        for f in path.glob(f"*/{PARTITION}{province}/*.parquet")
        if f.is_file() and f.parent.parent.name in schema.TABLES
    )


def relative_name(folder: Path, file: str | os.PathLike[str]) -> str:
    """A file's name as a manifest records it: its path inside `folder` (the file name in a
    flat folder, `<table>/province=<code>/part-0.parquet` in a partitioned one)."""
    try:
        return Path(file).relative_to(folder).as_posix()
    except ValueError:
        return Path(file).name


def read_tables(
    path: str | os.PathLike[str], province: str | None = None, *, skip: Collection[str] = ()
) -> list[RawTable]:
    """Every contract table found at `path`: a folder of `<table>.csv` / `<table>.parquet`
    files, an `.xlsx` workbook with a sheet per table, or a single such file; or, in a folder
    partitioned by province, the Parquet files of `province` (see `resolve_province`).
    Tables named in `skip` are not read (the DuckDB engine reads the ledger itself)."""
    path = Path(path)
    if not path.exists():
        raise InputError("ไม่พบไฟล์หรือโฟลเดอร์", "no such file or folder", file=str(path))
    partition = resolve_province(path, province) if provinces_in(path) else None
    if partition is not None:
        return [
            _read_parquet(f, f.parent.parent.name)
            for f in province_files(path, partition)
            if f.parent.parent.name not in skip
        ]
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    tables: list[RawTable] = []
    skipped = False
    for f in files:
        suffix = f.suffix.lower()
        if suffix == ".xlsx":
            tables.extend(t for t in _read_xlsx(f) if t.name not in skip)
            continue
        name = _table_for(f.stem)
        if name is None:
            continue
        if name in skip:
            skipped = skipped or suffix in (".csv", ".parquet")
            continue
        if suffix == ".csv":
            tables.append(_read_csv(f, name))
        elif suffix == ".parquet":
            tables.append(_read_parquet(f, name))
    if not tables and not skipped:
        raise InputError(
            "ไม่พบตารางข้อมูล (ต้องมีไฟล์เช่น villages.csv หรือชีตชื่อ villages)",
            "no data tables found (expected files such as villages.csv or a sheet named villages)",
            file=str(path),
        )
    return tables


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (about 0.3 s for 100 MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def trusted_files(folder: Path, fingerprint: str, province: str | None = None) -> set[str]:
    """The Parquet files in `folder` (of `province` in a folder partitioned by province) that
    okanalysis validated and wrote, unchanged since, by `relative_name`.

    All or nothing: only when the manifest says the folder (the province) was validated under
    the same contract and parameters (`fingerprint`) and every file it lists still has its
    recorded SHA-256. One changed file means every table is checked again, references
    included."""
    path = folder / MANIFEST
    if not folder.is_dir() or not path.is_file():
        return set()
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("contract") != fingerprint:
            return set()
        if province is not None and provinces_in(folder):
            entry = manifest["provinces"][province]
            present = {relative_name(folder, p) for p in province_files(folder, province)}
        else:
            entry = manifest
            present = {p.name for p in folder.glob("*.parquet")}
        files = entry["files"]
        if not entry.get("validated") or present != set(files):
            return set()
        if any(file_sha256(folder / name) != meta["sha256"] for name, meta in files.items()):
            return set()
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return set(files)


def _read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_manifest(
    folder: Path,
    files: list[Path],
    *,
    validated: bool,
    fingerprint: str,
    province: str | None = None,
) -> None:
    """The manifest of a flat folder, or (with `province`) the entry of one province in the
    manifest of a folder partitioned by province (the other provinces' entries are kept)."""
    entry = {
        "validated": validated,
        "files": {relative_name(folder, p): {"sha256": file_sha256(p)} for p in files},
    }
    manifest: dict = {
        "about": "written by okanalysis; a changed file is validated again on load",
        "contract": fingerprint,
    }
    if province is None:
        manifest.update(entry)
    else:
        earlier = _read_manifest(folder)
        kept = earlier.get("provinces", {}) if earlier.get("contract") == fingerprint else {}
        manifest["partitioned"] = "province"
        manifest["provinces"] = {**kept, province: entry}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def mark_validated(
    folder: str | os.PathLike[str], fingerprint: str, province: str | None = None
) -> None:
    """Record that the Parquet files in `folder` (of `province` in a folder partitioned by
    province), as they are now, passed validation."""
    folder = Path(folder)
    if province is not None and provinces_in(folder):
        files = province_files(folder, province)
        _write_manifest(folder, files, validated=True, fingerprint=fingerprint, province=province)
        return
    _write_manifest(
        folder, sorted(folder.glob("*.parquet")), validated=True, fingerprint=fingerprint
    )


# --- writing ---------------------------------------------------------------------------------


def _baht_text(satang: pd.Series) -> pd.Series:
    """Integer satang as exact baht text: 125050 -> '1250.50', -500 -> '-5.00'."""
    s = satang.astype("Int64")
    missing = s.isna()
    filled = s.fillna(0).astype("int64")
    absolute = filled.abs()
    text = (
        pd.Series(np.where(filled < 0, "-", ""), index=s.index)
        + (absolute // 100).astype(str)
        + "."
        + (absolute % 100).astype(str).str.zfill(2)
    )
    return text.astype("str").where(~missing, "")


def _be_date_text(dates: pd.Series) -> pd.Series:
    """Dates as Buddhist-era dd/mm/yyyy text, as Thai users write them."""
    d = pd.to_datetime(dates)
    text = (
        d.dt.day.astype("Int64").astype(str).str.zfill(2)
        + "/"
        + d.dt.month.astype("Int64").astype(str).str.zfill(2)
        + "/"
        + (d.dt.year.astype("Int64") + BE_OFFSET).astype(str)
    )
    return text.where(d.notna(), "")


def to_file_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A typed table in the form people read: baht amounts, BE dates, ใช่/ไม่ใช่."""
    out = {}
    for f in schema.TABLES[table].fields:
        col = frame[f.column]
        if f.kind == schema.MONEY:
            out[f.file_column] = _baht_text(col)
        elif f.kind == schema.DATE:
            out[f.file_column] = _be_date_text(col)
        elif f.kind == schema.BOOL:
            out[f.file_column] = col.map({True: "ใช่", False: "ไม่ใช่"}).astype("str").fillna("")
        elif f.kind == schema.INT:
            out[f.file_column] = col.astype("Int64").astype("str").fillna("")
        else:
            out[f.file_column] = col.astype("str").fillna("")
    extra = [c for c in frame.columns if c not in schema.TABLES[table].columns]
    for c in extra:
        out[c] = frame[c].astype("str").fillna("")
    return pd.DataFrame(out)


def _prepare_out(out: Path, overwrite: bool) -> None:
    """Make `out` ready to write into, refusing to touch a folder of someone else's files."""
    if out.exists() and not out.is_dir():
        raise InputError(
            "ปลายทางเป็นไฟล์ ไม่ใช่โฟลเดอร์", "the output is a file, not a folder", file=str(out)
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists() and not overwrite:
        raise InputError(
            "โฟลเดอร์ปลายทางมีไฟล์อื่นอยู่แล้ว จะไม่เขียนทับ (เลือกโฟลเดอร์ใหม่)",
            "the output folder already holds other files; nothing is overwritten (choose a new folder)",
            file=str(out),
        )
    out.mkdir(parents=True, exist_ok=True)
    if (out / MARKER).exists():  # our own earlier output: clear it so no stale format remains
        for name in [
            *(f"{t}.{ext}" for t in schema.TABLE_ORDER for ext in ("csv", "parquet")),
            "okanalysis.xlsx",
            MANIFEST,
        ]:
            (out / name).unlink(missing_ok=True)
        for t in schema.TABLE_ORDER:  # the partitions of an earlier several-province output
            for part in (out / t).glob(f"{PARTITION}*") if (out / t).is_dir() else ():
                for f in part.glob("*.parquet"):
                    f.unlink()
                part.rmdir()
            if (out / t).is_dir() and not any((out / t).iterdir()):
                (out / t).rmdir()


def write_dataset(
    dataset,
    out: str | os.PathLike[str],
    fmt: str = "csv",
    *,
    note: str = "",
    overwrite: bool = False,
) -> list[Path]:
    """Write every table of `dataset` to `out` as CSV files, one XLSX workbook or Parquet files.

    CSV and Excel hold what people read (baht, Buddhist-era dates); Parquet holds the typed
    tables (integer satang, dates) for speed. A marker file says the folder was generated.
    """
    if fmt not in FORMATS:
        raise InputError(
            f"รูปแบบต้องเป็นหนึ่งใน {FORMATS}", f"format must be one of {FORMATS}", value=fmt
        )
    out = Path(out)
    if fmt == "xlsx":
        big = {n: len(t) for n, t in dataset.tables.items() if len(t) + 1 > EXCEL_MAX_ROWS}
        if big:
            name, n = next(iter(big.items()))
            raise InputError(
                f"ตาราง {name} มี {n:,} แถว เกินขีดจำกัดของ Excel ({EXCEL_MAX_ROWS:,} แถวต่อชีต) "
                "ให้ใช้ --format parquet หรือ csv",
                f"table {name} has {n:,} rows, more than an Excel sheet holds ({EXCEL_MAX_ROWS:,}); "
                "use --format parquet or csv",
                file=str(out),
                value=n,
            )
    if fmt in ("csv", "xlsx"):  # people open these in a spreadsheet: refuse what it cannot hold
        for name in schema.TABLE_ORDER:
            check_cell_text(dataset.tables[name], name, workbook=fmt == "xlsx")
    if fmt == "xlsx":  # the sheets are made before anything is written in `out`
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        for name in schema.TABLE_ORDER:
            frame = to_file_frame(name, dataset.tables[name])
            write_sheet(wb.create_sheet(name), frame, table=name)
    _prepare_out(out, overwrite)
    (out / MARKER).write_text(
        "โฟลเดอร์นี้สร้างโดย okanalysis / generated by okanalysis\n" + (note + "\n" if note else ""),
        encoding="utf-8",
    )
    written: list[Path] = []
    if fmt == "xlsx":
        target = out / "okanalysis.xlsx"
        wb.save(target)
        return [target]
    for name in schema.TABLE_ORDER:
        frame = dataset.tables[name]
        if fmt == "csv":
            target = out / f"{name}.csv"
            to_file_frame(name, frame).to_csv(target, index=False, encoding="utf-8-sig")
        else:
            target = out / f"{name}.parquet"
            frame.to_parquet(target, index=False, compression="zstd")
        written.append(target)
    if fmt == "parquet":
        from okanalysis.contract.fingerprint import contract_fingerprint

        _write_manifest(
            out, written, validated=dataset.validated, fingerprint=contract_fingerprint()
        )
    return written


def write_provinces(
    datasets: Iterable,
    out: str | os.PathLike[str],
    *,
    note: str = "",
    overwrite: bool = False,
    on_written: Callable[[str, object], None] | None = None,
) -> list[Path]:
    """Write several provinces' datasets into one folder as Parquet partitioned by province:
    `<out>/<table>/province=<code>/part-0.parquet`, the layout of the results store.

    `datasets` may be a generator, so only one province is held in memory at a time; each
    province's files get their SHA-256 in the manifest as soon as they are written, and
    `on_written(code, dataset)` is called (to validate it, for example). A province is the one
    each dataset is for (`hierarchy.data_province`); the same province twice is refused."""
    out = Path(out)
    _prepare_out(out, overwrite)
    (out / MARKER).write_text(
        "โฟลเดอร์นี้สร้างโดย okanalysis / generated by okanalysis\n" + (note + "\n" if note else ""),
        encoding="utf-8",
    )
    from okanalysis.contract.fingerprint import contract_fingerprint

    written: list[Path] = []
    seen: set[str] = set()
    for dataset in datasets:
        code = hierarchy.data_province(dataset)
        if code in seen:
            raise InputError(
                "จังหวัดซ้ำในรายการ", "a province listed twice", file=str(out), value=code
            )
        seen.add(code)
        files = []
        for name in schema.TABLE_ORDER:
            folder = out / name / f"{PARTITION}{code}"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / PART
            dataset.tables[name].to_parquet(target, index=False, compression="zstd")
            files.append(target)
        _write_manifest(
            out,
            files,
            validated=dataset.validated,
            fingerprint=contract_fingerprint(),
            province=code,
        )
        written.extend(files)
        if on_written is not None:
            on_written(code, dataset)
    return written
