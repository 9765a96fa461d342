"""The district team's scorecard: the district's sub-districts and villages by the five
components and the overall grade, the agreed grade (this round) large over the computed one,
"no data" and "not applicable" told apart, sort, filter, a unit's evidence and reasons, and the
change since the round chosen for comparison.

Only the district shown is read (its GRADES_UNITS and GRADES_COMPONENTS); the agreed grades come
from the circle store (`circles.in_force`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pandas as pd

from okanalysis.circles import action_plan as plan
from okanalysis.circles import store as circles
from okanalysis.core import thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS, GRADES, grade_rank
from okanalysis.core.errors import NothingToShow
from okanalysis.dashboard.data import (
    NO_DATA,
    CircleData,
    ComputedGrades,
    District,
    open_data,
)
from okanalysis.dashboard.kit import (
    CSS,
    NOT_APPLICABLE,
    NOT_GRADED,
    check_lang,
    error_widget,
    esc,
    grade_badge,
    guarded,
    heading,
    html_box,
    missing,
    name_of,
    note,
    say_ready,
    shown,
    state_badge,
    t,
    table,
    wait_for_query,
)
from okanalysis.dashboard.pickers import district_options, parse_query, village_label


def _grades(district: District, level: str) -> ComputedGrades | None:
    """The district's computed grades of one level; None when the build had nothing to grade
    (each cell then says "no data"). A fault is raised."""
    try:
        return district.grades(level)
    except NothingToShow:
        return None


def agreed_frame(store: Path | None, round_: str | None) -> pd.DataFrame:
    """The agreed grades in force of one round (`circles.in_force`), one row per unit."""
    if store is None or round_ is None or not Path(store).exists():
        return pd.DataFrame(columns=list(circles.SESSION_FRAME_COLUMNS))
    return circles.in_force(store, round=round_)


def store_rounds(store: Path | None) -> list[str]:
    """The assessment rounds recorded in the store, oldest first (by date, then as recorded)."""
    if store is None or not Path(store).exists():
        return []
    entries = circles.history(store)
    if entries.empty:
        return []
    first = entries.groupby("round").agg(date=("date", "min"), id=("id", "min"))
    return [str(r) for r in first.sort_values(["date", "id"]).index]


def scorecard(
    data: CircleData,
    amphoe: str,
    *,
    store: Path | None,
    round: str | None = None,
    previous: str | None = None,
    lang: str = "th",
) -> pd.DataFrame:
    """The district's sub-districts and villages as rows; per component and overall the
    computed grade, the agreed one (this round), the state shown and the change since
    `previous` (up, down, same, new, or empty).

    Columns: unit_code, level, tambon_code, name, then `<c>_computed`, `<c>_agreed`,
    `<c>_state`, `<c>_previous` (agreed in the compared round) and `<c>_change` for each
    component and for `overall`, `change` (the overall's), `in_conflict` (the round's
    entries of this unit are in conflict after a merge), and the unit's actions
    `actions_open`, `actions_overdue` and `actions_done` (`action_counts_frame`: at the date
    of the round's last circle).
    """
    villages = data.villages.loc[data.villages["amphoe_code"] == amphoe]
    tambons = data.tambons.loc[data.tambons["amphoe_code"] == amphoe]
    rows = [
        {
            "unit_code": code,
            "level": "tambon",
            "tambon_code": code,
            "name": f"{t('tambon', lang)}{'' if lang == 'th' else ' '}{name_of(r, lang, 'tambon_th', 'tambon_en')}",
        }
        for code, r in tambons.iterrows()
    ] + [
        {
            "unit_code": code,
            "level": "village",
            "tambon_code": r["tambon_code"],
            "name": village_label(r, lang),
        }
        for code, r in villages.iterrows()
    ]
    frame = pd.DataFrame(rows, columns=["unit_code", "level", "tambon_code", "name"])
    district = data.district(amphoe)
    computed_by_level = {lv: _grades(district, lv) for lv in ("village", "tambon")}
    agreed = agreed_frame(store, round).set_index("unit_code") if round else None
    before = agreed_frame(store, previous).set_index("unit_code") if previous else None
    for key in (*COMPONENT_CODES, "overall"):
        computed, state = [], []
        for _, r in frame.iterrows():
            grades = computed_by_level[r["level"]]
            if grades is None:
                computed.append(None)
                state.append(NO_DATA)
            elif key == "overall":
                g, s = grades.overall_of(r["unit_code"])
                computed.append(g)
                state.append(s)
            else:
                u = grades.for_unit(r["unit_code"])
                g = u.at[key, "grade"] if key in u.index else None
                s = (
                    u.at[key, "state"]
                    if key in u.index and not missing(u.at[key, "state"])
                    else NO_DATA
                )
                computed.append(g if g in GRADES else None)
                state.append(s)
        frame[f"{key}_computed"] = computed
        frame[f"{key}_state"] = state
        column = "overall" if key == "overall" else f"{key}_agreed"
        for name, entries in ((f"{key}_agreed", agreed), (f"{key}_previous", before)):
            if entries is not None and column in entries.columns:
                frame[name] = (
                    frame["unit_code"].map(entries[column]).where(lambda s: s.isin(GRADES), None)
                )
            else:
                frame[name] = None
        frame[f"{key}_change"] = [
            direction(now, then) if previous is not None else ""
            for now, then in zip(frame[f"{key}_agreed"], frame[f"{key}_previous"], strict=True)
        ]
    frame["change"] = frame["overall_change"]
    frame = pd.concat([frame, action_counts_frame(frame, store, round)], axis=1)
    # entries of one unit and round that no entry supersedes (saved apart, then merged): the
    # cell is marked until a new entry that supersedes them all is saved
    frame["in_conflict"] = (
        frame["unit_code"].map(agreed["in_conflict"].astype(bool)).eq(True)
        if agreed is not None and "in_conflict" in agreed.columns
        else False
    )
    return frame


#: The action counts a scorecard row carries (`action_counts_frame`).
ACTION_COUNTS = ("open", "overdue", "done")


def action_counts_frame(codes: pd.DataFrame, store: Path | None, round: str | None) -> pd.DataFrame:
    """Per scorecard row (`codes`: unit_code, level): its actions `actions_open`,
    `actions_overdue` and `actions_done`, counted as at the date of the last circle of `round`
    (of the whole store without one), never the computer's clock. A sub-district's row counts
    its own actions and its villages'. All zero without a store or an action."""
    out = pd.DataFrame(index=codes.index)
    for key in ACTION_COUNTS:
        out[f"actions_{key}"] = 0
    if store is None or not Path(store).exists():
        return out
    as_of = plan.circle_date(store, round)
    if as_of is None:
        return out
    counts = plan.action_counts(plan.actions(store, as_of=as_of), as_of=as_of)
    if counts.empty:
        return out
    for i, (code, level) in enumerate(zip(codes["unit_code"], codes["level"], strict=True)):
        rows = (
            counts.loc[counts.index.str.startswith(code)]
            if level == "tambon"
            else (counts.loc[[code]] if code in counts.index else counts.iloc[:0])
        )
        for key in ACTION_COUNTS:
            out.iloc[i, out.columns.get_loc(f"actions_{key}")] = int(rows[key].sum())
    return out.astype("int64")


def direction(now: object, then: object) -> str:
    """The change of an agreed grade since the compared round: up, down, same, new (no grade
    then), or "" (no agreed grade now)."""
    if now not in GRADES:
        return ""
    if then not in GRADES:
        return "new"
    d = grade_rank(now) - grade_rank(then)
    return "up" if d > 0 else "down" if d < 0 else "same"


ARROWS = {"up": "▲", "down": "▼", "same": "=", "new": "●", "": ""}


def filter_scorecard(
    frame: pd.DataFrame, *, grade: object = None, text: object = "", tambon: object = None
) -> pd.DataFrame:
    """Rows whose overall grade (agreed, else computed) is `grade` (A/B/C, 'none' for no grade),
    whose name contains `text`, within `tambon` (its row and its villages)."""
    out = frame
    if isinstance(tambon, str) and tambon:
        out = out.loc[out["tambon_code"] == tambon]
    showing = out["overall_agreed"].where(
        out["overall_agreed"].isin(GRADES), out["overall_computed"]
    )
    if grade in GRADES:
        out = out.loc[showing == grade]
    elif grade == "none":
        out = out.loc[~showing.isin(GRADES)]
    if isinstance(text, str) and text.strip():
        out = out.loc[out["name"].str.contains(text.strip(), case=False, regex=False)]
    return out


SORT_KEYS = ("unit_code", "name", "overall", *COMPONENT_CODES, "change")


def sort_scorecard(frame: pd.DataFrame, by: object = "unit_code") -> pd.DataFrame:
    """Sort by code (sub-district rows before their villages), name, a grade (best first, no
    grade last) or change. An unknown key sorts by code."""
    if by not in SORT_KEYS or by == "unit_code":
        key = (
            frame["tambon_code"]
            + frame["level"].map({"tambon": "0", "village": "1"})
            + frame["unit_code"]
        )
        return frame.assign(_k=key).sort_values("_k", kind="stable").drop(columns="_k")
    if by == "name":
        return frame.sort_values("name", kind="stable")
    if by == "change":
        order = {"up": 0, "same": 1, "new": 2, "down": 3, "": 4}
        return (
            frame.assign(_k=frame["change"].map(order))
            .sort_values("_k", kind="stable")
            .drop(columns="_k")
        )
    showing = frame[f"{by}_agreed"].where(
        frame[f"{by}_agreed"].isin(GRADES), frame[f"{by}_computed"]
    )
    return (
        frame.assign(_k=-pd.to_numeric(showing.map(grade_rank)).fillna(0))
        .sort_values("_k", kind="stable")
        .drop(columns="_k")
    )


def scorecard_cell(
    computed: object,
    agreed: object,
    state: str,
    lang: str = "th",
    *,
    change: str = "",
    previous: object = None,
) -> str:
    """A cell: the agreed grade large with the computed one small, and the direction of change
    since the compared round with the grade then (▲ B); dashed when only computed; no data and
    not applicable as words."""
    if agreed in GRADES:
        small = computed if computed in GRADES else "–"
        since = ""
        if change:
            then = f" {previous}" if previous in GRADES else ""
            since = (
                f'<span class="okd-change okd-change-{change}" title="{esc(t(change, lang))}">'
                f"{ARROWS[change]}{then}</span>"
            )
        return (
            f'<span class="okd-cell" data-agreed="{agreed}" data-computed="{esc(small)}"'
            f' data-change="{change}">'
            f"{grade_badge(agreed)}<small>{esc(small)}</small>{since}</span>"
        )
    if computed in GRADES:
        return (
            f'<span class="okd-cell okd-cell-computed" data-computed="{computed}">'
            f"{grade_badge(computed)}</span>"
        )
    return state_badge(state if state in (NO_DATA, NOT_APPLICABLE) else NOT_GRADED, lang)


def actions_cell(row: pd.Series, lang: str = "th") -> str:
    """A unit's actions: open, overdue (marked) and done ("" without any)."""
    counts = {k: int(row.get(f"actions_{k}", 0) or 0) for k in ACTION_COUNTS}
    if not any(counts.values()):
        return ""
    data = " ".join(f'data-{k}="{v}"' for k, v in counts.items())
    late = " okd-conflict" if counts["overdue"] else ""
    return (
        f'<span class="okd-actions-count{late}" {data}>'
        f"{esc(t('actions_counts', lang, **counts))}</span>"
    )


def scorecard_html(frame: pd.DataFrame, lang: str = "th") -> str:
    """The scorecard as a table: one row per unit, sub-districts in bold."""
    headers = [
        t("name", lang),
        *(str(i) for i in range(1, 6)),
        t("overall", lang),
        t("change", lang),
        t("actions", lang),
    ]
    body, attrs = [], []
    arrows = ARROWS
    for _, r in frame.iterrows():
        cells = [f'<span class="okd-{r["level"]}">{esc(r["name"])}</span>']
        for key in (*COMPONENT_CODES, "overall"):
            cells.append(
                scorecard_cell(
                    r[f"{key}_computed"],
                    r[f"{key}_agreed"],
                    r[f"{key}_state"],
                    lang,
                    change=r.get(f"{key}_change", ""),
                    previous=r.get(f"{key}_previous"),
                )
            )
        ch = r["change"]
        conflict = (
            f' <span class="okd-conflict">⚠ {esc(t("conflict", lang))}</span>'
            if r.get("in_conflict", False)
            else ""
        )
        cells.append(f"{arrows[ch]} {esc(t(ch, lang)) if ch else ''}{conflict}")
        cells.append(actions_cell(r, lang))
        body.append(cells)
        attrs.append(f' data-unit="{esc(r["unit_code"])}" class="okd-row-{r["level"]}"')
    legend = "".join(
        f'<div class="okd-muted">{i}. {esc(COMPONENTS[c][1 if lang == "en" else 0])}</div>'
        for i, c in enumerate(COMPONENT_CODES, 1)
    )
    return (
        table(headers, body, cls="okd-scorecard", row_attrs=attrs)
        + legend
        + f'<div class="okd-muted">{esc(t("legend", lang))}</div>'
    )


def evidence_html(
    data: CircleData, code: str, *, store: Path | None, round: str | None, lang: str = "th"
) -> str:
    """A village's or sub-district's evidence: computed grades with sentences and the circle's
    reasons for the round."""
    grades = data.grades(code)
    agreed = agreed_frame(store, round)
    agreed = agreed.loc[agreed["unit_code"] == code]
    a = agreed.iloc[0] if len(agreed) else None
    rows = []
    for c in COMPONENT_CODES:
        u = grades.for_unit(code)
        if c in u.index and not missing(u.at[c, "state"]):
            g = u.loc[c]
            badge = (
                grade_badge(g["grade"]) if g["state"] == "graded" else state_badge(g["state"], lang)
            )
            sentence = esc(g[f"evidence_{lang}"])
        else:
            badge, sentence = state_badge(NO_DATA, lang), ""
        reason = esc(a[f"{c}_reason"]) if a is not None and a[f"{c}_reason"] else ""
        rows.append(
            [
                esc(COMPONENTS[c][1 if lang == "en" else 0]),
                badge,
                sentence,
                grade_badge(a[f"{c}_agreed"] if a is not None else None),
                reason,
            ]
        )
    headers = [
        t("component", lang),
        t("computed_grade", lang),
        t("evidence", lang),
        t("agreed_grade", lang),
        t("reason", lang).split(" (")[0],
    ]
    return table(headers, rows, cls="okd-components") + rounds_html(code, store=store, lang=lang)


def rounds_html(code: str, *, store: Path | None, lang: str = "th") -> str:
    """A unit's agreed grades in every round, oldest first (the entry in force of each)."""
    rounds = store_rounds(store)
    if not rounds:
        return ""
    entries = circles.current(store, code)  # the entry in force of each round
    if entries.empty:
        return ""
    order = ["created_at", "uuid"] if "uuid" in entries else ["id"]
    by_round = entries.sort_values(order).drop_duplicates("round", keep="last").set_index("round")
    rows = []
    for r in rounds:
        if r not in by_round.index:
            continue
        e = by_round.loc[r]
        rows.append(
            [esc(r), esc(e["date"])]
            + [grade_badge(e[f"{c}_agreed"], small=True) for c in COMPONENT_CODES]
            + [grade_badge(e["overall"], small=True)]
        )
    headers = [
        t("round", lang),
        t("date", lang),
        *(str(i) for i in range(1, 6)),
        t("overall", lang),
    ]
    return heading(t("all_rounds", lang)) + table(headers, rows, cls="okd-rounds")


class DistrictScorecard:
    """The district team's scorecard: sub-districts and villages by the five components."""

    def __init__(self, data: CircleData, *, store: Path | None = None, lang: str = "th") -> None:
        import ipywidgets as w

        self.data = data
        self.store = Path(store) if store is not None else circles.default_path()
        self.lang = L = check_lang(lang)
        self.frame = pd.DataFrame()
        self.status = html_box()
        guard = guarded(self.status, lambda: self.lang)
        rounds = store_rounds(self.store)
        self.title = html_box(f'<div class="okd-h1">{esc(t("scorecard_title", L))}</div>')
        self.district = w.Dropdown(
            description=t("district", L), options=district_options(data, L), value=None
        )
        self.round = w.Dropdown(
            description=t("round", L), options=rounds, value=rounds[-1] if rounds else None
        )
        self.previous = w.Dropdown(
            description=t("previous_round", L),
            options=[("–", ""), *((r, r) for r in rounds)],
            value=rounds[-2] if len(rounds) > 1 else "",
        )
        self.grade = w.ToggleButtons(
            options=[
                (t("all", L), ""),
                ("A", "A"),
                ("B", "B"),
                ("C", "C"),
                (t("not_graded", L), "none"),
            ],
            value="",
            style={"button_width": "auto"},
        )
        self.sort = w.Dropdown(
            description=t("sort_by", L), options=self._sort_options(), value="unit_code"
        )
        self.text = w.Text(description=t("filter", L))
        self.drill = w.Dropdown(description=t("drill", L), options=[(t("all", L), "")], value="")
        self.unit = w.Dropdown(description=t("drill_village", L), options=[("–", "")], value="")
        for box in (
            self.district,
            self.round,
            self.previous,
            self.sort,
            self.text,
            self.drill,
            self.unit,
        ):
            box.style = {"description_width": "initial"}
            box.layout = w.Layout(width="auto", min_width="360px")
        self.table = html_box()
        self.evidence = html_box()
        self.root = w.VBox(
            [
                html_box(CSS),
                self.title,
                w.HBox(
                    [self.district, self.round, self.previous],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                w.HBox([self.sort, self.text], layout=w.Layout(flex_flow="row wrap")),
                self.grade,
                self.drill,
                self.status,
                self.table,
                self.unit,
                self.evidence,
            ]
        )
        self.root.add_class("okd")
        for widget in (self.district, self.round, self.previous):
            widget.observe(guard(lambda _: self.refresh()), "value")
        for widget in (self.grade, self.sort, self.text, self.drill):
            widget.observe(guard(lambda _: self.redraw()), "value")
        self.unit.observe(guard(lambda _: self.show_evidence()), "value")
        if len(data.amphoes):
            self.district.value = data.amphoes.index[0]

    def _sort_options(self) -> list[tuple[str, str]]:
        L = self.lang
        return [
            ("รหัส / code" if L == "th" else "code", "unit_code"),
            (t("name", L), "name"),
            (t("overall", L), "overall"),
            *(
                (f"{i}. {COMPONENTS[c][1 if L == 'en' else 0]}", c)
                for i, c in enumerate(COMPONENT_CODES, 1)
            ),
            (t("change", L), "change"),
        ]

    def open_district(self, code: object) -> bool:
        """Show a district (checked against the data)."""
        if code not in self.data.amphoes.index:
            self.status.value = note(esc(f"{t('district', self.lang)}: {str(code)[:10]}"), "error")
            return False
        self.district.value = code
        return True

    def refresh(self) -> None:
        """Recompute the district's table (after a district or round change)."""
        amphoe = self.district.value
        if amphoe not in self.data.amphoes.index:
            return
        rounds = store_rounds(self.store)
        current = self.round.value if self.round.value in rounds else None
        previous = self.previous.value if self.previous.value in rounds else None
        self.frame = scorecard(
            self.data, amphoe, store=self.store, round=current, previous=previous, lang=self.lang
        )
        L = self.lang
        tambons = self.data.tambons.loc[self.data.tambons["amphoe_code"] == amphoe]
        self.drill.options = [
            (t("all", L), ""),
            *((name_of(r, L, "tambon_th", "tambon_en"), c) for c, r in tambons.iterrows()),
        ]
        self.drill.value = ""
        self.redraw()

    def redraw(self) -> None:
        """Filter and sort the table as the controls say (values checked by the pure helpers)."""
        if self.frame.empty:
            self.table.value = ""
            return
        rows = filter_scorecard(
            self.frame, grade=self.grade.value, text=self.text.value, tambon=self.drill.value
        )
        rows = sort_scorecard(rows, self.sort.value)
        self.table.value = scorecard_html(rows, self.lang)
        units = [("–", ""), *((r["name"], r["unit_code"]) for _, r in rows.iterrows())]
        keep = self.unit.value if self.unit.value in {u for _, u in units} else ""
        self.unit.options = units
        self.unit.value = keep
        self.show_evidence()

    def show_evidence(self) -> None:
        code = self.unit.value
        if not isinstance(code, str) or code not in set(self.frame.get("unit_code", [])):
            self.evidence.value = ""
            return
        self.evidence.value = shown(
            lambda: evidence_html(
                self.data, code, store=self.store, round=self.round.value, lang=self.lang
            ),
            self.lang,
            what="evidence",
        )

    def open_from_query(self, query: str | None) -> None:
        params = parse_query(query)
        if "amphoe" in params:
            self.open_district(thai.arabic_digits(params["amphoe"]))


def district_app(
    data: str | os.PathLike[str] | CircleData | None = None,
    *,
    amphoe: str | None = None,
    lang: str = "th",
    store: str | os.PathLike[str] | None = None,
    query: bool = True,
) -> Any:
    """The district scorecard as one widget (`?amphoe=8015&lang=en` in Voila)."""
    try:
        started = time.perf_counter()
        prepared = data if isinstance(data, CircleData) else open_data(data)
        where = Path(store) if store else None
        app = DistrictScorecard(prepared, store=where, lang=check_lang(lang))
        if amphoe is not None:
            app.open_district(amphoe)
        say_ready("district", started)
        params = parse_query(wait_for_query()) if query else {}
        if params.get("lang", app.lang) != app.lang:
            app = DistrictScorecard(prepared, store=where, lang=check_lang(params["lang"]))
            if amphoe is not None:
                app.open_district(amphoe)
        if "amphoe" in params:
            app.open_district(thai.arabic_digits(params["amphoe"]))
        return app.root
    except Exception as e:
        return error_widget(e)
