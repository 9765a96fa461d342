"""The circle record: one A4 page for the village to keep.

What the circle agreed for one village in one round, as the store holds it: each component's
computed grade beside the agreed one, the reason and the evidence, the overall grade, the
facilitator as written, the date in the Buddhist era and who took part (counts by role, gender
and age band, never names). The page is whole and self-contained (no script, no external
address, the Thai font stack, an `@page` A4 layout) so a browser prints it as it is.

Everything people typed goes through `esc`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from okanalysis.charts.html import component_css, esc, font_css, grade_badge, note
from okanalysis.circles import action_plan as plan
from okanalysis.circles import store as circles
from okanalysis.contract import hierarchy, schema
from okanalysis.core import labels, thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS
from okanalysis.core.errors import NothingToShow, OkanalysisError
from okanalysis.core.version import __version__

#: The words of the page: key -> (Thai, English).
WORDS: dict[str, tuple[str, str]] = {
    "title": ("บันทึกวงเรียนรู้", "Learning circle record"),
    "programme": ("ชุมชนอินทรีย์อยู่ดีมีสุข", "organic community, live well be happy"),
    "village": labels.pair("level.village"),
    "moo": ("หมู่ที่", "village no."),
    "tambon": labels.pair("level.tambon"),
    "amphoe": labels.pair("level.amphoe"),
    "province": labels.pair("level.province"),
    "round": labels.pair("column.round"),
    "date": circles.EXPORT_LABELS["date"],
    "facilitator": circles.EXPORT_LABELS["facilitator"],
    "component": ("องค์ประกอบ", "component"),
    "computed": labels.pair("column.computed"),
    "agreed": labels.pair("column.agreed"),
    "reason": ("เหตุผล", "reason"),
    "evidence": labels.pair("column.evidence"),
    "overall": ("ระดับรวม", "overall grade"),
    "grades": ("ระดับที่วงตกลงทั้งห้าองค์ประกอบ", "The agreed grades on the five components"),
    "participants": ("ผู้เข้าร่วม (จำนวนคน ไม่เก็บชื่อ)", "Who took part (counts, no names)"),
    "by_role": ("ตามบทบาท", "by role"),
    "by_gender": ("ตามเพศ", "by gender"),
    "by_age": ("ตามช่วงอายุ", "by age band"),
    "total": ("รวม", "total"),
    "people": ("คน", "people"),
    "note": ("บันทึกเพิ่มเติมของวง", "The circle's note"),
    "conflict": (
        "มีรายการอื่นของหมู่บ้านนี้ในรอบเดียวกันที่ยังขัดแย้งกัน: บันทึกนี้คือรายการล่าสุด โปรดบันทึกใหม่เพื่อยุติ",
        "another entry of this village and round is in conflict with this one; this is the "
        "latest; save a new entry to settle it",
    ),
    "actions": ("แผนปฏิบัติการที่วงตกลง", "The actions the circle agreed"),
    "no_actions": ("วงนี้ยังไม่ได้บันทึกกิจกรรม", "the circle recorded no action"),
    "what": labels.pair("column.action_what"),
    "lead": labels.pair("column.lead_role"),
    "when": ("ช่วงเวลา", "when"),
    "cost": ("งบประมาณ", "cost"),
    "households": ("ครัวเรือนที่ร่วม", "households"),
    "entry": ("รหัสรายการ", "entry"),
    "made": ("ทำโดย okanalysis", "made by okanalysis"),
    "none": ("–", "–"),
}

#: The page's own style: A4, one page, the shared pieces at print size.
PAGE_CSS = """
@page { size: A4; margin: 12mm 12mm 11mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #fff; }
.ok-sheet { max-width: 186mm; margin: 0 auto; padding: 4mm 0; }
.ok-sheet h1 { font-size: 20px; margin: 0 0 2px; line-height: 1.25; }
.ok-sheet h2 { font-size: 14px; margin: 6px 0 3px; padding-bottom: 1px;
  border-bottom: 2px solid #0072B2; line-height: 1.3; }
.ok-sheet .ok-sub { color: #333; margin: 0 0 4px; }
.ok-sheet .ok-where { font-size: 15px; font-weight: 700; margin: 2px 0; }
.ok-sheet .ok-facts { display: flex; flex-wrap: wrap; gap: 2px 18px; margin: 2px 0; }
.ok-sheet .ok-facts span { color: #333; }
.ok-sheet table.ok-table { width: 100%; margin: 2px 0 4px; font-size: 11px; line-height: 1.35;
  table-layout: fixed; }
.ok-sheet table.ok-table th, .ok-sheet table.ok-table td { padding: 2px 4px; }
.ok-sheet table.ok-table td.ok-text { white-space: pre-wrap; overflow-wrap: anywhere; }
.ok-sheet table.ok-grades th:nth-child(2), .ok-sheet table.ok-grades th:nth-child(3),
.ok-sheet table.ok-grades td:nth-child(2), .ok-sheet table.ok-grades td:nth-child(3) {
  text-align: center; }
.ok-sheet tr.ok-overall td { border-top: 2px solid #555; font-weight: 700; }
.ok-sheet .ok-counts { display: flex; gap: 8px; align-items: flex-start; }
.ok-sheet .ok-counts table { flex: 1 1 0; }
.ok-sheet .ok-notetext { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #d0d0d0;
  padding: 4px 8px; margin: 2px 0; }
.ok-sheet table.ok-plan { font-size: 10px; line-height: 1.25; }
.ok-sheet table.ok-plan td.num, .ok-sheet table.ok-plan th:nth-child(n+5) { text-align: right; }
.ok-sheet .ok-foot { margin-top: 8px; font-size: 10px; color: #555; }
@media print {
  .ok-sheet { padding: 0; max-width: none; }
  .ok-sheet h2, .ok-sheet table, .ok-sheet .ok-counts { break-inside: avoid; }
  .ok-grade { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _w(key: str, lang: str) -> str:
    th, en = WORDS[key]
    return en if lang == "en" else th


def _lang(lang: object) -> str:
    if lang not in ("th", "en"):
        raise OkanalysisError(
            "ภาษาต้องเป็น th หรือ en", "the language must be th or en", column="lang", value=lang
        )
    return str(lang)


def check_village(value: object) -> str:
    """A village code from what a user typed (Thai digits accepted): 8 digits, e.g. 80150101;
    refused in Thai and English otherwise."""
    text = thai.arabic_digits(str(value).strip()) if value is not None else ""
    if not (text.isascii() and text.isdigit() and len(text) == schema.CODE_DIGITS["village"]):
        raise OkanalysisError(
            "รหัสหมู่บ้านต้องเป็นตัวเลข 8 หลัก เช่น 80150101",
            "a village code has 8 digits, e.g. 80150101",
            column="village",
            value=value,
        )
    return text


def place(village: str, *, village_name: str | None = None, lang: str = "th") -> dict[str, str]:
    """The village's names: its own (when known: villages are not in geothai, else its number),
    its sub-district, district and province from geothai (the code when geothai lacks it)."""
    moo = f"{_w('moo', lang)} {int(village[-2:])}"
    name = f"{village_name} ({moo})" if village_name else moo
    column = "en" if lang == "en" else "th"
    found = {"village": name, "tambon": village[:6], "amphoe": village[:4], "province": village[:2]}
    try:
        province_code = hierarchy.check_province(village[:2])
    except OkanalysisError:
        return found
    tambons = hierarchy.tambons(province_code).set_index("tambon_code")
    districts = hierarchy.districts(province_code).set_index("amphoe_code")
    if village[:6] in tambons.index:
        found["tambon"] = str(tambons.at[village[:6], f"tambon_{column}"])
    if village[:4] in districts.index:
        found["amphoe"] = str(districts.at[village[:4], f"amphoe_{column}"])
    found["province"] = hierarchy.province(province_code)[f"province_{column}"]
    return found


def entry_for(
    store: circles.CircleStore | str | os.PathLike[str], village: str, round: str
) -> pd.Series:
    """The entry in force for the village and round; NothingToShow when there is none."""
    frame = circles.in_force(store, unit_code=village, round=round)
    if frame.empty:
        raise NothingToShow(
            f"ยังไม่มีบันทึกวงเรียนรู้ของหมู่บ้าน {village} รอบ {round}",
            f"no circle record yet for village {village} in round {round}",
            column="round",
            value=round,
        )
    return frame.iloc[0]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _counts_table(title: str, groups: Mapping[str, tuple[str, str]], entry: pd.Series, lang: str):
    i = 1 if lang == "en" else 0
    rows = "".join(
        f'<tr><td>{esc(names[i])}</td><td class="num">{int(entry[c]):,}</td></tr>'
        for c, names in groups.items()
    )
    return (
        f'<table class="ok-table"><thead><tr><th>{esc(title)}</th>'
        f'<th class="num">{esc(_w("people", lang))}</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def actions_html(found: pd.DataFrame | None, lang: str = "th") -> str:
    """The actions the circle agreed (rows of `action_plan.actions`): what, for which component
    (its number), who leads (the role; the name only when the circle wrote it), when (Buddhist
    era), the cost in baht and the households expected. Everything typed is escaped."""
    head = f"<h2>{esc(_w('actions', lang))}</h2>"
    if found is None or found.empty:
        return head + f'<p class="ok-sub">{esc(_w("no_actions", lang))}</p>'
    i = 1 if lang == "en" else 0
    rows = []
    for _, r in found.iterrows():
        number = COMPONENT_CODES.index(r["component"]) + 1 if r["component"] in COMPONENTS else ""
        title = COMPONENTS[r["component"]][i] if r["component"] in COMPONENTS else ""
        when = plan.when_text(r["start_date"], r["end_date"], lang)
        rows.append(
            f'<tr><td title="{esc(title)}">{number}</td>'
            f'<td class="ok-text">{esc(r["what"])}</td>'
            f'<td class="ok-text">{esc(plan.lead_text(r["lead_role"], r["lead_name"], lang))}</td>'
            f"<td>{esc(when)}</td>"
            f'<td class="num">{esc(plan.baht_text(r["cost_satang"]))}</td>'
            f'<td class="num">{int(r["households"]):,}</td></tr>'
        )
    unit = "baht" if lang == "en" else "บาท"
    names = [
        "#",
        _w("what", lang),
        _w("lead", lang),
        _w("when", lang),
        f"{_w('cost', lang)} ({unit})",
        _w("households", lang),
    ]
    heads = "".join(f"<th>{esc(n)}</th>" for n in names)
    return (
        head + '<table class="ok-table ok-plan"><colgroup><col style="width:3%">'
        '<col style="width:42%"><col style="width:15%"><col style="width:22%">'
        '<col style="width:10%"><col style="width:8%"></colgroup>'
        f"<thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def sheet_html(
    entry: pd.Series,
    *,
    village_name: str | None = None,
    lang: str = "th",
    actions: pd.DataFrame | None = None,
) -> str:
    """The page for one entry (a row of `circles.current` or `history`), with the actions its
    circle agreed in that round (`action_plan.actions`)."""
    lang = _lang(lang)
    i = 1 if lang == "en" else 0
    village = str(entry["unit_code"])
    where = place(village, village_name=village_name, lang=lang)
    sub = (
        f"{where['tambon']} sub-district, {where['amphoe']} district, {where['province']}"
        if lang == "en"
        else f"ตำบล{where['tambon']} อำเภอ{where['amphoe']} จังหวัด{where['province']}"
    )
    date = thai.format_date(entry["date"], lang, long=True)
    facts = [
        (_w("round", lang), entry["round"]),
        (_w("date", lang), date),
        (_w("facilitator", lang), _text(entry["facilitator"]) or _w("none", lang)),
    ]
    facts_html = "".join(f"<div><span>{esc(k)}</span> <b>{esc(v)}</b></div>" for k, v in facts)

    rows = []
    for n, c in enumerate(COMPONENT_CODES, start=1):
        rows.append(
            f"<tr><td>{n}. {esc(COMPONENTS[c][i])}</td>"
            f"<td>{grade_badge(entry[f'{c}_computed'], small=True)}</td>"
            f"<td>{grade_badge(entry[f'{c}_agreed'])}</td>"
            f'<td class="ok-text">{esc(_text(entry[f"{c}_reason"]))}</td>'
            f'<td class="ok-text">{esc(_text(entry[f"{c}_evidence"]))}</td></tr>'
        )
    rows.append(
        f'<tr class="ok-overall"><td>{esc(_w("overall", lang))}</td>'
        f"<td>{grade_badge(entry['computed_overall'], small=True)}</td>"
        f"<td>{grade_badge(entry['overall'])}</td><td></td><td></td></tr>"
    )
    heads = "".join(
        f"<th>{esc(_w(k, lang))}</th>"
        for k in ("component", "computed", "agreed", "reason", "evidence")
    )
    grades = (
        '<table class="ok-table ok-grades"><colgroup><col style="width:22%">'
        '<col style="width:8%"><col style="width:8%"><col style="width:31%">'
        f'<col style="width:31%"></colgroup><thead><tr>{heads}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )

    total = int(sum(int(entry[c]) for c in circles.ROLE_COUNTS))
    counts = (
        '<div class="ok-counts">'
        + _counts_table(_w("by_role", lang), circles.ROLE_COUNTS, entry, lang)
        + _counts_table(_w("by_gender", lang), circles.GENDER_COUNTS, entry, lang)
        + _counts_table(_w("by_age", lang), circles.AGE_BAND_COUNTS, entry, lang)
        + "</div>"
    )
    written_note = _text(entry["note"]).strip()
    note_html = (
        f'<h2>{esc(_w("note", lang))}</h2><div class="ok-notetext">{esc(written_note)}</div>'
        if written_note
        else ""
    )
    conflict = note(esc(_w("conflict", lang)), kind="warn") if bool(entry["in_conflict"]) else ""
    title = f"{_w('title', lang)}: {where['village']} {sub}, {_w('round', lang)} {entry['round']}"
    css = (
        font_css("body", size=13, line_height=1.4)
        + component_css("ok", size=12)
        + PAGE_CSS
        + ".ok-sheet .ok-note { padding: 3px 8px; margin: 4px 0; }"
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{css}</style>
</head>
<body>
<main class="ok-sheet">
<h1>{esc(_w("title", lang))}</h1>
<p class="ok-sub">{esc(_w("programme", lang))}</p>
<p class="ok-where">{esc(where["village"])} {esc(sub)}</p>
<div class="ok-facts">{facts_html}</div>
{conflict}
<h2>{esc(_w("grades", lang))}</h2>
{grades}
<h2>{esc(_w("participants", lang))}: {esc(_w("total", lang))} {total:,} {esc(_w("people", lang))}</h2>
{counts}
{actions_html(actions, lang)}
{note_html}
<p class="ok-foot">{esc(_w("entry", lang))} {esc(entry["uuid"])} · {esc(_w("made", lang))} {esc(__version__)}</p>
</main>
</body>
</html>
"""


def circle_sheet(
    store: circles.CircleStore | str | os.PathLike[str],
    village: str,
    round: str,
    *,
    lang: str = "th",
    village_name: str | None = None,
) -> str:
    """The one-page A4 circle record of `village` for `round`, as a whole HTML page.

    The entry in force for that village and round (`circles.in_force`), and the actions the
    circle agreed in that round (with who leads and when, a lead's name only if written, and
    the cost); NothingToShow (Thai and English) when the village has no entry. `village_name` is the village's own name when the
    caller knows it (the dashboard does; the store holds only codes); without it the page names
    the village by its number, with its sub-district and district from geothai.
    """
    lang = _lang(lang)
    village = check_village(village)
    round = str(round).strip()
    entry = entry_for(store, village, round)
    agreed = plan.actions(store, village, round)
    return sheet_html(entry, village_name=village_name, lang=lang, actions=agreed)


def write_sheet(
    store: circles.CircleStore | str | os.PathLike[str],
    village: str,
    round: str,
    out: str | os.PathLike[str],
    *,
    lang: str = "th",
    village_name: str | None = None,
) -> Path:
    """Write `circle_sheet` to `out` (UTF-8); returns the path written."""
    page = circle_sheet(store, village, round, lang=lang, village_name=village_name)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
