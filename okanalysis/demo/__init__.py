"""okanalysis.demo: the synthetic demo province.

The names below are this layer's public API (`okanalysis.demo.open_...`); modules inside
okanalysis import the module that defines a name, never this file.
"""

from okanalysis.demo.common import (
    FISCAL_YEAR_BE,
    FY_DAYS,
    FY_START,
    LIVELIHOODS,
    MONTH_DAYS,
    MONTH_START,
)
from okanalysis.demo.community import CDD_INDICATORS, CDD_PASS_AT, HEALTH_PASS_SHARE
from okanalysis.demo.ledger import ENTRIES_PER_DAY
from okanalysis.demo.province import TIER_CUTS, TOP_STEP, VILLAGES_AT_SCALE_1
from okanalysis.demo.synthetic import SOURCE, STEPS, generate

__all__ = [
    "CDD_INDICATORS",
    "CDD_PASS_AT",
    "ENTRIES_PER_DAY",
    "FISCAL_YEAR_BE",
    "FY_DAYS",
    "FY_START",
    "HEALTH_PASS_SHARE",
    "LIVELIHOODS",
    "MONTH_DAYS",
    "MONTH_START",
    "SOURCE",
    "STEPS",
    "TIER_CUTS",
    "TOP_STEP",
    "VILLAGES_AT_SCALE_1",
    "generate",
]
