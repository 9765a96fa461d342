"""The facilitation budget: 12,000 baht per village, seven lead agencies, spending by topic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from okanalysis import Dataset, budget
from okanalysis.contract import hierarchy, schema
from okanalysis.core import params
from okanalysis.core.errors import OkanalysisError, ParameterError

# villages per district: Mueang 8001 has 3, Khanom 8015 has 2, Sichon 8014 has 1
VILLAGES = {"8001": ["80010101", "80010102", "80010201"], "8015": ["80150101", "80150102"],
            "8014": ["80140101"]}  # fmt: skip
SPENDING = [
    ("r1", "8001", 1, 1_000_000),
    ("r2", "8001", 2, 500_050),
    ("r3", "8001", 2, 200_000),
    ("r4", "8015", 6, 300_000),
    ("r5", "8015", 6, -50_000),  # a correction
]


@pytest.fixture
def ds() -> Dataset:
    villages = [
        {"village_code": v, "tambon_code": v[:6], "amphoe_code": a, "village_no": int(v[6:]),
         "name_th": f"บ้าน {v}", "households": 80, "population": 300}
        for a, codes in VILLAGES.items() for v in codes
    ]  # fmt: skip
    spending = [
        {"record_id": r, "amphoe_code": a, "date": "2008-05-01", "topic": t, "amount_satang": m}
        for r, a, t, m in SPENDING
    ]
    return Dataset(
        tables={
            "villages": schema.typed_frame("villages", villages),
            "spending": schema.typed_frame("spending", spending),
        }
    )


def test_the_shipped_agencies_follow_the_seed():
    agencies = budget.lead_agencies()
    assert len(agencies) == 23
    assert set(agencies["amphoe_code"]) == set(hierarchy.districts()["amphoe_code"])
    counts = agencies.groupby("agency").size()
    assert sorted(counts) == [3, 3, 3, 3, 3, 4, 4]
    assert counts.to_dict() == budget.SEED_COUNTS
    assert agencies.set_index("agency")["agency_th"].to_dict()["nfe"].endswith("(กศน.)")


def test_each_district_gets_12000_baht_per_village(ds):
    districts = budget.allocate(ds).set_index("amphoe_code")
    assert len(districts) == 23
    for amphoe in hierarchy.districts()["amphoe_code"]:
        villages = len(VILLAGES.get(amphoe, []))
        assert districts.loc[amphoe, "villages"] == villages
        assert districts.loc[amphoe, "budget_satang"] == villages * 12_000 * 100
    assert districts["budget_satang"].dtype == "int64"
    province = budget.allocate(ds, by="province").iloc[0]
    assert province["budget_satang"] == districts["budget_satang"].sum() == 6 * 1_200_000
    assert (province["province_code"], province["districts"], province["villages"]) == ("80", 23, 6)
    agencies = budget.allocate(ds, by="agency")
    assert agencies["budget_satang"].sum() == province["budget_satang"]
    assert sorted(agencies["districts"]) == [3, 3, 3, 3, 3, 4, 4]


def test_spending_against_the_budget_is_exact(ds):
    districts = budget.allocate(ds).set_index("amphoe_code")
    mueang = districts.loc["8001"]
    assert mueang["spent_satang"] == 1_700_050
    assert mueang["balance_satang"] == 3_600_000 - 1_700_050
    assert mueang["share_spent"] == pytest.approx(1_700_050 / 3_600_000)
    assert (mueang["spending_records"], districts.loc["8015", "spent_satang"]) == (3, 250_000)
    assert pd.isna(districts.loc["8002", "share_spent"])  # no villages: no budget to share
    assert districts.loc["8001", "agency"] == "admin"


def test_the_per_village_amount_is_a_parameter_in_exact_baht(ds):
    cheaper = budget.allocate(ds, per_village="10,000.50").set_index("amphoe_code")
    assert cheaper.loc["8001", "budget_satang"] == 3 * 1_000_050
    assert budget.allocate(ds, per_village=Decimal("12000")).equals(budget.allocate(ds))
    with pytest.raises(OkanalysisError, match="per-village"):
        budget.allocate(ds, per_village="12000.005")


def test_spending_by_learning_topic(ds):
    topics = budget.spending_by_topic(ds)
    mueang = topics[topics["amphoe_code"] == "8001"].set_index("topic")
    assert list(mueang.index) == list(range(1, 10))  # all nine topics, zeros included
    assert mueang.loc[2, "spent_satang"] == 700_050
    assert mueang.loc[2, "share_of_spent"] == pytest.approx(700_050 / 1_700_050)
    assert mueang.loc[2, "share_of_budget"] == pytest.approx(700_050 / 3_600_000)
    assert mueang.loc[5, "spent_satang"] == 0
    assert mueang.loc[6, "topic_th"] == "ศูนย์เรียนรู้เศรษฐกิจพอเพียง"
    province = budget.spending_by_topic(ds, by="province").set_index("topic")
    assert province.loc[6, "spent_satang"] == 250_000
    assert province["spent_satang"].sum() == 1_950_050


def shipped_with(tmp_path: Path, edit) -> Path:
    """A copy of the shipped agencies file with one text edit."""
    text = (params.parameters_dir() / "agencies.yaml").read_text(encoding="utf-8")
    path = tmp_path / "agencies.yaml"
    path.write_text(edit(text), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_an_agency_with_five_districts_is_refused_with_its_line(tmp_path):
    # give public health two more districts (taken from the community sector's list)
    def move(text: str) -> str:
        text = text.replace('      - "8020"', "").replace('      - "8021"', "")
        return text.replace('      - "8013"', '      - "8020"\n      - "8021"\n      - "8013"')

    path = shipped_with(tmp_path, move)
    with pytest.raises(ParameterError) as caught:
        budget.lead_agencies(path)
    error = caught.value
    assert error.file == str(path)
    assert error.row == line_of(path, "code: health")
    assert "health leads 5 districts; the seed gives it 3" in str(error)
    assert "agencies.yaml" in str(error)


@pytest.mark.parametrize(
    ("edit", "message", "at"),
    [
        (lambda t: t.replace('"8002"', '"8099"'), "'8099' is not a district code", "code: admin"),
        (lambda t: t.replace('"8005"', '"8001"'), "8001 is already led by admin", "code: cdd"),
        (lambda t: t.replace("code: nfe", "code: education"), "must be one of", "code: education"),
    ],
)  # fmt: skip
def test_a_broken_district_list_is_refused(tmp_path, edit, message, at):
    path = shipped_with(tmp_path, edit)
    with pytest.raises(ParameterError, match=message) as caught:
        budget.lead_agencies(path)
    assert caught.value.row == line_of(path, at)


def test_allocation_reads_the_agencies_file_it_is_given(tmp_path, ds):
    swap = shipped_with(
        tmp_path,
        lambda t: t.replace('"8001"', "@@").replace('"8004"', '"8001"').replace("@@", '"8004"'),
    )
    districts = budget.allocate(ds, agencies=swap).set_index("amphoe_code")
    assert districts.loc["8001", "agency"] == "cdd"
