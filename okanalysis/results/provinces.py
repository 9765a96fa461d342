"""Building many provinces' results across a Dask distributed cluster.

`build_provinces(data, provinces)` spreads the provinces of a folder partitioned by province
over a Dask cluster (a `LocalCluster` of worker processes on this computer, or the scheduler
at `scheduler=`), each province built by `results.build` on a worker with the chosen engine.
A province that fails is reported by name, in Thai and English, and never stops the others.
It writes the national index (`<out>/national.json`, see `okanalysis.results.national`) that
the national summary reads.

Dask is imported only here, inside the functions, never when okanalysis is imported. Workers
of a remote cluster must see the data and the results folder at the same paths (a shared
disk) and have the same okanalysis installed.
"""

from __future__ import annotations

import os
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okanalysis.core import paths
from okanalysis.core.errors import InputError, OkanalysisError
from okanalysis.results import national
from okanalysis.results.build import build
from okanalysis.results.engine import check_engine, check_memory_limit, check_threads


@dataclass
class ProvinceOutcome:
    """How one province's build went: its results folder, or the error (Thai and English)."""

    province: str
    ok: bool
    engine: str
    seconds: float = 0.0
    path: Path | None = None
    reused: bool = False
    error_th: str = ""
    error_en: str = ""
    worker: str = ""

    @property
    def name(self) -> str:
        """ "81 กระบี่ / Krabi"."""
        return national.province_label(self.province)

    @property
    def status(self) -> str:
        return "ok" if self.ok else "failed"

    def message(self) -> str:
        """One line: the province by name and what happened."""
        if self.ok:
            how = "ใช้ผลลัพธ์เดิม / reused" if self.reused else f"{self.seconds:.1f} s"
            return f"{self.name}: {self.path} ({how})"
        return f"{self.name}: {self.error_th} / {self.error_en}"

    def entry(self) -> dict[str, Any]:
        """The province's entry in the national index."""
        out: dict[str, Any] = {
            "status": self.status,
            "engine": self.engine,
            "seconds": round(self.seconds, 2),
            "reused": self.reused,
        }
        if self.path is not None:
            out["results"] = str(self.path)
        if not self.ok:
            out["error_th"] = self.error_th
            out["error_en"] = self.error_en
        if self.worker:
            out["worker"] = self.worker
        return out


@dataclass
class NationalBuild:
    """What `build_provinces` did: each province's outcome, and the national index written."""

    index: Path
    outcomes: dict[str, ProvinceOutcome] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed(self) -> dict[str, ProvinceOutcome]:
        return {c: o for c, o in sorted(self.outcomes.items()) if not o.ok}

    @property
    def ok(self) -> bool:
        return not self.failed

    def __getitem__(self, province: str) -> ProvinceOutcome:
        return self.outcomes[province]

    def describe(self) -> str:
        """What was built and what failed, in Thai and English, each failure by name."""
        built = len(self.outcomes) - len(self.failed)
        lines = [
            f"คำนวณผลลัพธ์สำเร็จ {built} จังหวัด · ล้มเหลว {len(self.failed)} จังหวัด / "
            f"{built} provinces built, {len(self.failed)} failed ({self.seconds:.1f} s)"
        ]
        if self.failed:
            lines.append("จังหวัดที่คำนวณไม่สำเร็จ / provinces that failed:")
            lines += [f"  {o.message()}" for o in self.failed.values()]
        lines.append(f"ดัชนีระดับประเทศ / national index: {self.index}")
        return "\n".join(lines)


def wanted_provinces(data: str | os.PathLike[str], provinces: object = "all") -> list[str]:
    """The province codes to build: "all" (every province the folder holds), "80,81" or a
    list. Codes are tidied (Thai digits, "๘๑") but not refused here: a code the data does not
    hold, or geothai does not know, fails as that province's outcome, by name."""
    from okanalysis.core.thai import arabic_digits
    from okanalysis.loading import io

    if provinces is None or (
        isinstance(provinces, str) and provinces.strip().lower() in ("all", "ทั้งหมด")
    ):
        held = io.provinces_in(data)
        if not held:
            raise InputError(
                "ข้อมูลนี้ไม่ได้แยกตามจังหวัด (<ตาราง>/province=<รหัส>/) จึงเลือกทุกจังหวัดไม่ได้: "
                "ใช้ okanalysis results build --data ... โดยไม่ใส่ --provinces",
                "this data is not partitioned by province (<table>/province=<code>/), so there "
                "are no provinces to choose: use okanalysis results build without --provinces",
                file=str(data),
                column="--provinces",
                value=provinces,
            )
        return held
    items = provinces.split(",") if isinstance(provinces, str) else list(provinces)  # type: ignore[arg-type]
    codes = []
    for item in items:
        text = arabic_digits(str(item).strip())
        if not text:
            continue
        codes.append(text.zfill(2) if text.isdigit() and len(text) == 1 else text)
    if not codes:
        raise OkanalysisError(
            "ต้องระบุรหัสจังหวัดอย่างน้อยหนึ่งจังหวัด เช่น 80,81 หรือ all",
            "give at least one province code, e.g. 80,81 or all",
            column="--provinces",
            value=provinces,
        )
    return list(dict.fromkeys(codes))


def engine_options(
    engine: str = "pandas", *, memory_limit: str | None = None, threads: int | None = None
) -> dict[str, Any]:
    """The keyword arguments `results.build` gets for the engine, checked before anything
    starts (`results.engine`): `engine=`, and `memory_limit=`, `threads=` when given."""
    options: dict[str, Any] = {"engine": check_engine(engine)}
    if memory_limit is not None:
        options["memory_limit"] = check_memory_limit(memory_limit)
    if threads is not None:
        options["threads"] = check_threads(threads)
    return options


def build_one(
    data: str,
    province: str,
    out: str,
    *,
    engine: str = "pandas",
    options: dict[str, Any] | None = None,
    fiscal_year: int | None = None,
    force: bool = False,
) -> ProvinceOutcome:
    """Build one province's results (what a worker runs); never raises: a failure is the
    outcome, with the error in Thai and English."""
    import socket

    started = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        r = build(
            data,
            out=out,
            province=province,
            fiscal_year=fiscal_year,
            force=force,
            **(options or {}),
        )
    except OkanalysisError as exc:
        return ProvinceOutcome(
            province,
            False,
            engine,
            time.perf_counter() - started,
            error_th=_with_where(exc, exc.expected_th),
            error_en=_with_where(exc, exc.expected_en),
            worker=worker,
        )
    except Exception as exc:  # a fault: named with the province, the others go on
        text = "".join(traceback.format_exception_only(exc)).strip()
        return ProvinceOutcome(
            province,
            False,
            engine,
            time.perf_counter() - started,
            error_th=f"คำนวณไม่สำเร็จ: {text}",
            error_en=f"the build failed: {text}",
            worker=worker,
        )
    outcome = ProvinceOutcome(
        r.province, True, engine, time.perf_counter() - started, r.path, r.reused, worker=worker
    )
    faults = r.manifest.get("faults") or []
    if faults:
        outcome.ok = False
        outcome.error_th = f"คำนวณตารางเหล่านี้ไม่ได้: {', '.join(faults)}"
        outcome.error_en = f"these tables could not be computed: {', '.join(faults)}"
    return outcome


def _with_where(exc: OkanalysisError, text: str) -> str:
    where = [str(p) for p in (exc.file, exc.column) if p]
    if exc.value is not None:
        where.append(repr(exc.value))
    return f"{text} ({', '.join(where)})" if where else text


def _cluster(workers: int | None, scheduler: str | None, processes: bool, jobs: int) -> Any:
    """A Dask client: on the scheduler at `scheduler`, else on a new LocalCluster of `workers`
    single-threaded workers (processes unless `processes=False`)."""
    import logging

    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise InputError(
                f"ติดต่อตัวจัดการงาน Dask ไม่ได้: {exc}",
                f"cannot reach the Dask scheduler: {exc}",
                column="--scheduler",
                value=scheduler,
            ) from None
    n = workers or max(1, min(jobs, os.cpu_count() or 1, 4))
    cluster = LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=processes,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster)


def build_provinces(
    data: str | os.PathLike[str],
    provinces: object = "all",
    *,
    out: str | os.PathLike[str] | None = None,
    engine: str = "pandas",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    fiscal_year: int | None = None,
    force: bool = False,
    memory_limit: str | None = None,
    threads: int | None = None,
    processes: bool = True,
    client: Any = None,
    on_done: Callable[[ProvinceOutcome], None] | None = None,
) -> NationalBuild:
    """Build the results of several provinces of `data` (a folder partitioned by province)
    across a Dask cluster, one province per task, and write the national index.

    `provinces` is "all" (every province the folder holds), "80,81" or a list of codes.
    `workers` worker processes of a new `LocalCluster` (default: the cores, at most 4 and at
    most the provinces), or the cluster at `scheduler` ("tcp://host:8786"), or a Dask `client`
    already made. Each province is built with `results.build(data, province=..., out=...)`
    (the `engine`, `memory_limit` and `threads` passed on when not the defaults), into `out`
    (default: `paths.results_root(data)`); unchanged inputs reuse their results unless `force`.

    Returns each province's outcome (the results folder or the error, in Thai and English)
    and writes `<out>/national.json`. Never raises for a province that fails.
    """
    from tqdm.auto import tqdm

    started = time.perf_counter()
    data = Path(data)
    if not data.exists():
        raise InputError("ไม่พบข้อมูลที่ระบุ", "no data at this path", file=str(data))
    codes = wanted_provinces(data, provinces)
    options = engine_options(engine, memory_limit=memory_limit, threads=threads)
    root = Path(out) if out else paths.results_root(data)
    root.mkdir(parents=True, exist_ok=True)
    result = NationalBuild(root / national.INDEX)
    bar = tqdm(total=len(codes), desc="จังหวัด / provinces", unit="", disable=not progress)

    def finished(code: str, outcome: ProvinceOutcome) -> None:
        outcome.province = code
        result.outcomes[code] = outcome
        bar.set_postfix_str(
            f"สำเร็จ/ok {len(result.outcomes) - len(result.failed)} · "
            f"ล้มเหลว/failed {len(result.failed)}",
            refresh=False,
        )
        bar.update(1)
        if not outcome.ok:
            bar.write(f"ล้มเหลว / failed: {outcome.message()}")
        if on_done is not None:
            on_done(outcome)

    from dask.distributed import as_completed

    own = client is None
    client = client if client is not None else _cluster(workers, scheduler, processes, len(codes))
    run = uuid.uuid4().hex[:8]
    try:
        futures = {}
        for code in codes:
            future = client.submit(
                build_one,
                str(data.resolve()),
                code,
                str(root.resolve()),
                engine=engine,
                options=options,
                fiscal_year=fiscal_year,
                force=force,
                key=f"okanalysis-province-{code}-{run}",
                pure=False,
                retries=0,
            )
            futures[future] = code
        for future in as_completed(futures):
            code = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # the worker itself died (memory, a killed process...)
                text = "".join(traceback.format_exception_only(exc)).strip()
                outcome = ProvinceOutcome(
                    code,
                    False,
                    engine,
                    error_th=f"เครื่องที่คำนวณจังหวัดนี้หยุดทำงาน: {text}",
                    error_en=f"the worker building this province stopped: {text}",
                )
            finished(code, outcome)
    finally:
        bar.close()
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
    result.seconds = time.perf_counter() - started
    national.write_index(
        root,
        {code: o.entry() for code, o in result.outcomes.items()},
        source=str(data.resolve()),
        engine=engine,
        scheduler=scheduler or "local",
        workers=workers,
        fiscal_year=fiscal_year,
        seconds=round(result.seconds, 2),
        province_names={code: national.province_label(code) for code in codes},
    )
    return result
