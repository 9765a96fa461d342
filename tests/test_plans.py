"""Plan alignment on a hand-built village: items taken up by TAO, PAO, agencies, or nobody."""

from __future__ import annotations

import pandas as pd
import pytest

from okanalysis import Dataset, plans
from okanalysis.contract import schema

V1, V2, T1 = "80010101", "80010102", "800101"


def village(code: str, households: int = 100) -> dict:
    return {"village_code": code, "tambon_code": code[:6], "amphoe_code": code[:4],
            "village_no": int(code[6:]), "name_th": f"บ้าน {code}", "households": households,
            "population": 4 * households}  # fmt: skip


def item(item_id, unit, kind, cost, payer, category=None):
    level = "village" if len(unit) == 8 else "tambon"
    return {"item_id": item_id, "level": level, "unit_code": unit, "title": f"โครงการ {item_id}",
            "kind": kind, "category": category, "cost_satang": cost, "payer": payer}  # fmt: skip


def local(local_id, org, plan_item, budget, tambon=T1):
    return {"local_item_id": local_id, "org": org, "tambon_code": tambon,
            "plan_item_id": plan_item, "title": f"โครงการ {local_id}", "budget_satang": budget,
            "year": 2551}  # fmt: skip


def project(project_id, unit, plan_item, budget, agency="เกษตรอำเภอ"):
    level = "village" if len(unit) == 8 else "tambon"
    return {"project_id": project_id, "agency": agency, "level": level, "unit_code": unit,
            "title": f"โครงการ {project_id}", "budget_satang": budget,
            "plan_item_id": plan_item, "year": 2551}  # fmt: skip


# village V1: i1 TAO only, i2 agency only, i3 TAO and agency, i4 nobody, i5 PAO only;
# A3 is an agency project answering no item; the sub-district has its own item i6 and the
# TAO has one item (L4) that takes up no master-plan item.
PLAN = [
    item("i1", V1, "mutual", 6_000_000, "tao", "EXP_RICE"),
    item("i2", V1, "outside", 3_000_000, "agency"),
    item("i3", V1, "mutual", 4_000_000, "community", "FARM_FERTILISER"),
    item("i4", V1, "self", 1_500_025, "household", "EXP_VEG"),
    item("i5", V1, "outside", 10_000_000, "pao"),
    item("i6", T1, "mutual", 2_000_000, "yu_di_mi_suk"),
]
LOCAL = [
    local("L1", "tao", "i1", 5_000_000),
    local("L2", "tao", "i3", 2_000_000),
    local("L3", "pao", "i5", 10_000_000),
    local("L4", "tao", None, 800_000),
]
PROJECTS = [
    project("A1", V1, "i2", 3_000_000),
    project("A2", V1, "i3", 1_000_000),
    project("A3", V1, None, 2_500_050, agency="พัฒนาชุมชนอำเภอ"),
]


@pytest.fixture
def ds() -> Dataset:
    return Dataset(
        tables={
            "villages": schema.typed_frame("villages", [village(V1), village(V2)]),
            "plan_items": schema.typed_frame("plan_items", PLAN),
            "local_plans": schema.typed_frame("local_plans", LOCAL),
            "agency_projects": schema.typed_frame("agency_projects", PROJECTS),
            "visions": schema.typed_frame(
                "visions", [{"level": "village", "unit_code": V1, "statement": "พึ่งตนเองได้"}]
            ),
        }
    )


def test_each_item_says_who_supports_it(ds):
    listed = plans.items(ds).set_index("item_id")
    assert listed.loc["i1", "support"] == "local"
    assert listed.loc["i2", "support"] == "agency"
    assert listed.loc["i3", "support"] == "both"
    assert listed.loc["i4", "support"] == "none"
    assert listed.loc["i5", "support"] == "local"
    assert listed.loc["i4", "support_th"] == "ยังไม่มีผู้สนับสนุน"
    assert listed.loc["i1", "in_tao_plan"] and not listed.loc["i1", "in_pao_plan"]
    assert listed.loc["i5", "in_pao_plan"] and not listed.loc["i5", "in_tao_plan"]
    assert listed.loc["i3", "tao_budget_satang"] == 2_000_000
    assert listed.loc["i3", "agency_budget_satang"] == 1_000_000


def test_an_agency_project_with_no_plan_item_is_top_down(ds):
    orphans = plans.top_down(ds)
    assert list(orphans["project_id"]) == ["A3"]


def test_alignment_per_village(ds):
    result = plans.alignment(ds, level="village", top=0).set_index("unit_code")
    v1 = result.loc[V1]
    assert v1["items"] == 5
    assert (v1["items_self"], v1["items_mutual"], v1["items_outside"]) == (1, 2, 2)
    assert (v1["items_in_tao_plan"], v1["items_in_pao_plan"]) == (2, 1)
    assert (v1["items_with_agency_project"], v1["items_local_and_agency"]) == (2, 1)
    assert v1["items_unsupported"] == 1
    assert v1["supported_share"] == pytest.approx(0.8)
    # money exact to the satang, by who pays and by who took it up
    assert v1["cost_satang"] == 24_500_025
    assert v1["cost_household_satang"] == 1_500_025
    assert v1["cost_pao_satang"] == 10_000_000
    assert v1["tao_budget_satang"] == 7_000_000
    assert v1["pao_budget_satang"] == 10_000_000
    assert v1["agency_budget_satang"] == 4_000_000
    assert (v1["top_down_projects"], v1["top_down_budget_satang"]) == (1, 2_500_050)
    assert v1["visions"] == 1
    assert pd.isna(v1["tao_items_not_from_plan"])  # a TAO plan is a sub-district's
    assert result["cost_satang"].dtype == "int64"
    # a village with no plan is listed with nothing taken up, not left out
    assert result.loc[V2, "items"] == 0 and pd.isna(result.loc[V2, "supported_share"])


def test_alignment_per_sub_district_includes_its_own_items(ds):
    tambon = plans.alignment(ds, level="tambon", top=0).set_index("unit_code").loc[T1]
    assert tambon["items"] == 6
    assert tambon["items_unsupported"] == 2
    assert tambon["cost_yu_di_mi_suk_satang"] == 2_000_000
    assert tambon["tao_items_not_from_plan"] == 1
    assert tambon["unit_th"] == "ในเมือง"


def with_ledger(ds: Dataset, households: int) -> Dataset:
    """Village V1 gets `households` recording households that each spend, per month for a year:
    fertiliser 3,000, fish and meat 2,000, rice 1,000, vegetables 200 and alcohol 5,000 baht."""
    monthly = {"FARM_FERTILISER": 300_000, "EXP_FISH_MEAT": 200_000, "EXP_RICE": 100_000,
               "EXP_VEG": 20_000, "EXP_ALCOHOL": 500_000, "INC_RUBBER": 2_000_000}  # fmt: skip
    homes = [f"H{i}" for i in range(households)]
    entries = [
        {"entry_id": f"{h}-{m}-{c}", "household_id": h, "date": f"2008-{m:02d}-10",
         "category": c, "amount_satang": amount}
        for h in homes for m in range(1, 13) for c, amount in monthly.items()
    ]  # fmt: skip
    tables = dict(ds.tables)
    tables["households"] = schema.typed_frame(
        "households",
        [{"household_id": h, "village_code": V1, "members": 4, "keeps_accounts": True}
         for h in homes],
    )  # fmt: skip
    tables["ledger"] = schema.typed_frame("ledger", entries)
    return Dataset(tables=tables)


def test_the_plan_is_checked_against_the_villages_own_top_opportunities(ds):
    pytest.importorskip("okanalysis.potential")
    result = plans.alignment(with_ledger(ds, 6), level="village").set_index("unit_code")
    v1 = result.loc[V1]
    # top 3 outflows: fertiliser, fish and meat, rice (alcohol is avoidable, not substitutable);
    # the plan has items on fertiliser and rice, not on fish and meat
    assert v1["top_opportunities"] == "FARM_FERTILISER, EXP_FISH_MEAT, EXP_RICE"
    assert v1["top_opportunities_addressed"] == 2
    assert v1["addresses_top_opportunities"]
    assert v1["households_recording"] == 6
    assert pd.isna(result.loc[V2, "addresses_top_opportunities"])  # no ledger: unknown, not no
    top_one = plans.alignment(with_ledger(ds, 6), level="village", top=1).set_index("unit_code")
    assert top_one.loc[V1, "top_opportunities"] == "FARM_FERTILISER"


def test_ledger_columns_of_a_small_village_are_suppressed_when_shareable(ds):
    pytest.importorskip("okanalysis.potential")
    small = with_ledger(ds, 4)
    internal = plans.alignment(small, level="village").set_index("unit_code")
    assert internal.loc[V1, "top_opportunities_addressed"] == 2
    shared = plans.alignment(small, level="village", shareable=True).set_index("unit_code")
    assert shared.loc[V1, "suppressed"]
    assert pd.isna(shared.loc[V1, "top_opportunities"])
    assert pd.isna(shared.loc[V1, "top_opportunities_addressed"])
    assert shared.loc[V1, "items"] == 5  # plan figures are about items, not households
