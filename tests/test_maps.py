"""Potential maps: boundary files joined by Thai names, unmatched names listed, offline figures."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pandas as pd
import pytest

from okanalysis.charts import maps
from okanalysis.contract import hierarchy

BOUNDARIES = Path(
    os.environ.get(
        "OKANALYSIS_BOUNDARIES", Path(__file__).resolve().parents[2] / "shared" / "boundaries"
    )
)


def _boundary(name: str) -> Path:
    path = BOUNDARIES / name
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"boundary test file missing in CI: {path}")
        pytest.skip(f"no boundary test file at {path}")
    return path


def _square(x: float, y: float) -> dict:
    ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _collection(*props: dict) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": _square(99.5 + i * 0.1, 8.3)}
            for i, p in enumerate(props)
        ],
    }


def test_every_district_of_the_real_boundary_file_matches():
    join = maps.join_boundaries(_boundary("nst_amphoe.geojson"))
    assert join.level == "amphoe"
    assert join.unmatched.empty
    assert sorted(join.matched["unit_code"]) == sorted(hierarchy.districts()["amphoe_code"])
    # Mueang's name is cut by the shapefile field length and still matches
    mueang = join.matched[join.matched["unit_code"] == "8001"].iloc[0]
    assert mueang["amphoe_name"] == "เมืองนครศรีธรรมร" and mueang["how"] == "prefix"


def test_every_sub_district_of_the_real_boundary_file_matches_by_its_pair():
    join = maps.join_boundaries(_boundary("nst_tambon.geojson"))
    assert join.level == "tambon"
    assert join.unmatched.empty
    assert sorted(join.matched["unit_code"]) == sorted(hierarchy.tambons()["tambon_code"])
    # ปากแพรก exists in two districts: each shape joins its own district's sub-district
    pak_phraek = join.matched[join.matched["tambon_name"] == "ปากแพรก"]
    assert len(pak_phraek) == 2
    assert pak_phraek["unit_code"].nunique() == 2
    for row in pak_phraek.itertuples():
        assert row.unit_code.startswith(row.amphoe_code)


def test_tolerant_matching_and_what_does_not_match_is_listed():
    data = _collection(
        {"ADM2_TH": "อ.ขนอม", "ADM3_TH": "ต.ท้องเนียน"},  # prefixes
        {"ADM2_TH": "อำเภอขนอม", "ADM3_TH": "ควนทอง"},
        {"ADM2_TH": "", "ADM2_EN": "Cha-Uat", "ADM3_TH": "ชะอวด"},  # English, other spelling
        {"ADM2_TH": "ขนอม", "ADM3_TH": "บ้านไม่มีจริง"},  # no such sub-district
        {"ADM2_TH": "อำเภอสมมุติ", "ADM3_TH": "ท้องเนียน"},  # no such district
    )
    join = maps.join_boundaries(data)
    tambons = hierarchy.tambons().set_index("tambon_code")
    codes = join.codes()
    assert tambons.at[codes[0], "tambon_th"] == "ท้องเนียน" and codes[0].startswith("8015")
    assert tambons.at[codes[1], "tambon_th"] == "ควนทอง" and codes[1].startswith("8015")
    assert tambons.at[codes[2], "tambon_th"] == "ชะอวด" and codes[2].startswith("8007")
    assert join.matched.loc[2, "how"] == "english"
    assert codes[3] is None and codes[4] is None
    assert list(join.unmatched["feature"]) == [3, 4]
    assert list(join.unmatched["reason_en"]) == [
        "no such sub-district in the district",
        "no such district in the province",
    ]


def test_match_name_refuses_an_ambiguous_prefix():
    candidates = {maps.normalise(n): c for c, n in [("1", "บางขัน"), ("2", "บางขนุน")]}
    assert maps.match_name("บางข", candidates) == (None, None)
    assert maps.match_name("บางขัน", candidates) == ("1", "exact")


def _rollup_rows() -> pd.DataFrame:
    t = hierarchy.tambons()
    khanom = t[t["amphoe_code"] == "8015"].reset_index(drop=True)
    return pd.DataFrame(
        {
            "unit_code": khanom["tambon_code"],
            "level": "tambon",
            "parent_code": "8015",
            "name_th": khanom["tambon_th"],
            "name_en": khanom["tambon_en"],
            "coverage": [0.5, None, 0.25][: len(khanom)],
            "households_recording": [10, 0, 4][: len(khanom)],
        }
    )


def test_choropleth_draws_each_unit_offline_and_names_units_without_a_shape():
    rows = _rollup_rows()
    data = _collection(
        {"ADM2_TH": "ขนอม", "ADM3_TH": rows.at[0, "name_th"]},
        {"ADM2_TH": "ขนอม", "ADM3_TH": rows.at[1, "name_th"]},
    )
    fig, missing = maps.potential_map(rows, "coverage", boundaries=maps.join_boundaries(data))
    shapes = [t for t in fig.data if t.fill == "toself"]
    assert len(shapes) == 2
    # nothing that needs the internet: no geo or tile subplots, plain shapes on plain axes
    assert {t.type for t in fig.data} == {"scatter"}
    layout = fig.to_plotly_json()["layout"]
    assert not {"geo", "mapbox", "map"} & set(layout)
    # the unit without a value is grey and says so
    assert shapes[1].fillcolor == maps.NO_DATA_COLOUR
    assert "ไม่มีข้อมูล" in shapes[1].text
    assert "50.0%" in shapes[0].text
    # the sub-district with no shape in the file is listed by name
    assert list(missing["name"]) == [f"{rows.at[2, 'name_th']} ({rows.at[2, 'unit_code']})"]


def test_without_a_boundary_file_the_map_is_a_treemap():
    rows = _rollup_rows()
    fig, missing = maps.potential_map(rows, "coverage")
    assert fig.data[0].type == "treemap"
    assert missing.empty


def test_a_broken_boundary_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "b.geojson"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(maps.InputError, match="GeoJSON"):
        maps.join_boundaries(bad)
    with pytest.raises(maps.InputError, match="not found"):
        maps.join_boundaries(tmp_path / "missing.geojson")


def test_a_repeated_shape_is_listed_not_drawn_twice():
    data = _collection({"ADM2_TH": "ขนอม"}, {"ADM2_TH": "ขนอม"})
    join = maps.join_boundaries(copy.deepcopy(data))
    assert join.codes() == ["8015", None]
    assert "8015" in join.unmatched.iloc[0]["reason_en"]
