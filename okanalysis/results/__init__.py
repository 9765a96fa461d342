"""okanalysis.results: the one owner of computed results.

`build(data)` computes once every table the reports, the province summary and both dashboards
show, and writes a results folder (hive-partitioned Parquet by province and district, and a
manifest); `open(path)` reads one back. `Results.table(name, amphoe=..., village=...,
columns=...)` reads only the partitions and columns asked for. Table names are the constants
below (`results.ROLLUP`...). Modules inside okanalysis import the defining module, never this
file.
"""

from okanalysis.results.build import build
from okanalysis.results.national import open_index
from okanalysis.results.provinces import NationalBuild, ProvinceOutcome, build_provinces
from okanalysis.results.store import (
    ResultFault,
    Results,
    is_results,
    open,
)
from okanalysis.results.tables import (
    BUDGET,
    BUDGET_AGENCIES,
    BUDGET_TOPICS,
    CAN_DO_NOW,
    CENTRES,
    FINANCE,
    FREEDOM,
    FREEDOM_CRITERIA,
    FREEDOM_PEOPLE,
    GRADES_COMPONENTS,
    GRADES_INDICATORS,
    GRADES_UNITS,
    HOUSEHOLDS,
    OPPORTUNITIES,
    PEOPLE_GAPS,
    PERSONAL,
    PLAN_ITEMS,
    PLANS,
    ROLLUP,
    SPENDING_GROUPS,
    STANDARDS,
    SUCCESSION,
    TABLE_NAMES,
    TOP_DOWN,
    UNITS,
    VILLAGE_SPENDING,
    VISIONS,
    ZONES,
)

__all__ = [
    "BUDGET",
    "BUDGET_AGENCIES",
    "BUDGET_TOPICS",
    "CAN_DO_NOW",
    "CENTRES",
    "FINANCE",
    "FREEDOM",
    "FREEDOM_CRITERIA",
    "FREEDOM_PEOPLE",
    "GRADES_COMPONENTS",
    "GRADES_INDICATORS",
    "GRADES_UNITS",
    "HOUSEHOLDS",
    "OPPORTUNITIES",
    "PEOPLE_GAPS",
    "PERSONAL",
    "PLANS",
    "PLAN_ITEMS",
    "ROLLUP",
    "SPENDING_GROUPS",
    "STANDARDS",
    "SUCCESSION",
    "TABLE_NAMES",
    "TOP_DOWN",
    "UNITS",
    "VILLAGE_SPENDING",
    "VISIONS",
    "ZONES",
    "NationalBuild",
    "ProvinceOutcome",
    "ResultFault",
    "Results",
    "build",
    "build_provinces",
    "is_results",
    "open",
    "open_index",
]
