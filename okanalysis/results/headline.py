"""Each district's headline figures, computed once with the results (the index page and the
report's first section show them)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from okanalysis.core.errors import NothingToShow
from okanalysis.results import tables as t
from okanalysis.results.store import Results


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def headline(results: Results, amphoe: str) -> dict:
    """A district's headline figures: villages and sub-districts, households, recording and
    coverage, households assessed, the share below the lowest potential level's line, the
    yearly money leaving for substitutable goods and avoidable spending, and the facilitation
    budget. None where suppressed or where there is nothing to show."""
    out: dict[str, Any] = {"fiscal_year": results.fiscal_year}
    try:
        rollup = results.table(t.ROLLUP, amphoe=amphoe)
    except NothingToShow:
        rollup = None
    if rollup is not None:
        row = rollup[rollup["level"] == "amphoe"]
        if len(row):
            r = row.iloc[0]
            floor = next(
                (c.removeprefix("share_") for c in reversed(rollup.columns)
                 if c.startswith("share_")),
                None,
            )  # fmt: skip
            for key in ("households", "households_recording", "coverage", "households_assessed",
                        "substitutable_annual_satang", "avoidable_annual_satang"):  # fmt: skip
                out[key] = _plain(r.get(key))
            out["below_line_share"] = _plain(r.get(f"share_{floor}")) if floor else None
        out["tambons"] = int((rollup["level"] == "tambon").sum())
    try:
        money = results.table(t.BUDGET, amphoe=amphoe)
    except NothingToShow:
        money = None
    if money is not None and len(money):
        b = money.iloc[0]
        for key in ("villages", "budget_satang", "spent_satang"):
            out[key] = _plain(b.get(key))
    return out


def headlines(results: Results, districts: list[str]) -> dict[str, dict]:
    """`headline` of each district."""
    return {code: headline(results, code) for code in districts}
