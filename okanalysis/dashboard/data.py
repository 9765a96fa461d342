"""What a dashboard screen reads: computed results (`okanalysis.results`), never the raw data.

A kernel opens the results folder the server names (`$OKANALYSIS_RESULTS`), reads the small
UNITS table for the pickers, and reads a district's tables (`amphoe=`) only when a village or
the scorecard of that district is shown. `CircleData` holds one district at a time: showing
another drops the previous one. Household rows (HOUSEHOLDS) and per-person rows
(FREEDOM_PEOPLE) are read for one village, and only when the facilitator asks for them.

Every read may raise `NothingToShow` (the build found nothing to show for that table: a panel
says so in words) or `ResultFault` (computing the table failed: the screen shows the fault).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from okanalysis.circles import store as circles
from okanalysis.core import paths
from okanalysis.core.components import COMPONENT_CODES, GRADES
from okanalysis.grading import steps as grading_steps
from okanalysis.results import tables as rt
from okanalysis.results.store import Results
from okanalysis.topics import potential

NO_DATA = "no_data"


# ---------------------------------------------------------------------------------------------
# computed grades, as the screens read them


@dataclass(frozen=True)
class ComputedGrades:
    """Computed grades as the screens read them (see `from_tables`).

    `components`: unit_code, component, grade (A/B/C or None), state (graded, no_data,
    not_applicable), evidence_th, evidence_en. `overall`: the same per unit, no component.
    """

    components: pd.DataFrame
    overall: pd.DataFrame
    rubric_version: str | None = None

    def for_unit(self, code: str) -> pd.DataFrame:
        rows = self.components.loc[self.components["unit_code"] == code]
        return rows.set_index("component").reindex(list(COMPONENT_CODES))

    def overall_of(self, code: str) -> tuple[str | None, str]:
        rows = self.overall.loc[self.overall["unit_code"] == code]
        if rows.empty:
            return None, NO_DATA
        row = rows.iloc[0]
        grade = row["grade"] if row["grade"] in GRADES else None
        return grade, str(row["state"])

    def why(self, code: str, lang: str = "th") -> str:
        """The sentence behind a unit's overall grade ("" without one)."""
        rows = self.overall.loc[self.overall["unit_code"] == code, f"evidence_{lang}"]
        return str(rows.iloc[0]) if len(rows) else ""


def _grade_or_none(values: pd.Series) -> Any:
    return values.where(values.isin(GRADES), None).to_numpy(dtype=object)


def from_tables(units: pd.DataFrame, components: pd.DataFrame) -> ComputedGrades:
    """The result tables GRADES_UNITS and GRADES_COMPONENTS (or `grading.Grades`' `units` and
    `components`) in the screens' shape: per unit and component the grade, its state (graded,
    no_data, not_applicable) and the evidence sentence; per unit the overall grade."""
    comp = pd.DataFrame(
        {
            "unit_code": components["unit_code"].astype(str).to_numpy(),
            "component": components["component"].astype(str).to_numpy(),
            "grade": _grade_or_none(components["grade"]),
            "state": components["status"].astype(str).to_numpy(),
            "evidence_th": components["why_th"].fillna("").astype(str).to_numpy(),
            "evidence_en": components["why_en"].fillna("").astype(str).to_numpy(),
        }
    )
    overall = pd.DataFrame(
        {
            "unit_code": units["unit_code"].astype(str).to_numpy(),
            "grade": _grade_or_none(units["overall"]),
            "state": units["overall_status"].astype(str).to_numpy(),
            "evidence_th": units["overall_th"].fillna("").astype(str).to_numpy(),
            "evidence_en": units["overall_en"].fillna("").astype(str).to_numpy(),
        }
    )
    version = None
    if "rubric_version" in units.columns and len(units):
        version = str(units["rubric_version"].iloc[0])
    return ComputedGrades(comp, overall, version)


def from_grades(grades: Any) -> ComputedGrades:
    """A `grading.Grades` in the screens' shape (as `from_tables`)."""
    found = from_tables(grades.units, grades.components)
    return ComputedGrades(found.components, found.overall, grades.rubric_version)


# ---------------------------------------------------------------------------------------------
# one district's tables


def _by_code(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop_duplicates("unit_code").set_index("unit_code", drop=False)


class District:
    """One district's result tables, each read on first use and kept while the district is
    shown. A table the build found nothing to show for raises `NothingToShow` each time it is
    asked for; one that could not be computed raises `ResultFault`."""

    def __init__(self, results: Results, amphoe: str) -> None:
        self.results = results
        self.amphoe = str(amphoe)
        self._frames: dict[tuple[str, str | None], pd.DataFrame | Exception] = {}
        self._grades: dict[str, ComputedGrades] = {}

    def table(self, name: str, level: str | None = None) -> pd.DataFrame:
        """Result table `name` of this district (one `level` if given)."""
        key = (name, level)
        if key not in self._frames:
            try:
                self._frames[key] = self.results.table(name, amphoe=self.amphoe, level=level)
            except Exception as exc:  # kept, so asking again says the same
                self._frames[key] = exc
        found = self._frames[key]
        if isinstance(found, Exception):
            raise found
        return found

    @property
    def tables(self) -> list[str]:
        """The tables read so far (for tests and the log)."""
        return sorted({name for name, _ in self._frames if "#" not in name})

    # --- the tables a circle screen shows, one row per village ---------------------------------
    @property
    def rollup(self) -> pd.DataFrame:
        """Households, accounts and potential levels per village (small groups suppressed)."""
        return self._indexed(rt.ROLLUP, "village")

    @property
    def opportunities(self) -> pd.DataFrame:
        """Money leaving per village, ranked by kind (`potential.opportunities`, shareable)."""
        return self.table(rt.OPPORTUNITIES, "village")

    @property
    def spending(self) -> pd.DataFrame:
        """Recorded spending per category group per village."""
        return self._indexed(rt.VILLAGE_SPENDING, "village")

    @property
    def freedom(self) -> pd.DataFrame:
        """Freedom-table progress by criterion per village (shareable)."""
        return self.table(rt.FREEDOM_CRITERIA)

    @property
    def alignment(self) -> pd.DataFrame:
        return self._indexed(rt.PLANS, "village")

    @property
    def plan_items(self) -> pd.DataFrame:
        return self.table(rt.PLAN_ITEMS)

    @property
    def centres(self) -> pd.DataFrame:
        return self._indexed(rt.CENTRES, "village")

    @property
    def finance(self) -> pd.DataFrame:
        return self._indexed(rt.FINANCE, "village")

    @property
    def standards(self) -> pd.DataFrame:
        return self._indexed(rt.STANDARDS, "village")

    @property
    def visions(self) -> pd.DataFrame:
        """What the programme means to each village and sub-district, in the words of the data
        sent in, by unit code (empty for results built before the table existed)."""
        if rt.VISIONS not in self.results.tables:
            return pd.DataFrame(columns=["level", "unit_code", "statement"]).set_index(
                "unit_code", drop=False
            )
        return _by_code(self.table(rt.VISIONS))

    def grades(self, level: str = "village") -> ComputedGrades:
        """The computed grades of the district's villages (or sub-districts, `level="tambon"`)."""
        if level not in self._grades:
            self._grades[level] = from_tables(
                self.table(rt.GRADES_UNITS, level), self.table(rt.GRADES_COMPONENTS, level)
            )
        return self._grades[level]

    def next_steps(self, level: str = "village") -> pd.DataFrame:
        """What would lift each component below A one grade (`grading.steps.next_steps`, up
        to 3 per unit and component), from the GRADES_INDICATORS table of the level. A table
        graded with another rubric than the one in force is refused by `next_steps` (a
        suggestion is never shown from a rubric that did not give the grade): a fault, shown
        as one, like a table that cannot be read."""
        key = ("next_steps#", level)
        if key not in self._frames:
            indicators = self.table(rt.GRADES_INDICATORS, level)
            self._frames[key] = grading_steps.next_steps(indicators, limit=3)
        return self._frames[key]  # type: ignore[return-value]

    def _indexed(self, name: str, level: str) -> pd.DataFrame:
        key = (f"{name}#indexed", level)
        if key not in self._frames:
            self._frames[key] = _by_code(self.table(name, level))
        return self._frames[key]  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# what a kernel holds


class CircleData:
    """What the circle screen and the district scorecard read from a `Results`: every village
    with its names (the pickers), and the tables of the one district shown."""

    def __init__(self, results: Results) -> None:
        self.results = results
        units = results.table(rt.UNITS)
        v = units.drop_duplicates("village_code")
        v = v.sort_values(["amphoe_code", "tambon_code", "village_no", "village_code"])
        self.villages = v.set_index("village_code", drop=False)
        self.tambons = (
            v.drop_duplicates("tambon_code")[
                ["tambon_code", "amphoe_code", "tambon_th", "tambon_en"]
            ]
            .set_index("tambon_code", drop=False)
            .sort_values("tambon_th")
        )
        self.amphoes = (
            v.drop_duplicates("amphoe_code")[["amphoe_code", "amphoe_th", "amphoe_en"]]
            .set_index("amphoe_code", drop=False)
            .sort_values("amphoe_th")
        )
        self.year: int | None = results.fiscal_year
        self.min_group = int(results.manifest.get("min_group_size", 0) or 0)
        self.potential = potential.read_parameters(results.potential_parameters)
        self.potential_levels = self.potential.labels()
        #: The freedom-table rounds: the usual names for assessment rounds too.
        self.rounds = [str(r) for r in results.manifest.get("freedom_rounds", [])]
        #: The district of a district pack (`okanalysis pack`), None for a province's results.
        self.pack_district: str | None = (results.manifest.get("pack") or {}).get("district")
        self._district: District | None = None

    # --- the units ------------------------------------------------------------------------------
    def village(self, code: str) -> pd.Series:
        return self.villages.loc[code]

    def known(self, code: object) -> bool:
        return isinstance(code, str) and code in self.villages.index

    def outside_pack(self, code: object) -> bool:
        """True for a unit code outside the district of the pack served (never without one)."""
        return self.pack_district is not None and not str(code).startswith(self.pack_district)

    # --- one district at a time -----------------------------------------------------------------
    @property
    def held(self) -> str | None:
        """The district whose tables are held (None before any is shown)."""
        return self._district.amphoe if self._district is not None else None

    def district(self, amphoe: str) -> District:
        """The district's tables; showing another district drops the previous one's."""
        amphoe = str(amphoe)
        if self._district is None or self._district.amphoe != amphoe:
            self._district = None  # let the previous district go before reading the next
            self._district = District(self.results, amphoe)
        return self._district

    def of(self, code: str) -> District:
        """The tables of the district of a village or sub-district."""
        if code in self.villages.index:
            return self.district(str(self.villages.at[code, "amphoe_code"]))
        return self.district(str(code)[:4])

    def grades(self, code: str) -> ComputedGrades:
        """The computed grades of the level of `code` (8 digits: villages; 6: sub-districts)
        in its district."""
        return self.of(code).grades("village" if len(code) == 8 else "tambon")

    def next_steps(self, code: str) -> pd.DataFrame:
        """The next steps of one village or sub-district (`District.next_steps`)."""
        steps = self.of(code).next_steps("village" if len(code) == 8 else "tambon")
        return steps.loc[steps["unit_code"].astype(str) == code]

    # --- personal rows: one village, only when asked ---------------------------------------------
    def households(self, village: str) -> pd.DataFrame:
        """The village's household summary of the fiscal year (personal data)."""
        return self.results.table(rt.HOUSEHOLDS, village=village)

    def people(self, village: str) -> pd.DataFrame:
        """Each core's freedom-table scores in the village (personal data)."""
        return self.results.table(rt.FREEDOM_PEOPLE, village=village)


def agreed_in_force(store: Path | None, code: str) -> pd.Series | None:
    """The unit's agreed grade in force (`circles.in_force`), or None without one or a store."""
    if store is None or not Path(store).exists():
        return None
    entries = circles.in_force(store, unit_code=code)
    return entries.iloc[-1] if len(entries) else None


def circle_words(store: Path | None, codes: Sequence[str]) -> dict[str, str]:
    """The statements in force in the circle store (`circles.visions_in_force`) of `codes`, by
    unit code; empty without a store."""
    if store is None or not Path(store).exists():
        return {}
    found = {}
    for code in codes:
        latest = circles.visions_in_force(store, code)
        if len(latest):
            found[code] = str(latest["statement"].iloc[-1])
    return found


def open_data(path: str | os.PathLike[str] | None = None) -> CircleData:
    """The results at `path`, else $OKANALYSIS_RESULTS (what the server sets), else the data
    folder ($OKANALYSIS_DATA or ./data/demo). A raw data folder is computed into results in a
    child process first (see `dashboard.source`), so the kernel never holds the raw data."""
    from okanalysis.dashboard import source
    from okanalysis.results.store import open as open_results

    if path is None:
        path = os.environ.get(paths.RESULTS_ENV) or paths.data_dir()
    return CircleData(open_results(source.results_path(Path(path))))
