"""Household accounts: income, spending and net of the households recording, spending by
group, and (only when the facilitator asks) each household's balance."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from okanalysis.charts import ledger as ledger_charts
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import baht, cards, esc, note, num, pct, suppressed_note, t
from okanalysis.topics import privacy


def accounts_html(data: CircleData, code: str, lang: str = "th") -> str:
    """Income, spending and net of the households recording, and the coverage."""
    rollup = data.of(code).rollup
    if code not in rollup.index:
        return note(esc(t("no_ledger", lang)))
    roll = rollup.loc[code]
    if bool(roll[privacy.SUPPRESSED]):
        return suppressed_note(data.min_group, lang)
    return cards(
        [
            (
                t("recording", lang),
                f"{num(roll['households_recording'])} / {num(roll['households'])}"
                f" <small>({pct(roll['coverage'])})</small>",
            ),
            (t("income_year", lang), baht(roll["income_annual_satang"], lang)),
            (t("expense_year", lang), baht(roll["expense_annual_satang"], lang)),
            (t("net_year", lang), baht(roll["net_annual_satang"], lang)),
        ]
    )


def withheld(data: CircleData, code: str) -> bool:
    """True when the village's money figures are not shown (no accounts, or too few
    households recording for the privacy setting)."""
    rollup = data.of(code).rollup
    return code not in rollup.index or bool(rollup.at[code, privacy.SUPPRESSED])


def spending_figure(data: CircleData, code: str, lang: str = "th") -> go.Figure:
    """Recorded spending per category group of the village (no bars when withheld)."""
    spending = data.of(code).spending
    row = spending.loc[[code]] if code in spending.index else spending.iloc[:0]
    if withheld(data, code) or (len(row) and bool(row[privacy.SUPPRESSED].iloc[0])):
        row = row.iloc[:0]
    return ledger_charts.spending_by_group(row, lang=lang)


def households_figure(rows: pd.DataFrame, lang: str = "th") -> go.Figure:
    """Each household's income against spending (rows: the village's HOUSEHOLDS)."""
    return ledger_charts.household_balance(rows, lang=lang)
