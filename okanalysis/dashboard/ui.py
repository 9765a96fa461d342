"""The circle dashboards' building blocks: what each panel shows, the scoring form, the scorecard.

The notebooks in `notebooks/dashboards` only call `circle_app` / `district_app`. Everything they
show comes from the library's own functions (`potential.rollup` and `opportunities`,
`ledger.household_summary`, `people.freedom_progress`, `plans`, `centres`, `finance`,
`standards`, `grading.grade`, `circles`), computed once per kernel in `prepare` so that picking
another village only slices tables and updates figures in place.

The module has three layers, each testable on its own:
- pure views: `village_view`-style functions that turn the prepared tables into HTML text (Thai
  first, English with `lang="en"`, numbers formatted by `okanalysis.thai`);
- the form: `session_from_form` checks every value that arrives from the page (a widget value
  can be set to anything by a crafted message) before `circles.check_session` and
  `circles.save_session` see it; a bad value gives a message and changes nothing;
- the widgets: `CircleDashboard` and `DistrictScorecard` (ipywidgets and plotly FigureWidgets,
  never inside Tab widgets, traces updated in place).

Privacy: household and person figures come from the shareable results (the library's one
privacy setting hides groups smaller than `privacy.min_group_size()`); individual households
and persons are shown only when the facilitator turns that on.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import logging
import os
import sys
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from okanalysis import charts
from okanalysis.charts.style import GRADE_COLOURS, THAI_FONT_STACK
from okanalysis.circles import store as circles
from okanalysis.contract import hierarchy, schema
from okanalysis.contract.dataset import Dataset
from okanalysis.core import paths, thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS, GRADES
from okanalysis.core.errors import OkanalysisError
from okanalysis.core.paths import BUNDLE_ENV
from okanalysis.topics import centres, finance, ledger, people, plans, potential, privacy, standards

LANGS = ("th", "en")
#: The longest text a form field accepts (a reason, a note); longer is refused, not cut.
MAX_TEXT = 2000
MAX_SHORT_TEXT = 120
#: The most people a circle can count in one group (a mistyped 10000 is refused).
MAX_COUNT = 5000
#: Grade states a scorecard cell can have besides a grade.
NO_DATA, NOT_APPLICABLE, NOT_GRADED = "no_data", "not_applicable", "not_graded"
#: Text colour on each grade colour (contrast for a projector).
GRADE_TEXT = {"A": "#FFFFFF", "B": "#000000", "C": "#000000"}
#: Rows of the opportunity tables shown per kind.
TOP_OPPORTUNITIES = 8

# ---------------------------------------------------------------------------------------------
# words

TEXT: dict[str, tuple[str, str]] = {
    "title": ("ชุมชนอินทรีย์อยู่ดีมีสุข · วงเรียนรู้", "Organic community, live well be happy · circle"),
    "scorecard_title": ("ตารางระดับการพัฒนา รายอำเภอ", "District scorecard"),
    "district": ("อำเภอ", "District"),
    "tambon": ("ตำบล", "Sub-district"),
    "village": ("หมู่บ้าน", "Village"),
    "search": ("ค้นหาหมู่บ้าน", "Find a village"),
    "search_hint": ("พิมพ์ชื่อหมู่บ้าน", "type a village name"),
    "pick_village": (
        "เลือกอำเภอ ตำบล และหมู่บ้าน หรือพิมพ์ชื่อหมู่บ้านในช่องค้นหา",
        "Pick the district, sub-district and village, or type the village's name",
    ),
    "unknown_village": (
        "ไม่พบหมู่บ้านรหัสนี้ในข้อมูล",
        "no village with this code in the data",
    ),
    "moo": ("หมู่ที่", "village no."),
    "glance": ("ภาพรวม", "At a glance"),
    "accounts": ("บัญชีครัวเรือน", "Household accounts"),
    "opportunities": ("เงินไหลออก", "Money leaving"),
    "potential": ("ระดับศักยภาพ", "Potential levels"),
    "components": ("5 องค์ประกอบ", "Five components"),
    "freedom": ("ตารางอิสรภาพ", "Freedom table"),
    "plan": ("แผนแม่บท", "Master plan"),
    "topics": ("ศูนย์ฯ การเงิน มาตรฐาน", "Centre, finance, standards"),
    "scoring": ("ให้ระดับ", "Grade it"),
    "households": ("ครัวเรือนทั้งหมด", "households"),
    "population": ("ประชากร", "people"),
    "recording": ("ครัวเรือนที่ทำบัญชี", "households keeping accounts"),
    "coverage": ("ของครัวเรือนทั้งหมด", "of all households"),
    "income_year": ("รายรับรวมต่อปี", "income per year (all recording)"),
    "expense_year": ("รายจ่ายรวมต่อปี", "spending per year (all recording)"),
    "net_year": ("คงเหลือสุทธิรวมต่อปี", "net per year (all recording)"),
    "median_income_member": (
        "รายได้ต่อคนต่อเดือน (ค่ากลาง)",
        "income per member per month (median)",
    ),
    "substitutable_year": ("ซื้อของที่ผลิตเองได้ ต่อปี", "spent on goods we could make, per year"),
    "avoidable_year": ("รายจ่ายที่ลดได้ ต่อปี", "avoidable spending per year"),
    "computed_grade": ("ระดับจากข้อมูล", "computed grade"),
    "agreed_grade": ("ระดับที่วงตกลง", "agreed grade"),
    "latest_agreed": ("ระดับที่วงตกลงล่าสุด", "latest agreed grade"),
    "fiscal_year": ("ปีงบประมาณ", "fiscal year"),
    "suppressed": (
        "ไม่แสดงตัวเลข: น้อยกว่า {n} ครัวเรือนหรือคน (เพื่อความเป็นส่วนตัว)",
        "figures not shown: fewer than {n} households or people (privacy)",
    ),
    "no_ledger": ("หมู่บ้านนี้ยังไม่มีบัญชีครัวเรือนในปีนี้", "no household accounts this year"),
    "rank": ("ลำดับ", "rank"),
    "category": ("รายการ", "item"),
    "per_year": ("ต่อปี", "per year"),
    "buyers": ("ครัวเรือนที่ซื้อ", "households buying"),
    "per_buyer": ("เฉลี่ยต่อครัวเรือนที่ซื้อ", "per buying household"),
    "share_spending": ("สัดส่วนของรายจ่าย", "share of spending"),
    "substitutable": potential.OPPORTUNITY_KINDS["substitutable"],
    "avoidable": potential.OPPORTUNITY_KINDS["avoidable"],
    "reduction_target": ("เป้าหมายลดรายจ่าย", "reduction targets"),
    "show_households": ("แสดงรายครัวเรือน", "show each household"),
    "show_people": ("แสดงรายบุคคล", "show each person"),
    "level": ("ระดับ", "level"),
    "share": ("สัดส่วน", "share"),
    "evidence": ("หลักฐาน", "evidence"),
    "component": ("องค์ประกอบ", "component"),
    "overall": ("ระดับรวม", "overall"),
    "no_grading": (
        "ยังไม่มีระดับที่คำนวณจากข้อมูล (ส่วนการให้ระดับของโปรแกรมยังไม่พร้อม) วงเรียนรู้ยังบันทึกระดับที่ตกลงได้ตามปกติ",
        "Computed grades are not available (the grading part of okanalysis is not ready);"
        " the circle can still record the grade it agrees",
    ),
    "no_data": ("ไม่มีข้อมูล", "no data"),
    "not_applicable": ("ไม่เกี่ยวข้อง", "not applicable"),
    "not_graded": ("ยังไม่ได้ให้ระดับ", "not graded yet"),
    "criterion": ("เกณฑ์", "criterion"),
    "person": ("รหัสบุคคล", "person id"),
    "role": ("บทบาท", "role"),
    "before": ("ก่อน", "before"),
    "after": ("หลัง", "after"),
    "own_target": ("เป้าที่ตั้งเอง", "own target"),
    "people": ("คน", "people"),
    "start_mean": ("ก่อน (เฉลี่ย)", "before (mean)"),
    "end_mean": ("หลัง (เฉลี่ย)", "after (mean)"),
    "reached_target": ("ถึงเป้าที่ตั้ง", "reached own target"),
    "no_freedom": ("ยังไม่มีตารางอิสรภาพของแกนนำหมู่บ้านนี้", "no freedom table for this village's cores"),
    "plan_items": ("รายการในแผนแม่บท", "master-plan items"),
    "in_tao": ("อยู่ในแผน อบต.", "in the TAO plan"),
    "with_agency": ("มีโครงการหน่วยงาน", "with an agency project"),
    "unsupported": ("ยังไม่มีผู้สนับสนุน", "not supported yet"),
    "top_down": ("โครงการจากบนลงล่าง", "top-down projects"),
    "addresses_top": ("แผนตอบโจทย์เงินไหลออกอันดับต้น", "plan answers the top money leaving"),
    "cost": ("งบประมาณ", "cost"),
    "support": ("ผู้สนับสนุน", "support"),
    "kind": ("ลักษณะ", "kind"),
    "no_plan": ("ยังไม่มีแผนแม่บท", "no master plan yet"),
    "centre": ("ศูนย์เรียนรู้เศรษฐกิจพอเพียง", "Sufficiency-economy learning centre"),
    "centres": ("ศูนย์", "centres"),
    "registered": ("ขึ้นทะเบียน", "registered"),
    "active": ("ดำเนินการอยู่", "active"),
    "activities": ("กิจกรรม", "activities"),
    "visitors": ("ผู้มาเรียนรู้", "visitors"),
    "last_activity": ("กิจกรรมล่าสุด", "last activity"),
    "finance": ("องค์กรการเงินและสวัสดิการชุมชน", "Community finance and welfare"),
    "groups": ("กลุ่ม", "groups"),
    "household_coverage": ("ครัวเรือนที่เป็นสมาชิก", "households reached"),
    "welfare_coverage": ("ครัวเรือนในกองทุนสวัสดิการ", "households in a welfare fund"),
    "loan_to_capital": ("เงินกู้ต่อทุน", "loans to capital"),
    "arrears_ratio": ("หนี้ค้างชำระ", "arrears"),
    "welfare_model": ("รูปแบบสวัสดิการ", "welfare model"),
    "standards": ("มาตรฐานสุขภาพและมาตรฐานชุมชน", "Health and community standards"),
    "health_result": ("มาตรฐานสุขภาพ", "health standard"),
    "health_share": ("ครัวเรือนผ่านเกณฑ์สุขภาพ", "households meeting the health standard"),
    "cdd_result": ("มาตรฐานชุมชน พช.", "CDD community standard"),
    "cdd_share": ("ตัวชี้วัด พช. ที่ผ่าน", "CDD indicators passed"),
    "none": ("ไม่มี", "none"),
    "round": ("รอบการประเมิน", "assessment round"),
    "round_hint": ("เช่น start-2551", "e.g. start-2551"),
    "date": ("วันที่จัดวง", "date of the circle"),
    "facilitator": ("คุณอำนวยผู้จัดวง", "facilitator"),
    "reason": ("เหตุผล (ต้องกรอกเมื่อไม่ตรงกับข้อมูล)", "reason (required when it differs)"),
    "other_evidence": ("หลักฐานอื่นที่วงพิจารณา", "other evidence weighed"),
    "participants": ("ผู้เข้าร่วม (จำนวนคน ไม่เก็บชื่อ)", "who took part (counts, no names)"),
    "note": ("บันทึกเพิ่มเติม", "note"),
    "save": ("บันทึกระดับที่ตกลง", "Save the agreed grades"),
    "saved": (
        "บันทึกแล้ว (รายการที่ {id}): {name} รอบ {round} ระดับรวม {overall}",
        "Saved (entry {id}): {name}, round {round}, overall {overall}",
    ),
    "correcting": (
        "หมู่บ้านนี้มีระดับที่ตกลงของรอบ {round} แล้ว (รายการที่ {id}) การบันทึกจะเป็นการแก้ไขรายการนั้น",
        "This village already has an agreed grade for round {round} (entry {id}); saving"
        " records a correction of it",
    ),
    "not_saved": ("ยังไม่ได้บันทึก โปรดแก้ไข:", "Not saved; please correct:"),
    "history": ("ประวัติระดับที่ตกลงของหมู่บ้านนี้", "This village's agreed grades so far"),
    "no_history": ("ยังไม่มีการบันทึก", "nothing recorded yet"),
    "status": ("สถานะ", "status"),
    "change": ("เปลี่ยนจากรอบก่อน", "change since last round"),
    "previous_round": ("เทียบกับรอบ", "compare with round"),
    "all": ("ทั้งหมด", "all"),
    "sort_by": ("เรียงตาม", "sort by"),
    "name": ("ชื่อ", "name"),
    "filter": ("กรองตามชื่อ", "filter by name"),
    "show_grade": ("แสดงเฉพาะระดับรวม", "only overall grade"),
    "drill": ("ดูหมู่บ้านในตำบล", "villages of the sub-district"),
    "drill_village": ("ดูหลักฐานของหมู่บ้าน", "evidence of the village"),
    "legend": (
        "ตัวใหญ่ = ระดับที่วงตกลง, ตัวเล็ก = ระดับจากข้อมูล; กรอบประ = ยังไม่ได้ตกลงในวง (แสดงระดับจากข้อมูล)",
        "large letter = agreed in a circle, small = computed from the data; dashed = not yet"
        " agreed in a circle (computed shown)",
    ),
    "up": ("ดีขึ้น", "better"),
    "down": ("ลดลง", "lower"),
    "same": ("เท่าเดิม", "same"),
    "new": ("ใหม่", "new"),
    "error": (
        "ขออภัย เกิดข้อผิดพลาด โปรดแจ้งทีมวิชาการ",
        "Sorry, something went wrong; please tell the academic team",
    ),
    "no_round": ("ยังไม่มีรอบที่บันทึก", "no round recorded yet"),
}


def t(key: str, lang: str = "th", **values: object) -> str:
    """The text `key` in Thai (or English), with `{name}` placeholders filled."""
    th, en = TEXT[key]
    text = en if lang == "en" else th
    return text.format(**values) if values else text


def check_lang(lang: object) -> str:
    """'th' or 'en'; anything else (from a URL, say) falls back to Thai."""
    return lang if lang in LANGS else "th"


def _e(value: object) -> str:
    """Escape text for HTML (names and reasons are typed by people)."""
    return html.escape("" if value is None else str(value))


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or bool(pd.isna(value))


def _int(value: object) -> str:
    return "–" if _missing(value) else thai.format_number(int(value))


def _pct(value: object, decimals: int = 0) -> str:
    return "–" if _missing(value) else thai.format_percent(float(value), decimals)


def _baht(value: object, lang: str) -> str:
    return "–" if _missing(value) else thai.format_baht(int(value), lang)


def _date(value: object, lang: str) -> str:
    return "–" if _missing(value) else thai.format_date(pd.Timestamp(value), lang)


def _yes_no(value: object, lang: str) -> str:
    if _missing(value):
        return "–"
    return ("ใช่" if lang == "th" else "yes") if bool(value) else ("ไม่" if lang == "th" else "no")


def _name(row: Mapping[str, Any], lang: str, th: str = "name_th", en: str = "name_en") -> str:
    """A unit's name in the language asked, Thai when the English one is missing."""
    if lang == "en" and not _missing(row.get(en)):
        return str(row[en])
    return str(row[th])


# ---------------------------------------------------------------------------------------------
# HTML pieces


def grade_badge(grade: object, *, small: bool = False, title: str = "") -> str:
    """A grade as a coloured box with its letter printed (colour is never the only sign)."""
    size = " okd-small" if small else ""
    tip = f' title="{_e(title)}"' if title else ""
    if grade in GRADES:
        return (
            f'<span class="okd-grade okd-grade-{grade}{size}"{tip} '
            f'style="background:{GRADE_COLOURS[grade]};color:{GRADE_TEXT[grade]}">{grade}</span>'
        )
    return f'<span class="okd-grade okd-grade-none{size}"{tip}>–</span>'


def state_badge(state: str, lang: str) -> str:
    """No data and not applicable, told apart (hatched grey vs plain white)."""
    return f'<span class="okd-state okd-state-{_e(state)}">{_e(t(state, lang))}</span>'


def cards(items: Sequence[tuple[str, str]]) -> str:
    """Large figures with their labels, as a projector reads them."""
    cells = "".join(
        f'<div class="okd-card"><div class="okd-card-value">{value}</div>'
        f'<div class="okd-card-label">{_e(label)}</div></div>'
        for label, value in items
    )
    return f'<div class="okd-cards">{cells}</div>'


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    cls: str = "",
    row_attrs: Sequence[str] | None = None,
) -> str:
    """An HTML table; cells are HTML already escaped by the caller."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    attrs = row_attrs or [""] * len(rows)
    body = "".join(
        f"<tr{a}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for row, a in zip(rows, attrs, strict=True)
    )
    return f'<table class="okd-table {cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def note(text: str, kind: str = "info") -> str:
    """A message box: info, ok (saved), warn or error."""
    return f'<div class="okd-note okd-note-{kind}">{text}</div>'


def heading(text: str) -> str:
    return f'<h2 class="okd-h2">{_e(text)}</h2>'


# ---------------------------------------------------------------------------------------------
# computed grades (okanalysis.grading, when installed)


@dataclass(frozen=True)
class ComputedGrades:
    """Computed grades as the screens read them (see `from_grades`).

    `components`: unit_code, component, grade (A/B/C or None), state (graded, no_data,
    not_applicable), evidence_th, evidence_en. `overall`: the same per unit, no component.
    """

    components: pd.DataFrame
    overall: pd.DataFrame
    rubric_version: str | None = None

    def for_unit(self, code: str) -> pd.DataFrame:
        rows = self.components.loc[self.components["unit_code"] == code]
        return rows.set_index("component").reindex(list(COMPONENT_CODES))

    def overall_of(self, code: str) -> tuple[str | None, str]:
        rows = self.overall.loc[self.overall["unit_code"] == code]
        if rows.empty:
            return None, NO_DATA
        row = rows.iloc[0]
        grade = row["grade"] if row["grade"] in GRADES else None
        return grade, str(row["state"])


def from_grades(grades: Any) -> ComputedGrades:
    """`grading.Grades` in the screens' shape: per unit and component the grade, its state
    (graded, no_data, not_applicable) and the evidence sentence; per unit the overall grade."""
    comp = grades.components
    out = pd.DataFrame(
        {
            "unit_code": comp["unit_code"].astype(str).to_numpy(),
            "component": comp["component"].astype(str).to_numpy(),
            "grade": comp["grade"].where(comp["grade"].isin(GRADES), None).to_numpy(),
            "state": comp["status"].astype(str).to_numpy(),
            "evidence_th": comp["why_th"].fillna("").astype(str).to_numpy(),
            "evidence_en": comp["why_en"].fillna("").astype(str).to_numpy(),
        }
    )
    units = grades.units
    overall = pd.DataFrame(
        {
            "unit_code": units["unit_code"].astype(str).to_numpy(),
            "grade": units["overall"].where(units["overall"].isin(GRADES), None).to_numpy(),
            "state": units["overall_status"].astype(str).to_numpy(),
            "evidence_th": units["overall_th"].fillna("").astype(str).to_numpy(),
            "evidence_en": units["overall_en"].fillna("").astype(str).to_numpy(),
        }
    )
    return ComputedGrades(out, overall, grades.rubric_version)


def computed_grades(dataset: Dataset) -> tuple[ComputedGrades | None, ComputedGrades | None]:
    """Computed grades of the villages and sub-districts (shareable: figures of small groups
    hidden in the sentences), or (None, None) while `okanalysis.grading` is not installed or
    cannot grade this data; the screens then say so in words, and the circle still records."""
    try:
        from okanalysis.grading import grades as grading  # type: ignore[attr-defined]
    except ModuleNotFoundError as e:
        if e.name != "okanalysis.grading":
            raise
        return None, None
    try:
        villages = grading.grade(dataset, "village", shareable=True)
        tambons = grading.grade(dataset, "tambon", villages=villages, shareable=True)
    except Exception:
        logging.getLogger("okanalysis.dashboard").exception("computed grades failed")
        return None, None
    return from_grades(villages), from_grades(tambons)


# ---------------------------------------------------------------------------------------------
# the prepared tables


@dataclass
class DashboardData:
    """Everything the circle screens show, computed once per kernel, indexed by unit code."""

    dataset: Dataset
    villages: pd.DataFrame  # village_code, names, village_no, tambon and amphoe names, households
    tambons: pd.DataFrame
    amphoes: pd.DataFrame
    rollup: pd.DataFrame  # one row per village (privacy-suppressed), index unit_code
    opportunities: pd.DataFrame  # every village's, rows of small groups suppressed
    spending: pd.DataFrame  # recorded spending per category group, index village_code
    summary: pd.DataFrame  # household summary of the year (per-household view only)
    freedom: pd.DataFrame  # freedom-table progress by criterion per village (shareable)
    alignment: pd.DataFrame  # index unit_code (shareable)
    plan_items: pd.DataFrame
    centres: pd.DataFrame  # index unit_code
    finance: pd.DataFrame  # index unit_code (shareable)
    standards: pd.DataFrame  # index unit_code (shareable)
    grades: ComputedGrades | None
    tambon_grades: ComputedGrades | None
    year: int | None
    min_group: int
    potential_levels: pd.DataFrame = field(default_factory=pd.DataFrame)

    def village(self, code: str) -> pd.Series:
        return self.villages.loc[code]

    def known(self, code: object) -> bool:
        return isinstance(code, str) and code in self.villages.index


def _by_code(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop_duplicates("unit_code").set_index("unit_code", drop=False)


def prepare(dataset: Dataset, *, grades: bool = True) -> DashboardData:
    """Compute, once, every table the circle and district screens slice."""
    units = hierarchy.units(dataset.villages).drop_duplicates("unit_code").set_index("unit_code")
    v = dataset.villages.drop_duplicates("village_code").copy()
    v["tambon_th"] = v["tambon_code"].map(units["name_th"])
    v["tambon_en"] = v["tambon_code"].map(units["name_en"])
    v["amphoe_th"] = v["amphoe_code"].map(units["name_th"])
    v["amphoe_en"] = v["amphoe_code"].map(units["name_en"])
    v = v.sort_values(["amphoe_code", "tambon_code", "village_no", "village_code"])
    villages = v.set_index("village_code", drop=False)
    tambons = (
        v.drop_duplicates("tambon_code")[["tambon_code", "amphoe_code", "tambon_th", "tambon_en"]]
        .set_index("tambon_code", drop=False)
        .sort_values("tambon_th")
    )
    amphoes = (
        v.drop_duplicates("amphoe_code")[["amphoe_code", "amphoe_th", "amphoe_en"]]
        .set_index("amphoe_code", drop=False)
        .sort_values("amphoe_th")
    )
    min_group = privacy.min_group_size()
    roll = potential.rollup(dataset, "village", shareable=True)
    year = int(roll["fiscal_year"].dropna().iloc[0]) if roll["fiscal_year"].notna().any() else None
    opp = potential.opportunities(dataset, None, level="village", year=year, shareable=True)
    summary = ledger.household_summary(dataset, "year")
    if year is not None:
        summary = summary.loc[summary["fiscal_year"] == year]
    spend_cols = [c for c in summary.columns if c.startswith("spend_") and c.endswith("_satang")]
    spending = summary.groupby("village_code")[spend_cols].sum()
    pp = potential.read_parameters()
    village_grades, tambon_grades = computed_grades(dataset) if grades else (None, None)
    return DashboardData(
        dataset=dataset,
        villages=villages,
        tambons=tambons,
        amphoes=amphoes,
        rollup=_by_code(roll),
        opportunities=opp,
        spending=spending,
        summary=summary.reset_index(drop=True),
        freedom=_freedom(dataset),
        alignment=_by_code(plans.alignment(dataset, "village", shareable=True)),
        plan_items=plans.items(dataset),
        centres=_by_code(centres.summary(dataset, "village")),
        finance=_by_code(finance.summary(dataset, "village", shareable=True)),
        standards=_by_code(standards.summary(dataset, "village", shareable=True)),
        grades=village_grades,
        tambon_grades=tambon_grades,
        year=year,
        min_group=min_group,
        potential_levels=pp.labels(),
    )


def _freedom(dataset: Dataset) -> pd.DataFrame:
    """Freedom-table progress by criterion per village, or an empty frame with no rounds."""
    if len(dataset.freedom) == 0 or dataset.freedom["round"].nunique() < 2:
        return pd.DataFrame(columns=["unit_code"])
    return people.freedom_progress(dataset, "village", by="criterion", shareable=True)


def load_data(path: str | os.PathLike[str] | None = None) -> DashboardData:
    """Load the province's data (default $OKANALYSIS_DATA, else ./data/demo) and prepare it."""
    from okanalysis.loading.validate import load

    return prepare(load(path or paths.data_dir(), progress=False))


# ---------------------------------------------------------------------------------------------
# choosing a village


def district_options(data: DashboardData, lang: str = "th") -> list[tuple[str, str]]:
    """(label, code) of every district with villages, by Thai name."""
    return [(_name(r, lang, "amphoe_th", "amphoe_en"), c) for c, r in data.amphoes.iterrows()]


def tambon_options(
    data: DashboardData, amphoe: str | None, lang: str = "th"
) -> list[tuple[str, str]]:
    """(label, code) of the district's sub-districts."""
    rows = data.tambons.loc[data.tambons["amphoe_code"] == amphoe]
    return [(_name(r, lang, "tambon_th", "tambon_en"), c) for c, r in rows.iterrows()]


def village_label(row: Mapping[str, Any], lang: str = "th") -> str:
    """'บ้านนายาง (หมู่ที่ 1)'."""
    return f"{_name(row, lang)} ({t('moo', lang)} {int(row['village_no'])})"


def village_options(
    data: DashboardData, tambon: str | None, lang: str = "th"
) -> list[tuple[str, str]]:
    """(label, code) of the sub-district's villages, by village number."""
    rows = data.villages.loc[data.villages["tambon_code"] == tambon]
    return [(village_label(r, lang), c) for c, r in rows.iterrows()]


def search_options(data: DashboardData, lang: str = "th") -> dict[str, str]:
    """Search label -> village code, every village: 'บ้านนายาง (หมู่ที่ 1) · ต.xx · อ.yy'."""
    sub, dis = ("ต.", "อ.") if lang == "th" else ("", "")
    out: dict[str, str] = {}
    for code, r in data.villages.iterrows():
        label = (
            f"{village_label(r, lang)} · {sub}{_name(r, lang, 'tambon_th', 'tambon_en')}"
            f" · {dis}{_name(r, lang, 'amphoe_th', 'amphoe_en')}"
        )
        out[label if label not in out else f"{label} [{code}]"] = code
    return out


def parse_query(query: str | None) -> dict[str, str]:
    """The dashboard's own URL parameters (village, amphoe, lang); everything else ignored."""
    if not query:
        return {}
    pairs = urllib.parse.parse_qs(query, keep_blank_values=False, max_num_fields=20)
    return {k: v[0].strip() for k, v in pairs.items() if k in ("village", "amphoe", "lang") and v}


def village_from_query(data: DashboardData, query: str | None) -> tuple[str | None, str]:
    """The village a link asks for (`?village=80150101`), checked against the data.

    Returns (code or None, message): the message explains a code that is not in the data.
    """
    code = parse_query(query).get("village")
    if code is None:
        return None, ""
    code = thai.arabic_digits(code)
    if data.known(code):
        return code, ""
    return None, f"{t('unknown_village', 'th')} / {t('unknown_village', 'en')}: {_e(code[:20])}"


# ---------------------------------------------------------------------------------------------
# what each panel says (pure: DashboardData + village code -> HTML)


def _suppressed_note(data: DashboardData, lang: str) -> str:
    return note(_e(t("suppressed", lang, n=data.min_group)), "warn")


def village_title(data: DashboardData, code: str, lang: str = "th") -> str:
    """'บ้านนายาง (หมู่ที่ 1) · ตำบลxx · อำเภอyy · 80010101'."""
    r = data.village(code)
    parts = [
        village_label(r, lang),
        f"{t('tambon', lang)}{'' if lang == 'th' else ' '}{_name(r, lang, 'tambon_th', 'tambon_en')}",
        f"{t('district', lang)}{'' if lang == 'th' else ' '}{_name(r, lang, 'amphoe_th', 'amphoe_en')}",
    ]
    return (
        f'<div class="okd-village" data-village="{_e(code)}"><span class="okd-village-name">'
        f"{_e(parts[0])}</span> · {_e(parts[1])} · {_e(parts[2])} "
        f'<span class="okd-code">{_e(code)}</span></div>'
    )


def _opportunity_total(data: DashboardData, code: str, kind: str) -> int | None:
    rows = data.opportunities.loc[
        (data.opportunities["unit_code"] == code) & (data.opportunities["kind"] == kind)
    ]
    if rows.empty or rows[privacy.SUPPRESSED].all():
        return None
    return int(rows["yearly_satang"].dropna().astype("int64").sum())


def latest_agreed(store: Path | None, code: str) -> pd.Series | None:
    """The latest entry in force for a unit (any round), or None without one or a store."""
    if store is None or not Path(store).exists():
        return None
    entries = circles.current(store, code)
    if entries.empty:
        return None
    return entries.sort_values(["date", "id"]).iloc[-1]


def glance_html(
    data: DashboardData, code: str, lang: str = "th", agreed: pd.Series | None = None
) -> str:
    """The village at a glance: households, accounts, money leaving, grades."""
    r = data.village(code)
    roll = data.rollup.loc[code] if code in data.rollup.index else None
    items = [
        (
            t("households", lang),
            f"{_int(r['households'])} <small>· {_int(r.get('population'))}"
            f" {_e(t('people', lang))}</small>",
        ),
    ]
    warn = ""
    if roll is not None and not bool(roll[privacy.SUPPRESSED]):
        items += [
            (
                t("recording", lang),
                f"{_int(roll['households_recording'])} <small>({_pct(roll['coverage'])}"
                f" {_e(t('coverage', lang))})</small>",
            ),
            (
                t("median_income_member", lang),
                _baht(roll["median_income_per_member_month_satang"], lang),
            ),
            (t("net_year", lang), _baht(roll["net_annual_satang"], lang)),
            (
                t("substitutable_year", lang),
                _baht(_opportunity_total(data, code, "substitutable"), lang),
            ),
            (t("avoidable_year", lang), _baht(_opportunity_total(data, code, "avoidable"), lang)),
        ]
    elif roll is not None:
        warn = _suppressed_note(data, lang)
    else:
        warn = note(_e(t("no_ledger", lang)))
    computed = data.grades.overall_of(code)[0] if data.grades is not None else None
    agreed_grade = agreed["overall"] if agreed is not None else None
    items.append(
        (
            f"{t('computed_grade', lang)} → {t('latest_agreed', lang)}",
            f"{grade_badge(computed)} → {grade_badge(agreed_grade)}",
        )
    )
    year = f"{t('fiscal_year', lang)} {data.year}" if data.year else ""
    return (
        f'<div class="okd-panel-text">{cards(items)}{warn}'
        f'<div class="okd-muted">{_e(year)}</div></div>'
    )


def accounts_html(data: DashboardData, code: str, lang: str = "th") -> str:
    """Income, spending and net of the households recording, and the coverage."""
    if code not in data.rollup.index:
        return note(_e(t("no_ledger", lang)))
    roll = data.rollup.loc[code]
    if bool(roll[privacy.SUPPRESSED]):
        return _suppressed_note(data, lang)
    return cards(
        [
            (
                t("recording", lang),
                f"{_int(roll['households_recording'])} / {_int(roll['households'])}"
                f" <small>({_pct(roll['coverage'])})</small>",
            ),
            (t("income_year", lang), _baht(roll["income_annual_satang"], lang)),
            (t("expense_year", lang), _baht(roll["expense_annual_satang"], lang)),
            (t("net_year", lang), _baht(roll["net_annual_satang"], lang)),
        ]
    )


def opportunity_rows(
    data: DashboardData, code: str, kind: str, top: int = TOP_OPPORTUNITIES
) -> pd.DataFrame:
    """The village's ranked rows of one kind as `potential.opportunities` gives them (top n)."""
    rows = data.opportunities.loc[
        (data.opportunities["unit_code"] == code) & (data.opportunities["kind"] == kind)
    ]
    return rows.sort_values("rank").head(top)


def opportunities_html(data: DashboardData, code: str, lang: str = "th") -> str:
    """Money leaving for goods the village could produce, ranked, and the reduction targets."""
    parts = []
    for kind, title in (("substitutable", "substitutable"), ("avoidable", "reduction_target")):
        rows = opportunity_rows(data, code, kind)
        parts.append(heading(t(title, lang)))
        if rows.empty:
            parts.append(note(_e(t("no_ledger", lang))))
            continue
        if bool(rows["households_recording"].iloc[0] < data.min_group):
            parts.append(_suppressed_note(data, lang))
            continue
        body, attrs = [], []
        for _, o in rows.iterrows():
            name = _e(o["name_en" if lang == "en" else "name_th"])
            if bool(o[privacy.SUPPRESSED]):
                hidden = (
                    f'<span class="okd-muted">{_e(t("suppressed", lang, n=data.min_group))}</span>'
                )
                body.append([_int(o["rank"]), name, hidden, "", "", ""])
            else:
                body.append(
                    [
                        _int(o["rank"]),
                        name,
                        _baht(o["yearly_satang"], lang),
                        _int(o["households_buying"]),
                        _baht(o["average_per_buyer_satang"], lang),
                        _pct(o["share_of_spending"], 1),
                    ]
                )
            attrs.append(f' data-category="{_e(o["category"])}" data-kind="{kind}"')
        headers = [
            t("rank", lang),
            t("category", lang),
            t("per_year", lang),
            t("buyers", lang),
            t("per_buyer", lang),
            t("share_spending", lang),
        ]
        parts.append(table(headers, body, cls="okd-opportunities", row_attrs=attrs))
    return "".join(parts)


def potential_html(data: DashboardData, code: str, lang: str = "th") -> str:
    """Households per potential level, with shares, and the medians behind the levels."""
    if code not in data.rollup.index:
        return note(_e(t("no_ledger", lang)))
    roll = data.rollup.loc[code]
    if bool(roll[privacy.SUPPRESSED]):
        return _suppressed_note(data, lang)
    rows = []
    for _, lv in data.potential_levels.iterrows():
        share = roll.get(f"share_{lv['level']}")
        rows.append(
            [
                _e(lv["level_en" if lang == "en" else "level_th"]),
                _int(roll[f"households_{lv['level']}"]),
                _pct(share) if share is not None else "",
            ]
        )
    return table([t("level", lang), t("households", lang), t("share", lang)], rows)


def components_html(
    data: DashboardData, code: str, lang: str = "th", agreed: pd.Series | None = None
) -> str:
    """The five components: computed grade with its evidence sentence, and the agreed grade."""
    parts = []
    if data.grades is None:
        parts.append(note(_e(t("no_grading", lang)), "warn"))
    graded = data.grades.for_unit(code) if data.grades is not None else None
    rows = []
    for c in COMPONENT_CODES:
        name = _e(COMPONENTS[c][1 if lang == "en" else 0])
        if graded is not None and c in graded.index and not _missing(graded.at[c, "state"]):
            g = graded.loc[c]
            badge = (
                grade_badge(g["grade"]) if g["state"] == "graded" else state_badge(g["state"], lang)
            )
            evidence = _e(g[f"evidence_{lang}"])
        else:
            badge, evidence = state_badge(NO_DATA, lang), ""
        agreed_grade = agreed.get(f"{c}_agreed") if agreed is not None else None
        rows.append([name, badge, evidence, grade_badge(agreed_grade)])
    headers = [
        t("component", lang),
        t("computed_grade", lang),
        t("evidence", lang),
        t("latest_agreed", lang),
    ]
    parts.append(table(headers, rows, cls="okd-components"))
    if data.grades is not None:
        overall, state = data.grades.overall_of(code)
        badge = grade_badge(overall) if state == "graded" else state_badge(state, lang)
        why = data.grades.overall.loc[data.grades.overall["unit_code"] == code, f"evidence_{lang}"]
        why_text = _e(why.iloc[0]) if len(why) else ""
        parts.append(
            f'<div class="okd-overall">{_e(t("overall", lang))}: {badge} '
            f'<span class="okd-muted">{why_text}</span></div>'
        )
    return "".join(parts)


def freedom_rows(data: DashboardData, code: str) -> pd.DataFrame:
    return (
        data.freedom.loc[data.freedom["unit_code"] == code] if len(data.freedom) else data.freedom
    )


def freedom_html(data: DashboardData, code: str, lang: str = "th") -> str:
    """The cores' freedom-table progress by criterion (groups under the privacy size hidden)."""
    rows = freedom_rows(data, code)
    if rows.empty:
        return note(_e(t("no_freedom", lang)))
    body = []
    for _, r in rows.iterrows():
        name = _e(r["criterion_en" if lang == "en" else "criterion_th"])
        if bool(r[privacy.SUPPRESSED]):
            body.append(
                [
                    name,
                    f'<span class="okd-muted">{_e(t("suppressed", lang, n=data.min_group))}</span>',
                    "",
                    "",
                    "",
                ]
            )
            continue
        body.append(
            [
                name,
                _int(r["people"]),
                thai.format_number(r["score_start_mean"], 1)
                if not _missing(r["score_start_mean"])
                else "–",
                thai.format_number(r["score_end_mean"], 1)
                if not _missing(r["score_end_mean"])
                else "–",
                _pct(r["reached_target_share"]),
            ]
        )
    headers = [
        t("criterion", lang),
        t("people", lang),
        t("start_mean", lang),
        t("end_mean", lang),
        t("reached_target", lang),
    ]
    return table(headers, body)


def people_html(data: DashboardData, code: str, lang: str = "th") -> str:
    """Each core's scores per criterion (pseudonymous ids), only when the facilitator asks."""
    try:
        rows = people.freedom_progress(data.dataset, "village", per_person=True)
    except OkanalysisError:
        return note(_e(t("no_freedom", lang)))
    rows = rows.loc[rows["unit_code"] == code]
    if rows.empty:
        return note(_e(t("no_freedom", lang)))
    roles = {k: v[1 if lang == "en" else 0] for k, v in schema.ROLES.items()}
    body = [
        [
            _e(r["person_id"]),
            _e(roles.get(r["role"], r["role_th"])),
            _e(r["criterion_th"]),
            _int(r["score_start"]),
            _int(r["target_start"]),
            _int(r["score_end"]),
        ]
        for _, r in rows.iterrows()
    ]
    headers = [
        t("person", lang),
        t("role", lang),
        t("criterion", lang),
        t("before", lang),
        t("own_target", lang),
        t("after", lang),
    ]
    return table(headers, body, cls="okd-small-table")


def plan_html(data: DashboardData, code: str, lang: str = "th") -> str:
    """The master plan's items, who supports them, and whether it answers the top outflows."""
    if code not in data.alignment.index:
        return note(_e(t("no_plan", lang)))
    a = data.alignment.loc[code]
    addresses = a.get("addresses_top_opportunities")
    parts = [
        cards(
            [
                (t("plan_items", lang), _int(a["items"])),
                (t("in_tao", lang), _int(a["items_in_tao_plan"])),
                (t("with_agency", lang), _int(a["items_with_agency_project"])),
                (t("unsupported", lang), _int(a["items_unsupported"])),
                (t("top_down", lang), _int(a["top_down_projects"])),
                (t("addresses_top", lang), _yes_no(addresses, lang)),
            ]
        )
    ]
    items = data.plan_items.loc[data.plan_items["unit_code"] == code]
    if items.empty:
        parts.append(note(_e(t("no_plan", lang))))
        return "".join(parts)
    body = []
    for _, i in items.iterrows():
        kind = schema.PLAN_KINDS.get(i["kind"], (i["kind"], i["kind"]))
        support = plans.SUPPORT.get(i["support"], (i["support"], i["support"]))
        body.append(
            [
                _e(i["title"]),
                _e(kind[1 if lang == "en" else 0]),
                _baht(i["cost_satang"], lang),
                _e(support[1 if lang == "en" else 0]),
            ]
        )
    parts.append(
        table([t("plan_items", lang), t("kind", lang), t("cost", lang), t("support", lang)], body)
    )
    return "".join(parts)


def topics_html(data: DashboardData, code: str, lang: str = "th") -> str:
    """Learning centre, savings and welfare, health and CDD standards of the village."""
    parts = []
    if code in data.centres.index:
        c = data.centres.loc[code]
        parts += [
            heading(t("centre", lang)),
            cards(
                [
                    (t("centres", lang), _int(c["centres"])),
                    (t("registered", lang), _int(c["centres_registered"])),
                    (t("active", lang), _int(c["centres_active"])),
                    (t("activities", lang), _int(c["activities"])),
                    (t("visitors", lang), _int(c["visitors"])),
                    (t("last_activity", lang), _date(c["last_activity"], lang)),
                ]
            ),
        ]
    if code in data.finance.index:
        f = data.finance.loc[code]
        model = finance.WELFARE_MODELS.get(f["welfare_model"], ("–", "–"))
        parts += [
            heading(t("finance", lang)),
            cards(
                [
                    (t("groups", lang), _int(f["groups"])),
                    (t("household_coverage", lang), _pct(f["household_coverage"])),
                    (t("welfare_coverage", lang), _pct(f["welfare_coverage"])),
                    (t("loan_to_capital", lang), _pct(f["loan_to_capital"])),
                    (t("arrears_ratio", lang), _pct(f["arrears_ratio"])),
                    (t("welfare_model", lang), _e(model[1 if lang == "en" else 0])),
                ]
            ),
        ]
        if bool(f[privacy.SUPPRESSED]):
            parts.append(_suppressed_note(data, lang))
    if code in data.standards.index:
        s = data.standards.loc[code]
        result = {k: v[1 if lang == "en" else 0] for k, v in schema.STANDARD_RESULTS.items()}
        parts += [
            heading(t("standards", lang)),
            cards(
                [
                    (t("health_result", lang), _e(result.get(s["health_result"], "–"))),
                    (t("health_share", lang), _pct(s["health_share"])),
                    (t("cdd_result", lang), _e(result.get(s["cdd_result"], "–"))),
                    (t("cdd_share", lang), _pct(s["cdd_indicator_share"])),
                ]
            ),
        ]
    return "".join(parts) or note(_e(t("no_data", lang)))


def history_html(entries: pd.DataFrame, lang: str = "th") -> str:
    """A village's agreed grades, newest first, with their status (in force, corrected...)."""
    if entries.empty:
        return note(_e(t("no_history", lang)))
    shown = circles.export_table(entries.sort_values("id", ascending=False), lang)
    status = circles.EXPORT_LABELS["status"][1 if lang == "en" else 0]
    cols = [
        circles.EXPORT_LABELS[c][1 if lang == "en" else 0]
        for c in ("id", "round", "date", "overall", "facilitator", "participants")
    ]
    comps = [
        circles.EXPORT_LABELS[f"{c}_agreed"][1 if lang == "en" else 0] for c in COMPONENT_CODES
    ]
    body = []
    for _, r in shown.iterrows():
        body.append(
            [_e(r[cols[0]]), _e(r[cols[1]]), _e(r[cols[2]]), grade_badge(r[cols[3]], small=True)]
            + [grade_badge(r[c], small=True) for c in comps]
            + [_e(r[cols[4]]), _int(r[cols[5]]), _e(r[status])]
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


# ---------------------------------------------------------------------------------------------
# the scoring form: every value from the page checked before use


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


def _field_label(column: str, lang: str) -> str:
    """A store column as the form names it ('leadership_reason' -> the component: reason)."""
    for c in COMPONENT_CODES:
        if column.startswith(f"{c}_"):
            what = column[len(c) + 1 :]
            key = {"agreed": "agreed_grade", "reason": "reason", "evidence": "other_evidence"}.get(
                what
            )
            suffix = f": {t(key, lang)}" if key else ""
            return f"{COMPONENTS[c][1 if lang == 'en' else 0]}{suffix}"
    if column in circles.EXPORT_LABELS:
        return circles.EXPORT_LABELS[column][1 if lang == "en" else 0]
    return {"participants": t("participants", lang), "components": t("components", lang)}.get(
        column, column
    )


def problem_text(error: OkanalysisError, lang: str = "th") -> str:
    """One refusal as the facilitator reads it: the field, then what is expected."""
    label = _field_label(error.column, lang) if error.column else ""
    what = error.expected_en if lang == "en" else error.expected_th
    return f"{label}: {what}" if label else what


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
    data: DashboardData,
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
    if not data.known(unit_code):
        problems.append(
            OkanalysisError(
                t("unknown_village", "th"),
                t("unknown_village", "en"),
                column="unit_code",
                value=str(unit_code)[:20],
            )
        )
        return None, problems
    code = str(unit_code)
    graded = data.grades.for_unit(code) if data.grades is not None else None
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
    computed_overall = data.grades.overall_of(code)[0] if data.grades is not None else None
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
        rubric_version=data.grades.rubric_version if data.grades is not None else None,
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
    data: DashboardData,
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
        now = circles.current(store, str(unit_code), form.round.strip())
        supersedes = int(now["id"].iloc[-1]) if not now.empty else None
    session, problems = session_from_form(
        form, data=data, unit_code=unit_code, supersedes=supersedes
    )
    if session is None:
        items = "".join(f"<li>{_e(problem_text(p, lang))}</li>" for p in problems)
        return None, note(f"{_e(t('not_saved', lang))}<ul>{items}</ul>", "error")
    try:
        with circles.open_store(store, create=True) as st:
            entry = circles.save_session(st, session, units=frozenset(data.villages.index))
    except OkanalysisError as e:
        return None, note(
            f"{_e(t('not_saved', lang))}<ul><li>{_e(problem_text(e, lang))}</li></ul>", "error"
        )
    name = village_label(data.village(session.unit_code), lang)
    text = t("saved", lang, id=entry, name=name, round=session.round, overall=session.overall)
    return entry, note(_e(text), "ok")


# ---------------------------------------------------------------------------------------------
# the district scorecard (pure)

GRADE_RANK = {"A": 3, "B": 2, "C": 1}


def _agreed_frame(store: Path | None, round_: str | None) -> pd.DataFrame:
    if store is None or round_ is None or not Path(store).exists():
        return pd.DataFrame(columns=list(circles.SESSION_FRAME_COLUMNS))
    return circles.current(store, round=round_)


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
    data: DashboardData,
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
    `<c>_state` for each component and for `overall`, and `change`.
    """
    villages = data.villages.loc[data.villages["amphoe_code"] == amphoe]
    tambons = data.tambons.loc[data.tambons["amphoe_code"] == amphoe]
    rows = [
        {
            "unit_code": code,
            "level": "tambon",
            "tambon_code": code,
            "name": f"{t('tambon', lang)}{'' if lang == 'th' else ' '}{_name(r, lang, 'tambon_th', 'tambon_en')}",
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
    agreed = _agreed_frame(store, round).set_index("unit_code") if round else None
    before = _agreed_frame(store, previous).set_index("unit_code") if previous else None
    for key in (*COMPONENT_CODES, "overall"):
        computed, state = [], []
        for _, r in frame.iterrows():
            grades = data.grades if r["level"] == "village" else data.tambon_grades
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
                    if key in u.index and not _missing(u.at[key, "state"])
                    else NO_DATA
                )
                computed.append(g if g in GRADES else None)
                state.append(s)
        frame[f"{key}_computed"] = computed
        frame[f"{key}_state"] = state
        column = "overall" if key == "overall" else f"{key}_agreed"
        if agreed is not None and column in agreed.columns:
            frame[f"{key}_agreed"] = (
                frame["unit_code"].map(agreed[column]).where(lambda s: s.isin(GRADES), None)
            )
        else:
            frame[f"{key}_agreed"] = None
    change = []
    for _, r in frame.iterrows():
        now = r["overall_agreed"]
        then = before["overall"].get(r["unit_code"]) if before is not None else None
        if now not in GRADES or previous is None:
            change.append("")
        elif then not in GRADES:
            change.append("new")
        else:
            d = GRADE_RANK[now] - GRADE_RANK[then]
            change.append("up" if d > 0 else "down" if d < 0 else "same")
    frame["change"] = change
    return frame


def filter_scorecard(
    frame: pd.DataFrame, *, grade: object = None, text: object = "", tambon: object = None
) -> pd.DataFrame:
    """Rows whose overall grade (agreed, else computed) is `grade` (A/B/C, 'none' for no grade),
    whose name contains `text`, within `tambon` (its row and its villages)."""
    out = frame
    if isinstance(tambon, str) and tambon:
        out = out.loc[out["tambon_code"] == tambon]
    shown = out["overall_agreed"].where(out["overall_agreed"].isin(GRADES), out["overall_computed"])
    if grade in GRADES:
        out = out.loc[shown == grade]
    elif grade == "none":
        out = out.loc[~shown.isin(GRADES)]
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
    shown = frame[f"{by}_agreed"].where(frame[f"{by}_agreed"].isin(GRADES), frame[f"{by}_computed"])
    return (
        frame.assign(_k=-shown.map(GRADE_RANK).fillna(0))
        .sort_values("_k", kind="stable")
        .drop(columns="_k")
    )


def scorecard_cell(computed: object, agreed: object, state: str, lang: str = "th") -> str:
    """A cell: the agreed grade large with the computed one small; dashed when only computed;
    no data and not applicable as words."""
    if agreed in GRADES:
        small = computed if computed in GRADES else "–"
        return (
            f'<span class="okd-cell" data-agreed="{agreed}" data-computed="{_e(small)}">'
            f"{grade_badge(agreed)}<small>{_e(small)}</small></span>"
        )
    if computed in GRADES:
        return (
            f'<span class="okd-cell okd-cell-computed" data-computed="{computed}">'
            f"{grade_badge(computed)}</span>"
        )
    return state_badge(state if state in (NO_DATA, NOT_APPLICABLE) else NOT_GRADED, lang)


def scorecard_html(frame: pd.DataFrame, lang: str = "th") -> str:
    """The scorecard as a table: one row per unit, sub-districts in bold."""
    headers = [
        t("name", lang),
        *(str(i) for i in range(1, 6)),
        t("overall", lang),
        t("change", lang),
    ]
    body, attrs = [], []
    arrows = {"up": "▲", "down": "▼", "same": "=", "new": "●", "": ""}
    for _, r in frame.iterrows():
        cells = [f'<span class="okd-{r["level"]}">{_e(r["name"])}</span>']
        for key in (*COMPONENT_CODES, "overall"):
            cells.append(
                scorecard_cell(r[f"{key}_computed"], r[f"{key}_agreed"], r[f"{key}_state"], lang)
            )
        ch = r["change"]
        cells.append(f"{arrows[ch]} {_e(t(ch, lang)) if ch else ''}")
        body.append(cells)
        attrs.append(f' data-unit="{_e(r["unit_code"])}" class="okd-row-{r["level"]}"')
    legend = "".join(
        f'<div class="okd-muted">{i}. {_e(COMPONENTS[c][1 if lang == "en" else 0])}</div>'
        for i, c in enumerate(COMPONENT_CODES, 1)
    )
    return (
        table(headers, body, cls="okd-scorecard", row_attrs=attrs)
        + legend
        + f'<div class="okd-muted">{_e(t("legend", lang))}</div>'
    )


def evidence_html(
    data: DashboardData, code: str, *, store: Path | None, round: str | None, lang: str = "th"
) -> str:
    """A village's or sub-district's evidence: computed grades with sentences and the circle's
    reasons for the round."""
    level = "village" if len(code) == 8 else "tambon"
    grades = data.grades if level == "village" else data.tambon_grades
    agreed = _agreed_frame(store, round)
    agreed = agreed.loc[agreed["unit_code"] == code]
    a = agreed.iloc[0] if len(agreed) else None
    rows = []
    for c in COMPONENT_CODES:
        u = grades.for_unit(code) if grades is not None else None
        if u is not None and c in u.index and not _missing(u.at[c, "state"]):
            g = u.loc[c]
            badge = (
                grade_badge(g["grade"]) if g["state"] == "graded" else state_badge(g["state"], lang)
            )
            sentence = _e(g[f"evidence_{lang}"])
        else:
            badge, sentence = state_badge(NO_DATA, lang), ""
        reason = _e(a[f"{c}_reason"]) if a is not None and a[f"{c}_reason"] else ""
        rows.append(
            [
                _e(COMPONENTS[c][1 if lang == "en" else 0]),
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
    intro = "" if grades is not None else note(_e(t("no_grading", lang)), "warn")
    return intro + table(headers, rows, cls="okd-components")


# ---------------------------------------------------------------------------------------------
# figures: one copy of plotly's widget code per page, traces updated in place


def _widget_class() -> type[go.FigureWidget]:
    """FigureWidget, loading plotly's 5 MB widget code from one URL when the dashboard server
    serves it (every figure then shares one cached copy instead of each sending its own)."""
    bundle = os.environ.get(BUNDLE_ENV)
    if not bundle:
        return go.FigureWidget
    esm = (
        f"const mod = await import(new URL({bundle!r}, document.baseURI).href);\n"
        "export default mod.default;\n"
    )
    return type("DashboardFigure", (go.FigureWidget,), {"_esm": esm})


_FIGURE_CLASS: type[go.FigureWidget] | None = None


#: Figure widths for a 1366-pixel projector: across the page, or beside text.
FULL_WIDTH, HALF_WIDTH = 1300, 600


def figure_widget(fig: go.Figure, *, height: int = 460, width: int = FULL_WIDTH) -> go.FigureWidget:
    """A FigureWidget of `fig` sized for a projector."""
    global _FIGURE_CLASS
    if _FIGURE_CLASS is None:
        _FIGURE_CLASS = _widget_class()
    widget = _FIGURE_CLASS(projector(charts.apply_style(fig), height=height, width=width))
    widget._okd_template = True
    return widget


def projector(fig: go.Figure, *, height: int = 460, width: int = FULL_WIDTH) -> go.Figure:
    """Larger type for a projector (the chart style's fonts, 22 px; bar labels outside the
    bars at 20 px) and a fixed size (a widget drawn before its box is laid out would
    otherwise take plotly's default width)."""
    fig.update_layout(
        font={"family": THAI_FONT_STACK, "size": 22},
        height=height,
        width=width,
        margin={"l": 20, "r": 40, "t": 60, "b": 40},
        title={"font": {"size": 24}},
    )
    fig.update_traces(
        textposition="outside", textfont_size=20, cliponaxis=False, selector={"type": "bar"}
    )
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(automargin=True)
    return fig


def horizontal(fig: go.Figure) -> go.Figure:
    """Vertical bars turned on their side, so long Thai category names read across, first
    category on top."""
    for trace in fig.data:
        if trace.type == "bar" and trace.orientation != "h":
            trace.update(x=trace.y, y=trace.x, orientation="h")
    x_title, y_title = fig.layout.xaxis.title.text, fig.layout.yaxis.title.text
    fig.update_layout(
        xaxis_title=y_title, yaxis_title=x_title, yaxis_autorange="reversed", bargap=0.25
    )
    return fig


def update_figure(widget: go.FigureWidget, fig: go.Figure, *, height: int | None = None) -> None:
    """Show `fig` in `widget`, updating its traces in place when their number and types match
    (the figure is not rebuilt, so the page does not flicker)."""
    fig = projector(
        fig, height=height or widget.layout.height or 460, width=widget.layout.width or FULL_WIDTH
    )
    layout = fig.layout.to_plotly_json()
    # every chart shares the one style template: set it once (validating it costs ~30 ms)
    if getattr(widget, "_okd_template", False):
        layout.pop("template", None)
    else:
        widget._okd_template = True
    new = fig.data
    same = len(new) == len(widget.data) and all(
        a.type == b.type for a, b in zip(widget.data, new, strict=True)
    )
    if same:
        with widget.batch_update():
            for old, trace in zip(widget.data, new, strict=True):
                values = trace.to_plotly_json()
                values.pop("type", None)
                for key in old.to_plotly_json():
                    if key not in values and key not in ("type", "uid"):
                        values[key] = None
                old.update(values, overwrite=True)
            widget.layout.update(layout, overwrite=True)
    else:
        with widget.batch_update():
            widget.layout.update(layout, overwrite=True)
        widget.data = ()
        widget.add_traces(list(new))
    # Messages sent before a page is connected are lost, and a panel shown later draws from
    # the model's state: keep the synced state whole as well.
    widget._widget_data = copy.deepcopy(widget._data)
    widget._widget_layout = {
        k: v if k == "template" else copy.deepcopy(v) for k, v in widget._layout.items()
    }


# ---------------------------------------------------------------------------------------------
# the widgets

CSS = f"""
<style>
.okd {{
  --jp-widgets-font-size: 24px; --jp-widgets-inline-height: 48px;
  --jp-widgets-inline-label-width: 220px; --jp-widgets-inline-width: 100%;
  --jp-ui-font-size1: 24px; --jp-content-font-size1: 24px;
  font-family: {THAI_FONT_STACK}; font-size: 24px; line-height: 1.4; color: #111;
  background: #fff;
}}
.okd * {{ font-family: {THAI_FONT_STACK}; }}
.okd .widget-label, .okd .widget-html-content, .okd label {{ font-size: 24px; line-height: 1.4; }}
.okd select, .okd input, .okd textarea, .okd button {{ font-size: 24px !important; }}
.okd .widget-toggle-button, .okd .widget-button {{ height: auto; min-height: 48px; padding: 4px 16px; }}
.okd .widget-toggle-buttons .widget-toggle-button {{ margin: 3px; }}
.okd .okd-nav .widget-toggle-button {{ font-size: 24px; }}
.okd .mod-active {{ background: #0b3d91 !important; color: #fff !important; }}
.okd-h1 {{ font-size: 32px; font-weight: 700; margin: 4px 0; }}
.okd-h2 {{ font-size: 28px; font-weight: 700; margin: 12px 0 6px; }}
.okd-village {{ font-size: 26px; margin: 6px 0; }}
.okd-village-name {{ font-size: 32px; font-weight: 700; }}
.okd-code {{ color: #444; font-size: 22px; }}
.okd-cards {{ display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0; }}
.okd-panel-text .okd-cards {{ display: grid; grid-template-columns: 1fr 1fr; }}
.okd-card {{ border: 2px solid #222; border-radius: 6px; padding: 2px 10px; min-width: 180px; }}
.okd-card-value {{ font-size: 30px; font-weight: 700; line-height: 1.3; }}
.okd-card-value small {{ font-size: 24px; font-weight: 400; }}
.okd-card-label {{ font-size: 24px; color: #222; line-height: 1.25; }}
.okd-table {{ border-collapse: collapse; margin: 8px 0; font-size: 24px; }}
.okd-table th, .okd-table td {{ border-bottom: 1px solid #555; padding: 4px 10px; text-align: left; vertical-align: top; }}
.okd-table th {{ background: #eee; }}
.okd-small-table, .okd-history {{ font-size: 24px; }}
.okd-opportunities td:nth-child(n+3), .okd-opportunities th:nth-child(n+3) {{ text-align: right; }}
.okd-grade {{ display: inline-block; min-width: 1.6em; text-align: center; font-weight: 700;
  border-radius: 4px; padding: 0 6px; font-size: 28px; border: 2px solid #000; }}
.okd-grade.okd-small {{ font-size: 22px; min-width: 1.3em; }}
.okd-grade-none {{ background: #fff; color: #000; }}
.okd-cell small {{ margin-left: 6px; font-size: 20px; }}
.okd-cell-computed .okd-grade {{ border-style: dashed; opacity: 0.85; }}
.okd-state {{ display: inline-block; font-size: 20px; padding: 2px 6px; border: 2px solid #555; }}
.okd-state-no_data {{ background: repeating-linear-gradient(45deg,#ddd,#ddd 6px,#fff 6px,#fff 12px); }}
.okd-state-not_applicable {{ background: #fff; border-style: dotted; }}
.okd-state-not_graded {{ background: #f4f4f4; }}
.okd-note {{ padding: 8px 12px; margin: 8px 0; border-left: 8px solid #0072B2; background: #eef5fb; }}
.okd-note-ok {{ border-color: #009E73; background: #e8f7f1; }}
.okd-note-warn {{ border-color: #E69F00; background: #fdf5e4; }}
.okd-note-error {{ border-color: #D55E00; background: #fbece5; }}
.okd-muted {{ color: #333; font-size: 20px; }}
.okd-tambon {{ font-weight: 700; }}
.okd-row-village td:first-child {{ padding-left: 32px; }}
.okd-overall {{ font-size: 28px; margin: 8px 0; }}
.okd-grade-buttons .widget-toggle-button {{ font-weight: 700; font-size: 28px; }}
.okd-grade-buttons .widget-toggle-button:nth-child(1).mod-active {{
  background: {GRADE_COLOURS["A"]} !important; color: {GRADE_TEXT["A"]} !important; }}
.okd-grade-buttons .widget-toggle-button:nth-child(2).mod-active {{
  background: {GRADE_COLOURS["B"]} !important; color: {GRADE_TEXT["B"]} !important; }}
.okd-grade-buttons .widget-toggle-button:nth-child(3).mod-active {{
  background: {GRADE_COLOURS["C"]} !important; color: {GRADE_TEXT["C"]} !important; }}
</style>
"""


def _html(value: str = "", cls: str = "") -> Any:
    import ipywidgets as w

    widget = w.HTML(value)
    if cls:
        widget.add_class(cls)
    return widget


def _grade_buttons() -> Any:
    """A, B, C as large buttons in the grade colours (the letter is the label)."""
    import ipywidgets as w

    buttons = w.ToggleButtons(options=list(GRADES), value=None, style={"button_width": "64px"})
    buttons.add_class("okd-grade-buttons")
    return buttons


def _beside(figure: Any, width: str = "46%") -> Any:
    """A figure in a box of the given width, to sit beside text."""
    import ipywidgets as w

    return w.Box([figure], layout=w.Layout(width=width))


def _guarded(
    status: Any, lang: Callable[[], str]
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Run a widget callback; show a Thai/English message instead of a traceback on failure."""

    def wrap(fn: Callable[..., None]) -> Callable[..., None]:
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                fn(*args, **kwargs)
            except OkanalysisError as e:
                status.value = note(_e(problem_text(e, lang())), "error")
            except Exception:  # never a traceback on the projector
                logging.getLogger("okanalysis.dashboard").exception("dashboard callback failed")
                status.value = note(f"{_e(t('error', 'th'))} / {_e(t('error', 'en'))}", "error")

        return run

    return wrap


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

    def __init__(self, data: DashboardData, *, store: Path | None = None, lang: str = "th") -> None:
        import ipywidgets as w

        self.data = data
        self.store = Path(store) if store is not None else circles.default_path()
        self.lang = check_lang(lang)
        self.village: str | None = None
        self._syncing = False
        self._stale: set[str] = set(PANELS)
        self.status = _html()
        guard = _guarded(self.status, lambda: self.lang)
        self._guard = guard
        L = self.lang
        self.title = _html(f'<div class="okd-h1">{_e(t("title", L))}</div>')
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
        self.header = _html(note(_e(t("pick_village", L))))
        self.nav = w.ToggleButtons(
            options=self._nav_options(), value="glance", style={"button_width": "auto"}
        )
        self.nav.add_class("okd-nav")
        # panels: text plus figures, never inside Tab widgets
        self.texts = {p: _html() for p in PANELS}
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
        self.people_box = _html()
        self.form = ScoringForm(self)
        self.panels = {
            "glance": w.HBox(
                [self.texts["glance"], _beside(self.fig_levels)],
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
                [self.texts["potential"], _beside(self.fig_levels)],
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
                _html(CSS),
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
            self.status.value = note(
                f"{_e(t('unknown_village', self.lang))}: {_e(str(code)[:20])}", "error"
            )
            return False
        code = str(code)
        self.village = code
        self.status.value = ""
        self._sync_pickers(code)
        self.header.value = village_title(self.data, code, self.lang)
        self.body.layout.display = None
        self._stale = set(PANELS)
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
        if self.village is not None and name in self._stale:
            self._refresh(name)
        if self.nav.value != name:
            self.nav.value = name
        self.stage.children = [self.panels[name]]

    def set_lang(self, lang: object) -> None:
        """Switch every label and panel to Thai or English."""
        self.lang = L = check_lang(lang)
        self.title.value = f'<div class="okd-h1">{_e(t("title", L))}</div>'
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
            self._stale = set(PANELS)
            self.show_panel(current)
        else:
            self.header.value = note(_e(t("pick_village", L)))

    # --- panels -------------------------------------------------------------------------------
    def _refresh(self, name: str) -> None:
        code, L, data = self.village, self.lang, self.data
        if code is None:
            return
        self._stale.discard(name)
        if name in ("glance", "potential"):
            agreed = latest_agreed(self.store, code)
            self.texts["glance"].value = glance_html(data, code, L, agreed)
            self.texts["potential"].value = potential_html(data, code, L)
            self._levels_figure(code)
            self._stale -= {"glance", "potential"}
        elif name == "accounts":
            self.texts[name].value = accounts_html(data, code, L)
            row = (
                data.spending.loc[[code]] if code in data.spending.index else data.spending.iloc[:0]
            )
            roll = data.rollup.loc[code] if code in data.rollup.index else None
            hidden = roll is None or bool(roll[privacy.SUPPRESSED])
            update_figure(
                self.fig_spending, charts.spending_by_group(row.iloc[:0] if hidden else row, lang=L)
            )
            self._households_figure(code, hidden)
        elif name == "opportunities":
            self.texts[name].value = opportunities_html(data, code, L)
            rows = data.opportunities.loc[
                (data.opportunities["unit_code"] == code) & ~data.opportunities[privacy.SUPPRESSED]
            ]
            update_figure(
                self.fig_opportunity,
                charts.opportunity_ranking(rows, kind="substitutable", unit=code, lang=L),
            )
        elif name == "components":
            self.texts[name].value = components_html(data, code, L, latest_agreed(self.store, code))
        elif name == "freedom":
            self.texts[name].value = freedom_html(data, code, L)
            rows = freedom_rows(data, code)
            if len(rows):
                update_figure(
                    self.fig_freedom,
                    charts.programme.freedom_before_after(rows, unit=code, lang=L),
                    height=max(320, 60 * len(rows) + 140),
                )
            else:
                update_figure(self.fig_freedom, go.Figure(), height=200)
            self.people_box.value = people_html(data, code, L) if self.show_people.value else ""
        elif name == "plan":
            self.texts[name].value = plan_html(data, code, L)
        elif name == "topics":
            self.texts[name].value = topics_html(data, code, L)
        elif name == "scoring":
            self.form.refresh()

    def _levels_figure(self, code: str) -> None:
        roll = self.data.rollup.loc[[code]] if code in self.data.rollup.index else None
        if roll is None or bool(roll[privacy.SUPPRESSED].iloc[0]):
            update_figure(self.fig_levels, go.Figure())
            return
        fig = horizontal(charts.potential_levels(roll.reset_index(drop=True), lang=self.lang))
        update_figure(self.fig_levels, fig)

    def _households_figure(self, code: str, hidden: bool) -> None:
        if not self.show_households.value or hidden:
            self.households_box.children = []
            return
        rows = self.data.summary.loc[self.data.summary["village_code"] == code]
        fig = charts.household_balance(rows, lang=self.lang)
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


class ScoringForm:
    """The circle's scoring form for the village on screen, with its history below."""

    def __init__(self, app: CircleDashboard) -> None:
        import ipywidgets as w

        self.app = app
        L = app.lang
        # the freedom-table rounds are the usual names for assessment rounds too
        self._known_rounds = set(people.rounds(app.data.dataset)["round"].astype(str))
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
            self.names[c] = _html()
            self.computed[c] = _html()
            self.agreed[c] = _grade_buttons()
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
        self.overall_label = _html()
        self.overall_computed = _html()
        self.overall = _grade_buttons()
        self.counts = {
            c: w.BoundedIntText(value=0, min=0, max=MAX_COUNT, layout=w.Layout(width="110px"))
            for c in circles.COUNT_COLUMNS
        }
        self.count_labels = {c: _html() for c in circles.COUNT_COLUMNS}
        groups = (circles.ROLE_COUNTS, circles.GENDER_COUNTS, circles.AGE_BAND_COUNTS)
        count_rows = [
            w.HBox(
                [w.HBox([self.count_labels[c], self.counts[c]]) for c in g],
                layout=w.Layout(flex_flow="row wrap"),
            )
            for g in groups
        ]
        self.participants_label = _html()
        self.note = w.Textarea(layout=w.Layout(width="100%", height="56px"))
        self.note_label = _html()
        self.save = w.Button(button_style="primary", layout=w.Layout(width="auto", height="56px"))
        self.message = _html()
        self.correcting = _html()
        self.history = _html()
        self.history_label = _html()
        self.save.on_click(app._guard(lambda _: self.submit()))
        self.round.observe(app._guard(lambda _: self._show_correcting()), "value")
        self.date_be = _html()
        self.date.observe(app._guard(lambda _: self._show_date()), "value")
        self.root = w.VBox(
            [
                w.HBox(
                    [self.round, self.date, self.date_be, self.facilitator],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                ),
                *rows,
                w.HBox([self.overall_label, self.overall_computed, self.overall]),
                self.participants_label,
                *count_rows,
                self.note_label,
                self.note,
                self.correcting,
                self.save,
                self.message,
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
            "okd-save": self.save,
            "okd-message": self.message,
            "okd-history-box": self.history,
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
        self.date_be.value = f"&nbsp;= {_e(shown)}&nbsp;" if shown else ""

    def relabel(self) -> None:
        L = self.app.lang
        self.round.description = t("round", L)
        self.round.placeholder = t("round_hint", L)
        self.date.description = t("date", L)
        self.facilitator.description = t("facilitator", L)
        for c in COMPONENT_CODES:
            self.names[c].value = f"<b>{_e(COMPONENTS[c][1 if L == 'en' else 0])}</b>"
            self.reasons[c].placeholder = t("reason", L)
            self.evidence[c].placeholder = t("other_evidence", L)
        self.overall_label.value = f"<b>{_e(t('overall', L))}</b>&nbsp;"
        self.participants_label.value = f"<b>{_e(t('participants', L))}</b>"
        for c in circles.COUNT_COLUMNS:
            names = {**circles.ROLE_COUNTS, **circles.GENDER_COUNTS, **circles.AGE_BAND_COUNTS}[c]
            self.count_labels[c].value = f"{_e(names[1 if L == 'en' else 0])}&nbsp;"
        self.note_label.value = f"<b>{_e(t('note', L))}</b>"
        self.save.description = t("save", L)
        self.history_label.value = heading(t("history", L))
        self._show_date()

    def load(self, code: str) -> None:
        """A new village: computed grades shown, agreed grades start at the computed ones."""
        data = self.app.data
        graded = data.grades.for_unit(code) if data.grades is not None else None
        L = self.app.lang
        for c in COMPONENT_CODES:
            grade, state = None, NO_DATA
            if graded is not None and c in graded.index and not _missing(graded.at[c, "state"]):
                grade = graded.at[c, "grade"] if graded.at[c, "grade"] in GRADES else None
                state = graded.at[c, "state"]
            self.computed[c].value = grade_badge(grade) if grade else state_badge(state, L)
            self.agreed[c].value = grade
            self.reasons[c].value = ""
            self.evidence[c].value = ""
        overall = data.grades.overall_of(code)[0] if data.grades is not None else None
        self.overall_computed.value = (
            grade_badge(overall, title=t("computed_grade", L)) + "&nbsp;→&nbsp;"
        )
        self.overall.value = overall
        self.message.value = ""
        self.note.value = ""
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

    def _show_correcting(self, entries: pd.DataFrame | None = None) -> None:
        entries = self._entries() if entries is None else entries
        r = self.round.value.strip() if isinstance(self.round.value, str) else ""
        live = (
            entries.loc[(entries["round"] == r) & entries["is_current"]]
            if r and len(entries)
            else entries.iloc[:0]
        )
        self.correcting.value = (
            note(_e(t("correcting", self.app.lang, round=r, id=int(live["id"].iloc[-1]))), "warn")
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
            self.app._stale |= {"glance", "components"}
        return entry


def _wait_for_query() -> str | None:
    """The page's query string; with preheated kernels this waits for the request (Voila's
    documented `get_query_string`); outside Voila it returns None at once."""
    try:
        from voila.utils import get_query_string
    except ImportError:
        return None
    return get_query_string()


def _ready(name: str, started: float) -> None:
    """Say in the server's log that a kernel has prepared its dashboard (preheated kernels
    do this before any page asks for them)."""
    seconds = time.perf_counter() - started
    print(f"okanalysis: {name} dashboard ready in {seconds:.1f} s", file=sys.__stderr__, flush=True)


def _error_widget(exc: Exception) -> Any:
    logging.getLogger("okanalysis.dashboard").exception("dashboard could not start")
    text = (
        problem_text(exc, "th") + " / " + problem_text(exc, "en")
        if isinstance(exc, OkanalysisError)
        else (f"{t('error', 'th')} / {t('error', 'en')}")
    )
    box = _html(CSS + note(_e(text), "error"))
    box.add_class("okd")
    return box


def circle_app(
    data: str | os.PathLike[str] | DashboardData | None = None,
    *,
    village: str | None = None,
    lang: str = "th",
    store: str | os.PathLike[str] | None = None,
    query: bool = True,
) -> Any:
    """The circle dashboard as one widget: loads and prepares the data, then (in Voila) waits
    for the page's request to open `?village=` in `?lang=`. Errors become a Thai/English
    message, never a traceback."""
    try:
        started = time.perf_counter()
        prepared = data if isinstance(data, DashboardData) else load_data(data)
        app = CircleDashboard(prepared, store=Path(store) if store else None, lang=lang)
        if village is not None:
            app.open_village(village)
        _ready("circle", started)
        if query:
            app.open_from_query(_wait_for_query())
        return app.root
    except Exception as e:
        return _error_widget(e)


class DistrictScorecard:
    """The district team's scorecard: sub-districts and villages by the five components."""

    def __init__(self, data: DashboardData, *, store: Path | None = None, lang: str = "th") -> None:
        import ipywidgets as w

        self.data = data
        self.store = Path(store) if store is not None else circles.default_path()
        self.lang = L = check_lang(lang)
        self.frame = pd.DataFrame()
        self.status = _html()
        guard = _guarded(self.status, lambda: self.lang)
        rounds = store_rounds(self.store)
        self.title = _html(f'<div class="okd-h1">{_e(t("scorecard_title", L))}</div>')
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
        self.table = _html()
        self.evidence = _html()
        self.root = w.VBox(
            [
                _html(CSS),
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
            self.status.value = note(_e(f"{t('district', self.lang)}: {str(code)[:10]}"), "error")
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
            *((_name(r, L, "tambon_th", "tambon_en"), c) for c, r in tambons.iterrows()),
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
        self.evidence.value = evidence_html(
            self.data, code, store=self.store, round=self.round.value, lang=self.lang
        )

    def open_from_query(self, query: str | None) -> None:
        params = parse_query(query)
        if "amphoe" in params:
            self.open_district(thai.arabic_digits(params["amphoe"]))


def district_app(
    data: str | os.PathLike[str] | DashboardData | None = None,
    *,
    amphoe: str | None = None,
    lang: str = "th",
    store: str | os.PathLike[str] | None = None,
    query: bool = True,
) -> Any:
    """The district scorecard as one widget (`?amphoe=8015&lang=en` in Voila)."""
    try:
        started = time.perf_counter()
        prepared = data if isinstance(data, DashboardData) else load_data(data)
        where = Path(store) if store else None
        app = DistrictScorecard(prepared, store=where, lang=check_lang(lang))
        if amphoe is not None:
            app.open_district(amphoe)
        _ready("district", started)
        params = parse_query(_wait_for_query()) if query else {}
        if params.get("lang", app.lang) != app.lang:
            app = DistrictScorecard(prepared, store=where, lang=check_lang(params["lang"]))
            if amphoe is not None:
                app.open_district(amphoe)
        if "amphoe" in params:
            app.open_district(thai.arabic_digits(params["amphoe"]))
        return app.root
    except Exception as e:
        return _error_widget(e)


__all__ = [
    "PANELS",
    "TEXT",
    "CircleDashboard",
    "ComputedGrades",
    "DashboardData",
    "DistrictScorecard",
    "FormValues",
    "ScoringForm",
    "circle_app",
    "computed_grades",
    "district_app",
    "district_options",
    "evidence_html",
    "figure_widget",
    "filter_scorecard",
    "from_grades",
    "glance_html",
    "load_data",
    "opportunities_html",
    "opportunity_rows",
    "parse_query",
    "prepare",
    "save_form",
    "scorecard",
    "scorecard_html",
    "search_options",
    "session_from_form",
    "sort_scorecard",
    "t",
    "update_figure",
    "village_from_query",
    "village_options",
]
