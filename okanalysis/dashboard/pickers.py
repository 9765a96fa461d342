"""Choosing a village or a district: the pickers' options, the search, the page's address
(`?village=80150101&lang=en`, `?amphoe=8015`) and the village's title line. Only the UNITS
table is read (`CircleData.villages`), never a district's tables."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

from okanalysis.core import thai
from okanalysis.dashboard.data import CircleData
from okanalysis.dashboard.kit import esc, name_of, t


def district_options(data: CircleData, lang: str = "th") -> list[tuple[str, str]]:
    """(label, code) of every district with villages, by Thai name."""
    return [(name_of(r, lang, "amphoe_th", "amphoe_en"), c) for c, r in data.amphoes.iterrows()]


def tambon_options(data: CircleData, amphoe: str | None, lang: str = "th") -> list[tuple[str, str]]:
    """(label, code) of the district's sub-districts."""
    rows = data.tambons.loc[data.tambons["amphoe_code"] == amphoe]
    return [(name_of(r, lang, "tambon_th", "tambon_en"), c) for c, r in rows.iterrows()]


def village_label(row: Mapping[str, Any], lang: str = "th") -> str:
    """'บ้านนายาง (หมู่ที่ 1)'."""
    return f"{name_of(row, lang)} ({t('moo', lang)} {int(row['village_no'])})"


def village_options(
    data: CircleData, tambon: str | None, lang: str = "th"
) -> list[tuple[str, str]]:
    """(label, code) of the sub-district's villages, by village number."""
    rows = data.villages.loc[data.villages["tambon_code"] == tambon]
    return [(village_label(r, lang), c) for c, r in rows.iterrows()]


def search_options(data: CircleData, lang: str = "th") -> dict[str, str]:
    """Search label -> village code, every village: 'บ้านนายาง (หมู่ที่ 1) · ต.xx · อ.yy'."""
    sub, dis = ("ต.", "อ.") if lang == "th" else ("", "")
    out: dict[str, str] = {}
    for code, r in data.villages.iterrows():
        label = (
            f"{village_label(r, lang)} · {sub}{name_of(r, lang, 'tambon_th', 'tambon_en')}"
            f" · {dis}{name_of(r, lang, 'amphoe_th', 'amphoe_en')}"
        )
        out[label if label not in out else f"{label} [{code}]"] = code
    return out


def parse_query(query: str | None) -> dict[str, str]:
    """The dashboard's own URL parameters (village, amphoe, lang); everything else ignored."""
    if not query:
        return {}
    pairs = urllib.parse.parse_qs(query, keep_blank_values=False, max_num_fields=20)
    return {k: v[0].strip() for k, v in pairs.items() if k in ("village", "amphoe", "lang") and v}


def unknown_village(data: CircleData, code: object, lang: str = "th") -> str:
    """Why a village code cannot be shown: outside the pack's district (naming both), or not
    in the data (plain text; escape it for HTML)."""
    shown = str(code)[:20]
    if data.outside_pack(shown):
        return t("outside_pack", lang, code=shown, district=data.pack_district)
    return f"{t('unknown_village', lang)}: {shown}"


def village_from_query(data: CircleData, query: str | None) -> tuple[str | None, str]:
    """The village a link asks for (`?village=80150101`), checked against the data.

    Returns (code or None, message): the message explains a code that is not in the data.
    """
    code = parse_query(query).get("village")
    if code is None:
        return None, ""
    code = thai.arabic_digits(code)
    if data.known(code):
        return code, ""
    if data.outside_pack(code):
        both = f"{unknown_village(data, code, 'th')} / {unknown_village(data, code, 'en')}"
        return None, esc(both)
    return None, f"{t('unknown_village', 'th')} / {t('unknown_village', 'en')}: {esc(code[:20])}"


def village_title(data: CircleData, code: str, lang: str = "th") -> str:
    """'บ้านนายาง (หมู่ที่ 1) · ตำบลxx · อำเภอyy · 80010101'."""
    r = data.village(code)
    parts = [
        village_label(r, lang),
        f"{t('tambon', lang)}{'' if lang == 'th' else ' '}{name_of(r, lang, 'tambon_th', 'tambon_en')}",
        f"{t('district', lang)}{'' if lang == 'th' else ' '}{name_of(r, lang, 'amphoe_th', 'amphoe_en')}",
    ]
    return (
        f'<div class="okd-village" data-village="{esc(code)}"><span class="okd-village-name">'
        f"{esc(parts[0])}</span> · {esc(parts[1])} · {esc(parts[2])} "
        f'<span class="okd-code">{esc(code)}</span></div>'
    )
