"""The results store: built once, partitioned by district, read in parts, reused while the
inputs are unchanged, and loud about faults."""

from __future__ import annotations

import shutil

import pytest

import okanalysis
from okanalysis import potential, results
from okanalysis.core.errors import NothingToShow, OkanalysisError

DISTRICT = "8015"


@pytest.fixture(scope="module")
def built(tmp_path_factory, demo_parquet):
    root = tmp_path_factory.mktemp("results")
    data = demo_parquet
    return {"data": data, "root": root, "results": results.build(data, out=root / "cache")}


def test_every_table_is_written_partitioned_by_province_and_district(built):
    r = built["results"]
    assert set(r.tables) == set(results.TABLE_NAMES)
    assert (r.path / "manifest.json").is_file()
    assert (r.path / results.ROLLUP / "province=80" / f"amphoe={DISTRICT}").is_dir()
    # the rows of no district (the province's) sit at province=80/ only
    assert (r.path / results.BUDGET_AGENCIES / "province=80" / "part-0.parquet").is_file()
    assert not list((r.path / results.BUDGET_AGENCIES).rglob("amphoe=*"))
    assert r.districts and DISTRICT in r.districts and r.province == "80"


def test_a_district_reads_only_its_own_partitions(built, tmp_path):
    r = built["results"]
    expected = r.table(results.ROLLUP, amphoe=DISTRICT)
    assert len(expected) and expected["unit_code"].str.startswith(DISTRICT).all()
    copy = tmp_path / "copy"
    shutil.copytree(r.path, copy)
    for part in copy.rglob("amphoe=*"):
        if part.name != f"amphoe={DISTRICT}":
            shutil.rmtree(part)
    alone = results.open(copy).table(results.ROLLUP, amphoe=DISTRICT)
    assert alone.equals(expected)


def test_tables_match_the_library_and_columns_and_villages_are_read_in_parts(built):
    r = built["results"]
    ds = okanalysis.load(built["data"])
    year = r.fiscal_year
    lib = potential.rollup(ds, "amphoe", year=year, shareable=True).set_index("unit_code")
    got = r.table(results.ROLLUP, amphoe=DISTRICT, level="amphoe").set_index("unit_code")
    for column in ("households", "households_recording", "substitutable_annual_satang"):
        assert got.loc[DISTRICT, column] == lib.loc[DISTRICT, column]
    two = r.table(results.ROLLUP, columns=["unit_code", "level"])
    assert list(two.columns) == ["unit_code", "level"]
    village = r.table(results.UNITS, amphoe=DISTRICT)["village_code"].iloc[0]
    rows = r.table(results.HOUSEHOLDS, village=village)
    assert len(rows) and (rows["village_code"] == village).all()


def test_unknown_tables_and_columns_are_refused_by_name(built):
    r = built["results"]
    with pytest.raises(OkanalysisError, match="no result table"):
        r.table("rollupp")
    with pytest.raises(OkanalysisError, match="no such column"):
        r.table(results.ROLLUP, columns=["unit_code", "no_such_column"])


def test_unchanged_inputs_reuse_the_folder_and_a_results_folder_opens_as_itself(built):
    again = results.build(built["data"], out=built["root"] / "cache")
    assert again.reused and again.path == built["results"].path
    assert results.build(built["results"].path).path == built["results"].path
    with pytest.raises(okanalysis.InputError):
        results.open(built["data"])


def test_nothing_to_show_is_kept_with_its_reason_and_a_fault_is_loud(built, monkeypatch, tmp_path):
    import okanalysis.finance
    import okanalysis.people

    def no_rounds(*args, **kwargs):
        raise NothingToShow("ต้องมี 2 รอบ", "two rounds are needed")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(okanalysis.people, "freedom_progress", no_rounds)
    monkeypatch.setattr(okanalysis.finance, "summary", broken)
    r = results.build(built["data"], out=tmp_path / "cache")
    with pytest.raises(NothingToShow, match="two rounds"):
        r.table(results.FREEDOM, amphoe=DISTRICT)
    with pytest.raises(results.ResultFault, match="boom"):
        r.table(results.FINANCE, amphoe=DISTRICT)
    assert results.FINANCE in r.manifest["faults"]  # and the grades that draw on it
    assert results.ROLLUP not in r.manifest["faults"]
    monkeypatch.undo()
    fixed = results.build(built["data"], out=tmp_path / "cache")  # a faulty folder is not reused
    assert not fixed.reused and len(fixed.table(results.FINANCE, amphoe=DISTRICT))


def test_a_fiscal_year_the_data_does_not_hold_is_refused_naming_those_it_holds(built, tmp_path):
    with pytest.raises(OkanalysisError) as err:
        results.build(built["data"], out=tmp_path / "cache", fiscal_year=2600)
    assert "2551" in str(err.value) and not (tmp_path / "cache").exists()
