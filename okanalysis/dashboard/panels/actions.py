"""The circle's action plan on the circle screen: the actions the previous circle agreed (and
older ones still open) with their state, shown before the grades; the actions this circle
agreed, after them; and what an action may address (the village's master-plan items and the
money leaving it)."""

from __future__ import annotations

import pandas as pd

from okanalysis.circles import action_plan as plan
from okanalysis.core import thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS
from okanalysis.core.errors import NothingToShow
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import esc, note, num, t, table

#: How an "addresses" choice names a master-plan item or a money-leaving category.
PLAN_PREFIX, MONEY_PREFIX = "plan:", "money:"


def component_number(code: object) -> str:
    """A component's number (1-5) as the form and the scorecard show it."""
    return str(COMPONENT_CODES.index(code) + 1) if code in COMPONENT_CODES else "–"


def state_html(row: pd.Series, lang: str = "th", *, as_of: object = None) -> str:
    """An action's state in words (with what the circle said), marked overdue when it is still
    open at the date of the circle viewed (`as_of`)."""
    state = str(row["state"])
    text = esc(plan.word(plan.ACTION_STATES, state, lang))
    late = as_of is not None and bool(plan.overdue(row.to_frame().T, as_of).iloc[0])
    if late:
        text += f' <span class="okd-conflict okd-overdue">⚠ {esc(t("overdue", lang))}</span>'
    said = row.get("state_sentence") or ""
    if said:
        when = row.get("state_date")
        day = f" ({thai.format_date(pd.Timestamp(when), lang)})" if pd.notna(when) else ""
        text += f'<br><span class="okd-muted">{esc(said)}{esc(day)}</span>'
    return f'<span class="okd-action-state-{esc(state)}">{text}</span>'


def actions_rows(found: pd.DataFrame, lang: str = "th", *, as_of: object = None) -> str:
    """Actions as a table: component, what, who leads, when, cost, households, state. Every
    text people typed is escaped; each row names its action (`data-action`, the UUID)."""
    i = 1 if lang == "en" else 0
    headers = [
        "#",
        t("action_what", lang),
        t("action_lead", lang),
        t("action_when", lang),
        t("cost", lang),
        t("action_households", lang),
        t("action_state", lang),
    ]
    rows, attrs = [], []
    for _, r in found.iterrows():
        title = COMPONENTS[r["component"]][i] if r["component"] in COMPONENTS else r["component"]
        rows.append(
            [
                f'<span title="{esc(title)}">{component_number(r["component"])}</span>',
                esc(r["what"]),
                esc(plan.lead_text(r["lead_role"], r["lead_name"], lang)),
                esc(plan.when_text(r["start_date"], r["end_date"], lang)),
                esc(
                    thai.format_baht(
                        int(r["cost_satang"]),
                        lang,
                        decimals=0 if int(r["cost_satang"]) % 100 == 0 else 2,
                    )
                ),
                num(r["households"]),
                state_html(r, lang, as_of=as_of),
            ]
        )
        attrs.append(f' data-action="{esc(r["uuid"])}" data-state="{esc(r["state"])}"')
    return table(headers, rows, cls="okd-actions", row_attrs=attrs)


def previous_actions_html(
    found: pd.DataFrame, lang: str = "th", *, previous: str | None, as_of: object = None
) -> str:
    """What the circle goes over before grading: the previous circle's actions and the older
    ones still open (`action_plan.previous_actions`), or a note that there are none."""
    title = t("previous_actions", lang, round=previous or "–")
    head = f'<h2 class="okd-h2">{esc(title)}</h2>'
    if found.empty:
        return head + note(esc(t("no_previous_actions", lang)))
    return (
        head + f'<div class="okd-actions-previous">{actions_rows(found, lang, as_of=as_of)}</div>'
    )


def round_actions_html(found: pd.DataFrame, lang: str = "th", *, round: str) -> str:
    """The actions this circle agreed in its round."""
    head = f'<h2 class="okd-h2">{esc(t("round_actions", lang, round=round or "–"))}</h2>'
    if found.empty:
        return head + note(esc(t("no_round_actions", lang)))
    return head + f'<div class="okd-actions-round">{actions_rows(found, lang)}</div>'


def addresses_options(data: CircleData, code: str, lang: str = "th") -> list[tuple[str, str]]:
    """What an action of the village may address: none, one of its master-plan items, or one of
    the goods money leaves it for (`potential.opportunities`), as (label, value) pairs."""
    options = [(t("addresses_none", lang), "")]
    district = data.of(code)
    try:
        items = district.plan_items
        items = items.loc[items["unit_code"] == code]
        options += [
            (f"{t('addresses_plan', lang)}: {r['title']}", f"{PLAN_PREFIX}{r['item_id']}")
            for _, r in items.iterrows()
        ]
    except NothingToShow:
        pass
    try:
        money = district.opportunities
        money = money.loc[money["unit_code"] == code]
        name = "name_en" if lang == "en" else "name_th"
        options += [
            (f"{t('addresses_money', lang)}: {r[name]}", f"{MONEY_PREFIX}{r['category']}")
            for _, r in money.drop_duplicates("category").iterrows()
        ]
    except NothingToShow:
        pass
    return options
