"""The circle's action plan in the scoring form.

Before the grades, the actions the previous circle agreed for the village (and older ones still
open), each open one with a way to say what happened: done, in progress or dropped, with a
sentence (`mark_action`). After the grades, the circle records its own actions
(`save_action_form`). Every value from the page is checked here for type, choice and length,
then by `action_plan.check_action` / `check_action_update`; the village, the action being
marked and the master-plan items and money-leaving categories it may address come from the
server's own state, never from the page.

Widgets carry stable class names for tests and styles: `okd-action-previous` (the table
before the grades), `okd-action-row` and `okd-action-<uuid>` (an open action's row),
`okd-action-state`, `okd-action-sentence`, `okd-action-mark` (its state buttons, sentence and
save button), `okd-action-mark-message`; after the grades `okd-action-component`,
`okd-action-what`, `okd-action-addresses`, `okd-action-lead`, `okd-action-lead-name`,
`okd-action-start`, `okd-action-end`, `okd-action-cost`, `okd-action-households`,
`okd-action-save`, `okd-action-message` and `okd-action-list` (this round's actions).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from okanalysis.circles import action_plan as plan
from okanalysis.circles import store as circles
from okanalysis.core import thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS
from okanalysis.core.errors import OkanalysisError
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import (
    MAX_SHORT_TEXT,
    MAX_TEXT,
    esc,
    html_box,
    note,
    problem_text,
    t,
)
from okanalysis.dashboard.panels import actions as panel


@dataclass
class ActionValues:
    """The raw values of the new-action fields as the widgets hold them (untrusted)."""

    component: object = None
    what: object = ""
    addresses: object = ""
    lead_role: object = None
    lead_name: object = ""
    start: object = None
    end: object = None
    cost: object = ""
    households: object = 0


def _text(value: object, column: str, limit: int, problems: list[OkanalysisError]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        problems.append(
            OkanalysisError(
                f"ต้องเป็นข้อความไม่เกิน {limit:,} ตัวอักษร",
                f"must be text of at most {limit:,} characters",
                column=column,
                value=str(value)[:20] if isinstance(value, str) else type(value).__name__,
            )
        )
        return ""
    return value.strip()


def _day(value: object, column: str, problems: list[OkanalysisError]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    problems.append(
        OkanalysisError(
            "เลือกวันที่จากปฏิทิน",
            "pick the date from the calendar",
            column=column,
            value=str(value)[:20],
        )
    )
    return None


def _whole(value: object, column: str, problems: list[OkanalysisError]) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        problems.append(
            OkanalysisError(
                "ต้องเป็นจำนวนเต็ม", "must be a whole number", column=column, value=str(value)[:20]
            )
        )
        return 0
    return int(value)


def _addressable(data: CircleData, code: str) -> tuple[set[str], set[str]]:
    """The village's master-plan item ids and money-leaving categories (from the results)."""
    values = [v for _, v in panel.addresses_options(data, code)]
    items = {v[len(panel.PLAN_PREFIX) :] for v in values if v.startswith(panel.PLAN_PREFIX)}
    money = {v[len(panel.MONEY_PREFIX) :] for v in values if v.startswith(panel.MONEY_PREFIX)}
    return items, money


def _unknown(data: CircleData, unit_code: object) -> OkanalysisError | None:
    if data.known(unit_code) and not data.outside_pack(unit_code):
        return None
    key, values = "unknown_village", {}
    if data.outside_pack(unit_code):
        key, values = "outside_pack", {"code": str(unit_code)[:20], "district": data.pack_district}
    return OkanalysisError(
        t(key, "th", **values),
        t(key, "en", **values),
        column="unit_code",
        value=str(unit_code)[:20],
    )


def action_from_form(
    values: ActionValues,
    *,
    data: CircleData,
    unit_code: object,
    round: object,
    date: object,
    facilitator: object = "",
) -> tuple[plan.Action | None, list[OkanalysisError]]:
    """Check the new-action fields (and the round, date and facilitator of the form above)
    and build the action to save: (action, []) or (None, problems)."""
    problems: list[OkanalysisError] = []
    unknown = _unknown(data, unit_code)
    if unknown is not None:
        return None, [unknown]
    code = str(unit_code)
    addresses = _text(values.addresses, "addresses", MAX_SHORT_TEXT, problems)
    items, money = _addressable(data, code)
    plan_item = opportunity = None
    if addresses.startswith(panel.PLAN_PREFIX):
        plan_item = addresses[len(panel.PLAN_PREFIX) :]
    elif addresses.startswith(panel.MONEY_PREFIX):
        opportunity = addresses[len(panel.MONEY_PREFIX) :]
    elif addresses:
        problems.append(
            OkanalysisError(
                "เลือกจากรายการ", "choose from the list", column="addresses", value=addresses[:20]
            )
        )
    cost = _text(values.cost, "cost", MAX_SHORT_TEXT, problems)  # baht as typed, never a number
    action = plan.Action(
        unit_code=code,
        round=_text(round, "round", MAX_SHORT_TEXT, problems),
        date=_day(date, "date", problems) or "",
        component=values.component
        if values.component in COMPONENTS
        else str(values.component)[:20],
        what=_text(values.what, "what", MAX_TEXT, problems),
        lead_role=values.lead_role
        if values.lead_role in plan.LEAD_ROLES
        else str(values.lead_role)[:20],
        start=_day(values.start, "start_date", problems) or "",
        end=_day(values.end, "end_date", problems) or "",
        cost=cost,
        households=_whole(values.households, "households", problems),
        lead_name=_text(values.lead_name, "lead_name", MAX_SHORT_TEXT, problems),
        plan_item=plan_item,
        opportunity=opportunity,
        facilitator=_text(facilitator, "facilitator", MAX_SHORT_TEXT, problems),
    )
    known = {e.column for e in problems}
    problems += [
        e
        for e in plan.check_action(action, plan_items=items, opportunities=money)
        if e.column not in known
    ]
    return (None, problems) if problems else (action, [])


def _refused(problems: list[OkanalysisError], lang: str) -> str:
    items = "".join(f"<li>{esc(problem_text(p, lang))}</li>" for p in problems)
    return note(f"{esc(t('not_saved', lang))}<ul>{items}</ul>", "error")


def save_action_form(
    values: ActionValues,
    *,
    data: CircleData,
    unit_code: object,
    round: object,
    date: object,
    facilitator: object = "",
    store: Path,
    lang: str = "th",
) -> tuple[int | None, str]:
    """Check and save a new action; (its id, confirmation) or (None, the problems). Nothing
    is written unless every check passes."""
    action, problems = action_from_form(
        values, data=data, unit_code=unit_code, round=round, date=date, facilitator=facilitator
    )
    if action is None:
        return None, _refused(problems, lang)
    try:
        with circles.open_store(store, create=True) as st:
            entry = plan.save_action(st, action)
    except OkanalysisError as e:
        return None, _refused([e], lang)
    what = action.what if len(action.what) <= 80 else action.what[:79] + "…"
    return entry, note(esc(t("action_saved", lang, id=entry, what=what)), "ok")


def mark_action(
    *,
    data: CircleData,
    unit_code: object,
    action: str,
    state: object,
    sentence: object,
    round: object,
    date: object,
    facilitator: object = "",
    store: Path,
    lang: str = "th",
) -> tuple[int | None, str]:
    """Save what this circle said happened to one of the village's actions (`action`, its UUID,
    from the server's own state): (the update's id, confirmation) or (None, the problems)."""
    problems: list[OkanalysisError] = []
    unknown = _unknown(data, unit_code)
    if unknown is not None:
        return None, _refused([unknown], lang)
    sentence_ = _text(sentence, "sentence", MAX_TEXT, problems)
    round_ = _text(round, "round", MAX_SHORT_TEXT, problems)
    day = _day(date, "date", problems)
    facilitator_ = _text(facilitator, "facilitator", MAX_SHORT_TEXT, problems)
    state_ = state if state in plan.UPDATE_STATES else str(state)[:20]
    known = {e.column for e in problems}
    problems += [
        e
        for e in plan.check_action_update(
            state_, sentence_, date=day or "", round=round_, facilitator=facilitator_
        )[1]
        if e.column not in known
    ]
    if problems:
        return None, _refused(problems, lang)
    try:
        with circles.open_store(store) as st:
            found = plan.actions(st, str(unit_code))
            row = found.loc[found["uuid"] == action]
            if row.empty:
                raise OkanalysisError(
                    "ไม่พบกิจกรรมนี้ของหมู่บ้านนี้",
                    "no such action of this village",
                    column="action_uuid",
                    value=str(action)[:40],
                )
            entry = plan.save_action_update(
                st, action, str(state_), sentence_, date=day, round=round_, facilitator=facilitator_
            )
    except OkanalysisError as e:
        return None, _refused([e], lang)
    what = str(row["what"].iloc[0])
    what = what if len(what) <= 80 else what[:79] + "…"
    said = plan.word(plan.ACTION_STATES, state_, lang)
    return entry, note(esc(t("action_marked", lang, what=what, state=said)), "ok")


class ActionForm:
    """The action plan inside the scoring form: `previous_root` (before the grades) and
    `plan_root` (after them). `scoring` is the `form.ScoringForm` whose round, date and
    facilitator these entries share."""

    def __init__(self, app: Any, scoring: Any) -> None:
        import ipywidgets as w

        self.app = app
        self.scoring = scoring
        L = app.lang
        self.previous = html_box()
        self.marks = w.VBox([])
        self.mark_message = html_box()
        self.previous_root = w.VBox([self.previous, self.marks, self.mark_message])
        self.heading = html_box()
        self.component = w.Dropdown(options=self._component_options(), value=None)
        self.what = w.Textarea(layout=w.Layout(width="100%", height="64px"))
        self.addresses = w.Dropdown(options=[(t("addresses_none", L), "")], value="")
        self.lead = w.Dropdown(options=self._lead_options(), value=None)
        self.lead_name = w.Text()
        self.start = w.DatePicker()
        self.end = w.DatePicker()
        self.when_be = html_box()
        self.cost = w.Text()
        self.households = w.IntText(value=0, layout=w.Layout(width="160px"))
        self.save = w.Button(button_style="primary", layout=w.Layout(width="auto", height="56px"))
        self.message = html_box()
        self.listing = html_box()
        for box in (
            self.component,
            self.addresses,
            self.lead,
            self.lead_name,
            self.start,
            self.end,
            self.cost,
            self.households,
        ):
            box.style = {"description_width": "initial"}
        for box in (self.component, self.addresses, self.lead, self.lead_name, self.cost):
            box.layout = w.Layout(width="auto", min_width="420px")
        self.plan_root = w.VBox(
            [
                self.heading,
                w.HBox([self.component, self.addresses], layout=w.Layout(flex_flow="row wrap")),
                self.what,
                w.HBox([self.lead, self.lead_name], layout=w.Layout(flex_flow="row wrap")),
                w.HBox(
                    [self.start, self.end, self.when_be],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                ),
                w.HBox([self.cost, self.households], layout=w.Layout(flex_flow="row wrap")),
                self.save,
                self.message,
                self.listing,
            ]
        )
        self.previous_root.add_class("okd-action-before")
        self.plan_root.add_class("okd-action-plan")
        named = {
            "okd-action-previous": self.previous,
            "okd-action-mark-message": self.mark_message,
            "okd-action-component": self.component,
            "okd-action-what": self.what,
            "okd-action-addresses": self.addresses,
            "okd-action-lead": self.lead,
            "okd-action-lead-name": self.lead_name,
            "okd-action-start": self.start,
            "okd-action-end": self.end,
            "okd-action-cost": self.cost,
            "okd-action-households": self.households,
            "okd-action-save": self.save,
            "okd-action-message": self.message,
            "okd-action-list": self.listing,
        }
        for name, widget in named.items():
            widget.add_class(name)
        self.save.on_click(app.guard(lambda _: self.submit()))
        for picker in (self.start, self.end):
            picker.observe(app.guard(lambda _: self._show_dates()), "value")
        self.relabel()

    # --- labels ---------------------------------------------------------------------------------
    def _component_options(self) -> list[tuple[str, str]]:
        i = 1 if self.app.lang == "en" else 0
        return [(f"{n}. {COMPONENTS[c][i]}", c) for n, c in enumerate(COMPONENT_CODES, 1)]

    def _lead_options(self) -> list[tuple[str, str]]:
        return [(plan.word(plan.LEAD_ROLES, r, self.app.lang), r) for r in plan.LEAD_ROLES]

    def relabel(self) -> None:
        L = self.app.lang
        keep = (self.component.value, self.lead.value)
        self.component.options = self._component_options()
        self.lead.options = self._lead_options()
        self.component.value, self.lead.value = keep
        self.heading.value = f'<h2 class="okd-h2">{esc(t("action_plan", L))}</h2>'
        self.component.description = t("action_component", L)
        self.what.placeholder = t("action_what_hint", L)
        self.addresses.description = t("action_addresses", L)
        self.lead.description = t("action_lead", L)
        self.lead_name.description = t("action_lead_name", L)
        self.start.description = t("action_start", L)
        self.end.description = t("action_end", L)
        self.cost.description = t("action_cost", L)
        self.cost.placeholder = t("action_cost_hint", L)
        self.households.description = t("action_households", L)
        self.save.description = t("action_save", L)
        self._show_dates()

    def _show_dates(self) -> None:
        """The planned dates as Thai readers write them (Buddhist era), beside the pickers."""
        days = [d for d in (self.start.value, self.end.value) if isinstance(d, dt.date)]
        shown = " – ".join(thai.format_date(d, self.app.lang, long=True) for d in days)
        self.when_be.value = f"&nbsp;= {esc(shown)}&nbsp;" if shown else ""

    # --- a village, a round ---------------------------------------------------------------------
    def load(self, code: str) -> None:
        """A new village: its own master-plan items and money-leaving goods to address, empty
        fields, and its actions."""
        self.addresses.options = panel.addresses_options(self.app.data, code, self.app.lang)
        self.addresses.value = ""
        self.component.value = None
        self.lead.value = None
        self.what.value = ""
        self.lead_name.value = ""
        self.cost.value = ""
        self.households.value = 0
        self.start.value = self.end.value = None
        self.message.value = ""
        self.mark_message.value = ""  # the scoring form refreshes the lists next

    def _where(self) -> tuple[str | None, dt.date | None]:
        r = self.scoring.round.value
        d = self.scoring.date.value
        return (r.strip() if isinstance(r, str) and r.strip() else None), (
            d if isinstance(d, dt.date) else None
        )

    def refresh(self) -> None:
        """Redraw the previous circle's actions (with a row to mark each open one) and this
        round's actions, for the village shown and the form's round and date."""
        import ipywidgets as w

        L, code, store = self.app.lang, self.app.village, Path(self.app.store)
        round_, day = self._where()
        self.marks.children = []
        if code is None:
            self.previous.value = self.listing.value = ""
            return
        if day is None or not store.exists():
            self.previous.value = panel.previous_actions_html(_empty(), L, previous=None)
            self.listing.value = panel.round_actions_html(_empty(), L, round=round_ or "")
            return
        found = plan.previous_actions(store, code, round=round_, date=day)
        before = plan.previous_round(store, code, round=round_, date=day)
        self.previous.value = panel.previous_actions_html(found, L, previous=before, as_of=day)
        rows = []
        for _, r in found.loc[found["state"].isin(plan.STILL_OPEN)].iterrows():
            rows.append(self._mark_row(w, r))
        self.marks.children = rows
        mine = plan.actions(store, code, round_) if round_ else _empty()
        self.listing.value = panel.round_actions_html(mine, L, round=round_ or "")

    def _mark_row(self, w: Any, r: pd.Series) -> Any:
        """One open action's row: what it is, its state buttons, a sentence and a save."""
        L = self.app.lang
        action = str(r["uuid"])  # from the store, never from the page
        what = html_box(f"<b>{esc(panel.component_number(r['component']))}.</b> {esc(r['what'])}")
        state = w.ToggleButtons(
            options=[(plan.word(plan.ACTION_STATES, s, L), s) for s in plan.UPDATE_STATES],
            value=None,
            style={"button_width": "auto"},
        )
        sentence = w.Text(placeholder=t("action_sentence_hint", L), layout=w.Layout(width="520px"))
        save = w.Button(description=t("action_mark", L), layout=w.Layout(width="auto"))
        state.add_class("okd-action-state")
        sentence.add_class("okd-action-sentence")
        save.add_class("okd-action-mark")
        save.on_click(self.app.guard(lambda _: self.mark(action, state.value, sentence.value)))
        row = w.VBox([what, w.HBox([state, sentence, save], layout=w.Layout(flex_flow="row wrap"))])
        row.add_class("okd-action-row")
        row.add_class(f"okd-action-{action}")
        return row

    # --- saving ---------------------------------------------------------------------------------
    def values(self) -> ActionValues:
        return ActionValues(
            component=self.component.value,
            what=self.what.value,
            addresses=self.addresses.value,
            lead_role=self.lead.value,
            lead_name=self.lead_name.value,
            start=self.start.value,
            end=self.end.value,
            cost=self.cost.value,
            households=self.households.value,
        )

    def submit(self) -> int | None:
        """Check and save the new action; the message says what was saved or what to correct."""
        entry, message = save_action_form(
            self.values(),
            data=self.app.data,
            unit_code=self.app.village,
            round=self.scoring.round.value,
            date=self.scoring.date.value,
            facilitator=self.scoring.facilitator.value,
            store=self.app.store,
            lang=self.app.lang,
        )
        self.message.value = message
        if entry is not None:
            self.what.value = self.lead_name.value = self.cost.value = ""
            self.households.value = 0
            self.refresh()
        return entry

    def mark(self, action: str, state: object, sentence: object) -> int | None:
        """Save what happened to one open action, dated with the form's circle."""
        entry, message = mark_action(
            data=self.app.data,
            unit_code=self.app.village,
            action=action,
            state=state,
            sentence=sentence,
            round=self.scoring.round.value,
            date=self.scoring.date.value,
            facilitator=self.scoring.facilitator.value,
            store=self.app.store,
            lang=self.app.lang,
        )
        if entry is not None:
            self.refresh()
        self.mark_message.value = message
        return entry


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(plan.ACTION_FRAME_COLUMNS))
