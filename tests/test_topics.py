"""Learning centres, community finance and welfare, and the standards, on hand-built villages."""

from __future__ import annotations

import pandas as pd
import pytest

from okanalysis import Dataset, centres, finance, standards
from okanalysis.contract import schema

V1, V2, T1 = "80010101", "80010102", "800101"


def villages() -> pd.DataFrame:
    return schema.typed_frame(
        "villages",
        [
            {"village_code": code, "tambon_code": T1, "amphoe_code": "8001",
             "village_no": int(code[6:]), "name_th": name, "households": households,
             "population": 4 * households}
            for code, name, households in ((V1, "บ้านนา", 100), (V2, "บ้านควน", 50))
        ],
    )  # fmt: skip


def group(gid, unit, kind, members, households, capital, loans, arrears, **more):
    return {"group_id": gid, "level": "village" if len(unit) == 8 else "tambon",
            "unit_code": unit, "type": kind, "name_th": f"กลุ่ม {gid}", "members": members,
            "member_households": households, "capital_satang": capital,
            "loans_outstanding_satang": loans, "arrears_satang": arrears,
            "welfare_paid_satang": more.get("paid"), "welfare_recipients": more.get("recipients"),
            "active": True, "integrated": more.get("integrated", False)}  # fmt: skip


FINANCE = [
    group("g1", V1, "savings_group", 60, 55, 50_000_000, 40_000_000, 3_000_000, integrated=True),
    group("g2", V1, "welfare_fund", 90, 80, 12_000_000, 0, 0, paid=1_550_050, recipients=12,
          integrated=True),
    group("g3", V2, "village_fund", 40, 3, 100_000_000, 95_000_000, 9_500_000),
    group("g4", T1, "welfare_fund", 200, 130, 30_000_000, 10_000_000, 200_000, paid=4_000_000,
          recipients=4, integrated=True),
]  # fmt: skip


CENTRES = [
    {"centre_id": "c1", "village_code": V1, "name_th": "ศูนย์ปุ๋ยหมัก", "registered": True,
     "registered_year": 2550, "active": True},
    {"centre_id": "c2", "village_code": V1, "name_th": "ศูนย์สมุนไพร", "registered": False,
     "active": True},
    {"centre_id": "c3", "village_code": V2, "name_th": "ศูนย์เพาะเห็ด", "registered": True,
     "registered_year": 2551, "active": False},
]  # fmt: skip
ACTIVITIES = [
    {"activity_id": a, "centre_id": c, "date": d, "activity": "อบรม", "visitors": v, "result": r}
    for a, c, d, v, r in (
        ("a1", "c1", "2008-02-01", 30, "ขยายผล 5 ครัวเรือน"),
        ("a2", "c1", "2008-06-01", 20, None),
        ("a3", "c1", "2009-01-10", 10, "ทำปุ๋ยใช้เองทั้งหมู่บ้าน"),
        ("a4", "c3", "2008-03-01", 5, None),
    )
]  # fmt: skip
HEALTH = [
    {"village_code": v, "year": y, "households_assessed": a, "households_passed": p, "result": r}
    for v, y, a, p, r in (
        (V1, 2550, 90, 50, "not_passed"),
        (V1, 2551, 100, 72, "passed"),
        (V2, 2551, 4, 3, "passed"),
    )
]  # fmt: skip
HEALTH_ACTIVITIES = [
    {"activity_id": "h1", "village_code": V1, "date": "2008-03-01",
     "activity": "ตรวจคัดกรองความดัน", "participants": 40},
    {"activity_id": "h2", "village_code": V1, "date": "2008-11-01", "activity": "ออกกำลังกาย",
     "participants": 25},
]  # fmt: skip
CDD = [
    {"village_code": V1, "year": 2551, "indicators_total": 23, "indicators_passed": 18,
     "result": "passed"},
    {"village_code": V2, "year": 2551, "indicators_total": 23, "indicators_passed": 10,
     "result": "not_passed"},
]  # fmt: skip


@pytest.fixture
def ds() -> Dataset:
    rows = {
        "finance_groups": FINANCE,
        "centres": CENTRES,
        "centre_activities": ACTIVITIES,
        "health_standard": HEALTH,
        "health_activities": HEALTH_ACTIVITIES,
        "cdd_standard": CDD,
    }
    tables = {name: schema.typed_frame(name, values) for name, values in rows.items()}
    return Dataset(tables={"villages": villages(), **tables})


def by_unit(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("unit_code")


# --- finance ---------------------------------------------------------------------------------
def test_group_ratios_are_hand_computed(ds):
    listed = finance.groups(ds).set_index("group_id")
    assert listed.loc["g1", "loan_to_capital"] == pytest.approx(0.80)
    assert listed.loc["g1", "arrears_ratio"] == pytest.approx(0.075)
    assert listed.loc["g1", "loans_within_norm"] and not listed.loc["g1", "arrears_within_norm"]
    assert listed.loc["g3", "loan_to_capital"] == pytest.approx(0.95)
    assert listed.loc["g3", "arrears_ratio"] == pytest.approx(0.10)
    assert pd.isna(listed.loc["g2", "arrears_ratio"])  # nothing lent: no ratio, not zero
    assert listed.loc["g2", "type_th"] == "กองทุนสวัสดิการชุมชน"


def test_finance_per_village(ds):
    result = by_unit(finance.summary(ds, level="village"))
    v1 = result.loc[V1]
    assert (v1["groups"], v1["groups_integrated"], v1["groups_welfare_fund"]) == (2, 2, 1)
    assert (v1["households_covered"], v1["household_coverage"]) == (80, pytest.approx(0.8))
    assert v1["capital_satang"] == 62_000_000 and v1["loans_outstanding_satang"] == 40_000_000
    assert v1["loan_to_capital"] == pytest.approx(40 / 62)
    assert v1["arrears_ratio"] == pytest.approx(3 / 40)
    assert (v1["welfare_paid_satang"], v1["welfare_recipients"]) == (1_550_050, 12)
    assert v1["integrated_village"] and v1["integrated_tambon"]
    assert v1["welfare_model"] == "tambon"
    v2 = result.loc[V2]
    assert v2["household_coverage"] == pytest.approx(3 / 50)
    assert not v2["integrated_village"] and v2["welfare_model"] == "tambon"
    assert result["capital_satang"].dtype == "int64"


def test_finance_per_sub_district_counts_its_own_network(ds):
    t1 = by_unit(finance.summary(ds, level="tambon")).loc[T1]
    assert t1["groups"] == 4
    # villages reach 80 + 3 households; the sub-district welfare fund alone reaches 130
    assert (t1["households"], t1["households_covered"]) == (150, 130)
    assert t1["welfare_households_covered"] == 130
    assert t1["capital_satang"] == 192_000_000
    assert t1["loan_to_capital"] == pytest.approx(145 / 192)
    assert t1["arrears_ratio"] == pytest.approx(12.7 / 145)
    assert (t1["welfare_paid_satang"], t1["welfare_recipients"]) == (5_550_050, 16)
    assert t1["welfare_model_th"] == "บูรณาการระดับตำบล"


def test_finance_shareable_blanks_a_group_of_three_households(ds):
    assert by_unit(finance.summary(ds)).loc[V2, "capital_satang"] == 100_000_000
    shared = by_unit(finance.summary(ds, shareable=True))
    assert shared.loc[V2, "suppressed"] and pd.isna(shared.loc[V2, "capital_satang"])
    assert shared.loc[V2, "groups"] == 1  # the group still shows it exists
    assert not shared.loc[V1, "suppressed"]
    assert shared.loc[V1, "capital_satang"] == 62_000_000


# --- learning centres ------------------------------------------------------------------------
def test_centre_register_and_summary(ds):
    register = centres.register(ds).set_index("centre_id")
    assert (register.loc["c1", "activities"], register.loc["c1", "visitors"]) == (3, 60)
    assert register.loc["c1", "latest_result"] == "ทำปุ๋ยใช้เองทั้งหมู่บ้าน"
    assert register.loc["c1", "in_use"] and not register.loc["c3", "in_use"]
    result = by_unit(centres.summary(ds, level="village"))
    v1 = result.loc[V1]
    assert (v1["centres"], v1["centres_registered"], v1["centres_active"]) == (2, 1, 2)
    assert (v1["centres_in_use"], v1["activities"], v1["visitors"]) == (1, 3, 60)
    assert v1["result_share"] == pytest.approx(2 / 3)
    assert v1["visitors_per_activity"] == pytest.approx(20)
    assert v1["unit_th"] == "บ้านนา"
    t1 = by_unit(centres.summary(ds, level="tambon")).loc[T1]
    assert (t1["centres"], t1["activities"], t1["visitors"]) == (3, 4, 65)


def test_centre_activity_over_the_project_period(ds):
    project = by_unit(centres.summary(ds, start="2007-10-01", end="2008-09-30")).loc[V1]
    counts = project[["activities", "visitors", "activities_with_result"]].tolist()
    assert counts == [2, 50, 1]
    assert project["last_activity"] == pd.Timestamp("2008-06-01")


# --- standards -------------------------------------------------------------------------------
def test_standards_take_each_villages_latest_year(ds):
    result = by_unit(standards.summary(ds, level="village"))
    v1 = result.loc[V1]
    assert (v1["health_year"], v1["health_share"], v1["health_result"]) == (2551, 0.72, "passed")
    assert v1["health_result_th"] == "ผ่าน"
    assert (v1["health_activities"], v1["health_participants"]) == (2, 65)
    assert (v1["cdd_result"], v1["cdd_indicator_share"]) == ("passed", pytest.approx(18 / 23))
    assert result.loc[V2, "cdd_result_th"] == "ไม่ผ่าน"
    t1 = by_unit(standards.summary(ds, level="tambon")).loc[T1]
    assert (t1["health_households_assessed"], t1["health_households_passed"]) == (104, 75)
    assert t1["health_share"] == pytest.approx(75 / 104)
    assert (t1["health_villages_passed"], t1["cdd_villages_passed"]) == (2, 1)
    assert pd.isna(t1["health_result"])  # a result belongs to a village


def test_standards_of_a_given_year(ds):
    v1 = by_unit(standards.summary(ds, year=2550)).loc[V1]
    assert v1["health_share"] == pytest.approx(50 / 90) and v1["health_result"] == "not_passed"
    assert v1["cdd_villages_assessed"] == 0 and pd.isna(v1["cdd_result"])
    fiscal_2551 = by_unit(standards.summary(ds, year=2551)).loc[V1]
    assert (fiscal_2551["health_activities"], fiscal_2551["health_participants"]) == (1, 40)


def test_standards_shareable_blanks_four_households(ds):
    shared = by_unit(standards.summary(ds, shareable=True))
    assert shared.loc[V2, "suppressed"]
    assert pd.isna(shared.loc[V2, "health_share"]) and pd.isna(shared.loc[V2, "health_result"])
    assert shared.loc[V2, "cdd_result"] == "not_passed"  # the CDD result is the village's
    assert shared.loc[V1, "health_share"] == 0.72


@pytest.mark.parametrize(
    ("summary", "columns"),
    [
        (centres.summary, ["centres", "activities", "visitors"]),
        (finance.summary, ["groups", "members", "capital_satang", "welfare_paid_satang"]),
        (standards.summary, ["villages", "health_households_passed", "cdd_villages_passed"]),
    ],
)
def test_counts_and_money_add_up_from_village_to_province(demo_dataset, summary, columns):
    ds = demo_dataset
    village = summary(ds, level="village")
    assert len(village) == len(ds.villages)
    # sub-district financial groups count from sub-district level up
    below = summary(ds, level="tambon") if summary is finance.summary else village
    province = summary(ds, level="province").iloc[0]
    for column in columns:
        assert province[column] == below[column].sum(), column
