"""What people type becomes typed values; what cannot be read is flagged, never guessed."""

import pandas as pd
import pytest

from okanalysis.loading import parse


def test_dates_in_buddhist_and_common_era_and_thai_digits():
    values = pd.Series(
        [
            "15/01/2551",
            "2008-01-15",
            "๑๕/๐๑/๒๕๕๑",
            "15 ม.ค. 2551",
            "15-1-2008",
            "2008-01-15 00:00:00",
        ]
    )
    parsed, bad = parse.date(values)
    assert not bad.any()
    assert (parsed == pd.Timestamp("2008-01-15")).all()


@pytest.mark.parametrize("value", ["31/02/2551", "15/13/2551", "yesterday", "15/01/51"])
def test_impossible_or_ambiguous_dates_are_flagged(value):
    parsed, bad = parse.date(pd.Series([value]))
    assert bad.iloc[0]
    assert pd.isna(parsed.iloc[0])


def test_empty_date_is_missing_not_bad():
    parsed, bad = parse.date(pd.Series(["", None]))
    assert not bad.any()
    assert parsed.isna().all()


@pytest.mark.parametrize(
    ("raw", "satang"),
    [
        ("1,250.50", 125050),
        (" 1 250 ", 125000),
        ("๑,๒๕๐", 125000),
        ("1250.5", 125050),
        (1250.5, 125050),
        (1250, 125000),
        ("-5", -500),
        ("(100.00)", -10000),
        ("฿ 99", 9900),
        ("120 บาท", 12000),
        ("0.07", 7),
    ],
)
def test_amounts_become_exact_satang(raw, satang):
    parsed, bad = parse.money(pd.Series([raw], dtype=object))
    assert not bad.iloc[0]
    assert parsed.iloc[0] == satang


@pytest.mark.parametrize("raw", ["12.345", "abc", "1.2.3", "12,50.0.1"])
def test_bad_amounts_are_flagged(raw):
    _, bad = parse.money(pd.Series([raw]))
    assert bad.iloc[0]


def test_whole_numbers_refuse_fractions():
    parsed, bad = parse.integer(pd.Series(["1,250", "๑๒", "12.5", 7.0, ""], dtype=object))
    assert list(bad) == [False, False, True, False, False]
    assert parsed.iloc[0] == 1250 and parsed.iloc[1] == 12 and parsed.iloc[3] == 7
    assert pd.isna(parsed.iloc[4])


def test_codes_from_excel_numbers_and_thai_digits():
    parsed, bad = parse.code(
        pd.Series(["8001", "๘๐๐๑", 8001, "8001.0", "80 01", "801"], dtype=object), 4
    )
    assert list(bad) == [False] * 5 + [True]
    assert list(parsed[:5]) == ["8001"] * 5


def test_thai_text_from_pdfs_is_cleaned():
    raw = pd.Series(["  บ้าน\u200bทุ่ง   ใหม่ ", "กํา", "น้ํา", "\ufeffหมู่"])
    parsed, bad = parse.text(raw)
    assert not bad.any()
    assert list(parsed) == ["บ้านทุ่ง ใหม่", "กำ", "น้ำ", "หมู่"]


def test_yes_no_words():
    parsed, bad = parse.boolean(
        pd.Series(["ใช่", "ไม่ใช่", "Yes", "0", "มี", "maybe"]),
        {"ใช่", "yes", "1", "มี"},
        {"ไม่ใช่", "no", "0"},
    )
    assert list(bad) == [False] * 5 + [True]
    assert list(parsed[:5]) == [True, False, True, False, True]


def test_choices_accept_codes_and_labels():
    allowed = {"male": ("ชาย", "male"), "female": ("หญิง", "female")}
    parsed, _ = parse.choice(pd.Series(["ชาย", "Female", " หญิง ", "x"]), allowed)
    assert list(parsed) == ["male", "female", "female", "x"]  # 'x' is left for the schema to reject
