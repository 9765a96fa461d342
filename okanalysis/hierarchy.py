"""The real administrative hierarchy of the province, from geothai.

Villages are not in geothai; they come from the `villages` table. Everything here is keyed by
DOPA codes: province 2 digits, district (amphoe) 4, sub-district (tambon) 6.
"""

from __future__ import annotations

from functools import cache

import geothai
import pandas as pd

PROVINCE_CODE = "80"

#: Districts with a sea coast on the Gulf of Thailand, where fishing is a livelihood.
COASTAL_AMPHOE = ("8001", "8008", "8012", "8014", "8015", "8016", "8023")


@cache
def _districts(province_code: str) -> pd.DataFrame:
    rows = [
        {"amphoe_code": d.code, "amphoe_th": d.name_th, "amphoe_en": d.name_en}
        for d in geothai.districts(province_code)
    ]
    return pd.DataFrame(rows)


@cache
def _tambons(province_code: str) -> pd.DataFrame:
    rows = [
        {
            "tambon_code": s.code,
            "amphoe_code": s.district_code,
            "tambon_th": s.name_th,
            "tambon_en": s.name_en,
        }
        for d in geothai.districts(province_code)
        for s in geothai.subdistricts(d.code)
    ]
    return pd.DataFrame(rows)


def province(province_code: str = PROVINCE_CODE) -> dict[str, str]:
    """The province's code and Thai and English names."""
    p = geothai.province(province_code)
    if p is None:
        raise KeyError(province_code)
    return {"province_code": p.code, "province_th": p.name_th, "province_en": p.name_en}


def districts(province_code: str = PROVINCE_CODE) -> pd.DataFrame:
    """The province's districts: amphoe_code, amphoe_th, amphoe_en (23 for Nakhon Si Thammarat)."""
    return _districts(province_code).copy()


def tambons(province_code: str = PROVINCE_CODE) -> pd.DataFrame:
    """The province's sub-districts: tambon_code, amphoe_code, tambon_th, tambon_en."""
    return _tambons(province_code).copy()


def units(villages: pd.DataFrame | None = None, province_code: str = PROVINCE_CODE) -> pd.DataFrame:
    """Every unit's code, level, parent code and Thai and English names, villages included."""
    prov = province(province_code)
    d = districts(province_code)
    t = tambons(province_code)
    parts = [
        pd.DataFrame(
            {
                "unit_code": [prov["province_code"]],
                "level": ["province"],
                "parent_code": [pd.NA],
                "name_th": [prov["province_th"]],
                "name_en": [prov["province_en"]],
            }
        ),
        pd.DataFrame(
            {
                "unit_code": d["amphoe_code"],
                "level": "amphoe",
                "parent_code": prov["province_code"],
                "name_th": d["amphoe_th"],
                "name_en": d["amphoe_en"],
            }
        ),
        pd.DataFrame(
            {
                "unit_code": t["tambon_code"],
                "level": "tambon",
                "parent_code": t["amphoe_code"],
                "name_th": t["tambon_th"],
                "name_en": t["tambon_en"],
            }
        ),
    ]
    if villages is not None and len(villages):
        parts.append(
            pd.DataFrame(
                {
                    "unit_code": villages["village_code"],
                    "level": "village",
                    "parent_code": villages["tambon_code"],
                    "name_th": villages["name_th"],
                    "name_en": villages["name_en"] if "name_en" in villages else pd.NA,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
