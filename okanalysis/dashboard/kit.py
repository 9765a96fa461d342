"""The dashboards' kit: the words (`TEXT`, `t`), formatting, HTML pieces, the projector CSS,
figure widgets updated in place, and how a screen says "nothing to show" or a fault.

Everything here is pure presentation: no data is read. Panels (`dashboard.panels`), the scoring
form (`dashboard.form`), the circle screen (`dashboard.circle`) and the district scorecard
(`dashboard.scorecard`) build on it.
"""

from __future__ import annotations

import copy
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from okanalysis.charts import html as html_kit
from okanalysis.charts import style as chart_style
from okanalysis.charts.html import GRADE_TEXT, esc
from okanalysis.charts.style import GRADE_COLOURS, THAI_FONT_STACK
from okanalysis.circles import store as circles
from okanalysis.core import labels, thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS, GRADES
from okanalysis.core.errors import NothingToShow, OkanalysisError
from okanalysis.core.paths import BUNDLE_ENV
from okanalysis.topics import potential

LOG = logging.getLogger("okanalysis.dashboard")

LANGS = ("th", "en")
#: The longest text a form field accepts (a reason, a note); longer is refused, not cut.
MAX_TEXT = 2000
MAX_SHORT_TEXT = 120
#: The most people a circle can count in one group (a mistyped 10000 is refused).
MAX_COUNT = 5000
#: Grade states a scorecard cell can have besides a grade.
NO_DATA, NOT_APPLICABLE, NOT_GRADED = "no_data", "not_applicable", "not_graded"
#: Text colour on each grade colour (contrast for a projector).
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
    "outside_pack": (
        "หมู่บ้านรหัส {code} ไม่อยู่ในอำเภอ {district} ของชุดข้อมูลอำเภอนี้ จึงเปิดหรือบันทึกไม่ได้",
        "village {code} is outside district {district}, the district of this pack, so it "
        "cannot be opened or scored here",
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
    "recording": labels.pair("column.households_recording"),
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
    "computed_grade": labels.pair("column.computed"),
    "agreed_grade": labels.pair("column.agreed"),
    "latest_agreed": ("ระดับที่วงตกลงล่าสุด", "latest agreed grade"),
    "fiscal_year": ("ปีงบประมาณ", "fiscal year"),
    "suppressed": (
        "ไม่แสดงตัวเลข: น้อยกว่า {n} ครัวเรือนหรือคน (เพื่อความเป็นส่วนตัว)",
        "figures not shown: fewer than {n} households or people (privacy)",
    ),
    "no_ledger": ("หมู่บ้านนี้ยังไม่มีบัญชีครัวเรือนในปีนี้", "no household accounts this year"),
    "rank": ("ลำดับ", "rank"),
    "category": labels.pair("column.category_th"),
    "per_year": labels.pair("column.yearly_satang"),
    "buyers": labels.pair("column.households_buying"),
    "per_buyer": ("เฉลี่ยต่อครัวเรือนที่ซื้อ", "per buying household"),
    "share_spending": labels.pair("column.share_of_spending"),
    "substitutable": potential.OPPORTUNITY_KINDS["substitutable"],
    "avoidable": potential.OPPORTUNITY_KINDS["avoidable"],
    "reduction_target": ("เป้าหมายลดรายจ่าย", "reduction targets"),
    "show_households": ("แสดงรายครัวเรือน", "show each household"),
    "show_people": ("แสดงรายบุคคล", "show each person"),
    "level": ("ระดับ", "level"),
    "share": ("สัดส่วน", "share"),
    "evidence": ("หลักฐาน", "evidence"),
    "next_steps": ("ก้าวต่อไปสู่ระดับ {grade}", "next steps to {grade}"),
    "component": labels.pair("column.component"),
    "overall": labels.pair("grade.overall"),
    "nothing": ("ยังไม่มีข้อมูลส่วนนี้: {why}", "Nothing to show here yet: {why}"),
    "no_data": labels.pair("status.no_data"),
    "not_applicable": ("ไม่เกี่ยวข้อง", "not applicable"),
    "not_graded": ("ยังไม่ได้ให้ระดับ", "not graded yet"),
    "criterion": labels.pair("column.criterion_th"),
    "person": ("รหัสบุคคล", "person id"),
    "role": labels.pair("column.role_th"),
    "before": ("ก่อน", "before"),
    "after": ("หลัง", "after"),
    "own_target": ("เป้าที่ตั้งเอง", "own target"),
    "people": labels.pair("column.people"),
    "start_mean": ("ก่อน (เฉลี่ย)", "before (mean)"),
    "end_mean": ("หลัง (เฉลี่ย)", "after (mean)"),
    "reached_target": ("ถึงเป้าที่ตั้ง", "reached own target"),
    "no_freedom": ("ยังไม่มีตารางอิสรภาพของแกนนำหมู่บ้านนี้", "no freedom table for this village's cores"),
    "plan_items": ("รายการในแผนแม่บท", "master-plan items"),
    "in_tao": labels.pair("column.items_in_tao_plan"),
    "with_agency": labels.pair("column.items_with_agency_project"),
    "unsupported": ("ยังไม่มีผู้สนับสนุน", "not supported yet"),
    "top_down": labels.pair("column.top_down_projects"),
    "addresses_top": ("แผนตอบโจทย์เงินไหลออกอันดับต้น", "plan answers the top money leaving"),
    "cost": ("งบประมาณ", "cost"),
    "support": ("ผู้สนับสนุน", "support"),
    "kind": labels.pair("column.kind"),
    "no_plan": ("ยังไม่มีแผนแม่บท", "no master plan yet"),
    "centre": ("ศูนย์เรียนรู้เศรษฐกิจพอเพียง", "Sufficiency-economy learning centre"),
    "centres": ("ศูนย์", "centres"),
    "registered": ("ขึ้นทะเบียน", "registered"),
    "active": ("ดำเนินการอยู่", "active"),
    "activities": labels.pair("column.activities"),
    "visitors": ("ผู้มาเรียนรู้", "visitors"),
    "last_activity": ("กิจกรรมล่าสุด", "last activity"),
    "finance": ("องค์กรการเงินและสวัสดิการชุมชน", "Community finance and welfare"),
    "groups": ("กลุ่ม", "groups"),
    "household_coverage": labels.pair("column.household_coverage"),
    "welfare_coverage": labels.pair("column.welfare_coverage"),
    "loan_to_capital": ("เงินกู้ต่อทุน", "loans to capital"),
    "arrears_ratio": ("หนี้ค้างชำระ", "arrears"),
    "welfare_model": labels.pair("column.welfare_model_th"),
    "standards": ("มาตรฐานสุขภาพและมาตรฐานชุมชน", "Health and community standards"),
    "health_result": ("มาตรฐานสุขภาพ", "health standard"),
    "health_share": ("ครัวเรือนผ่านเกณฑ์สุขภาพ", "households meeting the health standard"),
    "cdd_result": ("มาตรฐานชุมชน พช.", "CDD community standard"),
    "cdd_share": labels.pair("column.cdd_indicator_share"),
    "none": ("ไม่มี", "none"),
    "round": labels.pair("column.round"),
    "round_hint": ("เช่น start-2551", "e.g. start-2551"),
    "date": ("วันที่จัดวง", "date of the circle"),
    "facilitator": ("คุณอำนวยผู้จัดวง", "facilitator"),
    "reason": ("เหตุผล (ต้องกรอกเมื่อไม่ตรงกับข้อมูล)", "reason (required when it differs)"),
    "other_evidence": ("หลักฐานอื่นที่วงพิจารณา", "other evidence weighed"),
    "participants": ("ผู้เข้าร่วม (จำนวนคน ไม่เก็บชื่อ)", "who took part (counts, no names)"),
    "note": ("บันทึกเพิ่มเติม", "note"),
    "our_words": ("ความหมายของชุมชนเรา", "our community's words"),
    "tambon_words": ("ความหมายของตำบล", "the sub-district's words"),
    "no_vision": (
        "ยังไม่มีข้อความว่าชุมชนอินทรีย์อยู่ดีมีสุขหมายถึงอะไรสำหรับชุมชนนี้",
        "no statement yet of what 'organic community, live well, be happy' means here",
    ),
    "vision_saved": ("บันทึกความหมายของชุมชนแล้ว", "the community's words were saved"),
    "vision_from_circle": ("จากวงเรียนรู้", "from a learning circle"),
    "vision_from_data": ("จากข้อมูลที่ส่งมา", "from the data sent in"),
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
    "print_sheet": ("พิมพ์บันทึกวงเรียนรู้", "Print the circle record"),
    "sheet_ready": (
        "บันทึกวงเรียนรู้ของ {name} รอบ {round}: ดาวน์โหลด แล้วเปิดในเบราว์เซอร์เพื่อพิมพ์ (A4 หนึ่งหน้า)",
        "The circle record of {name}, round {round}: download it, open it in the browser and"
        " print it (one A4 page)",
    ),
    "sheet_no_round": ("โปรดเลือกรอบการประเมินก่อน", "choose the assessment round first"),
    "status": labels.pair("column.status"),
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
    "conflict": ("ขัดแย้ง: บันทึกใหม่เพื่อยุติ", "in conflict: save a new entry to settle it"),
    "all_rounds": ("ระดับที่ตกลงในทุกรอบ", "Agreed grades in every round"),
    "error": (
        "ขออภัย เกิดข้อผิดพลาด โปรดแจ้งทีมวิชาการ",
        "Sorry, something went wrong; please tell the academic team",
    ),
    "no_round": ("ยังไม่มีรอบที่บันทึก", "no round recorded yet"),
    # the circle's action plan (`dashboard.action_form`, `panels.actions`)
    "previous_actions": (
        "กิจกรรมที่วงครั้งก่อนตกลงไว้ ({round}) และที่ยังค้าง: เกิดอะไรขึ้นบ้าง",
        "What the previous circle ({round}) agreed to do, and what is still open: what happened?",
    ),
    "no_previous_actions": (
        "วงครั้งก่อนยังไม่ได้บันทึกกิจกรรม และไม่มีกิจกรรมค้าง",
        "the previous circle recorded no action, and none is still open",
    ),
    "action_plan": ("แผนปฏิบัติการของวง (หลังให้ระดับ)", "The circle's action plan (after the grades)"),
    "round_actions": ("กิจกรรมที่วงนี้ตกลง (รอบ {round})", "Actions this circle agreed (round {round})"),
    "no_round_actions": ("ยังไม่มีกิจกรรมในรอบนี้", "no action recorded in this round yet"),
    "action_what": labels.pair("column.action_what"),
    "action_what_hint": (
        "เช่น ทำปุ๋ยหมักใช้เองแทนปุ๋ยเคมี",
        "e.g. make our own compost instead of chemical fertiliser",
    ),
    "action_component": ("องค์ประกอบที่กิจกรรมนี้ช่วย", "component it serves"),
    "action_addresses": labels.pair("column.action_addresses"),
    "addresses_none": ("ไม่ระบุ", "none"),
    "addresses_plan": ("แผนแม่บท", "master plan"),
    "addresses_money": ("เงินไหลออก", "money leaving"),
    "action_lead": labels.pair("column.lead_role"),
    "action_lead_name": labels.pair("column.lead_name"),
    "action_start": labels.pair("column.start_date"),
    "action_end": labels.pair("column.end_date"),
    "action_cost": ("งบประมาณโดยประมาณ (บาท)", "estimated cost (baht)"),
    "action_cost_hint": ("เช่น 12,500", "e.g. 12,500"),
    "action_households": labels.pair("column.action_households"),
    "action_when": ("ช่วงเวลา", "when"),
    "action_state": labels.pair("column.action_state"),
    "action_said": labels.pair("column.action_said"),
    "action_sentence_hint": ("เกิดอะไรขึ้น (หนึ่งประโยค)", "what happened (one sentence)"),
    "action_save": ("บันทึกกิจกรรม", "Save the action"),
    "action_mark": ("บันทึกความคืบหน้า", "Save what happened"),
    "action_saved": (
        "บันทึกกิจกรรมแล้ว (รายการที่ {id}): {what}",
        "Action saved (entry {id}): {what}",
    ),
    "action_marked": (
        "บันทึกความคืบหน้าแล้ว: {what} → {state}",
        "Saved what happened: {what} → {state}",
    ),
    "action_needs_round": (
        "โปรดกรอกรอบการประเมินและวันที่จัดวงด้านบนก่อน",
        "fill in the round and the date of the circle above first",
    ),
    "overdue": labels.pair("action_state.overdue"),
    "actions": ("กิจกรรม", "actions"),
    "actions_counts": (
        "ค้าง {open} · เลยกำหนด {overdue} · ทำแล้ว {done}",
        "open {open} · overdue {overdue} · done {done}",
    ),
}


def t(key: str, lang: str = "th", **values: object) -> str:
    """The text `key` in Thai (or English), with `{name}` placeholders filled."""
    th, en = TEXT[key]
    text = en if lang == "en" else th
    return text.format(**values) if values else text


def check_lang(lang: object) -> str:
    """'th' or 'en'; anything else (from a URL, say) falls back to Thai."""
    return lang if lang in LANGS else "th"


def missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or bool(pd.isna(value))


def num(value: object) -> str:
    return "–" if missing(value) else thai.format_number(int(value))


def pct(value: object, decimals: int = 0) -> str:
    return "–" if missing(value) else thai.format_percent(float(value), decimals)


def baht(value: object, lang: str) -> str:
    return "–" if missing(value) else thai.format_baht(int(value), lang)


def when(value: object, lang: str) -> str:
    return "–" if missing(value) else thai.format_date(pd.Timestamp(value), lang)


def yes_no(value: object, lang: str) -> str:
    if missing(value):
        return "–"
    return ("ใช่" if lang == "th" else "yes") if bool(value) else ("ไม่" if lang == "th" else "no")


def name_of(row: Mapping[str, Any], lang: str, th: str = "name_th", en: str = "name_en") -> str:
    """A unit's name in the language asked, Thai when the English one is missing."""
    if lang == "en" and not missing(row.get(en)):
        return str(row[en])
    return str(row[th])


# ---------------------------------------------------------------------------------------------
# HTML pieces


def grade_badge(grade: object, *, small: bool = False, title: str = "") -> str:
    """A grade as a coloured box with its letter printed (the shared kit's, projector size)."""
    return html_kit.grade_badge(grade, prefix="okd", small=small, title=title)


def state_badge(state: str, lang: str) -> str:
    """No data and not applicable, told apart (hatched grey vs plain white)."""
    return f'<span class="okd-state okd-state-{esc(state)}">{esc(t(state, lang))}</span>'


def cards(items: Sequence[tuple[str, str]]) -> str:
    """Large figures (HTML made from escaped parts) with their labels, as a projector reads
    them (the shared kit's cards)."""
    return html_kit.cards(items, prefix="okd", escape=False)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    cls: str = "",
    row_attrs: Sequence[str] | None = None,
) -> str:
    """An HTML table; cells are HTML already escaped by the caller."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    attrs = row_attrs or [""] * len(rows)
    body = "".join(
        f"<tr{a}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
        for row, a in zip(rows, attrs, strict=True)
    )
    return f'<table class="okd-table {cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def note(text: str, kind: str = "info") -> str:
    """A message box: info, ok (saved), warn or error (the shared kit's)."""
    return html_kit.note(text, prefix="okd", kind=kind)


def heading(text: str) -> str:
    return f'<h2 class="okd-h2">{esc(text)}</h2>'


def suppressed_note(min_group: int, lang: str) -> str:
    """Figures withheld because the group is smaller than the privacy setting."""
    return note(esc(t("suppressed", lang, n=min_group)), "warn")


def hidden_cell(min_group: int, lang: str) -> str:
    """A table cell whose figure is withheld for privacy."""
    return f'<span class="okd-muted">{esc(t("suppressed", lang, n=min_group))}</span>'


#: The action plan's columns as the form names them (`field_label`).
ACTION_FIELDS = {
    "component": "action_component",
    "what": "action_what",
    "plan_item": "action_addresses",
    "opportunity": "action_addresses",
    "addresses": "action_addresses",
    "lead_role": "action_lead",
    "lead_name": "action_lead_name",
    "start_date": "action_start",
    "end_date": "action_end",
    "cost": "action_cost",
    "households": "action_households",
    "state": "action_state",
    "sentence": "action_said",
}


def field_label(column: str, lang: str) -> str:
    """A store column as the form names it ('leadership_reason' -> the component: reason)."""
    for c in COMPONENT_CODES:
        if column.startswith(f"{c}_"):
            what = column[len(c) + 1 :]
            key = {"agreed": "agreed_grade", "reason": "reason", "evidence": "other_evidence"}.get(
                what
            )
            suffix = f": {t(key, lang)}" if key else ""
            return f"{COMPONENTS[c][1 if lang == 'en' else 0]}{suffix}"
    if column in ACTION_FIELDS:
        return t(ACTION_FIELDS[column], lang)
    if column in circles.EXPORT_LABELS:
        return circles.EXPORT_LABELS[column][1 if lang == "en" else 0]
    return {"participants": t("participants", lang), "components": t("components", lang)}.get(
        column, column
    )


def problem_text(error: Exception, lang: str = "th") -> str:
    """One refusal as the facilitator reads it: the field, then what is expected."""
    if not isinstance(error, OkanalysisError):
        return t("error", lang)
    label = field_label(error.column, lang) if error.column else ""
    what = error.expected_en if lang == "en" else error.expected_th
    return f"{label}: {what}" if label else what


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
    widget = _FIGURE_CLASS(projector(chart_style.apply_style(fig), height=height, width=width))
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
{html_kit.component_css("okd", size=24, projector=True)}
.okd .okd-grade {{ font-size: 28px; }}
.okd .okd-grade.okd-small {{ font-size: 22px; }}
.okd .okd-card-value {{ font-size: 30px; }}
.okd .okd-card-value small, .okd .okd-card-label {{ font-size: 24px; }}
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
.okd-panel-text .okd-cards {{ display: grid; grid-template-columns: 1fr 1fr; }}
.okd-small-table, .okd-history {{ font-size: 24px; }}
.okd-opportunities td:nth-child(n+3), .okd-opportunities th:nth-child(n+3) {{ text-align: right; }}
.okd-conflict {{ color: #D55E00; font-weight: 700; }}
.okd-change {{ margin-left: 6px; font-size: 20px; white-space: nowrap; }}
.okd-change-up {{ color: #006b4f; }}
.okd-change-down {{ color: #D55E00; }}
.okd-cell small {{ margin-left: 6px; font-size: 20px; }}
.okd-cell-computed .okd-grade {{ border-style: dashed; opacity: 0.85; }}
.okd-state {{ display: inline-block; font-size: 20px; padding: 2px 6px; border: 2px solid #555; }}
.okd-state-no_data {{ background: repeating-linear-gradient(45deg,#ddd,#ddd 6px,#fff 6px,#fff 12px); }}
.okd-state-not_applicable {{ background: #fff; border-style: dotted; }}
.okd-state-not_graded {{ background: #f4f4f4; }}
.okd-muted {{ color: #333; font-size: 20px; }}
.okd-steps {{ margin: 6px 0 0 0; font-size: 20px; }}
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


def html_box(value: str = "", cls: str = "") -> Any:
    import ipywidgets as w

    widget = w.HTML(value)
    if cls:
        widget.add_class(cls)
    return widget


def grade_buttons() -> Any:
    """A, B, C as large buttons in the grade colours (the letter is the label)."""
    import ipywidgets as w

    buttons = w.ToggleButtons(options=list(GRADES), value=None, style={"button_width": "64px"})
    buttons.add_class("okd-grade-buttons")
    return buttons


def beside(figure: Any, width: str = "46%") -> Any:
    """A figure in a box of the given width, to sit beside text."""
    import ipywidgets as w

    return w.Box([figure], layout=w.Layout(width=width))


def fault_html() -> str:
    """What a screen shows for a fault (the details go to the server's log, never the page)."""
    return note(f"{esc(t('error', 'th'))} / {esc(t('error', 'en'))}", "error")


def nothing_html(exc: NothingToShow, lang: str = "th") -> str:
    """What a panel shows when the results hold nothing to show for it, with the reason."""
    why = exc.expected_en if lang == "en" else exc.expected_th
    return note(esc(t("nothing", lang, why=why)))


def is_fault(exc: BaseException) -> bool:
    """A fault, as opposed to a refusal the facilitator can act on: anything but an
    `OkanalysisError`, and a result table that could not be computed."""
    from okanalysis.results.store import ResultFault

    return isinstance(exc, ResultFault) or not isinstance(exc, OkanalysisError)


def shown(render: Callable[[], str], lang: str = "th", *, what: str = "panel") -> str:
    """`render()`'s HTML; a notice in words when there is nothing to show; for any other error
    the fault message, its traceback in the server's log."""
    try:
        return render()
    except NothingToShow as exc:
        return nothing_html(exc, lang)
    except Exception:
        LOG.exception("dashboard %s failed", what)
        return fault_html()


def guarded(
    status: Any, lang: Callable[[], str]
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Run a widget callback: a refusal (a bad value) is said in words; a fault shows the
    fault message, its traceback in the server's log, never on the projector."""

    def wrap(fn: Callable[..., None]) -> Callable[..., None]:
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                fn(*args, **kwargs)
            except NothingToShow as e:
                status.value = nothing_html(e, lang())
            except Exception as e:
                if is_fault(e):
                    LOG.exception("dashboard callback failed")
                    status.value = fault_html()
                else:
                    status.value = note(esc(problem_text(e, lang())), "error")

        return run

    return wrap


def wait_for_query() -> str | None:
    """The page's query string; with preheated kernels this waits for the request (Voila's
    documented `get_query_string`); outside Voila it returns None at once."""
    try:
        from voila.utils import get_query_string
    except ImportError:
        return None
    return get_query_string()


def say_ready(name: str, started: float) -> None:
    """Say in the server's log that a kernel has prepared its dashboard (preheated kernels
    do this before any page asks for them)."""
    seconds = time.perf_counter() - started
    print(f"okanalysis: {name} dashboard ready in {seconds:.1f} s", file=sys.__stderr__, flush=True)


def error_widget(exc: Exception) -> Any:
    """The whole screen when it cannot start: the refusal in words (a missing results folder),
    or the fault message with its traceback in the server's log."""
    if is_fault(exc):
        LOG.error("dashboard could not start", exc_info=exc)
        text = fault_html()
    else:
        text = note(esc(problem_text(exc, "th") + " / " + problem_text(exc, "en")), "error")
    box = html_box(CSS + text)
    box.add_class("okd")
    return box
