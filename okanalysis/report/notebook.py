"""Reports for readers: the district and province notebooks' helpers and their HTML export.

The notebooks (`notebooks/amphoe_report.ipynb`, `province_summary.ipynb`) stay thin: their
first cell opens the processed data with `open_district` / `open_province` (a wrong code or
path fails there with a clear Thai/English message), and each section runs inside
`section(...)`, which shows its heading and, when a part of the toolkit or of the data is not
there yet, says so plainly instead of a traceback. Tables are formatted the Thai way
(`thai.format_baht`...), and a row the privacy rule suppressed says "fewer than 5".

`export_html` turns an executed notebook into a page for readers: no code, Thai fonts, A4
print layout, every chart drawn offline from one shared `plotly.min.js` beside the reports (the
notebook keeps plotly's own JSON output, which the export renders to HTML), and no URL outside
the page: nbconvert's require.js, MathJax and widget scripts from public CDNs are left out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from okanalysis.charts import html as html_kit
from okanalysis.charts.style import THAI_FONT_STACK, drawable
from okanalysis.contract import hierarchy
from okanalysis.core import labels as core_labels
from okanalysis.core import paths, thai
from okanalysis.core.components import GRADES
from okanalysis.core.errors import InputError, NothingToShow, OkanalysisError
from okanalysis.results.store import Results

TEMPLATES = paths.REPORT_TEMPLATES
TEMPLATE = "okreport"
PLOTLY_JS = "plotly.min.js"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: Where `open_district` looks for data when no path is given.
DEFAULT_DATA = "data/demo"
#: Grades drawn as coloured letters in tables (the colours of `charts.style.GRADE_COLOURS`):
#: the grades of `core.components.GRADES`, best first.
GRADE_CLASSES = GRADES
LANGS = {"th": "th", "en": "en", "ไทย": "th", "thai": "th", "อังกฤษ": "en", "english": "en"}


#: The one "nothing to show" error a section turns into a notice (see `section`).
MissingData = NothingToShow


# ---------------------------------------------------------------------------------------------
# parameters as people type them


def resolve_lang(lang: object) -> str:
    """'th' or 'en' from the language parameter (ไทย / อังกฤษ accepted)."""
    key = str(lang or "th").strip().lower()
    if key not in LANGS:
        raise OkanalysisError(
            "ภาษาต้องเป็น th (ไทย) หรือ en (อังกฤษ)", "lang must be th or en", column="lang", value=lang
        )
    return LANGS[key]


def resolve_amphoe(value: object, province: str = hierarchy.PROVINCE_CODE) -> str:
    """The district code of `province` (default Nakhon Si Thammarat) from what a user typed:
    '8015', 8015, '๘๐๑๕', 'ขนอม', 'อ.ขนอม' or 'Khanom'; a clear error naming the valid codes
    otherwise."""
    from okanalysis.charts.maps import match_name, normalise

    districts = hierarchy.districts(province)
    text = thai.arabic_digits(str(value).strip()) if value is not None else ""
    if text.isdigit() and len(text) == 4 and text in set(districts["amphoe_code"]):
        return text
    if text and not text.isdigit():
        candidates = {
            normalise(n): c
            for n, c in zip(districts["amphoe_th"], districts["amphoe_code"], strict=True)
        }
        candidates.update(
            {
                normalise(n): c
                for n, c in zip(districts["amphoe_en"], districts["amphoe_code"], strict=True)
            }
        )
        code, _ = match_name(text, candidates)
        if code is not None:
            return code
    first, last = districts["amphoe_code"].min(), districts["amphoe_code"].max()
    names = hierarchy.province(province)
    raise OkanalysisError(
        f"ไม่มีอำเภอนี้ใน{names['province_th']}: ใช้รหัสอำเภอ {first}–{last} หรือชื่ออำเภอ",
        f"no such district in {names['province_en']}: use a district code {first}–{last} "
        "or its name",
        column="amphoe_code",
        value=value,
    )


def resolve_year(value: object) -> int | None:
    """A fiscal year in BE from 2551, '๒๕๕๑' or 2008 (CE); None for the latest in the data."""
    if value is None or str(value).strip() in ("", "None", "none"):
        return None
    text = thai.arabic_digits(str(value).strip())
    if not text.isdigit():
        raise OkanalysisError(
            "ปีงบประมาณต้องเป็นตัวเลข เช่น 2551", "the fiscal year must be a year such as 2551",
            column="fiscal_year", value=value,
        )  # fmt: skip
    year = int(text)
    return thai.be_year(year) if year < 2400 else year


def resolve_data(path: str | os.PathLike[str] | None) -> Path:
    """The data path: `path`, else $OKANALYSIS_DATA, else data/demo; a relative path is
    looked for from the working folder and its parents (a notebook runs in notebooks/)."""
    given = path if path not in (None, "") else os.environ.get(paths.DATA_ENV) or DEFAULT_DATA
    candidate = Path(thai.arabic_digits(str(given))).expanduser()
    tried = [candidate] if candidate.is_absolute() else [
        base / candidate for base in (Path.cwd(), *Path.cwd().parents[:2])
    ]  # fmt: skip
    for p in tried:
        if p.exists():
            return p
    raise InputError(
        "ไม่พบข้อมูลที่ระบุ (data_dir): ตรวจชื่อโฟลเดอร์หรือไฟล์ หรือสร้างข้อมูลสาธิตด้วย make demo",
        "no data at this path (data_dir): check the folder or file name, or build the demo with "
        "make demo",
        file=str(candidate),
    )


def resolve_boundaries(path: str | os.PathLike[str] | None) -> Path | None:
    """The boundary GeoJSON, or None when none is given."""
    if path is None or str(path).strip() in ("", "None", "none"):
        return None
    file = resolve_data(path) if not Path(path).is_absolute() else Path(path)
    if not file.is_file():
        raise InputError(
            "ไม่พบไฟล์ขอบเขต (GeoJSON)", "boundary file (GeoJSON) not found", file=str(file)
        )
    return file


# ---------------------------------------------------------------------------------------------
# the data a report reads


@dataclass
class Report:
    """One report's data: the district (`code`, None for the province) and its options. Read
    the results with `table(name)` (this district's rows, the whole province for the summary)
    or `province(name)`, the circle records with `agreed()` and `grade_summary(...)`."""

    code: str | None
    name_th: str
    name_en: str
    lang: str
    year: int | None
    assessment_round: str | None
    boundaries: Path | None
    results: Results
    circle_store: Path | None = None

    @property
    def name(self) -> str:
        return self.name_en if self.lang == "en" else self.name_th

    @property
    def meta(self) -> dict:
        """The results' manifest: source, created, min_group_size, problems..."""
        return self.results.manifest

    @property
    def potential_parameters(self) -> dict:
        """potential.yaml as built (level names for the charts)."""
        return self.results.potential_parameters

    @property
    def share_columns(self) -> list[str]:
        """The roll-up columns of the share of households on each potential level."""
        return [
            f"share_{lv['level']}"
            for lv in level_labels(self.potential_parameters)
            if lv["level_rank"] > 0
        ]

    @property
    def floor(self) -> str:
        """The lowest potential level's code."""
        return floor_level(self.potential_parameters)

    @property
    def province_code(self) -> str:
        """The province the results are for."""
        return self.results.province

    @property
    def province_names(self) -> dict[str, str]:
        """The province's code and Thai and English names (province_code, _th, _en)."""
        return hierarchy.province(self.province_code)

    @property
    def province_districts(self) -> int:
        """How many districts the province has (23 for Nakhon Si Thammarat)."""
        return len(hierarchy.districts(self.province_code))

    @property
    def has_agencies(self) -> bool:
        """Whether the province has lead agencies (Nakhon Si Thammarat's seven, alone)."""
        return self.province_code == hierarchy.PROVINCE_CODE

    def agency_columns(self, columns: Sequence[str]) -> list[str]:
        """`columns` without the lead-agency ones when the province has no lead agencies."""
        return [c for c in columns if self.has_agencies or not c.startswith("agency")]

    def no_agencies(self) -> None:
        """Say, in place of the lead agencies, that this province has none (nothing when it
        has)."""
        if self.has_agencies:
            return
        from okanalysis.topics.budget import no_agencies

        exc = no_agencies(self.province_code)
        notice(exc.expected_th, exc.expected_en, lang=self.lang)

    @property
    def headline(self) -> dict:
        """This district's headline figures (also shown on the index page)."""
        return self.results.headlines.get(self.code, {}) if self.code else {}

    def table(self, name: str, *, level: str | None = None) -> pd.DataFrame:
        """The result table `name` for this report's district (the whole province for the
        summary), optionally only the rows of one `level`."""
        return self.results.table(name, amphoe=self.code, level=level)

    def province(self, name: str, *, level: str | None = None) -> pd.DataFrame:
        """The result table `name` for the whole province."""
        return self.results.table(name, level=level)

    def sessions(self) -> pd.DataFrame | None:
        """The circle entries in force of this report's units (None without a circle store)."""
        from okanalysis.circles import store as circles

        if self.circle_store is None or not self.circle_store.exists():
            return None
        entries = circles.current(self.circle_store)
        if self.code is not None:
            entries = entries[entries["unit_code"].astype(str).str.startswith(self.code)]
        return entries.reset_index(drop=True)

    def agreed(self) -> pd.DataFrame:
        """The agreed grades in force (this report's round, else each unit's latest), one row
        per unit and component; NothingToShow before any circle has recorded one."""
        sessions = self.sessions()
        if sessions is None or sessions.empty:
            raise NothingToShow(
                "ยังไม่มีบันทึกวงเรียนรู้ (ยังไม่มีวงใดบันทึกระดับที่ตกลงกัน)",
                "no circle records yet (no circle has saved an agreed grade)",
            )
        return latest_agreed(sessions, self.assessment_round)

    def visions(self) -> pd.DataFrame:
        """Each village's own words beside its grade (`visions_beside_grades`): the circle
        store's latest statement, else the data's; the agreed grade in force, else the computed
        one. NothingToShow when no village has said what the programme means to it."""
        from okanalysis.circles import store as circles
        from okanalysis.results import tables as t

        statements = (
            self.table(t.VISIONS)
            if t.VISIONS in self.results.tables
            else pd.DataFrame(columns=["level", "unit_code", "statement"])
        )
        circle = None
        if self.circle_store is not None and self.circle_store.exists():
            circle = circles.visions_in_force(self.circle_store)
            if self.code is not None:
                circle = circle[circle["unit_code"].astype(str).str.startswith(self.code)]
        return visions_beside_grades(
            self.table(t.GRADES_UNITS, level="village"),
            statements,
            circle=circle,
            sessions=self.sessions(),
            lang=self.lang,
        )

    def actions(self) -> pd.DataFrame:
        """The circles' action plans of this report's units (`actions_for_report`): each action
        with its state as at the last circle of this report's round (of any round when none
        is set). NothingToShow before any circle has agreed an action."""
        from okanalysis.circles import action_plan as plan

        if self.circle_store is None or not self.circle_store.exists():
            found = None
        else:
            as_of = plan.circle_date(self.circle_store, self.assessment_round)
            found = plan.actions(self.circle_store, as_of=as_of) if as_of else None
            if found is not None:  # overdue at the last circle shown, never today
                found = found.assign(overdue=plan.overdue(found, as_of))
            if found is not None and self.code is not None:
                found = found[found["unit_code"].astype(str).str.startswith(self.code)]
            if found is not None and self.assessment_round is not None:
                found = found[found["round"] == self.assessment_round]
        return with_names(actions_for_report(found, lang=self.lang), self.table("rollup"))

    def grade_change(self) -> pd.DataFrame:
        """The change of each unit's agreed grades since its previous round (`grade_change`)."""
        return grade_change(self.sessions(), self.assessment_round, lang=self.lang)

    def grades(self, level: str) -> Any:
        """The computed grades of one level (village or tambon) as `grading.Grades`, read back
        from the results."""
        from okanalysis.results import tables as t

        return grades_from_tables(
            level,
            self.table(t.GRADES_UNITS, level=level),
            self.table(t.GRADES_COMPONENTS, level=level),
        )

    def grade_summary(self, by: str = "amphoe", *, level: str = "village") -> pd.DataFrame:
        """Computed and agreed grade counts per district (or zone, lead agency), from the
        computed grades and the circle records in force."""
        from okanalysis.grading.change import summary

        return summary(self.grades(level), self.sessions(), by=by, round=self.assessment_round)


def grades_from_tables(level: str, units: pd.DataFrame, components: pd.DataFrame) -> Any:
    """A `grading.Grades` of one level from its result tables (the summaries need no more)."""
    from okanalysis.grading import grades as grading

    units = units.drop(columns="level", errors="ignore")
    components = components.drop(columns="level", errors="ignore")
    version = str(units["rubric_version"].iloc[0]) if len(units) else ""
    return grading.Grades(level, version, units, components, pd.DataFrame(), None)


#: The language of the report being shown in this kernel (set by `open_district`/`open_province`).
_LANG = {"lang": "th"}


def setup(lang: str = "th") -> None:
    """Notebook display settings: plotly figures as plotly's own output (JupyterLab draws it;
    `export_html` renders it to offline HTML), and the report's language for notices."""
    import plotly.io as pio

    _LANG["lang"] = lang

    pio.renderers.default = "plotly_mimetype"


def _results(data_dir: object, fiscal_year: object) -> Results:
    from okanalysis.results.build import build

    return build(resolve_data(data_dir), fiscal_year=resolve_year(fiscal_year))


def _store(circle_store: object) -> Path | None:
    if circle_store in (None, ""):
        return paths.circle_store()
    return Path(thai.arabic_digits(str(circle_store))).expanduser()


def open_district(
    data_dir: object,
    amphoe_code: object,
    *,
    lang: object = "th",
    fiscal_year: object = None,
    assessment_round: object = None,
    boundary_file: object = None,
    circle_store: object = None,
) -> Report:
    """The report data of one district: checks every parameter first (a wrong code, path or
    year fails here, in the notebook's first cell, with a clear message), builds the results
    once if needed (see `okanalysis.results.build`) and returns the district's `Report`."""
    lang = resolve_lang(lang)
    setup(lang)
    boundaries = resolve_boundaries(boundary_file)
    results = _results(data_dir, fiscal_year)
    code = resolve_amphoe(amphoe_code, results.province)
    names = hierarchy.districts(results.province).set_index("amphoe_code")
    if code not in results.districts:
        problems = results.manifest["problems"]
        raise OkanalysisError(
            f"ไม่มีข้อมูลหมู่บ้านของอำเภอ{names.at[code, 'amphoe_th']} ({code}) ในข้อมูลนี้ "
            f"(แถวที่ถูกปฏิเสธทั้งจังหวัด {problems:,} รายการ: ดูไฟล์ rejects "
            "จาก okanalysis validate)",
            f"no village of {names.at[code, 'amphoe_en']} ({code}) in this data "
            f"({problems:,} rows rejected in the province: see the rejects file "
            "from okanalysis validate)",
            column="amphoe_code",
            value=code,
            file=results.manifest["source"],
        )
    return Report(
        code,
        names.at[code, "amphoe_th"],
        names.at[code, "amphoe_en"],
        lang,
        results.fiscal_year,
        None if assessment_round in (None, "") else str(assessment_round),
        boundaries,
        results,
        _store(circle_store),
    )


def open_province(
    data_dir: object,
    *,
    lang: object = "th",
    fiscal_year: object = None,
    assessment_round: object = None,
    boundary_file: object = None,
    circle_store: object = None,
) -> Report:
    """The report data of the whole province (see `open_district`)."""
    lang = resolve_lang(lang)
    setup(lang)
    boundaries = resolve_boundaries(boundary_file)
    results = _results(data_dir, fiscal_year)
    p = hierarchy.province(results.province)
    return Report(
        None,
        p["province_th"],
        p["province_en"],
        lang,
        results.fiscal_year,
        None if assessment_round in (None, "") else str(assessment_round),
        boundaries,
        results,
        _store(circle_store),
    )


def title_text(code: str | None, lang: str = "th", province: str | None = None) -> str:
    """The page title of a district's report (or the province summary's, code None); the
    province is the district's own, else `province` (default Nakhon Si Thammarat)."""
    province = code[:2] if code else (province or hierarchy.PROVINCE_CODE)
    if code is None:
        p = hierarchy.province(province)
        return (
            f"สรุปภาพรวมจังหวัด{p['province_th']}"
            if lang == "th"
            else f"{p['province_en']}: province summary"
        )
    names = hierarchy.districts(province).set_index("amphoe_code")
    if lang == "en":
        return f"{names.at[code, 'amphoe_en']} district report"
    return f"รายงานอำเภอ{names.at[code, 'amphoe_th']}"


# ---------------------------------------------------------------------------------------------
# figures a report leads with


def level_labels(potential_parameters: Mapping) -> list[dict]:
    """The potential levels (top first, not-assessed last): code, Thai and English names."""
    from okanalysis.topics import potential

    labels = potential.read_parameters(potential_parameters).labels()
    return labels.to_dict("records")


def floor_level(potential_parameters: Mapping) -> str:
    """The code of the lowest potential level (income below the poverty line by default)."""
    from okanalysis.topics import potential

    return potential.read_parameters(potential_parameters).levels[-1].code


def headline_items(h: Mapping, lang: str = "th") -> list[tuple[str, str]]:
    """The headline figures as (label, formatted value) pairs, in the reader's language."""
    t = lang == "th"

    def word(key: str) -> str:
        return core_labels.pair(f"column.{key}")[0 if t else 1]

    items = [
        (word("villages"), thai.format_number(h.get("villages"))),
        ("ตำบล" if t else "sub-districts", thai.format_number(h.get("tambons"))),
        ("ครัวเรือน" if t else "households", thai.format_number(h.get("households"))),
        (
            word("households_recording"),
            f"{thai.format_number(h.get('households_recording'))} "
            f"({thai.format_percent(h.get('coverage'), 1)})",
        ),
        (word("below_line_share"), thai.format_percent(h.get("below_line_share"), 1)),
        (
            word("substitutable_annual"),
            thai.format_baht(h.get("substitutable_annual_satang"), lang),
        ),
        (word("avoidable_annual"), thai.format_baht(h.get("avoidable_annual_satang"), lang)),
        (
            "งบอำนวยการ" if t else "facilitation budget",
            thai.format_baht(h.get("budget_satang"), lang),
        ),
    ]
    return items


# ---------------------------------------------------------------------------------------------
# showing things in a notebook


def _display(obj: Any) -> None:
    """Show one output in the notebook (the one place reports display anything)."""
    from IPython.display import display

    display(obj)


def _display_html(text: str) -> None:
    from IPython.display import HTML

    _display(HTML(text))


def say(th: str, en: str = "", *, lang: str = "th") -> None:
    """A paragraph of prose in the reader's language (Thai when no English is given)."""
    _display_html(f"<p>{html.escape(en if lang == 'en' and en else th)}</p>")


def heading(th: str, en: str = "", *, lang: str = "th", level: int = 2) -> None:
    """A heading in the reader's language."""
    text = en if lang == "en" and en else th
    _display_html(f"<h{level}>{html.escape(text)}</h{level}>")


def notice(th: str, en: str, *, lang: str = "th") -> None:
    """A plain message where a section cannot show its figures (no data, not built yet)."""
    first, second = (en, th) if lang == "en" else (th, en)
    _display_html(html_kit.note(html_kit.two_languages(first, second), prefix="ok", kind="warn"))


def show(fig: Any, *, lang: str | None = None) -> None:
    """Display a plotly figure (one chart of the report); a chart with nothing to draw is said
    in words instead of empty axes."""
    if not drawable(fig):
        notice(
            "ไม่มีข้อมูลให้วาดแผนภูมินี้",
            "There is nothing to draw in this chart.",
            lang=lang or _LANG.get("lang", "th"),
        )
        return
    _display(fig)


def cards(items: Sequence[tuple[str, str]]) -> None:
    """Headline figures as a row of cards."""
    _display_html(html_kit.cards(items, prefix="ok"))


def _is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str | list | dict) and pd.isna(value))


def format_value(column: str, value: Any, lang: str = "th") -> str:
    """One cell as a reader expects it: money in baht, shares in percent, counts with
    thousands separators, yes/no in words, dates in the Buddhist era."""
    if _is_missing(value):
        return "–"
    if isinstance(value, bool):
        return ("ใช่" if value else "ไม่ใช่") if lang == "th" else ("yes" if value else "no")
    if column.endswith("_satang"):
        return thai.format_baht(value, lang)
    if isinstance(value, pd.Timestamp | dt.date):
        return thai.format_date(value, lang)
    if isinstance(value, float) and (
        "share" in column
        or column in ("coverage", "assessed_share")
        or column.endswith(("_ratio", "_to_capital"))
    ):
        return thai.format_percent(value, 1)
    if isinstance(value, int) or (
        hasattr(value, "is_integer") and float(value).is_integer() and "mean" not in column
    ):
        return thai.format_number(value)
    if isinstance(value, float):
        return thai.format_number(value, 2)
    return str(value)


def table_html(
    frame: pd.DataFrame,
    columns: Sequence[str] | Mapping[str, tuple[str, str]],
    *,
    labels: Mapping[str, tuple[str, str]] | None = None,
    lang: str = "th",
    max_rows: int | None = None,
) -> str:
    """A formatted HTML table of `columns` (a list, or column -> (Thai, English) header);
    figures of a row the privacy rule suppressed read "fewer than N"."""
    if isinstance(columns, Mapping):
        headers = dict(columns)
    else:
        labels = {**NAME_LABELS, **(labels or {})}
        headers = {c: labels.get(c, (c, c)) for c in columns}
    rows = frame if max_rows is None else frame.head(max_rows)
    suppressed = rows["suppressed"].fillna(False).astype(bool) if "suppressed" in rows else None
    hidden = "ไม่แสดง (กลุ่มเล็ก)" if lang == "th" else "hidden (small group)"
    numeric = {
        c
        for c in headers
        if c in rows
        and pd.api.types.is_numeric_dtype(rows[c])
        and not pd.api.types.is_bool_dtype(rows[c])
    }
    head = "".join(
        f"<th{' class=num' if c in numeric else ''}>{html.escape(h[1] if lang == 'en' else h[0])}</th>"
        for c, h in headers.items()
    )
    body = []
    for i, (_, row) in enumerate(rows.iterrows()):
        cells = []
        for column in headers:
            value = _name(row, lang) if column == "name" else row.get(column)
            text = format_value(column, value, lang)
            small = suppressed is not None and suppressed.iloc[i] and _is_missing(value)
            cls = " class=num" if column in numeric else ""
            if text in GRADE_CLASSES:
                text_html = html_kit.grade_badge(text, prefix="ok")
            else:
                text_html = html.escape(hidden if small else text)
            cells.append(f"<td{cls}>{text_html}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    more = ""
    if max_rows is not None and len(frame) > max_rows:
        more = (
            f'<p class="ok-more">แสดง {max_rows:,} จาก {len(frame):,} แถว</p>'
            if lang == "th"
            else f'<p class="ok-more">showing {max_rows:,} of {len(frame):,} rows</p>'
        )
    return (
        f'<table class="ok-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{more}"
    )


def table(
    frame: pd.DataFrame,
    columns: Sequence[str] | Mapping[str, tuple[str, str]],
    *,
    labels: Mapping[str, tuple[str, str]] | None = None,
    lang: str = "th",
    max_rows: int | None = None,
) -> None:
    """Display a formatted table (see `table_html`); says so when there are no rows."""
    if frame.empty:
        notice("ไม่มีรายการ", "nothing to list", lang=lang)
        return
    _display_html(table_html(frame, columns, labels=labels, lang=lang, max_rows=max_rows))


def _name(row: pd.Series, lang: str) -> Any:
    """A row's unit name in the reader's language (Thai when no English name is known)."""
    for th, en in (("name_th", "name_en"), ("unit_th", "unit_en"), ("amphoe_th", "amphoe_en")):
        if th in row.index:
            english = row.get(en)
            return english if lang == "en" and not _is_missing(english) else row.get(th)
    return row.get("unit_code")


def require_rows(frame: pd.DataFrame, th: str, en: str) -> pd.DataFrame:
    """`frame`, or MissingData (shown by `section`) when it has no rows."""
    if frame.empty:
        raise MissingData(th, en)
    return frame


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame`, or MissingData when the privacy rule hid every row of it."""
    if (
        "suppressed" in frame
        and len(frame)
        and frame["suppressed"].fillna(False).astype(bool).all()
    ):
        raise MissingData(
            "ตัวเลขส่วนนี้ไม่แสดง เพราะกลุ่มเล็กกว่าเกณฑ์ความเป็นส่วนตัว",
            "these figures are hidden: the group is smaller than the privacy setting",
        )
    return frame


def unmatched(names: pd.DataFrame, boundaries: object, *, lang: str = "th") -> None:
    """Say which boundary names did not match (or that all did, or that no file was given)."""
    if boundaries is None:
        say(
            "ยังไม่ได้ระบุไฟล์ขอบเขต (boundary_file) จึงแสดงเป็นแผนภาพต้นไม้ของ อำเภอ ตำบล หมู่บ้าน "
            "ขนาดตามจำนวนครัวเรือนที่ทำบัญชี",
            "No boundary file (boundary_file) was given, so the map is a treemap of district, "
            "sub-districts and villages, sized by the households keeping accounts.",
            lang=lang,
        )
    elif names.empty:
        say("ทุกชื่อพื้นที่ในไฟล์ขอบเขตจับคู่กับข้อมูลได้", "Every name in the boundary file matched.", lang=lang)
    else:
        heading("ชื่อที่จับคู่ไม่ได้", "Names that did not match", lang=lang, level=3)
        table(names, {"name": ("ชื่อ", "name"), f"reason_{lang}": ("เหตุผล", "reason")}, lang=lang)


@contextlib.contextmanager
def section(th: str, en: str = "", *, lang: str = "th", level: int = 2) -> Iterator[None]:
    """A report section: shows its heading, runs the body and, when there is nothing to show
    (no rows for this unit, no circle records yet, fewer than two freedom-table rounds...),
    says so in Thai and English. Any other error is a fault: it propagates, so the batch
    marks the report failed and names it."""
    heading(th, en, lang=lang, level=level)
    try:
        yield
    except NothingToShow as exc:
        notice(
            f"ยังไม่มีข้อมูลส่วนนี้: {exc.expected_th}",
            f"Nothing to show here yet: {exc.expected_en}",
            lang=lang,
        )


# ---------------------------------------------------------------------------------------------
# district and province tables


#: Count and money columns of a roll-up that add up from one level to the next.
def _additive(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if (c.startswith("households") or c.endswith("_satang"))
        and not c.startswith("median_")
        and pd.api.types.is_numeric_dtype(frame[c])
    ]


def combine_rollups(
    rollup: pd.DataFrame, groups: pd.Series, names: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Roll-up rows combined into groups (zones from sub-districts, lead agencies from
    districts): counts and money summed exactly, coverage and level shares recomputed from
    the sums. `groups` maps unit_code -> group; rows without a group are left out. Medians
    cannot be combined and are dropped."""
    rows = rollup.assign(group=rollup["unit_code"].map(groups)).dropna(subset=["group"])
    columns = _additive(rows)
    sums = rows.groupby("group", sort=True)[columns].sum(min_count=1)
    out = sums.reset_index()
    hh = out["households"].astype("Float64")
    out["coverage"] = (out["households_recording"] / hh.where(hh > 0)).astype(float)
    assessed = out["households_assessed"].astype("Float64")
    out["assessed_share"] = (
        out["households_assessed"]
        / out["households_recording"].where(out["households_recording"] > 0)
    ).astype(float)
    for c in [c for c in rollup.columns if c.startswith("share_")]:
        level = c.removeprefix("share_")
        out[c] = (out[f"households_{level}"] / assessed.where(assessed > 0)).astype(float)
    out.insert(1, "units", rows.groupby("group", sort=True).size().to_numpy())
    if names is not None:
        out = out.merge(names, on="group", how="left")
    return out


def rank(values: pd.Series, *, ascending: bool = False) -> pd.Series:
    """Rank 1 = best (highest unless `ascending`); ties share the better rank; missing stays
    missing."""
    return values.astype("Float64").rank(method="min", ascending=ascending).astype("Int64")


def district_table(rollup: pd.DataFrame, allocation: pd.DataFrame, floor: str) -> pd.DataFrame:
    """One row per district with its headline figures and ranks: coverage (higher better),
    share below the lowest level (lower better), substitutable and avoidable spending per
    recording household (lower better)."""
    d = rollup[rollup["level"] == "amphoe"].copy()
    d = d.merge(
        allocation[
            ["amphoe_code", "agency_th", "agency_en", "villages", "budget_satang", "spent_satang"]
        ],
        left_on="unit_code",
        right_on="amphoe_code",
        how="left",
    )
    rec = d["households_recording"].astype("Float64")
    for kind in ("substitutable", "avoidable"):
        per = d[f"{kind}_annual_satang"].astype("Float64") / rec.where(rec > 0)
        d[f"{kind}_per_household_satang"] = per.round().astype("Int64")
    d["below_line_share"] = d[f"share_{floor}"]
    d["rank_coverage"] = rank(d["coverage"])
    d["rank_below_line"] = rank(d["below_line_share"], ascending=True)
    d["rank_substitutable"] = rank(d["substitutable_per_household_satang"], ascending=True)
    d["rank_avoidable"] = rank(d["avoidable_per_household_satang"], ascending=True)
    return d.sort_values("unit_code").reset_index(drop=True)


def latest_agreed(current: pd.DataFrame, assessment_round: str | None = None) -> pd.DataFrame:
    """The agreed grades in force (`circles.in_force` of the entries of `circles.current`):
    those of `assessment_round`, or each unit's latest round by date; one row per unit and
    component with the computed and agreed grade, the reason for a difference and the evidence
    weighed."""
    from okanalysis.circles import store as circles
    from okanalysis.core.components import component_name

    long = circles.component_scores(circles.in_force(current, round=assessment_round))
    long["component_th"] = long["component"].map(lambda c: component_name(c, "th"))
    long["component_en"] = long["component"].map(lambda c: component_name(c, "en"))
    return long.sort_values(
        ["unit_code", "component"],
        key=lambda s: s.map(_component_order) if s.name == "component" else s,
    ).reset_index(drop=True)


#: The headers of the table of the villages' own words (`Report.visions`).
VISION_HEADERS: dict[str, tuple[str, str]] = {
    "name": ("หมู่บ้าน", "village"),
    "statement": (
        "ความหมายของชุมชนอินทรีย์อยู่ดีมีสุขในคำของชุมชน",
        "what it means, in the community's words",
    ),
    "grade": ("ระดับรวม", "overall grade"),
    "grade_from": ("ที่มาของระดับ", "grade from"),
}
_GRADE_FROM = {
    "agreed": ("วงเรียนรู้ตกลง", "agreed in a circle"),
    "computed": ("คำนวณจากข้อมูล", "computed"),
}


def visions_beside_grades(
    grades: pd.DataFrame,
    statements: pd.DataFrame,
    *,
    circle: pd.DataFrame | None = None,
    sessions: pd.DataFrame | None = None,
    lang: str = "th",
) -> pd.DataFrame:
    """Each village's statement of what "organic community, live well, be happy" means to it,
    beside its overall grade: one row per village with a statement, by unit code.

    `grades` are the computed grades of villages (GRADES_UNITS: unit_code, overall, names);
    `statements` the data's (VISIONS: unit_code, statement); `circle` the circle store's
    statements in force (`circles.visions_in_force`), which win over the data's; `sessions`
    the circle entries (`circles.current`), whose agreed overall grade in force wins over the
    computed one. Columns: unit_code, the names, statement, statement_from ("circle" or
    "data"), grade, grade_from (in words, `lang`). NothingToShow when no village has a
    statement.
    """
    from okanalysis.circles import store as circles

    g = grades
    if "level" in g:
        g = g.loc[g["level"] == "village"]
    g = g.drop_duplicates("unit_code").set_index("unit_code")
    villages = set(g.index.astype(str))
    said: dict[str, tuple[str, str]] = {}
    for frame, source in ((statements, "data"), (circle, "circle")):  # the circle's last: wins
        if frame is None or frame.empty:
            continue
        for code, text in zip(frame["unit_code"].astype(str), frame["statement"], strict=True):
            if code in villages and isinstance(text, str) and text.strip():
                said[code] = (text.strip(), source)
    if not said:
        raise NothingToShow(
            "ยังไม่มีหมู่บ้านใดบอกว่าชุมชนอินทรีย์อยู่ดีมีสุขหมายถึงอะไรสำหรับตน",
            "no village has yet said what 'organic community, live well, be happy' means to it",
        )
    agreed: dict[str, str] = {}
    if sessions is not None and not sessions.empty:
        force = circles.in_force(sessions, level="village")
        agreed = dict(zip(force["unit_code"].astype(str), force["overall"], strict=True))
    rows = []
    for code in sorted(said):
        text, source = said[code]
        grade, grade_from = agreed.get(code), "agreed"
        if grade is None:
            computed = g.at[code, "overall"] if "overall" in g else None
            grade, grade_from = (computed if computed in GRADES else None), "computed"
        names = {c: g.at[code, c] for c in ("name_th", "name_en", "unit_th", "unit_en") if c in g}
        rows.append(
            {
                "unit_code": code,
                **names,
                "statement": text,
                "statement_from": source,
                "grade": grade,
                "grade_from": _GRADE_FROM[grade_from][1 if lang == "en" else 0]
                if grade is not None
                else "",
            }
        )
    return pd.DataFrame(rows)


#: The headers of the circles' action plans (`Report.actions`).
ACTION_HEADERS: dict[str, tuple[str, str]] = {
    "name": core_labels.pair("column.name"),
    "round": core_labels.pair("column.round"),
    "component": core_labels.pair("column.component"),
    "what": core_labels.pair("column.action_what"),
    "lead": core_labels.pair("column.lead_role"),
    "when": ("ช่วงเวลา", "when"),
    "cost": ("งบประมาณ (บาท)", "cost (baht)"),
    "households": core_labels.pair("column.action_households"),
    "state": core_labels.pair("column.action_state"),
    "said": core_labels.pair("column.action_said"),
}


def actions_for_report(found: pd.DataFrame | None, *, lang: str = "th") -> pd.DataFrame:
    """The circles' actions (rows of `action_plan.actions`, with `overdue` when known) as a
    report lists them, by unit and circle date: unit_code, round, component, what, who leads
    (a name only if written), when (Buddhist era), cost in baht (exact, as text), households,
    state (overdue marked) and what a later circle said. Add the units' names with
    `with_names`. NothingToShow when there is none."""
    from okanalysis.circles import action_plan as plan
    from okanalysis.core.components import component_name

    if found is None or found.empty:
        raise NothingToShow(
            "ยังไม่มีวงเรียนรู้ใดตกลงแผนปฏิบัติการ", "no circle has agreed an action plan yet"
        )
    rows = []
    for _, r in found.iterrows():
        state = plan.word(plan.ACTION_STATES, r["state"], lang)
        if "overdue" in r and bool(r["overdue"]):
            state += f" ({core_labels.label('action_state.overdue', lang)})"
        rows.append(
            {
                "unit_code": r["unit_code"],
                "round": r["round"],
                "component": component_name(r["component"], lang),
                "what": r["what"],
                "lead": plan.lead_text(r["lead_role"], r["lead_name"], lang),
                "when": plan.when_text(r["start_date"], r["end_date"], lang),
                "cost": plan.baht_text(r["cost_satang"]),
                "households": int(r["households"]),
                "state": state,
                "said": r["state_sentence"],
            }
        )
    return pd.DataFrame(rows)


#: The headers of the change of agreed grades since the previous round (`Report.grade_change`).
CHANGE_HEADERS: dict[str, tuple[str, str]] = {
    "unit_code": core_labels.pair("column.code"),
    "component": core_labels.pair("column.component"),
    "round_before": core_labels.pair("column.round_before"),
    "grade_before": core_labels.pair("column.grade_before"),
    "round": core_labels.pair("column.round"),
    "grade_now": core_labels.pair("column.grade_now"),
    "direction": core_labels.pair("column.direction"),
}


def grade_change(
    sessions: pd.DataFrame | None, assessment_round: str | None = None, *, lang: str = "th"
) -> pd.DataFrame:
    """Each unit's agreed grades (the five components and the overall) in `assessment_round`
    (else its latest round) beside those of its previous round: the round of its circle before
    that one by circle date, never by round name. `sessions` is `circles.current(store)`. One
    row per unit and component with a previous round: unit_code, component (in words),
    round_before, grade_before, round, grade_now, direction (in words: improved, unchanged,
    declined). NothingToShow when no unit has two rounds yet."""
    from okanalysis.core.components import COMPONENT_CODES, component_name, grade_rank

    none = NothingToShow(
        "ยังไม่มีหมู่บ้านใดผ่านวงเรียนรู้สองรอบ จึงยังไม่มีการเปลี่ยนแปลงของระดับ",
        "no unit has had two circle rounds yet, so there is no change of grades to show",
    )
    if sessions is None or sessions.empty:
        raise none
    force = (
        sessions.loc[sessions["is_current"].astype(bool)] if "is_current" in sessions else sessions
    )
    rows = []
    for code, entries in force.groupby("unit_code", sort=True):
        entries = entries.sort_values(["date", "created_at", "uuid"], kind="stable")
        if assessment_round is not None:
            now = entries.loc[entries["round"] == assessment_round]
            if now.empty:
                continue
            now = now.iloc[-1]
        else:
            now = entries.iloc[-1]
        before = entries.loc[(entries["date"] < now["date"]) & (entries["round"] != now["round"])]
        if before.empty:
            continue
        then = before.iloc[-1]
        for key in (*COMPONENT_CODES, "overall"):
            column = "overall" if key == "overall" else f"{key}_agreed"
            a, b = then[column], now[column]
            if grade_rank(a) is None or grade_rank(b) is None:
                continue
            step = grade_rank(b) - grade_rank(a)
            direction = "up" if step > 0 else "down" if step < 0 else "same"
            rows.append(
                {
                    "unit_code": str(code),
                    "component": core_labels.label("grade.overall", lang)
                    if key == "overall"
                    else component_name(key, lang),
                    "round_before": then["round"],
                    "grade_before": a,
                    "round": now["round"],
                    "grade_now": b,
                    "direction": core_labels.label(f"direction.{direction}", lang),
                }
            )
    if not rows:
        raise none
    return pd.DataFrame(rows)


def _component_order(code: str) -> int:
    from okanalysis.core.components import COMPONENT_CODES

    return COMPONENT_CODES.index(code) if code in COMPONENT_CODES else len(COMPONENT_CODES)


def grade_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a grading result that hold A/B/C grades."""
    found = []
    for c in frame.columns:
        values = frame[c].dropna()
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            if len(values) and values.astype(str).isin(GRADES).all():
                found.append(c)
    return found


def grade_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """How many units got A, B and C (and no grade) in each grade column of a grading result."""
    rows = []
    for c in grade_columns(frame):
        counts = frame[c].value_counts()
        rows.append(
            {
                "grade_of": c,
                **{g: int(counts.get(g, 0)) for g in GRADES},
                "none": int(frame[c].isna().sum()),
            }
        )
    return pd.DataFrame(rows, columns=["grade_of", *GRADES, "none"])


#: Headers of the name column and of the programme tables a report shows (the roll-up's and
#: the grading's come from `potential.column_labels` and `grading.column_labels`); the words
#: are `okanalysis.core.labels`'.
NAME_LABELS: dict[str, tuple[str, str]] = {
    "name": core_labels.pair("column.name"),
    "unit_code": core_labels.pair("column.code"),
}
PROGRAMME_LABELS: dict[str, tuple[str, str]] = core_labels.group(
    "column",
    (
        # opportunities
        "substitutable", "avoidable", "kind_th", "kind_en", "category_en", "component_en", "rank",
        "category_th", "yearly_satang", "households_buying", "share_of_spending",
        # people
        "villages", "cores", "cores_missing", "villages_short_of_cores", "tambon_facilitators",
        "sectors_missing", "without_successor", "people", "successor_share",
        "new_generation_share", "female_share", "median_age", "role_th", "criterion_th",
        "can_do_now", "score_start_mean", "score_end_mean", "reached_target_share",
        # plans
        "items", "items_in_tao_plan", "items_with_agency_project", "items_unsupported",
        "supported_share", "cost_satang", "top_down_projects", "addresses_top_opportunities",
        "title", "kind", "payer_th",
        # centres, finance, standards
        "centres", "centres_registered", "centres_in_use", "activities", "visitors", "groups",
        "groups_active", "members", "household_coverage", "welfare_coverage", "capital_satang",
        "arrears_ratio", "welfare_model_th", "health_share", "health_villages_passed",
        "cdd_villages_passed", "cdd_indicator_share",
        # budget
        "per_village_satang", "budget_satang", "spent_satang", "balance_satang", "share_spent",
        "topic_th", "share_of_spent", "share_of_budget", "agency_th", "districts",
        # circles
        "round", "component_th", "computed", "agreed", "reason", "evidence",
        # district table
        "units", "below_line_share", "substitutable_per_household_satang",
        "avoidable_per_household_satang", "rank_coverage", "rank_below_line",
        "rank_substitutable", "rank_avoidable", "zone_th",
    ),
)  # fmt: skip


def labels(r: Report | None = None) -> dict[str, tuple[str, str]]:
    """Column headers for a report's tables: the roll-up's, the grading's and the programme's."""
    from okanalysis.topics import potential

    out = dict(potential.column_labels(r.potential_parameters if r else None))
    with contextlib.suppress(ImportError, AttributeError):
        from okanalysis.grading.change import column_labels

        out.update(column_labels())
    out.update(PROGRAMME_LABELS)
    return out


def top_outflows(
    opportunities: pd.DataFrame, units: pd.DataFrame, *, top: int = 3, lang: str = "th"
) -> pd.DataFrame:
    """Each unit of `units` (roll-up rows giving the names) with its `top` outflows of each
    kind as one line ("1. ปุ๋ยเคมี 351,262 บาท · 2. ..."): columns unit_code, name_th, name_en,
    substitutable, avoidable and households_recording. A figure the privacy rule hid reads –."""
    rows = opportunities[
        opportunities["unit_code"].isin(set(units["unit_code"])) & (opportunities["rank"] <= top)
    ].sort_values(["unit_code", "kind", "rank"])
    name = "name_en" if lang == "en" else "name_th"
    rows = rows.assign(
        item=[
            f"{rank}. {item} {thai.format_baht(money, lang)}"
            for rank, item, money in zip(
                rows["rank"], rows[name], rows["yearly_satang"], strict=True
            )
        ]
    )
    lines = rows.groupby(["unit_code", "kind"])["item"].agg(" · ".join).unstack("kind")
    out = units[["unit_code", "name_th", "name_en"]].drop_duplicates("unit_code")
    for kind in ("substitutable", "avoidable"):
        column = lines[kind] if kind in lines else pd.Series(dtype="str")
        out[kind] = out["unit_code"].map(column).astype("str")
    recording = opportunities.drop_duplicates("unit_code").set_index("unit_code")
    out["households_recording"] = out["unit_code"].map(recording["households_recording"])
    return out.reset_index(drop=True)


def with_names(frame: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the Thai and English names of its units (from rows with unit_th/unit_en
    or name_th/name_en)."""
    th, en = ("unit_th", "unit_en") if "unit_th" in units else ("name_th", "name_en")
    names = (
        units[["unit_code", th, en]]
        .drop_duplicates("unit_code")
        .rename(columns={th: "unit_th", en: "unit_en"})
    )
    return frame.drop(columns=[c for c in ("unit_th", "unit_en") if c in frame]).merge(
        names, on="unit_code", how="left"
    )


def level_rules(potential_parameters: Mapping, *, lang: str = "th") -> pd.DataFrame:
    """The potential levels and the rules that define them, as the summary explains them."""
    from okanalysis.topics import potential

    pp = potential.read_parameters(potential_parameters)
    rows = []
    for lv in pp.levels:
        if lv.floor:
            rule = "ผู้ที่ไม่ผ่านระดับข้างบน" if lang == "th" else "everyone not on a level above"
        else:
            rule = "; ".join(r.text(lang) for r in lv.rules)
        rows.append({"level": lv.name(lang), "rules": rule})
    return pd.DataFrame(rows)


def with_rule_values(
    potential_parameters: Mapping, values: Mapping[tuple[str, int], float]
) -> dict:
    """A copy of potential parameters with some rule thresholds changed: `values` maps
    (level code, rule position) -> new value. For tuning in the explore notebook."""
    out = json.loads(json.dumps(potential_parameters))
    for level in out["levels"]:
        for i, rule in enumerate(level.get("rules") or []):
            if (level["code"], i) in values:
                rule["value"] = float(values[level["code"], i])
    return out


def with_cutoffs(rubric: Any, cutoffs: Mapping[str, Mapping[str, float]]) -> Any:
    """A copy of a grading rubric (`grading.read_rubric()`) with some components' cut-offs
    changed: `cutoffs` maps component -> {grade: mean points needed}. For tuning in the
    explore notebook; the copy keeps the file's version, it is not a new rubric."""
    import dataclasses

    components = []
    for comp in rubric.components:
        wanted = cutoffs.get(comp.code, {})
        cuts = tuple(
            dataclasses.replace(cut, mean_at_least=float(wanted[cut.grade]))
            if cut.grade in wanted
            else cut
            for cut in comp.cuts
        )
        components.append(dataclasses.replace(comp, cuts=cuts))
    return dataclasses.replace(rubric, components=tuple(components))


# ---------------------------------------------------------------------------------------------
# HTML export


def css() -> str:
    """The reports' style sheet: the shared kit (`charts.html`: cards, tables, grade badges,
    message boxes) with the Thai font stack, readable headings and an A4 print layout."""
    return f"""
:root {{ --ok-ink: #1b1b1b; --ok-muted: #555; --ok-line: #d0d0d0; --ok-accent: #0072B2; }}
{html_kit.font_css("html", size=16, line_height=1.6)}
body {{ margin: 0 auto; max-width: 1100px; padding: 1.5rem 2rem; background: #fff; }}
h1, h2, h3 {{ line-height: 1.3; }}
h1 {{ font-size: 1.9rem; border-bottom: 3px solid var(--ok-accent); padding-bottom: .3rem; }}
h2 {{ font-size: 1.45rem; margin-top: 2.2rem; border-bottom: 1px solid var(--ok-line); }}
h3 {{ font-size: 1.15rem; margin-top: 1.4rem; }}
a {{ color: var(--ok-accent); }}
pre {{ white-space: pre-wrap; font-family: {THAI_FONT_STACK}; }}
.jp-OutputPrompt, .jp-InputPrompt, .jp-Collapser {{ display: none; }}
.jp-Cell {{ margin: 0; padding: 0; }}
.jp-OutputArea-child {{ margin: .4rem 0; }}
{html_kit.component_css("ok", size=15)}
table.ok-table, table.dataframe {{ width: 100%; }}
.dataframe th, .dataframe td {{ border-bottom: 1px solid var(--ok-line); padding: .3rem .5rem; text-align: left; vertical-align: top; }}
.ok-table td:first-child {{ white-space: nowrap; }}
.ok-more {{ color: var(--ok-muted); font-size: .85rem; }}
.ok-failed {{ color: #D55E00; font-weight: bold; }}
.ok-footer {{ color: var(--ok-muted); font-size: .85rem; margin-top: 2rem; }}
.plotly-graph-div {{ max-width: 100%; }}
@page {{ size: A4; margin: 14mm 12mm; }}
@media print {{
  html {{ font-size: 11pt; }}
  body {{ max-width: none; padding: 0; }}
  h2 {{ break-after: avoid; }}
  h3 {{ break-after: avoid; }}
  .jp-OutputArea-child, .ok-card, tr, .plotly-graph-div {{ break-inside: avoid; }}
  .ok-table {{ font-size: 9.5pt; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""


def write_plotly_js(folder: str | os.PathLike[str]) -> Path:
    """The one shared copy of plotly.js beside the reports (written when missing or old)."""
    from plotly.offline import get_plotlyjs

    target = Path(folder) / PLOTLY_JS
    source = get_plotlyjs()
    if not target.is_file() or target.stat().st_size != len(source.encode("utf-8")):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{PLOTLY_JS}.{os.getpid()}.tmp")
        tmp.write_text(source, encoding="utf-8")
        os.replace(tmp, target)
    return target


def _plotly_html(figure: dict) -> str:
    import plotly.io as pio

    return pio.to_html(
        figure,
        include_plotlyjs=False,
        full_html=False,
        validate=False,
        config={"displaylogo": False, "responsive": True},
    )


def reader_notebook(nb: Any) -> Any:
    """A copy of an executed notebook as readers see it: plotly output rendered to HTML
    (drawn by the shared plotly.js), warnings and other stderr output left out."""
    import copy

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                continue
            data = out.get("data")
            if data and PLOTLY_MIME in data:
                out["data"] = {"text/html": _plotly_html(data[PLOTLY_MIME])}
            kept.append(out)
        cell["outputs"] = kept
    return nb


def chart_count(nb: Any) -> int:
    """How many charts an executed notebook holds (plotly outputs)."""
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if PLOTLY_MIME in (out.get("data") or {})
    )


def export_html(
    ipynb: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    title: str | None = None,
    lang: str = "th",
) -> Path:
    """An executed notebook as an HTML page for readers (no code; see the module docstring);
    writes `out` (default: beside the notebook) and `plotly.min.js` beside it."""
    import nbformat
    from nbconvert import HTMLExporter

    ipynb = Path(ipynb)
    target = Path(out) if out else ipynb.with_suffix(".html")
    nb = reader_notebook(nbformat.read(ipynb, as_version=4))
    exporter = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {
        "metadata": {"name": title or ipynb.stem},
        "okanalysis": {
            "css": css(),
            "plotly_js": PLOTLY_JS,
            "lang": lang,
            "title": title or ipynb.stem,
        },
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    write_plotly_js(target.parent)
    return target


def index_html(
    rows: Sequence[Mapping[str, Any]],
    province: Mapping[str, Any],
    *,
    fiscal_year: int | None = None,
    lang: str = "th",
    province_code: str = hierarchy.PROVINCE_CODE,
) -> str:
    """The reports' front page, in Thai: every district with its headline figures and links
    to its report, failed reports marked with their error, and the province summary (of
    `province_code`; without the lead-agency column outside Nakhon Si Thammarat)."""
    p = hierarchy.province(province_code)
    agencies = province_code == hierarchy.PROVINCE_CODE
    t = lang == "th"
    title = (
        f"รายงานรายอำเภอ จังหวัด{p['province_th']}" if t else f"{p['province_en']}: district reports"
    )
    year = (
        f"ปีงบประมาณ {fiscal_year}"
        if t and fiscal_year
        else (f"fiscal year {fiscal_year} BE" if fiscal_year else "")
    )
    heads = [
        core_labels.pair(key)[0 if t else 1]
        for key in ("level.amphoe", "column.agency_th", "column.villages",
                    "column.households_recording", "column.below_line_share",
                    "column.substitutable_annual", "column.avoidable_annual")
    ] + ["รายงาน" if t else "report"]  # fmt: skip
    nums = {2, 3, 4, 5, 6}
    if not agencies:  # no lead-agency column outside Nakhon Si Thammarat
        heads = [h for i, h in enumerate(heads) if i != 1]
        nums = {i - 1 for i in nums}
    body = []
    failed = []
    for r in rows:
        h = r.get("headline") or {}
        name = r["amphoe_th"] if t else r["amphoe_en"]
        if r.get("html") and r.get("status") == "ok":
            link = f'<a href="{html.escape(r["html"])}">{"เปิดรายงาน" if t else "open"}</a>'
            if r.get("stale"):
                link += (
                    "<br><small>"
                    + ("ข้อมูลใหม่กว่ารายงาน" if t else "data newer than the report")
                    + "</small>"
                )
        elif r.get("status") == "failed":
            failed.append(name)
            note = html.escape(
                (r.get("error") or "").splitlines()[0][:300] if r.get("error") else ""
            )
            link = (
                f'<span class="ok-failed">{"สร้างไม่สำเร็จ" if t else "failed"}</span> '
                f'<a href="{html.escape(r["ipynb"] or "")}">ipynb</a><br><small>{note}</small>'
            )
        elif not r.get("has_data"):
            link = core_labels.pair("status.no_data")[0 if t else 1]
        else:
            link = "ยังไม่ได้สร้าง" if t else "not generated"
        cells = [
            f"{html.escape(str(name))} ({r['amphoe_code']})",
            html.escape(str(r.get("agency") or "")),
            thai.format_number(h.get("villages")),
            f"{thai.format_number(h.get('households_recording'))} ({thai.format_percent(h.get('coverage'), 1)})",
            thai.format_percent(h.get("below_line_share"), 1),
            thai.format_baht(h.get("substitutable_annual_satang"), lang),
            thai.format_baht(h.get("avoidable_annual_satang"), lang),
            link,
        ]
        if not agencies:
            cells = [c for i, c in enumerate(cells) if i != 1]
        body.append(
            "<tr>"
            + "".join(
                f"<td{' class=num' if i in nums else ''}>{c}</td>" for i, c in enumerate(cells)
            )
            + "</tr>"
        )
    if province.get("html") and province.get("status") == "ok":
        summary = f'<p><a href="{html.escape(province["html"])}">{"สรุปภาพรวมจังหวัด" if t else "Province summary"}</a></p>'
    elif province.get("status") == "failed":
        summary = (
            f'<p class="ok-failed">{"สรุปภาพรวมจังหวัดสร้างไม่สำเร็จ" if t else "The province summary failed"}: '
            f"{html.escape((province.get('error') or '').splitlines()[0][:300] if province.get('error') else '')}</p>"
        )
    else:
        summary = ""
    warn = ""
    if failed:
        names = ", ".join(failed)
        warn = f'<p class="ok-failed">{"รายงานที่สร้างไม่สำเร็จ" if t else "Reports that failed"}: {html.escape(names)}</p>'
    now = thai.format_date(dt.date.today(), lang)
    foot = (
        f"สร้างเมื่อ {now} ด้วย okanalysis · ตัวเลขของกลุ่มที่เล็กกว่าเกณฑ์ความเป็นส่วนตัวไม่แสดง"
        if t
        else f"made on {now} with okanalysis · figures of groups below the privacy setting are hidden"
    )
    head_row = "".join(
        f"<th{' class=num' if i in nums else ''}>{html.escape(h)}</th>" for i, h in enumerate(heads)
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{css()}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(year)}</p>{summary}{warn}"
        f'<table class="ok-table"><thead><tr>{head_row}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        f'<p class="ok-footer">{html.escape(foot)}</p></body></html>\n'
    )
