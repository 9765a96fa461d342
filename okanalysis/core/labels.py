"""One registry of the Thai and English labels the toolkit shows: key -> (Thai, English).

The same thing is named the same way everywhere: a column header in a report and in a grading
summary, a level of the hierarchy, a role, a status word, the direction of a change. Keys are
dotted by kind (`column.unit_code`, `level.tambon`, `grade_status.no_data`...); modules say which
keys they show (`label`, `pair`, `group`), never the words. The five components' names stay in
`okanalysis.core.components`; labels built from parameters (potential levels, ledger
categories) stay with the parameters.
"""

from __future__ import annotations

from okanalysis.core.components import GRADES

_LEVELS: dict[str, tuple[str, str]] = {
    "level.village": ("หมู่บ้าน", "village"),
    "level.tambon": ("ตำบล", "sub-district"),
    "level.amphoe": ("อำเภอ", "district"),
    "level.province": ("จังหวัด", "province"),
    "level.zone": ("โซน", "zone"),
}
_ROLES: dict[str, tuple[str, str]] = {
    "role.core": ("คุณกิจแกนนำหมู่บ้าน", "village core leader"),
    "role.tambon_facilitator": ("คุณอำนวยตำบล", "sub-district facilitator"),
    "role.district_team": ("คุณอำนวยอำเภอ", "district facilitation team"),
    "role.khun_ua": ("คุณเอื้อ", "enabler (khun ua)"),
    "role.province_team": ("คุณอำนวยจังหวัด", "province facilitation team"),
}
#: Who may lead an action of a circle's action plan besides the roles above.
_LEADS: dict[str, tuple[str, str]] = {
    "lead.community_group": ("กลุ่มในชุมชน", "a community group"),
    "lead.agency": ("หน่วยงานภาคีหรือ อบต.", "a partner agency or the TAO"),
}
_STATUS: dict[str, tuple[str, str]] = {
    # shared status words
    "status.no_data": ("ไม่มีข้อมูล", "no data"),
    "status.not_applicable": ("ไม่ใช้กับระดับนี้", "not applicable at this level"),
    # an indicator of a unit
    "indicator_status.scored": ("ให้คะแนนแล้ว", "scored"),
    # a component (or the overall grade) of a unit
    "grade_status.graded": ("ประเมินได้", "graded"),
    "grade_status.no_data": ("ข้อมูลไม่พอประเมิน", "not enough data to grade"),
    # the change of a grade between two rounds
    "direction.up": ("ดีขึ้น", "improved"),
    "direction.same": ("คงเดิม", "unchanged"),
    "direction.down": ("ลดลง", "declined"),
    # the grade that combines the five components
    "grade.overall": ("ระดับรวม", "overall"),
    # an action of a circle's action plan: planned (no update yet), then what a later circle said
    "action_state.open": ("ยังไม่เริ่ม (ตามแผน)", "planned"),
    "action_state.in_progress": ("กำลังทำ", "in progress"),
    "action_state.done": ("ทำแล้ว", "done"),
    "action_state.dropped": ("ยกเลิก", "dropped"),
    "action_state.overdue": ("เลยกำหนด", "overdue"),
}
_COLUMNS: dict[str, tuple[str, str]] = {
    # the grades (`okanalysis.grading`)
    "column.unit_code": ("รหัสพื้นที่", "unit code"),
    "column.unit_th": ("ชื่อพื้นที่", "unit"),
    "column.amphoe_th": ("อำเภอ", "district"),
    "column.zone_th": ("โซน", "zone"),
    "column.component": ("องค์ประกอบ", "component"),
    "column.indicator": ("ตัวชี้วัด", "indicator"),
    "column.status": ("สถานะ", "status"),
    "column.value": ("ค่าที่วัดได้", "value"),
    "column.count": ("จำนวน", "count"),
    "column.of": ("จากทั้งหมด", "of"),
    "column.points": ("คะแนน (1-3)", "points (1-3)"),
    "column.band": ("ช่วงคะแนนที่ได้", "band"),
    "column.target": ("เป้าหมาย", "target"),
    "column.grade": ("ระดับ", "grade"),
    "column.mean_points": ("คะแนนเฉลี่ย", "mean points"),
    "column.why_th": ("เหตุผล", "why (Thai)"),
    "column.why_en": ("เหตุผล (อังกฤษ)", "why"),
    "column.overall": ("ระดับรวม", "overall grade"),
    "column.not_graded": ("องค์ประกอบที่ประเมินไม่ได้", "components not graded"),
    "column.rubric_version": ("รุ่นเกณฑ์การประเมิน", "rubric version"),
    "column.units": ("จำนวนพื้นที่", "units"),
    "column.graded": _STATUS["grade_status.graded"],
    "column.in_circle": ("ผ่านวงเรียนรู้แล้ว", "graded in a circle"),
    "column.agreement_rate": ("สัดส่วนที่วงเห็นตรงกับข้อมูล", "agreement rate"),
    # the reports' tables (`okanalysis.report`)
    "column.name": ("พื้นที่", "area"),
    "column.code": ("รหัส", "code"),
    "column.substitutable": ("ซื้อสิ่งที่ผลิตเองได้ (ต่อปี)", "goods the community could produce (per year)"),
    "column.avoidable": ("รายจ่ายที่ลดได้ (ต่อปี)", "avoidable spending (per year)"),
    "column.kind_th": ("ประเภท", "kind"),
    "column.kind_en": ("ประเภท", "kind"),
    "column.category_en": ("รายการ", "item"),
    "column.component_en": ("องค์ประกอบ", "component"),
    "column.rank": ("อันดับ", "rank"),
    "column.category_th": ("รายการ", "item"),
    "column.yearly_satang": ("ต่อปี", "per year"),
    "column.households_buying": ("ครัวเรือนที่ซื้อ", "households buying"),
    "column.share_of_spending": ("สัดส่วนของรายจ่าย", "share of spending"),
    "column.villages": ("หมู่บ้าน", "villages"),
    "column.cores": ("คุณกิจแกนนำ", "village cores"),
    "column.cores_missing": ("แกนนำที่ยังขาด", "cores missing"),
    "column.villages_short_of_cores": ("หมู่บ้านที่แกนนำไม่ครบ 8", "villages short of 8 cores"),
    "column.tambon_facilitators": ("คุณอำนวยตำบล", "sub-district facilitators"),
    "column.sectors_missing": ("ภาคีที่ยังขาด", "partner sectors missing"),
    "column.without_successor": ("ยังไม่มีผู้สืบทอด", "without a successor"),
    "column.people": ("คน", "people"),
    "column.successor_share": ("สัดส่วนที่มีผู้สืบทอด", "share with a successor"),
    "column.new_generation_share": ("สัดส่วนผู้นำรุ่นใหม่", "new-generation share"),
    "column.female_share": ("สัดส่วนผู้หญิง", "share of women"),
    "column.median_age": ("อายุมัธยฐาน", "median age"),
    "column.role_th": ("บทบาท", "role"),
    "column.criterion_th": ("เกณฑ์", "criterion"),
    "column.can_do_now": ("สิ่งที่ทำได้แล้ว", "what they can now do"),
    "column.score_start_mean": ("ระดับเฉลี่ยก่อน", "mean level before"),
    "column.score_end_mean": ("ระดับเฉลี่ยหลัง", "mean level after"),
    "column.reached_target_share": ("สัดส่วนที่ถึงเป้า", "share reaching the target"),
    "column.items": ("รายการแผน", "plan items"),
    "column.items_in_tao_plan": ("อยู่ในแผน อบต.", "in the TAO plan"),
    "column.items_with_agency_project": ("มีโครงการหน่วยงาน", "with an agency project"),
    "column.items_unsupported": ("ยังไม่มีผู้สนับสนุน", "not supported"),
    "column.supported_share": ("สัดส่วนที่ได้รับการสนับสนุน", "share supported"),
    "column.cost_satang": ("งบตามแผน", "plan cost"),
    "column.top_down_projects": ("โครงการจากบนลงล่าง", "top-down projects"),
    "column.addresses_top_opportunities": (
        "แผนตอบโอกาสอันดับต้นของบัญชี",
        "plan answers the top opportunities",
    ),
    "column.title": ("โครงการ/กิจกรรม", "project or activity"),
    "column.kind": ("ลักษณะ", "kind"),
    "column.payer_th": ("ผู้รับผิดชอบงบ", "who pays"),
    "column.centres": ("ศูนย์เรียนรู้", "learning centres"),
    "column.centres_registered": ("ขึ้นทะเบียนแล้ว", "registered"),
    "column.centres_in_use": ("ใช้งานอยู่", "in use"),
    "column.activities": ("กิจกรรม", "activities"),
    "column.visitors": ("ผู้เข้าร่วม/ศึกษาดูงาน", "visitors"),
    "column.groups": ("กลุ่ม/กองทุน", "groups and funds"),
    "column.groups_active": ("มีกิจกรรมต่อเนื่อง", "active"),
    "column.members": ("สมาชิก (คน)", "members"),
    "column.household_coverage": ("ครัวเรือนที่เป็นสมาชิก", "households reached"),
    "column.welfare_coverage": ("ครัวเรือนในกองทุนสวัสดิการ", "households in a welfare fund"),
    "column.capital_satang": ("เงินทุน", "capital"),
    "column.arrears_ratio": ("หนี้ค้างชำระต่อเงินให้กู้", "arrears to loans"),
    "column.welfare_model_th": ("รูปแบบสวัสดิการ", "welfare model"),
    "column.health_share": ("ครัวเรือนผ่านมาตรฐานสุขภาพ", "households meeting the health standard"),
    "column.health_villages_passed": (
        "หมู่บ้านผ่านมาตรฐานสุขภาพ",
        "villages passing the health standard",
    ),
    "column.cdd_villages_passed": ("หมู่บ้านผ่านมาตรฐาน พช.", "villages passing the CDD standard"),
    "column.cdd_indicator_share": ("ตัวชี้วัด พช. ที่ผ่าน", "CDD indicators passed"),
    "column.per_village_satang": ("งบต่อหมู่บ้าน", "per village"),
    "column.budget_satang": ("งบจัดสรร", "budget"),
    "column.spent_satang": ("ใช้จ่ายแล้ว", "spent"),
    "column.balance_satang": ("คงเหลือ", "balance"),
    "column.share_spent": ("สัดส่วนที่ใช้ไป", "share spent"),
    "column.topic_th": ("ประเด็นการเรียนรู้", "learning topic"),
    "column.share_of_spent": ("สัดส่วนของรายจ่าย", "share of spending"),
    "column.share_of_budget": ("สัดส่วนของงบ", "share of the budget"),
    "column.agency_th": ("หน่วยงานหลัก", "lead agency"),
    "column.districts": ("อำเภอ", "districts"),
    "column.round": ("รอบการประเมิน", "assessment round"),
    "column.component_th": ("องค์ประกอบ", "component"),
    "column.computed": ("ระดับจากข้อมูล", "computed grade"),
    "column.agreed": ("ระดับที่วงตกลง", "agreed grade"),
    "column.reason": ("เหตุผลที่ต่าง", "reason for the difference"),
    "column.evidence": ("หลักฐานอื่น", "other evidence"),
    "column.below_line_share": ("รายได้ต่ำกว่าเส้นความยากจน", "income below the poverty line"),
    "column.substitutable_per_household_satang": (
        "ซื้อสิ่งที่ผลิตเองได้ต่อครัวเรือน",
        "substitutable per household",
    ),
    "column.avoidable_per_household_satang": ("รายจ่ายที่ลดได้ต่อครัวเรือน", "avoidable per household"),
    "column.rank_coverage": ("อันดับการทำบัญชี", "rank: accounts kept"),
    "column.rank_below_line": ("อันดับความยากจน (น้อยดี)", "rank: poverty (fewer is better)"),
    "column.rank_substitutable": ("อันดับเงินไหลออก (น้อยดี)", "rank: outflow (less is better)"),
    "column.rank_avoidable": ("อันดับรายจ่ายที่ลดได้ (น้อยดี)", "rank: avoidable (less is better)"),
    "column.households_recording": ("ครัวเรือนที่ทำบัญชี", "households keeping accounts"),
    "column.substitutable_annual": (
        "เงินออกไปซื้อสิ่งที่ผลิตเองได้ต่อปี",
        "spent yearly on goods the community could make",
    ),
    "column.avoidable_annual": ("รายจ่ายที่ลดได้ต่อปี", "avoidable spending per year"),
    # the national summary (`okanalysis.results.national`)
    "column.region_th": ("ภาค", "region"),
    "column.provinces": ("จังหวัด", "provinces"),
    "column.provinces_built": ("จังหวัดที่คำนวณแล้ว", "provinces built"),
    "column.households_assessed": ("ครัวเรือนที่ประเมินได้", "households assessed"),
    "column.median_income_annual_satang": ("รายได้ต่อปี (มัธยฐาน)", "median yearly income"),
    "column.median_income_per_member_month_satang": (
        "รายได้ต่อคนต่อเดือน (มัธยฐาน)",
        "median monthly income per member",
    ),
    "column.substitutable_annual_satang": (
        "เงินออกไปซื้อสิ่งที่ผลิตเองได้ต่อปี",
        "spent yearly on goods the community could make",
    ),
    "column.avoidable_annual_satang": ("รายจ่ายที่ลดได้ต่อปี", "avoidable spending per year"),
    "column.outflow_rows_hidden": (
        "รายการที่ไม่นับเพราะกลุ่มเล็ก",
        "items not counted (small groups)",
    ),
    "column.computed_A_share": ("สัดส่วนระดับ A จากข้อมูล", "share at A, computed"),
    "column.agreed_A_share": ("สัดส่วนระดับ A ที่วงตกลง", "share at A, agreed"),
    "column.rank_top_level": ("อันดับระดับศักยภาพสูงสุด", "rank: top potential level"),
    "column.rank_median_income": ("อันดับรายได้มัธยฐาน", "rank: median income"),
    "column.rank_computed_grades": ("อันดับระดับ A จากข้อมูล", "rank: A, computed"),
    "column.rank_agreed_grades": ("อันดับระดับ A ที่วงตกลง", "rank: A, agreed"),
    "column.average_per_buyer_satang": (
        "เฉลี่ยต่อครัวเรือนที่ซื้อ",
        "average per buying household",
    ),
    "column.name_th": ("ชื่อ", "name"),
    "column.engine": ("วิธีคำนวณ", "engine"),
    "column.seconds": ("วินาที", "seconds"),
    "column.error": ("ข้อผิดพลาด", "error"),
    # the circles' action plans (`okanalysis.circles.action_plan`)
    "column.action_what": ("สิ่งที่จะทำ", "what will be done"),
    "column.action_addresses": ("ตอบแผนแม่บทหรือเงินไหลออก", "addresses (plan item or money leaving)"),
    "column.plan_item": ("รายการในแผนแม่บท", "master-plan item"),
    "column.opportunity": ("รายการเงินไหลออก", "money-leaving item"),
    "column.lead_role": ("ผู้รับผิดชอบหลัก", "who leads"),
    "column.lead_name": ("ชื่อผู้รับผิดชอบ (ถ้าวงให้เขียน)", "lead's name (if the circle wrote it)"),
    "column.start_date": ("วันเริ่ม", "starts"),
    "column.end_date": ("วันสิ้นสุด", "ends"),
    "column.action_cost": ("งบประมาณโดยประมาณ", "estimated cost"),
    "column.action_households": ("ครัวเรือนที่คาดว่าจะร่วม", "households expected to take part"),
    "column.action_state": ("สถานะของกิจกรรม", "state of the action"),
    "column.action_said": ("สิ่งที่เกิดขึ้น (วงบอก)", "what happened (as the circle said)"),
    "column.action_said_date": ("วันที่วงบอก", "said at the circle of"),
    "column.action_agreed_date": ("วันที่วงตกลง", "agreed at the circle of"),
    "column.actions_open": ("กิจกรรมที่ยังค้าง", "open actions"),
    "column.actions_overdue": ("กิจกรรมที่เลยกำหนด", "overdue actions"),
    "column.actions_done": ("กิจกรรมที่ทำแล้ว", "actions done"),
    "column.actions_dropped": ("กิจกรรมที่ยกเลิก", "actions dropped"),
    "column.round_before": ("รอบก่อน", "previous round"),
    "column.grade_before": ("ระดับรอบก่อน", "grade then"),
    "column.grade_now": ("ระดับรอบนี้", "grade now"),
    "column.direction": ("การเปลี่ยนแปลง", "change"),
}
for _g in GRADES:
    _COLUMNS[f"column.computed_{_g}"] = (f"ระดับ {_g} จากข้อมูล", f"computed {_g}")
    _COLUMNS[f"column.agreed_{_g}"] = (f"ระดับ {_g} ที่วงตกลง", f"agreed {_g}")

#: Every label: key -> (Thai, English).
LABELS: dict[str, tuple[str, str]] = {**_LEVELS, **_ROLES, **_LEADS, **_STATUS, **_COLUMNS}


def pair(key: str) -> tuple[str, str]:
    """The (Thai, English) label of `key`; KeyError naming the key when there is none."""
    try:
        return LABELS[key]
    except KeyError:
        raise KeyError(f"no label '{key}' in okanalysis.core.labels") from None


def label(key: str, lang: str = "th") -> str:
    """The Thai label of `key` (English with `lang="en"`)."""
    th, en = pair(key)
    return en if lang == "en" else th


def group(
    kind: str, names: tuple[str, ...] | list[str] | None = None
) -> dict[str, tuple[str, str]]:
    """The labels of one kind without its prefix (`group("level")` -> {"village": (...)}), in
    the registry's order, or for `names` in their order."""
    prefix = f"{kind}."
    if names is None:
        names = [k[len(prefix) :] for k in LABELS if k.startswith(prefix)]
    return {n: pair(prefix + n) for n in names}
