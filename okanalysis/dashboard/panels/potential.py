"""Potential levels: households per level with shares (and the chart beside the glance)."""

from __future__ import annotations

import plotly.graph_objects as go

from okanalysis.charts import ledger as ledger_charts
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import esc, horizontal, note, num, pct, suppressed_note, t, table
from okanalysis.topics import privacy


def potential_html(data: CircleData, code: str, lang: str = "th") -> str:
    """Households per potential level, with shares."""
    rollup = data.of(code).rollup
    if code not in rollup.index:
        return note(esc(t("no_ledger", lang)))
    roll = rollup.loc[code]
    if bool(roll[privacy.SUPPRESSED]):
        return suppressed_note(data.min_group, lang)
    rows = []
    for _, lv in data.potential_levels.iterrows():
        share = roll.get(f"share_{lv['level']}")
        rows.append(
            [
                esc(lv["level_en" if lang == "en" else "level_th"]),
                num(roll[f"households_{lv['level']}"]),
                pct(share) if share is not None else "",
            ]
        )
    return table([t("level", lang), t("households", lang), t("share", lang)], rows)


def levels_figure(data: CircleData, code: str, lang: str = "th") -> go.Figure:
    """Households per potential level as bars (empty when the figures are withheld)."""
    rollup = data.of(code).rollup
    if code not in rollup.index or bool(rollup.at[code, privacy.SUPPRESSED]):
        return go.Figure()
    row = rollup.loc[[code]].reset_index(drop=True)
    return horizontal(ledger_charts.potential_levels(row, parameters=data.potential, lang=lang))
