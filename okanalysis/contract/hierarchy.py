"""The real administrative hierarchy of a province, from geothai.

Villages are not in geothai; they come from the `villages` table. Everything here is keyed by
DOPA codes: province 2 digits, district (amphoe) 4, sub-district (tambon) 6, village 8. The
summaries of every module place codes at a level with `code_at` and `unit_frame`.

Every function takes the province code; Nakhon Si Thammarat (`PROVINCE_CODE`, 80) is the
default. `check_province` turns what a user typed into a code (or refuses it in Thai and
English), and `province_of` finds the province a villages table lies in. The geothai look-ups
are cached per province.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import geothai
import pandas as pd

from okanalysis.contract import schema
from okanalysis.core.errors import OkanalysisError
from okanalysis.core.thai import arabic_digits

if TYPE_CHECKING:
    from okanalysis.contract.dataset import Dataset

PROVINCE_CODE = "80"

#: Districts of Nakhon Si Thammarat with a sea coast on the Gulf of Thailand, where fishing is a
#: livelihood.
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


@cache
def province_codes() -> tuple[str, ...]:
    """Every province code geothai knows (77), in code order."""
    return tuple(sorted(p.code for p in geothai.provinces()))


def check_province(value: object) -> str:
    """The province code from what a user typed ('81', 81, '๘๑'); refused in Thai and English
    when it is not one of geothai's provinces."""
    text = arabic_digits(str(value).strip()) if value is not None else ""
    if text.isdigit() and len(text) == 1:
        text = text.zfill(2)
    if text not in province_codes():
        raise OkanalysisError(
            "รหัสจังหวัดไม่ถูกต้อง: ต้องเป็นรหัสจังหวัด 2 หลักของกรมการปกครอง เช่น 80 (นครศรีธรรมราช) "
            "หรือ 81 (กระบี่)",
            "not a province code: use a 2-digit DOPA province code such as 80 (Nakhon Si "
            "Thammarat) or 81 (Krabi)",
            column="province",
            value=value,
        )
    return text


def province_of(villages: pd.DataFrame | None, default: str = PROVINCE_CODE) -> str:
    """The province a villages table lies in: the first two digits most of its district codes
    share (`default` for no villages)."""
    if villages is None or not len(villages) or "amphoe_code" not in villages:
        return default
    prefixes = villages["amphoe_code"].dropna().astype("str").str.slice(0, 2)
    prefixes = prefixes[prefixes.isin(province_codes())]
    if prefixes.empty:
        return default
    counts = prefixes.value_counts()
    return str(counts[counts == counts.max()].index.min())


def data_province(dataset: Dataset) -> str:
    """The province a Dataset is for: the one it was loaded or generated for, else the one its
    villages lie in (Nakhon Si Thammarat without villages)."""
    given = getattr(dataset, "province", None)
    return str(given) if given else province_of(dataset.villages)


#: The regions of the kingdom by DOPA province-code range (geothai carries no region):
#: code, Thai and English names, in the order the national summary lists them.
REGIONS: dict[str, tuple[str, str]] = {
    "north": ("ภาคเหนือ", "north"),
    "northeast": ("ภาคตะวันออกเฉียงเหนือ", "northeast"),
    "central": ("ภาคกลาง", "central"),
    "east": ("ภาคตะวันออก", "east"),
    "south": ("ภาคใต้", "south"),
}


def region(province_code: str) -> str:
    """The region of a province by its code's range: south (80-96), east (20-27), northeast
    (30-49), north (50-67) or central (10-19, 70-77)."""
    code = int(check_province(province_code))
    if code >= 80:
        return "south"
    if 20 <= code < 30:
        return "east"
    if 30 <= code < 50:
        return "northeast"
    if 50 <= code < 70:
        return "north"
    return "central"


def province(province_code: str = PROVINCE_CODE) -> dict[str, str]:
    """The province's code and Thai and English names."""
    p = geothai.province(check_province(province_code))
    return {"province_code": p.code, "province_th": p.name_th, "province_en": p.name_en}


def districts(province_code: str = PROVINCE_CODE) -> pd.DataFrame:
    """The province's districts: amphoe_code, amphoe_th, amphoe_en (23 for Nakhon Si Thammarat)."""
    return _districts(check_province(province_code)).copy()


def tambons(province_code: str = PROVINCE_CODE) -> pd.DataFrame:
    """The province's sub-districts: tambon_code, amphoe_code, tambon_th, tambon_en."""
    return _tambons(check_province(province_code)).copy()


def units(villages: pd.DataFrame | None = None, province_code: str | None = None) -> pd.DataFrame:
    """Every unit's code, level, parent code and Thai and English names, villages included
    (the province of the villages when `province_code` is None)."""
    if province_code is None:
        province_code = province_of(villages)
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


#: The levels a summary can be made at, smallest first.
LEVEL_ORDER: tuple[str, ...] = ("village", "tambon", "amphoe", "province")


def check_choice(value: object, allowed: Sequence[str], name: str = "level") -> None:
    """Refuse an option outside `allowed` (a level, a breakdown), in Thai and English."""
    if value not in allowed:
        raise OkanalysisError(
            f"'{name}' ต้องเป็นหนึ่งใน {list(allowed)}",
            f"'{name}' must be one of {list(allowed)}",
            column=name,
            value=value,
        )


def check_level(level: str, allowed: Sequence[str] = LEVEL_ORDER) -> None:
    """Refuse a level outside `allowed`."""
    check_choice(level, allowed, "level")


def code_at(codes: pd.Series, level: str) -> pd.Series:
    """Each code's unit at `level` (its prefix); missing where the code is above that level."""
    digits = schema.CODE_DIGITS[level]
    text = codes.astype("str")
    deep_enough = (text.str.len() >= digits).fillna(False).astype(bool)
    return text.str.slice(0, digits).where(deep_enough)


def units_of(dataset: Dataset) -> pd.DataFrame:
    """`units(dataset.villages)`, made once per villages table (memoised on the Dataset:
    treat as read-only)."""
    return dataset.remember("units", ("villages",), None, lambda: units(dataset.villages))


def unit_frame(dataset: Dataset, level: str, codes: pd.Series | None = None) -> pd.DataFrame:
    """The units at `level` the dataset covers, with Thai and English names and parent code.

    A unit is covered when one of the dataset's villages lies in it, or when one of `codes`
    (codes of any level, from the table being summarised) falls in it.
    """
    check_level(level)
    found = [
        dataset.remember(
            f"village_units_{level}",
            ("villages",),
            None,
            lambda: code_at(dataset.villages["village_code"], level),
        )
    ]
    if codes is not None:
        found.append(code_at(codes, level))
    present = pd.concat(found).dropna().drop_duplicates().sort_values()
    names = units_of(dataset)
    names = names[names["level"] == level].drop_duplicates("unit_code")
    frame = pd.DataFrame({"unit_code": present.astype("str").to_numpy(), "level": level})
    frame = frame.merge(
        names[["unit_code", "name_th", "name_en", "parent_code"]], on="unit_code", how="left"
    )
    frame = frame.rename(columns={"name_th": "unit_th", "name_en": "unit_en"})
    if level != "province":
        parent = LEVEL_ORDER[LEVEL_ORDER.index(level) + 1]
        frame["parent_code"] = code_at(frame["unit_code"], parent)
    return frame.astype({"unit_code": "str", "unit_th": "str", "unit_en": "str"})


def unit_level(code: str) -> str:
    """The level of a unit code by its length: 2 province, 4 amphoe, 6 tambon, 8 village."""
    for level, digits in schema.CODE_DIGITS.items():
        if len(str(code)) == digits and str(code).isdigit():
            return level
    raise OkanalysisError(
        "รหัสพื้นที่ต้องเป็นตัวเลข 2, 4, 6 หรือ 8 หลัก",
        "a unit code has 2, 4, 6 or 8 digits",
        column="unit",
        value=code,
    )
