"""The five components: the computed grade with its evidence sentence (and, below A, up to
three next steps that would lift it), and the agreed grade in force."""

from __future__ import annotations

import pandas as pd

from okanalysis.core.components import COMPONENT_CODES, COMPONENTS
from okanalysis.dashboard.data import NO_DATA, CircleData
from okanalysis.dashboard.kit import esc, grade_badge, missing, state_badge, t, table


def component_cell(graded: pd.DataFrame, component: str, lang: str) -> tuple[str, str]:
    """(badge, evidence sentence) of one component of a unit's computed grades."""
    if component in graded.index and not missing(graded.at[component, "state"]):
        g = graded.loc[component]
        badge = grade_badge(g["grade"]) if g["state"] == "graded" else state_badge(g["state"], lang)
        return badge, esc(g[f"evidence_{lang}"])
    return state_badge(NO_DATA, lang), ""


def steps_html(steps: pd.DataFrame, component: str, lang: str) -> str:
    """Up to three next steps of one component below A (`CircleData.next_steps`), escaped;
    "" without any."""
    rows = steps.loc[steps["component"] == component].head(3)
    if rows.empty:
        return ""
    said = "".join(f"<li>{esc(s)}</li>" for s in rows[f"says_{lang}"])
    head = esc(t("next_steps", lang, grade=rows["next_grade"].iloc[0]))
    return f'<div class="okd-steps"><strong>{head}</strong><ul>{said}</ul></div>'


def components_html(
    data: CircleData, code: str, lang: str = "th", agreed: pd.Series | None = None
) -> str:
    """The five components: computed grade with its evidence sentence, and the agreed grade."""
    grades = data.grades(code)
    graded = grades.for_unit(code)
    steps = data.next_steps(code)
    rows = []
    for c in COMPONENT_CODES:
        badge, evidence = component_cell(graded, c, lang)
        if graded.at[c, "grade"] in ("B", "C"):
            evidence += steps_html(steps, c, lang)
        agreed_grade = agreed.get(f"{c}_agreed") if agreed is not None else None
        rows.append([esc(COMPONENTS[c][1 if lang == "en" else 0]), badge, evidence,
                     grade_badge(agreed_grade)])  # fmt: skip
    headers = [
        t("component", lang),
        t("computed_grade", lang),
        t("evidence", lang),
        t("latest_agreed", lang),
    ]
    overall, state = grades.overall_of(code)
    badge = grade_badge(overall) if state == "graded" else state_badge(state, lang)
    return (
        table(headers, rows, cls="okd-components")
        + f'<div class="okd-overall">{esc(t("overall", lang))}: {badge} '
        f'<span class="okd-muted">{esc(grades.why(code, lang))}</span></div>'
    )
