"""Any province (issue 13): the demo on another province's real hierarchy, several provinces
partitioned by province, loading one of them, reports for another province without the lead
agencies, and the demo's realism bands for provinces of other regions."""

from __future__ import annotations

import hashlib
import re
import shutil

import geothai
import numpy as np
import pandas as pd
import pytest

import okanalysis
from okanalysis import budget
from okanalysis.cli import main
from okanalysis.contract import hierarchy, schema
from okanalysis.core import params
from okanalysis.core.errors import InputError, NothingToShow, OkanalysisError
from okanalysis.demo import province as demo_province
from okanalysis.demo import synthetic as demo
from okanalysis.loading import io
from okanalysis.report import batch

POVERTY_LINE_2551 = 2170  # official poverty line, baht per person per month, 2008
#: The kingdom's NSO 2007 consumption shares (%): the band for every province (no regional ones).
NSO_2007 = {
    "food": 33.0,
    "housing": 20.1,
    "transport": 18.2,
    "personal": 5.6,
    "communication": 3.4,
    "recreation": 2.5,
    "education": 2.1,
}
#: The demo of province 80 at scale 0.02, seed 2551, as it was before any province could be
#: generated (a digest of every table's `pd.util.hash_pandas_object`).
DEMO_80_DIGEST = "a223e9aa3c9a22b28e075e5bb5a96d787f80ec5a39c1d48c8830651c8b9c548c"


def _digest(ds) -> str:
    h = hashlib.sha256()
    for name in schema.TABLE_ORDER:
        frame = ds.tables[name]
        h.update(name.encode())
        h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        h.update(repr([(c, str(t)) for c, t in frame.dtypes.items()]).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def krabi():
    return demo.generate(0.05, province="81")


# --- the hierarchy of any province ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["81", 81, "๘๑", " 81 "])
def test_a_province_code_is_read_however_it_is_typed(typed):
    assert hierarchy.check_province(typed) == "81"
    assert hierarchy.province(typed)["province_en"] == "Krabi"


@pytest.mark.parametrize("bad", ["99", "8", "Krabi", "", None, "810", "00"])
def test_a_bad_province_code_gets_the_bilingual_error(bad):
    with pytest.raises(OkanalysisError) as err:
        hierarchy.check_province(bad)
    assert "รหัสจังหวัด" in err.value.expected_th and "province code" in err.value.expected_en
    assert err.value.column == "province"
    with pytest.raises(OkanalysisError):
        demo.generate(0.02, province=bad)


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--province", "99"],
        ["demo", "--provinces", "80,99"],
        ["demo", "--provinces", ","],
        ["demo", "--province", "81", "--provinces", "80"],
        ["demo", "--provinces", "80,81", "--format", "csv"],  # several: Parquet only
        ["batch", "--province", "99"],
    ],
)
def test_a_bad_province_on_the_command_line_gets_the_bilingual_error(argv, tmp_path, capsys):
    assert main(["--quiet", *argv, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "ข้อผิดพลาด / error" in err and " / " in err.splitlines()[-1]
    assert not (tmp_path / "out").exists()


def test_the_province_of_a_villages_table():
    assert hierarchy.province_of(None) == "80"
    assert hierarchy.province_of(pd.DataFrame({"amphoe_code": ["8101", "8102", "8001"]})) == "81"
    assert demo.provinces("all") == sorted(p.code for p in geothai.provinces())
    assert demo.provinces("81,๘๐,81") == ["81", "80"]


# --- the demo --------------------------------------------------------------------------------------


def test_province_80_is_todays_demo():
    today = demo.generate(0.02)
    assert today.province == "80"
    assert _digest(today) == DEMO_80_DIGEST
    assert _digest(demo.generate(0.02, province="80")) == DEMO_80_DIGEST


def test_another_province_is_on_its_real_hierarchy_and_deterministic(krabi):
    real = {
        s.code: s.district_code
        for d in geothai.districts("81")
        for s in geothai.subdistricts(d.code)
    }
    v = krabi.villages
    assert krabi.province == "81" and len(v) == round(
        0.05 * demo_province.villages_at_scale_1("81")
    )
    assert v["tambon_code"].map(real).eq(v["amphoe_code"]).all()
    assert set(v["amphoe_code"]) == {d.code for d in geothai.districts("81")}  # every district
    assert (v["village_code"].str[:6] == v["tambon_code"]).all()
    assert set(krabi.zones["tambon_code"]) == set(v["tambon_code"])
    province_people = krabi.people[krabi.people["level"] == "province"]
    assert set(province_people["unit_code"]) == {"81"}
    assert not krabi.people["position"].str.contains("นครศรีธรรมราช").any()
    again = demo.generate(0.05, province="81")
    for name in schema.TABLE_ORDER:
        pd.testing.assert_frame_equal(krabi.tables[name], again.tables[name])
    other_seed = demo.generate(0.05, seed=7, province="81")
    assert not krabi.households.equals(other_seed.households)
    # the same seed in another province draws other numbers
    nakhon = demo.generate(0.05)
    assert not np.array_equal(
        krabi.households["members"].to_numpy()[:200], nakhon.households["members"].to_numpy()[:200]
    )


def test_the_scale_is_the_density_of_villages_per_sub_district():
    assert demo_province.villages_at_scale_1("80") == 1550
    krabi = len(hierarchy.tambons("81"))
    assert demo_province.villages_at_scale_1("81") == round(1550 * krabi / 170)
    assert demo_province.villages_at_scale_1("30") > 2 * demo_province.villages_at_scale_1("81")


def test_province_81_demo_validates_with_no_rejects(tmp_path, capsys):
    out = tmp_path / "krabi"
    assert main(["--quiet", "demo", "--province", "81", "--scale", "0.05", "--out", str(out)]) == 0
    assert "validated: no problems" in capsys.readouterr().out
    assert (out / "villages.csv").is_file()  # one province: the flat folder of today
    ds = okanalysis.load(out)
    assert ds.ok and ds.province == "81" and len(ds.villages) > 0
    assert ds.villages["amphoe_code"].str.startswith("81").all()
    # the same files checked as Nakhon Si Thammarat's: every village is refused, named
    wrong = okanalysis.load(out, province="80")
    assert not wrong.ok and len(wrong.villages) == 0
    assert "Nakhon Si Thammarat" in " ".join(wrong.problems["expected_en"].unique())


# --- several provinces ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def several(tmp_path_factory):
    out = tmp_path_factory.mktemp("provinces") / "demo"
    code = main(["--quiet", "demo", "--provinces", "80,81", "--scale", "0.02", "--out", str(out)])
    assert code == 0
    return out


def test_several_provinces_are_partitioned_by_province(several):
    assert io.provinces_in(several) == ["80", "81"]
    for table in schema.TABLE_ORDER:
        for code in ("80", "81"):
            assert (several / table / f"province={code}" / "part-0.parquet").is_file()
    assert not list(several.glob("*.parquet")) and not list(several.glob("*.csv"))
    ledger = pd.read_parquet(several / "ledger", columns=["household_id", "province"])
    assert set(ledger["province"].astype(str)) == {"80", "81"}  # readable as a hive dataset


def test_loading_one_province_of_several(several):
    krabi = okanalysis.load(several, province="81")
    assert krabi.ok and krabi.province == "81"
    assert krabi.villages["amphoe_code"].str.startswith("81").all()
    assert krabi.households["village_code"].str.startswith("81").all()
    assert len(krabi.villages) == len(demo.generate(0.02, province="81").villages)
    # validated when written: the province's files are trusted while unchanged
    assert io.trusted_files(several, _fingerprint(), "81")
    # Nakhon Si Thammarat is the default, and is today's demo exactly
    nakhon = okanalysis.load(several)
    assert nakhon.province == "80" and _digest(nakhon) == DEMO_80_DIGEST


def test_a_province_the_folder_does_not_hold_is_refused_naming_those_it_holds(several, tmp_path):
    with pytest.raises(InputError) as err:
        okanalysis.load(several, province="82")
    assert "80, 81" in str(err.value) and "82" in str(err.value)
    # without Nakhon Si Thammarat, a folder of several needs province=
    copy = tmp_path / "copy"
    shutil.copytree(several, copy)
    for table in schema.TABLE_ORDER:
        shutil.rmtree(copy / table / "province=80")
    assert okanalysis.load(copy).province == "81"  # its only province
    shutil.copytree(copy / "villages" / "province=81", copy / "villages" / "province=82")
    with pytest.raises(InputError, match="province="):
        okanalysis.load(copy)


def _fingerprint() -> str:
    from okanalysis.contract.fingerprint import contract_fingerprint

    return contract_fingerprint()


# --- the lead agencies are Nakhon Si Thammarat's ------------------------------------------------


def test_another_province_has_a_budget_but_no_lead_agency(krabi):
    allocation = budget.allocate(krabi)
    assert set(allocation["amphoe_code"]) == {d.code for d in geothai.districts("81")}
    assert allocation["agency"].isna().all()
    assert (allocation["budget_satang"] == allocation["villages"] * 1_200_000).all()
    assert budget.allocate(krabi, by="province")["province_code"].tolist() == ["81"]
    for call in (
        lambda: budget.allocate(krabi, by="agency"),
        lambda: budget.spending_by_topic(krabi, by="agency"),
        lambda: budget.lead_agencies(province="81"),
    ):
        with pytest.raises(NothingToShow) as err:
            call()
        assert "no lead-agency file for this province" in err.value.expected_en
        assert "ไม่มีไฟล์หน่วยงานหลัก" in err.value.expected_th
    assert len(budget.lead_agencies()) == 23  # Nakhon Si Thammarat keeps its seven agencies


def test_batch_for_another_province_writes_its_own_folder_with_the_agency_notice(
    several, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("OKANALYSIS_PARAMETERS", str(params.parameters_dir()))
    monkeypatch.setenv("OKANALYSIS_CIRCLES", str(tmp_path / "circles.sqlite"))
    monkeypatch.setenv("OKANALYSIS_CACHE", str(tmp_path / "cache"))
    reports = tmp_path / "reports"
    argv = ["--quiet", "batch", "--data", str(several), "--province", "81", "--districts", "8101"]
    assert main([*argv, "--jobs", "1", "--out", str(reports)]) == 0
    out = reports / "province-81"
    assert "province-81" in capsys.readouterr().out
    assert not list(reports.glob("*.html"))  # Nakhon Si Thammarat's folder is left alone
    for name in ("amphoe-8101.html", "province_summary.html", "index.html"):
        assert (out / name).is_file()
    summary = (out / "province_summary.html").read_text(encoding="utf-8")
    assert "สรุปภาพรวมจังหวัดกระบี่" in summary
    assert "ไม่มีไฟล์หน่วยงานหลักของจังหวัดกระบี่" in summary
    assert "Nothing to show here yet: no lead-agency file for this province" in summary
    district = (out / "amphoe-8101.html").read_text(encoding="utf-8")
    assert "รายงานอำเภอเมืองกระบี่" in district and "จังหวัดกระบี่" in district
    assert "no lead-agency file for this province" in district
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "จังหวัดกระบี่" in index and "(8101)" in index and index.count("<tr>") == 9
    assert "หน่วยงานหลัก" not in re.sub(r"<td.*?</td>", "", index)  # no lead-agency column
    # a district of another province is refused before anything is built
    with pytest.raises(OkanalysisError, match="Krabi"):
        batch.run(several, province="81", districts=["8015"], out=reports)


# --- realism: the foundation's bands hold in every province ----------------------------------------


@pytest.mark.parametrize("code", ["81", "40"])  # Krabi (south), Khon Kaen (north-east)
def test_the_realism_bands_hold_in_other_provinces(code):
    ds = demo.generate(0.05, province=code)
    cats = params.ledger_categories().set_index("category")
    led = ds.ledger
    kind = led["category"].map(cats["kind"]).astype(str)
    group = led["category"].map(cats["group"]).astype(str)
    hh = ds.households
    v = ds.villages
    # villages and households
    assert v["households"].between(80, 300).all()
    recording = hh.groupby("village_code")["keeps_accounts"].sum()
    assert recording.between(15, 45).all() and 26 <= recording.mean() <= 34
    # consumption shares near the kingdom's NSO 2007 figures
    groups = params.ledger_groups()
    consumption = set(groups.loc[groups["consumption"], "group"])
    spend = led[group.isin(consumption)]
    share = spend.groupby(group[group.isin(consumption)])["amount_satang"].sum()
    share = share / spend["amount_satang"].sum() * 100
    for name, expected in NSO_2007.items():
        assert abs(share[name] - expected) <= 5, (code, name, share[name])
    # debt (63.3% of households in the kingdom) and poverty (20.5% of people in 2008)
    assert 0.55 <= (hh["debt_satang"] > 0).mean() <= 0.70
    income = led[kind == "income"].groupby("household_id")["amount_satang"].sum()
    dates = led.groupby("household_id")["date"].agg(["min", "max"])
    span = (dates["max"] - dates["min"]).dt.days + 1
    rec = hh[hh["keeps_accounts"]].set_index("household_id")
    annual = income.reindex(rec.index).fillna(0) / 100 * 366 / span.reindex(rec.index)
    poor = annual / 12 / rec["members"] < POVERTY_LINE_2551
    assert 0.15 <= rec.loc[poor, "members"].sum() / rec["members"].sum() <= 0.30
    # fishing only in the districts with a coast (none in an inland province)
    coastal = set(demo_province.coastal_districts(code))
    fishing = hh[hh["main_income"] == "fishing"]
    assert set(fishing["village_code"].str[:4]) <= coastal
    assert (len(coastal) > 0) == (code in demo_province.COASTAL_PROVINCES)


def test_the_dashboards_serve_one_province_of_several(several, tmp_path, monkeypatch):
    """`okanalysis dashboard --data FOLDER --province 81`: the results of Krabi are built (or
    reused) for the kernels; results of another province are refused by name."""
    from okanalysis.core import paths
    from okanalysis.dashboard import server
    from okanalysis.dashboard.source import results_path
    from okanalysis.results.store import open as open_results

    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    krabi = results_path(several, province="81")
    assert open_results(krabi).province == "81"
    assert results_path(krabi, province="๘๑") == krabi
    with pytest.raises(OkanalysisError) as err:
        results_path(krabi, province="80")
    assert err.value.value == "80" and "81" in err.value.expected_en
    s = server.settings(several, province="81", store=tmp_path / "circles.sqlite")
    assert server.with_results(s).results == krabi
