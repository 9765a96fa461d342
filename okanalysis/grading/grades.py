"""The five-component grade: computed from the evidence, with the reason, by an editable rubric.

`grade(dataset, level)` scores every village (or sub-district) on the indicators of
`parameters/grading.yaml` (the rubric, `okanalysis.grading.rubric`), each measured by a named
function of `okanalysis.grading.indicators`: an indicator's value falls in a band worth 1-3
points (as the sufficiency-economy scoring of the time), a component's weighted mean of points
against its cut-offs gives A, B or C, and the rubric's overall rule combines the five. A
sub-district is graded on its own evidence and, as the rubric says, on its villages' grades.
The data's grade is the circle's starting point: the circle agrees the final grade
(`okanalysis.circles`), and `summary` and `change` (`okanalysis.grading.change`) put the two
side by side per district, zone or lead agency.

The result is a `Grades` object holding three tidy tables a dashboard or report uses as they
are: `units` (one row per unit: names, district, zone, each component's grade and the overall
grade), `components` (one row per unit and component: status, grade, mean points and the
reason in Thai and English) and `indicators` (one row per unit and indicator: value, count of
what, points, the band that gave them, the target and the sentence). Missing evidence is never
a silent zero: an indicator is *scored*, has *no data*, or is *not applicable* at the level, and
a component is *graded*, has *no data* (too few indicators scored) or is *not applicable*.
Every result carries the rubric's version, a hash of its content, which the circle store keeps
with each agreed grade, so a later rubric change never rewrites an earlier grade.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from okanalysis.contract import hierarchy
from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import check_choice, code_at, unit_frame
from okanalysis.core import thai
from okanalysis.core.components import (
    COMPONENT_CODES,
    COMPONENTS,
    GRADE_RANK,
    GRADES,
    component_name,
)
from okanalysis.core.errors import OkanalysisError
from okanalysis.core.labels import label, pair
from okanalysis.grading.indicators import LEVELS, Evidence, missing, target_count
from okanalysis.grading.rubric import BAND_TESTS, EPS, IndicatorRule, Rubric, read_rubric
from okanalysis.topics import privacy

#: Indicator statuses: code -> (Thai, English).
INDICATOR_STATUS: dict[str, tuple[str, str]] = {
    "scored": pair("indicator_status.scored"),
    "no_data": pair("status.no_data"),
    "not_applicable": pair("status.not_applicable"),
}
#: Component (and overall) statuses: code -> (Thai, English).
GRADE_STATUS: dict[str, tuple[str, str]] = {
    "graded": pair("grade_status.graded"),
    "no_data": pair("grade_status.no_data"),
    "not_applicable": pair("status.not_applicable"),
}
#: The column (and component code) of the overall grade.
OVERALL = "overall"


# --- scoring ---------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Grades:
    """The computed grades of every unit of one level, with their evidence.

    * `units`: one row per unit: unit_code, level, names, tambon/amphoe/province codes and
      names, zone, one column per component with its grade (missing when not graded),
      `overall`, `overall_status`, `components_graded`, `not_graded` (the component codes that
      could not be graded), `overall_th`/`overall_en` (why) and `rubric_version`.
    * `components`: one row per unit and component: status (graded / no_data /
      not_applicable), grade, mean_points, indicators_scored, indicators_applicable,
      `no_data` (the indicators without data) and the reason, `why_th` and `why_en`.
    * `indicators`: one row per unit and indicator: status (scored / no_data /
      not_applicable), value, count, of, size (households or people behind it), points, band
      (the test that gave the points), target (the count that reaches the top band, for a
      share or a number per village), target_value (the top band's threshold), weight and the
      sentence `says_th`/`says_en`; `suppressed` marks figures hidden by the privacy rule
      (`shareable=True`).
    * `villages`: for sub-districts, the villages' `Grades` their grades drew on.
    """

    level: str
    rubric_version: str
    units: pd.DataFrame
    components: pd.DataFrame
    indicators: pd.DataFrame
    villages: Grades | None = None

    def computed(self, unit_code: str) -> dict[str, str | None]:
        """A unit's computed grade per component and overall (None: not graded), to show in a
        circle and to save with `circles.save_session`."""
        row = self.units.set_index("unit_code").loc[unit_code]
        codes = (*COMPONENT_CODES, OVERALL)
        return {c: (None if pd.isna(row[c]) else str(row[c])) for c in codes}

    def why(self, unit_code: str, component: str, lang: str = "th") -> str:
        """The sentence saying why a unit got its grade on one component."""
        rows = self.components
        row = rows.loc[(rows["unit_code"] == unit_code) & (rows["component"] == component)]
        if row.empty:
            raise KeyError((unit_code, component))
        return str(row.iloc[0]["why_en" if lang == "en" else "why_th"])

    def evidence(self, unit_code: str) -> pd.DataFrame:
        """The indicator rows of one unit, in the rubric's order."""
        rows = self.indicators
        return rows.loc[rows["unit_code"] == unit_code].reset_index(drop=True)


def _points(rule: IndicatorRule, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points and band index per value (-1 where the value is missing)."""
    known = ~np.isnan(values)
    band = np.full(len(values), -1, dtype=np.int64)
    undecided = known.copy()
    for i, b in enumerate(rule.bands):
        hit = undecided & b.passes(values)
        band[hit] = i
        undecided &= ~hit
    points = np.array([b.points for b in rule.bands], dtype=np.int64)
    return np.where(band >= 0, points[np.maximum(band, 0)], 0), band


def _target(rule: IndicatorRule, of: pd.Series) -> tuple[pd.Series, pd.Series]:
    """What reaches the top band: (the count needed, where the target is a count; the
    threshold value)."""
    top = rule.bands[0]  # never the floor band: a rubric has at least two bands
    threshold = pd.Series(top.threshold, index=of.index, dtype=float)
    if rule.function.target_as != "count":
        return pd.Series(pd.NA, index=of.index, dtype="Int64"), threshold
    counts = target_count(top.test, top.threshold, of.astype("Float64").to_numpy(na_value=np.nan))
    target = pd.Series(counts, index=of.index).astype("Float64").round().astype("Int64")
    return target, threshold


def _template_for(rule: IndicatorRule, lang: str) -> str:
    """The rubric's sentence for the indicator, or a plain one naming count, of and target."""
    th = lang != "en"
    template = rule.says_th if th else rule.says_en
    if template is not None:
        return template
    noun = rule.function.noun[0 if th else 1]
    if rule.function.target_as != "count":
        plain = "{value}; " + ("เป้าหมาย {target}" if th else "target {target}")
    elif th:
        plain = f"{{count}} จาก {{of}} {noun} ({{value}}); เป้าหมาย {{target}}"
    else:
        plain = f"{{count}} of {{of}} {noun} ({{value}}); target {{target}}"
    return f"{rule.name(lang)}: {plain}"


def _sentences(
    rule: IndicatorRule, frame: Mapping[str, Any], lang: str, min_size: int
) -> list[str]:
    """Each row's sentence: the template filled in and the points; or why there is none."""
    fn = rule.function
    th = lang != "en"
    no_data = f"{rule.name(lang)}: {label('status.no_data', lang)}"
    noun = "ครัวเรือนหรือคน" if th else "households or people"
    hidden = f"{rule.name(lang)}: " + (
        f"ไม่แสดงตัวเลข (น้อยกว่า {min_size} {noun})"
        if th
        else f"figures hidden (fewer than {min_size} {noun})"
    )
    empty = f"{rule.name(lang)}: {fn.empty[0 if th else 1]}" if fn.empty else None
    top = rule.bands[0]
    if fn.target_as == "count":
        targets = fn.format_counts(frame["target"], lang)
    else:
        text = fn.format_value(top.threshold, lang)
        if fn.value_format != "stage":
            text = f"{BAND_TESTS[top.test][0]} {text}"
        targets = [text] * len(frame["status"])
    template = _template_for(rule, lang)
    counts = fn.format_counts(frame["count"], lang)
    ofs = fn.format_counts(frame["of"], lang)
    values = fn.format_values(frame["value"], lang)
    rows = zip(
        frame["status"].tolist(),
        frame["suppressed"].tolist(),
        frame["points"].tolist(),
        frame["of"].tolist(),
        counts,
        ofs,
        values,
        targets,
        strict=True,
    )
    out = []
    for status, suppressed, points, of, count, of_text, value, target in rows:
        if status == "not_applicable":
            out.append("")
        elif status == "no_data":
            out.append(no_data)
        elif suppressed:
            out.append(hidden)
        else:
            said = (
                empty
                if empty is not None and of is not pd.NA and of == 0
                else template.format(
                    count=count, of=of_text, value=value, target=target, points=points
                )
            )
            unit = "คะแนน" if th else ("point" if points == 1 else "points")
            out.append(f"{said} ({points} {unit})")
    return out


def _score_indicators(
    ev: Evidence, rubric: Rubric, level: str, *, shareable: bool
) -> dict[str, list[dict[str, Any]]]:
    """Per component, per indicator, its columns over every unit (in unit order): the
    measure, the points and band, the target and the sentences."""
    units = ev.units(level)
    n = len(units)
    min_size = privacy.min_group_size() if shareable else 0
    scored: dict[str, list[dict[str, Any]]] = {}
    for comp in rubric.components:
        scored[comp.code] = []
        for rule in comp.indicators:
            applies = level in rule.applies_to
            if applies:
                found = rule.function.compute(ev, level, comp.code, rule.options).reindex(units)
            else:
                found = missing(units)
            values = found["value"].to_numpy(dtype=float, na_value=np.nan)
            points, band = _points(rule, values)
            texts = np.array([rule.band_text(i) for i in range(len(rule.bands))] + [None])
            target, threshold = _target(rule, found["of"])
            about = rule.function.about is not None  # else nothing to hide: no households/people
            columns: dict[str, Any] = {
                "status": np.where(
                    not applies, "not_applicable", np.where(band >= 0, "scored", "no_data")
                ).astype(object),
                "value": found["value"].array,
                "count": found["count"].array,
                "of": found["of"].array,
                "size": found["size"].array if about else pd.array([pd.NA] * n, dtype="Int64"),
                "points": pd.array(np.where(band >= 0, points, None), dtype="Int64"),
                "band": texts[band],
                "target": target.array,
                "target_value": threshold.to_numpy(),
                "suppressed": np.zeros(n, dtype=bool),
            }
            if shareable:
                hidden = privacy.suppress(
                    pd.DataFrame(columns), "size", min_size=min_size,
                    columns=["value", "count", "of", "size", "target"],
                )  # fmt: skip
                columns = {c: hidden[c].array for c in hidden.columns}
            for lang in ("th", "en"):
                said = _sentences(rule, columns, lang, min_size) if applies else [""] * n
                columns[f"says_{lang}"] = np.array(said, dtype=object)
            scored[comp.code].append(columns)
    return scored


#: The columns of `Grades.indicators` and their dtypes.
INDICATOR_COLUMNS: dict[str, str] = {
    "unit_code": "str", "level": "str", "component": "str", "indicator": "str",
    "indicator_th": "str", "indicator_en": "str", "function": "str", "status": "str",
    "value": "Float64", "count": "Int64", "of": "Int64", "size": "Int64", "points": "Int64",
    "band": "str", "target": "Int64", "target_value": "float64", "weight": "float64",
    "says_th": "str", "says_en": "str", "suppressed": "bool",
}  # fmt: skip


def _indicator_table(
    rubric: Rubric, scored: dict[str, list[dict[str, Any]]], units: pd.Index, level: str
) -> pd.DataFrame:
    """All indicators as one table: by unit, then component, then the rubric's order."""
    rules = [(c, r) for c in rubric.components for r in c.indicators]
    parts = [p for c in rubric.components for p in scored[c.code]]
    n, k = len(units), len(rules)
    constant = {
        "level": [level] * k,
        "component": [c.code for c, _ in rules],
        "indicator": [r.code for _, r in rules],
        "indicator_th": [r.name_th for _, r in rules],
        "indicator_en": [r.name_en for _, r in rules],
        "function": [r.function.name for _, r in rules],
        "weight": [r.weight for _, r in rules],
    }
    out: dict[str, Any] = {}
    for column, dtype in INDICATOR_COLUMNS.items():
        if column == "unit_code":
            values = np.repeat(units.to_numpy(dtype=object), k)
        elif column in constant:
            values = np.tile(np.array(constant[column], dtype=object), n)
        elif dtype in ("Int64", "Float64"):
            stacked = np.column_stack(
                [np.asarray(p[column].to_numpy(dtype=float, na_value=np.nan)) for p in parts]
            )
            values = stacked.ravel() if n else np.array([], dtype=float)
        else:
            stacked = np.column_stack([np.asarray(p[column]) for p in parts])
            values = stacked.ravel() if n else np.array([], dtype=object)
        if dtype == "Int64":
            out[column] = pd.array(values, dtype="Float64").astype("Int64")
        elif dtype == "str":
            out[column] = pd.array(values, dtype="str")
        else:
            out[column] = pd.array(values, dtype=dtype)
    return pd.DataFrame(out)


def _grade_components(
    rubric: Rubric, scored: dict[str, list[dict[str, Any]]], units: pd.Index, level: str
) -> pd.DataFrame:
    """Each unit's status, grade and mean points per component, from its indicators."""
    parts = []
    for comp in rubric.components:
        frames = scored[comp.code]
        shape = (len(units), len(frames))
        status = np.column_stack([f["status"] for f in frames]).reshape(shape)
        points = np.column_stack(
            [f["points"].to_numpy(dtype=float, na_value=np.nan) for f in frames]
        ).reshape(shape)
        weights = np.array([r.weight for r in comp.indicators], dtype=float)
        is_scored = status == "scored"
        applicable = (status != "not_applicable").sum(axis=1)
        n_scored = is_scored.sum(axis=1)
        weight = (is_scored * weights).sum(axis=1)
        weighted = np.where(is_scored, np.nan_to_num(points) * weights, 0).sum(axis=1)
        lowest = np.where(is_scored, points, np.inf).min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(weight > 0, weighted / np.where(weight > 0, weight, 1), np.nan)
        need = np.minimum(comp.min_indicators, applicable)
        state = np.where(
            applicable == 0,
            "not_applicable",
            np.where((n_scored >= need) & (n_scored > 0), "graded", "no_data"),
        )
        grade = np.full(len(units), GRADES[-1], dtype=object)
        for cut in reversed(comp.cuts):
            ok = mean >= cut.mean_at_least - EPS
            if cut.lowest_at_least is not None:
                ok &= lowest >= cut.lowest_at_least
            grade[ok] = cut.grade
        graded = state == "graded"
        codes = [r.code for r in comp.indicators]
        no_data = [
            ", ".join(c for c, s in zip(codes, row, strict=True) if s == "no_data") or None
            for row in status
        ]
        parts.append(
            pd.DataFrame(
                {
                    "unit_code": units.to_numpy(),
                    "level": level,
                    "component": comp.code,
                    "component_th": COMPONENTS[comp.code][0],
                    "component_en": COMPONENTS[comp.code][1],
                    "status": state,
                    "grade": pd.array(np.where(graded, grade, None), dtype="str"),
                    "mean_points": pd.array(np.where(graded, mean, np.nan), dtype="Float64"),
                    "indicators_scored": n_scored.astype("int64"),
                    "indicators_applicable": applicable.astype("int64"),
                    "no_data": pd.array(no_data, dtype="str"),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _joined(frames: list[dict[str, Any]], lang: str) -> list[str]:
    """Per unit (in unit order), the sentences of a component's indicators, joined."""
    columns = [f[f"says_{lang}"].tolist() for f in frames]
    return ["; ".join(s for s in said if s) for said in zip(*columns, strict=True)]


def _why(
    components: pd.DataFrame, scored: dict[str, list[dict[str, Any]]], rubric: Rubric
) -> pd.DataFrame:
    """The sentence per unit and component, Thai and English: the grade, the mean points and
    each indicator's sentence, or why the component could not be graded."""
    out = []
    for comp in rubric.components:
        rows = components.loc[components["component"] == comp.code]
        part = rows.copy()
        for lang in ("th", "en"):
            th = lang == "th"
            name = component_name(comp.code, lang)
            said = []
            for status, grade_, mean, n_scored, applicable, details in zip(
                rows["status"].tolist(),
                rows["grade"].tolist(),
                rows["mean_points"].tolist(),
                rows["indicators_scored"].tolist(),
                rows["indicators_applicable"].tolist(),
                _joined(scored[comp.code], lang),
                strict=True,
            ):
                if status == "not_applicable":
                    said.append(f"{name}: " + ("ไม่ใช้กับระดับนี้" if th else "not applicable"))
                    continue
                if status == "no_data":
                    need = min(comp.min_indicators, applicable)
                    head = (
                        f"ประเมินไม่ได้ มีข้อมูล {n_scored} จาก {applicable} ตัวชี้วัด ต้องมีอย่างน้อย {need}"
                        if th
                        else f"not graded: {n_scored} of {applicable} indicators have data;"
                        f" at least {need} are needed"
                    )
                else:
                    shown = _mean_text(mean)
                    head = (
                        f"ระดับ {grade_} (คะแนนเฉลี่ย {shown} จาก 3)"
                        if th
                        else f"grade {grade_} (mean {shown} of 3 points)"
                    )
                said.append(f"{name}: {head} — {details}")
            part[f"why_{lang}"] = pd.array(said, dtype="str")
        out.append(part)
    return pd.concat(out, ignore_index=True)


@lru_cache(maxsize=4096)
def _mean_text(mean: float) -> str:
    return thai.format_number(mean, 2)


def _overall(rubric: Rubric, components: pd.DataFrame) -> pd.DataFrame:
    """Each unit's overall grade by the rubric's rules, and why."""
    wide = components.pivot(index="unit_code", columns="component", values="grade")
    wide = wide.reindex(columns=list(COMPONENT_CODES))
    status = components.pivot(index="unit_code", columns="component", values="status")
    applicable = (status != "not_applicable").sum(axis=1).to_numpy()
    ranks = (
        wide.apply(lambda c: c.map(GRADE_RANK)).astype("Float64").fillna(0).to_numpy(dtype=float)
    )
    graded = (ranks > 0).sum(axis=1)
    result = np.full(len(wide), None, dtype=object)
    rule_of = np.full(len(wide), -1)
    for i, rule in enumerate(rubric.overall):
        ok = np.ones(len(wide), dtype=bool)
        for g, n in rule.at_least.items():
            ok &= (ranks >= GRADE_RANK[g]).sum(axis=1) >= n
        for g, n in rule.at_most.items():
            ok &= ((ranks > 0) & (ranks <= GRADE_RANK[g])).sum(axis=1) <= n
        hit = (rule_of < 0) & ok
        result[hit] = rule.grade
        rule_of[hit] = i
    need = np.minimum(rubric.min_graded, applicable)
    enough = (graded >= need) & (graded > 0)
    out = pd.DataFrame(index=wide.index)
    out[list(COMPONENT_CODES)] = wide.astype("str")
    out[OVERALL] = pd.array(np.where(enough, result, None), dtype="str")
    out["overall_status"] = np.where(enough, "graded", "no_data")
    out["components_graded"] = graded.astype("int64")
    missing = components.loc[components["status"] != "graded"]
    not_graded = missing.groupby("unit_code")["component"].agg(", ".join)
    out["not_graded"] = pd.array(not_graded.reindex(wide.index).to_numpy(), dtype="str")
    tallies = zip(*((ranks == GRADE_RANK[g]).sum(axis=1) for g in GRADES), strict=True)
    texts: dict[str, list[str]] = {"th": [], "en": []}
    for grade_, rule, ok, n, needed, tally in zip(
        result, rule_of, enough, graded, need, tallies, strict=True
    ):
        counted = ", ".join(f"{g} {k}" for g, k in zip(GRADES, tally, strict=True))
        if ok:
            for lang in ("th", "en"):
                word = label("grade.overall", lang)
                texts[lang].append(
                    f"{word} {grade_}: {counted} — {rubric.overall[rule].text(lang)}"
                )
        else:
            texts["th"].append(f"ประเมินระดับรวมไม่ได้: ประเมินได้ {n} องค์ประกอบ ต้องมีอย่างน้อย {needed}")
            texts["en"].append(
                f"no overall grade: {n} components graded; at least {needed} are needed"
            )
    out["overall_th"] = pd.array(texts["th"], dtype="str")
    out["overall_en"] = pd.array(texts["en"], dtype="str")
    return out.reset_index()


def _places(dataset: Dataset, level: str, units: pd.Index) -> pd.DataFrame:
    """Names, parents, district, province and zone of each unit."""
    frame = unit_frame(dataset, level).set_index("unit_code").reindex(units)
    out = pd.DataFrame({"unit_code": units.to_numpy(), "level": level})
    out["unit_th"] = frame["unit_th"].to_numpy()
    out["unit_en"] = frame["unit_en"].to_numpy()
    out["tambon_code"] = code_at(out["unit_code"], "tambon")
    province = hierarchy.data_province(dataset)
    tambons = hierarchy.tambons(province).set_index("tambon_code")
    out["tambon_th"] = out["tambon_code"].map(tambons["tambon_th"]).astype("str")
    out["amphoe_code"] = code_at(out["unit_code"], "amphoe")
    districts = hierarchy.districts(province).set_index("amphoe_code")
    out["amphoe_th"] = out["amphoe_code"].map(districts["amphoe_th"]).astype("str")
    out["amphoe_en"] = out["amphoe_code"].map(districts["amphoe_en"]).astype("str")
    for key, value in hierarchy.province(province).items():
        out[key] = value
    zones = dataset.zones.drop_duplicates("tambon_code").set_index("tambon_code")
    out["zone_id"] = out["tambon_code"].map(zones["zone_id"]).astype("str")
    out["zone_th"] = out["tambon_code"].map(zones["name_th"]).astype("str")
    return out


def grade(
    dataset: Dataset,
    level: str = "village",
    rubric: str | os.PathLike[str] | Rubric | None = None,
    *,
    villages: Grades | None = None,
    shareable: bool = False,
) -> Grades:
    """The computed grade of every village (or sub-district) of `dataset`, with the evidence.

    `rubric` is a YAML path or a `Rubric` (default `parameters/grading.yaml`). A sub-district
    needs its villages' grades: pass `villages` (from `grade(dataset, "village")` with the same
    rubric) to reuse them, else they are computed here. `shareable` hides the figures of
    indicators about fewer households or people than the privacy setting; grades stay.
    See `Grades` for the three tables returned.
    """
    check_choice(level, LEVELS, "level")
    rules = read_rubric(rubric)
    ev = Evidence(dataset)
    return _grade(ev, rules, level, villages=villages, shareable=shareable)


def _grade(
    ev: Evidence, rubric: Rubric, level: str, *, villages: Grades | None, shareable: bool
) -> Grades:
    if level == "tambon":
        if villages is None:
            villages = _grade(ev, rubric, "village", villages=None, shareable=False)
        elif villages.level != "village" or villages.rubric_version != rubric.version:
            raise OkanalysisError(
                "ผลระดับหมู่บ้านที่ให้มาต้องเป็นระดับหมู่บ้านและใช้เกณฑ์รุ่นเดียวกัน",
                "the village grades given must be village grades from the same rubric version",
                column="villages",
                value=villages.rubric_version,
            )
        ev.village_grades = villages.components[["unit_code", "component", "grade"]]
    scored = _score_indicators(ev, rubric, level, shareable=shareable)
    graded = _grade_components(rubric, scored, ev.units(level), level)
    components = _why(graded, scored, rubric)
    indicators = _indicator_table(rubric, scored, ev.units(level), level)
    units = _places(ev.dataset, level, ev.units(level)).merge(
        _overall(rubric, components), on="unit_code", how="left"
    )
    units["rubric_version"] = rubric.version
    components["rubric_version"] = rubric.version
    indicators["rubric_version"] = rubric.version
    return Grades(level, rubric.version, units, components, indicators, villages)


__all__ = [
    "GRADE_STATUS",
    "INDICATOR_STATUS",
    "OVERALL",
    "Grades",
    "grade",
]
