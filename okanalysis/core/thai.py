"""Thai digits, Buddhist-era dates and numbers formatted as Thai readers expect.

The one place that converts between Thai (๐-๙) and Arabic digits and between the Buddhist era
(พ.ศ.) and the Common era (ค.ศ.): BE = CE + 543.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

BE_OFFSET = 543
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
TO_ARABIC = str.maketrans(THAI_DIGITS, "0123456789")
TO_THAI = str.maketrans("0123456789", THAI_DIGITS)

MONTHS_TH = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_TH_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
MONTHS_EN_ABBR = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def arabic_digits(text: str) -> str:
    """Replace Thai digits ๐-๙ with 0-9."""
    return text.translate(TO_ARABIC)


def thai_digits(text: str) -> str:
    """Replace 0-9 with Thai digits ๐-๙."""
    return text.translate(TO_THAI)


def be_year(ce_year: int) -> int:
    """The Buddhist-era year of a Common-era year (2008 -> 2551)."""
    return ce_year + BE_OFFSET


def ce_year(be: int) -> int:
    """The Common-era year of a Buddhist-era year (2551 -> 2008)."""
    return be - BE_OFFSET


def fiscal_year_be(date: dt.date | pd.Timestamp) -> int:
    """The Thai fiscal year (ปีงบประมาณ, 1 October to 30 September) of a date, in BE."""
    return be_year(date.year) + (1 if date.month >= 10 else 0)


def to_date(value: object) -> dt.date | None:
    """A calendar date from what a form or a file gives: a date, a datetime or Timestamp (its
    day), or ISO text YYYY-MM-DD (Thai digits accepted); None for anything else (NaT, other
    text), for the caller to refuse in its own words."""
    if value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp too
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(arabic_digits(value.strip()))
        except ValueError:
            return None
    return None


def format_date(
    date: dt.date | pd.Timestamp | None,
    lang: str = "th",
    *,
    long: bool = False,
    digits: str = "arabic",
) -> str:
    """A date as Thai readers write it: '15 ม.ค. 2551' (BE), or '15 Jan 2008' in English."""
    if date is None or date is pd.NaT or (isinstance(date, float) and pd.isna(date)):
        return "–"
    if lang == "en":
        return f"{date.day} {MONTHS_EN_ABBR[date.month - 1]} {date.year}"
    month = (MONTHS_TH if long else MONTHS_TH_ABBR)[date.month - 1]
    text = f"{date.day} {month} {be_year(date.year)}"
    return thai_digits(text) if digits == "thai" else text


def format_number(
    value: float | int | Decimal | None, decimals: int = 0, *, digits: str = "arabic"
) -> str:
    """A number with thousands separators ('1,234,567'); '–' for a missing value."""
    if value is None or (not isinstance(value, Decimal) and pd.isna(value)):
        return "–"
    quant = Decimal(1).scaleb(-decimals)
    text = f"{Decimal(str(value)).quantize(quant, rounding=ROUND_HALF_UP):,.{decimals}f}"
    return thai_digits(text) if digits == "thai" else text


def format_baht(
    satang: int | None, lang: str = "th", *, decimals: int = 0, digits: str = "arabic"
) -> str:
    """An amount held in integer satang as baht: '1,250 บาท' or '1,250 baht'."""
    if satang is None or pd.isna(satang):
        return "–"
    baht = Decimal(int(satang)) / 100
    unit = "บาท" if lang == "th" else "baht"
    return f"{format_number(baht, decimals, digits=digits)} {unit}"


def format_percent(share: float | None, decimals: int = 0, *, digits: str = "arabic") -> str:
    """A share (0-1) as a percentage: '45%'."""
    if share is None or pd.isna(share):
        return "–"
    return f"{format_number(share * 100, decimals, digits=digits)}%"


def satang_to_baht(satang: int) -> Decimal:
    """Exact baht of an integer satang amount."""
    return Decimal(int(satang)) / 100
