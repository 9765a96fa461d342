"""The named indicator functions the grading rubric scores (a registry, like papermill's engines).

`parameters/grading.yaml` names, for each indicator, the function that measures it; this module
resolves the name. Every function reads its evidence from the module that owns the measure
(`people`, `plans`, `centres`, `finance`, `standards`, `ledger`) and never defines the measure
a second time; it only puts the figures in one shape, one row per unit:

* `value`: what the bands score (a share, a number per village or a stage), missing when the
  unit has *no data*;
* `count` and `of`: the figures behind a share ("2 of 8 cores"), for the sentence and the target;
* `size`: the households or people behind the figure (for the privacy rule), when it has any.

A register-type table (leaders, centres, financial groups, plan items) counts a unit it does not
list as zero only when the unit's district sent that register at all; a district that sent
nothing has no data, never a silent zero. A plug-in adds an indicator with `@indicator(...)`
without touching the grader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import code_at
from okanalysis.core import params, thai
from okanalysis.core.components import GRADES
from okanalysis.core.errors import OkanalysisError
from okanalysis.core.labels import pair
from okanalysis.topics import centres, finance, ledger, people, plans, standards

#: The levels the rubric grades.
LEVELS: tuple[str, ...] = ("village", "tambon")
#: How a value is shown: a share as a percentage, a number, or a named stage.
VALUE_FORMATS = ("percent", "number", "stage")
#: Which way is better: bands of a "higher" measure use at_least/above, "lower" at_most/below.
BETTER = ("higher", "lower")

Compute = Callable[["Evidence", str, str, Mapping[str, Any]], pd.DataFrame]


@dataclass(frozen=True)
class IndicatorFunction:
    """A measure the rubric can score: how to compute it per unit and how to speak of it.

    `noun` names what `count` and `of` count (Thai, English), `count_format` is "int" or
    "baht" (satang figures), `target_as` says whether a target is a count ("4") or a value
    ("5%"), `stages` names the values of a stage measure, `about` is "households" or "people"
    when `size` counts them, `options` the option names the rubric may pass, with defaults.
    """

    name: str
    compute: Compute
    levels: tuple[str, ...]
    th: str
    en: str
    value_format: str
    better: str = "higher"
    noun: tuple[str, str] = ("", "")
    count_format: str = "int"
    target_as: str = "count"
    stages: Mapping[int, tuple[str, str]] | None = None
    about: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    empty: tuple[str, str] | None = None  # said when `of` is 0 ("no master plan yet")

    def format_value(self, value: float, lang: str = "th") -> str:
        """A value as a sentence shows it: 45%, 3.5, or the stage's name."""
        if value is None or pd.isna(value):
            return pair("status.no_data")[0 if lang == "th" else 1]
        if self.value_format == "percent":
            return thai.format_percent(value, 0 if float(value * 100).is_integer() else 1)
        if self.value_format == "stage" and self.stages is not None:
            stage = self.stages.get(int(value))
            if stage is not None:
                return stage[0] if lang == "th" else stage[1]
        decimals = 0 if float(value).is_integer() else 1
        return thai.format_number(value, decimals)

    def format_count(self, count: float, lang: str = "th") -> str:
        """A count (or a money figure in satang) as a sentence shows it."""
        if count is None or pd.isna(count):
            return "–"
        if self.count_format == "baht":
            return thai.format_baht(int(count), lang)
        return thai.format_number(int(count))

    def format_values(self, values: pd.Series, lang: str = "th") -> list[str]:
        """`format_value` of each value (each distinct value formatted once)."""
        return _each(values, lambda v: _value_text(self.name, v, lang))

    def format_counts(self, counts: pd.Series, lang: str = "th") -> list[str]:
        """`format_count` of each count (each distinct count formatted once)."""
        if self.count_format == "int":
            return _each(counts, _count_text)
        return _each(counts, lambda v: self.format_count(v, lang))


@lru_cache(maxsize=65536)
def _value_text(name: str, value: float | None, lang: str) -> str:
    return REGISTRY[name].format_value(value, lang)


@lru_cache(maxsize=65536)
def _count_text(count: float | None) -> str:
    return "–" if count is None else thai.format_number(int(count))


def _each(values: pd.Series, show: Callable[[Any], str]) -> list[str]:
    """`show` of every value, computing it once per distinct value (a sentence per unit
    repeats few distinct figures)."""
    items = values.tolist()
    shown = {v: show(v) for v in set(items) if v is not pd.NA and v == v}
    missing = show(None)
    return [shown.get(v, missing) if v is not pd.NA and v == v else missing for v in items]


#: The registry: function name -> IndicatorFunction.
REGISTRY: dict[str, IndicatorFunction] = {}


def indicator(name: str, **meta: Any) -> Callable[[Compute], Compute]:
    """Register `compute` under `name` (see `IndicatorFunction` for the keyword arguments)."""

    def register(compute: Compute) -> Compute:
        REGISTRY[name] = IndicatorFunction(name=name, compute=compute, **meta)
        return compute

    return register


def lookup(name: str) -> IndicatorFunction:
    """The registered function of that name; KeyError for an unknown one."""
    return REGISTRY[name]


# --- the evidence of one grading pass --------------------------------------------------------
class Evidence:
    """The dataset and the summaries read from it during one grading pass, each read once.

    The ledger's one pass is memoised on the Dataset itself by `okanalysis.ledger`, so a warm
    Dataset (its ledger summaries already computed) grades without reading the ledger again.
    `village_grades` holds the villages' component grades when sub-districts are graded.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.village_grades: pd.DataFrame | None = None
        self._memo: dict[tuple, Any] = {}

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """`compute()` once per pass for `key`, then the same result."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def per_unit(self, summary: Callable[[Dataset, str], pd.DataFrame], level: str) -> pd.DataFrame:
        """`summary(dataset, level)` (a topic module's per-unit table) indexed by unit code,
        every unit graded at `level` present; read once per pass."""

        def read() -> pd.DataFrame:
            return summary(self.dataset, level).set_index("unit_code").reindex(self.units(level))

        return self.get((summary.__module__, summary.__qualname__, level), read)

    def units(self, level: str) -> pd.Index:
        """The units graded at `level`: every village of the dataset, or their sub-districts."""
        return self.get(("units", level), lambda: _units(self.dataset, level))

    def villages(self, level: str) -> pd.Series:
        """Villages per unit at `level` (Int64), from the villages table."""

        def count() -> pd.Series:
            codes = code_at(self.dataset.villages["village_code"], level)
            return codes.value_counts().reindex(self.units(level), fill_value=0).astype("Int64")

        return self.get(("villages", level), count)

    def reported(self, table: str, column: str, level: str) -> pd.Series:
        """Per unit: whether its district sent any row of the register `table` at all."""

        sent = self.get(
            ("sent", table, column),
            lambda: set(code_at(self.dataset[table][column].drop_duplicates(), "amphoe").dropna()),
        )

        def compute() -> pd.Series:
            amphoe = code_at(self.units(level).to_series(), "amphoe")
            return pd.Series(amphoe.isin(sent).to_numpy(), index=self.units(level))

        return self.get(("reported", table, column, level), compute)


def _units(dataset: Dataset, level: str) -> pd.Index:
    codes = code_at(dataset.villages["village_code"], level).dropna().drop_duplicates()
    return pd.Index(sorted(codes), dtype="str", name="unit_code")


def _result(
    units: pd.Index,
    value: pd.Series,
    count: pd.Series | None = None,
    of: pd.Series | None = None,
    size: pd.Series | None = None,
) -> pd.DataFrame:
    """The shape every indicator function returns, one row per unit of `units`."""

    def aligned(series: pd.Series | None, dtype: str) -> Any:
        if series is None:
            return pd.array([pd.NA] * len(units), dtype=dtype)
        if not series.index.equals(units):
            series = series.reindex(units)
        return (series if series.dtype == dtype else series.astype(dtype)).array

    columns = {"value": value, "count": count, "of": of, "size": size}
    dtypes = {"value": "Float64", "count": "Int64", "of": "Int64", "size": "Int64"}
    return pd.DataFrame({c: aligned(v, dtypes[c]) for c, v in columns.items()}, index=units)


def missing(units: pd.Index) -> pd.DataFrame:
    """The result of an indicator with no data for any unit."""
    return _result(units, pd.Series(dtype="Float64"))


def _share(
    units: pd.Index,
    count: pd.Series,
    of: pd.Series,
    *,
    zero_when_empty: pd.Series | None = None,
    size: pd.Series | None = None,
) -> pd.DataFrame:
    """count / of per unit; missing where `of` is 0, or 0 where `zero_when_empty` says the
    unit truly has none (a register was sent and the unit is not in it)."""
    count = count.reindex(units).astype("Float64")
    of = of.reindex(units).astype("Float64")
    value = count / of.where(of > 0)
    if zero_when_empty is not None:
        empty = (of.fillna(0) == 0) & zero_when_empty.reindex(units).fillna(False).astype(bool)
        value = value.mask(empty, 0.0)
        count = count.mask(empty, 0.0)
        of = of.mask(empty, 0.0)
    return _result(units, value, count.round(), of.round(), size)


# --- leadership with succession ----------------------------------------------------------------
@indicator(
    "cores_in_place",
    levels=LEVELS,
    th="แกนนำหมู่บ้านครบหมู่บ้านละ 8 คน",
    en="village cores in place (8 per village)",
    value_format="percent",
    noun=("คน", "cores"),
    about="people",
)
def cores_in_place(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Cores in place of the 8 each village should have (`people.gaps`)."""
    gaps = ev.per_unit(people.gaps, level)
    of = gaps["villages"] * people.CORES_PER_VILLAGE
    count = of - gaps["cores_missing"]
    reported = ev.reported("people", "unit_code", level)
    out = _share(ev.units(level), count.where(reported), of.where(reported))
    out["size"] = out["count"]
    return out


@indicator(
    "facilitators_in_place",
    levels=("tambon",),
    th="คุณอำนวยตำบลครบ 9 ภาคี",
    en="sub-district facilitators from all nine partner sectors",
    value_format="percent",
    noun=("ภาคี", "sectors"),
)
def facilitators_in_place(
    ev: Evidence, level: str, component: str, options: Mapping
) -> pd.DataFrame:
    """Partner sectors with a sub-district facilitator, of the nine (`people.gaps`)."""
    gaps = ev.per_unit(people.gaps, level)
    sectors = len(params.sectors())
    tambons = ev.get(
        ("tambons", level),
        lambda: (
            code_at(ev.dataset.villages["tambon_code"].drop_duplicates(), level)
            .value_counts()
            .reindex(ev.units(level), fill_value=0)
        ),
    )
    of = tambons * sectors
    reported = ev.reported("people", "unit_code", level)
    return _share(ev.units(level), (of - gaps["sectors_missing"]).where(reported), of)


@indicator(
    "successors_named",
    levels=LEVELS,
    th="ผู้นำที่มีผู้สืบทอดแล้ว",
    en="leaders with a named successor",
    value_format="percent",
    noun=("คน", "leaders"),
    about="people",
)
def successors_named(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Incumbents with a named successor, of all incumbents (`people.succession`)."""
    s = ev.per_unit(people.succession, level)
    return _share(ev.units(level), s["with_successor"], s["incumbents"], size=s["people"])


@indicator(
    "new_generation",
    levels=LEVELS,
    th="ผู้นำรุ่นใหม่ในทีม",
    en="new-generation leaders in the team",
    value_format="percent",
    noun=("คน", "leaders"),
    about="people",
)
def new_generation(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """New-generation leaders, of everyone in the unit's leader database (`people.succession`)."""
    s = ev.per_unit(people.succession, level)
    return _share(ev.units(level), s["new_generation"], s["people"], size=s["people"])


def _freedom_pairs(ev: Evidence) -> pd.DataFrame | None:
    """Every person's assessments in both freedom-table rounds (`people.freedom_progress`),
    with the person's own unit; None when there are not two rounds to compare."""

    def compute() -> pd.DataFrame | None:
        try:
            pairs = people.freedom_progress(ev.dataset, "tambon", per_person=True)
        except OkanalysisError:
            return None
        both = pairs.loc[pairs["change"].notna(), ["person_id", "reached_target"]]
        own = ev.dataset.people.drop_duplicates("person_id").set_index("person_id")["unit_code"]
        both = both.assign(own_unit=own.reindex(pd.Index(both["person_id"])).to_numpy())
        both["reached"] = both["reached_target"].fillna(False).astype(int)
        return both

    return ev.get(("freedom_pairs",), compute)


@indicator(
    "freedom_targets_reached",
    levels=LEVELS,
    th="การประเมินตารางอิสรภาพที่ถึงเป้าหมายที่ตั้งไว้",
    en="freedom-table assessments that reached the target set at the start",
    value_format="percent",
    noun=("รายการ", "assessments"),
    about="people",
)
def freedom_targets_reached(
    ev: Evidence, level: str, component: str, options: Mapping
) -> pd.DataFrame:
    """Assessments whose end score reached the target set at the start, of those repeated,
    for the people of the unit's own teams (`people.freedom_progress`)."""
    units = ev.units(level)
    both = _freedom_pairs(ev)
    if both is None:
        return missing(units)
    unit = code_at(both["own_unit"].astype("str"), level)
    grouped = both.groupby(unit)
    persons = grouped["person_id"].nunique()
    return _share(units, grouped["reached"].sum(), grouped.size(), size=persons)


# --- the master plan ----------------------------------------------------------------------------
@indicator(
    "plan_answers_opportunities",
    levels=LEVELS,
    th="แผนตอบโอกาสสำคัญจากบัญชีครัวเรือน",
    en="plan answers the top opportunities of the household accounts",
    value_format="percent",
    noun=("เรื่อง", "opportunities"),
    about="households",
)
def plan_answers_opportunities(
    ev: Evidence, level: str, component: str, options: Mapping
) -> pd.DataFrame:
    """Of the unit's top substitutable ledger opportunities, how many a plan item addresses
    (`plans.alignment`, from `potential.opportunities`); no data without a ledger."""
    a = ev.per_unit(plans.alignment, level)
    top = a["top_opportunities"].astype("str")
    of = top.map(lambda t: len(t.split(", ")) if isinstance(t, str) and t else pd.NA)
    return _share(
        ev.units(level),
        a["top_opportunities_addressed"],
        of.astype("Int64"),
        size=a["households_recording"].where(of.notna()),
    )


@indicator(
    "plan_taken_up",
    levels=LEVELS,
    th="รายการในแผนแม่บทที่ อบต./อบจ. หรือหน่วยงานรับไปสนับสนุน",
    en="plan items taken up by the TAO/PAO plan or an agency project",
    value_format="percent",
    noun=("รายการ", "items"),
    empty=("ยังไม่มีแผนแม่บท", "no master plan yet"),
)
def plan_taken_up(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Master-plan items a local plan or an agency project supports (`plans.alignment`)."""
    a = ev.per_unit(plans.alignment, level)
    supported = a["items"] - a["items_unsupported"]
    reported = ev.reported("plan_items", "unit_code", level)
    return _share(ev.units(level), supported, a["items"], zero_when_empty=reported)


@indicator(
    "plan_self_reliance",
    levels=LEVELS,
    th="รายการในแผนที่พึ่งตนเองหรือพึ่งพากันในชุมชน",
    en="plan items relying on the household or the community",
    value_format="percent",
    noun=("รายการ", "items"),
    empty=("ยังไม่มีแผนแม่บท", "no master plan yet"),
)
def plan_self_reliance(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Items of the self or mutual kind, of all items (`plans.alignment`)."""
    a = ev.per_unit(plans.alignment, level)
    inside = a["items_self"] + a["items_mutual"]
    reported = ev.reported("plan_items", "unit_code", level)
    return _share(ev.units(level), inside, a["items"], zero_when_empty=reported)


# --- the learning centre ------------------------------------------------------------------------
CENTRE_STAGES: dict[int, tuple[str, str]] = {
    0: ("ยังไม่มีศูนย์เรียนรู้", "no learning centre"),
    1: ("มีศูนย์ แต่ยังไม่ขึ้นทะเบียนหรือไม่ได้ดำเนินการ", "a centre not registered or not active"),
    2: ("ศูนย์ขึ้นทะเบียนและดำเนินการอยู่", "a registered, active centre"),
    3: ("ศูนย์ขึ้นทะเบียน ดำเนินการ และมีผู้มาเรียนรู้", "a registered, active centre in use"),
}


@indicator(
    "centre_stage",
    levels=LEVELS,
    th="ศูนย์เรียนรู้ที่ขึ้นทะเบียน ดำเนินการ และมีการใช้",
    en="a registered learning centre that is active and in use",
    value_format="stage",
    stages=CENTRE_STAGES,
    target_as="value",
)
def centre_stage(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """The unit's best centre: 0 none, 1 listed, 2 registered and active, 3 also in use
    (activities in the period), from `centres.register`."""
    units = ev.units(level)
    reg = ev.get(("centres.register",), lambda: centres.register(ev.dataset))
    ok = reg["registered"].fillna(False).astype(bool) & reg["active"].fillna(False).astype(bool)
    stage = 1 + ok.astype(int) + reg["in_use"].astype(int)
    best = stage.groupby(code_at(reg["village_code"], level)).max()
    reported = ev.reported("centres", "village_code", level)
    value = best.reindex(units).astype("Float64").fillna(0.0).where(reported)
    return _result(units, value)


def _per_village(ev: Evidence, level: str, column: str) -> pd.DataFrame:
    s = ev.per_unit(centres.summary, level)
    reported = ev.reported("centres", "village_code", level)
    return _share(ev.units(level), s[column].fillna(0).where(reported), ev.villages(level))


@indicator(
    "centre_activities",
    levels=LEVELS,
    th="กิจกรรมของศูนย์เรียนรู้ต่อหมู่บ้าน",
    en="learning-centre activities per village",
    value_format="number",
    noun=("ครั้ง", "activities"),
)
def centre_activities(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Activities of the unit's learning centres over the project, per village."""
    return _per_village(ev, level, "activities")


@indicator(
    "centre_visitors",
    levels=LEVELS,
    th="ผู้มาเรียนรู้ที่ศูนย์ต่อหมู่บ้าน",
    en="learning-centre visitors per village",
    value_format="number",
    noun=("คน", "visitors"),
)
def centre_visitors(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """People who came to learn at the unit's centres over the project, per village."""
    return _per_village(ev, level, "visitors")


# --- financial organisations and welfare -------------------------------------------------------
@indicator(
    "finance_coverage",
    levels=LEVELS,
    th="ครัวเรือนที่เป็นสมาชิกองค์กรการเงินชุมชน",
    en="households that are members of a community financial organisation",
    value_format="percent",
    noun=("ครัวเรือน", "households"),
    about="households",
)
def finance_coverage(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Households reached by the widest-reaching groups, of all households (`finance.summary`;
    a lower bound, as a household may belong to several)."""
    f = ev.per_unit(finance.summary, level)
    reported = ev.reported("finance_groups", "unit_code", level)
    covered = f["households_covered"].where(reported)
    return _share(ev.units(level), covered, f["households"], size=covered)


FINANCE_STAGES: dict[int, tuple[str, str]] = {
    0: ("ยังไม่มีองค์กรการเงิน", "no financial organisation"),
    1: ("มีกลุ่ม แต่ยังไม่มีกิจกรรมต่อเนื่อง", "groups without regular activities"),
    2: ("มีกลุ่มที่มีกิจกรรมต่อเนื่อง", "a group with regular activities"),
    3: (
        "กลุ่มมีกิจกรรมตั้งแต่ 2 กลุ่มขึ้นไปและเชื่อมโยงเป็นเครือข่าย",
        "two or more active groups linked in a network",
    ),
}


@indicator(
    "finance_integration",
    levels=LEVELS,
    th="องค์กรการเงินมีกิจกรรมและเชื่อมโยงเป็นเครือข่าย",
    en="financial groups active and linked in a network",
    value_format="stage",
    stages=FINANCE_STAGES,
    target_as="value",
)
def finance_integration(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """As the sufficiency-economy scoring of savings groups: 1 a group, 2 a group with regular
    activities, 3 two or more active groups linked in a network (`finance.summary`: groups,
    groups_active, groups_integrated); 0 no group."""
    f = ev.per_unit(finance.summary, level)
    stage = (f["groups"] > 0).astype(int)
    stage = stage.mask(f["groups_active"] > 0, 2)
    linked = (f["groups_active"] >= 2) & (f["groups_integrated"] >= 2)
    stage = stage.mask(linked.fillna(False).astype(bool), 3)
    reported = ev.reported("finance_groups", "unit_code", level)
    return _result(ev.units(level), stage.astype("Float64").where(reported))


@indicator(
    "arrears_ratio",
    levels=LEVELS,
    th="หนี้ค้างชำระเกินกำหนดต่อเงินให้กู้ (PEARLS A1)",
    en="arrears over loans outstanding (PEARLS A1)",
    value_format="percent",
    better="lower",
    count_format="baht",
    target_as="value",
)
def arrears_ratio(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Arrears over loans outstanding of the unit's groups (`finance.summary`); no data when
    the groups lend nothing."""
    f = ev.per_unit(finance.summary, level)
    return _share(ev.units(level), f["arrears_satang"], f["loans_outstanding_satang"])


@indicator(
    "households_saving",
    levels=LEVELS,
    th="ครัวเรือนที่มีเงินออมเพิ่มขึ้นในปี",
    en="households whose savings grew over the year",
    value_format="percent",
    noun=("ครัวเรือน", "households"),
    about="households",
)
def households_saving(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Households recording in the latest fiscal year whose deposits exceed withdrawals
    (`ledger.household_summary`, savings_net_satang > 0), of all recording."""
    units = ev.units(level)

    def per_village() -> pd.DataFrame:
        s = ledger.household_summary(ev.dataset)
        if s.empty:
            return pd.DataFrame({"saving": [], "recording": []})
        s = s.loc[s["fiscal_year"] == s["fiscal_year"].max()]
        grouped = (s["savings_net_satang"] > 0).astype(int).groupby(s["village_code"])
        return pd.DataFrame({"saving": grouped.sum(), "recording": grouped.size()})

    villages = ev.get(("households_saving",), per_village)
    counts = villages.groupby(code_at(villages.index.to_series(), level)).sum()
    return _share(units, counts["saving"], counts["recording"], size=counts["recording"])


# --- health standard and CDD community standard ------------------------------------------------
@indicator(
    "health_standard",
    levels=LEVELS,
    th="ครัวเรือนที่ผ่านมาตรฐานสุขภาพชุมชน",
    en="households meeting the community health standard",
    value_format="percent",
    noun=("ครัวเรือน", "households"),
    about="households",
)
def health_standard(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Households meeting the health standard, of those assessed, in each village's latest
    year (`standards.summary`); no data where nobody was assessed."""
    s = ev.per_unit(standards.summary, level)
    assessed = s["health_households_assessed"]
    return _share(ev.units(level), s["health_households_passed"], assessed, size=assessed)


@indicator(
    "cdd_standard",
    levels=LEVELS,
    th="ตัวชี้วัดมาตรฐานชุมชน พช. ที่ผ่าน",
    en="CDD community-standard indicators passed",
    value_format="percent",
    noun=("ตัวชี้วัด", "indicators"),
)
def cdd_standard(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """CDD community-standard indicators passed, of those assessed (`standards.summary`)."""
    s = ev.per_unit(standards.summary, level)
    return _share(ev.units(level), s["cdd_indicators_passed"], s["cdd_indicators_total"])


@indicator(
    "health_activities",
    levels=LEVELS,
    th="กิจกรรมสุขภาพชุมชนต่อหมู่บ้าน",
    en="community health activities per village",
    value_format="number",
    noun=("ครั้ง", "activities"),
)
def health_activities(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Community health activities per village (`standards.summary`), where the standard
    was assessed; no data where it was not."""
    s = ev.per_unit(standards.summary, level)
    assessed = s["health_villages_assessed"] > 0
    return _share(ev.units(level), s["health_activities"].where(assessed), ev.villages(level))


# --- the villages' own grades, for a sub-district ----------------------------------------------
_RANK = {g: len(GRADES) - i for i, g in enumerate(GRADES)}  # A 3, B 2, C 1


@indicator(
    "villages_graded",
    levels=("tambon",),
    th="หมู่บ้านในตำบลที่ได้ระดับนี้ขึ้นไปในองค์ประกอบเดียวกัน",
    en="villages of the sub-district graded at least this on the same component",
    value_format="percent",
    noun=("หมู่บ้าน", "villages"),
    options={"at_least": "B"},
)
def villages_graded(ev: Evidence, level: str, component: str, options: Mapping) -> pd.DataFrame:
    """Of the sub-district's villages graded on this component, those graded at least
    `at_least` (option, default B); no data when none of its villages could be graded."""
    units = ev.units(level)
    grades = ev.village_grades
    if grades is None:
        return missing(units)
    rows = grades.loc[(grades["component"] == component) & grades["grade"].notna()]
    floor = _RANK[str(options.get("at_least", "B"))]
    good = rows["grade"].map(_RANK).astype(int) >= floor
    unit = code_at(rows["unit_code"], level)
    grouped = good.astype(int).groupby(unit)
    return _share(units, grouped.sum(), grouped.size())


def target_count(op: str, threshold: float, of: np.ndarray) -> np.ndarray:
    """The smallest (or, for a lower-is-better test, largest) whole count whose share of `of`
    passes `op threshold`: the count a unit must reach for that band."""
    exact = np.asarray(of, dtype=float) * threshold
    eps = 1e-9
    if op == "at_least":
        return np.ceil(exact - eps)
    if op == "above":
        return np.floor(exact + eps) + 1
    if op == "at_most":
        return np.floor(exact + eps)
    if op == "below":
        return np.ceil(exact - eps) - 1
    raise ValueError(op)
