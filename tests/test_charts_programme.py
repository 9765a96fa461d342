"""The programme figures: right values from the summaries, Thai labels first, English on request."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from okanalysis.charts import programme
from okanalysis.charts.style import THAI_FONT_STACK


def units(**columns) -> pd.DataFrame:
    base = {
        "unit_code": ["80010101", "80010102"],
        "unit_th": ["บ้านนา", "บ้านควน"],
        "unit_en": [None, None],
    }
    return pd.DataFrame({**base, **columns})


def traces(fig: go.Figure) -> dict[str, go.BaseTraceType]:
    return {t.name: t for t in fig.data if t.name}


def assert_thai_styled(fig: go.Figure, title: str) -> None:
    assert fig.layout.font.family == THAI_FONT_STACK
    assert fig.layout.title.text == title


def test_freedom_before_after_is_a_dumbbell_per_criterion():
    progress = units(
        criterion_th=["ทำบัญชีเป็นตัวอย่าง", "จัดวงเรียนรู้ได้"],
        criterion_en=["keeps accounts", "runs a circle"],
        score_start_mean=[2.5, 2.0],
        score_end_mean=[3.2, None],  # suppressed in a shareable result
        start=["start-2551"] * 2,
        end=["end-2551"] * 2,
    )
    progress["unit_code"] = "80010101"
    fig = programme.freedom_before_after(progress)
    assert_thai_styled(fig, "ตารางอิสรภาพ ก่อนและหลัง")
    named = traces(fig)
    assert list(named["ก่อน"].x) == [2.5, 2.0]
    assert list(named["หลัง"].x) == [3.2, None]
    assert list(named["หลัง"].y) == ["ทำบัญชีเป็นตัวอย่าง", "จัดวงเรียนรู้ได้"]
    english = traces(programme.freedom_before_after(progress, lang="en"))
    assert list(english["after"].y) == ["keeps accounts", "runs a circle"]


def test_leader_gaps_skip_what_does_not_apply():
    gaps = units(
        cores_missing=pd.array([2, 0], dtype="Int64"),
        sectors_missing=pd.array([pd.NA, pd.NA], dtype="Int64"),
        without_successor=pd.array([4, 8], dtype="Int64"),
    )
    named = traces(programme.leader_gaps(gaps))
    assert set(named) == {"คุณกิจแกนนำที่ยังขาด", "ผู้นำที่ยังไม่มีผู้สืบทอด"}
    assert list(named["คุณกิจแกนนำที่ยังขาด"].x) == [2.0, 0.0]


def test_plan_alignment_stacks_items_by_support_with_money():
    alignment = units(
        items=[5, 0],
        items_unsupported=[1, 0],
        items_with_agency_project=[2, 0],
        items_local_and_agency=[1, 0],
        cost_satang=[24_500_025, 0],
        tao_budget_satang=[7_000_000, 0],
        pao_budget_satang=[10_000_000, 0],
        agency_budget_satang=[4_000_000, 0],
        top_down_projects=[1, 0],
        top_down_budget_satang=[2_500_050, 0],
    )
    fig = programme.plan_alignment(alignment)
    named = traces(fig)
    assert fig.layout.barmode == "stack"
    counts = {name: trace.y[0] for name, trace in named.items()}
    assert counts == {
        "แผนท้องถิ่นและโครงการหน่วยงาน": 1,
        "แผนท้องถิ่น (อบต./อบจ.) เท่านั้น": 2,
        "โครงการหน่วยงานเท่านั้น": 1,
        "ยังไม่มีผู้สนับสนุน": 1,
    }
    assert "245,000 บาท" in named["ยังไม่มีผู้สนับสนุน"].customdata[0]
    assert "25,001 บาท" in named["ยังไม่มีผู้สนับสนุน"].customdata[0]


def test_centre_activity_puts_visitors_on_a_second_axis():
    summary = units(
        centres=[2, 1], centres_registered=[1, 1], centres_in_use=[1, 0],
        activities=[3, 1], visitors=[60, 5],
    )  # fmt: skip
    named = traces(programme.centre_activity(summary, lang="en"))
    assert list(named["activities"].y) == [3.0, 1.0]
    assert named["visitors"].yaxis == "y2"
    assert list(named["activities"].x) == ["80010101", "80010102"]  # no English name: the code


def test_finance_figures_show_percentages_and_the_norm_band():
    summary = units(
        household_coverage=[0.8, None],
        welfare_coverage=[0.8, 0.0],
        loan_to_capital=[40 / 62, 0.95],
        arrears_ratio=[0.075, 0.10],
    )
    coverage = traces(programme.finance_coverage(summary))
    assert list(coverage["ครัวเรือนที่เป็นสมาชิกกลุ่มการเงิน"].y) == [80.0, None]
    ratios = programme.finance_ratios(summary)
    point = ratios.data[0]
    assert point.y[0] == pytest.approx(7.5)
    band = ratios.layout.shapes[0]
    assert (band.x0, band.x1, band.y1) == pytest.approx((70, 80, 5))


def test_standards_results():
    summary = units(health_share=[0.72, None], cdd_indicator_share=[18 / 23, 10 / 23])
    named = traces(programme.standards_results(summary))
    assert list(named["ครัวเรือนผ่านมาตรฐานสุขภาพ"].y) == [72.0, None]


def test_budget_by_district_is_coloured_by_agency():
    allocation = pd.DataFrame(
        {
            "amphoe_code": ["8001", "8002", "8004"],
            "amphoe_th": ["เมืองนครศรีธรรมราช", "พรหมคีรี", "ฉวาง"],
            "amphoe_en": ["Mueang", "Phrom Khiri", "Chawang"],
            "agency": ["admin", "admin", "cdd"],
            "agency_th": ["ฝ่ายปกครอง", "ฝ่ายปกครอง", "พัฒนาชุมชน"],
            "agency_en": ["Provincial administration"] * 2 + ["Community development"],
            "budget_satang": [3_600_000, 0, 1_200_000],
            "spent_satang": [1_700_050, 0, 0],
            "balance_satang": [1_899_950, 0, 1_200_000],
            "share_spent": [1_700_050 / 3_600_000, None, 0.0],
        }
    )
    fig = programme.budget_allocation(allocation)
    assert fig.layout.title.text == "งบอำนวยการ (รวม 48,000 บาท)"
    bars = fig.data[0]
    assert list(bars.y) == [36_000.0, 0.0, 12_000.0]
    colours = list(bars.marker.color)
    assert colours[0] == colours[1] != colours[2]
    assert list(fig.data[1].y) == [17_000.5, 0.0, 0.0]


def test_every_figure_draws_from_the_demo_summaries(demo_dataset):
    from okanalysis import budget, centres, finance, people, plans, standards

    ds = demo_dataset
    figures = [
        programme.freedom_before_after(people.freedom_progress(ds, "province", by="role")),
        programme.leader_gaps(people.gaps(ds, "amphoe")),
        programme.plan_alignment(plans.alignment(ds, "amphoe", top=0)),
        programme.centre_activity(centres.summary(ds, "amphoe")),
        programme.finance_coverage(finance.summary(ds, "amphoe", shareable=True)),
        programme.finance_ratios(finance.groups(ds)),
        programme.standards_results(standards.summary(ds, "amphoe")),
        programme.budget_allocation(budget.allocate(ds)),
        programme.budget_allocation(budget.allocate(ds, by="agency"), lang="en"),
    ]
    for fig in figures:
        assert fig.data, fig.layout.title.text
        assert fig.layout.font.family == THAI_FONT_STACK
    assert len(figures[1].data[0].y) == 23  # one bar per district
    assert len(figures[-1].data[0].x) == 7  # one bar per lead agency
