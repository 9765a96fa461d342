"""Money leaving the village for goods it could produce, ranked, and avoidable spending as
reduction targets: the figures of `potential.opportunities`, as the results hold them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from okanalysis.charts import ledger as ledger_charts
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import (
    TOP_OPPORTUNITIES,
    baht,
    esc,
    heading,
    hidden_cell,
    note,
    num,
    pct,
    suppressed_note,
    t,
    table,
)
from okanalysis.topics import privacy


def opportunity_rows(
    data: CircleData, code: str, kind: str, top: int = TOP_OPPORTUNITIES
) -> pd.DataFrame:
    """The village's ranked rows of one kind as `potential.opportunities` gives them (top n)."""
    opp = data.of(code).opportunities
    rows = opp.loc[(opp["unit_code"] == code) & (opp["kind"] == kind)]
    return rows.sort_values("rank").head(top)


def opportunities_html(data: CircleData, code: str, lang: str = "th") -> str:
    """Money leaving for goods the village could produce, ranked, and the reduction targets."""
    parts = []
    for kind, title in (("substitutable", "substitutable"), ("avoidable", "reduction_target")):
        rows = opportunity_rows(data, code, kind)
        parts.append(heading(t(title, lang)))
        if rows.empty:
            parts.append(note(esc(t("no_ledger", lang))))
            continue
        if bool(rows["households_recording"].iloc[0] < data.min_group):
            parts.append(suppressed_note(data.min_group, lang))
            continue
        body, attrs = [], []
        for _, o in rows.iterrows():
            name = esc(o["name_en" if lang == "en" else "name_th"])
            if bool(o[privacy.SUPPRESSED]):
                body.append([num(o["rank"]), name, hidden_cell(data.min_group, lang), "", "", ""])
            else:
                body.append(
                    [
                        num(o["rank"]),
                        name,
                        baht(o["yearly_satang"], lang),
                        num(o["households_buying"]),
                        baht(o["average_per_buyer_satang"], lang),
                        pct(o["share_of_spending"], 1),
                    ]
                )
            attrs.append(f' data-category="{esc(o["category"])}" data-kind="{kind}"')
        headers = [
            t("rank", lang),
            t("category", lang),
            t("per_year", lang),
            t("buyers", lang),
            t("per_buyer", lang),
            t("share_spending", lang),
        ]
        parts.append(table(headers, body, cls="okd-opportunities", row_attrs=attrs))
    return "".join(parts)


def opportunity_figure(data: CircleData, code: str, lang: str = "th") -> go.Figure:
    """The village's money leaving for goods it could produce, ranked (shown rows only)."""
    opp = data.of(code).opportunities
    rows = opp.loc[(opp["unit_code"] == code) & ~opp[privacy.SUPPRESSED].astype(bool)]
    return ledger_charts.opportunity_ranking(rows, kind="substitutable", unit=code, lang=lang)
