"""The leader database, its gaps, succession and the freedom table, on hand-built people."""

from __future__ import annotations

import pandas as pd
import pytest

from okanalysis import Dataset, people
from okanalysis.contract import schema
from okanalysis.core import params
from okanalysis.core.errors import OkanalysisError


def person(pid, unit, role, *, sector=None, gender="male", age=40, successor_of=None, new=False):
    level = {8: "village", 6: "tambon", 4: "amphoe", 2: "province"}[len(unit)]
    return {
        "person_id": pid, "level": level, "unit_code": unit, "role": role, "sector": sector,
        "gender": gender, "age": age, "start_year": 2550, "new_generation": new,
        "successor_of": successor_of,
    }  # fmt: skip


# village 80010101 has 8 cores: 6 incumbents (p1..p6) and two young successors (s1, s2);
# 80010102 has only 6 cores, 80010201 has 8. Sub-district 800101 has all nine sectors,
# 800102 (ท่าวัง) lacks "academic". District 8001 has a team of 3 and 2 khun ua.
AGES = {"p1": 45, "p2": 52, "p3": 38, "p4": 61, "p5": 47, "p6": 33}
GENDERS = {"p1": "female", "p2": "female", "p3": "female"}


def leaders() -> list[dict]:
    rows = [
        person(p, "80010101", "core", gender=GENDERS.get(p, "male"), age=a) for p, a in AGES.items()
    ]
    rows.append(
        person("s1", "80010101", "core", gender="female", age=25, successor_of="p1", new=True)
    )
    rows.append(person("s2", "80010101", "core", age=28, successor_of="p2", new=True))
    rows += [person(f"c2{i}", "80010102", "core") for i in range(6)]
    rows += [person(f"c3{i}", "80010201", "core") for i in range(8)]
    sectors = list(params.sectors()["sector"])
    assert len(sectors) == 9
    rows += [person(f"f1{s}", "800101", "tambon_facilitator", sector=s) for s in sectors]
    rows += [person(f"f2{s}", "800102", "tambon_facilitator", sector=s) for s in sectors[:-1]]
    rows += [person(f"d{i}", "8001", "district_team") for i in range(3)]
    rows += [person(f"u{i}", "8001", "khun_ua") for i in range(2)]
    return rows


def villages() -> pd.DataFrame:
    return schema.typed_frame(
        "villages",
        [
            {"village_code": v, "tambon_code": v[:6], "amphoe_code": v[:4],
             "village_no": int(v[6:]), "name_th": f"บ้าน {v}", "households": 100,
             "population": 400}
            for v in ("80010101", "80010102", "80010201")
        ],
    )  # fmt: skip


# the freedom table: (score, target) at the start and the score at the end, per criterion
C1 = {"p1": (2, 4, 4), "p2": (3, 4, 3), "p3": (1, 3, 3), "p4": (4, 5, 3), "p5": (2, 3, 2),
      "p6": (3, 3, 4)}  # fmt: skip
C2 = {"p1": (1, 2, 2), "p2": (2, 3, 2), "p3": (3, 3, 3), "p4": (2, 4, None)}


def freedom_rows() -> list[dict]:
    rows = []
    for criterion, marks in (("c1", C1), ("c2", C2)):
        for pid, (score, target, end) in marks.items():
            rows.append({"person_id": pid, "criterion_id": criterion, "round": "start-2551",
                         "date": "2008-01-15", "score": score, "target": target})  # fmt: skip
            if end is not None:
                rows.append({"person_id": pid, "criterion_id": criterion, "round": "end-2551",
                             "date": "2008-09-20", "score": end, "target": 5,
                             "can_do_now": "สอนเพื่อนทำบัญชีได้"})  # fmt: skip
    # a later follow-up round must not replace the September 2551 round as the default end
    rows.append({"person_id": "p1", "criterion_id": "c1", "round": "follow-2552",
                 "date": "2009-03-01", "score": 5, "target": 5})  # fmt: skip
    return rows


@pytest.fixture
def ds() -> Dataset:
    criteria = [
        {"criterion_id": c, "level": "village", "unit_code": "80010101", "role": "core",
         "name_th": th, "name_en": en}
        for c, th, en in (("c1", "ทำบัญชีเป็นตัวอย่าง", "keeps accounts as an example"),
                          ("c2", "จัดวงเรียนรู้ได้", "runs a learning circle"))
    ]  # fmt: skip
    return Dataset(
        tables={
            "villages": villages(),
            "people": schema.typed_frame("people", leaders()),
            "zones": schema.typed_frame(
                "zones", [{"zone_id": "Z1", "name_th": "โซนเหนือ", "tambon_code": "800101"}]
            ),
            "criteria": schema.typed_frame("criteria", criteria),
            "freedom": schema.typed_frame("freedom", freedom_rows()),
        }
    )


def row(frame: pd.DataFrame, **match) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in match.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, match
    return frame[mask].iloc[0]


def test_a_village_with_six_cores_shows_a_gap_of_two(ds):
    village = people.gaps(ds, level="village")
    assert row(village, unit_code="80010102")["cores"] == 6
    assert row(village, unit_code="80010102")["cores_missing"] == 2
    assert row(village, unit_code="80010101")["cores"] == 8  # successors are cores too
    assert row(village, unit_code="80010101")["cores_missing"] == 0
    assert row(village, unit_code="80010101")["unit_th"] == "บ้าน 80010101"
    assert row(village, unit_code="80010101")["zone_id"] == "Z1"
    # facilitators do not apply to a village: missing, not zero
    assert pd.isna(row(village, unit_code="80010101")["tambon_facilitators"])


def test_gaps_are_counted_per_sub_district_and_district(ds):
    tambon = people.gaps(ds, level="tambon")
    nai_mueang = row(tambon, unit_code="800101")
    assert nai_mueang["unit_th"] == "ในเมือง"
    assert (nai_mueang["villages"], nai_mueang["cores"], nai_mueang["cores_missing"]) == (2, 14, 2)
    assert nai_mueang["villages_short_of_cores"] == 1
    assert (nai_mueang["tambon_facilitators"], nai_mueang["sectors_missing"]) == (9, 0)
    tha_wang = row(tambon, unit_code="800102")
    assert (tha_wang["tambon_facilitators"], tha_wang["sectors_missing"]) == (8, 1)
    district = row(people.gaps(ds, level="amphoe"), unit_code="8001")
    for column in ("villages", "cores", "cores_missing", "sectors_missing", "tambon_facilitators"):
        assert district[column] == tambon[column].sum(), column
    assert district["tambons_missing_sector"] == 1
    assert (district["district_team"], district["khun_ua"]) == (3, 2)
    assert district["people"] == len(ds.people)


def test_a_sub_district_missing_a_sector_is_named(ds):
    missing = people.missing_sectors(ds)
    assert len(missing) == 1
    gap = missing.iloc[0]
    assert (gap["tambon_code"], gap["tambon_th"], gap["sector"]) == ("800102", "ท่าวัง", "academic")
    assert gap["sector_th"] == "สถาบันการศึกษาและภาควิชาการ"


def test_roles_without_a_successor(ds):
    village = row(people.gaps(ds, level="village"), unit_code="80010101")
    counts = village[["incumbents", "with_successor", "without_successor"]].tolist()
    assert counts == [6, 2, 4]
    listed = people.without_successor(ds)
    assert {"p3", "p4", "p5", "p6"} <= set(listed["person_id"])
    assert not {"p1", "p2", "s1", "s2"} & set(listed["person_id"])


def test_succession_share_and_mix(ds):
    result = row(people.succession(ds, level="village"), unit_code="80010101")
    assert (result["people"], result["incumbents"], result["successors"]) == (8, 6, 2)
    assert result["successor_share"] == pytest.approx(2 / 6)
    assert result["new_generation_share"] == pytest.approx(2 / 8)
    assert (result["female"], result["male"], result["female_share"]) == (4, 4, 0.5)
    assert result["median_age"] == 41.5
    bands = [result[f"age_{b}"] for b in people.AGE_BANDS]
    assert bands == [2, 2, 3, 1]
    by_role = people.succession(ds, level="amphoe", by_role=True)
    assert row(by_role, role="district_team")["people"] == 3
    assert row(by_role, role="core")["role_th"] == "คุณกิจแกนนำหมู่บ้าน"


def test_default_rounds_are_the_first_and_the_september_2551_round(ds):
    assert people.default_rounds(ds) == ("start-2551", "end-2551")


def test_without_a_september_round_the_latest_round_ends_the_comparison(ds):
    freedom = ds.freedom[ds.freedom["round"] != "end-2551"]
    tables = {**ds.tables, "freedom": freedom.reset_index(drop=True)}
    assert people.default_rounds(Dataset(tables=tables)) == ("start-2551", "follow-2552")
    only_one = {**ds.tables, "freedom": freedom[freedom["round"] == "start-2551"]}
    with pytest.raises(OkanalysisError, match="two freedom-table rounds"):
        people.freedom_progress(Dataset(tables=only_one))


def test_freedom_progress_per_criterion(ds):
    progress = people.freedom_progress(ds, level="village")
    c1 = row(progress, criterion_id="c1")
    assert (c1["start"], c1["end"]) == ("start-2551", "end-2551")
    assert (c1["people"], c1["assessments"]) == (6, 6)
    assert c1["score_start_mean"] == pytest.approx(15 / 6)
    assert c1["score_end_mean"] == pytest.approx(19 / 6)
    assert c1["change_mean"] == pytest.approx(4 / 6)
    assert (c1["reached_target"], c1["reached_target_share"]) == (3, 0.5)
    assert (c1["improved"], c1["stood_still"], c1["declined"]) == (3, 2, 1)
    c2 = row(progress, criterion_id="c2")
    assert (c2["people"], c2["assessments"], c2["not_reassessed"]) == (4, 3, 1)
    assert (c2["reached_target"], c2["improved"], c2["people_stood_still"]) == (2, 1, 2)
    assert c2["criterion_th"] == "จัดวงเรียนรู้ได้"


def test_freedom_progress_by_gender_counts_who_stood_still(ds):
    progress = people.freedom_progress(ds, level="tambon", by="gender")
    female = row(progress, gender="female")
    male = row(progress, gender="male")
    assert (female["people"], female["people_stood_still"]) == (3, 1)
    assert (male["people"], male["people_stood_still"]) == (3, 2)
    assert female["gender_th"] == "หญิง"


def test_freedom_progress_per_person_only_when_asked(ds):
    assert "person_id" not in people.freedom_progress(ds, level="village").columns
    detail = people.freedom_progress(ds, level="village", per_person=True)
    p4 = row(detail, person_id="p4", criterion_id="c1")
    assert (p4["score_start"], p4["score_end"], p4["change"]) == (4, 3, -1)
    assert not p4["reached_target"]
    assert row(detail, person_id="p1", criterion_id="c1")["can_do_now"] == "สอนเพื่อนทำบัญชีได้"
    with pytest.raises(OkanalysisError, match="per-person"):
        people.freedom_progress(ds, per_person=True, shareable=True)


def test_freedom_progress_explicit_rounds_and_bad_names(ds):
    later = people.freedom_progress(ds, level="village", start="end-2551", end="follow-2552")
    assert row(later, criterion_id="c1")["assessments"] == 1
    with pytest.raises(OkanalysisError, match="no such round"):
        people.freedom_progress(ds, start="start-2550", end="end-2551")
    with pytest.raises(OkanalysisError, match="'by' must be one of"):
        people.freedom_progress(ds, by="village")


def test_a_group_of_four_is_suppressed_when_shareable_and_shown_internally(ds):
    internal = people.freedom_progress(ds, level="village")
    assert row(internal, criterion_id="c2")["people"] == 4
    shared = people.freedom_progress(ds, level="village", shareable=True)
    c2 = row(shared, criterion_id="c2")
    assert c2["suppressed"]
    assert pd.isna(c2["people"]) and pd.isna(c2["change_mean"]) and pd.isna(c2["reached_target"])
    assert c2["criterion_th"] == "จัดวงเรียนรู้ได้"  # the row stays, labelled
    c1 = row(shared, criterion_id="c1")
    assert not c1["suppressed"] and c1["people"] == 6


def test_on_the_demo_province_district_gaps_add_up_from_villages(demo_dataset):
    ds = demo_dataset
    village = people.gaps(ds, level="village")
    district = people.gaps(ds, level="amphoe")
    assert len(district) == 23
    for column in ("villages", "cores", "cores_missing", "villages_short_of_cores"):
        assert district[column].sum() == village[column].sum(), column
    # each person has one role: the people per role add up to everyone assessed
    progress = people.freedom_progress(ds, level="province", by="role")
    assert progress["people"].sum() == ds.freedom["person_id"].nunique()
    assert set(progress["role"]) <= set(schema.ROLES)
