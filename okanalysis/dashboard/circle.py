"""The village circle screen: pick a village, walk through the panels, record the grade.

`circle_app` is what `notebooks/dashboards/circle.ipynb` shows. The kernel opens the results
(`dashboard.data`), reads the units for the pickers, and reads a district's tables only when a
village of it is shown. Panels are plain ipywidgets and plotly FigureWidgets, never inside Tab
widgets, their traces updated in place; a panel is redrawn only when it is shown.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from okanalysis.circles import store as circles
from okanalysis.core.errors import NothingToShow
from okanalysis.dashboard.data import CircleData, agreed_in_force, circle_words, open_data
from okanalysis.dashboard.form import ScoringForm
from okanalysis.dashboard.kit import (
    CSS,
    HALF_WIDTH,
    LANGS,
    LOG,
    beside,
    check_lang,
    error_widget,
    esc,
    fault_html,
    figure_widget,
    guarded,
    html_box,
    note,
    nothing_html,
    say_ready,
    shown,
    t,
    update_figure,
    wait_for_query,
)
from okanalysis.dashboard.panels import (
    accounts,
    components,
    glance,
    opportunities,
    people,
    plans,
    potential,
    topics,
)
from okanalysis.dashboard.pickers import (
    district_options,
    parse_query,
    search_options,
    tambon_options,
    unknown_village,
    village_from_query,
    village_options,
    village_title,
)

PANELS = (
    "glance",
    "accounts",
    "opportunities",
    "potential",
    "components",
    "freedom",
    "plan",
    "topics",
    "scoring",
)


class CircleDashboard:
    """The village circle screen: pick a village, walk through the panels, record the grade."""

    def __init__(self, data: CircleData, *, store: Path | None = None, lang: str = "th") -> None:
        import ipywidgets as w

        self.data = data
        self.store = Path(store) if store is not None else circles.default_path()
        self.lang = check_lang(lang)
        self.village: str | None = None
        self._syncing = False
        self.stale: set[str] = set(PANELS)
        self.status = html_box()
        guard = guarded(self.status, lambda: self.lang)
        self.guard = guard
        L = self.lang
        self.title = html_box(f'<div class="okd-h1">{esc(t("title", L))}</div>')
        self.language = w.ToggleButtons(options=[("ไทย", "th"), ("English", "en")], value=L)
        self.district = w.Dropdown(
            description=t("district", L), options=district_options(data, L), value=None
        )
        self.tambon = w.Dropdown(description=t("tambon", L), options=[], value=None)
        self.village_pick = w.Dropdown(description=t("village", L), options=[], value=None)
        self._search_map = search_options(data, L)
        self.search = w.Combobox(
            description=t("search", L),
            placeholder=t("search_hint", L),
            options=list(self._search_map),
            ensure_option=True,
        )
        for box, width, name in (
            (self.district, "340px", "district"),
            (self.tambon, "300px", "tambon"),
            (self.village_pick, "420px", "village"),
            (self.search, "560px", "search"),
        ):
            box.layout = w.Layout(width="auto", min_width=width)
            box.add_class(f"okd-pick-{name}")
            box.style = {"description_width": "initial"}
        self.header = html_box(note(esc(t("pick_village", L))))
        self.nav = w.ToggleButtons(
            options=self._nav_options(), value="glance", style={"button_width": "auto"}
        )
        self.nav.add_class("okd-nav")
        # panels: text plus figures, never inside Tab widgets
        self.texts = {p: html_box() for p in PANELS}
        for p in ("glance", "potential"):
            self.texts[p].layout.width = "54%"
        self.fig_levels = figure_widget(go.Figure(), height=420, width=HALF_WIDTH)
        self.fig_spending = figure_widget(go.Figure(), height=460)
        self.fig_opportunity = figure_widget(go.Figure(), height=520)
        self.fig_freedom = figure_widget(go.Figure(), height=520)
        self.fig_households: go.FigureWidget | None = None
        self.show_households = w.Checkbox(description=t("show_households", L), value=False)
        self.show_people = w.Checkbox(description=t("show_people", L), value=False)
        self.households_box = w.VBox()
        self.people_box = html_box()
        self.form = ScoringForm(self)
        self.panels = {
            "glance": w.HBox(
                [self.texts["glance"], beside(self.fig_levels)],
                layout=w.Layout(align_items="flex-start"),
            ),
            "accounts": w.VBox(
                [
                    self.texts["accounts"],
                    self.fig_spending,
                    self.show_households,
                    self.households_box,
                ]
            ),
            "opportunities": w.VBox([self.texts["opportunities"], self.fig_opportunity]),
            "potential": w.HBox(
                [self.texts["potential"], beside(self.fig_levels)],
                layout=w.Layout(align_items="flex-start"),
            ),
            "components": w.VBox([self.texts["components"]]),
            "freedom": w.VBox(
                [self.texts["freedom"], self.fig_freedom, self.show_people, self.people_box]
            ),
            "plan": w.VBox([self.texts["plan"]]),
            "topics": w.VBox([self.texts["topics"]]),
            "scoring": self.form.root,
        }
        self.stage = w.VBox([])
        pickers = w.HBox(
            [self.district, self.tambon, self.village_pick], layout=w.Layout(flex_flow="row wrap")
        )
        self.body = w.VBox([self.nav, self.stage])
        self.body.layout.display = "none"
        self.root = w.VBox(
            [
                html_box(CSS),
                w.HBox(
                    [self.title, self.search, self.language],
                    layout=w.Layout(justify_content="space-between", flex_flow="row wrap"),
                ),
                pickers,
                self.header,
                self.status,
                self.body,
            ]
        )
        self.root.add_class("okd")
        self.district.observe(guard(self._on_district), "value")
        self.tambon.observe(guard(self._on_tambon), "value")
        self.village_pick.observe(guard(self._on_village), "value")
        self.search.observe(guard(self._on_search), "value")
        self.nav.observe(guard(self._on_nav), "value")
        self.language.observe(guard(self._on_language), "value")
        self.show_households.observe(guard(lambda _: self._refresh("accounts")), "value")
        self.show_people.observe(guard(lambda _: self._refresh("freedom")), "value")

    # --- navigation ---------------------------------------------------------------------------
    def _nav_options(self) -> list[tuple[str, str]]:
        return [(t(p, self.lang), p) for p in PANELS]

    def _on_district(self, change: Mapping[str, Any]) -> None:
        if self._syncing:
            return
        self.tambon.options = tambon_options(self.data, change["new"], self.lang)
        self.tambon.value = None

    def _on_tambon(self, change: Mapping[str, Any]) -> None:
        if self._syncing:
            return
        self.village_pick.options = village_options(self.data, change["new"], self.lang)
        self.village_pick.value = None

    def _on_village(self, change: Mapping[str, Any]) -> None:
        if not self._syncing and change["new"] is not None:
            self.open_village(change["new"])

    def _on_search(self, change: Mapping[str, Any]) -> None:
        code = self._search_map.get(change["new"]) if isinstance(change["new"], str) else None
        if code is not None:
            self.open_village(code)

    def _on_nav(self, change: Mapping[str, Any]) -> None:
        if change["new"] in PANELS:
            self.show_panel(change["new"])

    def _on_language(self, change: Mapping[str, Any]) -> None:
        self.set_lang(change["new"])

    def open_village(self, code: object) -> bool:
        """Show a village (checked against the data first); False and a message if unknown."""
        if not self.data.known(code):
            self.status.value = note(esc(unknown_village(self.data, code, self.lang)), "error")
            return False
        code = str(code)
        self.village = code
        self.status.value = ""
        self._sync_pickers(code)
        self.header.value = village_title(self.data, code, self.lang)
        self.body.layout.display = None
        self.stale = set(PANELS)
        self.form.load(code)
        self.show_panel(self.nav.value)
        return True

    def _sync_pickers(self, code: str) -> None:
        r = self.data.village(code)
        self._syncing = True
        try:
            if self.district.value != r["amphoe_code"]:
                self.district.value = r["amphoe_code"]
            self.tambon.options = tambon_options(self.data, r["amphoe_code"], self.lang)
            self.tambon.value = r["tambon_code"]
            self.village_pick.options = village_options(self.data, r["tambon_code"], self.lang)
            self.village_pick.value = code
        finally:
            self._syncing = False

    def show_panel(self, name: str) -> None:
        """Make `name` the visible panel, refreshing it first if the village changed."""
        if name not in PANELS:
            return
        if self.village is not None and name in self.stale:
            self._refresh(name)
        if self.nav.value != name:
            self.nav.value = name
        self.stage.children = [self.panels[name]]

    def set_lang(self, lang: object) -> None:
        """Switch every label and panel to Thai or English."""
        self.lang = L = check_lang(lang)
        self.title.value = f'<div class="okd-h1">{esc(t("title", L))}</div>'
        self._syncing = True
        try:
            d, tb, v = self.district.value, self.tambon.value, self.village_pick.value
            self.district.options = district_options(self.data, L)
            self.district.value = d
            self.tambon.options = tambon_options(self.data, d, L) if d else []
            self.tambon.value = tb
            self.village_pick.options = village_options(self.data, tb, L) if tb else []
            self.village_pick.value = v
        finally:
            self._syncing = False
        for widget, key in (
            (self.district, "district"),
            (self.tambon, "tambon"),
            (self.village_pick, "village"),
            (self.search, "search"),
        ):
            widget.description = t(key, L)
        self._search_map = search_options(self.data, L)
        self.search.options = list(self._search_map)
        self.search.placeholder = t("search_hint", L)
        self.show_households.description = t("show_households", L)
        self.show_people.description = t("show_people", L)
        current = self.nav.value
        self.nav.options = self._nav_options()
        self.nav.value = current
        self.form.relabel()
        if self.language.value != L:
            self.language.value = L
        if self.village is not None:
            self.header.value = village_title(self.data, self.village, L)
            self.stale = set(PANELS)
            self.show_panel(current)
        else:
            self.header.value = note(esc(t("pick_village", L)))

    # --- panels -------------------------------------------------------------------------------
    def _refresh(self, name: str) -> None:
        """Redraw a panel for the village shown. Nothing to show becomes a notice in words; any
        other error the fault message (its traceback in the server's log), never "no data"."""
        code, L = self.village, self.lang
        if code is None:
            return
        if name == "scoring":
            self.stale.discard(name)
            self.form.refresh()
            return
        names = ("glance", "potential") if name in ("glance", "potential") else (name,)
        self.stale -= set(names)
        for panel in names:
            try:
                self._render(panel, code, L)
            except NothingToShow as exc:
                self._blank(panel)
                self.texts[panel].value = nothing_html(exc, L)
            except Exception:
                LOG.exception("circle dashboard: the %s panel failed", panel)
                self._blank(panel)
                self.texts[panel].value = fault_html()

    def _render(self, panel: str, code: str, L: str) -> None:
        data = self.data
        if panel == "glance":
            agreed = agreed_in_force(self.store, code)
            village = data.village(code)
            words = circle_words(self.store, [code, str(village.get("tambon_code", code[:6]))])
            self.texts[panel].value = glance.glance_html(data, code, L, agreed, words)
            update_figure(self.fig_levels, potential.levels_figure(data, code, L))
        elif panel == "potential":
            self.texts[panel].value = potential.potential_html(data, code, L)
            update_figure(self.fig_levels, potential.levels_figure(data, code, L))
        elif panel == "accounts":
            self.texts[panel].value = accounts.accounts_html(data, code, L)
            update_figure(self.fig_spending, accounts.spending_figure(data, code, L))
            self._households_figure(code)
        elif panel == "opportunities":
            self.texts[panel].value = opportunities.opportunities_html(data, code, L)
            update_figure(self.fig_opportunity, opportunities.opportunity_figure(data, code, L))
        elif panel == "components":
            agreed = agreed_in_force(self.store, code)
            self.texts[panel].value = components.components_html(data, code, L, agreed)
        elif panel == "freedom":
            self.texts[panel].value = people.freedom_html(data, code, L)
            figure, height = people.freedom_figure(data, code, L)
            update_figure(self.fig_freedom, figure, height=height)
            self.people_box.value = (
                shown(lambda: people.people_html(data, code, L), L, what="people")
                if self.show_people.value
                else ""
            )
        elif panel == "plan":
            self.texts[panel].value = plans.plan_html(data, code, L)
        elif panel == "topics":
            self.texts[panel].value = topics.topics_html(data, code, L)

    def _blank(self, panel: str) -> None:
        """Empty a panel's figures (a panel that failed or has nothing shows no stale figure)."""
        figures = {
            "glance": self.fig_levels,
            "potential": self.fig_levels,
            "accounts": self.fig_spending,
            "opportunities": self.fig_opportunity,
            "freedom": self.fig_freedom,
        }
        if panel in figures:
            update_figure(figures[panel], go.Figure())
        if panel == "accounts":
            self.households_box.children = []
        if panel == "freedom":
            self.people_box.value = ""

    def _households_figure(self, code: str) -> None:
        """Each household's balance: read (personal rows, this village only) only when the
        facilitator has ticked the box, and never when the village's figures are withheld."""
        if not self.show_households.value or accounts.withheld(self.data, code):
            self.households_box.children = []
            return
        try:
            rows = self.data.households(code)
        except NothingToShow as exc:
            self.households_box.children = [html_box(nothing_html(exc, self.lang))]
            return
        fig = accounts.households_figure(rows, self.lang)
        if self.fig_households is None:
            self.fig_households = figure_widget(fig, height=520)
        else:
            update_figure(self.fig_households, fig)
        self.households_box.children = [self.fig_households]

    def open_from_query(self, query: str | None) -> None:
        """Apply `?village=...&lang=en` from the page's address (checked like any other value)."""
        params = parse_query(query)
        if params.get("lang") in LANGS and params["lang"] != self.lang:
            self.set_lang(params["lang"])
        code, message = village_from_query(self.data, query)
        if code is not None:
            self.open_village(code)
        elif message:
            self.status.value = note(message, "error")


def circle_app(
    data: str | os.PathLike[str] | CircleData | None = None,
    *,
    village: str | None = None,
    lang: str = "th",
    store: str | os.PathLike[str] | None = None,
    query: bool = True,
) -> Any:
    """The circle dashboard as one widget: opens the results (`data.open_data`), then (in Voila) waits
    for the page's request to open `?village=` in `?lang=`. Errors become a Thai/English
    message, never a traceback."""
    try:
        started = time.perf_counter()
        prepared = data if isinstance(data, CircleData) else open_data(data)
        app = CircleDashboard(prepared, store=Path(store) if store else None, lang=lang)
        if village is not None:
            app.open_village(village)
        say_ready("circle", started)
        if query:
            app.open_from_query(wait_for_query())
        return app.root
    except Exception as e:
        return error_widget(e)
