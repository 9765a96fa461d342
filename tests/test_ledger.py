"""Household summaries computed by hand: full and partial years, expense-only accounts, a month
entered twice, a negative correction, transfers that are not income, exact satang."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from okanalysis import Dataset, ledger
from okanalysis.contract import schema
from okanalysis.core import params
from okanalysis.core.errors import OkanalysisError, ParameterError

V1, V2 = "80010101", "80150101"  # Mueang Nakhon Si Thammarat / Khanom
FISCAL_2551 = [(2007, m) for m in (10, 11, 12)] + [(2008, m) for m in range(1, 10)]
_ids = itertools.count(1)


def table(name: str, rows: list[dict]) -> pd.DataFrame:
    """A contract table from hand-written rows, in the contract's exact dtypes."""
    fields = schema.TABLES[name].fields
    frame = pd.DataFrame(rows, columns=[f.column for f in fields])
    return frame.astype({f.column: schema.column_dtype(f) for f in fields})


def village(code: str, households: int = 100) -> dict:
    return {"village_code": code, "tambon_code": code[:6], "amphoe_code": code[:4],
            "village_no": int(code[6:]), "name_th": f"บ้าน {code}", "name_en": f"Ban {code}",
            "households": households, "population": 4 * households}  # fmt: skip


def household(hid: str, village_code: str = V1, members: int = 3, debt: int | None = 0) -> dict:
    return {"household_id": hid, "village_code": village_code, "members": members,
            "keeps_accounts": True, "main_income": None, "debt_satang": debt}  # fmt: skip


def entry(hid: str, date: dt.date, category: str, baht: float, entry_id: str | None = None) -> dict:
    return {"entry_id": entry_id or f"E{next(_ids)}", "household_id": hid,
            "date": pd.Timestamp(date), "category": category,
            "amount_satang": round(baht * 100), "note": None}  # fmt: skip


def monthly(hid: str, months: list[tuple[int, int]], items: dict[str, float]) -> list[dict]:
    """The same entries every month, each category on its own day of the month."""
    return [
        entry(hid, dt.date(y, m, day + 1), cat, baht)
        for y, m in months
        for day, (cat, baht) in enumerate(items.items())
    ]


def dataset(households: list[dict], entries: list[dict], villages: list[dict] | None = None):
    villages = villages or [village(V1), village(V2)]
    return Dataset(
        tables={
            "villages": table("villages", villages),
            "households": table("households", households),
            "ledger": table("ledger", entries),
        }
    )


# --- the hand-computed households ------------------------------------------------------------

FULL = {"INC_RUBBER": 6000, "EXP_RICE": 800, "EXP_ALCOHOL": 200, "FARM_FERTILISER": 1000,
        "TRF_SAVE_DEPOSIT": 500}  # fmt: skip
PARTIAL = {"INC_WAGE": 9000, "INC_VEG": 1000, "EXP_RICE": 700, "EXP_SOAP": 100,
           "EXP_PHONE": 200, "EXP_ELECTRICITY": 300}  # fmt: skip
EXPENSE_ONLY = {"EXP_RICE": 1000, "EXP_TOBACCO": 100, "EXP_FUEL": 300, "EXP_VEG": 200}
TWICE = {"INC_RUBBER": 5000, "EXP_RICE": 500, "EXP_VEG": 300, "EXP_FISH_MEAT": 400,
         "EXP_FUEL": 250}  # fmt: skip


def hand_dataset() -> Dataset:
    entries = monthly("FULL", FISCAL_2551, FULL)
    entries += [  # transfers: neither income nor spending
        entry("FULL", dt.date(2008, 2, 20), "TRF_LOAN_RECEIVED", 10000),
        entry("FULL", dt.date(2008, 5, 20), "TRF_LOAN_REPAID", 2000),
        entry("FULL", dt.date(2008, 6, 20), "TRF_SAVE_WITHDRAW", 1500),
    ]
    entries += monthly("PARTIAL", FISCAL_2551[:6], PARTIAL)
    entries += monthly("EXPONLY", FISCAL_2551, EXPENSE_ONLY)
    twice = monthly("TWICE", FISCAL_2551, TWICE)
    january = [dict(e, entry_id=f"{e['entry_id']}b") for e in twice if e["date"].month == 1]
    entries += twice + january  # January's page entered a second time under new ids
    entries += [
        entry("NEG", dt.date(2007, 10, 3), "EXP_RICE", 10000),  # a typo ...
        entry("NEG", dt.date(2007, 10, 4), "EXP_RICE", -9000),  # ... corrected
        entry("NEG", dt.date(2007, 10, 5), "EXP_EGGS", 60),  # two identical purchases
        entry("NEG", dt.date(2007, 10, 5), "EXP_EGGS", 60),
        entry("NEG", dt.date(2007, 10, 6), "INC_FISH", 4000),
    ]
    households = [
        household("FULL", members=3),
        household("PARTIAL", members=2),
        household("EXPONLY", members=1),
        household("TWICE", V2, members=4),
        household("NEG", V2, members=2),
    ]
    return dataset(households, entries)


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return ledger.household_summary(hand_dataset()).set_index("household_id")


def test_full_year_by_hand(summary):
    s = summary.loc["FULL"]
    assert s["fiscal_year"] == 2551
    assert s["income_satang"] == 12 * 6000_00
    assert s["expense_satang"] == 12 * (800 + 200 + 1000) * 100
    assert s["net_satang"] == 12 * (6000 - 2000) * 100
    assert s["avoidable_satang"] == 12 * 200_00
    assert s["substitutable_satang"] == 12 * (800 + 1000) * 100  # rice and fertiliser
    assert s["farm_input_satang"] == 12 * 1000_00
    assert s["spend_food_satang"] == 12 * 800_00
    assert s["spend_vice_satang"] == 12 * 200_00
    assert s["spend_farm_satang"] == 12 * 1000_00
    assert s["income_farm_satang"] == 12 * 6000_00
    assert s["avoidable_share"] == pytest.approx(0.1)
    assert s["substitutable_share"] == pytest.approx(0.9)
    assert s["farm_input_share"] == pytest.approx(0.5)
    assert (s["months_recorded"], s["partial_year"], s["complete_enough"]) == (12, False, True)
    assert s["income_annual_satang"] == s["income_satang"]  # a full year is not rescaled
    # 72,000 baht a year for 3 people: 2,000 baht a month each, under the 2551 line of 2,170
    assert s["income_per_member_month_satang"] == 2000_00
    assert s["poverty_line_satang"] == 2170_00
    assert s["poverty_line_year"] == 2551
    assert bool(s["below_poverty_line"])
    assert s["poverty_ratio"] == pytest.approx(2000 / 2170)


def test_transfers_are_neither_income_nor_spending(summary):
    s = summary.loc["FULL"]
    assert s["income_satang"] == 72000_00  # the 10,000 baht loan is not income
    assert s["savings_deposited_satang"] == 12 * 500_00
    assert s["savings_withdrawn_satang"] == 1500_00
    assert s["savings_net_satang"] == 6000_00 - 1500_00
    assert s["loans_received_satang"] == 10000_00
    assert s["loans_repaid_satang"] == 2000_00
    assert s["transfers_in_satang"] == 10000_00 + 1500_00
    assert s["transfers_out_satang"] == 6000_00 + 2000_00


def test_partial_year_is_annualised_and_flagged(summary):
    s = summary.loc["PARTIAL"]
    assert s["months_recorded"] == 6
    assert bool(s["partial_year"])
    assert s["income_satang"] == 6 * 10000_00
    assert s["income_annual_satang"] == 12 * 10000_00
    assert s["expense_satang"] == 6 * 1300_00
    assert s["expense_annual_satang"] == 12 * 1300_00
    assert s["substitutable_annual_satang"] == 12 * 800_00  # rice and soap
    assert s["income_per_member_month_satang"] == 5000_00  # 120,000 / 12 / 2
    assert not s["below_poverty_line"]
    assert s["income_sources"] == 2
    assert s["income_diversity"] == pytest.approx(1 - (0.9**2 + 0.1**2))
    assert bool(s["complete_enough"])  # 6 months is the default minimum


def test_household_with_only_expenses(summary):
    s = summary.loc["EXPONLY"]
    assert s["income_satang"] == 0
    assert s["expense_satang"] == 12 * 1600_00
    assert s["net_satang"] == -12 * 1600_00
    assert s["income_sources"] == 0
    assert np.isnan(s["income_diversity"])
    assert s["avoidable_satang"] == 12 * 100_00
    assert not s["complete_enough"]  # no income at all: not judged
    assert bool(s["below_poverty_line"])


def test_month_entered_twice_counts_once_and_is_listed(summary):
    s = summary.loc["TWICE"]
    assert s["income_satang"] == 12 * 5000_00
    assert s["expense_satang"] == 12 * 1450_00
    assert s["months_recorded"] == 12
    assert s["entries"] == 12 * 5
    assert s["repeated_months"] == 1
    assert summary.loc[["FULL", "PARTIAL", "EXPONLY", "NEG"], "repeated_months"].eq(0).all()
    listed = ledger.repeated_months(hand_dataset())
    assert listed[["household_id", "month", "copies", "entries"]].values.tolist() == [
        ["TWICE", pd.Timestamp("2008-01-01"), 2, 5]
    ]


def test_month_entered_twice_kept_when_the_policy_says_so(tmp_path):
    th = ledger.read_thresholds()
    keep = {**_as_mapping(th), "repeated_month": {"min_entries": 5, "policy": "keep"}}
    s = ledger.household_summary(hand_dataset(), thresholds=keep).set_index("household_id")
    assert s.loc["TWICE", "income_satang"] == 13 * 5000_00
    assert s.loc["TWICE", "repeated_months"] == 1  # still flagged for mending


def test_negative_correction_and_identical_purchases(summary):
    s = summary.loc["NEG"]
    assert s["spend_food_satang"] == 1000_00 + 2 * 60_00  # both egg purchases count
    assert s["expense_satang"] == 1120_00
    assert s["repeated_months"] == 0
    assert s["entries"] == 5


def test_money_columns_are_exact_integers(summary):
    money = [c for c in summary.columns if c.endswith("_satang")]
    assert len(money) > 30
    for c in money:
        expected = "Int64" if c == "income_per_member_month_satang" else "int64"
        assert str(summary[c].dtype) == expected, c


def test_annualise_rounds_half_away_from_zero():
    got = ledger.annualise(np.array([100, -100, 7, -7, 5]), np.array([7, 7, 8, 8, 12]))
    assert got.tolist() == [171, -171, 11, -11, 5]
    assert got.dtype == np.int64


def test_monthly_summary_and_fiscal_years():
    entries = monthly("A", [(2008, 9), (2008, 10)], {"INC_WAGE": 4000, "EXP_RICE": 500})
    ds = dataset([household("A", members=2)], entries)
    months = ledger.household_summary(ds, "month")
    assert months["month"].tolist() == [pd.Timestamp("2008-09-01"), pd.Timestamp("2008-10-01")]
    assert months["fiscal_year"].tolist() == [2551, 2552]
    assert months["income_satang"].tolist() == [4000_00, 4000_00]
    assert months["income_per_member_month_satang"].tolist() == [2000_00, 2000_00]
    years = ledger.household_summary(ds, "year")
    assert years["fiscal_year"].tolist() == [2551, 2552]
    # 2552 has no line of its own: the latest earlier year's applies, and says so
    assert years["poverty_line_year"].tolist() == [2551, 2551]
    assert years["income_annual_satang"].tolist() == [48000_00, 48000_00]


def test_outliers_are_flagged_not_dropped():
    incomes = [10000, 11000, 12000, 12500, 13000, 14000, 1_000_000]
    entries, households = [], []
    for i, baht in enumerate(incomes):
        households.append(household(f"H{i}"))
        entries += monthly(f"H{i}", FISCAL_2551, {"INC_WAGE": baht, "EXP_RICE": 500})
    th = {
        **_as_mapping(ledger.read_thresholds()),
        "outliers": {"iqr_factor": 3, "min_households": 5},
    }
    s = ledger.household_summary(dataset(households, entries), thresholds=th)
    assert len(s) == len(incomes)
    assert s.set_index("household_id")["outlier_income"].to_dict() == {
        f"H{i}": i == 6 for i in range(7)
    }
    assert not s["outlier_expense"].any()


def test_results_are_memoised_on_the_dataset_and_follow_a_replaced_table():
    ds = hand_dataset()
    first = ledger.household_summary(ds)
    first.loc[0, "income_satang"] = -1  # a caller's edit does not leak into the memo
    again = ledger.household_summary(ds)
    assert again.loc[0, "income_satang"] != -1
    assert ledger.cube(ds) is ledger.cube(ds)
    smaller = ds.replace(ledger=ds.ledger.loc[ds.ledger["household_id"] != "FULL"])
    assert "FULL" not in set(ledger.household_summary(smaller)["household_id"])
    assert "FULL" in set(ledger.household_summary(ds)["household_id"])  # the old one is intact
    assert ledger.cube(smaller) is not ledger.cube(ds)


def _fish_rows(ds: Dataset) -> pd.Index:
    led = ds.ledger
    return led.index[(led["household_id"] == "NEG") & (led["category"] == "INC_FISH")]


def test_an_edit_keeping_the_sum_gives_fresh_results_through_replace():
    ds = hand_dataset()
    before = ledger.household_summary(ds).set_index("household_id")
    row = _fish_rows(ds)
    edited = ds.ledger
    edited["category"] = edited["category"].cat.add_categories(["INC_TRADE"])
    edited.loc[row, "category"] = "INC_TRADE"  # same amounts: the amounts' sum cannot tell
    assert edited["amount_satang"].sum() == ds.ledger["amount_satang"].sum()
    moved = int(edited.loc[row, "amount_satang"].sum())
    assert moved > 0
    after = ledger.household_summary(ds.replace(ledger=edited)).set_index("household_id")
    assert before.loc["NEG", "income_business_satang"] == 0
    assert after.loc["NEG", "income_business_satang"] == moved
    assert ledger.household_summary(ds).set_index("household_id").equals(before)


def test_an_in_place_edit_cannot_make_a_stale_result():
    ds = hand_dataset()
    before = ledger.household_summary(ds)
    stored = ds.ledger
    row = _fish_rows(ds)
    # each of these edits a copy-on-write view: the Dataset's ledger and its memo stay as they
    # were (pandas itself warns that an edit through `ds.ledger.loc[...]` goes nowhere)
    with pytest.warns(pd.errors.ChainedAssignmentError):
        ds.ledger.loc[row, "amount_satang"] = 5000_00
    with pytest.warns(pd.errors.ChainedAssignmentError):
        ds["ledger"].loc[row, "household_id"] = "FULL"
    with pytest.warns(pd.errors.ChainedAssignmentError):
        ds.tables["ledger"].loc[row, "note"] = "แก้ไข"
    view = ds.ledger
    view["category"] = view["category"].cat.add_categories(["INC_TRADE"])
    view.loc[row, "category"] = "INC_TRADE"
    view.loc[row, "note"] = "แก้ไข"  # Arrow-backed text
    del view["entry_id"]
    pd.testing.assert_frame_equal(ds.ledger, stored)
    pd.testing.assert_frame_equal(ledger.household_summary(ds), before)
    # and the ways that would have edited the Dataset itself are refused
    with pytest.raises(TypeError, match="replace"):
        ds.tables["ledger"] = view
    with pytest.raises(AttributeError, match="replace"):
        ds.tables = {"ledger": view}
    with pytest.raises(ValueError, match="read-only"):
        ds.ledger["amount_satang"].array[0] = 1  # past pandas, onto the array itself
    pd.testing.assert_frame_equal(ds.ledger, stored)


def test_unknown_category_is_an_error():
    bad = [entry("A", dt.date(2008, 1, 1), "EXP_RICE", 10)]
    ds = dataset([household("A")], bad)
    led = ds.ledger
    led["category"] = led["category"].cat.rename_categories(["NOT_A_CODE"])
    ds = ds.replace(ledger=led)
    with pytest.raises(OkanalysisError, match="NOT_A_CODE"):
        ledger.household_summary(ds)


def test_threshold_errors_name_the_line(tmp_path):
    text = (params.parameters_dir() / "thresholds.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "thresholds.yaml"
    broken.write_text(text.replace("min_months: 6", "min_months: six"), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        ledger.read_thresholds(broken)
    line = next(
        i for i, t in enumerate(broken.read_text().splitlines(), 1) if "complete_enough:" in t
    )
    assert err.value.row == line + 1 and err.value.column == "min_months"


def test_empty_ledger_gives_an_empty_summary():
    s = ledger.household_summary(dataset([household("A")], []))
    assert len(s) == 0 and "income_satang" in s.columns


def _as_mapping(th: ledger.Thresholds) -> dict:
    """Thresholds back in the YAML's shape, to change one value in a test."""
    return {
        "poverty_line_baht": dict(th.poverty_line_baht),
        "complete_enough": {"min_months": th.min_months,
                            "min_entries_per_month": th.min_entries_per_month,
                            "require_income": th.require_income},
        "repeated_month": {"min_entries": th.repeated_min_entries, "policy": th.repeated_policy},
        "outliers": {"iqr_factor": th.outlier_iqr_factor,
                     "min_households": th.outlier_min_households},
    }  # fmt: skip
