"""The scoring form: the circle's agreed grades for the village on screen.

`session_from_form` checks every value that arrives from the page (a widget value can be set to
anything by a crafted message) before `circles.check_session` and `circles.save_session` see
it; a bad value gives a message and changes nothing. The village and its computed grades come
from the server's own state (the results), never from the page.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from okanalysis.circles import store as circles
from okanalysis.core import thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS, GRADES
from okanalysis.core.errors import NothingToShow, OkanalysisError
from okanalysis.dashboard.action_form import ActionForm
from okanalysis.dashboard.data import NO_DATA, CircleData, ComputedGrades
from okanalysis.dashboard.kit import (
    LOG,
    MAX_COUNT,
    MAX_SHORT_TEXT,
    MAX_TEXT,
    esc,
    fault_html,
    grade_badge,
    grade_buttons,
    heading,
    html_box,
    missing,
    name_of,
    note,
    nothing_html,
    num,
    problem_text,
    state_badge,
    t,
    table,
)
from okanalysis.dashboard.pickers import village_label
from okanalysis.report.sheet import circle_sheet


def computed_grades(data: CircleData, code: str) -> ComputedGrades | None:
    """The computed grades of the village's district, or None when the build had nothing to
    grade (the circle then records its grade without a computed one). A fault is raised."""
    try:
        return data.grades(code)
    except NothingToShow:
        return None


def history_html(entries: pd.DataFrame, lang: str = "th") -> str:
    """A village's agreed grades, newest first, with their status (in force, corrected...)."""
    if entries.empty:
        return note(esc(t("no_history", lang)))
    shown = circles.export_table(entries.sort_values("id", ascending=False), lang)
    status = circles.EXPORT_LABELS["status"][1 if lang == "en" else 0]
    cols = [
        circles.EXPORT_LABELS[c][1 if lang == "en" else 0]
        for c in ("id", "round", "date", "overall", "facilitator", "participants")
    ]
    comps = [
        circles.EXPORT_LABELS[f"{c}_agreed"][1 if lang == "en" else 0] for c in COMPONENT_CODES
    ]
    # the export names entries by UUID (the same in every merged store); the projector shows
    # this store's own entry number, which the correction note names
    number = dict(zip(entries["uuid"].astype(str), entries["id"], strict=True))
    body = []
    for _, r in shown.iterrows():
        body.append(
            [
                esc(number.get(str(r[cols[0]]), r[cols[0]])),
                esc(r[cols[1]]),
                esc(r[cols[2]]),
                grade_badge(r[cols[3]], small=True),
            ]
            + [grade_badge(r[c], small=True) for c in comps]
            + [esc(r[cols[4]]), num(r[cols[5]]), esc(r[status])]
        )
    headers = [
        "#",
        t("round", lang),
        t("date", lang),
        t("overall", lang),
        *(str(i) for i in range(1, 6)),
        t("facilitator", lang),
        t("participants", lang).split(" (")[0],
        t("status", lang),
    ]
    return table(headers, body, cls="okd-history")


def sheet_link_html(
    store: Path,
    village: str | None,
    round: object,
    *,
    lang: str = "th",
    village_name: str | None = None,
) -> str:
    """A download link to the village's one-page circle record for `round` (the whole page as
    a base64 `data:` URI, nothing fetched from elsewhere), or a note in words when there is no
    entry yet. The round comes from the page: it is only looked up and escaped, and the file
    name keeps only safe characters."""
    r = round.strip() if isinstance(round, str) else ""
    if village is None or not r:
        return note(esc(t("sheet_no_round", lang)), "warn")
    try:
        if not Path(store).exists():
            raise NothingToShow("ยังไม่มีบันทึกวงเรียนรู้", "no circle record yet", column="round", value=r)
        page = circle_sheet(store, village, r, lang=lang, village_name=village_name)
    except NothingToShow as exc:
        return nothing_html(exc, lang)
    data = base64.b64encode(page.encode("utf-8")).decode("ascii")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", r).strip("_")[:40] or "round"
    name = f"circle-record-{village}-{safe}.html"
    label = esc(t("sheet_ready", lang, name=village_name or village, round=r))
    return note(
        f'<a download="{esc(name)}" href="data:text/html;charset=utf-8;base64,{data}">'
        f"&#128438; {label}</a>",
        "ok",
    )


@dataclass
class FormValues:
    """The raw values of the scoring form as the widgets hold them (untrusted)."""

    round: object = ""
    date: object = None
    facilitator: object = ""
    agreed: Mapping[str, object] = field(default_factory=dict)
    reasons: Mapping[str, object] = field(default_factory=dict)
    evidence: Mapping[str, object] = field(default_factory=dict)
    overall: object = None
    counts: Mapping[str, object] = field(default_factory=dict)
    note: object = ""
    #: the community's own words (a new or revised statement; empty: none saved)
    vision: object = ""


def _clean_text(value: object, column: str, limit: int, problems: list[OkanalysisError]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(
            OkanalysisError(
                "ต้องเป็นข้อความ", "must be text", column=column, value=type(value).__name__
            )
        )
        return ""
    if len(value) > limit:
        problems.append(
            OkanalysisError(
                f"ยาวเกิน {limit:,} ตัวอักษร",
                f"longer than {limit:,} characters",
                column=column,
                value=f"{len(value):,}",
            )
        )
        return ""
    return value.strip()


def _clean_grade(value: object, column: str, problems: list[OkanalysisError]) -> str | None:
    if value in GRADES:
        return str(value)
    problems.append(
        OkanalysisError(
            "เลือกระดับ A, B หรือ C", "choose grade A, B or C", column=column, value=str(value)[:20]
        )
    )
    return None


def _clean_count(value: object, column: str, problems: list[OkanalysisError]) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not 0 <= value <= MAX_COUNT
    ):
        problems.append(
            OkanalysisError(
                f"จำนวนคนต้องเป็นจำนวนเต็ม 0 ถึง {MAX_COUNT:,}",
                f"a count of people must be a whole number from 0 to {MAX_COUNT:,}",
                column=column,
                value=str(value)[:20],
            )
        )
        return 0
    return int(value)


def _clean_date(value: object, problems: list[OkanalysisError]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    problems.append(
        OkanalysisError(
            "เลือกวันที่จัดวงจากปฏิทิน",
            "pick the date of the circle",
            column="date",
            value=str(value)[:20],
        )
    )
    return None


def session_from_form(
    form: FormValues,
    *,
    data: CircleData,
    unit_code: object,
    supersedes: int | None = None,
) -> tuple[circles.CircleSession | None, list[OkanalysisError]]:
    """Check every value of the form and build the session to save.

    The village and the computed grades come from the server's own state, never from the page;
    the page's values are checked for type, choice and length here, then by
    `circles.check_session` (the store's own rules, such as a reason where the grades differ).
    Returns (session, []) or (None, problems).
    """
    problems: list[OkanalysisError] = []
    if not data.known(unit_code) or data.outside_pack(unit_code):
        key, values = "unknown_village", {}
        if data.outside_pack(unit_code):
            key = "outside_pack"
            values = {"code": str(unit_code)[:20], "district": data.pack_district}
        problems.append(
            OkanalysisError(
                t(key, "th", **values),
                t(key, "en", **values),
                column="unit_code",
                value=str(unit_code)[:20],
            )
        )
        return None, problems
    code = str(unit_code)
    grades = computed_grades(data, code)
    graded = grades.for_unit(code) if grades is not None else None
    scores = []
    for c in COMPONENT_CODES:
        agreed = _clean_grade(form.agreed.get(c), f"{c}_agreed", problems)
        reason = _clean_text(form.reasons.get(c), f"{c}_reason", MAX_TEXT, problems)
        evidence = _clean_text(form.evidence.get(c), f"{c}_evidence", MAX_TEXT, problems)
        computed = None
        if graded is not None and c in graded.index and graded.at[c, "grade"] in GRADES:
            computed = graded.at[c, "grade"]
        scores.append(circles.ComponentScore(c, computed, agreed or "A", reason, evidence))
    overall = _clean_grade(form.overall, "overall", problems)
    counts = {c: _clean_count(form.counts.get(c, 0), c, problems) for c in circles.COUNT_COLUMNS}
    round_ = _clean_text(form.round, "round", MAX_SHORT_TEXT, problems)
    facilitator = _clean_text(form.facilitator, "facilitator", MAX_SHORT_TEXT, problems)
    note_ = _clean_text(form.note, "note", MAX_TEXT, problems)
    date = _clean_date(form.date, problems)
    computed_overall = grades.overall_of(code)[0] if grades is not None else None
    session = circles.CircleSession(
        unit_code=code,
        unit_level="village",
        round=round_,
        date=date or "",
        facilitator=facilitator,
        components=scores,
        overall=overall or "A",
        participants=circles.Participants(**counts),
        computed_overall=computed_overall,
        rubric_version=grades.rubric_version if grades is not None else None,
        note=note_,
        supersedes=supersedes,
    )
    known = {e.column for e in problems}
    problems += [
        e
        for e in circles.check_session(session, units=frozenset(data.villages.index))
        if e.column not in known
    ]
    return (None, problems) if problems else (session, [])


def save_form(
    form: FormValues,
    *,
    data: CircleData,
    unit_code: object,
    store: Path,
    lang: str = "th",
) -> tuple[int | None, str]:
    """Check and save the form; returns (entry id, confirmation) or (None, the problems).

    When the village already has an entry in force for the round, the new one corrects it
    (`supersedes`), so the history stays readable. Nothing is written unless every check passes.
    """
    supersedes = None
    if data.known(unit_code) and isinstance(form.round, str) and Path(store).exists():
        now = circles.in_force(store, unit_code=str(unit_code), round=form.round.strip())
        supersedes = int(now["id"].iloc[-1]) if not now.empty else None
    session, problems = session_from_form(
        form, data=data, unit_code=unit_code, supersedes=supersedes
    )
    vision_problems: list[OkanalysisError] = []
    vision = _clean_text(form.vision, "vision", circles.VISION_MAX_CHARS, vision_problems)
    if session is not None and vision:
        vision_problems += circles.check_vision(
            session.unit_code, vision, date=session.date, facilitator=session.facilitator
        )[1]
    if vision_problems:
        session, problems = None, [*problems, *vision_problems]
    if session is None:
        items = "".join(f"<li>{esc(problem_text(p, lang))}</li>" for p in problems)
        return None, note(f"{esc(t('not_saved', lang))}<ul>{items}</ul>", "error")
    try:
        with circles.open_store(store, create=True) as st:
            entry = circles.save_session(st, session, units=frozenset(data.villages.index))
            if vision:
                circles.save_vision(
                    st,
                    session.unit_code,
                    vision,
                    date=session.date,
                    facilitator=session.facilitator,
                )
    except OkanalysisError as e:
        return None, note(
            f"{esc(t('not_saved', lang))}<ul><li>{esc(problem_text(e, lang))}</li></ul>", "error"
        )
    name = village_label(data.village(session.unit_code), lang)
    text = t("saved", lang, id=entry, name=name, round=session.round, overall=session.overall)
    if vision:
        text += f" {t('vision_saved', lang)}"
    return entry, note(esc(text), "ok")


class ScoringForm:
    """The circle's scoring form for the village on screen, with its history below."""

    def __init__(self, app: Any) -> None:
        # app: the `circle.CircleDashboard` it belongs to (data, store, village, lang, guard)
        import ipywidgets as w

        self.app = app
        L = app.lang
        # the freedom-table rounds are the usual names for assessment rounds too
        self._known_rounds = set(app.data.rounds)
        self.round = w.Combobox(
            description=t("round", L), placeholder=t("round_hint", L), options=[]
        )
        self.date = w.DatePicker(
            description=t("date", L), value=dt.datetime.now(circles.THAI_TIME).date()
        )
        self.facilitator = w.Text(description=t("facilitator", L))
        for box in (self.round, self.date, self.facilitator):
            box.style = {"description_width": "initial"}
            box.layout = w.Layout(width="auto", min_width="380px")
        self.names: dict[str, Any] = {}
        self.computed: dict[str, Any] = {}
        self.agreed: dict[str, Any] = {}
        self.reasons: dict[str, Any] = {}
        self.evidence: dict[str, Any] = {}
        rows = []
        for c in COMPONENT_CODES:
            self.names[c] = html_box()
            self.computed[c] = html_box()
            self.agreed[c] = grade_buttons()
            self.reasons[c] = w.Textarea(
                placeholder=t("reason", L), layout=w.Layout(width="100%", height="56px")
            )
            self.evidence[c] = w.Textarea(
                placeholder=t("other_evidence", L), layout=w.Layout(width="100%", height="56px")
            )
            rows.append(
                w.GridBox(
                    [
                        self.names[c],
                        self.computed[c],
                        self.agreed[c],
                        w.VBox([self.reasons[c], self.evidence[c]]),
                    ],
                    layout=w.Layout(
                        grid_template_columns="300px 110px 240px 1fr",
                        align_items="center",
                        width="98%",
                    ),
                )
            )
        self.overall_label = html_box()
        self.overall_computed = html_box()
        self.overall = grade_buttons()
        self.counts = {
            c: w.BoundedIntText(value=0, min=0, max=MAX_COUNT, layout=w.Layout(width="110px"))
            for c in circles.COUNT_COLUMNS
        }
        self.count_labels = {c: html_box() for c in circles.COUNT_COLUMNS}
        groups = (circles.ROLE_COUNTS, circles.GENDER_COUNTS, circles.AGE_BAND_COUNTS)
        count_rows = [
            w.HBox(
                [w.HBox([self.count_labels[c], self.counts[c]]) for c in g],
                layout=w.Layout(flex_flow="row wrap"),
            )
            for g in groups
        ]
        self.participants_label = html_box()
        self.note = w.Textarea(layout=w.Layout(width="100%", height="56px"))
        self.note_label = html_box()
        self.vision = w.Textarea(layout=w.Layout(width="100%", height="80px"))
        self.vision_label = html_box()
        self.save = w.Button(button_style="primary", layout=w.Layout(width="auto", height="56px"))
        self.message = html_box()
        self.correcting = html_box()
        self.history = html_box()
        self.history_label = html_box()
        self.sheet = w.Button(layout=w.Layout(width="auto", height="48px"))
        self.sheet_link = html_box()
        self.save.on_click(app.guard(lambda _: self.submit()))
        self.sheet.on_click(app.guard(lambda _: self.print_sheet()))
        self.round.observe(app.guard(lambda _: self._show_correcting()), "value")
        self.date_be = html_box()
        self.date.observe(app.guard(lambda _: self._show_date()), "value")
        # the action plan: the previous circle's actions before the grades, this circle's after
        self.actions = ActionForm(app, self)
        for box in (self.round, self.date):
            box.observe(app.guard(lambda _: self._refresh_actions()), "value")
        self.root = w.VBox(
            [
                w.HBox(
                    [self.round, self.date, self.date_be, self.facilitator],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                ),
                self.actions.previous_root,
                *rows,
                w.HBox([self.overall_label, self.overall_computed, self.overall]),
                self.participants_label,
                *count_rows,
                self.note_label,
                self.note,
                self.vision_label,
                self.vision,
                self.correcting,
                self.save,
                self.message,
                self.actions.plan_root,
                self.sheet,
                self.sheet_link,
                self.history_label,
                self.history,
            ]
        )
        self.root.add_class("okd-form")
        named = {
            "okd-round": self.round,
            "okd-date": self.date,
            "okd-facilitator": self.facilitator,
            "okd-agreed-overall": self.overall,
            "okd-note-text": self.note,
            "okd-vision-text": self.vision,
            "okd-save": self.save,
            "okd-message": self.message,
            "okd-history-box": self.history,
            "okd-sheet": self.sheet,
            "okd-sheet-link": self.sheet_link,
        }
        for c in COMPONENT_CODES:
            named |= {
                f"okd-agreed-{c}": self.agreed[c],
                f"okd-reason-{c}": self.reasons[c],
                f"okd-evidence-{c}": self.evidence[c],
                f"okd-computed-{c}": self.computed[c],
            }
        named |= {f"okd-count-{c}": self.counts[c] for c in circles.COUNT_COLUMNS}
        for name, widget in named.items():  # stable names for tests and custom styles
            widget.add_class(name)
        self.relabel()

    def _show_date(self) -> None:
        """The date as Thai readers write it (Buddhist era), beside the browser's picker."""
        d = self.date.value
        shown = thai.format_date(d, self.app.lang, long=True) if isinstance(d, dt.date) else ""
        self.date_be.value = f"&nbsp;= {esc(shown)}&nbsp;" if shown else ""

    def relabel(self) -> None:
        L = self.app.lang
        self.round.description = t("round", L)
        self.round.placeholder = t("round_hint", L)
        self.date.description = t("date", L)
        self.facilitator.description = t("facilitator", L)
        for c in COMPONENT_CODES:
            self.names[c].value = f"<b>{esc(COMPONENTS[c][1 if L == 'en' else 0])}</b>"
            self.reasons[c].placeholder = t("reason", L)
            self.evidence[c].placeholder = t("other_evidence", L)
        self.overall_label.value = f"<b>{esc(t('overall', L))}</b>&nbsp;"
        self.participants_label.value = f"<b>{esc(t('participants', L))}</b>"
        for c in circles.COUNT_COLUMNS:
            names = {**circles.ROLE_COUNTS, **circles.GENDER_COUNTS, **circles.AGE_BAND_COUNTS}[c]
            self.count_labels[c].value = f"{esc(names[1 if L == 'en' else 0])}&nbsp;"
        self.note_label.value = f"<b>{esc(t('note', L))}</b>"
        self.vision_label.value = (
            f"<b>{esc(t('our_words', 'th'))} / {esc(t('our_words', 'en'))}</b>"
        )
        self.save.description = t("save", L)
        self.sheet.description = f"{t('print_sheet', 'th')} / {t('print_sheet', 'en').lower()}"
        self.history_label.value = heading(t("history", L))
        self._show_date()
        self.actions.relabel()

    def _refresh_actions(self) -> None:
        """The round or the date changed: the previous circle may be another one."""
        if self.app.village is not None:
            self.actions.refresh()

    def load(self, code: str) -> None:
        """A new village: computed grades shown, agreed grades start at the computed ones. When
        the computed grades could not be read (a fault), the form says so, not "no data"."""
        fault = ""
        try:
            grades = computed_grades(self.app.data, code)
        except Exception:
            LOG.exception("scoring form: the computed grades could not be read")
            grades, fault = None, fault_html()
        graded = grades.for_unit(code) if grades is not None else None
        L = self.app.lang
        for c in COMPONENT_CODES:
            grade, state = None, NO_DATA
            if graded is not None and c in graded.index and not missing(graded.at[c, "state"]):
                grade = graded.at[c, "grade"] if graded.at[c, "grade"] in GRADES else None
                state = graded.at[c, "state"]
            self.computed[c].value = grade_badge(grade) if grade or fault else state_badge(state, L)
            self.agreed[c].value = grade
            self.reasons[c].value = ""
            self.evidence[c].value = ""
        overall = grades.overall_of(code)[0] if grades is not None else None
        self.overall_computed.value = (
            grade_badge(overall, title=t("computed_grade", L)) + "&nbsp;→&nbsp;"
        )
        self.overall.value = overall
        self.message.value = fault
        self.sheet_link.value = ""
        self.note.value = ""
        self.vision.value = ""
        self.actions.load(code)
        self.refresh()

    def _entries(self) -> pd.DataFrame:
        store = self.app.store
        if self.app.village is None or not store.exists():
            return pd.DataFrame(columns=list(circles.SESSION_FRAME_COLUMNS))
        return circles.history(store, self.app.village)

    def refresh(self) -> None:
        """Reload the history and the rounds known (after a save, or on another page's save)."""
        entries = self._entries()
        self.history.value = history_html(entries, self.app.lang)
        rounds = sorted(set(entries["round"].astype(str)) | self._known_rounds)
        self.round.options = rounds
        self._show_correcting(entries)
        self.actions.refresh()

    def _show_correcting(self, entries: pd.DataFrame | None = None) -> None:
        entries = self._entries() if entries is None else entries
        r = self.round.value.strip() if isinstance(self.round.value, str) else ""
        live = circles.in_force(entries, round=r) if r and len(entries) else entries.iloc[:0]
        self.correcting.value = (
            note(esc(t("correcting", self.app.lang, round=r, id=int(live["id"].iloc[-1]))), "warn")
            if len(live)
            else ""
        )

    def values(self) -> FormValues:
        """The form's values as the widgets hold them, unchecked."""
        return FormValues(
            round=self.round.value,
            date=self.date.value,
            facilitator=self.facilitator.value,
            agreed={c: self.agreed[c].value for c in COMPONENT_CODES},
            reasons={c: self.reasons[c].value for c in COMPONENT_CODES},
            evidence={c: self.evidence[c].value for c in COMPONENT_CODES},
            overall=self.overall.value,
            counts={c: self.counts[c].value for c in circles.COUNT_COLUMNS},
            note=self.note.value,
            vision=self.vision.value,
        )

    def submit(self) -> int | None:
        """Check and save; the message says what was saved or what to correct."""
        entry, message = save_form(
            self.values(),
            data=self.app.data,
            unit_code=self.app.village,
            store=self.app.store,
            lang=self.app.lang,
        )
        self.message.value = message
        if entry is not None:
            self.refresh()
            self.app.stale |= {"glance", "components"}
        return entry

    def print_sheet(self) -> str:
        """The village's one-page circle record for the form's round, as a download link."""
        village = self.app.village
        known = self.app.data.known(village)
        name = name_of(self.app.data.village(village), self.app.lang) if known else None
        self.sheet_link.value = sheet_link_html(
            self.app.store, village, self.round.value, lang=self.app.lang, village_name=name
        )
        return self.sheet_link.value
