"""The village at a glance: its own words first (what "organic community, live well, be happy"
means to the village and its sub-district), then households, accounts, money leaving, computed
and agreed grade."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from okanalysis.core.errors import NothingToShow
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import (
    baht,
    cards,
    esc,
    grade_badge,
    note,
    num,
    pct,
    suppressed_note,
    t,
)
from okanalysis.topics import privacy


def opportunity_total(data: CircleData, code: str, kind: str) -> int | None:
    """The village's yearly money leaving of one kind (None when withheld or not recorded)."""
    try:
        opp = data.of(code).opportunities
    except NothingToShow:
        return None
    rows = opp.loc[(opp["unit_code"] == code) & (opp["kind"] == kind)]
    if rows.empty or rows[privacy.SUPPRESSED].all():
        return None
    return int(rows["yearly_satang"].dropna().astype("int64").sum())


def computed_overall(data: CircleData, code: str) -> str | None:
    """The unit's computed overall grade (None when the build had nothing to grade)."""
    try:
        return data.grades(code).overall_of(code)[0]
    except NothingToShow:
        return None


def input_words(data: CircleData, code: str) -> str | None:
    """The unit's statement in the data sent in (the VISIONS result table), else None."""
    try:
        found = data.of(code).visions
    except NothingToShow:
        return None
    if code not in found.index:
        return None
    text = found.at[code, "statement"]
    return str(text) if isinstance(text, str) and text.strip() else None


def words_html(
    data: CircleData, code: str, lang: str = "th", circle: Mapping[str, str] | None = None
) -> str:
    """The village's own statement and its sub-district's, each in a quote box: the circle
    store's latest (`circle`, by unit code) if any, else the data's; escaped, never markup."""
    circle = circle or {}
    village = data.village(code)
    tambon = str(village.get("tambon_code", code[:6]))
    parts = []
    for unit, key in ((code, "our_words"), (tambon, "tambon_words")):
        text, source = circle.get(unit), "vision_from_circle"
        if not text:
            text, source = input_words(data, unit), "vision_from_data"
        if text:
            parts.append(
                f'<blockquote class="okd-vision" style="margin:0 0 8px 0;padding:6px 12px;'
                f'border-left:4px solid #6a8f3a;background:#f4f8ee;white-space:pre-wrap">'
                f"{esc(text)}<br><small>— {esc(t(key, lang))} · {esc(t(source, lang))}</small>"
                "</blockquote>"
            )
        elif key == "our_words":
            parts.append(note(esc(t("no_vision", lang))))
    return f'<div class="okd-words">{"".join(parts)}</div>'


def glance_html(
    data: CircleData,
    code: str,
    lang: str = "th",
    agreed: pd.Series | None = None,
    words: Mapping[str, str] | None = None,
) -> str:
    """The village at a glance: its own words (`words`: the circle store's statements in force
    by unit code, see `data.circle_words`), households, accounts, money leaving, grades."""
    r = data.village(code)
    rollup = data.of(code).rollup
    roll = rollup.loc[code] if code in rollup.index else None
    items = [
        (
            t("households", lang),
            f"{num(r['households'])} <small>· {num(r.get('population'))}"
            f" {esc(t('people', lang))}</small>",
        ),
    ]
    warn = ""
    if roll is not None and not bool(roll[privacy.SUPPRESSED]):
        items += [
            (
                t("recording", lang),
                f"{num(roll['households_recording'])} <small>({pct(roll['coverage'])}"
                f" {esc(t('coverage', lang))})</small>",
            ),
            (
                t("median_income_member", lang),
                baht(roll["median_income_per_member_month_satang"], lang),
            ),
            (t("net_year", lang), baht(roll["net_annual_satang"], lang)),
            (
                t("substitutable_year", lang),
                baht(opportunity_total(data, code, "substitutable"), lang),
            ),
            (t("avoidable_year", lang), baht(opportunity_total(data, code, "avoidable"), lang)),
        ]
    elif roll is not None:
        warn = suppressed_note(data.min_group, lang)
    else:
        warn = note(esc(t("no_ledger", lang)))
    agreed_grade = agreed["overall"] if agreed is not None else None
    items.append(
        (
            f"{t('computed_grade', lang)} → {t('latest_agreed', lang)}",
            f"{grade_badge(computed_overall(data, code))} → {grade_badge(agreed_grade)}",
        )
    )
    year = f"{t('fiscal_year', lang)} {data.year}" if data.year else ""
    return (
        f'<div class="okd-panel-text">{words_html(data, code, lang, words)}{cards(items)}{warn}'
        f'<div class="okd-muted">{esc(year)}</div></div>'
    )
