"""Plotly figures the notebooks and dashboards share, Thai labels first.

`style` holds the shared look; the figures live in modules by domain and are all reachable
from here as `okanalysis.charts.<name>`.
"""

from okanalysis.charts.ledger import (
    hierarchy_view,
    household_balance,
    opportunity_ranking,
    potential_levels,
    spending_by_group,
)
from okanalysis.charts.style import GRADE_COLOURS, PALETTE, THAI_FONT_STACK, apply_style, label

__all__ = [
    "GRADE_COLOURS",
    "PALETTE",
    "THAI_FONT_STACK",
    "apply_style",
    "hierarchy_view",
    "household_balance",
    "label",
    "opportunity_ranking",
    "potential_levels",
    "spending_by_group",
]
