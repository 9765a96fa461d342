"""The potential assessment: levels and reasons follow potential.yaml; roll-ups add up across
levels (property-based); opportunities of a small known village, ranked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okanalysis import ledger, potential
from okanalysis.core import params
from okanalysis.core.errors import ParameterError
from tests.test_ledger import (
    FISCAL_2551,
    V1,
    V2,
    dataset,
    entry,
    hand_dataset,
    household,
    monthly,
    village,
)


def default_yaml() -> dict:
    return yaml.safe_load((params.parameters_dir() / "potential.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def assessed() -> pd.DataFrame:
    return potential.assess_households(hand_dataset()).set_index("household_id")


# --- classification and its reasons ----------------------------------------------------------


def test_levels_and_reasons_by_hand(assessed):
    # FULL: 2,000 baht per member per month, under the 2,170 line -> the floor
    full = assessed.loc["FULL"]
    assert full["level"] == "below_poverty_line"
    assert full["level_th"] == "รายได้ต่ำกว่าเส้นความยากจน"
    assert full["level_rank"] == 1
    assert "ไม่ถึงระดับพออยู่พอกิน" in full["reason_th"]
    assert "(เกณฑ์ ≥ 1 เท่า)" in full["reason_th"]
    assert "2,000 บาท" in full["reason_th"] and "2,170 บาท" in full["reason_th"]
    assert "not getting by because" in full["reason_en"] and "0.92 times" in full["reason_en"]
    # PARTIAL: 5,000 baht per member (2.30 x the line), net positive, no vice -> living well,
    # not prosperous because it saves nothing and earns under 3 x the line
    part = assessed.loc["PARTIAL"]
    assert part["level"] == "living_well" and part["level_rank"] == 3
    assert "meets every rule" in part["reason_en"]
    assert "2.30 times ≥ 1.50 times" in part["reason_en"]
    assert "not prosperous and happy because" in part["reason_en"]
    assert "net savings 0 baht (needs > 0 baht)" in part["reason_en"]
    assert "เงินออมสุทธิ 0 บาท (เกณฑ์ > 0 บาท)" in part["reason_th"]
    # EXPONLY: no income at all -> not assessed, and the reason says so
    exp = assessed.loc["EXPONLY"]
    assert exp["level"] == "not_assessed" and exp["level_rank"] == 0
    assert "ไม่มีรายรับที่บันทึกไว้" in exp["reason_th"]
    assert "no income recorded" in exp["reason_en"]
    # NEG: one month only
    assert "months recorded: 1 (at least 6 needed)" in assessed.loc["NEG", "reason_en"]


def test_reasons_follow_the_yaml_when_thresholds_change(tmp_path):
    data = default_yaml()
    getting_by = next(lv for lv in data["levels"] if lv["code"] == "getting_by")
    getting_by["rules"][0]["value"] = 0.9  # 0.92 x the line is now enough
    getting_by["name_th"] = "พอกินพอใช้"
    path = tmp_path / "potential.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    a = potential.assess_households(hand_dataset(), path).set_index("household_id")
    full = a.loc["FULL"]
    assert full["level"] == "getting_by"
    assert full["level_th"] == "พอกินพอใช้"
    assert "0.92 เท่า ≥ 0.90 เท่า" in full["reason_th"]
    assert full["reason_th"].startswith("พอกินพอใช้ — ผ่านทุกเกณฑ์")
    # the same parameters as a mapping
    b = potential.assess_households(hand_dataset(), data).set_index("household_id")
    assert b.loc["FULL", "reason_en"] == full["reason_en"]


def test_completeness_follows_the_thresholds():
    th = ledger.read_thresholds()
    stricter = ledger.Thresholds(**{**th.__dict__, "min_months": 7})
    a = potential.assess_households(hand_dataset(), thresholds=stricter).set_index("household_id")
    assert a.loc["PARTIAL", "level"] == "not_assessed"
    assert "บันทึก 6 เดือน (ต้องอย่างน้อย 7 เดือน)" in a.loc["PARTIAL", "reason_th"]


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda d: d["levels"][0]["rules"][0].update(measure="happiness"), "measure"),
        (lambda d: d["levels"][1]["rules"][0].update(op="=>"), "op"),
        (lambda d: d["levels"][1]["rules"][0].update(value="high"), "value"),
        (lambda d: d["levels"][-1].pop("floor"), "floor"),
        (lambda d: d["levels"][2].update(code="prosperous"), "code"),
    ],
)
def test_parameter_errors_name_file_line_and_key(tmp_path, change, column):
    data = default_yaml()
    change(data)
    path = tmp_path / "potential.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        potential.read_parameters(path)
    assert err.value.file == str(path)
    assert err.value.column == column
    assert isinstance(err.value.row, int) and err.value.row > 1


# --- roll-ups ---------------------------------------------------------------------------------

VILLAGES = ["80010101", "80010102", "80010201", "80150101", "80150102"]
ADDITIVE = [
    "households",
    "households_listed",
    "households_recording",
    "households_assessed",
    "income_satang",
    "expense_satang",
    "avoidable_satang",
    "substitutable_annual_satang",
    "net_annual_satang",
]
CATEGORIES = [
    "INC_RUBBER",
    "INC_WAGE",
    "EXP_RICE",
    "EXP_ALCOHOL",
    "FARM_FERTILISER",
    "TRF_LOAN_RECEIVED",
]

households_strategy = st.lists(
    st.tuples(
        st.integers(0, len(VILLAGES) - 1),  # village
        st.integers(1, 6),  # members
        st.integers(1, 12),  # months recorded
        st.lists(
            st.tuples(st.sampled_from(CATEGORIES), st.integers(-50_00, 20_000_00)),
            min_size=1,
            max_size=6,
        ),
    ),
    min_size=1,
    max_size=12,
)


def _random_dataset(spec) -> object:
    hh, entries = [], []
    for i, (v, members, months, items) in enumerate(spec):
        hid = f"H{i}"
        hh.append(household(hid, VILLAGES[v], members))
        for y, m in FISCAL_2551[:months]:
            for day, (cat, satang) in enumerate(items):
                entries.append(entry(hid, dt.date(y, m, day + 1), cat, satang / 100))
    return dataset(hh, entries, [village(c, 50 + 10 * i) for i, c in enumerate(VILLAGES)])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households_strategy)
def test_rollups_add_up_and_medians_come_from_households(spec):
    ds = _random_dataset(spec)
    r = {lv: potential.rollup(ds, lv).set_index("unit_code") for lv in potential.LEVEL_ORDER}
    levels = potential.read_parameters().levels
    counts = [f"households_{lv.code}" for lv in levels] + ["households_not_assessed"]
    for child, parent in zip(potential.LEVEL_ORDER, potential.LEVEL_ORDER[1:], strict=False):
        summed = r[child].groupby("parent_code")[ADDITIVE + counts].sum()
        pd.testing.assert_frame_equal(
            summed.astype("int64"),
            r[parent].loc[summed.index, ADDITIVE + counts].astype("int64"),
            check_names=False,
        )
    # medians and shares at the top come from the households, not from the level below
    s = ledger.household_summary(ds)
    a = potential.assess_households(ds)
    province = r["province"].loc["80"]
    judged = s.loc[s["complete_enough"]]
    if len(judged):
        expected = np.median(judged["income_annual_satang"].to_numpy())
        assert province["median_income_annual_satang"] == int(
            np.sign(expected) * np.floor(abs(expected) + 0.5)
        )
        for lv in levels:
            share = (a["level"] == lv.code).sum() / len(judged)
            assert province[f"share_{lv.code}"] == pytest.approx(share)
    else:
        assert pd.isna(province["median_income_annual_satang"])
    assert province["households_recording"] == s["household_id"].nunique()
    assert province["income_satang"] == s["income_satang"].sum()


def test_rollup_names_coverage_and_all_levels():
    ds = hand_dataset()
    villages = potential.rollup(ds, "village").set_index("unit_code")
    assert villages.loc[V1, "name_th"] == f"บ้าน {V1}"
    assert villages.loc[V1, "households_recording"] == 3
    assert villages.loc[V1, "coverage"] == pytest.approx(3 / 100)
    amphoe = potential.rollup(ds, "amphoe").set_index("unit_code")
    assert amphoe.loc["8015", "name_th"] == "ขนอม"
    assert amphoe.loc["8015", "parent_code"] == "80"
    everything = potential.rollup(ds, "all")
    assert set(everything["level"]) == set(potential.LEVEL_ORDER)
    assert everything["unit_code"].is_unique
    tambon = everything.set_index("unit_code").loc["800101"]
    assert (tambon["name_th"], tambon["parent_code"]) == ("ในเมือง", "8001")


# --- opportunities ----------------------------------------------------------------------------


def known_village():
    """Three households of one village: their fertiliser, rice, soap, alcohol and lottery."""
    entries = monthly("HA", FISCAL_2551, {"INC_RUBBER": 8000, "FARM_FERTILISER": 1000,
                                          "EXP_RICE": 400, "EXP_ALCOHOL": 300})  # fmt: skip
    entries += monthly("HB", FISCAL_2551, {"INC_WAGE": 5000, "EXP_RICE": 1000, "EXP_LOTTERY": 200})
    # HC recorded 6 months: its 3,000 baht of fertiliser is 6,000 baht a year
    entries += monthly("HC", FISCAL_2551[:6], {"INC_RICE": 3000, "FARM_FERTILISER": 500,
                                               "EXP_SOAP": 100})  # fmt: skip
    entries += [entry("HD", dt.date(2008, 1, 5), "EXP_RICE", 999)]  # another village
    hh = [household("HA"), household("HB"), household("HC"), household("HD", V2)]
    return dataset(hh, entries)


def test_opportunity_ranking_of_a_known_village():
    o = potential.opportunities(known_village(), V1)
    sub = o.loc[o["kind"] == "substitutable"].set_index("category")
    assert sub.index.tolist() == ["FARM_FERTILISER", "EXP_RICE", "EXP_SOAP"]
    assert sub["rank"].tolist() == [1, 2, 3]
    assert sub["yearly_satang"].tolist() == [18000_00, 16800_00, 1200_00]
    assert sub.loc["FARM_FERTILISER", "recorded_satang"] == 15000_00
    assert sub["households_buying"].tolist() == [2, 2, 1]
    assert sub.loc["FARM_FERTILISER", "average_per_buyer_satang"] == 9000_00
    assert sub.loc["FARM_FERTILISER", "name_th"] == "ปุ๋ยเคมี"
    total = 20400 + 14400 + 7200  # yearly spending of HA, HB, HC
    assert sub.loc["FARM_FERTILISER", "share_of_spending"] == pytest.approx(18000 / total)
    avoid = o.loc[o["kind"] == "avoidable"]
    assert avoid["category"].tolist() == ["EXP_ALCOHOL", "EXP_LOTTERY"]
    assert avoid["yearly_satang"].tolist() == [3600_00, 2400_00]
    assert set(o["unit_code"]) == {V1} and set(o["households_recording"]) == {3}


def test_opportunities_for_every_village_and_any_level():
    ds = known_village()
    every = potential.opportunities(ds)
    assert set(every["unit_code"]) == {V1, V2}
    one = potential.opportunities(ds, V1)
    pd.testing.assert_frame_equal(
        every.loc[every["unit_code"] == V1].reset_index(drop=True), one, check_dtype=False
    )
    province = potential.opportunities(ds, "80")
    rice = province.set_index("category").loc["EXP_RICE"]
    assert rice["yearly_satang"] == 16800_00 + 999_00 * 12  # HD's single month, annualised
    assert (rice["level"], rice["households_buying"]) == ("province", 3)
    assert potential.opportunities(ds, "80010199").empty


def test_shareable_results_hide_small_groups_and_keep_their_names():
    ds = known_village()  # three households recording in V1: below the group of 5
    internal = potential.rollup(ds, "village").set_index("unit_code")
    assert internal.loc[V1, "income_satang"] > 0
    shared = potential.rollup(ds, "village", shareable=True).set_index("unit_code")
    assert bool(shared.loc[V1, "suppressed"])
    assert pd.isna(shared.loc[V1, "income_satang"]) and pd.isna(
        shared.loc[V1, "households_recording"]
    )
    assert shared.loc[V1, "name_th"] == internal.loc[V1, "name_th"]
    o = potential.opportunities(ds, V1, shareable=True)
    assert o["suppressed"].all() and o["yearly_satang"].isna().all()
    assert o["category"].tolist() == potential.opportunities(ds, V1)["category"].tolist()


def test_shareable_opportunities_hide_categories_few_households_buy(tmp_path, monkeypatch):
    (tmp_path / "privacy.yaml").write_text("min_group_size: 2\n", encoding="utf-8")
    for name in ("ledger_categories.yaml", "potential.yaml", "thresholds.yaml", "sectors.yaml"):
        (tmp_path / name).write_text(
            (params.parameters_dir() / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    monkeypatch.setenv("OKANALYSIS_PARAMETERS", str(tmp_path))
    o = potential.opportunities(known_village(), V1, shareable=True).set_index("category")
    assert pd.isna(o.loc["EXP_SOAP", "yearly_satang"])  # one household buys soap
    assert o.loc["FARM_FERTILISER", "yearly_satang"] == 18000_00  # two do
