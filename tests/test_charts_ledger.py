"""The ledger and potential figures carry the right numbers and Thai labels (not pixels)."""

from __future__ import annotations

import pytest

from okanalysis import charts, ledger, potential
from okanalysis.charts.style import THAI_FONT_STACK
from tests.test_ledger import V1, hand_dataset
from tests.test_potential import known_village


@pytest.fixture(scope="module")
def ds():
    return hand_dataset()


def test_household_balance_bars(ds):
    s = ledger.household_summary(ds)
    fig = charts.household_balance(s)
    income, expense, net = fig.data
    assert [t.name for t in fig.data] == ["รายรับ", "รายจ่าย", "คงเหลือสุทธิ"]
    assert list(income.x) == s["household_id"].tolist()
    assert list(income.y) == (s["income_annual_satang"] / 100).tolist()
    assert list(expense.y) == (s["expense_annual_satang"] / 100).tolist()
    assert list(net.y) == (s["net_annual_satang"] / 100).tolist()
    full = s["household_id"].tolist().index("FULL")
    assert income.text[full] == "72,000 บาท"
    assert fig.layout.font.family == THAI_FONT_STACK
    assert "ต่อปี" in fig.layout.title.text
    en = charts.household_balance(s, lang="en")
    assert [t.name for t in en.data] == ["income", "spending", "net"]


def test_household_balance_by_month_for_one_household(ds):
    m = ledger.household_summary(ds, "month")
    fig = charts.household_balance(m.loc[m["household_id"] == "PARTIAL"])
    assert list(fig.data[0].x) == [
        "ต.ค. 2550",
        "พ.ย. 2550",
        "ธ.ค. 2550",
        "ม.ค. 2551",
        "ก.พ. 2551",
        "มี.ค. 2551",
    ]
    assert list(fig.data[0].y) == [10000.0] * 6
    assert list(fig.data[1].y) == [1300.0] * 6


def test_spending_by_group(ds):
    s = ledger.household_summary(ds)
    fig = charts.spending_by_group(s.loc[s["household_id"] == "FULL"])
    bars = dict(zip(fig.data[0].y, fig.data[0].x, strict=True))
    assert bars == {"ต้นทุนการผลิต": 12000.0, "อาหารและเครื่องดื่ม": 9600.0, "เหล้า บุหรี่ หวย การพนัน": 2400.0}
    assert list(fig.data[0].y)[-1] == "ต้นทุนการผลิต"  # largest on top
    assert "(50%)" in fig.data[0].text[-1]
    en = charts.spending_by_group(s.loc[s["household_id"] == "FULL"], lang="en")
    assert "Farm and production costs" in en.data[0].y


def test_opportunity_ranking():
    o = potential.opportunities(known_village())
    fig = charts.opportunity_ranking(o, unit=V1)
    assert list(fig.data[0].y) == ["สบู่ ยาสีฟัน แชมพู", "ข้าวสาร", "ปุ๋ยเคมี"]  # largest on top
    assert list(fig.data[0].x) == [1200.0, 16800.0, 18000.0]
    assert fig.data[0].text[-1] == "18,000 บาท"
    assert fig.layout.title.text == "รายจ่ายที่ผลิตเองได้ในชุมชน"
    avoid = charts.opportunity_ranking(o, kind="avoidable", unit=V1, lang="en", top=1)
    assert list(avoid.data[0].y) == ["Alcohol"] and list(avoid.data[0].x) == [3600.0]
    with pytest.raises(ValueError):
        charts.opportunity_ranking(o)  # two villages: which one?


def test_potential_levels_from_households_and_from_a_rollup(ds):
    a = potential.assess_households(ds)
    fig = charts.potential_levels(a)
    names = list(fig.data[0].x)
    assert names == ["มั่งมีศรีสุข", "อยู่ดีกินดี", "พออยู่พอกิน", "รายได้ต่ำกว่าเส้นความยากจน",
                     "ข้อมูลยังไม่พอประเมิน"]  # fmt: skip
    counts = dict(zip(names, fig.data[0].y, strict=True))
    assert counts["รายได้ต่ำกว่าเส้นความยากจน"] == (a["level"] == "below_poverty_line").sum()
    assert sum(fig.data[0].y) == len(a)
    province = potential.rollup(ds, "province")
    assert list(charts.potential_levels(province).data[0].y) == list(fig.data[0].y)


def test_hierarchy_view(ds):
    r = potential.rollup(ds, "all")
    fig = charts.hierarchy_view(r, "median_income_annual_satang")
    trace = fig.data[0]
    ids = list(trace.ids)
    parents = dict(zip(ids, trace.parents, strict=True))
    assert parents["80"] == "" and parents["8001"] == "80" and parents["800101"] == "8001"
    assert parents[V1] == "800101"
    labels = dict(zip(ids, trace.labels, strict=True))
    assert labels["80"] == "นครศรีธรรมราช" and labels["8015"] == "ขนอม"
    values = dict(zip(ids, trace.values, strict=True))
    assert values["80"] == sum(values[c] for c in ids if len(c) == 4)
    r_idx = r.set_index("unit_code")
    colours = dict(zip(ids, trace.marker.colors, strict=True))
    assert colours[V1] == r_idx.loc[V1, "median_income_annual_satang"] / 100
    assert "ค่ามัธยฐาน" in trace.marker.colorbar.title.text
    tree = charts.hierarchy_view(r, "coverage", chart="treemap", lang="en")
    assert tree.data[0].type == "treemap"
    assert "Nakhon Si Thammarat" in list(tree.data[0].labels)
