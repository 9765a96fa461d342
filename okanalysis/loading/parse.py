"""Turn what people really type into typed values, one column at a time, vectorised.

Each parser takes a Series of raw values (strings from CSV, cells from Excel, typed values from
Parquet) and returns the parsed Series and a boolean mask of values that could not be parsed.
Empty cells become missing values (never a silent zero). Low-cardinality columns (dates,
categories, codes, amounts) are parsed once per distinct value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from okanalysis.core.thai import BE_OFFSET, MONTHS_EN_ABBR, MONTHS_TH, MONTHS_TH_ABBR, TO_ARABIC

Parsed = tuple[pd.Series, pd.Series]

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_SPACES_IN_LINE = re.compile(r"[^\S\n]+")
_EMPTY = {"", "-", "–", "nan", "none", "null", "n/a", "na", "#n/a"}


def _via_uniques(
    values: pd.Series, one: Callable[[object], tuple[object, bool]], dtype: str
) -> Parsed:
    """Parse each distinct value once with `one(value) -> (parsed, bad)`, then spread back."""
    if values.isna().all():
        return pd.Series(pd.NA, index=values.index, dtype=dtype), pd.Series(
            False, index=values.index
        )
    present = values.notna().to_numpy()
    if present.sum() * 2 < len(values):  # mostly empty (notes, optional columns): parse the rest
        parsed, bad = _via_uniques(values[present], one, dtype)
        out = pd.Series(pd.NA, index=values.index, dtype=dtype)
        out[present] = parsed.to_numpy()
        flags = np.zeros(len(values), dtype=bool)
        flags[present] = bad.to_numpy()
        return out, pd.Series(flags, index=values.index)
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [one(u) for u in uniques]
    parsed_u = pd.Series([r[0] for r in results], dtype=object)
    parsed_u = parsed_u.astype(dtype) if len(parsed_u) else pd.Series([], dtype=dtype)
    bad_u = np.array([r[1] for r in results], dtype=bool)
    missing = codes < 0
    if len(parsed_u):
        safe = np.where(missing, 0, codes)
        out = parsed_u.take(safe).reset_index(drop=True)
        if missing.any():
            out[missing] = pd.NA
        bad = np.where(missing, False, bad_u[safe])
    else:
        out = pd.Series([pd.NA] * len(values), dtype=dtype)
        bad = np.zeros(len(values), dtype=bool)
    out.index = values.index
    return out, pd.Series(bad, index=values.index)


def _missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and np.isnan(value))
    )


def clean_text_value(text: object, *, multiline: bool = False) -> object:
    """One text cell, cleaned of what PDFs and old systems leave behind.

    Zero-width and soft-hyphen characters removed; NFC form; a sara am typed as nikhahit +
    sara aa joined into one character; runs of white space folded to one space; empty becomes
    NA. With `multiline` (free text: notes, results) line breaks are kept, as `\\n`: spaces are
    folded within each line, and blank lines at the start and end dropped. Cleaning a cleaned
    value changes nothing, so files written from loaded data load back the same.
    """
    if _missing(text):
        return pd.NA
    s = str(text).translate(_ZERO_WIDTH)
    s = unicodedata.normalize("NFC", s).replace("\u0e4d\u0e32", "\u0e33")
    if multiline:
        lines = _LINE_BREAKS.sub("\n", s).split("\n")
        s = "\n".join(_SPACES_IN_LINE.sub(" ", line).strip() for line in lines).strip("\n")
    else:
        s = _SPACES.sub(" ", s).strip()
    s = s.replace(" \u0e33", "\u0e33")
    return pd.NA if s.lower() in _EMPTY else s


def text(values: pd.Series, *, multiline: bool = False) -> Parsed:
    """Text: cleaned, never rejected; `multiline` keeps the line breaks of free text."""

    return _via_uniques(values, lambda v: (clean_text_value(v, multiline=multiline), False), "str")


def _digits(value: object) -> object:
    """A cell as a plain string of Arabic digits and signs, spaces and separators removed."""
    s = clean_text_value(value)
    if s is pd.NA:
        return s
    if isinstance(value, (bool, np.bool_)):
        return str(s)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(s).translate(TO_ARABIC).replace(",", "").replace(" ", "")


def code(values: pd.Series, digits: int | None = None) -> Parsed:
    """A numeric code ('8001', '๘๐๐๑', 8001, '8001.0'); `digits` fixes its length."""

    def one(v: object) -> tuple[object, bool]:
        s = _digits(v)
        if s is pd.NA:
            return s, False
        s = s.removesuffix(".0")
        if s.isdigit() and (digits is None or len(s) == digits):
            return s, False
        return clean_text_value(v), True

    return _via_uniques(values, one, "str")


def identifier(values: pd.Series) -> Parsed:
    """An identifier: cleaned text with Thai digits made Arabic; the schema checks its form."""

    def one(v: object) -> tuple[object, bool]:
        if isinstance(v, (int, np.integer)) or (isinstance(v, float) and v.is_integer()):
            return str(int(v)), False
        s = clean_text_value(v)
        return (s if s is pd.NA else str(s).translate(TO_ARABIC)), False

    return _via_uniques(values, one, "str")


_INT_RE = re.compile(r"^[+-]?\d+(\.0+)?$")


def integer(values: pd.Series) -> Parsed:
    """A whole number ('1,250', '๑๒', 12.0); '12.5' is rejected, not rounded."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.astype("Int64"), pd.Series(False, index=values.index)

    def one(v: object) -> tuple[object, bool]:
        s = _digits(v)
        if s is pd.NA:
            return s, False
        if _INT_RE.match(s):
            return int(s.split(".")[0]), False
        return pd.NA, True

    return _via_uniques(values, one, "Int64")


_MONEY_RE = re.compile(r"^(-?)(\d+)(?:\.(\d{1,2}))?$")


def _satang(value: object) -> object:
    """A baht amount as exact integer satang, or None when it is not an amount."""
    s = clean_text_value(value)
    if s is pd.NA:
        return pd.NA
    if isinstance(value, (float, np.floating)):
        s = repr(float(value))
        if "e" in s:
            s = f"{float(value):.2f}"
    s = str(s).translate(TO_ARABIC)
    for junk in (",", " ", "บาท", "฿", "THB", "baht"):
        s = s.replace(junk, "")
    if s.startswith("(") and s.endswith(")"):
        s = "-" + s[1:-1]
    if s.endswith(".0"):
        s = s[:-2]
    m = _MONEY_RE.match(s)
    if not m:
        return None
    sign, whole, frac = m.groups()
    amount = int(whole) * 100 + int((frac or "").ljust(2, "0"))
    return -amount if sign else amount


def money(values: pd.Series, *, already_satang: bool = False) -> Parsed:
    """Baht ('1,250.50', '๑,๒๕๐', 1250.5) as exact integer satang; more than 2 decimals is bad."""
    if already_satang:
        if pd.api.types.is_integer_dtype(values.dtype):
            return values.astype("Int64"), pd.Series(False, index=values.index)
        parsed, bad = integer(values)
        return parsed, bad

    def one(v: object) -> tuple[object, bool]:
        out = _satang(v)
        return (pd.NA, True) if out is None else (out, False)

    return _via_uniques(values, one, "Int64")


_MONTH_WORDS = {
    **{m.replace(".", ""): i + 1 for i, m in enumerate(MONTHS_TH_ABBR)},
    **{m: i + 1 for i, m in enumerate(MONTHS_TH)},
    **{m.lower(): i + 1 for i, m in enumerate(MONTHS_EN_ABBR)},
}
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DMONY = re.compile(r"^(\d{1,2})\s*([^\d\s]+)\s*(\d{4})$")


def _ymd(value: object) -> tuple[int, int, int] | None:
    """(year CE, month, day) of one date cell, or None."""
    if isinstance(value, pd.Timestamp):
        return value.year, value.month, value.day
    if hasattr(value, "year") and hasattr(value, "month") and hasattr(value, "day"):
        return value.year, value.month, value.day
    s = clean_text_value(value)
    if s is pd.NA:
        return None
    s = str(s).translate(TO_ARABIC)
    if m := _YMD.match(s):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _DMY.match(s):
        d, mo, y = (int(g) for g in m.groups())
    elif m := _DMONY.match(s):
        d, word, y = int(m.group(1)), m.group(2).replace(".", "").lower(), int(m.group(3))
        word = word.removeprefix("พศ").strip()
        mo = _MONTH_WORDS.get(word)
        if mo is None:
            return None
    else:
        return None
    if y >= 2400:  # Buddhist era
        y -= BE_OFFSET
    return y, mo, d


def date(values: pd.Series) -> Parsed:
    """A date: '15/01/2551' (BE), '2008-01-15' (CE), '15 ม.ค. 2551', Thai digits, Excel dates.

    Years of 2400 and above are taken as Buddhist era. Impossible dates (31/02) are bad.
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values.astype("datetime64[s]")
        return out, pd.Series(False, index=values.index)

    def one(v: object) -> tuple[object, bool]:
        if clean_text_value(v) is pd.NA:
            return pd.NaT, False
        ymd = _ymd(v)
        if ymd is None:
            return pd.NaT, True
        try:
            return pd.Timestamp(*ymd), False
        except ValueError:
            return pd.NaT, True

    return _via_uniques(values, one, "datetime64[s]")


def boolean(values: pd.Series, true_words: set[str], false_words: set[str]) -> Parsed:
    """Yes/no in the words people use (ใช่/ไม่ใช่, มี/ไม่มี, yes/no, 1/0, TRUE/FALSE)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean"), pd.Series(False, index=values.index)

    def one(v: object) -> tuple[object, bool]:
        if isinstance(v, (bool, np.bool_)):
            return bool(v), False
        s = clean_text_value(v)
        if s is pd.NA:
            return pd.NA, False
        s = str(s).translate(TO_ARABIC).lower()
        if s in true_words:
            return True, False
        if s in false_words:
            return False, False
        return pd.NA, True

    return _via_uniques(values, one, "boolean")


def choice(values: pd.Series, allowed: dict[str, tuple[str, str]]) -> Parsed:
    """A value from a list, given as its code or its Thai or English label (any case)."""
    lookup: dict[str, str] = {}
    for code_, (th, en) in allowed.items():
        for word in (code_, th, en):
            cleaned = clean_text_value(word)
            if cleaned is not pd.NA:
                lookup[str(cleaned).lower()] = code_

    def one(v: object) -> tuple[object, bool]:
        s = clean_text_value(v)
        if s is pd.NA:
            return s, False
        return lookup.get(str(s).translate(TO_ARABIC).lower(), s), False

    return _via_uniques(values, one, "str")
