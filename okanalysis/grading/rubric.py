"""The grading rubric: its declaration and its reading from `parameters/grading.yaml`.

An indicator's value falls in a band worth 1-3 points (as the sufficiency-economy scoring of the
time), each measured by a named function of `okanalysis.grading.indicators`; a component's
weighted mean of points against its cut-offs gives A, B or C, and the overall rule combines the
five. `read_rubric` reads and validates the YAML (errors name the file and the line) into a
`Rubric`, whose `version` is a hash of its content: results and the circle store keep it, so a
later rubric change never rewrites an earlier grade.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from okanalysis.core import params, thai
from okanalysis.core.components import COMPONENT_CODES, GRADE_RANK, GRADES
from okanalysis.core.errors import ParameterError
from okanalysis.grading.indicators import REGISTRY, IndicatorFunction

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
#: Tolerance of the threshold comparisons.
EPS = 1e-9


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
                "at_least": values >= t - EPS,
                "above": values > t + EPS,
                "at_most": values <= t + EPS,
                "below": values < t - EPS,
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
    weight = _number(item, "weight", path, low=EPS) if "weight" in item else 1.0
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
        if rules and GRADE_RANK[grade] > GRADE_RANK[rules[-1].grade]:
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


__all__ = [
    "APPLIES_TO",
    "BAND_TESTS",
    "PLACEHOLDERS",
    "Band",
    "ComponentRule",
    "Cut",
    "IndicatorRule",
    "OverallRule",
    "Rubric",
    "read_rubric",
]
