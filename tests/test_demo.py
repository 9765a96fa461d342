"""The demo province: deterministic, on the contract and the real hierarchy, and believable."""

from __future__ import annotations

import geothai
import numpy as np
import pandas as pd
import pytest

from okanalysis import budget
from okanalysis.contract import hierarchy, schema
from okanalysis.core import params
from okanalysis.core.errors import OkanalysisError
from okanalysis.demo import community, province
from okanalysis.demo import synthetic as demo

DISTRICTS = 23
POVERTY_LINE_2551 = 2170  # official poverty line, baht per person per month, 2008


@pytest.fixture(scope="module")
def small(demo_dataset):
    """The demo at scale 0.02 and the default seed (built once per run by conftest)."""
    return demo_dataset


@pytest.fixture(scope="module")
def tenth():
    return demo.generate(0.1)


@pytest.fixture(scope="module")
def ledger_by_kind(tenth):
    """The ledger with each entry's kind, group and village."""
    cats = params.ledger_categories().set_index("category")
    village = tenth.households.set_index("household_id")["village_code"]
    led = tenth.ledger
    return led.assign(
        kind=led["category"].map(cats["kind"]).astype(str),
        group=led["category"].map(cats["group"]).astype(str),
        village_code=led["household_id"].map(village).astype(str),
    )


def _recording_households(ds, ledger_by_kind) -> pd.DataFrame:
    """Recording households with annual ledger income (partial years annualised)."""
    led = ledger_by_kind
    income = led[led["kind"] == "income"].groupby("household_id")["amount_satang"].sum()
    dates = led.groupby("household_id")["date"].agg(["min", "max"])
    span = (dates["max"] - dates["min"]).dt.days + 1
    hh = ds.households
    rec = hh[hh["keeps_accounts"]].set_index("household_id")
    rec = rec.assign(income=income.reindex(rec.index).fillna(0), span=span.reindex(rec.index))
    rec["annual_baht"] = rec["income"] / 100 * 366 / rec["span"]
    return rec


def test_same_seed_same_tables_other_seed_differs(small):
    again = demo.generate(0.02)
    for name in schema.TABLE_ORDER:
        pd.testing.assert_frame_equal(small[name], again[name], check_exact=True, obj=name)
    other = demo.generate(0.02, seed=7)
    assert not small.ledger["amount_satang"].equals(other.ledger["amount_satang"])
    assert not small.villages["village_code"].equals(other.villages["village_code"])


def test_labelled_as_demo(small):
    assert small.source == "demo"
    assert small.ok
    assert small.villages["name_th"].str.startswith("บ้าน").all()
    assert small.households["household_id"].str.fullmatch(r"H\d{11}").all()


def test_every_table_filled_with_the_contract_columns_and_valid(small):
    for name in schema.TABLE_ORDER:
        df = small[name]
        assert len(df) > 0, name
        assert list(df.columns) == list(schema.empty_table(name).columns), name
        for f in schema.TABLES[name].fields:
            assert df[f.column].dtype == schema.column_dtype(f), (name, f.column)
        schema.pandera_schema(name).validate(df, lazy=True)  # raises on any failure


def test_keys_unique_and_references_valid(small):
    for name, table in schema.TABLES.items():
        df = small[name]
        assert not df.duplicated(list(table.key)).any(), name
        for ref in table.references:
            values = df[list(ref.columns)].dropna()
            assert len(values) or ref.optional, (name, ref)
            target = small[ref.target][list(ref.target_columns)]
            found = values.merge(
                target.drop_duplicates(),
                left_on=list(ref.columns),
                right_on=list(ref.target_columns),
                how="left",
                indicator=True,
            )
            assert (found["_merge"] == "both").all(), (name, ref)


def test_unit_codes_are_on_the_hierarchy(small):
    units = hierarchy.units(small.villages)
    level_of = dict(zip(units["unit_code"], units["level"], strict=True))
    for name in (
        "people",
        "criteria",
        "finance_groups",
        "plan_items",
        "agency_projects",
        "visions",
    ):
        df = small[name]
        levels = df["unit_code"].map(level_of)
        assert levels.notna().all(), name
        if "level" in df:
            assert (levels == df["level"]).all(), name
    tambons = set(small.villages["tambon_code"])
    assert set(small.zones["tambon_code"]) == tambons
    assert set(small.local_plans["tambon_code"]) <= tambons
    assert set(small.spending["amphoe_code"]) == set(small.villages["amphoe_code"])


def test_hierarchy_matches_geothai(tenth):
    real = {
        s.code: s.district_code
        for d in geothai.districts("80")
        for s in geothai.subdistricts(d.code)
    }
    v = tenth.villages
    assert v["tambon_code"].map(real).eq(v["amphoe_code"]).all()
    assert (v["village_code"].str[:6] == v["tambon_code"]).all()
    assert (v["village_code"].str[6:].astype(int) == v["village_no"]).all()
    # village numbers run 1..n inside each sub-district
    numbers = v.groupby("tambon_code")["village_no"].agg(["min", "max", "size"])
    assert (numbers["min"] == 1).all() and (numbers["max"] == numbers["size"]).all()


def test_full_scale_village_counts():
    world = {"scale": 1.0, "seed": 2551, "categories": params.ledger_categories()}
    tables: dict = {}
    province.make_villages(world, tables, demo.step_rng(2551, "villages"))
    v = tables["villages"]
    assert len(v) == 1550
    per_tambon = v.groupby("tambon_code").size()
    assert len(per_tambon) == 170 and per_tambon.between(5, 15).all()
    assert v["amphoe_code"].nunique() == DISTRICTS


def test_small_scale_keeps_every_district(small):
    assert len(small.villages) >= DISTRICTS
    assert small.villages["amphoe_code"].nunique() == DISTRICTS
    assert small.people.query("role == 'district_team'")["unit_code"].nunique() == DISTRICTS


def test_households_add_up_to_villages(tenth):
    hh = tenth.households.groupby("village_code").agg(
        n=("household_id", "size"), p=("members", "sum")
    )
    v = tenth.villages.set_index("village_code")
    assert (hh["n"].reindex(v.index) == v["households"]).all()
    assert (hh["p"].reindex(v.index) == v["population"]).all()
    assert v["households"].between(80, 300).all()
    recording = tenth.households.groupby("village_code")["keeps_accounts"].sum()
    assert recording.between(15, 45).all() and 27 <= recording.mean() <= 33


def test_fishing_only_in_coastal_districts(tenth):
    coastal = set(hierarchy.COASTAL_AMPHOE)
    hh = tenth.households.assign(amphoe=lambda d: d["village_code"].str[:4])
    fishing = hh[hh["main_income"] == "fishing"]
    assert len(fishing) > 0 and set(fishing["amphoe"]) <= coastal
    led = tenth.ledger
    fish = led[led["category"].isin(["INC_FISH", "FARM_FISHING_GEAR"])]
    assert len(fish) > 0 and set(fish["household_id"].str[1:5]) <= coastal
    # coastal districts have other livelihoods too
    assert hh[hh["amphoe"].isin(coastal)]["main_income"].nunique() > 4


def test_ledger_year_and_messiness(tenth, ledger_by_kind):
    led = tenth.ledger
    assert led["date"].min() >= pd.Timestamp("2007-10-01")
    assert led["date"].max() <= pd.Timestamp("2008-09-30")
    assert ledger_by_kind["kind"].isin(["income", "expense", "transfer"]).all()
    n_rec = tenth.households["keeps_accounts"].sum()
    assert 1.0 <= len(led) / n_rec / 366 <= 1.4  # about 1.2 entries a household a day
    corrections = led[led["amount_satang"] < 0]
    assert 0 < len(corrections) < len(led) / 5_000
    assert corrections["note"].notna().all()
    last = led.groupby("household_id")["date"].max()
    stopped = (last < pd.Timestamp("2008-07-01")).mean()
    assert 0.02 < stopped < 0.15  # a few stopped recording part-way
    assert {"INC_RUBBER", "INC_PALM", "INC_FRUIT", "INC_RICE", "INC_LIVESTOCK", "INC_WAGE"} <= set(
        led["category"]
    )
    income = ledger_by_kind[ledger_by_kind["kind"] == "income"]
    by_cat = income.groupby("category")["amount_satang"].sum()
    assert by_cat.idxmax() == "INC_RUBBER"  # rubber is the province's main income


def test_consumption_shares_near_nso_2007(ledger_by_kind):
    groups = params.ledger_groups()
    consumption = groups.loc[groups["consumption"], "group"]
    spending = ledger_by_kind[ledger_by_kind["group"].isin(consumption)]
    share = spending.groupby("group")["amount_satang"].sum() / spending["amount_satang"].sum() * 100
    nso = {
        "food": 33.0,
        "housing": 20.1,
        "transport": 18.2,
        "personal": 5.6,
        "communication": 3.4,
        "recreation": 2.5,
        "education": 2.1,
    }
    for group, expected in nso.items():
        assert abs(share[group] - expected) <= 5, (group, share[group])


def test_debt_and_poverty_bands(tenth, ledger_by_kind):
    in_debt = (tenth.households["debt_satang"] > 0).mean()
    assert 0.55 <= in_debt <= 0.70
    rec = _recording_households(tenth, ledger_by_kind)
    per_person_month = rec["annual_baht"] / 12 / rec["members"]
    poor = per_person_month < POVERTY_LINE_2551
    share_people = rec.loc[poor, "members"].sum() / rec["members"].sum()
    assert 0.15 <= share_people <= 0.30


def test_villages_really_differ(tenth, ledger_by_kind):
    rec = _recording_households(tenth, ledger_by_kind)
    median = rec.groupby("village_code")["annual_baht"].median()
    assert median.quantile(0.9) / median.quantile(0.1) > 1.5
    vice = ledger_by_kind[ledger_by_kind["group"] == "vice"]
    vice_by_village = vice.groupby("village_code")["amount_satang"].sum()
    cons = ledger_by_kind[ledger_by_kind["kind"] == "expense"]
    cons_by_village = cons.groupby("village_code")["amount_satang"].sum()
    vice_share = vice_by_village / cons_by_village
    assert vice_share.quantile(0.9) > 2 * vice_share.quantile(0.1)
    health = tenth.health_standard
    rate = health["households_passed"] / health["households_assessed"]
    assert rate.min() < 0.4 and rate.max() > 0.8


def test_people_teams(tenth):
    p = tenth.people
    cores = p[p["role"] == "core"].groupby("unit_code").size()
    assert set(cores.unique()) <= {6, 7, 8} and (cores == 8).mean() > 0.8 and (cores < 8).any()
    fac = p[p["role"] == "tambon_facilitator"]
    per_tambon = fac.groupby("unit_code")["sector"].agg(["size", "nunique"])
    assert (per_tambon["size"] == per_tambon["nunique"]).all()  # one per sector
    assert per_tambon["size"].max() == 9 and (per_tambon["size"] < 9).any()
    assert set(fac["sector"]) == set(params.sectors()["sector"])
    team = p[p["role"] == "district_team"].groupby("unit_code").size()
    assert len(team) == DISTRICTS and team.between(8, 12).all()
    khun_ua = p[p["role"] == "khun_ua"]
    assert (khun_ua[khun_ua["level"] == "tambon"].groupby("unit_code").size() == 2).all()
    assert (khun_ua[khun_ua["level"] == "amphoe"].groupby("unit_code").size() == 1).all()
    assert 0.20 <= p["new_generation"].mean() <= 0.35
    assert (p["gender"] == "female").mean() > 0.35
    linked = p[p["successor_of"].notna()]
    assert len(linked) > 0 and linked["new_generation"].all()
    mentor = p.set_index("person_id").loc[linked["successor_of"]]
    assert (mentor["unit_code"].to_numpy() == linked["unit_code"].to_numpy()).all()
    assert not mentor["new_generation"].any()
    assert ((2551 - p["start_year"]) <= p["age"] - 18).all()


def test_freedom_rounds(tenth):
    crit = tenth.criteria.groupby(["unit_code", "role"]).size()
    assert crit.between(4, 6).all()
    assert set(crit.index.get_level_values("role")) == {
        "core",
        "tambon_facilitator",
        "district_team",
    }
    fr = tenth.freedom
    start = fr[fr["round"] == "start-2551"]
    end = fr[fr["round"] == "end-2551"]
    assert start["date"].between(pd.Timestamp("2007-12-01"), pd.Timestamp("2008-01-31")).all()
    assert start["date"].dt.month.isin([12, 1]).all()
    assert end["date"].dt.to_period("M").eq(pd.Period("2008-09")).all()
    assert end["can_do_now"].notna().all() and end["can_do_now"].str.len().gt(0).all()
    assert (fr["target"] >= fr["score"]).mean() > 0.95
    both = start.merge(end, on=["person_id", "criterion_id"], suffixes=("_start", "_end"))
    change = both["score_end"] - both["score_start"]
    assert (change >= 0).mean() > 0.9 and (change > 0).mean() > 0.5 and (change == 0).any()
    cores = tenth.people.query("role == 'core'")["person_id"]
    assert start["person_id"].isin(cores).sum() / len(cores) > 0  # cores are assessed
    assert start["person_id"].nunique() / len(tenth.people) > 0.8


def test_programme_tables_are_consistent(tenth):
    v = tenth.villages.set_index("village_code")
    hs = tenth.health_standard
    assert (hs["households_passed"] <= hs["households_assessed"]).all()
    share = hs["households_passed"] / hs["households_assessed"]
    assert ((share >= community.HEALTH_PASS_SHARE) == (hs["result"] == "passed")).all()
    assert 0.2 < (hs["result"] == "passed").mean() < 0.9
    cdd = tenth.cdd_standard
    assert (cdd["indicators_passed"] <= cdd["indicators_total"]).all()
    assert (
        (cdd["indicators_passed"] >= community.CDD_PASS_AT) == (cdd["result"] == "passed")
    ).all()
    fg = tenth.finance_groups
    assert set(fg.loc[fg["type"] == "village_fund", "unit_code"]) == set(v.index)
    village_groups = fg[fg["level"] == "village"]
    cap = village_groups["unit_code"].map(v["households"])
    assert (village_groups["member_households"] <= cap).all()
    assert (fg["arrears_satang"] <= fg["loans_outstanding_satang"]).all()
    welfare = fg[fg["type"] == "welfare_fund"]
    assert (welfare["level"] == "tambon").mean() > 0.5 and welfare[
        "welfare_paid_satang"
    ].notna().all()
    ratio = (fg["arrears_satang"] / fg["loans_outstanding_satang"]).dropna()
    assert ratio.min() < 0.03 and ratio.max() > 0.25
    assert fg["integrated"].any() and not fg["integrated"].all()
    items = tenth.plan_items
    per_village = items[items["level"] == "village"].groupby("unit_code").size()
    assert per_village.between(3, 8).all() and len(per_village) == len(v)
    assert set(items["kind"]) == {"self", "mutual", "outside"}
    cats = params.ledger_categories().set_index("category")
    flagged = items["category"].dropna().map(cats["substitutable"] | cats["avoidable"])
    assert flagged.mean() > 0.5  # most category items answer substitutable or avoidable spending
    for name in ("local_plans", "agency_projects"):
        taken = tenth[name]["plan_item_id"]
        assert taken.notna().any() and taken.isna().any(), name
    assert set(tenth.visions.query("level == 'village'")["unit_code"]) == set(v.index)
    centres = tenth.centres
    assert centres["village_code"].str[:6].nunique() == v["tambon_code"].nunique()
    assert centres["registered"].any() and not centres["registered"].all()
    assert (centres["registered_year"].notna() == centres["registered"]).all()
    assert tenth.centre_activities["visitors"].gt(0).all()


def test_spending_below_district_budget(tenth):
    spent = tenth.spending.groupby("amphoe_code")["amount_satang"].sum()
    allowed = tenth.villages.groupby("amphoe_code").size() * budget.PER_VILLAGE_BAHT * 100
    share = spent / allowed.reindex(spent.index)
    assert (share < 1).all() and share.max() - share.min() > 0.15
    sp = tenth.spending
    assert sp["topic"].between(1, 9).all() and sp["topic"].nunique() == 9
    assert sp["date"].between(pd.Timestamp("2007-10-01"), pd.Timestamp("2008-09-30")).all()


def test_progress_bar(capsys):
    demo.generate(0.02, progress=True)
    assert "demo" in capsys.readouterr().err


@pytest.mark.parametrize("scale", [0, -1, float("nan"), float("inf"), "0.1", True])
def test_scale_must_be_a_positive_number(scale):
    with pytest.raises(OkanalysisError) as err:
        demo.generate(scale)
    assert err.value.column == "scale" and err.value.expected_th and err.value.expected_en
    assert "ต้องเป็นตัวเลขมากกว่า 0" in str(err.value) and "must be a number above 0" in str(err.value)


@pytest.mark.parametrize("seed", [-1, 1.5, "7"])
def test_seed_must_be_a_whole_number(seed):
    with pytest.raises(OkanalysisError, match="seed must be a whole number"):
        demo.generate(0.02, seed=seed)


def test_money_is_integer_satang(small):
    for name, table in schema.TABLES.items():
        for f in table.fields:
            if f.kind == schema.MONEY:
                col = small[name][f.column]
                assert col.dtype in (np.dtype("int64"), pd.Int64Dtype()), (name, f.column)
