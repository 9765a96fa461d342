"""The batch: reports for several districts in parallel, an index, the province summary; a broken
district fails alone; unchanged reports are skipped; a threshold edit reruns what it touches."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import okanalysis
from okanalysis import batch, potential
from okanalysis.cli import main
from okanalysis.core import params, thai
from okanalysis.demo import synthetic as demo
from okanalysis.loading import io

GOOD = ["8015", "8001", "8007"]
BROKEN = "8002"  # every village of this district has an impossible household count


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """A small demo province (scale 0.02) as Parquet whose district 8002 cannot be read."""
    root = tmp_path_factory.mktemp("batch")
    data = root / "demo"
    io.write_dataset(demo.generate(scale=0.02, seed=2551), data, "parquet", note="test")
    villages = pd.read_parquet(data / "villages.parquet")
    villages.loc[villages["amphoe_code"] == BROKEN, "households"] = -1
    villages.to_parquet(data / "villages.parquet", index=False)
    return {"root": root, "data": data}


@pytest.fixture
def env(province, tmp_path, monkeypatch):
    """A copy of the parameters, an empty circle store path and a cache, for this test only."""
    parameters = tmp_path / "parameters"
    shutil.copytree(params.parameters_dir(), parameters)
    monkeypatch.setenv("OKANALYSIS_PARAMETERS", str(parameters))
    monkeypatch.setenv("OKANALYSIS_CIRCLES", str(tmp_path / "circles.sqlite"))
    monkeypatch.setenv("OKANALYSIS_CACHE", str(tmp_path / "cache"))
    return {"parameters": parameters, "out": tmp_path / "reports", **province}


def test_three_districts_an_index_and_the_summary_and_a_broken_district_fails_alone(env, capsys):
    out = env["out"]
    code = main(
        ["--quiet", "batch", "--data", str(env["data"]), "--districts", ",".join([*GOOD, BROKEN]),
         "--jobs", "2", "--out", str(out)]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code != 0
    assert BROKEN in printed and "พรหมคีรี" in printed  # the failing district, named
    for district in GOOD:
        assert (out / f"amphoe-{district}.ipynb").is_file()
        assert (out / f"amphoe-{district}.html").is_file()
    assert (out / "province_summary.html").is_file() and (out / "index.html").is_file()
    assert (out / "plotly.min.js").is_file()  # one shared copy for every report
    # the broken district: its executed notebook kept with the error, no page, marked in the index
    failed = out / f"amphoe-{BROKEN}.ipynb"
    assert failed.is_file() and "OkanalysisError" in failed.read_text(encoding="utf-8")
    assert not (out / f"amphoe-{BROKEN}.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    row = re.search(rf"<tr>(?:(?!</tr>).)*\({BROKEN}\)(?:(?!</tr>).)*</tr>", index).group(0)
    assert "สร้างไม่สำเร็จ" in row and f"amphoe-{BROKEN}.ipynb" in row
    # every district is listed, in Thai, with the library's headline figures and its link
    assert index.count("<tr>") == 24 and "ขนอม (8015)" in index
    ds = okanalysis.load(env["data"])
    district = potential.rollup(ds, "amphoe").set_index("unit_code").loc["8015"]
    assert thai.format_baht(district["substitutable_annual_satang"]) in index
    assert thai.format_percent(district["coverage"], 1) in index
    assert 'href="amphoe-8015.html"' in index and 'href="province_summary.html"' in index
    assert (out / "index.html").stat().st_size < 100_000
    total = sum(f.stat().st_size for f in out.iterdir())
    assert total < 40_000_000


def _affected_edit(data: Path, parameters: Path, districts: list[str]) -> tuple[str, str, str]:
    """A new threshold for the top level's poverty-ratio rule that moves households of exactly
    one of `districts` (found with the library), with the old and new rule lines."""
    pp = potential.read_parameters(parameters / "potential.yaml")
    top = pp.levels[0]
    rule = next(r for r in top.rules if r.measure == "poverty_ratio")
    assessed = potential.assess_households(okanalysis.load(data), pp)
    assessed = assessed[assessed["fiscal_year"] == assessed["fiscal_year"].max()]
    assessed["amphoe_code"] = assessed["village_code"].str.slice(0, 4)
    lowest = (
        assessed[(assessed["level"] == top.code) & assessed["amphoe_code"].isin(districts)]
        .groupby("amphoe_code")["poverty_ratio"]
        .min()
        .sort_values()
    )
    assert len(lowest) >= 1, "the demo has households on the top level"
    first = lowest.iloc[0]
    second = lowest.iloc[1] if len(lowest) > 1 and lowest.iloc[1] > first else first + 0.5
    value = round((first + second) / 2, 6)
    old = f'{{measure: poverty_ratio, op: ">=", value: {rule.value:g}}}'
    new = f'{{measure: poverty_ratio, op: ">=", value: {value}}}'
    return lowest.index[0], old, new


def test_unchanged_reports_are_skipped_and_a_threshold_edit_reruns_only_what_it_touches(env):
    logged: list[str] = []
    districts = GOOD[:2]
    run = dict(districts=districts, jobs=2, out=env["out"], log=logged.append)
    first = batch.run(env["data"], **run)
    assert first.ok and sorted(first.written) == sorted([*districts, "province"])

    again = batch.run(env["data"], **run)
    assert again.written == [] and sorted(again.skipped) == sorted([*districts, "province"])
    assert any("ข้าม" in line and "--force" in line for line in logged)  # it says so

    touched, old, new = _affected_edit(env["data"], env["parameters"], districts)
    yaml_file = env["parameters"] / "potential.yaml"
    text = yaml_file.read_text(encoding="utf-8")
    assert old in text
    yaml_file.write_text(text.replace(old, new), encoding="utf-8")
    edited = batch.run(env["data"], **run)
    assert edited.ok
    assert sorted(edited.written) == sorted([touched, "province"])
    assert sorted(edited.skipped) == sorted(d for d in districts if d != touched)

    forced = batch.run(env["data"], force=True, **{**run, "districts": []})  # the summary only
    assert forced.written == ["province"] and forced.skipped == []


def test_describe_names_what_failed():
    result = batch.BatchResult(
        Path("reports"),
        Path("reports/index.html"),
        results=None,  # type: ignore[arg-type]
        written=["8001"],
        failed={"8002": "OkanalysisError: ไม่มีข้อมูลหมู่บ้าน\nmore"},
    )
    text = batch.describe(result)
    assert "8002 พรหมคีรี: OkanalysisError: ไม่มีข้อมูลหมู่บ้าน" in text
    assert "reports/index.html" in text


def test_a_fault_in_an_analysis_fails_the_reports_that_show_it(env, monkeypatch):
    import okanalysis.finance

    def broken(*args, **kwargs):
        raise RuntimeError("finance summary broke")

    monkeypatch.setattr(okanalysis.finance, "summary", broken)
    result = batch.run(env["data"], districts=["8015"], out=env["out"], jobs=1)
    assert "8015" in result.failed and "finance" in result.failed["8015"]
    assert "province" in result.failed  # the summary shows finance too
    assert not (env["out"] / "amphoe-8015.html").exists()
    index = (env["out"] / "index.html").read_text(encoding="utf-8")
    assert "สร้างไม่สำเร็จ" in index


def test_a_year_or_round_the_inputs_do_not_hold_is_refused_before_anything_is_written(env, capsys):
    out = env["out"]
    with pytest.raises(okanalysis.OkanalysisError) as err:
        batch.run(env["data"], districts=["8015"], out=out, fiscal_year=2600)
    assert "2551" in str(err.value) and "2600" in str(err.value)  # the years it holds, named
    assert not out.exists()
    code = main(
        ["--quiet", "batch", "--data", str(env["data"]), "--year", "2600", "--out", str(out)]
    )
    printed = capsys.readouterr()
    assert code == 2 and "2551" in printed.out + printed.err and not out.exists()
    with pytest.raises(okanalysis.OkanalysisError) as err:
        batch.run(env["data"], districts=["8015"], out=out, assessment_round="ปลายปี 2600")
    assert "ปลายปี 2600" in str(err.value) and not out.exists()
