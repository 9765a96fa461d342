"""Figures of the people, plans, learning topics and budget, Thai labels first.

Each function takes the DataFrame an `okanalysis.people`, `plans`, `centres`, `finance`,
`standards` or `budget` function returns and gives a plotly Figure. Amounts are shown in baht
(the data stay in satang); rows a shareable result suppressed are drawn empty and named so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from okanalysis.charts.style import PALETTE, apply_style, label
from okanalysis.core.thai import format_baht, format_number, format_percent
from okanalysis.topics import finance, plans

START_COLOUR, END_COLOUR, LINK_COLOUR = "#E69F00", "#0072B2", "#BBBBBB"
SUPPORT_COLOURS = {"both": "#0072B2", "local": "#56B4E9", "agency": "#E69F00", "none": "#D55E00"}
NORM_FILL = "rgba(0, 158, 115, 0.12)"

#: Breakdown label columns of a freedom-table summary, most specific first.
_BREAKDOWN_LABELS = (
    ("criterion_th", "criterion_en"),
    ("sector_th", "sector"),
    ("gender_th", "gender"),
    ("age_band_th", "age_band"),
    ("role_th", "role"),
    ("group_unit_code", "group_unit_code"),
)


def _baht(satang: pd.Series) -> np.ndarray:
    return pd.to_numeric(satang).astype(float).to_numpy() / 100


def _unit_names(frame: pd.DataFrame, lang: str) -> list[str]:
    """Each row's name (a unit's, or a group's for `finance.groups`; English where asked and
    known), else its code."""
    prefix = "unit" if "unit_th" in frame else "name"
    names = frame[f"{prefix}_en" if lang == "en" and f"{prefix}_en" in frame else f"{prefix}_th"]
    return [
        str(n) if pd.notna(n) else str(c) for n, c in zip(names, frame["unit_code"], strict=True)
    ]


def _only(frame: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    return frame if unit is None else frame[frame["unit_code"] == unit]


def _values(frame: pd.DataFrame, column: str) -> list[float | None]:
    """A column as plain floats for plotly, None where missing (suppressed or no data)."""
    return [None if pd.isna(v) else float(v) for v in frame[column]]


def freedom_before_after(
    progress: pd.DataFrame,
    *,
    unit: str | None = None,
    lang: str = "th",
    title: str | None = None,
) -> go.Figure:
    """The freedom table before and after: a dumbbell per row of `people.freedom_progress`
    (criterion, sector, gender...), from the mean score at the start to the mean at the end."""
    rows = _only(progress, unit)
    th_col, en_col = next(
        (pair for pair in _BREAKDOWN_LABELS if pair[0] in rows.columns), ("unit_th", "unit_en")
    )
    names = rows[en_col if lang == "en" and en_col in rows else th_col].astype("str")
    if unit is None and rows["unit_code"].nunique() > 1:
        names = pd.Series(_unit_names(rows, lang), index=rows.index) + " · " + names
    y = names.fillna("–").tolist()
    start, end = _values(rows, "score_start_mean"), _values(rows, "score_end_mean")
    link_x: list[float | None] = []
    link_y: list[str | None] = []
    for name, a, b in zip(y, start, end, strict=True):
        link_x += [a, b, None]
        link_y += [name, name, None]
    fig = go.Figure()
    fig.add_scatter(
        x=link_x,
        y=link_y,
        mode="lines",
        line={"color": LINK_COLOUR, "width": 6},
        hoverinfo="skip",
        showlegend=False,
    )
    for values, colour, th, en, column in (
        (start, START_COLOUR, "ก่อน", "before", "start"),
        (end, END_COLOUR, "หลัง", "after", "end"),
    ):
        rounds = rows[column].astype("str").tolist() if column in rows else [""] * len(rows)
        fig.add_scatter(
            x=values,
            y=y,
            mode="markers",
            marker={"color": colour, "size": 16},
            name=label(th, en, lang),
            text=rounds,
            hovertemplate="%{y}<br>%{fullData.name} (%{text}): %{x:.2f}<extra></extra>",
        )
    fig.update_layout(
        xaxis={"title": label("ระดับเฉลี่ย (1-5)", "mean level (1-5)", lang), "range": [0.5, 5.5]},
        yaxis={"autorange": "reversed"},
        height=max(300, 60 * len(y) + 120),
    )
    default = label("ตารางอิสรภาพ ก่อนและหลัง", "Freedom table, before and after", lang)
    return apply_style(fig, title if title is not None else default)


def leader_gaps(gaps: pd.DataFrame, *, lang: str = "th", title: str | None = None) -> go.Figure:
    """The gaps of `people.gaps` per unit: cores missing, partner sectors missing (from
    sub-district level up) and incumbents without a named successor."""
    names = _unit_names(gaps, lang)
    fig = go.Figure()
    for column, th, en, colour in (
        ("cores_missing", "คุณกิจแกนนำที่ยังขาด", "core leaders missing", PALETTE[5]),
        ("sectors_missing", "ภาคีที่ยังขาด (คุณอำนวยตำบล)", "partner sectors missing", PALETTE[1]),
        ("without_successor", "ผู้นำที่ยังไม่มีผู้สืบทอด", "without a successor", PALETTE[0]),
    ):
        if column not in gaps or gaps[column].isna().all():
            continue
        fig.add_bar(
            y=names,
            x=_values(gaps, column),
            name=label(th, en, lang),
            orientation="h",
            marker_color=colour,
        )
    fig.update_layout(
        barmode="group",
        xaxis_title=label("จำนวนคน", "people", lang),
        yaxis={"autorange": "reversed"},
        height=max(300, 40 * len(names) + 140),
    )
    default = label("ช่องว่างของทีมผู้นำ", "Gaps in the leadership teams", lang)
    return apply_style(fig, title if title is not None else default)


def plan_alignment(
    alignment: pd.DataFrame, *, lang: str = "th", title: str | None = None
) -> go.Figure:
    """Master-plan items of `plans.alignment` per unit by who supports them (stacked), with
    the money behind them and the top-down agency projects on hover."""
    names = _unit_names(alignment, lang)
    both = alignment["items_local_and_agency"]
    counts = {
        "both": both,
        "local": alignment["items"]
        - alignment["items_unsupported"]
        - alignment["items_with_agency_project"],
        "agency": alignment["items_with_agency_project"] - both,
        "none": alignment["items_unsupported"],
    }
    money = [
        label(
            f"งบตามแผน {format_baht(c)} · อบต. {format_baht(t)} · อบจ. {format_baht(p)}"
            f" · หน่วยงาน {format_baht(a)}<br>โครงการจากบนลงล่าง {n} ({format_baht(d)})",
            f"plan cost {format_baht(c, 'en')} · TAO {format_baht(t, 'en')} · PAO "
            f"{format_baht(p, 'en')} · agencies {format_baht(a, 'en')}<br>top-down projects "
            f"{n} ({format_baht(d, 'en')})",
            lang,
        )
        for c, t, p, a, n, d in zip(
            alignment["cost_satang"],
            alignment["tao_budget_satang"],
            alignment["pao_budget_satang"],
            alignment["agency_budget_satang"],
            alignment["top_down_projects"],
            alignment["top_down_budget_satang"],
            strict=True,
        )
    ]
    fig = go.Figure()
    for code, values in counts.items():
        th, en = plans.SUPPORT[code]
        fig.add_bar(
            x=names,
            y=_values(pd.DataFrame({"v": values}), "v"),
            name=label(th, en, lang),
            marker_color=SUPPORT_COLOURS[code],
            customdata=money,
            hovertemplate="%{x}<br>%{fullData.name}: %{y}<br>%{customdata}<extra></extra>",
        )
    fig.update_layout(barmode="stack", yaxis_title=label("รายการแผน", "plan items", lang))
    default = label("แผนแม่บทกับผู้สนับสนุน", "Master-plan items by who supports them", lang)
    return apply_style(fig, title if title is not None else default)


def centre_activity(
    summary: pd.DataFrame, *, lang: str = "th", title: str | None = None
) -> go.Figure:
    """Learning-centre activities (bars) and visitors (markers, right axis) per unit of
    `centres.summary`, with the centres registered and in use on hover."""
    names = _unit_names(summary, lang)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    hover = [
        label(
            f"ศูนย์ {c} · ขึ้นทะเบียน {r} · ใช้งาน {u}",
            f"centres {c} · registered {r} · in use {u}",
            lang,
        )
        for c, r, u in zip(
            summary["centres"],
            summary["centres_registered"],
            summary["centres_in_use"],
            strict=True,
        )
    ]
    fig.add_bar(
        x=names,
        y=_values(summary, "activities"),
        name=label("กิจกรรม", "activities", lang),
        marker_color=PALETTE[2],
        customdata=hover,
        hovertemplate="%{x}: %{y}<br>%{customdata}<extra></extra>",
    )
    fig.add_scatter(
        x=names,
        y=_values(summary, "visitors"),
        mode="markers",
        marker={"color": PALETTE[0], "size": 14},
        name=label("ผู้เข้าร่วม/ศึกษาดูงาน", "visitors", lang),
        secondary_y=True,
    )
    fig.update_yaxes(title_text=label("กิจกรรม", "activities", lang), secondary_y=False)
    fig.update_yaxes(title_text=label("คน", "people", lang), secondary_y=True)
    default = label("กิจกรรมศูนย์เรียนรู้เศรษฐกิจพอเพียง", "Learning-centre activity", lang)
    return apply_style(fig, title if title is not None else default)


def _share_bars(
    summary: pd.DataFrame,
    series: tuple[tuple[str, str, str, str], ...],
    default: str,
    lang: str,
    title: str | None,
) -> go.Figure:
    """Grouped bars of shares (0-1) in percent per unit: one (column, Thai, English, colour)
    series each; a suppressed or missing share is left empty."""
    names = _unit_names(summary, lang)
    fig = go.Figure()
    for column, th, en, colour in series:
        shares = _values(summary, column)
        fig.add_bar(
            x=names,
            y=[None if s is None else 100 * s for s in shares],
            name=label(th, en, lang),
            marker_color=colour,
            text=[format_percent(s) for s in shares],
        )
    fig.update_layout(barmode="group", yaxis={"title": "%", "range": [0, 105]})
    return apply_style(fig, title if title is not None else default)


def finance_coverage(
    summary: pd.DataFrame, *, lang: str = "th", title: str | None = None
) -> go.Figure:
    """The share of households reached by financial groups and by welfare funds per unit of
    `finance.summary` (lower bounds: the widest-reaching group)."""
    series = (
        ("household_coverage", "ครัวเรือนที่เป็นสมาชิกกลุ่มการเงิน",
         "households in a financial group", PALETTE[0]),
        ("welfare_coverage", "ครัวเรือนที่อยู่ในกองทุนสวัสดิการ",
         "households in a welfare fund", PALETTE[2]),
    )  # fmt: skip
    default = label("ความครอบคลุมองค์กรการเงินและสวัสดิการ", "Finance and welfare coverage", lang)
    return _share_bars(summary, series, default, lang, title)


def finance_ratios(
    summary: pd.DataFrame, *, lang: str = "th", title: str | None = None
) -> go.Figure:
    """Loan-to-capital against arrears per unit (or group) of `finance.summary` / `groups`,
    with the PEARLS-style norms shaded: loans 70-80% of capital, arrears at most 5%."""
    low, high = finance.LOAN_TO_CAPITAL_NORM
    names = _unit_names(summary, lang)
    ltc, arrears = _values(summary, "loan_to_capital"), _values(summary, "arrears_ratio")
    fig = go.Figure()
    fig.add_shape(
        type="rect",
        x0=100 * low,
        x1=100 * high,
        y0=0,
        y1=100 * finance.ARREARS_NORM,
        fillcolor=NORM_FILL,
        line_width=0,
        layer="below",
    )
    fig.add_scatter(
        x=[None if v is None else 100 * v for v in ltc],
        y=[None if v is None else 100 * v for v in arrears],
        mode="markers+text",
        text=names,
        textposition="top center",
        marker={"size": 14, "color": PALETTE[0]},
        name=label("สัดส่วน", "ratios", lang),
        hovertemplate="%{text}<br>%{x:.0f}% / %{y:.1f}%<extra></extra>",
    )
    fig.update_layout(
        xaxis_title=label("เงินให้กู้ต่อเงินทุน (%)", "loans to capital (%)", lang),
        yaxis_title=label("หนี้ค้างชำระต่อเงินให้กู้ (%)", "arrears to loans (%)", lang),
        showlegend=False,
    )
    default = label("สัดส่วนทางการเงิน (แนว PEARLS)", "Financial ratios (PEARLS spirit)", lang)
    return apply_style(fig, title if title is not None else default)


def standards_results(
    summary: pd.DataFrame, *, lang: str = "th", title: str | None = None
) -> go.Figure:
    """Per unit of `standards.summary`: the share of households meeting the health standard
    and the share of CDD indicators passed."""
    series = (
        ("health_share", "ครัวเรือนผ่านมาตรฐานสุขภาพ",
         "households meeting the health standard", PALETTE[2]),
        ("cdd_indicator_share", "ตัวชี้วัดมาตรฐาน พช. ที่ผ่าน", "CDD indicators passed",
         PALETTE[3]),
    )  # fmt: skip
    default = label("มาตรฐานสุขภาพและมาตรฐานชุมชน", "Health and community standards", lang)
    return _share_bars(summary, series, default, lang, title)


def budget_allocation(
    allocation: pd.DataFrame, *, lang: str = "th", title: str | None = None
) -> go.Figure:
    """Budget and spending per district (coloured by lead agency) or per agency, from
    `budget.allocate`, with the balance and share spent on hover."""
    if "amphoe_code" in allocation:
        names = allocation["amphoe_en" if lang == "en" else "amphoe_th"].astype("str").tolist()
    else:
        names = allocation["agency_en" if lang == "en" else "agency_th"].astype("str").tolist()
    agency = allocation["agency_en" if lang == "en" else "agency_th"]
    agencies = agency.astype("str").fillna("").tolist()  # none outside Nakhon Si Thammarat
    colours = {a: PALETTE[i % len(PALETTE)] for i, a in enumerate(dict.fromkeys(agencies))}
    hover = [
        f"{a}<br>{label('คงเหลือ', 'balance', lang)} {format_baht(b, lang)} · "
        f"{label('ใช้ไป', 'spent', lang)} {format_percent(s)}"
        for a, b, s in zip(
            agencies, allocation["balance_satang"], allocation["share_spent"], strict=True
        )
    ]
    fig = go.Figure()
    fig.add_bar(
        x=names,
        y=_baht(allocation["budget_satang"]),
        name=label("งบจัดสรร", "budget", lang),
        marker_color=[colours[a] for a in agencies],
        customdata=hover,
        hovertemplate="%{x}: %{y:,.0f}<br>%{customdata}<extra></extra>",
    )
    fig.add_scatter(
        x=names,
        y=_baht(allocation["spent_satang"]),
        mode="markers",
        marker={"symbol": "line-ew-open", "size": 28, "line": {"width": 4}, "color": "#000000"},
        name=label("ใช้จ่ายแล้ว", "spent", lang),
    )
    total = format_number(allocation["budget_satang"].sum() / 100)
    fig.update_layout(yaxis_title=label("บาท", "baht", lang), xaxis_tickangle=-45)
    default = label(
        f"งบอำนวยการ (รวม {total} บาท)", f"Facilitation budget (total {total} baht)", lang
    )
    return apply_style(fig, title if title is not None else default)
