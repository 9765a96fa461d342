"""Next steps: for each component below A, what would lift it one grade.

`next_steps(indicators)` reads an indicators table (`Grades.indicators`, or the
`grades_indicators` result table, so a dashboard needs no raw data) and the rubric: for each
unit and component graded B or C, each scored indicator not yet in its top band, the next
band's threshold and how far away it is (for a count-based indicator the whole number of more
people, households or villages needed; for a plain value the difference), how much that one
band raises the component's mean points and whether it reaches the next grade. The nearest
steps that reach the next grade come first (then the nearest of the rest), `limit` per
component, each with a plain sentence in Thai and English ("อีก 2 คน: ผู้นำที่มีผู้สืบทอดแล้ว").
A lower-is-better indicator (`at_most`/`below` bands) suggests a decrease: `more_needed` is
then negative.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
import pandas as pd

from okanalysis.core.components import COMPONENT_CODES, GRADES
from okanalysis.core.errors import OkanalysisError
from okanalysis.grading.indicators import target_count
from okanalysis.grading.rubric import (
    BAND_TESTS,
    EPS,
    ComponentRule,
    IndicatorRule,
    Rubric,
    read_rubric,
)

#: The columns of the table `next_steps` returns.
STEP_COLUMNS: tuple[str, ...] = (
    "unit_code", "component", "grade", "next_grade", "indicator", "indicator_th",
    "indicator_en", "value", "points", "next_points", "next_threshold", "more_needed",
    "kind", "mean_points", "mean_after", "reaches_next_grade", "says_th", "says_en",
)  # fmt: skip
#: Steps of plain (not count-based) values that must pass a strict test (`above`, `below`):
#: the smallest change shown, by how the value is shown.
_STRICT_STEP = {"stage": 1.0, "percent": 0.001, "number": 0.1}


def _band_of(rule: IndicatorRule, value: float) -> int:
    """The index of the band a value falls in (0 is the top band)."""
    values = np.array([value], dtype=float)
    for i, band in enumerate(rule.bands):
        if band.passes(values)[0]:
            return i
    return len(rule.bands) - 1  # unreachable: the floor band passes everything


def _grade_of(comp: ComponentRule, mean: float, lowest: float) -> str:
    """The component's grade for a weighted mean of points and its lowest points."""
    for cut in comp.cuts:  # best first
        if mean >= cut.mean_at_least - EPS and (
            cut.lowest_at_least is None or lowest >= cut.lowest_at_least
        ):
            return cut.grade
    return GRADES[-1]


def _passes_cut(comp: ComponentRule, grade: str, mean: float, lowest: float) -> bool:
    cut = next(c for c in comp.cuts if c.grade == grade)
    return mean >= cut.mean_at_least - EPS and (
        cut.lowest_at_least is None or lowest >= cut.lowest_at_least
    )


def _number(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def _gap(
    rule: IndicatorRule, band_test: str, threshold: float, value: float, count: float, of: float
) -> tuple[float, str]:
    """The signed change that moves `value` to pass `band_test threshold`, and its kind
    ("count": a whole number of what the indicator counts; "value": the value itself)."""
    fn = rule.function
    higher = BAND_TESTS[band_test][1] == "higher"
    if fn.target_as == "count" and not math.isnan(count) and not math.isnan(of) and of > 0:
        needed = float(target_count(band_test, threshold, np.array([of]))[0])
        change = max(needed - count, 1.0) if higher else min(needed - count, -1.0)
        return change, "count"
    strict = band_test in ("above", "below")
    step = _STRICT_STEP.get(fn.value_format, 0.001) if strict else 0.0
    if higher:
        change = threshold - value + step
        if fn.value_format == "stage":
            change = math.ceil(change - EPS)
        return max(change, step or EPS), "value"
    change = threshold - value - step
    if fn.value_format == "stage":
        change = math.floor(change + EPS)
    return min(change, -(step or EPS)), "value"


def _sentences(
    rule: IndicatorRule, band_test: str, threshold: float, value: float, change: float, kind: str
) -> tuple[str, str]:
    """The step in Thai and English: "อีก 2 คน: …" / "2 more: …", or for a value "… : from
    45% to ≥ 50%"."""
    fn = rule.function
    if kind == "count":
        n = fn.format_count(abs(change), "th")
        n_en = fn.format_count(abs(change), "en")
        noun = fn.noun[0]
        noun_th = f" {noun}" if noun else ""
        if change > 0:
            return f"อีก {n}{noun_th}: {rule.name_th}", f"{n_en} more: {rule.name_en}"
        return f"ลดลง {n}{noun_th}: {rule.name_th}", f"{n_en} fewer: {rule.name_en}"
    symbol = BAND_TESTS[band_test][0]
    target = {lang: fn.format_value(threshold, lang) for lang in ("th", "en")}
    if fn.value_format != "stage":
        target = {lang: f"{symbol} {text}" for lang, text in target.items()}
    now = {lang: fn.format_value(value, lang) for lang in ("th", "en")}
    verb_th, verb_en = ("เพิ่ม", "raise") if change > 0 else ("ลด", "lower")
    return (
        f"{rule.name_th}: {verb_th}จาก {now['th']} เป็น {target['th']}",
        f"{rule.name_en}: {verb_en} from {now['en']} to {target['en']}",
    )


def _component_steps(
    comp: ComponentRule, unit_code: str, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The steps of one unit's component (empty when it is not graded B or C); `rows` are
    its indicator rows (indicator, status, value, count, of, points)."""
    rules = {r.code: r for r in comp.indicators}
    rows = [r for r in rows if r["indicator"] in rules]
    scored = [r for r in rows if r["status"] == "scored" and not math.isnan(_number(r["points"]))]
    applicable = sum(r["status"] != "not_applicable" for r in rows)
    if not scored or len(scored) < min(comp.min_indicators, applicable):
        return []  # not graded
    codes = [r["indicator"] for r in scored]
    points = np.array([_number(r["points"]) for r in scored], dtype=float)
    weights = np.array([rules[c].weight for c in codes], dtype=float)
    mean = float((points * weights).sum() / weights.sum())
    grade = _grade_of(comp, mean, float(points.min()))
    if grade == GRADES[0]:
        return []
    next_grade = GRADES[GRADES.index(grade) - 1]
    out = []
    for i, row in enumerate(scored):
        rule = rules[row["indicator"]]
        value = _number(row["value"])
        if math.isnan(value):
            continue  # figures hidden: no step can be counted
        band = _band_of(rule, value)
        if band == 0:
            continue  # already in the top band
        target = rule.bands[band - 1]
        assert target.test is not None and target.threshold is not None
        change, kind = _gap(
            rule, target.test, target.threshold, value, _number(row["count"]), _number(row["of"])
        )
        after = points.copy()
        after[i] = max(after[i], target.points)
        mean_after = float((after * weights).sum() / weights.sum())
        reaches = _passes_cut(comp, next_grade, mean_after, float(after.min()))
        if kind == "count":
            size = abs(change) / _number(row["of"])
        else:
            size = abs(change) / (abs(target.threshold) if abs(target.threshold) > EPS else 1.0)
        said_th, said_en = _sentences(rule, target.test, target.threshold, value, change, kind)
        out.append(
            {
                "unit_code": unit_code,
                "component": comp.code,
                "grade": grade,
                "next_grade": next_grade,
                "indicator": rule.code,
                "indicator_th": rule.name_th,
                "indicator_en": rule.name_en,
                "value": value,
                "points": int(points[i]),
                "next_points": target.points,
                "next_threshold": float(target.threshold),
                "more_needed": float(change),
                "kind": kind,
                "mean_points": mean,
                "mean_after": mean_after,
                "reaches_next_grade": bool(reaches),
                "says_th": said_th,
                "says_en": said_en,
                "_size": size,
            }
        )
    out.sort(key=lambda s: (not s["reaches_next_grade"], s["_size"], -s["mean_after"]))
    return out


def next_steps(
    indicators: pd.DataFrame,
    rubric: str | os.PathLike[str] | Rubric | None = None,
    *,
    unit_code: str | None = None,
    lang: str = "th",
    limit: int | None = 3,
) -> pd.DataFrame:
    """What would lift each component below A one grade, from the indicators table.

    `indicators` is `Grades.indicators` or the `grades_indicators` result table (one level, or
    several with a `level` column, kept in the result); `rubric` the rubric that graded it
    (default `parameters/grading.yaml`; a table whose `rubric_version` differs is refused).
    `unit_code` keeps one unit; `limit` keeps that many steps per unit and component (None:
    all). `lang` picks the sentence also given as `says`.
    Columns: see `STEP_COLUMNS`, then `says` (`more_needed` is signed: negative is a decrease; a whole
    number where `kind` is "count").
    """
    rules = read_rubric(rubric)
    table = indicators
    if "rubric_version" in table.columns:
        versions = set(table["rubric_version"].dropna().astype(str)) - {rules.version}
        if versions:
            raise OkanalysisError(
                "ตารางตัวชี้วัดมาจากเกณฑ์คนละรุ่นกับเกณฑ์ที่ให้มา",
                "the indicators table was graded with another rubric version",
                column="rubric_version",
                value=sorted(versions)[0],
            )
    if unit_code is not None:
        table = table.loc[table["unit_code"] == unit_code]
    keys = ["level", "unit_code"] if "level" in table.columns else ["unit_code"]
    fields = ["indicator", "status", "value", "count", "of", "points"]
    data = {c: table[c].astype(object).tolist() for c in [*keys, "component", *fields]}
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for j in range(len(table)):
        group = tuple(data[c][j] for c in [*keys, "component"])
        groups.setdefault(group, []).append({c: data[c][j] for c in fields})
    components = {c.code: c for c in rules.components}
    steps: list[dict[str, Any]] = []
    for group, rows in groups.items():
        comp = components.get(str(group[-1]))
        if comp is None:
            continue
        found = _component_steps(comp, str(group[-2]), rows)
        for step in found[:limit] if limit is not None else found:
            if len(keys) == 2:
                step["level"] = group[0]
            steps.append(step)
    columns = list(STEP_COLUMNS)
    if "level" in keys:
        columns.insert(1, "level")
    out = pd.DataFrame(steps, columns=[*columns, "_size"]).drop(columns="_size")
    order = {c: i for i, c in enumerate(COMPONENT_CODES)}
    out["_order"] = out["component"].map(order)
    out = out.sort_values([*keys, "_order"], kind="stable").drop(columns="_order")
    out["reaches_next_grade"] = out["reaches_next_grade"].astype(bool)
    first = "says_en" if lang == "en" else "says_th"
    out["says"] = out[first].astype(object)
    return out.reset_index(drop=True)


__all__ = ["STEP_COLUMNS", "next_steps"]
