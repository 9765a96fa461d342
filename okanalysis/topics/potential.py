"""The potential assessment (ประเมินศักยภาพ), from household to province, and its opportunities.

`assess_households` places each household on a level of `parameters/potential.yaml` and says
why, in Thai and English, naming the rules. `rollup` gives any level of the hierarchy (village,
tambon, amphoe, province): coverage, counts and shares per level, medians and totals.
`opportunities` lists, for a unit, the money leaving it for goods it could produce itself and
the avoidable spending a learning circle can turn into master-plan items.

Everything is derived from `okanalysis.ledger`'s one pass over the ledger (memoised on the
Dataset), so a dashboard calling several of these does not read the ledger again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from okanalysis.contract import hierarchy
from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import LEVEL_ORDER, check_level, unit_level
from okanalysis.contract.schema import CODE_DIGITS, LEVELS
from okanalysis.core import params
from okanalysis.core.errors import ParameterError
from okanalysis.core.thai import format_number
from okanalysis.topics import ledger, privacy

OPPORTUNITY_KINDS = {
    "substitutable": ("รายจ่ายที่ผลิตเองได้ในชุมชน", "goods the community could produce"),
    "avoidable": ("รายจ่ายที่ลดได้", "avoidable spending"),
}
OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">=": np.greater_equal,
    ">": np.greater,
    "<=": np.less_equal,
    "<": np.less,
}

# ---------------------------------------------------------------------------------------------
# measures the rules can name


@dataclass(frozen=True)
class Measure:
    """A household figure a rule can test, with its names and how to show its values."""

    th: str
    en: str
    unit: str  # times, baht, share, count, index
    compute: Callable[[pd.DataFrame], np.ndarray]


def _col(name: str, scale: float = 1.0) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda s: s[name].to_numpy(dtype=float, na_value=np.nan) / scale


def _ratio(num: str, den: str) -> Callable[[pd.DataFrame], np.ndarray]:
    def compute(s: pd.DataFrame) -> np.ndarray:
        n = s[num].to_numpy(dtype=float, na_value=np.nan)
        d = s[den].to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(d > 0, n / np.where(d > 0, d, 1), np.nan)

    return compute


MEASURES: dict[str, Measure] = {
    "poverty_ratio": Measure(
        "รายได้ต่อคนต่อเดือนเทียบเส้นความยากจน",
        "income per member per month over the poverty line",
        "times",
        _col("poverty_ratio"),
    ),
    "income_per_member_month_baht": Measure(
        "รายได้ต่อคนต่อเดือน",
        "income per member per month",
        "baht",
        _col("income_per_member_month_satang", 100),
    ),
    "net_annual_baht": Measure(
        "รายรับสุทธิต่อปี", "net income per year", "baht", _col("net_annual_satang", 100)
    ),
    "net_share": Measure(
        "รายรับสุทธิเทียบรายรับ",
        "net as a share of income",
        "share",
        _ratio("net_annual_satang", "income_annual_satang"),
    ),
    "avoidable_share": Measure(
        "สัดส่วนรายจ่ายที่ลดได้ (เหล้า บุหรี่ หวย การพนัน)",
        "avoidable share of spending (alcohol, tobacco, lottery, gambling)",
        "share",
        _col("avoidable_share"),
    ),
    "substitutable_share": Measure(
        "สัดส่วนรายจ่ายที่ผลิตเองได้",
        "substitutable share of spending",
        "share",
        _col("substitutable_share"),
    ),
    "farm_input_share": Measure(
        "สัดส่วนต้นทุนการผลิต", "farm-input share of spending", "share", _col("farm_input_share")
    ),
    "income_sources": Measure("จำนวนแหล่งรายได้", "income sources", "count", _col("income_sources")),
    "income_diversity": Measure(
        "ความหลากหลายของรายได้", "income diversity", "index", _col("income_diversity")
    ),
    "savings_net_baht": Measure(
        "เงินออมสุทธิ", "net savings", "baht", _col("savings_net_satang", 100)
    ),
    "debt_to_income": Measure(
        "หนี้สินเทียบรายได้ต่อปี",
        "debt over yearly income",
        "times",
        _ratio("debt_satang", "income_annual_satang"),
    ),
}

_UNITS = {"times": ("เท่า", "times"), "baht": ("บาท", "baht")}


SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _format(value: float, unit: str, lang: str, *, threshold: bool = False) -> str:
    """A measure's value as a reason shows it; thresholds without needless decimals."""
    if value is None or np.isnan(value):
        return "ไม่มีข้อมูล" if lang == "th" else "no data"
    shown = value * 100 if unit == "share" else value
    decimals = {"share": 1, "count": 0, "baht": 0}.get(unit, 2)
    if threshold and float(shown).is_integer():
        decimals = 0
    text = format_number(shown, decimals)
    if unit == "share":
        return f"{text}%"
    return f"{text} {_UNITS[unit][0 if lang == 'th' else 1]}" if unit in _UNITS else text


# ---------------------------------------------------------------------------------------------
# parameters


@dataclass(frozen=True)
class Rule:
    """One threshold: `measure op value`, e.g. poverty_ratio >= 1."""

    measure: str
    op: str
    value: float

    def text(self, lang: str = "th") -> str:
        m = MEASURES[self.measure]
        name = m.th if lang == "th" else m.en
        return f"{name} {SYMBOLS[self.op]} {_format(self.value, m.unit, lang, threshold=True)}"


@dataclass(frozen=True)
class Level:
    """A potential level: code, Thai and English names, and the rules a household must meet."""

    code: str
    name_th: str
    name_en: str
    rules: tuple[Rule, ...] = ()
    floor: bool = False

    def name(self, lang: str = "th") -> str:
        return self.name_th if lang == "th" else self.name_en


@dataclass(frozen=True)
class PotentialParameters:
    """The levels from the highest down (the last is the floor) and the not-assessed level."""

    levels: tuple[Level, ...]
    not_assessed: Level

    def labels(self) -> pd.DataFrame:
        """level, level_th, level_en, level_rank (floor 1, top highest, not assessed 0)."""
        n = len(self.levels)
        rows = [(lv.code, lv.name_th, lv.name_en, n - i) for i, lv in enumerate(self.levels)]
        na = self.not_assessed
        rows.append((na.code, na.name_th, na.name_en, 0))
        return pd.DataFrame(rows, columns=["level", "level_th", "level_en", "level_rank"])


def _level_names(item: Any, path: Path) -> tuple[str, str, str]:
    return (
        str(params.require(item, "code", path)),
        str(params.require(item, "name_th", path)),
        str(params.require(item, "name_en", path)),
    )


def _level_error(item: Any, path: Path, th: str, en: str, column: str, value: Any = None) -> None:
    raise ParameterError(
        th, en, file=str(path), row=getattr(item, "line", None), column=column, value=value
    )


def _read_level(item: Any, path: Path, *, last: bool) -> Level:
    """One level of potential.yaml, validated; only the last level is the floor."""
    code, th, en = _level_names(item, path)
    floor = bool(item.get("floor", False))
    if floor != last:
        _level_error(
            item,
            path,
            "ระดับสุดท้าย (ต่ำสุด) ต้องมี floor: true และมีได้ระดับเดียว",
            "the last (lowest) level, and only it, must have floor: true",
            "floor",
            floor,
        )
    rules = []
    for r in [] if floor else params.require(item, "rules", path, kind=list):
        measure = params.require(r, "measure", path, allowed=set(MEASURES))
        op = params.require(r, "op", path, allowed=set(OPS))
        value = params.require(r, "value", path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            _level_error(
                r, path, "ค่าเกณฑ์ต้องเป็นตัวเลข", "a rule's value must be a number", "value", value
            )
        rules.append(Rule(measure, op, float(value)))
    if not floor and not rules:
        _level_error(
            item, path, "ระดับต้องมีเกณฑ์อย่างน้อยหนึ่งข้อ", "a level needs at least one rule", "rules"
        )
    return Level(code, th, en, tuple(rules), floor)


def read_parameters(
    source: str | os.PathLike[str] | Mapping | PotentialParameters | None = None,
) -> PotentialParameters:
    """The potential levels from a YAML file, a mapping of the same shape, or the default
    `potential.yaml`. Errors name the file, line and key."""
    return ledger.read_parameters_source(
        source, PotentialParameters, "potential.yaml", _parse_parameters
    )


def _parse_parameters(data: Any, path: Path) -> PotentialParameters:
    raw_levels = params.require(data, "levels", path, kind=list)
    levels = [
        _read_level(item, path, last=i == len(raw_levels) - 1) for i, item in enumerate(raw_levels)
    ]
    codes = [lv.code for lv in levels]
    for item, lv in zip(raw_levels, levels, strict=True):
        if codes.count(lv.code) > 1:
            _level_error(item, path, "รหัสระดับซ้ำ", "duplicate level code", "code", lv.code)
    if not levels:
        raise ParameterError("ต้องมีอย่างน้อยหนึ่งระดับ", "at least one level is required", file=str(path))
    na = params.require(data, "not_assessed", path, kind=dict)
    return PotentialParameters(tuple(levels), Level(*_level_names(na, path)))


# ---------------------------------------------------------------------------------------------
# households


def _year_summary(
    dataset: Dataset, thresholds: Any, year: int | None
) -> tuple[pd.DataFrame, ledger.Thresholds]:
    """The yearly household summary with the households' debt, for one year or all years."""
    th = ledger.read_thresholds(thresholds)
    s = ledger.household_summary(dataset, "year", thresholds=th)
    if year is not None:
        s = s.loc[s["fiscal_year"] == year].reset_index(drop=True)
    debt = ledger.households_by_id(dataset)["debt_satang"]
    s["debt_satang"] = debt.reindex(pd.Index(s["household_id"])).astype("Int64").array
    return s, th


def _classify(s: pd.DataFrame, pp: PotentialParameters) -> tuple[np.ndarray, dict, dict]:
    """Level index per household (-1 not assessed, 0 the top level), measure values, passes."""
    values = {name: m.compute(s) for name, m in MEASURES.items()}
    passes: dict[tuple[int, int], np.ndarray] = {}
    level = np.full(len(s), len(pp.levels) - 1, dtype=np.int64)
    undecided = np.ones(len(s), dtype=bool)
    for i, lv in enumerate(pp.levels[:-1]):
        ok = np.ones(len(s), dtype=bool)
        for j, rule in enumerate(lv.rules):
            v = values[rule.measure]
            with np.errstate(invalid="ignore"):
                passes[i, j] = ~np.isnan(v) & OPS[rule.op](v, rule.value)
            ok &= passes[i, j]
        level[undecided & ok] = i
        undecided &= ~ok
    level[~s["complete_enough"].to_numpy(dtype=bool)] = -1
    return level, values, passes


def _join(parts: list[pd.Series], sep: str) -> pd.Series:
    out = parts[0]
    for p in parts[1:]:
        out = out + sep + p
    return out


def _rule_texts(rule: Rule, v: np.ndarray, met: bool, lang: str) -> pd.Series:
    m = MEASURES[rule.measure]
    name = m.th if lang == "th" else m.en
    threshold = _format(rule.value, m.unit, lang, threshold=True)
    op = SYMBOLS[rule.op]
    if met:
        return pd.Series([f"{name} {_format(x, m.unit, lang)} {op} {threshold}" for x in v])
    needs = "เกณฑ์" if lang == "th" else "needs"
    return pd.Series([f"{name} {_format(x, m.unit, lang)} ({needs} {op} {threshold})" for x in v])


def _reasons(
    s: pd.DataFrame,
    level: np.ndarray,
    values: dict,
    passes: dict,
    pp: PotentialParameters,
    th: ledger.Thresholds,
    lang: str,
) -> np.ndarray:
    """One sentence per household naming the rules that placed it on its level."""
    out = np.empty(len(s), dtype=object)
    thai = lang == "th"
    for i, lv in enumerate(pp.levels):
        idx = np.flatnonzero(level == i)
        if len(idx) == 0:
            continue
        parts = []
        if not lv.floor:
            met = [_rule_texts(r, values[r.measure][idx], True, lang) for r in lv.rules]
            head = "ผ่านทุกเกณฑ์: " if thai else "meets every rule: "
            parts.append(head + _join(met, "; "))
        if i > 0:
            upper = pp.levels[i - 1]
            failed = pd.Series([""] * len(idx))
            for j, r in enumerate(upper.rules):
                miss = ~passes[i - 1, j][idx]
                if miss.any():
                    text = _rule_texts(r, values[r.measure][idx], False, lang)
                    sep = pd.Series(np.where((failed != "") & miss, "; ", ""))
                    failed = failed + sep + text.where(miss, "")
            word = f"ไม่ถึงระดับ{upper.name_th} เพราะ " if thai else f"not {upper.name_en} because "
            parts.append(word + failed)
        if lv.floor:
            parts.append(_poverty_texts(s.iloc[idx], lang))
        text = _join([pd.Series(np.full(len(idx), lv.name(lang))), *parts], " — ")
        out[idx] = text.to_numpy(dtype=object)
    idx = np.flatnonzero(level == -1)
    if len(idx):
        out[idx] = _incomplete_reasons(s.iloc[idx], th, pp.not_assessed, lang)
    return out


def _poverty_texts(s: pd.DataFrame, lang: str) -> pd.Series:
    """'income per member per month 1,000 baht; poverty line 2551: 2,170 baht' per household."""
    unit = "บาท" if lang == "th" else "baht"
    words = (
        ("รายได้ต่อคนต่อเดือน", "เส้นความยากจนปี")
        if lang == "th"
        else ("income per member per month", "poverty line")
    )
    rows = zip(
        s["income_per_member_month_satang"].to_numpy(dtype=float, na_value=np.nan),
        s["poverty_line_year"],
        s["poverty_line_satang"],
        strict=True,
    )
    return pd.Series(
        [
            f"{words[0]} {_format(x / 100, 'baht', lang)}; {words[1]} {y}: "
            f"{format_number(line / 100, 0)} {unit}"
            for x, y, line in rows
        ]
    )


def _incomplete_reasons(s: pd.DataFrame, th: ledger.Thresholds, na: Level, lang: str) -> list[str]:
    thai = lang == "th"
    months = s["months_recorded"].to_numpy()
    per_month = s["entries"].to_numpy() / np.maximum(months, 1)
    income = s["income_satang"].to_numpy()
    members = s["members"].isna().to_numpy()
    texts = []
    for m, e, inc, no_members in zip(months, per_month, income, members, strict=True):
        why = []
        if m < th.min_months:
            why.append(
                f"บันทึก {m} เดือน (ต้องอย่างน้อย {th.min_months} เดือน)"
                if thai
                else f"months recorded: {m} (at least {th.min_months} needed)"
            )
        if e < th.min_entries_per_month:
            why.append(
                f"เฉลี่ย {format_number(e, 1)} รายการต่อเดือน (ต้องอย่างน้อย {th.min_entries_per_month})"
                if thai
                else f"{format_number(e, 1)} entries per month (at least {th.min_entries_per_month} needed)"
            )
        if th.require_income and inc <= 0:
            why.append("ไม่มีรายรับที่บันทึกไว้" if thai else "no income recorded")
        if no_members:
            why.append("ไม่ทราบจำนวนสมาชิกครัวเรือน" if thai else "number of members unknown")
        texts.append(f"{na.name(lang)} — " + "; ".join(why))
    return texts


def assess_households(
    dataset: Dataset,
    parameters: str | os.PathLike[str] | Mapping | PotentialParameters | None = None,
    *,
    thresholds: Any = None,
    year: int | None = None,
) -> pd.DataFrame:
    """Each household's potential level per fiscal year, and why (`reason_th`, `reason_en`).

    `parameters` is a potential.yaml path, a mapping of the same shape, or None for the
    default file; `thresholds` likewise for thresholds.yaml. The measures the rules use are
    returned as columns too, so every reason can be checked against the numbers.
    """
    pp = read_parameters(parameters)
    s, th = _year_summary(dataset, thresholds, year)
    level, values, passes = _classify(s, pp)
    labels = pp.labels()
    codes = np.array([lv.code for lv in pp.levels] + [pp.not_assessed.code], dtype=object)
    out = s[["household_id", "village_code", "fiscal_year", "members", "complete_enough"]].copy()
    out["level"] = pd.array(codes[level], dtype="str")
    out = out.merge(labels, on="level", how="left")
    out["reason_th"] = pd.array(_reasons(s, level, values, passes, pp, th, "th"), dtype="str")
    out["reason_en"] = pd.array(_reasons(s, level, values, passes, pp, th, "en"), dtype="str")
    for name in MEASURES:
        out[name] = values[name]
    return out


def household_levels(summary: pd.DataFrame, parameters: Any = None) -> pd.Series:
    """Each household's potential level code from rows of the yearly household summary as the
    results keep them (the `households` table: one row per household and fiscal year), by the
    same rules as `assess_households` and `rollup`. A rule on `debt_to_income` needs the
    `debt_satang` column; without it the levels are refused rather than guessed."""
    pp = read_parameters(parameters)
    used = {rule.measure for lv in pp.levels for rule in lv.rules}
    if "debt_to_income" in used and "debt_satang" not in summary.columns:
        raise ParameterError(
            "เกณฑ์ระดับศักยภาพใช้หนี้สินเทียบรายได้ แต่ตารางครัวเรือนนี้ไม่มีหนี้สิน (debt_satang)",
            "a potential rule uses debt over income, but these household rows carry no debt_satang",
            column="debt_to_income",
        )
    rows = summary.reset_index(drop=True)
    if "debt_satang" not in rows.columns:  # no rule reads it (checked above)
        rows = rows.assign(debt_satang=pd.array([pd.NA] * len(rows), dtype="Int64"))
    level, _, _ = _classify(rows, pp)
    codes = np.array([lv.code for lv in pp.levels] + [pp.not_assessed.code], dtype=object)
    return pd.Series(pd.array(codes[level], dtype="str"), index=summary.index, name="level")


# ---------------------------------------------------------------------------------------------
# roll-ups


def _latest_year(s: pd.DataFrame, year: int | None) -> int | None:
    if year is not None:
        return int(year)
    return int(s["fiscal_year"].max()) if len(s) else None


def _names(units: pd.DataFrame, codes: pd.Index) -> pd.DataFrame:
    """Thai and English names and parent code of unit codes, from `units` (the hierarchy and
    villages table's units, indexed by unit_code)."""
    names = units.reindex(codes)[["parent_code", "name_th", "name_en"]]
    parent = pd.Series(
        [c[: CODE_DIGITS[unit_level(c)] - 2] if len(c) > 2 else pd.NA for c in codes],
        index=codes,
        dtype="str",
    )
    names["parent_code"] = names["parent_code"].astype("str").fillna(parent)
    return names.astype({"name_th": "str", "name_en": "str"})


MEDIAN_MONEY = (
    "income_annual_satang",
    "expense_annual_satang",
    "net_annual_satang",
    "income_per_member_month_satang",
)
MEDIAN_SHARES = ("avoidable_share", "substitutable_share", "farm_input_share", "poverty_ratio")
TOTALS = (
    "income_satang",
    "expense_satang",
    "net_satang",
    "avoidable_satang",
    "substitutable_satang",
    "farm_input_satang",
    "savings_deposited_satang",
    "savings_withdrawn_satang",
    "loans_received_satang",
    "loans_repaid_satang",
    "income_annual_satang",
    "expense_annual_satang",
    "net_annual_satang",
    "avoidable_annual_satang",
    "substitutable_annual_satang",
    "farm_input_annual_satang",
)


def rollup(
    dataset: Dataset,
    level: str = "village",
    *,
    year: int | None = None,
    parameters: Any = None,
    thresholds: Any = None,
    shareable: bool = False,
) -> pd.DataFrame:
    """One row per unit of `level` (village, tambon, amphoe, province, or "all" for every level
    stacked): households recording and coverage, counts and shares per potential level,
    medians of household figures (over households assessed) and totals (over households
    recording) for one fiscal year (default: the latest in the ledger).

    `shareable=True` applies the privacy setting (`okanalysis.privacy`): a unit with fewer
    households recording than the smallest group shown keeps its name and loses its figures.

    Counts and totals add up from one level to the next; medians and shares are computed
    from the households themselves, never from the level below.
    """
    levels = LEVEL_ORDER if level == "all" else (level,)
    for lv in levels:
        check_level(lv)
    pp = read_parameters(parameters)
    s, _ = _year_summary(dataset, thresholds, None)
    year = _latest_year(s, year)
    s = s.loc[s["fiscal_year"] == year].reset_index(drop=True)
    lvl, _, _ = _classify(s, pp)  # each household classified once, for every level
    s = s.loc[s["village_code"].notna()].copy()
    s["level_index"] = lvl[s.index.to_numpy()] % (len(pp.levels) + 1)  # -1: not assessed
    names = hierarchy.units_of(dataset).drop_duplicates("unit_code").set_index("unit_code")
    parts = [_rollup_level(dataset, s, names, lv, year, pp, shareable) for lv in levels]
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _rollup_level(
    dataset: Dataset,
    s: pd.DataFrame,
    names: pd.DataFrame,
    level: str,
    year: int | None,
    pp: PotentialParameters,
    shareable: bool,
) -> pd.DataFrame:
    """`rollup` of one level from the year's households `s` (with `level_index`, the position
    of each household's level in `pp.levels` then "not assessed") and the units' `names`.
    Counted in numpy per unit position, the frame made once."""
    digits = CODE_DIGITS[level]
    unit_of = s["village_code"].str.slice(0, digits)
    villages = dataset.villages
    v_unit = villages["village_code"].str.slice(0, digits)
    every = pd.concat([v_unit, unit_of], ignore_index=True).drop_duplicates()
    units = pd.Index(np.sort(every.to_numpy(dtype=object)), dtype="str", name="unit_code")
    n = len(units)
    where = units.get_indexer(unit_of)  # each household's unit

    def count(at: np.ndarray) -> np.ndarray:
        return np.bincount(at[at >= 0], minlength=n).astype(np.int64)

    # the villages table's households per unit (missing when no village of it says)
    v_where = units.get_indexer(v_unit)
    v_households = villages["households"].astype("Int64")
    households = np.zeros(n, dtype=np.int64)
    np.add.at(households, v_where, v_households.to_numpy(dtype=np.int64, na_value=0))
    households_known = count(v_where[v_households.notna().to_numpy()]) > 0
    listed = count(units.get_indexer(dataset.households["village_code"].str.slice(0, digits)))
    recording = count(where)
    complete = s["complete_enough"].to_numpy(dtype=bool)
    assessed = count(where[complete])
    kinds = (*pp.levels, pp.not_assessed)
    counts = np.zeros((n, len(kinds)), dtype=np.int64)
    np.add.at(counts, (where, s["level_index"].to_numpy()), 1)
    # medians over the households assessed, as float64 (a missing figure is NaN, skipped)
    figures = {
        col: s[col].to_numpy(dtype=float, na_value=np.nan)[complete]
        for col in (*MEDIAN_MONEY, *MEDIAN_SHARES)
    }
    medians = pd.DataFrame(figures).groupby(where[complete], sort=False).median()
    medians = medians.reindex(np.arange(n)).to_numpy(dtype=float)
    sums = np.zeros((n, len(TOTALS)), dtype=np.int64)
    np.add.at(sums, where, s[list(TOTALS)].to_numpy(dtype=np.int64))

    out = _names(names, units)
    columns: dict[str, Any] = {
        "unit_code": units.array,
        "level": pd.array([level] * n, dtype="str"),
        "parent_code": out["parent_code"].array,
        "name_th": out["name_th"].array,
        "name_en": out["name_en"].array,
        "fiscal_year": pd.array([year] * n, dtype="Int64"),
        "households": pd.arrays.IntegerArray(households, ~households_known),
        "households_listed": listed,
        "households_recording": recording,
        "coverage": _divide(recording, np.where(households_known, households, 0)),
        "households_assessed": assessed,
        "assessed_share": _divide(assessed, recording),
    }
    for i, lv in enumerate(kinds):
        columns[f"households_{lv.code}"] = counts[:, i]
    for i, lv in enumerate(pp.levels):
        columns[f"share_{lv.code}"] = _divide(counts[:, i], assessed)
    for i, col in enumerate(MEDIAN_MONEY):
        columns[f"median_{col}"] = _round_half_away(medians[:, i])
    for i, col in enumerate(MEDIAN_SHARES, start=len(MEDIAN_MONEY)):
        columns[f"median_{col}"] = medians[:, i]
    for i, col in enumerate(TOTALS):
        columns[col] = sums[:, i]
    frame = pd.DataFrame(columns)
    if shareable:
        kept = ("households", "households_listed", "fiscal_year")
        numeric = [
            c
            for c in frame.columns
            if c not in kept and pd.api.types.is_numeric_dtype(frame[c].dtype)
        ]
        frame = privacy.suppress(frame, "households_recording", columns=numeric)
    return frame


def _divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den as float64, NaN where den is not positive."""
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, np.asarray(num, dtype=float) / np.where(den > 0, den, 1), np.nan)


def _round_half_away(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Medians of satang (x or x.5) as integer satang, half away from zero (NaN: missing)."""
    v = np.asarray(values, dtype=float)
    missing = np.isnan(v)
    r = np.sign(v) * np.floor(np.abs(v) + 0.5)
    return pd.arrays.IntegerArray(np.where(missing, 0, r).astype(np.int64), missing)


# ---------------------------------------------------------------------------------------------
# opportunities


def opportunities(
    dataset: Dataset,
    unit: str | None = None,
    *,
    level: str = "village",
    year: int | None = None,
    thresholds: Any = None,
    shareable: bool = False,
) -> pd.DataFrame:
    """Master-plan opportunities of one unit (any level's code) or, with `unit=None`, of every
    unit of `level` at once: per `kind` ("substitutable": goods the community could produce;
    "avoidable": reduction targets), the categories ranked by yearly outflow, with the
    households buying them, the average per buying household and the share of all spending.

    Yearly amounts scale each household's category to 12 months (`recorded_satang` is what
    was written down); all households recording in the fiscal year count.

    `shareable=True` applies the privacy setting: a category bought by fewer households than
    the smallest group shown (its average would be a household's own figure), or a unit with
    too few households recording, keeps its name and rank and loses its figures.
    """
    th = ledger.read_thresholds(thresholds)
    p = ledger.period_sums(dataset, "year", th)
    year = int(p.fiscal_year.max()) if year is None and len(p.fiscal_year) else year
    if unit is not None:
        level = unit_level(unit)
    check_level(level)
    key = (ledger.remember_key(dataset, th), year)
    tables = ("ledger", "households")
    villages = dataset.remember(
        f"outflows_{year}", tables, key, lambda: _village_outflows(dataset, p, year)
    )
    every = dataset.remember(
        f"opportunities_{level}_{year}",
        tables,
        (key, level),
        lambda: _opportunities(villages, p.layout, level, year),
    )
    out = every.loc[every["unit_code"] == unit] if unit is not None else every
    out = out.reset_index(drop=True)
    if shareable:
        figures = [
            "yearly_satang",
            "recorded_satang",
            "households_buying",
            "average_per_buyer_satang",
            "share_of_spending",
        ]
        out = privacy.suppress(out, "households_buying", columns=figures)
        out = privacy.suppress(out, "households_recording", columns=figures)
    return out


@dataclass
class _Outflows:
    """Per village (codes in order) in one fiscal year, summed over its recording households
    (exact int64, so any level's figures are sums of its villages'): households, yearly
    spending, and per opportunity kind and flagged category (`selected[kind]`, positions in
    the layout) the yearly and recorded amounts and the households buying."""

    codes: np.ndarray
    households: np.ndarray
    expense: np.ndarray
    selected: dict[str, np.ndarray]
    yearly: dict[str, np.ndarray]
    recorded: dict[str, np.ndarray]
    buyers: dict[str, np.ndarray]


def _village_outflows(dataset: Dataset, p: ledger.Periods, year: int | None) -> _Outflows:
    lay = p.layout
    keep = p.fiscal_year == year
    ids = pd.Index(p.household_ids[p.household[keep]])
    village = ledger.households_by_id(dataset)["village_code"]
    codes = village.reindex(ids)
    known = codes.notna().to_numpy()
    annual, recorded = p.annual[keep][known], p.recorded[keep][known]
    v, v_codes = pd.factorize(codes[known].astype("str"), sort=True)
    n = len(v_codes)
    order = np.argsort(v, kind="stable")
    starts = np.flatnonzero(np.r_[True, v[order][1:] != v[order][:-1]]) if n else []

    def per_village(m: np.ndarray) -> np.ndarray:
        if not n:
            return np.zeros((0, *m.shape[1:]), dtype=np.int64)
        return np.add.reduceat(m[order], starts, axis=0).astype(np.int64)

    selected = {
        kind: np.flatnonzero(lay.mask(kind="expense", **{kind: True})) for kind in OPPORTUNITY_KINDS
    }
    return _Outflows(
        codes=np.asarray(v_codes, dtype=object),
        households=np.bincount(v, minlength=n).astype(np.int64),
        expense=per_village(annual[:, lay.mask(kind="expense")].sum(axis=1)),
        selected=selected,
        yearly={k: per_village(annual[:, sel]) for k, sel in selected.items()},
        recorded={k: per_village(recorded[:, sel]) for k, sel in selected.items()},
        buyers={
            k: per_village((annual[:, sel] > 0).astype(np.int64)) for k, sel in selected.items()
        },
    )


def _opportunities(
    villages: _Outflows, lay: ledger.Layout, level: str, year: int | None
) -> pd.DataFrame:
    """Opportunities of every unit of `level` in fiscal `year`, from its villages' outflows
    (memoised by `opportunities`)."""
    unit_codes = np.array([c[: CODE_DIGITS[level]] for c in villages.codes], dtype=object)
    u_codes, u = (
        np.unique(unit_codes.astype(str), return_inverse=True)
        if len(unit_codes)
        else (np.array([], dtype=str), np.array([], dtype=np.intp))
    )
    n_units = len(u_codes)

    def per_unit(m: np.ndarray) -> np.ndarray:
        out = np.zeros((n_units, *m.shape[1:]), dtype=np.int64)
        np.add.at(out, u, m)
        return out

    expense = per_unit(villages.expense)
    households = per_unit(villages.households)
    frames = []
    cats = lay.categories
    for kind in OPPORTUNITY_KINDS:
        sel = villages.selected[kind]
        yearly = per_unit(villages.yearly[kind])
        rec = per_unit(villages.recorded[kind])
        buyers = per_unit(villages.buyers[kind])
        unit_i, cat_j = np.nonzero(yearly > 0)
        y = yearly[unit_i, cat_j]
        b = buyers[unit_i, cat_j]
        frames.append(
            pd.DataFrame(
                {
                    "unit_code": pd.array(u_codes[unit_i], dtype="str"),
                    "level": level,
                    "fiscal_year": year,
                    "kind": kind,
                    "kind_th": OPPORTUNITY_KINDS[kind][0],
                    "kind_en": OPPORTUNITY_KINDS[kind][1],
                    "category": pd.array(cats["category"].to_numpy()[sel][cat_j], dtype="str"),
                    "name_th": pd.array(cats["name_th"].to_numpy()[sel][cat_j], dtype="str"),
                    "name_en": pd.array(cats["name_en"].to_numpy()[sel][cat_j], dtype="str"),
                    "group": pd.array(cats["group"].to_numpy()[sel][cat_j], dtype="str"),
                    "yearly_satang": y,
                    "recorded_satang": rec[unit_i, cat_j],
                    "households_buying": b,
                    "households_recording": households[unit_i].astype(np.int64),
                    "average_per_buyer_satang": ledger.round_div(y, np.maximum(b, 1)),
                    "share_of_spending": y / np.where(expense[unit_i] > 0, expense[unit_i], 1),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(
        ["unit_code", "kind", "yearly_satang", "category"],
        ascending=[True, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    out.insert(
        4, "rank", out.groupby(["unit_code", "kind"], sort=False).cumcount().add(1).astype(np.int64)
    )
    return out


def level_names(lang: str = "th") -> dict[str, str]:
    """Display names of the administrative levels."""
    return {k: v[0] if lang == "th" else v[1] for k, v in LEVELS.items()}


def column_labels(parameters: Any = None) -> dict[str, tuple[str, str]]:
    """Thai and English labels of the roll-up's columns, for tables and charts."""
    labels = {
        "unit_code": ("รหัสพื้นที่", "unit code"),
        "level": ("ระดับพื้นที่", "level"),
        "parent_code": ("รหัสพื้นที่ระดับบน", "parent unit code"),
        "name_th": ("ชื่อ", "name (Thai)"),
        "name_en": ("ชื่อ (อังกฤษ)", "name (English)"),
        "fiscal_year": ("ปีงบประมาณ (พ.ศ.)", "fiscal year (BE)"),
        "households": ("ครัวเรือนทั้งหมด", "households"),
        "households_listed": ("ครัวเรือนในทะเบียน", "households listed"),
        "households_recording": ("ครัวเรือนที่ทำบัญชี", "households keeping accounts"),
        "coverage": ("สัดส่วนครัวเรือนที่ทำบัญชี", "share of households keeping accounts"),
        "households_assessed": ("ครัวเรือนที่ประเมินได้", "households assessed"),
        "assessed_share": ("สัดส่วนที่ประเมินได้", "share assessed"),
    }
    pp = read_parameters(parameters)
    for lv in (*pp.levels, pp.not_assessed):
        labels[f"households_{lv.code}"] = (f"ครัวเรือนระดับ{lv.name_th}", f"households {lv.name_en}")
    for lv in pp.levels:
        labels[f"share_{lv.code}"] = (f"สัดส่วนระดับ{lv.name_th}", f"share {lv.name_en}")
    household = ledger.column_labels()
    for col in (*MEDIAN_MONEY, *MEDIAN_SHARES):
        th, en = household[col]
        labels[f"median_{col}"] = (f"ค่ามัธยฐาน{th}", f"median {en}")
    for col in TOTALS:
        th, en = household[col]
        labels[col] = (f"{th} (รวม)", f"{en} (total)")
    return labels
