"""Building a district pack: one district's results, the parameters and rubric they were
computed with, the toolkit's version and the district's circle records so far, in a folder and a
zip a facilitator carries to a village hall with no network.

    packs/amphoe-8015/pack.json                  what the pack is (district, versions, ...)
    packs/amphoe-8015/results/                   a results folder of district 8015 only
    packs/amphoe-8015/parameters/*.yaml          the parameters the results were computed with
    packs/amphoe-8015/circles-district.sqlite    the district's circle records so far (read only)
    packs/amphoe-8015.zip                        the same, zipped

Only the district's partitions (`amphoe=8015`) of the result tables go in: no row of another
district, and no province-level row (a province total holds the other districts). Household-
and person-level tables (`results.tables.PERSONAL`, personal data under the PDPA) go in only
with `households=True`; without them the manifest says the pack does not carry them, so
whatever asks for them shows that in words.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from okanalysis.circles import store as circles
from okanalysis.core import params, paths, thai
from okanalysis.core.errors import InputError, NothingToShow, OkanalysisError
from okanalysis.core.version import __version__
from okanalysis.results import tables as rt
from okanalysis.results.store import MANIFEST, PART, Results, file_digest

#: The file naming a folder as a pack, and its format.
PACK_FILE = "pack.json"
PACK_FORMAT = "okanalysis_district_pack"
PACK_FORMAT_VERSION = 1
RESULTS_DIR = "results"
PARAMETERS_DIR = "parameters"
DISTRICT_CIRCLES = "circles-district.sqlite"
#: The folder inside a pack holding this machine's own circle store (made on first open).
STORE_DIR = "store"
#: Why a pack without household rows cannot show them (the per-household views say this).
NO_HOUSEHOLDS = (
    "ชุดข้อมูลอำเภอนี้ไม่มีข้อมูลรายครัวเรือน (ข้อมูลส่วนบุคคลตาม PDPA) "
    "สร้างชุดข้อมูลใหม่ด้วย okanalysis pack --households หากจำเป็นต้องใช้",
    "this district pack does not carry household rows (personal data under the PDPA); "
    "build the pack with okanalysis pack --households if they are needed",
)
PROVINCE_ROWS = (
    "ชุดข้อมูลอำเภอมีเฉพาะข้อมูลของอำเภอนี้ ไม่มีข้อมูลระดับจังหวัด",
    "a district pack holds its own district only, not the province's figures",
)


@dataclass(frozen=True)
class BuiltPack:
    """What `build` wrote: the pack folder, its zip and its description (`pack.json`)."""

    folder: Path
    zip: Path
    meta: dict

    @property
    def district(self) -> str:
        return str(self.meta["district"])


def check_district(code: object) -> str:
    """A district code as 4 digits (Thai digits accepted), else the bilingual error."""
    text = thai.arabic_digits(str(code).strip())
    if not (len(text) == 4 and text.isdigit()):
        raise OkanalysisError(
            "รหัสอำเภอต้องเป็นตัวเลข 4 หลัก เช่น 8015",
            "the district code must be 4 digits, e.g. 8015",
            column="--district",
            value=code,
        )
    return text


def pack_name(district: str) -> str:
    return f"amphoe-{district}"


def _rubric_version(results: Results, district: str) -> str | None:
    """The rubric version the district's grades were computed with (None without grades)."""
    try:
        rows = results.table(rt.GRADES_UNITS, amphoe=district, columns=["rubric_version"])
    except (NothingToShow, OkanalysisError):
        return None
    versions = rows["rubric_version"].dropna().astype(str).unique()
    return str(versions[0]) if len(versions) else None


def _zones(results: Results, district: str) -> set[str]:
    """The zones the district's sub-districts learn in (their circle records go in the pack)."""
    try:
        rows = results.table(rt.ZONES, amphoe=district)
    except OkanalysisError:
        return set()
    return set(rows["zone_id"].dropna().astype(str)) if "zone_id" in rows else set()


def _copy_results(results: Results, district: str, target: Path, households: bool) -> dict:
    """Copy the district's partitions of every table into `target`; return the new manifest."""
    province = results.province
    tables: dict[str, dict] = {}
    for name, entry in results.manifest["tables"].items():
        entry = dict(entry)
        if entry.get("nothing") or entry.get("fault"):
            tables[name] = entry
            continue
        if name in rt.PERSONAL and not households:
            entry["nothing"] = {"th": NO_HOUSEHOLDS[0], "en": NO_HOUSEHOLDS[1]}
            entry["not_carried"] = True
            tables[name] = entry
            continue
        source = results.path / name / f"province={province}"
        part = source / f"amphoe={district}" / PART
        any_file = part if part.is_file() else next((results.path / name).rglob(PART), None)
        if not entry.get("district", True) or any_file is None:
            entry["nothing"] = {"th": PROVINCE_ROWS[0], "en": PROVINCE_ROWS[1]}
            tables[name] = entry
            continue
        root = target / name / f"province={province}"
        if part.is_file():
            (root / f"amphoe={district}").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(part, root / f"amphoe={district}" / PART)
        else:  # no rows of this district: an empty file keeps the columns and their types
            root.mkdir(parents=True, exist_ok=True)
            empty = pq.read_table(any_file).slice(0, 0)
            pq.write_table(empty, root / PART, compression="zstd")
        tables[name] = entry
    manifest = json.loads(json.dumps(results.manifest))
    manifest["tables"] = tables
    manifest["districts"] = [district]
    manifest["faults"] = [n for n in manifest.get("faults", []) if n in tables]
    manifest["fingerprints"] = {
        k: v for k, v in manifest.get("fingerprints", {}).items() if k == district
    }
    manifest["headlines"] = {
        k: v for k, v in manifest.get("headlines", {}).items() if k == district
    }
    manifest["source"] = f"pack:{pack_name(district)}"
    return manifest


def _copy_parameters(results: Results, target: Path) -> dict[str, str]:
    """Copy `parameters/*.yaml` into the pack, checked against the digests the results were
    computed with (parameters edited since are refused: build the results again)."""
    folder = params.parameters_dir()
    used = dict(results.manifest.get("parameters", {}))
    found = {p.name: file_digest(p) for p in sorted(folder.glob("*.yaml"))}
    changed = sorted(n for n in set(used) | set(found) if used.get(n) != found.get(n))
    if changed:
        raise OkanalysisError(
            "ไฟล์พารามิเตอร์ถูกแก้ไขหลังคำนวณผลลัพธ์ โปรดคำนวณผลลัพธ์ใหม่ (ใช้ข้อมูลดิบกับ --data)",
            "parameter files changed since these results were computed; compute them again "
            "(give the raw data to --data)",
            file=str(folder),
            column="parameters",
            value=", ".join(changed),
        )
    target.mkdir(parents=True)
    for name in found:
        shutil.copyfile(folder / name, target / name)
    return found


def _zip(folder: Path, out: Path) -> Path:
    """The pack folder as a zip (members relative to the folder), written beside then moved."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(folder).as_posix())
    os.replace(tmp, out)
    return out


def build(
    district: str,
    *,
    data: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] = "packs",
    households: bool = False,
    store: str | os.PathLike[str] | None = None,
) -> BuiltPack:
    """Write `<out>/amphoe-<district>/` and `<out>/amphoe-<district>.zip` (see the module).

    `data`: raw data or a results folder (default $OKANALYSIS_DATA or ./data/demo; raw data is
    computed into results once, as `results.build`). `store`: the circle store whose district
    records go in (default `circles.default_path()`; none yet gives an empty one). A pack
    folder already opened on this machine (it holds its own store with new records) is not
    overwritten.
    """
    from okanalysis.results.build import build as build_results

    district = check_district(district)
    results = build_results(Path(data) if data is not None else paths.data_dir())
    if district not in results.districts:
        raise OkanalysisError(
            f"ไม่มีอำเภอนี้ในข้อมูล อำเภอที่มี: {', '.join(results.districts)}",
            f"no such district in the data; the districts are: {', '.join(results.districts)}",
            column="--district",
            value=district,
        )
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    name = pack_name(district)
    folder, zipped = out / name, out / f"{name}.zip"
    if (folder / STORE_DIR).exists():
        raise InputError(
            "ชุดข้อมูลนี้ถูกเปิดใช้ในเครื่องนี้แล้วและมีบันทึกใหม่ จึงไม่เขียนทับ โปรดรวมบันทึกด้วย "
            "okanalysis circles merge หรือย้ายโฟลเดอร์ออกก่อน",
            "this pack was opened on this machine and holds new records, so it is not "
            "overwritten; merge them with okanalysis circles merge, or move the folder first",
            file=str(folder),
        )
    work = out / f".{name}.{os.getpid()}.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        manifest = _copy_results(results, district, work / RESULTS_DIR, households)
        parameters = _copy_parameters(results, work / PARAMETERS_DIR)
        zones = _zones(results, district)
        source = Path(store) if store is not None else circles.default_path()
        merged = circles.merge(
            [source] if source.exists() else [],
            work / DISTRICT_CIRCLES,
            keep=lambda code: code.startswith(district) or code in zones,
        )
        meta = {
            "format": PACK_FORMAT,
            "format_version": PACK_FORMAT_VERSION,
            "pack_id": str(uuid.uuid4()),
            "district": district,
            "province": results.province,
            "fiscal_year": results.fiscal_year,
            "households": bool(households),
            "toolkit_version": __version__,
            "rubric_version": _rubric_version(results, district),
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "results_key": results.key,
            "parameters": parameters,
            "circle_entries": merged.added,
        }
        manifest["pack"] = {k: meta[k] for k in ("district", "households", "created")} | {
            "toolkit": __version__,
            "rubric": meta["rubric_version"],
        }
        (work / RESULTS_DIR / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
        (work / RESULTS_DIR / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8"
        )
        (work / PACK_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuiltPack(folder, _zip(folder, zipped), meta)
