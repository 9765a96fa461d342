"""The five-component grade: computed from the evidence, with the reason, by an editable rubric.

`grade(dataset, level)` scores every village (or sub-district) on the indicators of
`parameters/grading.yaml`, each measured by a named function of `okanalysis.indicators`: an
indicator's value falls in a band worth 1-3 points (as the sufficiency-economy scoring of the
time), a component's weighted mean of points against its cut-offs gives A, B or C, and the
rubric's overall rule combines the five. A sub-district is graded on its own evidence and, as
the rubric says, on its villages' grades. The data's grade is the circle's starting point: the
circle agrees the final grade (`okanalysis.circles`), and `summary` and `change` put the two
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

import hashlib
import itertools
import json
import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from okanalysis.circles import store as circles
from okanalysis.contract import hierarchy
from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import check_choice, code_at, unit_frame
from okanalysis.core import params, thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS, GRADES, component_name
from okanalysis.core.errors import OkanalysisError, ParameterError
from okanalysis.grading.indicators import (
    LEVELS,
    REGISTRY,
    Evidence,
    IndicatorFunction,
    missing,
    target_count,
)
from okanalysis.topics import budget, privacy

#: Indicator statuses: code -> (Thai, English).
INDICATOR_STATUS: dict[str, tuple[str, str]] = {
    "scored": ("ให้คะแนนแล้ว", "scored"),
    "no_data": ("ไม่มีข้อมูล", "no data"),
    "not_applicable": ("ไม่ใช้กับระดับนี้", "not applicable at this level"),
}
#: Component (and overall) statuses: code -> (Thai, English).
GRADE_STATUS: dict[str, tuple[str, str]] = {
    "graded": ("ประเมินได้", "graded"),
    "no_data": ("ข้อมูลไม่พอประเมิน", "not enough data to grade"),
    "not_applicable": ("ไม่ใช้กับระดับนี้", "not applicable at this level"),
}
#: Where `applies_to` sends an indicator.
APPLIES_TO: dict[str, tuple[str, ...]] = {
    "village": ("village",),
    "tambon": ("tambon",),
    "both": ("village", "tambon"),
}
#: Band tests: key -> (symbol, which way is better).
BAND_TESTS: dict[str, tuple[str, str]] = {
    "at_least": ("≥", "higher"),
    "above": (">", "higher"),
    "at_most": ("≤", "lower"),
    "below": ("<", "lower"),
}
_NEGATION = {"at_least": "below", "above": "at_most", "at_most": "above", "below": "at_least"}
#: What a sentence template may name.
PLACEHOLDERS = ("count", "of", "value", "target", "points")
#: Grades as numbers, best highest: A 3, B 2, C 1.
RANK: dict[str, int] = {g: len(GRADES) - i for i, g in enumerate(GRADES)}
#: The groupings `summary` and `change` accept, and their key columns in `Grades.units`.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "amphoe": ("amphoe_code", "amphoe_th", "amphoe_en"),
    "zone": ("zone_id", "zone_th"),
    "agency": ("agency", "agency_th", "agency_en"),
    "province": ("province_code", "province_th", "province_en"),
}
OVERALL = "overall"
_EPS = 1e-9


# --- the rubric ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Band:
    """Points for a value passing `test threshold`; the last band (test None) takes the rest."""

    points: int
    test: str | None = None
    threshold: float | None = None

    def passes(self, values: np.ndarray) -> np.ndarray:
        """Which values pass this band's test (the floor band passes everything)."""
        if self.test is None:
            return np.ones(len(values), dtype=bool)
        t = self.threshold
        with np.errstate(invalid="ignore"):
            return {
                "at_least": values >= t - _EPS,
                "above": values > t + _EPS,
                "at_most": values <= t + _EPS,
                "below": values < t - _EPS,
            }[self.test]


@dataclass(frozen=True)
class IndicatorRule:
    """One indicator of a component: its names, function, levels, weight and bands."""

    code: str
    name_th: str
    name_en: str
    function: IndicatorFunction
    applies_to: tuple[str, ...]
    weight: float
    bands: tuple[Band, ...]
    says_th: str | None
    says_en: str | None
    options: Mapping[str, Any]

    def name(self, lang: str = "th") -> str:
        return self.name_en if lang == "en" else self.name_th

    def band_text(self, index: int) -> str:
        """The test of band `index` as shown ("≥ 75%", a stage by its number: "≥ 2"); the
        floor band shows the opposite of the band above it ("< 50%")."""
        band = self.bands[index]
        if band.test is None:  # the floor band (never the first: there are at least two)
            above = self.bands[index - 1]
            test, threshold = _NEGATION[above.test], above.threshold
        else:
            test, threshold = band.test, band.threshold
        if self.function.value_format == "stage":
            shown = thai.format_number(threshold)
        else:
            shown = self.function.format_value(threshold, "en")
        return f"{BAND_TESTS[test][0]} {shown}"


@dataclass(frozen=True)
class Cut:
    """What a component needs for a grade: a weighted mean of points, and optionally no
    indicator scoring below `lowest_at_least`."""

    grade: str
    mean_at_least: float
    lowest_at_least: int | None = None


@dataclass(frozen=True)
class ComponentRule:
    """How one component is graded: its indicators, the cut-offs for A and B, and how many
    indicators must have data before it is graded at all."""

    code: str
    indicators: tuple[IndicatorRule, ...]
    cuts: tuple[Cut, ...]
    min_indicators: int

    def applicable(self, level: str) -> tuple[IndicatorRule, ...]:
        return tuple(i for i in self.indicators if level in i.applies_to)


@dataclass(frozen=True)
class OverallRule:
    """One line of the overall rule: `grade` when at least `at_least[g]` components are graded
    g or better and at most `at_most[g]` are graded g or worse; no conditions: everyone else."""

    grade: str
    at_least: Mapping[str, int]
    at_most: Mapping[str, int]

    def text(self, lang: str = "th") -> str:
        parts = []
        for g, n in self.at_least.items():
            better = "" if g == GRADES[0] else (" ขึ้นไป" if lang == "th" else " or better")
            parts.append(
                f"อย่างน้อย {n} องค์ประกอบได้ {g}{better}"
                if lang == "th"
                else f"at least {n} components {g}{better}"
            )
        for g, n in self.at_most.items():
            worse = "" if g == GRADES[-1] else (" ลงมา" if lang == "th" else " or worse")
            if n == 0:
                parts.append(
                    f"ไม่มีองค์ประกอบใดได้ {g}{worse}" if lang == "th" else f"no component {g}{worse}"
                )
            else:
                parts.append(
                    f"ได้ {g}{worse} ไม่เกิน {n} องค์ประกอบ"
                    if lang == "th"
                    else f"at most {n} components {g}{worse}"
                )
        if not parts:
            return "กรณีอื่น" if lang == "th" else "otherwise"
        return (" และ " if lang == "th" else " and ").join(parts)


@dataclass(frozen=True)
class Rubric:
    """The whole rubric, validated: five components and the overall rule.

    `version` is a hash of its content (what the YAML says, comments and layout aside):
    results and the circle store keep it, so an earlier grade always says which rubric gave
    it. A copy with anything changed (`dataclasses.replace`) has a version of its own.
    """

    path: str
    label: str
    components: tuple[ComponentRule, ...]
    overall: tuple[OverallRule, ...]
    min_graded: int

    def component(self, code: str) -> ComponentRule:
        return next(c for c in self.components if c.code == code)

    @cached_property
    def version(self) -> str:
        """12 hex digits of the SHA-256 of the rubric's content."""
        content = json.dumps(_content(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(content.encode()).hexdigest()[:12]


def _content(rubric: Rubric) -> dict[str, Any]:
    """Everything that decides a grade, as plain data (functions by their registry name)."""
    return {
        "label": rubric.label,
        "min_graded": rubric.min_graded,
        "overall": [[r.grade, dict(r.at_least), dict(r.at_most)] for r in rubric.overall],
        "components": [
            {
                "code": c.code,
                "min_indicators": c.min_indicators,
                "cuts": [[k.grade, k.mean_at_least, k.lowest_at_least] for k in c.cuts],
                "indicators": [
                    {
                        "code": i.code,
                        "names": [i.name_th, i.name_en],
                        "function": i.function.name,
                        "applies_to": list(i.applies_to),
                        "weight": i.weight,
                        "bands": [[b.points, b.test, b.threshold] for b in i.bands],
                        "says": [i.says_th, i.says_en],
                        "options": dict(i.options),
                    }
                    for i in c.indicators
                ],
            }
            for c in rubric.components
        ],
    }


def _refuse(
    path: Path, item: Any, th: str, en: str, column: str | None = None, value: object = None
) -> NoReturn:
    raise ParameterError(
        th, en, file=str(path), row=getattr(item, "line", None), column=column, value=value
    )


def _number(item: Any, key: str, path: Path, *, low: float, high: float | None = None) -> float:
    value = params.require(item, key, path)
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or value < low or (high is not None and value > high):
        span = f"{low} ถึง {high}" if high is not None else f"ไม่น้อยกว่า {low}"
        span_en = f"between {low} and {high}" if high is not None else f"at least {low}"
        _refuse(path, item, f"ต้องเป็นตัวเลข{span}", f"must be a number {span_en}", key, value)
    return float(value)


def _whole(item: Any, key: str, path: Path, *, low: int, high: int) -> int:
    value = params.require(item, key, path)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        _refuse(
            path,
            item,
            f"ต้องเป็นจำนวนเต็ม {low} ถึง {high}",
            f"must be a whole number from {low} to {high}",
            key,
            value,
        )
    return value


def _text(item: Any, key: str, path: Path) -> str:
    value = params.require(item, key, path)
    if not isinstance(value, str) or not value.strip():
        _refuse(path, item, "ต้องเป็นข้อความที่ไม่ว่าง", "must be non-empty text", key, value)
    return value


def _template(item: Any, key: str, path: Path) -> str | None:
    if key not in item:
        return None
    text = _text(item, key, path)
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        _refuse(path, item, f"รูปแบบประโยคผิด ({exc})", f"malformed sentence ({exc})", key, text)
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown:
        _refuse(
            path,
            item,
            f"ประโยคใช้ชื่อที่ไม่รู้จัก {unknown} ใช้ได้เฉพาะ {list(PLACEHOLDERS)}",
            f"the sentence names {unknown}; only {list(PLACEHOLDERS)} can be used",
            key,
            text,
        )
    return text


def _bands(item: Any, fn: IndicatorFunction, path: Path) -> tuple[Band, ...]:
    raw = params.require(item, "bands", path, kind=list)
    bands: list[Band] = []
    for i, b in enumerate(raw):
        if not isinstance(b, dict):
            _refuse(
                path, item, "แต่ละช่วงคะแนนต้องเป็น {points: ...}", "each band is a mapping", "bands"
            )
        params.only_keys(b, {"points", *BAND_TESTS}, path)
        points = _whole(b, "points", path, low=1, high=3)
        tests = [k for k in BAND_TESTS if k in b]
        last = i == len(raw) - 1
        if len(tests) > 1 or (last and tests) or (not last and not tests):
            _refuse(
                path,
                b,
                "ทุกช่วงต้องมีเกณฑ์หนึ่งข้อ (at_least, above, at_most หรือ below) ยกเว้นช่วงสุดท้ายที่ไม่มีเกณฑ์",
                "every band has one test (at_least, above, at_most or below) except the last,"
                " which has none and takes every other value",
                "bands",
            )
        if not tests:
            bands.append(Band(points))
            continue
        test = tests[0]
        if BAND_TESTS[test][1] != fn.better:
            way = "สูง" if fn.better == "higher" else "ต่ำ"
            allowed = [k for k, v in BAND_TESTS.items() if v[1] == fn.better]
            _refuse(
                path,
                b,
                f"'{fn.name}' ยิ่ง{way}ยิ่งดี ใช้เกณฑ์ {allowed}",
                f"'{fn.name}' is better {fn.better}; use {allowed}",
                test,
                b[test],
            )
        threshold = _number(b, test, path, low=-1e18)
        bands.append(Band(points, test, threshold))
    if len(bands) < 2:
        _refuse(path, item, "ต้องมีอย่างน้อย 2 ช่วงคะแนน", "at least two bands are needed", "bands")
    for above, below in itertools.pairwise(bands):
        if below.points >= above.points:
            _refuse(
                path,
                item,
                "คะแนนต้องลดลงจากช่วงบนลงช่วงล่าง",
                "points must fall from each band to the next",
                "bands",
                below.points,
            )
        if below.test is None:
            continue
        higher = fn.better == "higher"
        step = (
            (below.threshold < above.threshold) if higher else (below.threshold > above.threshold)
        )
        tie = below.threshold == above.threshold and (above.test, below.test) in (
            ("above", "at_least"),
            ("below", "at_most"),
        )
        if not (step or tie):
            _refuse(
                path,
                item,
                "เกณฑ์ของช่วงล่างต้องต่ำกว่าช่วงบน (หรือสูงกว่า ถ้ายิ่งต่ำยิ่งดี) มิฉะนั้นจะไม่มีค่าใดถึง",
                "each band's threshold must lie beyond the next band's, or the lower band"
                " can never be reached",
                "bands",
                below.threshold,
            )
    return tuple(bands)


def _indicator(item: Any, path: Path, seen: set[str]) -> IndicatorRule:
    keys = {"code", "name_th", "name_en", "function", "applies_to", "weight", "bands",
            "says_th", "says_en", "options"}  # fmt: skip
    params.only_keys(item, keys, path)
    code = _text(item, "code", path)
    if code in seen:
        _refuse(path, item, "รหัสตัวชี้วัดซ้ำในองค์ประกอบ", "indicator code repeated", "code", code)
    seen.add(code)
    name = params.require(item, "function", path)
    if name not in REGISTRY:
        _refuse(
            path,
            item,
            f"ไม่รู้จักฟังก์ชันตัวชี้วัดนี้ ที่มี: {sorted(REGISTRY)}",
            f"no such indicator function; known: {sorted(REGISTRY)}",
            "function",
            name,
        )
    fn = REGISTRY[name]
    applies = APPLIES_TO[params.require(item, "applies_to", path, allowed=set(APPLIES_TO))]
    beyond = sorted(set(applies) - set(fn.levels))
    if beyond:
        _refuse(
            path,
            item,
            f"ฟังก์ชัน '{name}' คำนวณได้เฉพาะระดับ {list(fn.levels)}",
            f"function '{name}' measures only at {list(fn.levels)}",
            "applies_to",
            item["applies_to"],
        )
    weight = _number(item, "weight", path, low=_EPS) if "weight" in item else 1.0
    options = dict(fn.options)
    given = item.get("options", {}) or {}
    if not isinstance(given, dict):
        _refuse(path, item, "options ต้องเป็นคีย์และค่า", "options must be a mapping", "options")
    for key, value in given.items():
        if key not in fn.options:
            _refuse(
                path,
                given if hasattr(given, "line") else item,
                f"'{name}' ไม่มีตัวเลือก '{key}' มีเฉพาะ {sorted(fn.options)}",
                f"'{name}' takes no option '{key}'; it takes {sorted(fn.options)}",
                "options",
                key,
            )
        if key == "at_least" and value not in GRADES:
            _refuse(path, given, f"ต้องเป็น {list(GRADES)}", f"must be one of {list(GRADES)}",
                    key, value)  # fmt: skip
        options[key] = value
    return IndicatorRule(
        code=code,
        name_th=_text(item, "name_th", path),
        name_en=_text(item, "name_en", path),
        function=fn,
        applies_to=applies,
        weight=weight,
        bands=_bands(item, fn, path),
        says_th=_template(item, "says_th", path),
        says_en=_template(item, "says_en", path),
        options=options,
    )


def _cuts(item: Any, path: Path) -> tuple[Cut, ...]:
    raw = params.require(item, "grades", path, kind=dict)
    params.only_keys(raw, set(GRADES[:-1]), path)
    cuts = []
    for grade in GRADES[:-1]:
        spec = params.require(raw, grade, path, kind=dict)
        params.only_keys(spec, {"mean_at_least", "lowest_at_least"}, path)
        mean = _number(spec, "mean_at_least", path, low=1, high=3)
        lowest = (
            _whole(spec, "lowest_at_least", path, low=1, high=3)
            if "lowest_at_least" in spec
            else None
        )
        cuts.append(Cut(grade, mean, lowest))
    for better, worse in itertools.pairwise(cuts):
        if better.mean_at_least < worse.mean_at_least or (worse.lowest_at_least or 0) > (
            better.lowest_at_least or 0
        ):
            _refuse(
                path,
                raw,
                f"เกณฑ์ระดับ {better.grade} ต้องไม่ต่ำกว่าระดับ {worse.grade}",
                f"grade {better.grade} must ask at least as much as grade {worse.grade}",
                better.grade,
            )
    return tuple(cuts)


def _component(item: Any, path: Path) -> ComponentRule:
    params.only_keys(item, {"code", "min_indicators", "grades", "indicators"}, path)
    code = params.require(item, "code", path, allowed=set(COMPONENT_CODES))
    raw = params.require(item, "indicators", path, kind=list)
    if not raw:
        _refuse(path, item, "ต้องมีตัวชี้วัดอย่างน้อยหนึ่งตัว", "at least one indicator", "indicators")
    seen: set[str] = set()
    indicators = tuple(_indicator(i, path, seen) for i in raw)
    return ComponentRule(
        code=code,
        indicators=indicators,
        cuts=_cuts(item, path),
        min_indicators=_whole(item, "min_indicators", path, low=1, high=len(indicators)),
    )


def _counts(rule: Any, key: str, path: Path) -> dict[str, int]:
    raw = rule.get(key, {}) or {}
    if not isinstance(raw, dict):
        _refuse(path, rule, f"'{key}' ต้องเป็น ระดับ: จำนวน", f"'{key}' maps grades to counts", key)
    params.only_keys(raw, set(GRADES), path)
    return {g: _whole(raw, g, path, low=0, high=len(COMPONENT_CODES)) for g in GRADES if g in raw}


def _overall_rules(data: Any, path: Path) -> tuple[tuple[OverallRule, ...], int]:
    raw = params.require(data, "overall", path, kind=dict)
    params.only_keys(raw, {"min_graded", "rules"}, path)
    min_graded = _whole(raw, "min_graded", path, low=1, high=len(COMPONENT_CODES))
    rules = []
    for r in params.require(raw, "rules", path, kind=list):
        params.only_keys(r, {"grade", "at_least", "at_most"}, path)
        grade = params.require(r, "grade", path, allowed=set(GRADES))
        if rules and RANK[grade] > RANK[rules[-1].grade]:
            _refuse(
                path,
                r,
                "เรียงกฎจากระดับดีที่สุดลงมา (A ก่อน B ก่อน C)",
                "list the rules best grade first (A, then B, then C)",
                "grade",
                grade,
            )
        rules.append(OverallRule(grade, _counts(r, "at_least", path), _counts(r, "at_most", path)))
    if not rules or rules[-1].at_least or rules[-1].at_most:
        _refuse(
            path,
            raw,
            "กฎสุดท้ายต้องไม่มีเงื่อนไข เพื่อให้ทุกพื้นที่ได้ระดับรวม",
            "the last rule must have no conditions, so every unit gets an overall grade",
            "rules",
        )
    return tuple(rules), min_graded


@cache
def _read_rubric(path: Path, digest: str) -> Rubric:
    data = params.read_yaml(path)
    if not isinstance(data, dict):
        _refuse(path, data, "ไฟล์เกณฑ์ต้องเป็นคีย์และค่า", "the rubric file must be a mapping")
    params.only_keys(data, {"version", "components", "overall"}, path)
    seen: dict[str, int] = {}
    components = []
    for item in params.require(data, "components", path, kind=list):
        rule = _component(item, path)
        if rule.code in seen:
            _refuse(path, item, "องค์ประกอบซ้ำ", "component listed twice", "code", rule.code)
        seen[rule.code] = len(components)
        components.append(rule)
    missing = [c for c in COMPONENT_CODES if c not in seen]
    if missing:
        _refuse(path, data, f"ขาดองค์ประกอบ {missing}", f"missing components {missing}",
                "components", missing)  # fmt: skip
    components.sort(key=lambda c: COMPONENT_CODES.index(c.code))
    overall, min_graded = _overall_rules(data, path)
    return Rubric(
        path=str(path),
        label=str(data.get("version", "")),
        components=tuple(components),
        overall=overall,
        min_graded=min_graded,
    )


def read_rubric(source: str | os.PathLike[str] | Rubric | None = None) -> Rubric:
    """The rubric from a YAML file (default `grading.yaml` of the parameters folder), validated.

    Errors name the file and the line. Read once per file content.
    """
    if isinstance(source, Rubric):
        return source
    path = Path(source) if source else params.parameters_dir() / "grading.yaml"
    if not path.is_file():
        return params.read_yaml(path)  # raises the shared "parameter file not found" error
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return _read_rubric(path.resolve(), digest)


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
    no_data = f"{rule.name(lang)}: {'ไม่มีข้อมูล' if th else 'no data'}"
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
            ok = mean >= cut.mean_at_least - _EPS
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
    ranks = wide.apply(lambda c: c.map(RANK)).astype("Float64").fillna(0).to_numpy(dtype=float)
    graded = (ranks > 0).sum(axis=1)
    result = np.full(len(wide), None, dtype=object)
    rule_of = np.full(len(wide), -1)
    for i, rule in enumerate(rubric.overall):
        ok = np.ones(len(wide), dtype=bool)
        for g, n in rule.at_least.items():
            ok &= (ranks >= RANK[g]).sum(axis=1) >= n
        for g, n in rule.at_most.items():
            ok &= ((ranks > 0) & (ranks <= RANK[g])).sum(axis=1) <= n
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
    tallies = zip(*((ranks == RANK[g]).sum(axis=1) for g in GRADES), strict=True)
    texts: dict[str, list[str]] = {"th": [], "en": []}
    for grade_, rule, ok, n, needed, tally in zip(
        result, rule_of, enough, graded, need, tallies, strict=True
    ):
        counted = ", ".join(f"{g} {k}" for g, k in zip(GRADES, tally, strict=True))
        if ok:
            for lang, word in (("th", "ระดับรวม"), ("en", "overall")):
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
    tambons = hierarchy.tambons().set_index("tambon_code")
    out["tambon_th"] = out["tambon_code"].map(tambons["tambon_th"]).astype("str")
    out["amphoe_code"] = code_at(out["unit_code"], "amphoe")
    districts = hierarchy.districts().set_index("amphoe_code")
    out["amphoe_th"] = out["amphoe_code"].map(districts["amphoe_th"]).astype("str")
    out["amphoe_en"] = out["amphoe_code"].map(districts["amphoe_en"]).astype("str")
    for key, value in hierarchy.province().items():
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


# --- summaries: computed and agreed, per district, zone or lead agency ---------------------------
def _agreed(grades: Grades, sessions: pd.DataFrame | None, round: str | None) -> pd.DataFrame:
    """The circle's entry in force per unit of the graded level (for `round`, else the latest
    round by date), long: unit_code, component, shown (the computed grade the circle saw),
    agreed."""
    columns = ["unit_code", "component", "round", "shown", "agreed"]
    if sessions is None or sessions.empty:
        return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    s = sessions.loc[sessions["unit_level"] == grades.level]
    if "is_current" in s:
        s = s.loc[s["is_current"].astype(bool)]
    if round is not None:
        s = s.loc[s["round"] == round]
    s = s.sort_values(["date", "id"]).drop_duplicates("unit_code", keep="last")
    long = circles.component_scores(s).rename(columns={"computed": "shown"})
    overall = s[["unit_code", "round"]].assign(
        component=OVERALL, shown=s["computed_overall"], agreed=s["overall"]
    )
    out = pd.concat([long[columns], overall[columns]], ignore_index=True)
    return out.astype({"shown": "str", "agreed": "str"})


def _grouped(grades: Grades, by: str, agencies: str | os.PathLike[str] | None) -> pd.DataFrame:
    units = grades.units
    if by == "agency":
        units = units.merge(budget.lead_agencies(agencies), on="amphoe_code", how="left")
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
    labels = {c: v[lang] for c, v in COMPONENTS.items()}
    labels[OVERALL] = ("ระดับรวม", "overall")[lang]
    return labels


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype("Float64")
    return (part.astype("Float64") / whole.where(whole > 0)).astype("Float64")


DIRECTIONS: dict[str, tuple[str, str]] = {
    "up": ("ดีขึ้น", "improved"),
    "same": ("คงเดิม", "unchanged"),
    "down": ("ลดลง", "declined"),
}


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
    steps = both["grade_end"].map(RANK).astype("int64") - both["grade_start"].map(RANK).astype(
        "int64"
    )
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


def column_labels() -> dict[str, tuple[str, str]]:
    """Thai and English labels of the columns of `Grades` tables and summaries."""
    labels = {
        "unit_code": ("รหัสพื้นที่", "unit code"),
        "unit_th": ("ชื่อพื้นที่", "unit"),
        "amphoe_th": ("อำเภอ", "district"),
        "zone_th": ("โซน", "zone"),
        "component": ("องค์ประกอบ", "component"),
        "indicator": ("ตัวชี้วัด", "indicator"),
        "status": ("สถานะ", "status"),
        "value": ("ค่าที่วัดได้", "value"),
        "count": ("จำนวน", "count"),
        "of": ("จากทั้งหมด", "of"),
        "points": ("คะแนน (1-3)", "points (1-3)"),
        "band": ("ช่วงคะแนนที่ได้", "band"),
        "target": ("เป้าหมาย", "target"),
        "grade": ("ระดับ", "grade"),
        "mean_points": ("คะแนนเฉลี่ย", "mean points"),
        "why_th": ("เหตุผล", "why (Thai)"),
        "why_en": ("เหตุผล (อังกฤษ)", "why"),
        OVERALL: ("ระดับรวม", "overall grade"),
        "not_graded": ("องค์ประกอบที่ประเมินไม่ได้", "components not graded"),
        "rubric_version": ("รุ่นเกณฑ์การประเมิน", "rubric version"),
        "units": ("จำนวนพื้นที่", "units"),
        "graded": ("ประเมินได้", "graded"),
        "in_circle": ("ผ่านวงเรียนรู้แล้ว", "graded in a circle"),
        "agreement_rate": ("สัดส่วนที่วงเห็นตรงกับข้อมูล", "agreement rate"),
    }
    labels.update({c: v for c, v in COMPONENTS.items()})
    for g in GRADES:
        labels[f"computed_{g}"] = (f"ระดับ {g} จากข้อมูล", f"computed {g}")
        labels[f"agreed_{g}"] = (f"ระดับ {g} ที่วงตกลง", f"agreed {g}")
    return labels


__all__ = [
    "APPLIES_TO",
    "DIRECTIONS",
    "GRADE_STATUS",
    "GROUPINGS",
    "INDICATOR_STATUS",
    "OVERALL",
    "Grades",
    "Rubric",
    "change",
    "column_labels",
    "grade",
    "read_rubric",
    "summary",
]
