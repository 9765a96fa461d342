"""The master plan: its items, who supports them, and whether it answers the top outflows."""

from __future__ import annotations

from okanalysis.contract import schema
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import baht, cards, esc, note, num, t, table, yes_no
from okanalysis.topics import plans


def plan_html(data: CircleData, code: str, lang: str = "th") -> str:
    """The master plan's items, who supports them, and whether it answers the top outflows."""
    district = data.of(code)
    alignment = district.alignment
    if code not in alignment.index:
        return note(esc(t("no_plan", lang)))
    a = alignment.loc[code]
    parts = [
        cards(
            [
                (t("plan_items", lang), num(a["items"])),
                (t("in_tao", lang), num(a["items_in_tao_plan"])),
                (t("with_agency", lang), num(a["items_with_agency_project"])),
                (t("unsupported", lang), num(a["items_unsupported"])),
                (t("top_down", lang), num(a["top_down_projects"])),
                (t("addresses_top", lang), yes_no(a.get("addresses_top_opportunities"), lang)),
            ]
        )
    ]
    items = district.plan_items
    items = items.loc[items["unit_code"] == code]
    if items.empty:
        parts.append(note(esc(t("no_plan", lang))))
        return "".join(parts)
    body = []
    for _, i in items.iterrows():
        kind = schema.PLAN_KINDS.get(i["kind"], (i["kind"], i["kind"]))
        support = plans.SUPPORT.get(i["support"], (i["support"], i["support"]))
        body.append(
            [
                esc(i["title"]),
                esc(kind[1 if lang == "en" else 0]),
                baht(i["cost_satang"], lang),
                esc(support[1 if lang == "en" else 0]),
            ]
        )
    parts.append(
        table([t("plan_items", lang), t("kind", lang), t("cost", lang), t("support", lang)], body)
    )
    return "".join(parts)
