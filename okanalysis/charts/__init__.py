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
from okanalysis.charts.programme import (
    budget_allocation,
    centre_activity,
    finance_coverage,
    finance_ratios,
    freedom_before_after,
    leader_gaps,
    plan_alignment,
    standards_results,
)
from okanalysis.charts.style import GRADE_COLOURS, PALETTE, THAI_FONT_STACK, apply_style, label

__all__ = [
    "GRADE_COLOURS",
    "PALETTE",
    "THAI_FONT_STACK",
    "apply_style",
    "budget_allocation",
    "centre_activity",
    "finance_coverage",
    "finance_ratios",
    "freedom_before_after",
    "hierarchy_view",
    "household_balance",
    "label",
    "leader_gaps",
    "opportunity_ranking",
    "plan_alignment",
    "potential_levels",
    "spending_by_group",
    "standards_results",
]
