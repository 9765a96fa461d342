"""The results folder: one Parquet dataset per table, hive-partitioned by province and
district, and a manifest saying what went in and what each table holds.

    <folder>/manifest.json
    <folder>/<table>/province=80/amphoe=8015/part-0.parquet   rows of district 8015
    <folder>/<table>/province=80/part-0.parquet               rows of no district (the province)

`Results.table(name, amphoe=..., village=..., columns=...)` reads only the partitions and
columns asked for, so a district report or a circle screen holds its own district only.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pds
import pyarrow.parquet as pq

from okanalysis.core.errors import InputError, NothingToShow, OkanalysisError

MANIFEST = "manifest.json"
FORMAT = "okanalysis_results"
FORMAT_VERSION = 1
PART = "part-0.parquet"
_PARTITIONING = pds.partitioning(
    pa.schema([("province", pa.string()), ("amphoe", pa.string())]), flavor="hive"
)


class ResultFault(OkanalysisError):
    """A result table could not be computed because of a fault (not for lack of data): whatever
    shows it must fail, naming the table and the original error."""


def file_digest(path: str | os.PathLike[str]) -> str:
    """The content hash of one file."""
    h = hashlib.blake2b(digest_size=16)
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _storable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with mixed or nested object columns as text, so Parquet can hold it."""
    out = frame.reset_index(drop=True).copy()
    for column in out.columns:
        if out[column].dtype == object:
            values = out[column]
            if not values.map(lambda v: v is None or isinstance(v, str)).all():
                out[column] = values.map(lambda v: None if v is None else str(v)).astype("str")
    out.columns = [str(c) for c in out.columns]
    return out


def write_table(
    folder: Path, name: str, frame: pd.DataFrame, *, province: str, code: str
) -> dict[str, str]:
    """Write one table's partitions under `folder/name`; return each partition's file digest
    by district code ("" for the rows of no district)."""
    frame = _storable(frame)
    root = folder / name / f"province={province}"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    digests: dict[str, str] = {}
    if code:
        districts = frame[code].astype("str").str.slice(0, 4).where(frame[code].notna(), "")
        districts = districts.where(districts.str.len() == 4, "")
        groups = pd.Series(range(len(frame))).groupby(districts.to_numpy(), sort=True)
        parts = {key: idx.to_numpy() for key, idx in groups}
    else:
        parts = {"": None}
    if not parts:  # no rows: one empty file keeps the columns
        parts = {"": None}
    for district, rows in parts.items():
        target = root / f"amphoe={district}" if district else root
        target.mkdir(parents=True, exist_ok=True)
        piece = table if rows is None else table.take(pa.array(rows))
        pq.write_table(piece, target / PART, compression="zstd")
        digests[district] = file_digest(target / PART)
    return digests


@dataclass
class Results:
    """A results folder: its `path`, its `manifest` and whether it was `reused` from an earlier
    build. Read a table with `table(name, amphoe=..., village=..., columns=...)`."""

    path: Path
    manifest: dict
    reused: bool = False
    seconds: float = 0.0
    _schemas: dict = field(default_factory=dict, repr=False)

    # --- what is in it --------------------------------------------------------------------
    @property
    def key(self) -> str:
        return str(self.manifest["key"])

    @property
    def province(self) -> str:
        return str(self.manifest["province"])

    @property
    def fiscal_year(self) -> int | None:
        return self.manifest["fiscal_year"]

    @property
    def districts(self) -> list[str]:
        """The districts with villages in the data."""
        return list(self.manifest["districts"])

    @property
    def tables(self) -> list[str]:
        return list(self.manifest["tables"])

    def fingerprint(self, district: str) -> str:
        """A hash of everything this build holds for one district (or "province")."""
        return str(self.manifest["fingerprints"].get(district, "no-data"))

    def columns(self, name: str) -> list[str]:
        return list(self._entry(name)["columns"])

    def _entry(self, name: str) -> dict:
        entry = self.manifest["tables"].get(name)
        if entry is None:
            raise OkanalysisError(
                f"ไม่มีตารางผลลัพธ์ชื่อนี้ ตารางที่มี: {', '.join(self.manifest['tables'])}",
                f"no result table of this name; the tables are: "
                f"{', '.join(self.manifest['tables'])}",
                column="table",
                value=name,
                file=str(self.path),
            )
        return entry

    def check(self, name: str) -> dict:
        """The table's manifest entry; NothingToShow when the build found nothing to show for
        it (with the reason), ResultFault when computing it failed."""
        entry = self._entry(name)
        if entry.get("fault"):
            f = entry["fault"]
            raise ResultFault(
                f"คำนวณตาราง {name} ไม่ได้: {f['error']}",
                f"the table {name} could not be computed: {f['error']}",
                file=str(self.path),
                column="table",
                value=name,
            )
        if entry.get("nothing"):
            n = entry["nothing"]
            raise NothingToShow(n["th"], n["en"])
        return entry

    # --- reading ---------------------------------------------------------------------------
    def table(
        self,
        name: str,
        *,
        amphoe: str | None = None,
        village: str | None = None,
        columns: list[str] | None = None,
        level: str | None = None,
    ) -> pd.DataFrame:
        """The rows of result table `name`: all of them, or one district's (`amphoe`), or one
        village's (`village`, its rows by unit or village code), only `columns` if given, only
        one `level` if given. Reads only the partitions and columns asked for."""
        entry = self.check(name)
        known = list(entry["columns"])
        wanted = known if columns is None else list(columns)
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise OkanalysisError(
                f"ตาราง {name} ไม่มีคอลัมน์นี้ คอลัมน์ที่มี: {', '.join(known)}",
                f"the table {name} has no such column; its columns are: {', '.join(known)}",
                column=", ".join(unknown),
                value=name,
                file=str(self.path),
            )
        if village is not None:
            village = str(village)
            amphoe = amphoe or village[:4]
        files = self._files(name, None if amphoe is None else str(amphoe))
        condition = None
        read = list(wanted)
        if village is not None:
            by = next((c for c in ("village_code", "unit_code") if c in known), None)
            if by is None:
                raise OkanalysisError(
                    f"ตาราง {name} แยกรายหมู่บ้านไม่ได้",
                    f"the table {name} has no village rows",
                    column="village",
                    value=village,
                )
            condition = pds.field(by) == village
        if level is not None and "level" in known:
            lv = pds.field("level") == level
            condition = lv if condition is None else condition & lv
        if not files:
            return self._empty(name, wanted)
        dataset = pds.dataset(
            [str(f) for f in files],
            format="parquet",
            schema=self._schema(name, files[0]),
            partitioning=_PARTITIONING,
            partition_base_dir=str(self.path / name),
        )
        out = dataset.to_table(columns=read, filter=condition).to_pandas()
        return out.reset_index(drop=True)

    def _files(self, name: str, amphoe: str | None) -> list[Path]:
        root = self.path / name / f"province={self.province}"
        if amphoe is not None:
            part = root / f"amphoe={amphoe}" / PART
            return [part] if part.is_file() else []
        found = sorted(root.glob(f"amphoe=*/{PART}"))
        if (root / PART).is_file():
            found.append(root / PART)
        return found

    def _schema(self, name: str, first: Path) -> pa.Schema:
        if name not in self._schemas:
            self._schemas[name] = pq.read_schema(first)
        return self._schemas[name]

    def _empty(self, name: str, columns: list[str]) -> pd.DataFrame:
        """No rows, the table's columns and types (from any of its files)."""
        any_file = next((self.path / name).rglob(PART), None)
        if any_file is None:
            return pd.DataFrame(columns=columns)
        return pq.read_table(any_file, columns=columns).slice(0, 0).to_pandas()

    # --- what the reports show besides tables -------------------------------------------------
    @property
    def headlines(self) -> dict:
        return dict(self.manifest.get("headlines", {}))

    @property
    def potential_parameters(self) -> dict:
        return dict(self.manifest["potential_parameters"])


def is_results(path: str | os.PathLike[str]) -> bool:
    """True when `path` is a results folder (written by `results.build`)."""
    manifest = Path(path) / MANIFEST
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("format") == FORMAT
    except (OSError, ValueError):
        return False


def open(path: str | os.PathLike[str]) -> Results:
    """The results folder at `path`."""
    folder = Path(path)
    if not is_results(folder):
        raise InputError(
            "โฟลเดอร์นี้ไม่ใช่ผลลัพธ์ที่คำนวณแล้วของ okanalysis (ใช้ okanalysis batch หรือ "
            "results.build กับข้อมูลดิบ)",
            "this folder is not okanalysis results (give the raw data to okanalysis batch or "
            "results.build)",
            file=str(folder),
        )
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise InputError(
            "ผลลัพธ์นี้เขียนด้วยรูปแบบอื่น: คำนวณใหม่ด้วยเครื่องมือรุ่นนี้",
            "these results are in another format: build them again with this version",
            file=str(folder),
            value=manifest.get("format_version"),
        )
    return Results(folder, manifest, reused=True)


def manifest_entry(frame: pd.DataFrame | None, **extra: Any) -> dict:
    """A table's manifest entry: its columns (and what else the build says of it)."""
    return {"columns": [] if frame is None else [str(c) for c in frame.columns], **extra}
