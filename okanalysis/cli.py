"""The `okanalysis` command: a thin layer over the library for people without `make`.

Every subcommand calls one public function; nothing here that a notebook user would miss.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

from okanalysis.core.errors import OkanalysisError
from okanalysis.core.thai import arabic_digits

EXIT_REJECTS, EXIT_ERROR = 1, 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are the project's bilingual error, not a bare exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise OkanalysisError(
            f"คำสั่งไม่ถูกต้อง ({message}) ดูวิธีใช้ด้วย {self.prog} --help",
            f"bad command line ({message}); see {self.prog} --help",
        )


def _number(
    option: str,
    *,
    integer: bool,
    minimum: float,
    maximum: float | None = None,
    above: bool = False,
    th: str,
    en: str,
) -> Callable[[str], int | float]:
    """An argparse `type=` for a number option: refuses anything else with the bilingual error
    naming the option and the value (Thai digits are accepted)."""

    def convert(text: str) -> int | float:
        raw = arabic_digits(str(text).strip())
        try:
            value: int | float = int(raw) if integer else float(raw)
        except ValueError:
            value = math.nan
        low_ok = value > minimum if above else value >= minimum
        if not (math.isfinite(value) and low_ok and (maximum is None or value <= maximum)):
            raise OkanalysisError(th, en, column=option, value=text)
        return value

    convert.__name__ = option.lstrip("-")
    return convert


def _choice(option: str, choices: tuple[str, ...]) -> Callable[[str], str]:
    """An argparse `type=` for an option with fixed values: the bilingual error otherwise."""

    def convert(text: str) -> str:
        if text not in choices:
            listed = ", ".join(choices)
            raise OkanalysisError(
                f"ต้องเป็นหนึ่งใน {listed}", f"must be one of {listed}", column=option, value=text
            )
        return text

    convert.__name__ = option.lstrip("-")
    return convert


class _StoreGiven(argparse.Action):
    """Store the value and note that it was given (`<dest>_given`), unlike its default."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[override]
        setattr(namespace, self.dest, values)
        setattr(namespace, f"{self.dest}_given", True)


FORMATS = ("csv", "xlsx", "parquet")
LANGS = ("th", "en")
CIRCLE_ACTIONS = ("export", "backup", "merge", "sheet")
_scale = _number(
    "--scale",
    integer=False,
    minimum=0,
    above=True,
    th="ต้องเป็นตัวเลขมากกว่า 0 เช่น 0.1 หรือ 1",
    en="must be a number above 0, e.g. 0.1 or 1",
)
_seed = _number(
    "--seed",
    integer=True,
    minimum=0,
    th="ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป เช่น 2551",
    en="must be a whole number of 0 or more, e.g. 2551",
)
_show = _number(
    "--show",
    integer=True,
    minimum=0,
    th="ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป",
    en="must be a whole number of 0 or more",
)
_port = _number(
    "--port",
    integer=True,
    minimum=1,
    maximum=65535,
    th="พอร์ตต้องเป็นจำนวนเต็ม 1-65535",
    en="the port must be a whole number from 1 to 65535",
)
_jobs = _number(
    "--jobs",
    integer=True,
    minimum=1,
    maximum=32,
    th="ต้องเป็นจำนวนเต็ม 1-32",
    en="must be a whole number from 1 to 32",
)


def _year(text: str) -> int:
    """An argparse `type=` for a fiscal year: BE 2500-2700 (2551) or CE 1957-2157 (2008), as
    `report.notebook.resolve_year` reads it; Thai digits accepted."""
    raw = arabic_digits(str(text).strip())
    year = int(raw) if raw.isdigit() else 0
    if not (2500 <= year <= 2700 or 1957 <= year <= 2157):
        raise OkanalysisError(
            "ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2551 (หรือ ค.ศ. เช่น 2008)",
            "the fiscal year must be a year in BE such as 2551 (or CE such as 2008)",
            column="--year",
            value=text,
        )
    return year


def _print_problems(problems, show: int) -> None:
    from okanalysis.core.errors import Problem

    for rec in problems.head(show).to_dict("records"):
        row = None if rec["row"] is None or str(rec["row"]) in ("<NA>", "nan") else int(rec["row"])
        print(
            Problem(
                rec["file"],
                row,
                rec["column"] or None,
                rec["value"],
                rec["expected_th"],
                rec["expected_en"],
                rec["check"],
                rec["table"],
            ).message()
        )
    if len(problems) > show:
        print(f"... และอีก {len(problems) - show:,} รายการ / and {len(problems) - show:,} more")


def default_rejects_path(data: Path) -> Path:
    """Where rejects go by default: the working folder's data/processed/, never the input."""
    return Path.cwd() / "data" / "processed" / f"rejects-{data.resolve().name}.csv"


def cmd_validate(args: argparse.Namespace) -> int:
    from okanalysis.loading.validate import load, write_rejects

    data = Path(args.path)
    ds = load(data, progress=not args.quiet)
    summary = ds.summary()
    print(summary.to_string(index=False))
    if ds.ok:
        print(f"ตรวจแล้ว ไม่พบปัญหา / validated: no problems in {data}")
        return 0
    rejects = Path(args.rejects) if args.rejects else default_rejects_path(data)
    if rejects.resolve().is_relative_to(data.resolve()) and data.is_dir():
        rejects = default_rejects_path(data)
    _print_problems(ds.problems, args.show)
    write_rejects(ds.problems, rejects)
    n_rows = ds.problems.groupby(["file", "row"], dropna=False).ngroups
    print(
        f"พบปัญหา {len(ds.problems):,} รายการใน {n_rows:,} แถว แถวที่ถูกต้องโหลดได้ตามปกติ; "
        f"บันทึกรายการปัญหาไว้ที่ {rejects}\n"
        f"{len(ds.problems):,} problems in {n_rows:,} rows; the good rows loaded; "
        f"the rejects are in {rejects}"
    )
    return EXIT_REJECTS


def _demo_provinces(args: argparse.Namespace) -> list[str]:
    """The provinces `demo` builds: --provinces, else --province, else Nakhon Si Thammarat."""
    from okanalysis.contract import hierarchy
    from okanalysis.demo import synthetic as demo

    if args.provinces is not None:
        return demo.provinces(args.provinces)
    if args.province is not None:
        return [hierarchy.check_province(args.province)]
    return [hierarchy.PROVINCE_CODE]


def cmd_demo(args: argparse.Namespace) -> int:
    from okanalysis.contract.dataset import Dataset
    from okanalysis.contract.fingerprint import contract_fingerprint
    from okanalysis.demo import synthetic as demo
    from okanalysis.loading import io
    from okanalysis.loading.validate import load

    out = Path(args.out)
    started = time.perf_counter()
    codes = _demo_provinces(args)
    several = len(codes) > 1
    fmt = "parquet" if several and not getattr(args, "format_given", False) else args.format
    if several and fmt != "parquet":
        raise OkanalysisError(
            "ข้อมูลหลายจังหวัดเขียนเป็น Parquet แยกตามจังหวัดเท่านั้น (ใช้ --format parquet)",
            "several provinces are written only as Parquet partitioned by province "
            "(use --format parquet)",
            column="--format",
            value=fmt,
        )
    note = (
        f"ข้อมูลสาธิต (สังเคราะห์ ไม่ใช่ข้อมูลจริง) / synthetic demo data, not real: "
        f"scale={args.scale} seed={args.seed}"
    )
    if not several:
        code = codes[0]
        ds = demo.generate(scale=args.scale, seed=args.seed, progress=not args.quiet, province=code)
        io.write_dataset(ds, out, fmt, note=note if code == "80" else f"{note} province={code}")
        print(
            f"เขียนข้อมูลสาธิตแล้ว / demo written: {out} ({fmt}, "
            f"{len(ds.villages):,} villages, {len(ds.ledger):,} ledger rows, "
            f"{time.perf_counter() - started:.1f} s)"
        )
        if args.no_validate:
            return 0
        loaded = load(out, progress=not args.quiet)
        if not loaded.ok:
            _print_problems(loaded.problems, 20)
            print("ข้อมูลสาธิตไม่ผ่านการตรวจ / the demo data did not validate", file=sys.stderr)
            return EXIT_ERROR
        if fmt == "parquet":
            io.mark_validated(out, contract_fingerprint())
        print(f"ตรวจแล้ว ไม่พบปัญหา / validated: no problems ({time.perf_counter() - started:.1f} s)")
        return 0

    failed: list[str] = []

    def written(code: str, ds: Dataset) -> None:
        print(
            f"  จังหวัด / province {code}: {len(ds.villages):,} villages, "
            f"{len(ds.ledger):,} ledger rows ({time.perf_counter() - started:.1f} s)"
        )
        if args.no_validate:
            return
        loaded = load(out, province=code, progress=False)
        if not loaded.ok:
            _print_problems(loaded.problems, 20)
            failed.append(code)
            return
        io.mark_validated(out, contract_fingerprint(), province=code)

    datasets = (
        demo.generate(scale=args.scale, seed=args.seed, progress=not args.quiet, province=code)
        for code in codes
    )
    io.write_provinces(
        datasets, out, note=f"{note} provinces={','.join(codes)}", on_written=written
    )
    print(
        f"เขียนข้อมูลสาธิต {len(codes)} จังหวัดแล้ว แยกตามจังหวัด / demo of {len(codes)} provinces "
        f"written, partitioned by province: {out} ({time.perf_counter() - started:.1f} s)"
    )
    if failed:
        print(
            f"ข้อมูลสาธิตไม่ผ่านการตรวจ / the demo data did not validate: {', '.join(failed)}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if not args.no_validate:
        print(f"ตรวจแล้ว ไม่พบปัญหา / validated: no problems ({time.perf_counter() - started:.1f} s)")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from okanalysis.contract.workbook import write_template

    path = write_template(args.out, overwrite=args.overwrite)
    print(f"เขียนแบบฟอร์มกรอกข้อมูลแล้ว / data-entry workbook written: {path}")
    return 0


def cmd_circles(args: argparse.Namespace) -> int:
    from okanalysis.circles import store as circles

    if args.action == "merge":
        return _merge_circles(args)
    if args.action == "sheet":
        return _circle_sheet(args)
    if len(args.paths) != 1:
        raise OkanalysisError(
            f"circles {args.action} ต้องการไฟล์ปลายทางไฟล์เดียว",
            f"circles {args.action} takes one output file",
            column="out",
            value=" ".join(args.paths),
        )
    out = args.paths[0]
    store = Path(args.store) if args.store else circles.default_path()
    if args.action == "export":
        from okanalysis.circles import action_plan

        path = action_plan.export(store, out, lang=args.lang)
        print(f"ส่งออกบันทึกวงเรียนรู้แล้ว / circle records exported: {path}")
    else:
        path = circles.backup(store, out)
        print(f"สำรองฐานข้อมูลวงเรียนรู้แล้ว / circle store backed up: {path}")
    return 0


def _circle_sheet(args: argparse.Namespace) -> int:
    from okanalysis.circles import store as circles
    from okanalysis.report.sheet import write_sheet

    for option, value in (
        ("--village", args.village),
        ("--round", args.round),
        ("--out", args.out),
    ):
        if not value:
            raise OkanalysisError(
                f"circles sheet ต้องบอก {option}: circles sheet --village CODE --round R --out FILE.html",
                f"circles sheet needs {option}: circles sheet --village CODE --round R --out FILE.html",
                column=option,
            )
    if args.paths:
        raise OkanalysisError(
            "circles sheet เขียนไฟล์ที่ --out เท่านั้น ไม่รับชื่อไฟล์อื่น",
            "circles sheet writes only the --out file; it takes no other file",
            column="FILE",
            value=" ".join(args.paths),
        )
    store = Path(args.store) if args.store else circles.default_path()
    path = write_sheet(store, args.village, args.round, args.out, lang=args.lang)
    print(f"เขียนบันทึกวงเรียนรู้สำหรับพิมพ์แล้ว / circle record sheet written: {path}")
    return 0


def _merge_circles(args: argparse.Namespace) -> int:
    from okanalysis.circles import store as circles

    if not args.paths:
        raise OkanalysisError(
            "ต้องบอกไฟล์ที่จะรวม: circles merge FILE... --into TARGET",
            "say which stores to merge: circles merge FILE... --into TARGET",
            column="FILE",
        )
    if not args.into:
        raise OkanalysisError(
            "ต้องบอกไฟล์ที่จะรวมเข้า: circles merge FILE... --into TARGET",
            "say which store to merge into: circles merge FILE... --into TARGET",
            column="--into",
        )
    result = circles.merge(args.paths, args.into)
    for unit_code, round_ in result.conflicts:
        print(f"conflict / ขัดแย้ง: {unit_code} {round_}")
    print(
        f"รวมเข้า {result.target} แล้ว: เพิ่ม {result.added} รายการ, มีอยู่แล้ว {result.already},"
        f" ขัดแย้ง {result.in_conflict}, กิจกรรมใหม่ {result.actions_added},"
        f" ความคืบหน้าใหม่ {result.updates_added} / merged into {result.target}: {result.added} added,"
        f" {result.already} already there, {result.in_conflict} in conflict;"
        f" {result.actions_added} actions and {result.updates_added} action updates added"
    )
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    from okanalysis.dashboard import server as dashboard

    if args.self_signed:
        cert, key = dashboard.self_signed(args.self_signed)
        print(
            f"สร้างใบรับรองแล้ว / self-signed certificate written: {cert}\n"
            f"กุญแจ (เก็บเป็นความลับ) / its key (keep it private): {key}\n"
            f"SHA-256 {dashboard.certificate_fingerprint(cert)}\n"
            f"ใช้ / use: okanalysis dashboard --lan --certfile {cert} --keyfile {key}"
        )
        return 0
    s = dashboard.settings(
        args.data,
        store=args.store,
        port=args.port,
        lan=args.lan,
        certfile=args.certfile,
        keyfile=args.keyfile,
        province=args.province,
    )
    return dashboard.serve(s)


def _district(text: str) -> str:
    """An argparse `type=` for a district code: 4 digits (Thai digits accepted), e.g. 8015."""
    from okanalysis.pack.build import check_district

    return check_district(text)


def cmd_pack(args: argparse.Namespace) -> int:
    from okanalysis.pack.build import build

    started = time.perf_counter()
    built = build(
        args.district,
        data=args.data,
        out=args.out,
        households=args.households,
        store=args.store,
    )
    size = built.zip.stat().st_size / 1e6
    personal = (
        "มีข้อมูลรายครัวเรือน (ข้อมูลส่วนบุคคล ดูแลตาม PDPA) / carries household rows (personal "
        "data: keep it under the PDPA)"
        if args.households
        else "ไม่มีข้อมูลรายครัวเรือน / no household rows"
    )
    print(
        f"ชุดข้อมูลอำเภอ {built.district} / district pack {built.district}: {built.folder}\n"
        f"ไฟล์ zip / zip: {built.zip} ({size:.1f} MB, {time.perf_counter() - started:.1f} s)\n"
        f"บันทึกวงเรียนรู้ / circle records: {built.meta['circle_entries']}; {personal}\n"
        f"เปิดบนเครื่องที่ไม่มีเครือข่าย / open offline: okanalysis dashboard --data {built.zip}"
    )
    return 0


def _batch_national(args: argparse.Namespace) -> int:
    from okanalysis.report import national

    for option, value in (("--province", args.province), ("--districts", args.districts)):
        if value:
            raise OkanalysisError(
                f"{option} ใช้กับรายงานจังหวัดเดียว ไม่ใช้กับ --national (ใช้ --provinces)",
                f"{option} is for one province's reports, not --national (use --provinces)",
                column=option,
                value=value,
            )
    result = national.run(
        args.data,
        provinces=args.provinces or "all",
        out=args.out,
        engine=args.engine,
        workers=args.workers,
        scheduler=args.scheduler,
        fiscal_year=args.year,
        force=args.force,
        lang=args.lang,
        progress=not args.quiet,
        log=print,
    )
    print(national.describe(result))
    return EXIT_ERROR if result.failed else 0


def cmd_batch(args: argparse.Namespace) -> int:
    from okanalysis.report import batch

    if args.national:
        return _batch_national(args)
    for option in ("provinces", "workers", "scheduler"):
        if getattr(args, option) is not None:
            raise OkanalysisError(
                f"--{option} ใช้คู่กับ --national เท่านั้น",
                f"--{option} goes with --national only",
                column=f"--{option}",
                value=str(getattr(args, option)),
            )

    districts = [d for d in args.districts.split(",") if d.strip()] if args.districts else None
    result = batch.run(
        args.data,
        province=args.province,
        districts=districts,
        jobs=args.jobs,
        lang=args.lang,
        out=args.out,
        force=args.force,
        fiscal_year=args.year,
        assessment_round=args.round,
        boundaries=args.boundaries,
        progress=not args.quiet,
        log=print,
    )
    print(batch.describe(result))
    return EXIT_ERROR if result.failed else 0


ENGINES = (
    "pandas",
    "duckdb",
)  # okanalysis.results.engine.ENGINES (not imported: the CLI starts fast)
_workers = _number(
    "--workers",
    integer=True,
    minimum=1,
    maximum=256,
    th="ต้องเป็นจำนวนเต็ม 1-256",
    en="must be a whole number from 1 to 256",
)
_threads = _number(
    "--threads",
    integer=True,
    minimum=1,
    th="จำนวนเธรดต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป",
    en="threads must be a whole number of 1 or more",
)


def _memory_limit(text: str) -> str:
    """An argparse `type=` for --memory-limit: a size such as 2GB or 512MB."""
    from okanalysis.results.engine import check_memory_limit

    try:
        return str(check_memory_limit(arabic_digits(str(text).strip())))
    except OkanalysisError as exc:
        raise OkanalysisError(
            exc.expected_th, exc.expected_en, column="--memory-limit", value=text
        ) from None


def _add_results_parser(sub: argparse._SubParsersAction) -> None:
    """`okanalysis results build`: one province's results, or several provinces' across a
    Dask cluster with --provinces (and the national index)."""
    p = sub.add_parser("results", help="ผลลัพธ์ที่คำนวณแล้ว / the computed results")
    actions = p.add_subparsers(dest="results_action", required=True)
    b = actions.add_parser("build", help="คำนวณผลลัพธ์ / build the results")
    b.add_argument("--data", help="data folder or file (default $OKANALYSIS_DATA or data/demo)")
    b.add_argument(
        "--out", help="results root (default $OKANALYSIS_CACHE or processed/ beside the data)"
    )
    b.add_argument(
        "--engine",
        type=_choice("--engine", ENGINES),
        choices=ENGINES,
        default="pandas",
        help="pandas (default) or duckdb: the ledger out of core, from Parquet",
    )
    b.add_argument("--memory-limit", type=_memory_limit, help="duckdb: memory it may use, e.g. 2GB")
    b.add_argument("--threads", type=_threads, help="duckdb: threads (default: one per core)")
    b.add_argument("--year", type=_year, help="fiscal year in BE, e.g. 2551 (default: the latest)")
    b.add_argument("--province", help="one province of a folder of several, e.g. 81 (default 80)")
    b.add_argument("--force", action="store_true", help="build again even if unchanged")
    b.add_argument(
        "--provinces",
        help="80,81 or all: several provinces across a Dask cluster, and <out>/national.json",
    )
    b.add_argument(
        "--workers", type=_workers, help="--provinces: local worker processes (default: cores)"
    )
    b.add_argument("--scheduler", help="--provinces: a Dask scheduler, e.g. tcp://10.0.0.5:8786")
    b.set_defaults(func=_results_build)


def _results_build(args: argparse.Namespace) -> int:
    """`okanalysis results build`: compute the results folder (or reuse it), print its path and
    how long each part took; with --provinces, every province across a Dask cluster."""
    from okanalysis.core import thai
    from okanalysis.report.notebook import resolve_data

    if args.provinces is None:
        for option, value in (("--workers", args.workers), ("--scheduler", args.scheduler)):
            if value is not None:
                raise OkanalysisError(
                    f"{option} ใช้คู่กับ --provinces เท่านั้น",
                    f"{option} goes with --provinces only",
                    column=option,
                    value=str(value),
                )
    elif args.province is not None:
        raise OkanalysisError(
            "--province ใช้กับจังหวัดเดียว ใช้ --provinces อย่างใดอย่างหนึ่ง",
            "--province is for one province; give either --province or --provinces",
            column="--province",
            value=args.province,
        )
    data = resolve_data(args.data)
    year = args.year if args.year is None or args.year >= 2400 else thai.be_year(args.year)
    if args.provinces is not None:
        from okanalysis.results.provinces import build_provinces

        result = build_provinces(
            data,
            args.provinces,
            out=args.out,
            engine=args.engine,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.quiet,
            fiscal_year=year,
            force=args.force,
            memory_limit=args.memory_limit,
            threads=args.threads,
        )
        print(result.describe())
        return EXIT_ERROR if result.failed else 0
    from okanalysis.results.build import build

    r = build(
        data,
        out=args.out,
        fiscal_year=year,
        province=args.province,
        progress=not args.quiet,
        force=args.force,
        engine=args.engine,
        memory_limit=args.memory_limit,
        threads=args.threads,
    )
    built_by = r.manifest.get("engine", {"name": "pandas"}).get("name", "pandas")
    if r.reused:
        state = f"ใช้ผลลัพธ์เดิม (คำนวณด้วย {built_by}) / reused (computed with {built_by})"
    else:
        state = f"คำนวณแล้วด้วย {built_by} / computed with {built_by}"
    print(f"ผลลัพธ์ / results: {r.path}")
    print(f"{state}: {r.seconds:.1f} s")
    if not r.reused:
        seconds = r.manifest.get("seconds", {})
        parts = ", ".join(f"{name} {value:.2f}" for name, value in seconds.items())
        print(f"เวลา (วินาที) / seconds: {parts}")
    faults = r.manifest.get("faults") or []
    if faults:
        print(f"ตารางที่คำนวณไม่ได้ / tables that failed: {', '.join(faults)}", file=sys.stderr)
        return EXIT_ERROR
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="okanalysis",
        description="ชุมชนอินทรีย์อยู่ดีมีสุข นครศรีธรรมราช: เครื่องมือวิเคราะห์ข้อมูลแบบมีส่วนร่วม / "
        "participatory analysis toolkit",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="สร้างจังหวัดสาธิต / build the synthetic demo province")
    p.add_argument(
        "--scale", type=_scale, default=1.0, help="1 = ~1,550 villages in province 80 (default 1)"
    )
    p.add_argument("--seed", type=_seed, default=2551)
    p.add_argument("--out", default="data/demo", help="output folder (default data/demo)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--province", help="province code, e.g. 81 (default 80)")
    which.add_argument(
        "--provinces", help="codes such as 80,81,82 or all: Parquet partitioned by province"
    )
    p.add_argument(
        "--format",
        type=_choice("--format", FORMATS),
        choices=FORMATS,
        default="csv",
        action=_StoreGiven,
        help="csv (default), xlsx or parquet; several provinces are always parquet",
    )
    p.add_argument("--no-validate", action="store_true", help="skip loading it back")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("validate", help="ตรวจข้อมูล / validate a data folder or workbook")
    p.add_argument("path")
    p.add_argument("--rejects", help="rejects CSV (default data/processed/rejects-<name>.csv)")
    p.add_argument("--show", type=_show, default=100, help="problems to print (default 100)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("templates", help="แบบฟอร์มกรอกข้อมูล Excel / the data-entry workbook")
    p.add_argument("out")
    p.add_argument("--overwrite", action="store_true")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("circles", help="บันทึกวงเรียนรู้ / the learning-circle records")
    p.add_argument("action", type=_choice("action", CIRCLE_ACTIONS), choices=CIRCLE_ACTIONS)
    p.add_argument(
        "paths",
        nargs="*",
        metavar="FILE",
        help="export: OUT.xlsx or OUT.csv; backup: the copy's path; merge: the stores to merge;"
        " sheet: none (see --out)",
    )
    p.add_argument("--store", help="the store (default data/circles.sqlite or $OKANALYSIS_CIRCLES)")
    p.add_argument("--lang", type=_choice("--lang", LANGS), choices=LANGS, default="th")
    p.add_argument("--into", metavar="TARGET", help="merge: the store to merge into (created)")
    p.add_argument("--village", help="sheet: the village code, e.g. 80150101")
    p.add_argument("--round", help="sheet: the assessment round, e.g. start_2551")
    p.add_argument("--out", metavar="FILE.html", help="sheet: the page to write")
    p.set_defaults(func=cmd_circles)

    p = sub.add_parser("dashboard", help="แดชบอร์ดวงเรียนรู้ (Voila) / the circle dashboards")
    p.add_argument(
        "--data",
        help="data folder, or a district pack (folder or .zip) (default $OKANALYSIS_DATA or "
        "data/demo)",
    )
    p.add_argument("--port", type=_port, default=8866, help="port (default 8866)")
    p.add_argument("--province", help="one province of a folder of several, e.g. 81 (default 80)")
    p.add_argument("--lan", action="store_true", help="listen on the network; needs the token")
    p.add_argument("--store", help="the circle store (default data/circles.sqlite)")
    p.add_argument("--certfile", help="TLS certificate (PEM): serve HTTPS")
    p.add_argument("--keyfile", help="the certificate's private key (PEM)")
    p.add_argument(
        "--self-signed",
        metavar="DIR",
        help="write a self-signed certificate for this computer to DIR, then stop",
    )
    p.set_defaults(func=cmd_dashboard)

    p = sub.add_parser("pack", help="ชุดข้อมูลอำเภอสำหรับเครื่องที่ไม่มีเครือข่าย / a district pack")
    p.add_argument("--district", type=_district, required=True, help="district code, e.g. 8015")
    p.add_argument("--data", help="data or results folder (default $OKANALYSIS_DATA or data/demo)")
    p.add_argument("--out", default="packs", help="output folder (default packs/)")
    p.add_argument(
        "--households", action="store_true", help="include household rows (personal data, PDPA)"
    )
    p.add_argument("--store", help="the circle store (default data/circles.sqlite)")
    p.set_defaults(func=cmd_pack)

    p = sub.add_parser("batch", help="รายงานรายอำเภอและสรุปจังหวัด / district reports and summary")
    p.add_argument("--data", help="data folder or file (default $OKANALYSIS_DATA or data/demo)")
    p.add_argument(
        "--province", help="province code, e.g. 81: writes <out>/province-81/ (default 80)"
    )
    p.add_argument("--districts", help="codes or Thai names, comma-separated (default: all)")
    p.add_argument("--jobs", type=_jobs, help="reports run at once (default: cores, at most 4)")
    p.add_argument("--lang", type=_choice("--lang", LANGS), choices=LANGS, default="th")
    p.add_argument("--out", default="reports", help="output folder (default reports/)")
    p.add_argument("--force", action="store_true", help="redo reports whose inputs did not change")
    p.add_argument("--year", type=_year, help="fiscal year in BE, e.g. 2551 (default: the latest)")
    p.add_argument("--round", help="circle assessment round (default: each unit's latest)")
    p.add_argument("--boundaries", help="boundary GeoJSON for the potential maps")
    p.add_argument(
        "--national",
        action="store_true",
        help="the national summary of several provinces (<out>/national/index.html)",
    )
    p.add_argument("--provinces", help="--national: 80,81 or all (default all)")
    p.add_argument(
        "--engine",
        type=_choice("--engine", ENGINES),
        choices=ENGINES,
        default="pandas",
        help="--national: pandas (default) or duckdb",
    )
    p.add_argument("--workers", type=_workers, help="--national: local Dask worker processes")
    p.add_argument("--scheduler", help="--national: a Dask scheduler, e.g. tcp://host:8786")
    p.set_defaults(func=cmd_batch)
    _add_results_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 rejects found, 2 error)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except OkanalysisError as exc:
        print(f"ข้อผิดพลาด / error: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
