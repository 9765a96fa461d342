"""Figures of the household accounts and the potential assessment, Thai labels first.

Each function takes the DataFrame an `okanalysis.ledger` / `okanalysis.potential` function
returns and gives a plotly Figure; amounts are shown in baht (the data stay in satang).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from okanalysis.charts.style import (
    EXPENSE_COLOUR,
    INCOME_COLOUR,
    NET_COLOUR,
    PALETTE,
    apply_style,
    label,
)
from okanalysis.core.thai import (
    MONTHS_EN_ABBR,
    MONTHS_TH_ABBR,
    be_year,
    format_baht,
    format_percent,
)
from okanalysis.topics import ledger, potential

#: Potential levels from the top down: blue to vermilion; not assessed in grey.
LEVEL_COLOURS = ("#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#F0E442")
NOT_ASSESSED_COLOUR = "#BBBBBB"


def _baht(satang: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(satang, dtype=float) / 100


def _month_label(month: pd.Timestamp, lang: str) -> str:
    names = MONTHS_TH_ABBR if lang == "th" else MONTHS_EN_ABBR
    year = be_year(month.year) if lang == "th" else month.year
    return f"{names[month.month - 1]} {year}"


def household_balance(
    summary: pd.DataFrame, *, lang: str = "th", annual: bool = True, title: str | None = None
) -> go.Figure:
    """Income, spending and net as bars: one group per household, or per month when the
    summary is monthly for one household. `annual` uses the yearly (annualised) figures."""
    monthly = "month" in summary.columns
    use_annual = annual and not monthly and "income_annual_satang" in summary.columns
    suffix = "_annual_satang" if use_annual else "_satang"
    if monthly and summary["household_id"].nunique() == 1:
        x = [_month_label(m, lang) for m in pd.to_datetime(summary["month"])]
        axis = label("เดือน", "month", lang)
    else:
        x = summary["household_id"].astype(str).tolist()
        axis = label("ครัวเรือน", "household", lang)
    fig = go.Figure()
    for key, th, en, colour in (
        ("income", "รายรับ", "income", INCOME_COLOUR),
        ("expense", "รายจ่าย", "spending", EXPENSE_COLOUR),
        ("net", "คงเหลือสุทธิ", "net", NET_COLOUR),
    ):
        satang = summary[f"{key}{suffix}"]
        fig.add_bar(
            x=x,
            y=_baht(satang),
            name=label(th, en, lang),
            marker_color=colour,
            text=[format_baht(v, lang) for v in satang],
            hovertemplate="%{x}<br>%{fullData.name}: %{text}<extra></extra>",
        )
    per = label(" (ต่อปี)", " (per year)", lang) if use_annual else ""
    fig.update_layout(
        barmode="group",
        xaxis_title=axis,
        yaxis_title=label("บาท", "baht", lang) + per,
    )
    default = label("รายรับ รายจ่าย และเงินคงเหลือ", "Income, spending and net", lang)
    return apply_style(fig, title if title is not None else default + per)


def spending_by_group(
    summary: pd.DataFrame, *, lang: str = "th", title: str | None = None
) -> go.Figure:
    """Spending per category group over the rows given (one household, a village...),
    largest first, as horizontal bars with each group's share of all spending."""
    labels = ledger.column_labels()
    columns = [c for c in summary.columns if c.startswith("spend_") and c.endswith("_satang")]
    totals = pd.Series({c: int(summary[c].sum()) for c in columns}, dtype="int64")
    totals = totals[totals != 0].sort_values()
    whole = totals[totals > 0].sum()
    names = [label(*labels[c], lang) for c in totals.index]
    fig = go.Figure(
        go.Bar(
            x=_baht(totals.to_numpy()),
            y=names,
            orientation="h",
            marker_color=EXPENSE_COLOUR,
            text=[
                f"{format_baht(v, lang)} ({format_percent(v / whole if whole else np.nan)})"
                for v in totals
            ],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(xaxis_title=label("บาท", "baht", lang))
    default = label("รายจ่ายตามหมวด", "Spending by group", lang)
    return apply_style(fig, title if title is not None else default)


def opportunity_ranking(
    opportunities: pd.DataFrame,
    *,
    kind: str = "substitutable",
    unit: str | None = None,
    top: int = 10,
    lang: str = "th",
    title: str | None = None,
) -> go.Figure:
    """The unit's categories of one `kind` by yearly outflow, largest on top: the list a
    learning circle turns into master-plan items ("we spend ... a year on fertiliser")."""
    rows = opportunities.loc[opportunities["kind"] == kind]
    if unit is not None:
        rows = rows.loc[rows["unit_code"] == unit]
    elif rows["unit_code"].nunique() > 1:
        raise ValueError("opportunities of several units: choose one with unit=")
    rows = rows.sort_values("rank").head(top).iloc[::-1]
    names = rows["name_th" if lang == "th" else "name_en"].astype(str).tolist()
    per_buyer = label("เฉลี่ยต่อครัวเรือนที่ซื้อ", "average per buying household", lang)
    buyers = label("ครัวเรือนที่ซื้อ", "households buying", lang)
    colour = PALETTE[2] if kind == "substitutable" else EXPENSE_COLOUR
    fig = go.Figure(
        go.Bar(
            x=_baht(rows["yearly_satang"]),
            y=names,
            orientation="h",
            marker_color=colour,
            text=[format_baht(v, lang) for v in rows["yearly_satang"]],
            textposition="auto",
            customdata=np.column_stack(
                [
                    rows["households_buying"].to_numpy(),
                    [format_baht(v, lang) for v in rows["average_per_buyer_satang"]],
                    [format_percent(v, 1) for v in rows["share_of_spending"]],
                ]
            )
            if len(rows)
            else None,
            hovertemplate=(
                "%{y}: %{text}<br>"
                + buyers
                + ": %{customdata[0]}<br>"
                + per_buyer
                + ": %{customdata[1]}<br>%{customdata[2]}<extra></extra>"
            ),
        )
    )
    kind_name = potential.OPPORTUNITY_KINDS[kind][0 if lang == "th" else 1]
    fig.update_layout(xaxis_title=label("บาทต่อปี", "baht per year", lang))
    return apply_style(fig, title if title is not None else kind_name)


def potential_levels(
    assessed: pd.DataFrame,
    *,
    parameters: object = None,
    lang: str = "th",
    title: str | None = None,
) -> go.Figure:
    """How many households stand on each potential level, top level first; takes
    `assess_households` output (one row per household) or one `rollup` row."""
    pp = potential.read_parameters(parameters)
    levels = [*pp.levels, pp.not_assessed]
    if "level" in assessed.columns and "household_id" in assessed.columns:
        counts = assessed["level"].value_counts()
        values = [int(counts.get(lv.code, 0)) for lv in levels]
    else:
        if len(assessed) != 1:
            raise ValueError("give one roll-up row (one unit)")
        row = assessed.iloc[0]
        values = [int(row[f"households_{lv.code}"]) for lv in levels]
    colours = [*LEVEL_COLOURS[: len(pp.levels)], NOT_ASSESSED_COLOUR]
    fig = go.Figure(
        go.Bar(
            x=[lv.name(lang) for lv in levels],
            y=values,
            marker_color=colours,
            text=values,
            textposition="auto",
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    fig.update_layout(yaxis_title=label("ครัวเรือน", "households", lang))
    default = label("ระดับศักยภาพครัวเรือน", "Household potential levels", lang)
    return apply_style(fig, title if title is not None else default)


def hierarchy_view(
    rollups: pd.DataFrame,
    measure: str = "coverage",
    *,
    size: str = "households_recording",
    chart: str = "sunburst",
    lang: str = "th",
    title: str | None = None,
) -> go.Figure:
    """Province → district → sub-district → village, sized by `size` and coloured by any
    roll-up `measure`; takes `potential.rollup(dataset, level="all")`."""
    if chart not in ("sunburst", "treemap"):
        raise ValueError("chart must be 'sunburst' or 'treemap'")
    r = rollups.drop_duplicates("unit_code")
    name = r["name_th"] if lang == "th" else r["name_en"].fillna(r["name_th"])
    names = name.fillna(r["unit_code"]).astype(str).tolist()
    codes = set(r["unit_code"])
    parents = [p if isinstance(p, str) and p in codes else "" for p in r["parent_code"]]
    colour = r[measure].to_numpy(dtype=float, na_value=np.nan)
    labels = potential.column_labels()
    measure_name = label(*labels.get(measure, (measure, measure)), lang)
    if measure.endswith("_satang"):
        shown = [format_baht(v, lang) if not np.isnan(v) else "–" for v in colour]
        colour = colour / 100
    elif "share" in measure or measure == "coverage":
        shown = [format_percent(v, 1) for v in colour]
    else:
        shown = [f"{v:,.2f}" if not np.isnan(v) else "–" for v in colour]
    trace = go.Sunburst if chart == "sunburst" else go.Treemap
    fig = go.Figure(
        trace(
            ids=r["unit_code"].astype(str).tolist(),
            labels=names,
            parents=parents,
            values=r[size].to_numpy(dtype=float, na_value=0),
            branchvalues="total",
            marker={
                "colors": colour,
                "colorscale": "Viridis",
                "showscale": True,
                "colorbar": {"title": {"text": measure_name}},
            },
            customdata=shown,
            hovertemplate="%{label}<br>" + measure_name + ": %{customdata}<extra></extra>",
        )
    )
    default = label("ภาพรวมจังหวัด", "Province overview", lang) + f": {measure_name}"
    return apply_style(fig, title if title is not None else default)
