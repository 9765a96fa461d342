"""The batch: every district's report and the province summary, from one build of the results.

`run` builds the results once (`okanalysis.results.build`: every table the reports show,
partitioned by district, reused while the inputs are unchanged), then executes
`notebooks/amphoe_report.ipynb` for each district and `notebooks/province_summary.ipynb`
through papermill, in parallel processes, exports each to HTML for readers, and writes
`index.html`. A report is redone only when what it shows can have changed: its district's
results (so editing a threshold reruns the districts whose figures it moves), its district's
circle records, the notebook, the package or the report options. One district that fails never
stops the others; its executed notebook is kept with the error and the index marks it.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import json
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from okanalysis.contract import hierarchy
from okanalysis.core import paths
from okanalysis.core.errors import InputError, OkanalysisError
from okanalysis.results import tables as result_tables
from okanalysis.results.build import (  # noqa: F401 - potential_parameters: explore notebook
    PROVINCE,
    build,
    digest,
    file_digest,
    package_signature,
    potential_parameters,
)
from okanalysis.results.store import Results

NOTEBOOKS = paths.NOTEBOOKS_DIR
DISTRICT_NOTEBOOK = "amphoe_report.ipynb"
SUMMARY_NOTEBOOK = "province_summary.ipynb"
MANIFEST = ".okanalysis-batch.json"
#: Seconds a notebook cell may run before its report is marked failed (a hung kernel).
CELL_TIMEOUT = 900
#: Seconds a kernel may take to start (a busy district laptop is slow, not broken).
START_TIMEOUT = 180
#: Kernel the batch runs notebooks with: "python3" is the interpreter running the batch.
KERNEL = "python3"


# ---------------------------------------------------------------------------------------------
# what a report depends on besides the results


def circle_state(store: Path, district: str | None = None) -> str | None:
    """A hash of the circle store's records of one district (all when None): a report showing
    them is redone when they change. Hashes the records, not the files (SQLite touches those
    when it is only read)."""
    if not store.exists():
        return None
    from okanalysis.circles import store as circles

    entries = circles.history(store)
    if district is not None:
        entries = entries[entries["unit_code"].astype(str).str.startswith(district)]
    return digest(entries.to_json(orient="split", date_format="iso", default_handler=str))


def check_round(store: Path, assessment_round: str | None) -> str | None:
    """`assessment_round` when the circle store holds it; refused otherwise, naming the rounds
    it holds (before any report is written)."""
    if assessment_round in (None, ""):
        return None
    from okanalysis.circles import store as circles

    held = [] if not store.exists() else sorted(set(circles.history(store)["round"].astype(str)))
    if str(assessment_round) not in held:
        shown = ", ".join(held) or "-"
        raise OkanalysisError(
            f"ไม่มีรอบการประเมินนี้ในบันทึกวงเรียนรู้ รอบที่มี: {shown}",
            f"the circle records hold no such assessment round; they hold: {shown}",
            column="round",
            value=str(assessment_round),
            file=str(store),
        )
    return str(assessment_round)


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
    results: Results
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def report_folder(out: str | os.PathLike[str], province: str) -> Path:
    """Where a province's reports go: `out` for Nakhon Si Thammarat (as always),
    `<out>/province-<code>/` for another province."""
    if province == hierarchy.PROVINCE_CODE:
        return Path(out)
    return Path(out) / f"province-{province}"


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
    province: str | None = None,
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

    Builds the results once (`results.build`), then executes the district notebook for each of
    `districts` (codes or Thai names; default: every district with data) and the province
    summary, `jobs` at a time, writing `<out>/amphoe-<code>.ipynb` and `.html`,
    `province_summary.*`, one shared `plotly.min.js` and `index.html`. Reports whose inputs
    did not change are skipped unless `force`. Never raises for a failing report: see
    `BatchResult.failed`.

    `province` picks a province of a folder of several (default Nakhon Si Thammarat, see
    `okanalysis.load`). Nakhon Si Thammarat's reports go to `out`; another province's to
    `<out>/province-<code>/`, without lead agencies (they are Nakhon Si Thammarat's own).
    """
    from okanalysis.report import notebook as report

    say = log or (lambda text: None)
    started = time.perf_counter()
    data_path = report.resolve_data(data)
    if province not in (None, ""):
        province = hierarchy.check_province(province)
    districts = None if districts is None else list(districts)
    if districts is not None and province is not None:  # a wrong district fails before the build
        for d in districts:
            report.resolve_amphoe(d, province)
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

    store = Path(circles) if circles else paths.circle_store()
    assessment_round = check_round(store, assessment_round)
    processed = build(
        data_path, out=cache_dir, fiscal_year=year, province=province, progress=progress
    )
    wanted = (
        None
        if districts is None
        else list(dict.fromkeys(report.resolve_amphoe(d, processed.province) for d in districts))
    )
    say(
        (
            f"ใช้ผลลัพธ์ที่คำนวณไว้แล้ว (ข้อมูลและพารามิเตอร์ไม่เปลี่ยน) / results reused "
            f"(inputs unchanged): {processed.path}"
        )
        if processed.reused
        else f"คำนวณผลลัพธ์ทั้งจังหวัดแล้ว / province results built in {processed.seconds:.1f} s: {processed.path}"
    )
    for name, entry in processed.manifest["tables"].items():
        if entry.get("nothing"):
            n = entry["nothing"]
            say(f"  หมายเหตุ / note: {name}: {n['th']} / {n['en']}")
        if entry.get("fault"):
            say(f"  ข้อผิดพลาด / FAULT: {name}: {entry['fault']['error']}")
    codes = wanted if wanted is not None else processed.districts
    out_dir = report_folder(out, processed.province)
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
        "circle_store": str(store.resolve()),
        "lang": lang,
        "fiscal_year": processed.fiscal_year,
        "assessment_round": assessment_round,
        "boundary_file": None if boundary is None else str(boundary),
    }
    names = hierarchy.districts(processed.province).set_index("amphoe_code")
    keys = {
        name: _report_key(name, processed, store, sources, options)
        for name in dict.fromkeys([*names.index, *codes, PROVINCE])
    }
    tasks, result = [], BatchResult(out_dir, out_dir / "index.html", processed)
    faulty = processed.manifest.get("faults", [])
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
            and not faulty
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
            title = report.title_text(None, lang, processed.province)
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
                "headline": processed.headlines.get(code),
            }
        )
    summary_ipynb, summary_html = report_files(out_dir, PROVINCE)
    summary = {
        "status": entries.get(PROVINCE, {}).get("status"),
        "error": entries.get(PROVINCE, {}).get("error", ""),
        "html": summary_html.name if summary_html.exists() else None,
        "ipynb": summary_ipynb.name if summary_ipynb.exists() else None,
    }
    result.index.write_text(
        report.index_html(
            rows,
            summary,
            fiscal_year=processed.fiscal_year,
            lang=lang,
            province_code=processed.province,
        ),
        encoding="utf-8",
    )
    result.seconds = time.perf_counter() - started
    return result


def _report_key(
    name: str, results: Results, store: Path, sources: dict[str, Path], options: dict
) -> str:
    """What a report depends on: its own results (its district's partitions), the circle
    records it shows, the notebook, the package and the report options."""
    kind = "province" if name == PROVINCE else "amphoe"
    district = None if name == PROVINCE else name
    return digest(
        kind,
        name,
        results.fingerprint(name),
        circle_state(store, district),
        file_digest(sources[kind]),
        package_signature(),
        options,
    )


def _lead_agencies(results: Results, lang: str) -> dict[str, str]:
    from okanalysis.core.errors import NothingToShow

    column = "agency_en" if lang == "en" else "agency_th"
    try:
        frame = results.table(result_tables.BUDGET, columns=["amphoe_code", column])
    except NothingToShow:
        return {}
    return dict(zip(frame["amphoe_code"], frame[column].fillna(""), strict=True))


def describe(result: BatchResult) -> str:
    """What a batch did, in Thai and English: reports written, skipped, failed (named, with
    the error), and what to open next."""
    province = result.results.province if result.results is not None else hierarchy.PROVINCE_CODE
    names = hierarchy.districts(province).set_index("amphoe_code")["amphoe_th"].to_dict()
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
