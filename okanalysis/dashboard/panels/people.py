"""The cores' freedom table by criterion, and (only when the facilitator asks) each core's
scores by pseudonymous id."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from okanalysis.charts import programme as programme_charts
from okanalysis.contract import schema
from okanalysis.core import thai
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import esc, hidden_cell, missing, note, num, pct, t, table
from okanalysis.topics import privacy


def freedom_rows(data: CircleData, code: str) -> pd.DataFrame:
    """The village's freedom-table progress by criterion (shareable)."""
    freedom = data.of(code).freedom
    return freedom.loc[freedom["unit_code"] == code]


def _mean(value: object) -> str:
    return "–" if missing(value) else thai.format_number(value, 1)


def freedom_html(data: CircleData, code: str, lang: str = "th") -> str:
    """The cores' freedom-table progress by criterion (groups under the privacy size hidden)."""
    rows = freedom_rows(data, code)
    if rows.empty:
        return note(esc(t("no_freedom", lang)))
    body = []
    for _, r in rows.iterrows():
        name = esc(r["criterion_en" if lang == "en" else "criterion_th"])
        if bool(r[privacy.SUPPRESSED]):
            body.append([name, hidden_cell(data.min_group, lang), "", "", ""])
            continue
        body.append(
            [
                name,
                num(r["people"]),
                _mean(r["score_start_mean"]),
                _mean(r["score_end_mean"]),
                pct(r["reached_target_share"]),
            ]
        )
    headers = [
        t("criterion", lang),
        t("people", lang),
        t("start_mean", lang),
        t("end_mean", lang),
        t("reached_target", lang),
    ]
    return table(headers, body)


def freedom_figure(data: CircleData, code: str, lang: str = "th") -> tuple[go.Figure, int]:
    """(figure, height): before and after per criterion; an empty figure without rows."""
    rows = freedom_rows(data, code)
    if rows.empty:
        return go.Figure(), 200
    figure = programme_charts.freedom_before_after(rows, unit=code, lang=lang)
    return figure, max(320, 60 * len(rows) + 140)


def people_html(data: CircleData, code: str, lang: str = "th") -> str:
    """Each core's scores per criterion (pseudonymous ids): personal rows, read for this
    village only when the facilitator asks."""
    rows = data.people(code)
    if rows.empty:
        return note(esc(t("no_freedom", lang)))
    roles = {k: v[1 if lang == "en" else 0] for k, v in schema.ROLES.items()}
    body = [
        [
            esc(r["person_id"]),
            esc(roles.get(r["role"], r["role_th"])),
            esc(r["criterion_th"]),
            num(r["score_start"]),
            num(r["target_start"]),
            num(r["score_end"]),
        ]
        for _, r in rows.iterrows()
    ]
    headers = [
        t("person", lang),
        t("role", lang),
        t("criterion", lang),
        t("before", lang),
        t("own_target", lang),
        t("after", lang),
    ]
    return table(headers, body, cls="okd-small-table")
