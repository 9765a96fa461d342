"""The look every chart shares: Thai fonts, large readable type, colour-blind-safe colours."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

#: Thai-capable fonts, best first; the browser takes the first one installed.
THAI_FONT_STACK = (
    "'Sarabun', 'TH Sarabun New', 'Noto Sans Thai', 'Loma', 'Garuda', 'Norasi', "
    "'Tahoma', 'Leelawadee UI', sans-serif"
)

#: Okabe-Ito, safe for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

#: Grade colours (blue / yellow / vermilion): told apart by colour-blind readers;
#: the letter is always printed on top as well.
GRADE_COLOURS = {"A": "#0072B2", "B": "#E69F00", "C": "#D55E00", None: "#BBBBBB"}

INCOME_COLOUR, EXPENSE_COLOUR, NET_COLOUR = "#009E73", "#D55E00", "#0072B2"


def apply_style(fig: go.Figure, title: str | None = None, *, font_size: int = 16) -> go.Figure:
    """Give a figure the shared Thai-first look (fonts, palette, white background)."""
    fig.update_layout(
        font={"family": THAI_FONT_STACK, "size": font_size},
        colorway=list(PALETTE),
        template="plotly_white",
        margin={"l": 40, "r": 20, "t": 60 if title else 20, "b": 40},
        hoverlabel={"font": {"family": THAI_FONT_STACK}},
    )
    if title is not None:
        fig.update_layout(title={"text": title, "x": 0.01})
    return fig


def label(th: str, en: str, lang: str = "th") -> str:
    """The label in the chosen language (Thai by default)."""
    return en if lang == "en" else th


#: The trace attributes that hold what a chart draws (labels only when nothing else does).
_DATA_KEYS = ("x", "y", "z", "values", "r", "locations", "lat", "lon")


def _missing(value: Any) -> bool:
    import math

    return value is None or (isinstance(value, float) and math.isnan(value))


def drawable(fig: Any) -> bool:
    """Whether a plotly figure has anything to draw: a trace with at least one point whose
    values are all present. A figure without (empty axes) must be replaced by words."""
    for trace in getattr(fig, "data", ()):
        arrays = [
            list(v)
            for key in _DATA_KEYS
            if key in trace and (v := getattr(trace, key, None)) is not None
        ]
        if not arrays and "labels" in trace and getattr(trace, "labels", None) is not None:
            arrays = [list(trace.labels)]
        for i in range(max((len(a) for a in arrays), default=0)):
            if all(i < len(a) and not _missing(a[i]) for a in arrays):
                return True
    return False
