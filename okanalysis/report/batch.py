"""The batch: every district's report and the province summary, from one processing pass.

`process` runs the heavy analysis once for the whole province (load and validate, the ledger
pass, roll-ups, opportunities, people, plans, topics, budget, grades) and writes a processed
cache: one folder of Parquet files per district and one for the province, so each notebook
reads its own district only. The cache is keyed by the input files, `parameters/*.yaml`, the
circle store, the fiscal year and the package (version and source); unchanged inputs reuse it.

`run` executes `notebooks/amphoe_report.ipynb` for each district and
`notebooks/province_summary.ipynb` through papermill, in parallel processes, exports each to
HTML for readers, and writes `index.html`. A report is redone only when what it shows can have
changed: its district's processed data (so editing a threshold reruns the districts whose
results it moves), the notebook, the package or the report options. One district that fails
never stops the others; its executed notebook is kept with the error and the index marks it.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from okanalysis.contract import hierarchy
from okanalysis.contract.dataset import Dataset
from okanalysis.core import params, paths
from okanalysis.core.errors import InputError, OkanalysisError
from okanalysis.core.labels import pair
from okanalysis.core.version import __version__
from okanalysis.loading.validate import load
from okanalysis.topics import privacy

NOTEBOOKS = paths.NOTEBOOKS_DIR
DISTRICT_NOTEBOOK = "amphoe_report.ipynb"
SUMMARY_NOTEBOOK = "province_summary.ipynb"
PROVINCE = "province"
META = "meta.json"
MANIFEST = ".okanalysis-batch.json"
#: Parameter files whose effect reaches a report only through the processed results: editing
#: them reruns just the reports whose data moved. Any other parameter file (category and sector
#: names, agencies...) is shown as labels, so editing it reruns every report.
RESULT_PARAMETERS = ("potential.yaml", "thresholds.yaml", "privacy.yaml", "grading.yaml")
#: Processed folders kept per input (older ones are removed).
KEEP_PROCESSED = 3
#: Seconds a notebook cell may run before its report is marked failed (a hung kernel).
CELL_TIMEOUT = 900
#: Seconds a kernel may take to start (a busy district laptop is slow, not broken).
START_TIMEOUT = 180
#: Kernel the batch runs notebooks with: "python3" is the interpreter running the batch.
KERNEL = "python3"


# ---------------------------------------------------------------------------------------------
# hashing


def _digest(*parts: object) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str)
        h.update(data if isinstance(data, bytes) else data.encode())
        h.update(b"\x00")
    return h.hexdigest()


def file_digest(path: str | os.PathLike[str]) -> str:
    """The content hash of one file."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _input_files(data: Path) -> list[Path]:
    """The files a load reads: the folder's files (not sub-folders), or the file itself."""
    return sorted(p for p in data.iterdir() if p.is_file()) if data.is_dir() else [data]


@cache
def package_signature() -> str:
    """The package version and a hash of its source: a library change redoes the reports."""
    root = paths.PACKAGE_DIR
    files = sorted(p for p in root.rglob("*") if p.suffix in {".py", ".j2", ".json", ".css"})
    return _digest(__version__, *[(str(p.relative_to(root)), file_digest(p)) for p in files])


def parameter_digests() -> dict[str, str]:
    """Each `parameters/*.yaml` file's content hash, by file name."""
    folder = params.parameters_dir()
    return {p.name: file_digest(p) for p in sorted(folder.glob("*.yaml"))}


def _circle_state(path: Path) -> str | None:
    """A hash of the circle store's records (not of its files: SQLite touches those when it is
    only read), so unchanged records mean unchanged reports."""
    if not path.exists():
        return None
    from okanalysis.circles import store as circles

    entries = circles.history(path)
    return _digest(entries.to_json(orient="split", date_format="iso", default_handler=str))


# ---------------------------------------------------------------------------------------------
# the analyses a report shows, run once for the province


@dataclass
class Options:
    """What the processing needs besides the dataset."""

    year: int | None
    circles: Path
    memo: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Analysis:
    """One processed table: how to compute it, the column naming each row's unit (its first
    four digits are the district), and whether the province summary reads all of it."""

    name: str
    compute: Callable[[Dataset, Options], pd.DataFrame]
    code: str = "unit_code"
    province: bool = True


def _levels(func: Callable[..., pd.DataFrame], levels: Sequence[str], **kw: Any) -> Callable:
    """An analysis that stacks `func(dataset, level, **kw)` over levels, with a `level` column."""

    def compute(ds: Dataset, o: Options) -> pd.DataFrame:
        parts = []
        for level in levels:
            part = func(ds, level, **kw)
            part["level"] = level
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    return compute


def shareable_rollup(frame: pd.DataFrame, size: str = "households_recording") -> pd.DataFrame:
    """A roll-up (or opportunities) table as a shareable report may show it: the figures of
    units with fewer recording households than the privacy setting are blanked and marked."""
    labels = {"households", "households_listed", "fiscal_year", "rank"}
    figures = [
        c
        for c in frame.columns
        if c not in labels and pd.api.types.is_numeric_dtype(frame[c]) and c != privacy.SUPPRESSED
    ]
    return privacy.suppress(frame, size, columns=figures)


def _rollup(ds: Dataset, o: Options) -> pd.DataFrame:
    from okanalysis.topics import potential

    return potential.rollup(ds, "all", year=o.year, shareable=True)


def _opportunities(ds: Dataset, o: Options) -> pd.DataFrame:
    from okanalysis.topics import potential

    parts = [
        potential.opportunities(ds, level=lv, year=o.year, shareable=True)
        for lv in potential.LEVEL_ORDER
    ]
    return pd.concat(parts, ignore_index=True)


def spending_groups(ds: Dataset, year: int | None) -> pd.DataFrame:
    """Spending per category group, income per source and net, summed per sub-district over
    the households recording in the fiscal year (exact satang)."""
    from okanalysis.topics import ledger

    s = ledger.household_summary(ds, "year")
    if year is not None:
        s = s[s["fiscal_year"] == year]
    lay = ledger.layout()
    money = [
        "income_satang",
        *[ledger.income_column(g) for g in ledger.income_groups(lay)],
        "expense_satang",
        *[ledger.spend_column(g) for g in ledger.expense_groups(lay)],
        "net_satang",
    ]
    s = s.assign(unit_code=s["village_code"].str.slice(0, 6))
    grouped = s.groupby("unit_code", sort=True)
    out = grouped[money].sum().astype("int64")
    out.insert(0, "households_recording", grouped.size().astype("int64"))
    out = out.reset_index()
    out.insert(1, "level", "tambon")
    out.insert(2, "fiscal_year", year)
    return shareable_rollup(out)


def _freedom(ds: Dataset, o: Options) -> pd.DataFrame:
    from okanalysis.topics import people

    parts = []
    for level in ("tambon", "amphoe", "province"):
        part = people.freedom_progress(ds, level, by="role", shareable=True)
        part["level"] = level
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def can_do_now(ds: Dataset) -> pd.DataFrame:
    """What people say they can now do (the freedom table's end round), without who said it:
    sub-district, role, criterion and the statement, once per distinct statement."""
    from okanalysis.topics import people

    rows = people.freedom_progress(ds, "tambon", per_person=True)
    rows = rows[rows["can_do_now"].notna() & (rows["can_do_now"].str.strip() != "")]
    keep = ["unit_code", "unit_th", "unit_en", "role", "role_th", "criterion_th", "can_do_now"]
    return rows[keep].drop_duplicates(["unit_code", "role", "can_do_now"]).reset_index(drop=True)


def _graded(ds: Dataset, o: Options) -> dict[str, Any]:
    """The computed grades of villages and sub-districts (once per processing run)."""
    from okanalysis.grading import grades as grading  # issue 6: absent or incomplete until it lands

    if "grades" not in o.memo:
        villages = grading.grade(ds, "village", shareable=True)
        tambons = grading.grade(ds, "tambon", villages=villages, shareable=True)
        o.memo["grades"] = {"village": villages, "tambon": tambons}
    return o.memo["grades"]


def _grades(part: str) -> Callable[[Dataset, Options], pd.DataFrame]:
    """One of the grading tables (units, components, indicators), villages and sub-districts
    stacked."""

    def compute(ds: Dataset, o: Options) -> pd.DataFrame:
        graded = _graded(ds, o)
        return pd.concat(
            [getattr(g, part).assign(level=lv) for lv, g in graded.items()], ignore_index=True
        )

    return compute


def _grade_summary(by: str) -> Callable[[Dataset, Options], pd.DataFrame]:
    """Computed and agreed grade counts per district (or zone, lead agency), both levels."""

    def compute(ds: Dataset, o: Options) -> pd.DataFrame:
        from okanalysis.grading.change import summary

        graded = _graded(ds, o)
        sessions = _sessions(o)
        return pd.concat([summary(g, sessions, by=by) for g in graded.values()], ignore_index=True)

    return compute


def _sessions(o: Options) -> pd.DataFrame | None:
    from okanalysis.circles import store as circles

    return circles.current(o.circles) if o.circles.exists() else None


def _agreed(ds: Dataset, o: Options) -> pd.DataFrame:
    if not o.circles.exists():
        raise InputError(
            "ยังไม่มีบันทึกวงเรียนรู้ (ยังไม่มีวงใดบันทึกระดับที่ตกลงกัน)",
            "no circle records yet (no circle has saved an agreed grade)",
            file=str(o.circles),
        )
    return _sessions(o)


def _analyses() -> tuple[Analysis, ...]:
    from okanalysis.topics import budget, centres, finance, people, plans, standards

    return (
        Analysis("rollup", _rollup),
        Analysis("spending_groups", lambda ds, o: spending_groups(ds, o.year)),
        Analysis("opportunities", _opportunities),
        Analysis("people_gaps", _levels(people.gaps, ("tambon", "amphoe"), shareable=True)),
        Analysis("succession", _levels(people.succession, ("tambon", "amphoe"), shareable=True)),
        Analysis("freedom", _freedom),
        Analysis("can_do_now", lambda ds, o: can_do_now(ds), province=False),
        Analysis(
            "plans",
            _levels(plans.alignment, ("village", "tambon", "amphoe", "province"), shareable=True),
        ),
        Analysis("plan_items", lambda ds, o: plans.items(ds), province=False),
        Analysis("top_down", lambda ds, o: plans.top_down(ds), province=False),
        Analysis("centres", _levels(centres.summary, ("tambon", "amphoe", "province"))),
        Analysis(
            "finance", _levels(finance.summary, ("tambon", "amphoe", "province"), shareable=True)
        ),
        Analysis(
            "standards",
            _levels(standards.summary, ("tambon", "amphoe", "province"), shareable=True),
        ),
        Analysis("budget", lambda ds, o: budget.allocate(ds), code="amphoe_code"),
        Analysis("budget_topics", lambda ds, o: budget.spending_by_topic(ds), code="amphoe_code"),
        Analysis("budget_agencies", lambda ds, o: budget.allocate(ds, by="agency"), code=""),
        Analysis("zones", lambda ds, o: ds.zones.copy(), code="tambon_code"),
        Analysis("grades_units", _grades("units")),
        Analysis("grades_components", _grades("components")),
        Analysis("grades_indicators", _grades("indicators"), province=False),
        Analysis("grades_summary", _grade_summary("amphoe"), code="amphoe_code"),
        Analysis("grades_zones", _grade_summary("zone"), code=""),
        Analysis("grades_agencies", _grade_summary("agency"), code=""),
        Analysis("agreed", _agreed),
    )


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


def _write(frame: pd.DataFrame, path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False, compression="zstd")
    return file_digest(path)


# ---------------------------------------------------------------------------------------------
# processing


@dataclass
class Processed:
    """A processed cache folder: `path`, its `meta` (key, source, fiscal year, districts
    with data, headline figures, analysis errors, partition fingerprints) and whether it was
    `reused` from an earlier run."""

    path: Path
    meta: dict
    reused: bool = False
    seconds: float = 0.0

    @property
    def districts(self) -> list[str]:
        return list(self.meta["districts"])

    def fingerprint(self, partition: str) -> str:
        return self.meta["fingerprints"][partition]


def is_processed(path: str | os.PathLike[str]) -> bool:
    """True when `path` is a processed cache folder (made by `process`)."""
    meta = Path(path) / META
    return meta.is_file() and '"okanalysis_processed"' in meta.read_text(encoding="utf-8")


def read_processed(path: str | os.PathLike[str]) -> Processed:
    """A processed cache folder, as `process` left it."""
    folder = Path(path)
    if not is_processed(folder):
        raise InputError(
            "โฟลเดอร์นี้ไม่ใช่ข้อมูลที่ประมวลผลแล้วของ okanalysis",
            "this folder is not okanalysis processed data",
            file=str(folder),
        )
    return Processed(folder, json.loads((folder / META).read_text(encoding="utf-8")), reused=True)


def default_cache_dir(data: Path) -> Path:
    """Where processed data goes: $OKANALYSIS_CACHE, else `processed/` beside the input
    (data/demo -> data/processed/), never inside it."""
    return paths.results_root(data)


def processing_key(data: Path, *, fiscal_year: int | None, circles: Path) -> str:
    """The key of a processing run: input files, parameters, circle store, year, package."""
    inputs = [(p.name, p.stat().st_size, file_digest(p)) for p in _input_files(data)]
    return _digest(
        "processed-v1",
        inputs,
        parameter_digests(),
        _circle_state(circles),
        fiscal_year,
        package_signature(),
    )


def process(
    data: str | os.PathLike[str],
    *,
    fiscal_year: int | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    circles: str | os.PathLike[str] | None = None,
    force: bool = False,
    progress: bool = False,
) -> Processed:
    """Run the heavy analysis once for the province at `data` and write the processed cache.

    Returns the cache folder `<cache_dir>/<key>` (reused as it is when the inputs,
    parameters, circle store, year and package are unchanged, unless `force`). Each analysis
    that cannot run (grading not built yet, no circle records, fewer than two freedom-table
    rounds) is recorded with its reason, in Thai and English, for the report to show.
    """
    from okanalysis.circles import store as circle_store
    from okanalysis.report import notebook as report

    started = time.perf_counter()
    data = Path(data)
    if not data.exists():
        raise InputError("ไม่พบข้อมูลที่ระบุ", "no data at this path", file=str(data))
    store = Path(circles) if circles else circle_store.default_path()
    key = processing_key(data, fiscal_year=fiscal_year, circles=store)
    cache_root = Path(cache_dir) if cache_dir else default_cache_dir(data)
    target = cache_root / key
    if target.is_dir() and is_processed(target) and not force:
        found = read_processed(target)
        found.seconds = time.perf_counter() - started
        return found

    ds = load(data, progress=progress)
    timings = {"load": round(time.perf_counter() - started, 2)}
    year = _fiscal_year(ds, fiscal_year)
    options = Options(year, store)
    present = sorted(set(ds.villages["amphoe_code"].dropna().astype(str)))
    work = cache_root / f".{key}.{os.getpid()}.tmp"
    shutil.rmtree(work, ignore_errors=True)
    errors: dict[str, dict[str, str]] = {}
    digests: dict[str, dict[str, str]] = {p: {} for p in [PROVINCE, *present]}
    for analysis in _analyses():
        began = time.perf_counter()
        try:
            frame = _storable(analysis.compute(ds, options))
        except Exception as exc:  # recorded and shown by the report's section, never hidden
            errors[analysis.name] = _reason(exc)
            frame = None
        if frame is not None and (analysis.province or not analysis.code):
            file = work / PROVINCE / f"{analysis.name}.parquet"
            digests[PROVINCE][analysis.name] = _write(frame, file)
        if frame is not None and analysis.code:
            codes = frame[analysis.code].astype("str").str.slice(0, 4)
            for code in present:
                rows = frame[(codes == code).to_numpy()].reset_index(drop=True)
                digests[code][analysis.name] = _write(
                    rows, work / code / f"{analysis.name}.parquet"
                )
        timings[analysis.name] = round(time.perf_counter() - began, 2)

    potential_data = potential_parameters()
    labels = _label_parameters()
    meta: dict[str, Any] = {
        "okanalysis_processed": 1,
        "key": key,
        "source": str(data.resolve()),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "fiscal_year": year,
        "districts": present,
        "problems": len(ds.problems),
        "errors": errors,
        "potential_parameters": potential_data,
        "min_group_size": privacy.min_group_size(),
        "package": __version__,
        "seconds": timings,
    }
    level_labels = report.level_labels(potential_data)
    meta["fingerprints"] = {
        part: _digest(files, errors, year, labels, level_labels, part)
        for part, files in digests.items()
    }
    meta["fingerprints"][PROVINCE] = _digest(meta["fingerprints"][PROVINCE], potential_data)
    meta["headlines"] = {
        code: report.headline(lambda name, c=code: _read_part(work, c, name, errors), year)
        for code in present
    }
    work.mkdir(parents=True, exist_ok=True)
    (work / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    try:
        os.replace(work, target)
    except OSError:  # another process wrote the same key first: theirs is as good
        shutil.rmtree(work, ignore_errors=True)
    _remove_older(cache_root, meta["source"], key)
    done = read_processed(target)
    done.reused = False
    done.seconds = time.perf_counter() - started
    return done


def _read_part(folder: Path, part: str, name: str, errors: dict) -> pd.DataFrame:
    from okanalysis.report.notebook import MissingData

    file = folder / part / f"{name}.parquet"
    if name in errors or not file.is_file():
        th, en = pair("status.no_data")
        reason = errors.get(name, {"th": th, "en": en})
        raise MissingData(reason["th"], reason["en"])
    return pd.read_parquet(file)


def _reason(exc: Exception) -> dict[str, str]:
    """Why an analysis could not run, in Thai and English, for the report to say."""
    if isinstance(exc, OkanalysisError):
        return {"th": str(exc.expected_th), "en": str(exc.expected_en), "error": str(exc)}
    if isinstance(exc, (ImportError, AttributeError)):
        return {
            "th": "ส่วนนี้ของโปรแกรมยังไม่พร้อมใช้งาน",
            "en": "this part of the toolkit is not available yet",
            "error": f"{type(exc).__name__}: {exc}",
        }
    return {
        "th": "คำนวณส่วนนี้ไม่ได้ (โปรดแจ้งทีมวิชาการ)",
        "en": "this part could not be computed (please tell the academic team)",
        "error": "".join(traceback.format_exception_only(exc)).strip(),
    }


def _fiscal_year(ds: Dataset, fiscal_year: int | None) -> int | None:
    if fiscal_year is not None:
        return int(fiscal_year)
    dates = ds.ledger["date"].dropna()
    if dates.empty:
        return None
    from okanalysis.core.thai import fiscal_year_be

    return int(fiscal_year_be(dates.max()))


def potential_parameters() -> dict:
    """potential.yaml as plain data (the reports show its level names; the summary its rules)."""
    return json.loads(json.dumps(params.read_yaml(params.parameters_dir() / "potential.yaml")))


def _label_parameters() -> dict[str, str]:
    """Hashes of the parameter files reports show as labels (all but RESULT_PARAMETERS)."""
    return {k: v for k, v in parameter_digests().items() if k not in RESULT_PARAMETERS}


def _remove_older(
    cache_root: Path, source: str, keep: str, *, newest: int = KEEP_PROCESSED
) -> None:
    """Drop all but the `newest` processed folders of the same input (a report still reading
    a recent one is not pulled from under it)."""
    same = []
    for folder in cache_root.iterdir():
        if not is_processed(folder):
            continue
        try:
            meta = json.loads((folder / META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("source") == source and folder.name != keep:
            same.append((meta.get("created", ""), folder))
    for _, folder in sorted(same, reverse=True)[newest - 1 :]:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# running notebooks


@dataclass(frozen=True)
class NotebookTask:
    """One notebook to execute with papermill and export to HTML."""

    name: str
    notebook: Path
    ipynb: Path
    html: Path | None
    parameters: dict
    title: str = ""
    kernel_name: str = KERNEL
    cwd: str | None = None


@dataclass
class TaskResult:
    """How one notebook went: ok, the seconds it took and, when it failed, the error."""

    name: str
    ok: bool
    seconds: float
    error: str = ""


@cache
def kernel_manager_class() -> type | None:
    """On POSIX, kernels talk over local sockets (IPC) rather than TCP ports: nothing listens
    on the network, and the kernels' warning about unencrypted TCP goes away. Each kernel's
    sockets get their own name, so parallel workers never share one."""
    if os.name != "posix":
        return None
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault(
                "ip", os.path.join(tempfile.gettempdir(), f"okk-{uuid.uuid4().hex[:12]}")
            )
            super().__init__(**kwargs)

    return LocalKernelManager


def execute(task: NotebookTask) -> TaskResult:
    """Execute one notebook with papermill, then export it to HTML; failures are returned,
    not raised, and the executed notebook is kept with its error."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from okanalysis.report import notebook as report

    started = time.perf_counter()
    task.ipynb.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(task.notebook),
            str(task.ipynb),
            parameters=task.parameters,
            kernel_name=task.kernel_name,
            progress_bar=False,
            cwd=task.cwd,
            execution_timeout=CELL_TIMEOUT,
            start_timeout=START_TIMEOUT,
            shutdown_kernel="immediate",  # the output is saved: no need to wait for a goodbye
            **({"kernel_manager_class": manager} if (manager := kernel_manager_class()) else {}),
        )
    except PapermillExecutionError as exc:
        if task.html is not None:
            task.html.unlink(missing_ok=True)
        return TaskResult(
            task.name, False, time.perf_counter() - started, f"{exc.ename}: {exc.evalue}"
        )
    except Exception as exc:  # a kernel that died, a notebook that cannot be read...
        if task.html is not None:
            task.html.unlink(missing_ok=True)
        message = "".join(traceback.format_exception_only(exc)).strip()
        return TaskResult(task.name, False, time.perf_counter() - started, message)
    if task.html is not None:
        report.export_html(task.ipynb, task.html, title=task.title)
    return TaskResult(task.name, True, time.perf_counter() - started)


def run_notebooks(
    tasks: Sequence[NotebookTask],
    *,
    jobs: int = 1,
    progress: bool = False,
    on_done: Callable[[TaskResult], None] | None = None,
    desc: str = "รายงาน / reports",
) -> list[TaskResult]:
    """Execute `tasks` in `jobs` parallel processes (in this process when jobs is 1), with a
    progress bar of reports done and failed; `on_done` is called as each one finishes."""
    from tqdm.auto import tqdm

    results: list[TaskResult] = []
    bar = tqdm(total=len(tasks), desc=desc, unit="", disable=not progress or not tasks)
    failed = 0

    def finished(result: TaskResult) -> None:
        nonlocal failed
        results.append(result)
        failed += not result.ok
        bar.set_postfix_str(
            f"สำเร็จ/ok {len(results) - failed} · ล้มเหลว/failed {failed}", refresh=False
        )
        bar.update(1)
        if on_done is not None:
            on_done(result)

    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            finished(execute(task))
    else:
        context = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {pool.submit(execute, task): task for task in tasks}
            for future in cf.as_completed(futures):
                try:
                    result = future.result()
                except Exception as exc:  # the worker process itself died
                    result = TaskResult(
                        futures[future].name, False, 0.0, f"{type(exc).__name__}: {exc}"
                    )
                finished(result)
    bar.close()
    return results


# ---------------------------------------------------------------------------------------------
# the batch


@dataclass
class BatchResult:
    """What a batch did: reports written, skipped (unchanged) and failed (name -> error)."""

    out: Path
    index: Path
    processed: Processed
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def report_files(out: Path, name: str) -> tuple[Path, Path]:
    """The executed notebook and HTML of a district code or of "province"."""
    stem = "province_summary" if name == PROVINCE else f"amphoe-{name}"
    return out / f"{stem}.ipynb", out / f"{stem}.html"


def _read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"reports": {}}


def _write_manifest(out: Path, manifest: dict) -> None:
    tmp = out / f"{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, out / MANIFEST)


def run(
    data: str | os.PathLike[str] | None = None,
    *,
    districts: Iterable[str | int] | None = None,
    jobs: int | None = None,
    lang: str = "th",
    out: str | os.PathLike[str] = "reports",
    force: bool = False,
    fiscal_year: int | str | None = None,
    assessment_round: str | None = None,
    boundaries: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    circles: str | os.PathLike[str] | None = None,
    notebooks: str | os.PathLike[str] | None = None,
    kernel_name: str = KERNEL,
    progress: bool = False,
    log: Callable[[str], None] | None = None,
) -> BatchResult:
    """Write the district reports and the province summary of the province at `data`.

    Processes the data once (`process`), then executes the district notebook for each of
    `districts` (codes or Thai names; default: every district with data) and the province
    summary, `jobs` at a time, writing `<out>/amphoe-<code>.ipynb` and `.html`,
    `province_summary.*`, one shared `plotly.min.js` and `index.html`. Reports whose inputs
    did not change are skipped unless `force`. Never raises for a failing report: see
    `BatchResult.failed`.
    """
    from okanalysis.report import notebook as report

    say = log or (lambda text: None)
    started = time.perf_counter()
    data_path = report.resolve_data(data)
    wanted = (
        None
        if districts is None
        else list(dict.fromkeys(report.resolve_amphoe(d) for d in districts))
    )
    year = report.resolve_year(fiscal_year)
    lang = report.resolve_lang(lang)
    boundary = report.resolve_boundaries(boundaries)
    folder = Path(notebooks) if notebooks else NOTEBOOKS
    sources = {
        k: folder / n for k, n in (("amphoe", DISTRICT_NOTEBOOK), ("province", SUMMARY_NOTEBOOK))
    }
    for path in sources.values():
        if not path.is_file():
            raise InputError("ไม่พบสมุดบันทึกรายงาน", "report notebook not found", file=str(path))

    processed = process(
        data_path, fiscal_year=year, cache_dir=cache_dir, circles=circles, progress=progress
    )
    say(
        (
            f"ใช้ข้อมูลที่ประมวลผลไว้แล้ว (ข้อมูลและพารามิเตอร์ไม่เปลี่ยน) / processed data reused "
            f"(inputs unchanged): {processed.path}"
        )
        if processed.reused
        else f"ประมวลผลข้อมูลทั้งจังหวัดแล้ว / province processed in {processed.seconds:.1f} s: {processed.path}"
    )
    for name, reason in processed.meta["errors"].items():
        say(f"  หมายเหตุ / note: {name}: {reason['th']} / {reason['en']}")
    codes = wanted if wanted is not None else processed.districts
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    report.write_plotly_js(out_dir)
    manifest = _read_manifest(out_dir)
    entries = manifest.setdefault("reports", {})
    options = {
        "lang": lang,
        "round": assessment_round,
        "boundaries": boundary and file_digest(boundary),
    }
    common = {
        "data_dir": str(processed.path),
        "lang": lang,
        "fiscal_year": processed.meta["fiscal_year"],
        "assessment_round": assessment_round,
        "boundary_file": None if boundary is None else str(boundary),
    }
    names = hierarchy.districts().set_index("amphoe_code")
    keys = {
        name: _report_key(name, processed, sources, options)
        for name in dict.fromkeys([*names.index, *codes, PROVINCE])
    }
    tasks, result = [], BatchResult(out_dir, out_dir / "index.html", processed)
    for name in [*codes, PROVINCE]:
        kind = "province" if name == PROVINCE else "amphoe"
        notebook = sources[kind]
        key = keys[name]
        ipynb, html = report_files(out_dir, name)
        previous = entries.get(name, {})
        if (
            not force
            and previous.get("key") == key
            and previous.get("status") == "ok"
            and ipynb.exists()
            and html.exists()
        ):
            result.skipped.append(name)
            continue
        entries[name] = {"key": key, "status": "running"}
        parameters = dict(common)
        if kind == "amphoe":
            parameters["amphoe_code"] = name
            title = report.title_text(name, lang)
        else:
            title = report.title_text(None, lang)
        tasks.append(
            NotebookTask(name, notebook, ipynb, html, parameters, title, kernel_name, os.getcwd())
        )
    if result.skipped:
        shown = ", ".join(result.skipped)
        say(
            f"ไม่เปลี่ยนแปลง จึงข้าม {len(result.skipped)} รายงาน / unchanged, skipped "
            f"{len(result.skipped)}: {shown} (ใช้ --force เพื่อสร้างใหม่ / --force redoes them)"
        )

    def done(r: TaskResult) -> None:
        entry = entries[r.name]
        entry.update(
            status="ok" if r.ok else "failed",
            error=r.error,
            seconds=round(r.seconds, 2),
            finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        if r.ok:
            result.written.append(r.name)
        else:
            result.failed[r.name] = r.error
        _write_manifest(out_dir, manifest)

    jobs = jobs if jobs and jobs > 0 else max(1, min(4, os.cpu_count() or 1))
    run_notebooks(tasks, jobs=jobs, progress=progress, on_done=done)
    result.written.sort()
    _write_manifest(out_dir, manifest)
    rows = []
    agencies = _lead_agencies(processed, lang)
    for code in names.index:
        entry = entries.get(code, {})
        ipynb, html = report_files(out_dir, code)
        rows.append(
            {
                "amphoe_code": code,
                "amphoe_th": names.at[code, "amphoe_th"],
                "amphoe_en": names.at[code, "amphoe_en"],
                "agency": agencies.get(code, ""),
                "has_data": code in processed.districts,
                "status": entry.get("status") if ipynb.exists() else None,
                "stale": entry.get("key") != keys[code],
                "error": entry.get("error", ""),
                "html": html.name if html.exists() else None,
                "ipynb": ipynb.name if ipynb.exists() else None,
                "headline": processed.meta["headlines"].get(code),
            }
        )
    summary_ipynb, summary_html = report_files(out_dir, PROVINCE)
    province = {
        "status": entries.get(PROVINCE, {}).get("status"),
        "error": entries.get(PROVINCE, {}).get("error", ""),
        "html": summary_html.name if summary_html.exists() else None,
        "ipynb": summary_ipynb.name if summary_ipynb.exists() else None,
    }
    result.index.write_text(
        report.index_html(rows, province, fiscal_year=processed.meta["fiscal_year"], lang=lang),
        encoding="utf-8",
    )
    result.seconds = time.perf_counter() - started
    return result


def _report_key(name: str, processed: Processed, sources: dict[str, Path], options: dict) -> str:
    """What a report depends on: its own processed data (its district's partition), the
    notebook, the package and the report options."""
    kind = "province" if name == PROVINCE else "amphoe"
    fingerprint = processed.meta["fingerprints"].get(name, "no-data")
    return _digest(
        kind, name, fingerprint, file_digest(sources[kind]), package_signature(), options
    )


def _lead_agencies(processed: Processed, lang: str) -> dict[str, str]:
    file = processed.path / PROVINCE / "budget.parquet"
    column = "agency_en" if lang == "en" else "agency_th"
    if not file.is_file():
        return {}
    frame = pd.read_parquet(file, columns=["amphoe_code", column])
    return dict(zip(frame["amphoe_code"], frame[column].fillna(""), strict=True))


def describe(result: BatchResult) -> str:
    """What a batch did, in Thai and English: reports written, skipped, failed (named, with
    the error), and what to open next."""
    names = hierarchy.districts().set_index("amphoe_code")["amphoe_th"].to_dict()
    names[PROVINCE] = "สรุปภาพรวมจังหวัด / province summary"
    lines = [
        f"สร้างรายงานแล้ว {len(result.written)} · ข้ามเพราะไม่เปลี่ยนแปลง {len(result.skipped)} · "
        f"ล้มเหลว {len(result.failed)} / written {len(result.written)}, unchanged "
        f"{len(result.skipped)}, failed {len(result.failed)} ({result.seconds:.1f} s)"
    ]
    if result.failed:
        lines.append("รายงานที่สร้างไม่สำเร็จ / reports that failed:")
        for name, error in sorted(result.failed.items()):
            first = error.splitlines()[0] if error else ""
            lines.append(f"  {name} {names.get(name, '')}: {first}")
        lines.append(
            f"  สมุดบันทึกที่มีข้อผิดพลาดเก็บไว้ใน / the notebooks with the error are in {result.out}"
        )
    lines.append(f"เปิดดู / open: {result.index}")
    return "\n".join(lines)
