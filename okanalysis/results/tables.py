"""The result tables: every table the reports, the province summary and both dashboards show,
declared once with how it is computed from a `Dataset` and which column names each row's unit.

Each `TableSpec.compute` looks its topic function up when it runs (`finance.summary`, not a
reference taken at import), so what runs is what the module holds at that moment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from okanalysis.contract import hierarchy
from okanalysis.contract.dataset import Dataset

# --- the table names (the one spelling reports and dashboards use) ------------------------------
UNITS = "units"
ROLLUP = "rollup"
SPENDING_GROUPS = "spending_groups"
VILLAGE_SPENDING = "village_spending"
HOUSEHOLDS = "households"
OPPORTUNITIES = "opportunities"
PEOPLE_GAPS = "people_gaps"
SUCCESSION = "succession"
FREEDOM = "freedom"
FREEDOM_CRITERIA = "freedom_criteria"
FREEDOM_PEOPLE = "freedom_people"
CAN_DO_NOW = "can_do_now"
PLANS = "plans"
PLAN_ITEMS = "plan_items"
TOP_DOWN = "top_down"
CENTRES = "centres"
FINANCE = "finance"
STANDARDS = "standards"
BUDGET = "budget"
BUDGET_TOPICS = "budget_topics"
BUDGET_AGENCIES = "budget_agencies"
ZONES = "zones"
GRADES_UNITS = "grades_units"
GRADES_COMPONENTS = "grades_components"
GRADES_INDICATORS = "grades_indicators"
VISIONS = "visions"

#: Tables whose rows are single households (personal data, PDPA): shown only when asked for,
#: and left out of a district pack unless it is made with --households.
PERSONAL = frozenset({HOUSEHOLDS, FREEDOM_PEOPLE})


@dataclass(frozen=True)
class TableSpec:
    """One result table: its name, how to compute it, and the column naming each row's unit
    (its first four digits are the district; "" for a table with no district)."""

    name: str
    compute: Callable[[Dataset, Context], pd.DataFrame]
    code: str = "unit_code"


@dataclass
class Context:
    """What computing the tables needs besides the dataset: the fiscal year, and a memo shared
    by the tables of one build (the grades are computed once for three tables)."""

    year: int | None
    memo: dict


def _levels(module: str, function: str, levels: Sequence[str], **kw: Any) -> Callable:
    """A table stacking `<module>.<function>(dataset, level, **kw)` over levels, with a `level`
    column; the function is looked up when the table is computed."""

    def compute(ds: Dataset, c: Context) -> pd.DataFrame:
        import importlib

        func = getattr(importlib.import_module(f"okanalysis.topics.{module}"), function)
        parts = []
        for level in levels:
            part = func(ds, level, **kw)
            part["level"] = level
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    return compute


def shareable_rollup(frame: pd.DataFrame, size: str = "households_recording") -> pd.DataFrame:
    """A roll-up (or opportunities) table as a shareable report may show it: the figures of
    units with fewer recording households than the privacy setting are blanked and marked."""
    from okanalysis.topics import privacy

    labels = {"households", "households_listed", "fiscal_year", "rank"}
    figures = [
        c
        for c in frame.columns
        if c not in labels and pd.api.types.is_numeric_dtype(frame[c]) and c != privacy.SUPPRESSED
    ]
    return privacy.suppress(frame, size, columns=figures)


def _units(ds: Dataset, c: Context) -> pd.DataFrame:
    """Every village with its sub-district's and district's names (the pickers and titles)."""
    units = hierarchy.units_of(ds).drop_duplicates("unit_code").set_index("unit_code")
    v = ds.villages.drop_duplicates("village_code").copy()
    for level in ("tambon", "amphoe"):
        v[f"{level}_th"] = v[f"{level}_code"].map(units["name_th"])
        v[f"{level}_en"] = v[f"{level}_code"].map(units["name_en"])
    v = v.sort_values(["amphoe_code", "tambon_code", "village_no", "village_code"])
    return v.reset_index(drop=True)


def _rollup(ds: Dataset, c: Context) -> pd.DataFrame:
    from okanalysis.topics import potential

    return potential.rollup(ds, "all", year=c.year, shareable=True)


def _opportunities(ds: Dataset, c: Context) -> pd.DataFrame:
    from okanalysis.topics import potential

    parts = [
        potential.opportunities(ds, level=lv, year=c.year, shareable=True)
        for lv in potential.LEVEL_ORDER
    ]
    return pd.concat(parts, ignore_index=True)


def _year_summary(ds: Dataset, year: int | None) -> pd.DataFrame:
    from okanalysis.topics import ledger

    s = ledger.household_summary(ds, "year")
    return s[s["fiscal_year"] == year] if year is not None else s


def spending_groups(ds: Dataset, year: int | None) -> pd.DataFrame:
    """Spending per category group, income per source and net, summed per sub-district over
    the households recording in the fiscal year (exact satang)."""
    from okanalysis.topics import ledger

    s = _year_summary(ds, year)
    lay = ledger.layout()
    money = [
        "income_satang",
        *[ledger.income_column(g) for g in ledger.income_groups(lay)],
        "expense_satang",
        *[ledger.spend_column(g) for g in ledger.expense_groups(lay)],
        "net_satang",
    ]
    s = s.assign(unit_code=s["village_code"].str.slice(0, 6))
    grouped = s.groupby("unit_code", sort=True)
    out = grouped[money].sum().astype("int64")
    out.insert(0, "households_recording", grouped.size().astype("int64"))
    out = out.reset_index()
    out.insert(1, "level", "tambon")
    out.insert(2, "fiscal_year", year)
    return shareable_rollup(out)


def _village_spending(ds: Dataset, c: Context) -> pd.DataFrame:
    """Recorded spending per category group per village in the fiscal year, with the number of
    recording households (the circle screen's spending chart; small villages suppressed)."""
    s = _year_summary(ds, c.year)
    spend = [col for col in s.columns if col.startswith("spend_") and col.endswith("_satang")]
    grouped = s.groupby("village_code", sort=True, observed=True)
    out = grouped[spend].sum().astype("int64")
    out.insert(0, "households_recording", grouped.size().astype("int64"))
    out = out.reset_index().rename(columns={"village_code": "unit_code"})
    out.insert(1, "level", "village")
    return shareable_rollup(out)


def _households(ds: Dataset, c: Context) -> pd.DataFrame:
    """The household summary of the fiscal year (pseudonymous ids; personal data: shown to a
    circle only when the facilitator asks for it)."""
    return _year_summary(ds, c.year).reset_index(drop=True)


def _freedom(ds: Dataset, c: Context) -> pd.DataFrame:
    from okanalysis.topics import people

    parts = []
    for level in ("tambon", "amphoe", "province"):
        part = people.freedom_progress(ds, level, by="role", shareable=True)
        part["level"] = level
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _freedom_criteria(ds: Dataset, c: Context) -> pd.DataFrame:
    """Freedom-table progress by criterion per village (the circle screen's table)."""
    from okanalysis.topics import people

    return people.freedom_progress(ds, "village", by="criterion", shareable=True)


def _freedom_people(ds: Dataset, c: Context) -> pd.DataFrame:
    """Each core's freedom-table scores per criterion, start and end round (pseudonymous ids;
    personal data: shown to a circle only when the facilitator asks for it)."""
    from okanalysis.topics import people

    return people.freedom_progress(ds, "village", per_person=True)


def can_do_now(ds: Dataset, c: Context | None = None) -> pd.DataFrame:
    """What people say they can now do (the freedom table's end round), without who said it:
    sub-district, role, criterion and the statement, once per distinct statement."""
    from okanalysis.topics import people

    rows = people.freedom_progress(ds, "tambon", per_person=True)
    rows = rows[rows["can_do_now"].notna() & (rows["can_do_now"].str.strip() != "")]
    keep = ["unit_code", "unit_th", "unit_en", "role", "role_th", "criterion_th", "can_do_now"]
    return rows[keep].drop_duplicates(["unit_code", "role", "can_do_now"]).reset_index(drop=True)


def _call(module: str, function: str, *args: Any, **kw: Any) -> Callable:
    def compute(ds: Dataset, c: Context) -> pd.DataFrame:
        import importlib

        return getattr(importlib.import_module(f"okanalysis.topics.{module}"), function)(
            ds, *args, **kw
        )

    return compute


def _graded(ds: Dataset, c: Context) -> dict[str, Any]:
    """The computed grades of villages and sub-districts (once per build)."""
    if "grades" not in c.memo:
        from okanalysis.grading import grades as grading

        villages = grading.grade(ds, "village", shareable=True)
        tambons = grading.grade(ds, "tambon", villages=villages, shareable=True)
        c.memo["grades"] = {"village": villages, "tambon": tambons}
    return c.memo["grades"]


def _grades(part: str) -> Callable[[Dataset, Context], pd.DataFrame]:
    """One of the grading tables (units, components, indicators), villages and sub-districts
    stacked with a `level` column."""

    def compute(ds: Dataset, c: Context) -> pd.DataFrame:
        graded = _graded(ds, c)
        return pd.concat(
            [getattr(g, part).assign(level=lv) for lv, g in graded.items()], ignore_index=True
        )

    return compute


def _zones(ds: Dataset, c: Context) -> pd.DataFrame:
    return ds.zones.copy()


def visions(ds: Dataset, c: Context | None = None) -> pd.DataFrame:
    """What "organic community, live well, be happy" means to each village and sub-district,
    in its own words (the input `visions` table): `level`, `unit_code`, `statement`, one row
    per unit with a statement. Community text, not personal figures."""
    v = ds.visions.loc[:, ["level", "unit_code", "statement"]].copy()
    v["level"] = v["level"].astype("str")
    v["unit_code"] = v["unit_code"].astype("str")
    v["statement"] = v["statement"].astype("object").where(v["statement"].notna(), "")
    v["statement"] = v["statement"].astype("str").str.strip()
    v = v.loc[v["statement"] != ""].drop_duplicates("unit_code", keep="last")
    return v.sort_values("unit_code", kind="stable").reset_index(drop=True)


SPECS: tuple[TableSpec, ...] = (
    TableSpec(UNITS, _units, code="village_code"),
    TableSpec(ROLLUP, _rollup),
    TableSpec(SPENDING_GROUPS, lambda ds, c: spending_groups(ds, c.year)),
    TableSpec(VILLAGE_SPENDING, _village_spending),
    TableSpec(HOUSEHOLDS, _households, code="village_code"),
    TableSpec(OPPORTUNITIES, _opportunities),
    TableSpec(PEOPLE_GAPS, _levels("people", "gaps", ("tambon", "amphoe"), shareable=True)),
    TableSpec(SUCCESSION, _levels("people", "succession", ("tambon", "amphoe"), shareable=True)),
    TableSpec(FREEDOM, _freedom),
    TableSpec(FREEDOM_CRITERIA, _freedom_criteria),
    TableSpec(FREEDOM_PEOPLE, _freedom_people),
    TableSpec(CAN_DO_NOW, can_do_now),
    TableSpec(
        PLANS,
        _levels("plans", "alignment", ("village", "tambon", "amphoe", "province"), shareable=True),
    ),
    TableSpec(PLAN_ITEMS, _call("plans", "items")),
    TableSpec(TOP_DOWN, _call("plans", "top_down")),
    TableSpec(CENTRES, _levels("centres", "summary", ("village", "tambon", "amphoe", "province"))),
    TableSpec(
        FINANCE,
        _levels("finance", "summary", ("village", "tambon", "amphoe", "province"), shareable=True),
    ),
    TableSpec(
        STANDARDS,
        _levels(
            "standards", "summary", ("village", "tambon", "amphoe", "province"), shareable=True
        ),
    ),
    TableSpec(BUDGET, _call("budget", "allocate"), code="amphoe_code"),
    TableSpec(BUDGET_TOPICS, _call("budget", "spending_by_topic"), code="amphoe_code"),
    TableSpec(BUDGET_AGENCIES, _call("budget", "allocate", by="agency"), code=""),
    TableSpec(ZONES, _zones, code="tambon_code"),
    TableSpec(GRADES_UNITS, _grades("units")),
    TableSpec(GRADES_COMPONENTS, _grades("components")),
    TableSpec(GRADES_INDICATORS, _grades("indicators")),
    TableSpec(VISIONS, visions),
)

#: Every result table's name, in build order.
TABLE_NAMES: tuple[str, ...] = tuple(s.name for s in SPECS)
SPEC = {s.name: s for s in SPECS}
