"""Summaries over grades and the circles: computed and agreed grades side by side.

`summary` counts, per district, zone, lead agency or the province and per component, the units
graded A, B and C by the data and by the circles, and how often the circle agreed with the
grade it was shown; `change` follows grades between two assessment rounds; `column_labels`
names the columns of these tables and of `Grades` in Thai and English.
"""

from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd

from okanalysis.circles import store as circles
from okanalysis.contract import hierarchy
from okanalysis.contract.hierarchy import check_choice
from okanalysis.core import labels
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS, GRADE_RANK, GRADES
from okanalysis.core.labels import pair
from okanalysis.grading.grades import OVERALL, Grades
from okanalysis.topics import budget

#: The groupings `summary` and `change` accept, and their key columns in `Grades.units`.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "amphoe": ("amphoe_code", "amphoe_th", "amphoe_en"),
    "zone": ("zone_id", "zone_th"),
    "agency": ("agency", "agency_th", "agency_en"),
    "province": ("province_code", "province_th", "province_en"),
}


# --- summaries: computed and agreed, per district, zone or lead agency ---------------------------
def _agreed(grades: Grades, sessions: pd.DataFrame | None, round: str | None) -> pd.DataFrame:
    """The circle's entry in force per unit of the graded level (for `round`, else the latest
    round by date), long: unit_code, component, shown (the computed grade the circle saw),
    agreed."""
    columns = ["unit_code", "component", "round", "shown", "agreed"]
    if sessions is None or sessions.empty:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    s = circles.in_force(sessions, round=round, level=grades.level)
    long = circles.component_scores(s).rename(columns={"computed": "shown"})
    overall = s[["unit_code", "round"]].assign(
        component=OVERALL, shown=s["computed_overall"], agreed=s["overall"]
    )
    out = pd.concat([long[columns], overall[columns]], ignore_index=True)
    return out.astype({"shown": "str", "agreed": "str"})


def _grouped(grades: Grades, by: str, agencies: str | os.PathLike[str] | None) -> pd.DataFrame:
    units = grades.units
    if by == "agency":
        province = (
            str(units["province_code"].iloc[0])
            if "province_code" in units and len(units)
            else hierarchy.PROVINCE_CODE
        )
        leads = budget.lead_agencies(agencies, province=province)  # NothingToShow outside 80
        units = units.merge(leads, on="amphoe_code", how="left")
    return units


def summary(
    grades: Grades,
    sessions: pd.DataFrame | None = None,
    *,
    by: str = "amphoe",
    round: str | None = None,
    agencies: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Per district (`by="amphoe"`), zone, lead agency or the province, and per component (and
    overall): how many units got A, B and C, computed and agreed, with shares.

    `sessions` is `circles.current(store)` (the entries in force); `round` picks an assessment
    round (default: each unit's latest). Columns: units, graded and not_graded (computed),
    computed_A/B/C and computed_share_A/B/C (of those graded), in_circle (units whose circle
    agreed a grade), agreed_A/B/C and agreed_share_A/B/C, compared (circle entries that showed
    a computed grade), same, and agreement_rate (agreed = the computed grade shown, of
    compared). The lead agencies come from `parameters/agencies.yaml` (or `agencies`).
    """
    check_choice(by, tuple(GROUPINGS), "by")
    keys = list(GROUPINGS[by])
    units = _grouped(grades, by, agencies)
    place = units[["unit_code", *keys]]
    computed = grades.components[["unit_code", "component", "grade"]]
    computed = pd.concat(
        [computed, units[["unit_code", OVERALL]].rename(columns={OVERALL: "grade"}).assign(
            component=OVERALL)], ignore_index=True,
    ).merge(place, on="unit_code")  # fmt: skip
    agreed = _agreed(grades, sessions, round).merge(place, on="unit_code")
    order = [*COMPONENT_CODES, OVERALL]
    index = pd.MultiIndex.from_product(
        [units[keys[0]].dropna().drop_duplicates().sort_values(), order],
        names=[keys[0], "component"],
    )
    group = [keys[0], "component"]

    def count(frame: pd.DataFrame, mask: pd.Series) -> pd.Series:
        return (
            mask.astype(int).groupby([frame[k] for k in group]).sum().reindex(index, fill_value=0)
        )

    out = pd.DataFrame(index=index)
    out["units"] = count(computed, computed["unit_code"].notna())
    out["graded"] = count(computed, computed["grade"].notna())
    out["not_graded"] = out["units"] - out["graded"]
    for g in GRADES:
        out[f"computed_{g}"] = count(computed, computed["grade"] == g)
    for g in GRADES:
        out[f"computed_share_{g}"] = _ratio(out[f"computed_{g}"], out["graded"])
    out["in_circle"] = count(agreed, agreed["agreed"].notna())
    for g in GRADES:
        out[f"agreed_{g}"] = count(agreed, agreed["agreed"] == g)
    for g in GRADES:
        out[f"agreed_share_{g}"] = _ratio(out[f"agreed_{g}"], out["in_circle"])
    compared = agreed["shown"].notna() & agreed["agreed"].notna()
    out["compared"] = count(agreed, compared)
    out["same"] = count(agreed, compared & (agreed["shown"] == agreed["agreed"]))
    out["agreement_rate"] = _ratio(out["same"], out["compared"])
    out = out.reset_index()
    names = units[keys].drop_duplicates(keys[0])
    out = names.merge(out, on=keys[0], how="right")
    out.insert(len(keys) + 1, "component_th", out["component"].map(_component_label(0)))
    out.insert(len(keys) + 2, "component_en", out["component"].map(_component_label(1)))
    totals = ("units", "graded", "not_graded", "in_circle", "compared", "same")
    counts = [c for c in out.columns if c in totals or re.fullmatch(r"(computed|agreed)_[ABC]", c)]
    out[counts] = out[counts].astype("int64")
    out.insert(0, "level", grades.level)
    out["rubric_version"] = grades.rubric_version
    return out


def _component_label(lang: int) -> dict[str, str]:
    names = {c: v[lang] for c, v in COMPONENTS.items()}
    names[OVERALL] = pair("grade.overall")[lang]
    return names


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype("Float64")
    return (part.astype("Float64") / whole.where(whole > 0)).astype("Float64")


DIRECTIONS: dict[str, tuple[str, str]] = labels.group("direction", ("up", "same", "down"))


def change(
    grades: Grades,
    sessions: pd.DataFrame,
    start: str,
    end: str,
    *,
    which: str = "agreed",
    by: str | None = None,
    agencies: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """The change of grades between two assessment rounds of the circles.

    `sessions` is `circles.current(store)`; `which` is "agreed" (the circle's grades) or
    "computed" (the data's grades the circle was shown). With `by=None`: one row per unit of
    the graded level and component (and overall) graded in both rounds: grade_start,
    grade_end, change (steps up, +1 C→B; negative down) and direction. With `by` (amphoe,
    zone, agency, province): per group and component, units compared, improved, unchanged,
    declined, their shares and the mean change.
    """
    check_choice(which, ("agreed", "computed"), "which")
    column = "agreed" if which == "agreed" else "shown"
    ends = []
    for name, rnd in (("start", start), ("end", end)):
        frame = _agreed(grades, sessions, rnd)
        ends.append(
            frame[["unit_code", "component", column]].rename(columns={column: f"grade_{name}"})
        )
    both = ends[0].merge(ends[1], on=["unit_code", "component"])
    both = both.dropna(subset=["grade_start", "grade_end"])
    both = both.loc[both["unit_code"].isin(set(grades.units["unit_code"]))]
    start_rank = both["grade_start"].map(GRADE_RANK).astype("int64")
    steps = both["grade_end"].map(GRADE_RANK).astype("int64") - start_rank
    both["change"] = steps
    both["direction"] = np.select([steps > 0, steps < 0], ["up", "down"], "same")
    both["direction_th"] = both["direction"].map({k: v[0] for k, v in DIRECTIONS.items()})
    both.insert(1, "start", start)
    both.insert(2, "end", end)
    if by is None:
        order = {c: i for i, c in enumerate([*COMPONENT_CODES, OVERALL])}
        return both.sort_values(
            ["unit_code", "component"], key=lambda c: c.map(order) if c.name == "component" else c
        ).reset_index(drop=True)
    check_choice(by, tuple(GROUPINGS), "by")
    keys = list(GROUPINGS[by])
    units = _grouped(grades, by, agencies)
    both = both.merge(units[["unit_code", *keys]], on="unit_code")
    grouped = both.groupby([*keys, "component"], dropna=False)
    out = pd.DataFrame({"units": grouped.size()})
    for direction in DIRECTIONS:
        out[direction] = (
            (both["direction"] == direction)
            .groupby([both[k] for k in [*keys, "component"]])
            .sum()
            .reindex(out.index, fill_value=0)
        )
    out = out.rename(columns={"up": "improved", "same": "unchanged", "down": "declined"})
    for column_name in ("improved", "unchanged", "declined"):
        out[f"{column_name}_share"] = _ratio(out[column_name], out["units"])
    out["mean_change"] = grouped["change"].mean().astype("Float64")
    out = out.reset_index()
    out.insert(0, "start", start)
    out.insert(1, "end", end)
    out.insert(0, "level", grades.level)
    return out


#: The columns `column_labels` names, besides the components and the grade counts.
LABELLED_COLUMNS: tuple[str, ...] = (
    "unit_code", "unit_th", "amphoe_th", "zone_th", "component", "indicator", "status",
    "value", "count", "of", "points", "band", "target", "grade", "mean_points", "why_th",
    "why_en", OVERALL, "not_graded", "rubric_version", "units", "graded", "in_circle",
    "agreement_rate",
)  # fmt: skip


def column_labels() -> dict[str, tuple[str, str]]:
    """Thai and English labels of the columns of `Grades` tables and summaries (the words are
    `okanalysis.core.labels`')."""
    names = labels.group("column", LABELLED_COLUMNS)
    names.update({c: v for c, v in COMPONENTS.items()})
    for g in GRADES:
        names[f"computed_{g}"] = pair(f"column.computed_{g}")
        names[f"agreed_{g}"] = pair(f"column.agreed_{g}")
    return names


__all__ = [
    "DIRECTIONS",
    "GROUPINGS",
    "change",
    "column_labels",
    "summary",
]
