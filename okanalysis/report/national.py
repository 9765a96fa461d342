"""The national summary: its notebook's helpers and `okanalysis batch --national`.

`notebooks/national_summary.ipynb` stays thin: its first cell opens the national results with
`open_national` (the index `national.json` written by `results.build_provinces`; a wrong path
fails there, in Thai and English), and every figure comes from
`okanalysis.results.national.summary`, computed from the provinces' household rows.

`run` builds the provinces' results across a Dask cluster (`build_provinces`), then executes
the notebook through papermill and exports it for readers: `<out>/national/index.html` and
`<out>/national/national_summary.ipynb`, beside one shared `plotly.min.js`. Faults are loud: a
province that fails is named and the run exits 2, and so does a notebook that fails (its
executed notebook is kept with the error).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from okanalysis.core import paths, thai
from okanalysis.core.errors import InputError, NothingToShow
from okanalysis.report import notebook as report
from okanalysis.results import national
from okanalysis.results.provinces import NationalBuild, build_provinces

NOTEBOOK = "national_summary.ipynb"
#: The folder of the national summary inside the reports folder.
FOLDER = "national"
TITLE = {"th": "สรุปภาพรวมระดับประเทศ", "en": "National summary"}
_STATUS = {True: ("สำเร็จ", "built"), False: ("ไม่สำเร็จ", "failed")}


# ---------------------------------------------------------------------------------------------
# the notebook's data


@dataclass
class NationalReport:
    """The national summary's data: the index, the national tables and the reader's language."""

    index: national.NationalIndex
    summary: national.NationalSummary
    lang: str

    @property
    def parameters(self) -> dict:
        return self.summary.parameters

    @property
    def labels(self) -> dict[str, tuple[str, str]]:
        """Column headers: the roll-up's (level names from the potential parameters), the
        grading's and the national tables'."""
        out = report.labels()
        from okanalysis.topics import potential

        out.update(potential.column_labels(self.parameters))
        out.update(national.column_labels())
        return out

    @property
    def share_columns(self) -> list[str]:
        """The share of households on each potential level, top first."""
        levels, _, _ = national.level_codes(self.parameters)
        return [f"share_{code}" for code in levels]

    @property
    def figure_columns(self) -> list[str]:
        """The columns the region and province tables show."""
        return [
            "households_recording",
            "households_assessed",
            *self.share_columns,
            "median_income_annual_satang",
            "median_income_per_member_month_satang",
            "substitutable_per_household_satang",
            "avoidable_per_household_satang",
        ]

    @property
    def rank_columns(self) -> list[str]:
        return [
            "rank_top_level",
            "rank_below_line",
            "rank_median_income",
            "rank_substitutable",
            "rank_computed_grades",
            "rank_agreed_grades",
        ]

    @property
    def kingdom(self) -> pd.Series:
        return self.summary.kingdom.iloc[0]

    def intro(self, lang: str | None = None) -> str:
        """What the summary covers, in one sentence."""
        lang = lang or self.lang
        built, failed = len(self.index.built), len(self.index.failed)
        years = sorted({y for y in self.summary.fiscal_years.values() if y is not None})
        shown = ", ".join(str(y) for y in years) or "–"
        if lang == "en":
            text = (
                f"{built} provinces, every figure computed from their households' own rows "
                f"(medians over all households, shares from summed counts; never an average "
                f"of the provinces' figures) · fiscal year {shown} BE"
            )
            return text + (
                f" · {failed} provinces failed to build (listed at the end)" if failed else ""
            )
        text = (
            f"{built} จังหวัด ทุกตัวเลขคำนวณจากข้อมูลรายครัวเรือน (ค่ามัธยฐานจากทุกครัวเรือน "
            f"สัดส่วนจากจำนวนที่รวมกัน ไม่ใช่ค่าเฉลี่ยของตัวเลขจังหวัด) · ปีงบประมาณ {shown}"
        )
        return text + (f" · {failed} จังหวัดคำนวณไม่สำเร็จ (ดูท้ายรายงาน)" if failed else "")

    def headline_items(self) -> list[tuple[str, str]]:
        """The kingdom's headline figures as (label, value) cards."""
        k, lang, labels = self.kingdom, self.lang, self.labels
        i = 1 if lang == "en" else 0

        def word(column: str) -> str:
            return labels[column][i]

        return [
            (word("provinces"), thai.format_number(k["provinces"])),
            (word("households_recording"), thai.format_number(k["households_recording"])),
            (word("below_line_share"), thai.format_percent(k["below_line_share"], 1)),
            (
                word("median_income_annual_satang"),
                thai.format_baht(k["median_income_annual_satang"], lang),
            ),
            (
                word("substitutable_annual_satang"),
                thai.format_baht(k["substitutable_annual_satang"], lang),
            ),
            (word("avoidable_annual_satang"), thai.format_baht(k["avoidable_annual_satang"], lang)),
        ]

    def require_circles(self) -> None:
        """NothingToShow ("no circle has graded") before any circle has agreed a grade in
        these provinces."""
        if not self.summary.circles_graded:
            raise NothingToShow(
                "ยังไม่มีวงเรียนรู้ใดให้ระดับในจังหวัดเหล่านี้ (แสดงเฉพาะระดับที่คำนวณจากข้อมูล)",
                "no circle has graded in these provinces (only the computed grades are shown)",
            )

    def builds(self) -> pd.DataFrame:
        """The index as a table: each province, its status, engine, seconds and error."""
        rows = []
        for code, entry in sorted(self.index.provinces.items()):
            error = entry.get("error_en" if self.lang == "en" else "error_th", "")
            rows.append(
                {
                    "unit_code": code,
                    "name_th": national.province_label(code, self.lang),
                    "status": _STATUS[entry.get("status") == "ok"][self.lang == "en"],
                    "engine": entry.get("engine", ""),
                    "seconds": float(entry.get("seconds", 0.0)),
                    "error": error,
                }
            )
        return pd.DataFrame(rows)


def _store(circle_store: object) -> Path | None:
    if circle_store in (None, ""):
        return paths.circle_store()
    return Path(thai.arabic_digits(str(circle_store))).expanduser()


def default_national_dir() -> Path:
    """Where the national index is looked for when no folder is given: the results root of
    the default data ($OKANALYSIS_DATA, else data/demo)."""
    return paths.results_root(report.resolve_data(None))


def open_national(
    national_dir: object = None, *, lang: object = "th", circle_store: object = None
) -> NationalReport:
    """The national summary's data: the index in `national_dir` (the folder holding
    `national.json`), the national tables computed from the provinces' results, and the
    agreed grades from the circle store. A wrong path fails here with a Thai/English message."""
    lang = report.resolve_lang(lang)
    report.setup(lang)
    folder = (
        default_national_dir()
        if national_dir in (None, "")
        else Path(thai.arabic_digits(str(national_dir))).expanduser()
    )
    index = national.open_index(folder)
    inputs = national.gather(index, circle_store=_store(circle_store))
    return NationalReport(index, national.summary(inputs), lang)


# ---------------------------------------------------------------------------------------------
# okanalysis batch --national


@dataclass
class NationalBatchResult:
    """What `batch --national` did: the provinces' build, the summary written, what failed
    (a province code or "national" -> the error)."""

    build: NationalBuild
    out: Path
    html: Path
    ipynb: Path
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def run(
    data: str | os.PathLike[str] | None = None,
    *,
    provinces: object = "all",
    out: str | os.PathLike[str] = "reports",
    engine: str = "pandas",
    workers: int | None = None,
    scheduler: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    fiscal_year: int | None = None,
    force: bool = False,
    lang: str = "th",
    circles: str | os.PathLike[str] | None = None,
    notebooks: str | os.PathLike[str] | None = None,
    kernel_name: str | None = None,
    processes: bool = True,
    progress: bool = False,
    log: Callable[[str], None] | None = None,
) -> NationalBatchResult:
    """Build the provinces' results across a Dask cluster (`build_provinces`: `workers`
    local processes or the cluster at `scheduler`), then write the national summary:
    `<out>/national/index.html` and `national_summary.ipynb`. Never raises for a province or
    a notebook that fails: see `NationalBatchResult.failed`."""
    from okanalysis.report import batch

    say = log or (lambda text: None)
    started = time.perf_counter()
    data_path = report.resolve_data(data)
    lang = report.resolve_lang(lang)
    source = (Path(notebooks) if notebooks else paths.NOTEBOOKS_DIR) / NOTEBOOK
    if not source.is_file():
        raise InputError("ไม่พบสมุดบันทึกรายงาน", "report notebook not found", file=str(source))
    built = build_provinces(
        data_path,
        provinces,
        out=cache_dir,
        engine=engine,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        fiscal_year=fiscal_year,
        force=force,
        processes=processes,
    )
    say(built.describe())
    folder = Path(out) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    ipynb, html = folder / NOTEBOOK, folder / "index.html"
    result = NationalBatchResult(built, folder, html, ipynb)
    for code, outcome in built.failed.items():
        result.failed[code] = f"{outcome.error_th} / {outcome.error_en}"
    store = Path(circles) if circles else paths.circle_store()
    task = batch.NotebookTask(
        "national",
        source,
        ipynb,
        html,
        {
            "national_dir": str(built.index.parent.resolve()),
            "lang": lang,
            "circle_store": str(store.resolve()),
        },
        TITLE[lang],
        kernel_name or batch.KERNEL,
        os.getcwd(),
    )
    done = batch.execute(task)
    if not done.ok:
        result.failed["national"] = done.error
    result.seconds = time.perf_counter() - started
    return result


def describe(result: NationalBatchResult) -> str:
    """What `batch --national` did, in Thai and English, each failure by name."""
    lines = []
    if "national" in result.failed:
        lines.append(
            "สรุประดับประเทศสร้างไม่สำเร็จ / the national summary failed: "
            f"{result.failed['national'].splitlines()[0]}"
        )
        lines.append(f"  สมุดบันทึกที่มีข้อผิดพลาด / the notebook with the error: {result.ipynb}")
    else:
        lines.append(f"สรุประดับประเทศ / national summary: {result.html}")
    failed = [c for c in result.failed if c != "national"]
    if failed:
        lines.append(
            f"จังหวัดที่คำนวณไม่สำเร็จ (ไม่อยู่ในสรุป) / provinces that failed (not in the "
            f"summary): {', '.join(national.province_label(c) for c in failed)}"
        )
    lines.append(f"({result.seconds:.1f} s)")
    return "\n".join(lines)
