"""Building the results once: load and validate the province's data, compute every result
table (`tables.SPECS`), and write the results folder with its manifest.

The folder is `<root>/<key>`, the key being a hash of the input files, `parameters/*.yaml`, the
toolkit's version and source, and the fiscal year; a build with the same key reuses the folder.
Circle records are not part of the results (a save in a circle must not invalidate them):
reports and dashboards read them from the circle store when they show them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
import traceback
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from okanalysis.contract import hierarchy
from okanalysis.contract.dataset import Dataset
from okanalysis.core import params, paths
from okanalysis.core.errors import InputError, NothingToShow, OkanalysisError
from okanalysis.core.version import __version__
from okanalysis.results import tables as result_tables
from okanalysis.results.store import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    Results,
    file_digest,
    is_results,
    manifest_entry,
    write_table,
)
from okanalysis.results.store import open as open_results

#: Results folders kept per input (older ones are removed).
KEEP = 3
#: Parameter files whose effect reaches a report only through the results: editing them
#: changes just the districts whose figures move. Any other parameter file (category and
#: sector names, agencies...) is shown as labels, so editing it changes every district.
RESULT_PARAMETERS = ("potential.yaml", "thresholds.yaml", "privacy.yaml", "grading.yaml")
PROVINCE = "province"


def digest(*parts: object) -> str:
    """One hash of several JSON-able parts (or bytes)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str)
        h.update(data if isinstance(data, bytes) else data.encode())
        h.update(b"\x00")
    return h.hexdigest()


def input_files(data: Path, province: str | None = None) -> list[Path]:
    """The files a load reads: the folder's files (not sub-folders), or the file itself; in a
    folder partitioned by province, the files of `province`."""
    from okanalysis.loading import io

    if province is not None and io.provinces_in(data):
        return io.province_files(data, province)
    return sorted(p for p in data.iterdir() if p.is_file()) if data.is_dir() else [data]


@cache
def package_signature() -> str:
    """The package version and a hash of its source: a library change rebuilds the results."""
    root = paths.PACKAGE_DIR
    files = sorted(p for p in root.rglob("*") if p.suffix in {".py", ".j2", ".json", ".css"})
    return digest(__version__, *[(str(p.relative_to(root)), file_digest(p)) for p in files])


def parameter_digests() -> dict[str, str]:
    """Each `parameters/*.yaml` file's content hash, by file name."""
    folder = params.parameters_dir()
    return {p.name: file_digest(p) for p in sorted(folder.glob("*.yaml"))}


def build_key(data: Path, *, fiscal_year: int | None, province: str | None = None) -> str:
    """The key of a build: input files, parameters, package and fiscal year (and the province
    when one is asked for)."""
    inputs = [(p.name, p.stat().st_size, file_digest(p)) for p in input_files(data, province)]
    extra = [province] if province is not None else []
    return digest(
        "results-v1", inputs, parameter_digests(), package_signature(), fiscal_year, *extra
    )


def fiscal_years(ds: Dataset) -> list[int]:
    """The fiscal years (BE) the ledger holds, oldest first."""
    from okanalysis.core.thai import BE_OFFSET

    if ds.ledger_source is not None:  # the DuckDB engine: the years of its own pass
        from okanalysis.topics import ledger

        return ledger.fiscal_years(ds)
    dates = pd.to_datetime(ds.ledger["date"].dropna())
    if dates.empty:
        return []
    years = dates.dt.year.to_numpy() + BE_OFFSET + (dates.dt.month.to_numpy() >= 10)
    return sorted(int(y) for y in pd.unique(years))


def choose_year(ds: Dataset, fiscal_year: int | None, source: str = "") -> int | None:
    """The fiscal year to compute: `fiscal_year` when the data holds it (refused otherwise,
    naming the years it holds), else the latest year the data holds."""
    held = fiscal_years(ds)
    if fiscal_year is None:
        return held[-1] if held else None
    if int(fiscal_year) not in held:
        shown = ", ".join(str(y) for y in held) or "-"
        raise OkanalysisError(
            f"ข้อมูลนี้ไม่มีปีงบประมาณนี้ ปีที่มี: {shown}",
            f"the data holds no such fiscal year; it holds: {shown}",
            column="fiscal_year",
            value=int(fiscal_year),
            file=source or None,
        )
    return int(fiscal_year)


def potential_parameters() -> dict:
    """potential.yaml as plain data (the reports show its level names; the summary its rules)."""
    return json.loads(json.dumps(params.read_yaml(params.parameters_dir() / "potential.yaml")))


def _fault(exc: BaseException) -> dict[str, str]:
    return {
        "error": "".join(traceback.format_exception_only(exc)).strip(),
        "traceback": "".join(traceback.format_exception(exc)),
    }


def build(
    data: str | os.PathLike[str],
    *,
    out: str | os.PathLike[str] | None = None,
    fiscal_year: int | None = None,
    province: str | None = None,
    progress: bool = False,
    force: bool = False,
    engine: str = "pandas",
    memory_limit: str | None = None,
    threads: int | None = None,
) -> Results:
    """Compute once every table the reports, the province summary and both dashboards show.

    Writes `<out>/<key>/` (default root: `paths.results_root(data)`, i.e. $OKANALYSIS_CACHE or
    `processed/` beside the data) and returns it as `Results`; unchanged inputs reuse it unless
    `force`. A table with nothing to show (e.g. fewer than two freedom-table rounds) is kept
    as such with the reason; a table whose computation fails is recorded as a fault, and the
    folder is then never reused, so whatever reads that table fails loudly.

    `province` picks one province of a folder of several (default Nakhon Si Thammarat, see
    `okanalysis.load`); the manifest records the province the results are for.

    `engine="duckdb"` computes the ledger's results with DuckDB over the Parquet ledger, out
    of core (`okanalysis.results.engine`): at most `memory_limit` (e.g. "2GB") in memory,
    spilling to a temporary folder in the results root, on `threads` threads. The results
    are the same as the default pandas engine's, so the engine is not part of the key: a
    folder built by either engine is reused for both (the manifest's `engine` says which
    built it).
    """
    from okanalysis.loading import io
    from okanalysis.loading.validate import load
    from okanalysis.results import engine as engines

    engine = engines.check_engine(engine)
    memory_limit = engines.check_memory_limit(memory_limit)
    threads = engines.check_threads(threads)
    started = time.perf_counter()
    data = Path(data)
    if not data.exists():
        raise InputError("ไม่พบข้อมูลที่ระบุ", "no data at this path", file=str(data))
    if is_results(data):
        found = open_results(data)
        if province not in (None, "") and found.province != hierarchy.check_province(province):
            raise OkanalysisError(
                f"ผลลัพธ์นี้เป็นของจังหวัด {found.province}",
                f"these results are for province {found.province}",
                column="province",
                value=province,
                file=str(data),
            )
        if fiscal_year is not None and found.fiscal_year != int(fiscal_year):
            raise OkanalysisError(
                f"ผลลัพธ์นี้เป็นปีงบประมาณ {found.fiscal_year}",
                f"these results are for fiscal year {found.fiscal_year}",
                column="fiscal_year",
                value=int(fiscal_year),
                file=str(data),
            )
        return found
    province = io.resolve_province(data, province)
    key = build_key(data, fiscal_year=fiscal_year, province=province)
    root = Path(out) if out else paths.results_root(data)
    target = root / key
    if not force and is_results(target):
        found = open_results(target)
        if not found.manifest.get("faults"):
            found.seconds = time.perf_counter() - started
            return found

    how = engines.settings(engine, memory_limit, threads)
    if engine == "duckdb":
        temp = root / f".{key}.{os.getpid()}.duckdb"
        with engines.duckdb_dataset(
            data,
            province=province,
            temp=temp,
            memory_limit=memory_limit,
            threads=threads,
            progress=progress,
        ) as ds:
            return _compute(ds, data, fiscal_year, key, root, target, how, started, progress)
    ds = load(data, province=province, progress=progress)
    return _compute(ds, data, fiscal_year, key, root, target, how, started, progress)


def _compute(
    ds: Dataset,
    data: Path,
    fiscal_year: int | None,
    key: str,
    root: Path,
    target: Path,
    how: dict,
    started: float,
    progress: bool,
) -> Results:
    """Compute every table of `ds` and write the results folder `target` (see `build`)."""
    from okanalysis.loading import io

    timings: dict[str, float] = {"load": round(time.perf_counter() - started, 2)}
    if ds.ledger_source is not None:  # the ledger's one pass, out of core (DuckDB)
        from okanalysis.topics import ledger

        began = time.perf_counter()
        ledger.period_sums(ds, "year")
        timings["ledger"] = round(time.perf_counter() - began, 2)
    year = choose_year(ds, fiscal_year, str(data))
    present = sorted(set(ds.villages["amphoe_code"].dropna().astype(str)))
    province = hierarchy.data_province(ds)
    work = root / f".{key}.{os.getpid()}.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    context = result_tables.Context(year, {})
    entries: dict[str, dict] = {}
    digests: dict[str, dict[str, str]] = {}
    faults: list[str] = []
    from tqdm.auto import tqdm

    writing = 0.0  # the seconds spent writing the tables (each table's own are its computing)
    for spec in tqdm(result_tables.SPECS, desc="ผลลัพธ์ / results", disable=not progress):
        began = time.perf_counter()
        try:
            frame = spec.compute(ds, context)
        except NothingToShow as exc:
            entries[spec.name] = manifest_entry(
                None, nothing={"th": exc.expected_th, "en": exc.expected_en}
            )
        except Exception as exc:  # a fault: recorded, and whatever shows this table fails
            entries[spec.name] = manifest_entry(None, fault=_fault(exc))
            faults.append(spec.name)
        else:
            timings[spec.name] = round(time.perf_counter() - began, 2)
            began = time.perf_counter()
            written = write_table(work, spec.name, frame, province=province, code=spec.code)
            entries[spec.name] = manifest_entry(frame, district=bool(spec.code))
            for district, d in written.items():
                digests.setdefault(district or PROVINCE, {})[spec.name] = d
            writing += time.perf_counter() - began
        timings.setdefault(spec.name, round(time.perf_counter() - began, 2))
    timings["writing"] = round(writing, 2)

    pp = potential_parameters()
    labels = {k: v for k, v in parameter_digests().items() if k not in RESULT_PARAMETERS}
    states = {n: {k: v for k, v in e.items() if k != "columns"} for n, e in entries.items()}
    fingerprints = {
        part: digest(files, states, year, labels, part) for part, files in digests.items()
    }
    # the province summary shows every district: its fingerprint covers them all
    fingerprints[PROVINCE] = digest(sorted(fingerprints.items()), pp)
    from okanalysis.topics import people
    from okanalysis.topics.privacy import min_group_size

    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "key": key,
        "source": str(data.resolve()),
        "inputs": [io.relative_name(data, p) for p in input_files(data, province)],
        "parameters": parameter_digests(),
        "package": __version__,
        "package_signature": package_signature(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "province": province,
        "fiscal_year": year,
        "fiscal_years": fiscal_years(ds),
        "districts": present,
        "problems": len(ds.problems),
        "engine": how,
        "freedom_rounds": [str(x) for x in people.rounds(ds)["round"]],
        "tables": entries,
        "faults": faults,
        "fingerprints": fingerprints,
        "potential_parameters": pp,
        "min_group_size": min_group_size(),
        "seconds": timings,
    }
    (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    partial = Results(work, manifest)
    from okanalysis.results.headline import headlines

    manifest["headlines"] = headlines(partial, present)
    (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    if target.exists():  # a faulty or forced earlier build of the same key
        shutil.rmtree(target, ignore_errors=True)
    try:
        os.replace(work, target)
    except OSError:  # another process wrote the same key first: theirs is as good
        shutil.rmtree(work, ignore_errors=True)
    _remove_older(root, manifest["source"], key, province=province)
    done = open_results(target)
    done.reused = False
    done.seconds = time.perf_counter() - started
    return done


def _remove_older(root: Path, source: str, keep: str, *, province: str, newest: int = KEEP) -> None:
    """Drop all but the `newest` results folders of the same input and province (a report
    still reading a recent one is not pulled from under it)."""
    same = []
    for folder in root.iterdir():
        if folder.name == keep or not is_results(folder):
            continue
        try:
            meta = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("source") == source and str(meta.get("province")) == province:
            same.append((meta.get("created", ""), folder))
    for _, folder in sorted(same, reverse=True)[newest - 1 :]:
        shutil.rmtree(folder, ignore_errors=True)
