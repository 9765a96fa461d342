"""The one HTML/CSS kit of the reports and the dashboards: the same cards, tables, grade
badges and message boxes, the same Thai font stack and colour-blind-safe grade colours, sized
for an A4 page (`prefix="ok"`, 16 px) or a projector (`prefix="okd"`, 24 px).

Everything people typed goes through `esc`: text stays text, never markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from okanalysis.charts.style import GRADE_COLOURS, THAI_FONT_STACK
from okanalysis.core.components import GRADES

#: The letter's colour on each grade's background (contrast on the colour-blind-safe palette).
GRADE_TEXT = {"A": "#FFFFFF", "B": "#000000", "C": "#000000"}
#: Message kinds: information, done, a warning (nothing to show) and a fault.
NOTE_COLOURS = {
    "info": ("#0072B2", "#eef5fb"),
    "ok": ("#009E73", "#e8f7f1"),
    "warn": ("#E69F00", "#fdf5e4"),
    "error": ("#D55E00", "#fbece5"),
}


def esc(value: object) -> str:
    """`value` as HTML text (None as empty): what people typed never becomes markup."""
    return "" if value is None else html.escape(str(value))


def cards(items: Sequence[tuple[str, str]], *, prefix: str = "ok", escape: bool = True) -> str:
    """Headline figures as a row of cards: (label, value) pairs; `escape=False` when the values
    are already HTML made by the caller from escaped parts."""
    cells = "".join(
        f'<div class="{prefix}-card"><div class="{prefix}-card-value">'
        f"{esc(value) if escape else value}</div>"
        f'<div class="{prefix}-card-label">{esc(label)}</div></div>'
        for label, value in items
    )
    return f'<div class="{prefix}-cards">{cells}</div>'


def grade_badge(grade: object, *, prefix: str = "ok", small: bool = False, title: str = "") -> str:
    """A grade as a coloured box with its letter printed (colour is never the only sign); a
    dash in a plain box without one."""
    size = f" {prefix}-small" if small else ""
    tip = f' title="{esc(title)}"' if title else ""
    if grade in GRADES:
        return (
            f'<span class="{prefix}-grade {prefix}-grade-{grade}{size}"{tip} '
            f'style="background:{GRADE_COLOURS[grade]};color:{GRADE_TEXT[grade]}">{grade}</span>'
        )
    return f'<span class="{prefix}-grade {prefix}-grade-none{size}"{tip}>–</span>'


def note(body: str, *, prefix: str = "ok", kind: str = "info") -> str:
    """A message box (`kind` info, ok, warn or error) around HTML made from escaped parts."""
    return f'<div class="{prefix}-note {prefix}-note-{kind}">{body}</div>'


def two_languages(first: str, second: str) -> str:
    """The reader's language first and strong, the other beneath (both escaped)."""
    return f"<strong>{esc(first)}</strong><br><span>{esc(second)}</span>"


def component_css(prefix: str = "ok", *, size: int = 16, projector: bool = False) -> str:
    """The style of the shared pieces (cards, tables, grade badges, message boxes), for text of
    `size` px; `projector` draws stronger lines for a projected screen."""
    line = "2px solid #222" if projector else "1px solid #d0d0d0"
    rule = "1px solid #555" if projector else "1px solid #d0d0d0"
    notes = "\n".join(
        f".{prefix}-note-{kind} {{ border-color: {edge}; background: {fill}; }}"
        for kind, (edge, fill) in NOTE_COLOURS.items()
    )
    return f"""
.{prefix}-cards {{ display: flex; flex-wrap: wrap; gap: .5em; margin: .6em 0; }}
.{prefix}-card {{ flex: 1 1 11em; border: {line}; border-radius: 6px; padding: .3em .6em; }}
.{prefix}-card-value {{ font-size: 1.3em; font-weight: 700; line-height: 1.3; }}
.{prefix}-card-value small {{ font-size: .8em; font-weight: 400; }}
.{prefix}-card-label {{ color: #333; line-height: 1.25; }}
table.{prefix}-table {{ border-collapse: collapse; margin: .5em 0 1em; font-size: {size}px; }}
.{prefix}-table th, .{prefix}-table td {{ border-bottom: {rule}; padding: .25em .5em;
  text-align: left; vertical-align: top; }}
.{prefix}-table th {{ background: #eef1f4; }}
.{prefix}-table th.num, .{prefix}-table td.num {{ text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; }}
.{prefix}-grade {{ display: inline-block; min-width: 1.6em; text-align: center; font-weight: 700;
  border-radius: 4px; padding: 0 .25em; border: {"2px" if projector else "1px"} solid #000; }}
.{prefix}-grade.{prefix}-small {{ font-size: .8em; min-width: 1.3em; }}
.{prefix}-grade-none {{ background: #fff; color: #000; }}
.{prefix}-note {{ padding: .4em .7em; margin: .5em 0; border-left: {"8px" if projector else "5px"} solid; }}
.{prefix}-note span {{ color: #444; }}
{notes}
"""


def font_css(selector: str, *, size: int, line_height: float) -> str:
    """The Thai font stack and text size for everything under `selector`."""
    return (
        f"{selector} {{ font-family: {THAI_FONT_STACK}; font-size: {size}px; "
        f"line-height: {line_height}; color: #1b1b1b; }}"
    )
