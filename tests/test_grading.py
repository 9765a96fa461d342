"""The five-component grade: hand-built villages whose grades are worked out from the rubric.

The default rubric (`parameters/grading.yaml`) is what the team ships; these tests read the
grades it gives for villages built by hand, and check the rules a user relies on: better evidence
never lowers a grade, row order never changes one, a cut-off moved in the YAML moves the grade,
a malformed rubric is refused with its line, and missing data is never a silent zero.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okanalysis.circles import CircleSession, ComponentScore, Participants
from okanalysis.circles import store as circles
from okanalysis.components import COMPONENT_CODES, GRADES
from okanalysis.contract import schema
from okanalysis.contract.dataset import Dataset
from okanalysis.core import params
from okanalysis.core.errors import OkanalysisError, ParameterError
from okanalysis.demo import synthetic as demo
from okanalysis.grading.change import change, summary
from okanalysis.grading.grades import Grades, grade
from okanalysis.grading.rubric import read_rubric

T1, T2 = "800101", "800201"  # Nai Mueang (Mueang district), Phrom Khiri (Phrom Khiri district)
V1, V2, V3, V4 = "80010101", "80010102", "80010103", "80020101"
RUBRIC = params.parameters_dir() / "grading.yaml"


# --- hand-built villages ---------------------------------------------------------------------
@dataclass
class Village:
    """What one hand-built village has, in the terms a facilitator would count."""

    code: str
    households: int = 100
    cores: int = 8
    successors: int = 0  # cores named as successor of another core
    new_generation: int = 0
    freedom: tuple[int, int] | None = (10, 5)  # (assessments repeated, reaching the target)
    plan: tuple[int, int, int] | None = (4, 2, 2)  # (items, taken up, self or mutual)
    plan_categories: tuple[str, ...] = ()  # ledger categories the first items address
    centre: tuple[bool, bool, int, int] | None = None  # registered, active, activities, visitors
    groups: list[tuple[str, int, bool, bool]] = field(default_factory=list)  # type, members...
    loans: tuple[int, int] = (0, 0)  # loans outstanding, arrears (satang)
    health: tuple[int, int] | None = (100, 50)  # assessed, passed
    cdd: tuple[int, int] | None = (23, 15)  # indicators, passed
    health_activities: int = 0
    savers: tuple[int, int] = (0, 0)  # households keeping accounts, of them saving


def _rows(v: Village) -> dict[str, list[dict]]:
    tambon = v.code[:6]
    rows: dict[str, list[dict]] = {name: [] for name in schema.TABLES}
    rows["villages"].append(
        {"village_code": v.code, "tambon_code": tambon, "amphoe_code": v.code[:4],
         "village_no": int(v.code[6:]), "name_th": f"บ้านทดสอบ {v.code[6:]}",
         "households": v.households, "population": 4 * v.households}
    )  # fmt: skip
    cores = [f"C{v.code}-{i + 1}" for i in range(v.cores)]
    for i, person in enumerate(cores):
        successor_of = cores[i - (v.cores - v.successors)] if i >= v.cores - v.successors else None
        rows["people"].append(
            {"person_id": person, "level": "village", "unit_code": v.code, "role": "core",
             "gender": "female" if i % 2 else "male", "age": 30 + i, "start_year": 2548,
             "new_generation": i < v.new_generation, "successor_of": successor_of}
        )  # fmt: skip
    if v.freedom is not None:
        n, reached = v.freedom
        for k in range((n + v.cores - 1) // v.cores):
            rows["criteria"].append(
                {"criterion_id": f"Q{v.code}-{k}", "level": "village", "unit_code": v.code,
                 "role": "core", "name_th": f"เกณฑ์ {k}"}
            )  # fmt: skip
        for i in range(n):
            person, criterion = cores[i % v.cores], f"Q{v.code}-{i // v.cores}"
            for rnd, day, score in (("start-2551", dt.date(2007, 12, 15), 2),
                                    ("end-2551", dt.date(2008, 9, 15), 4 if i < reached else 3)):  # fmt: skip
                rows["freedom"].append(
                    {"person_id": person, "criterion_id": criterion, "round": rnd, "date": day,
                     "score": score, "target": 4}
                )  # fmt: skip
    if v.plan is not None:
        items, taken, inside = v.plan
        for i in range(items):
            item = f"MP{v.code}-{i + 1}"
            category = v.plan_categories[i] if i < len(v.plan_categories) else None
            rows["plan_items"].append(
                {"item_id": item, "level": "village", "unit_code": v.code, "title": f"โครงการ {i}",
                 "kind": ("self", "mutual")[i % 2] if i < inside else "outside",
                 "category": category, "cost_satang": 1_000_000, "payer": "community"}
            )  # fmt: skip
            if i < taken:
                rows["local_plans"].append(
                    {"local_item_id": f"LP{item}", "org": "tao", "tambon_code": tambon,
                     "plan_item_id": item, "title": f"โครงการ {i}", "budget_satang": 500_000,
                     "year": 2551}
                )  # fmt: skip
    if v.centre is not None:
        registered, active, activities, visitors = v.centre
        centre = f"LC{v.code}"
        rows["centres"].append(
            {"centre_id": centre, "village_code": v.code, "name_th": "ศูนย์เรียนรู้",
             "registered": registered, "active": active}
        )  # fmt: skip
        for i in range(activities):
            rows["centre_activities"].append(
                {"activity_id": f"{centre}-{i}", "centre_id": centre,
                 "date": dt.date(2008, 1 + i % 9, 10), "activity": "อบรม",
                 "visitors": visitors // activities + (i < visitors % activities)}
            )  # fmt: skip
    loans, arrears = v.loans
    for i, (kind, members, active, integrated) in enumerate(v.groups):
        lends = i == 0
        rows["finance_groups"].append(
            {"group_id": f"FG{v.code}-{i}", "level": "village", "unit_code": v.code,
             "type": kind, "name_th": f"กลุ่ม {i}", "members": members,
             "member_households": members, "capital_satang": 2 * loans if lends else 0,
             "loans_outstanding_satang": loans if lends else 0,
             "arrears_satang": arrears if lends else 0, "active": active,
             "integrated": integrated}
        )  # fmt: skip
    if v.health is not None:
        assessed, passed = v.health
        rows["health_standard"].append(
            {"village_code": v.code, "year": 2551, "households_assessed": assessed,
             "households_passed": passed,
             "result": "passed" if passed >= 0.6 * assessed else "not_passed"}
        )  # fmt: skip
        for i in range(v.health_activities):
            rows["health_activities"].append(
                {"activity_id": f"HA{v.code}-{i}", "village_code": v.code,
                 "date": dt.date(2008, 2, 1 + i), "activity": "ออกกำลังกาย", "participants": 30}
            )  # fmt: skip
    if v.cdd is not None:
        total, passed = v.cdd
        rows["cdd_standard"].append(
            {"village_code": v.code, "year": 2551, "indicators_total": total,
             "indicators_passed": passed,
             "result": "passed" if passed >= 17 else "not_passed"}
        )  # fmt: skip
    keeping, saving = v.savers
    for h in range(keeping):
        household = f"H{v.code}-{h}"
        rows["households"].append(
            {"household_id": household, "village_code": v.code, "members": 4,
             "keeps_accounts": True}
        )  # fmt: skip
        entries = [("INC_RUBBER", 900_000), ("EXP_RICE", 300_000), ("EXP_VEG", 200_000),
                   ("EXP_FISH_MEAT", 100_000), ("EXP_ELECTRICITY", 50_000)]  # fmt: skip
        if h < saving:
            entries.append(("TRF_SAVE_DEPOSIT", 100_000))
        for month in range(12):
            day = (pd.Timestamp("2007-10-05") + pd.DateOffset(months=month)).date()
            for j, (category, amount) in enumerate(entries):
                rows["ledger"].append(
                    {"entry_id": f"E{household}-{month}-{j}", "household_id": household,
                     "date": day, "category": category, "amount_satang": amount}
                )  # fmt: skip
    return rows


def build(*villages: Village) -> Dataset:
    """A Dataset of the hand-built villages, every table in the contract's dtypes."""
    rows: dict[str, list[dict]] = {name: [] for name in schema.TABLES}
    for v in villages:
        for name, more in _rows(v).items():
            rows[name].extend(more)
    for tambon in sorted({v.code[:6] for v in villages}):
        zone = "Z1" if tambon.startswith("8001") else "Z2"
        rows["zones"].append({"zone_id": zone, "name_th": f"โซน {zone}", "tambon_code": tambon})
    return Dataset(tables={name: schema.typed_frame(name, r) for name, r in rows.items()})


STRONG = Village(
    V1,
    successors=2,
    new_generation=4,
    freedom=(10, 7),
    plan=(4, 3, 4),
    plan_categories=("EXP_RICE", "EXP_VEG"),
    centre=(True, True, 5, 150),
    groups=[("savings_group", 80, True, True), ("welfare_fund", 30, True, True)],
    loans=(1_000_000, 40_000),
    health=(100, 90),
    cdd=(23, 21),
    health_activities=5,
    savers=(4, 4),
)
MIDDLING = Village(
    V2,
    cores=7,
    successors=1,
    new_generation=2,
    freedom=(10, 5),
    plan=(5, 2, 3),
    groups=[("savings_group", 60, True, False), ("village_fund", 50, True, False)],
    loans=(1_000_000, 100_000),
    health=(100, 60),
    cdd=(23, 17),
    health_activities=2,
)
WEAK = Village(
    V3,
    cores=6,
    freedom=(10, 3),
    plan=(3, 0, 1),
    groups=[("village_fund", 40, False, False)],
    loans=(1_000_000, 300_000),
    health=(100, 30),
    cdd=(23, 10),
)
#: In another district that sent no plans, centres, finance or standards: no data, not zeros.
UNREPORTED = Village(V4, freedom=None, plan=None, health=None, cdd=None)


@pytest.fixture(scope="module")
def hand() -> Dataset:
    return build(STRONG, MIDDLING, WEAK, UNREPORTED)


@pytest.fixture(scope="module")
def graded(hand) -> Grades:
    return grade(hand, "tambon")


def unit(grades: Grades, code: str) -> pd.Series:
    return grades.units.set_index("unit_code").loc[code]


def indicator(grades: Grades, code: str, component: str, name: str) -> pd.Series:
    rows = grades.indicators
    pick = (rows["unit_code"] == code) & (rows["component"] == component)
    return rows.loc[pick & (rows["indicator"] == name)].iloc[0]


# --- the grades of hand-built villages ---------------------------------------------------------
def test_hand_built_villages_get_the_grades_worked_out_by_hand(graded):
    villages = graded.villages
    expected = {
        V1: ("A", "A", "A", "A", "A", "A"),
        V2: ("B", "B", "C", "B", "B", "B"),  # four B and one C: B
        V3: ("C", "C", "C", "C", "C", "C"),
    }
    for code, grades in expected.items():
        row = unit(villages, code)
        assert tuple(row[[*COMPONENT_CODES, "overall"]]) == grades, code
    assert villages.rubric_version == graded.rubric_version == read_rubric().version


def test_indicator_values_points_bands_and_targets(graded):
    v = graded.villages
    successors = indicator(v, V1, "leadership", "successors")
    assert (successors["count"], successors["of"]) == (2, 6)  # 2 of the 6 incumbents
    assert successors["value"] == pytest.approx(1 / 3)
    assert (successors["points"], successors["band"], successors["target"]) == (3, "≥ 25%", 2)
    freedom = indicator(v, V2, "leadership", "freedom_table")
    assert (freedom["count"], freedom["of"], freedom["points"]) == (5, 10, 2)
    assert freedom["band"] == "> 40%" and freedom["target"] == 7  # above 60% of 10
    answers = indicator(v, V1, "master_plan", "answers_opportunities")
    assert (answers["count"], answers["of"], answers["points"]) == (2, 3, 2)  # rice, vegetables
    centre = indicator(v, V1, "learning_centre", "centre")
    assert (centre["value"], centre["points"]) == (3, 3)
    arrears = indicator(v, V3, "finance_welfare", "arrears")
    assert arrears["value"] == pytest.approx(0.3) and arrears["points"] == 1
    assert arrears["band"] == "> 15%"
    saving = indicator(v, V1, "finance_welfare", "saving")
    assert (saving["count"], saving["of"], saving["points"]) == (4, 4, 3)
    weak = indicator(v, V3, "leadership", "cores_in_place")
    assert (weak["count"], weak["of"], weak["points"], weak["band"]) == (6, 8, 1, "< 87.5%")


def test_each_component_says_why_in_thai_and_english(graded):
    v = graded.villages
    why = v.why(V1, "leadership", "en")
    assert why.startswith("a quality leadership team with succession: grade A")
    assert "2 of 6 leaders have a successor; target 2 (3 points)" in why
    assert "ผู้นำ 2 จาก 6 คนมีผู้สืบทอด เป้าหมาย 2 (3 คะแนน)" in v.why(V1, "leadership")
    assert "0 of 6 leaders have a successor; target 2 (1 point)" in v.why(V3, "leadership", "en")
    centre = v.why(V2, "learning_centre", "en")
    assert "no learning centre (1 point)" in centre and "grade C" in centre
    assert "arrears are 30% of loans outstanding; target ≤ 5%" in v.why(V3, "finance_welfare", "en")
    assert unit(v, V2)["overall_en"].startswith("overall B: A 0, B 4, C 1")


def test_no_data_is_told_apart_from_not_applicable_and_from_zero(graded):
    v = graded.villages
    # V2 keeps no accounts: the plan-vs-ledger indicator has no data, the component still grades
    answers = indicator(v, V2, "master_plan", "answers_opportunities")
    assert answers["status"] == "no_data" and pd.isna(answers["points"])
    assert "no data" in answers["says_en"]
    # V2 has no learning centre in a district that sent the register: a real zero, scored
    centre = indicator(v, V2, "learning_centre", "centre")
    assert (centre["status"], centre["value"], centre["points"]) == ("scored", 0, 1)
    # V4's district sent no register at all: no data, never zero
    unreported = indicator(v, V4, "learning_centre", "centre")
    assert unreported["status"] == "no_data" and pd.isna(unreported["value"])
    # facilitators are a sub-district's: not applicable to a village
    assert indicator(v, V1, "leadership", "facilitators")["status"] == "not_applicable"
    row = unit(v, V4)
    assert row["leadership"] == "C"  # cores, successors and new generation are enough
    assert row["not_graded"] == "master_plan, learning_centre, finance_welfare, standards"
    assert pd.isna(row["overall"]) and row["overall_status"] == "no_data"
    assert row["overall_en"] == "no overall grade: 1 components graded; at least 4 are needed"
    comps = v.components.set_index(["unit_code", "component"])
    standards = comps.loc[(V4, "standards")]
    assert standards["status"] == "no_data" and pd.isna(standards["grade"])
    assert standards["no_data"] == "health, cdd, activities"
    assert "not graded: 0 of 3 indicators have data; at least 2 are needed" in standards["why_en"]


def test_a_sub_district_uses_its_own_evidence_and_its_villages_grades(graded):
    t1 = unit(graded, T1)
    villages = indicator(graded, T1, "leadership", "villages")
    assert (villages["count"], villages["of"], villages["points"]) == (2, 3, 2)  # V1 A, V2 B
    facilitators = indicator(graded, T1, "leadership", "facilitators")
    assert (facilitators["count"], facilitators["of"], facilitators["points"]) == (0, 9, 1)
    cores = indicator(graded, T1, "leadership", "cores_in_place")
    assert (cores["count"], cores["of"]) == (21, 24)
    # cores 2 (x0.5), successors 2, new generation 2, freedom 2, facilitators 1, villages 2
    comps = graded.components.set_index(["unit_code", "component"])
    assert comps.loc[(T1, "leadership"), "mean_points"] == pytest.approx(10 / 5.5)
    assert t1["leadership"] == "B"
    assert set(graded.units["unit_code"]) == {T1, T2}
    again = grade(build(STRONG, MIDDLING, WEAK, UNREPORTED), "tambon", villages=graded.villages)
    pd.testing.assert_frame_equal(again.units, graded.units)


def test_village_grades_from_another_rubric_are_refused(hand, graded, tmp_path):
    other = tmp_path / "grading.yaml"
    other.write_text(RUBRIC.read_text(encoding="utf-8").replace("2551.1", "2551.2"), "utf-8")
    with pytest.raises(OkanalysisError, match="same rubric"):
        grade(hand, "tambon", rubric=other, villages=graded.villages)
    with pytest.raises(OkanalysisError):
        grade(hand, "amphoe")


def test_shareable_hides_figures_of_small_groups_but_keeps_the_grade(tmp_path):
    few = build(replace(WEAK, code=V1, households=3, health=(3, 1)))
    shared = grade(few, "village", shareable=True)
    health = indicator(shared, V1, "standards", "health")
    assert health["suppressed"] and pd.isna(health["value"]) and pd.isna(health["count"])
    assert health["points"] == 1
    assert "fewer than 5" in health["says_en"] and "1 of 3" not in health["says_en"]
    internal = indicator(grade(few, "village"), V1, "standards", "health")
    assert not internal["suppressed"] and (internal["count"], internal["of"]) == (1, 3)
    assert unit(shared, V1)["standards"] == "C"


# --- better evidence never lowers a grade ------------------------------------------------------
@st.composite
def evidence_pair(draw) -> tuple[Village, Village]:
    """A village and the same village with evidence at least as good on every measure."""

    def pair(low: int, high: int) -> tuple[int, int]:
        a = draw(st.integers(low, high))
        return a, draw(st.integers(a, high))

    def flag() -> tuple[bool, bool]:
        a = draw(st.booleans())
        return a, a or draw(st.booleans())

    cores = draw(st.integers(6, 8))
    successors = pair(0, cores - 1)
    new_gen, reached = pair(0, cores), pair(0, 10)
    items = draw(st.integers(3, 6))
    taken, inside = pair(0, items), pair(0, items)
    registered, active = flag(), flag()
    activities, per_activity = pair(0, 6), pair(0, 60)
    members = pair(0, 100)
    act1, act2, int1, int2 = flag(), flag(), flag(), flag()
    arrears = pair(0, 400_000)
    health, cdd, health_acts = pair(0, 100), pair(0, 23), pair(0, 6)
    savers = pair(0, 4)

    def village(k: int) -> Village:
        return Village(
            V1,
            cores=cores,
            successors=successors[k],
            new_generation=new_gen[k],
            freedom=(10, reached[k]),
            plan=(items, taken[k], inside[k]),
            plan_categories=("EXP_RICE", "EXP_VEG", "EXP_FISH_MEAT")[: taken[k]],
            centre=(registered[k], active[k], activities[k], activities[k] * per_activity[k]),
            groups=[
                ("savings_group", members[k], act1[k], int1[k]),
                ("village_fund", 40, act2[k], int2[k]),
            ],
            loans=(1_000_000, arrears[1 - k]),  # fewer arrears is better
            health=(100, health[k]),
            cdd=(23, cdd[k]),
            health_activities=health_acts[k],
            savers=(4, savers[k]),
        )

    return village(0), village(1)


@settings(
    max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(evidence_pair())
def test_better_evidence_never_lowers_a_grade(villages):
    worse, better = (grade(build(v), "village").units.iloc[0] for v in villages)
    rank = {g: len(GRADES) - i for i, g in enumerate(GRADES)}
    for column in (*COMPONENT_CODES, "overall"):
        assert rank[better[column]] >= rank[worse[column]], column


# --- row order, cut-offs, malformed rubrics and versions ----------------------------------------
@pytest.fixture(scope="module")
def province() -> Dataset:
    return demo.generate(0.05)


@pytest.fixture(scope="module")
def province_grades(province) -> Grades:
    return grade(province, "tambon")


def test_every_component_comes_out_a_b_and_c_on_the_demo_province(province_grades):
    villages = province_grades.villages.units
    for column in (*COMPONENT_CODES, "overall"):
        assert set(villages[column]) == set(GRADES), column
    assert (villages["overall_status"] == "graded").all()
    # the top grade is rare and the bottom one common, as in the CDD's split of the time
    shares = villages["overall"].value_counts(normalize=True)
    assert shares["A"] < shares["B"] < shares["C"]


def test_row_order_never_changes_a_grade(province, province_grades):
    rng = np.random.default_rng(7)
    shuffled = Dataset(
        tables={
            name: frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
            for name, frame in province.tables.items()
        }
    )
    again = grade(shuffled, "tambon")
    for mine, theirs in ((again, province_grades), (again.villages, province_grades.villages)):
        pd.testing.assert_frame_equal(mine.units, theirs.units)
        pd.testing.assert_frame_equal(mine.components, theirs.components)
        pd.testing.assert_frame_equal(mine.indicators, theirs.indicators)


def edited(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """The default rubric with one edit, written to a temporary file."""
    text = RUBRIC.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path = tmp_path / "grading.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_a_changed_cut_off_changes_the_grade_as_expected(hand, tmp_path):
    before = unit(grade(hand, "village"), V2)
    assert before["leadership"] == "B"  # every indicator 2 points: mean 2.0
    stricter = edited(tmp_path, "B: {mean_at_least: 1.75}", "B: {mean_at_least: 2.1}")
    assert unit(grade(hand, "village", stricter), V2)["leadership"] == "C"
    looser = edited(
        tmp_path, "A: {mean_at_least: 2.5, lowest_at_least: 2}", "A: {mean_at_least: 2.0}"
    )
    graded = grade(hand, "village", looser)
    assert unit(graded, V2)["leadership"] == "A"
    assert unit(graded, V2)["master_plan"] == "B"  # only the first component's cut-off moved


def line_of(path: Path, text: str) -> int:
    """The line (1-based) of the first line of `path` containing `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(text)


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        ("function: successors_named", "function: successors_nmed", "code: successors",
         "no such indicator function"),
        ("- {points: 2, at_least: 0.875}", "- {points: 3, at_least: 0.875}", "code: cores_in_place",
         "points must fall"),
        ("- {points: 2, at_least: 0.875}", "- {points: 2, at_least: 1.5}", "code: cores_in_place",
         "can never be reached"),
        ("- {points: 3, at_most: 0.05}", "- {points: 3, at_least: 0.05}", "{points: 3, at_least: 0.05}",
         "better lower"),
        ("function: facilitators_in_place\n        applies_to: tambon",
         "function: facilitators_in_place\n        applies_to: both", "code: facilitators",
         "measures only at"),
        ("says_en: \"{count} of {of} cores in place; target {target}\"",
         "says_en: \"{count} of {of} cores in place; goal {goal}\"", "code: cores_in_place",
         "only ['count'"),
        ("A: {mean_at_least: 2.5, lowest_at_least: 2}", "A: {mean_at_least: 1.5}", "A: {mean_at_least: 1.5}",
         "at least as much"),
        ("options: {at_least: B}", "options: {at_least: D}", "options: {at_least: D}",
         "must be one of"),
        ("- {grade: C}", "- {grade: C, at_least: {A: 1}}", "min_graded: 4", "last rule"),
        ("- code: standards ", "- code: leadership ", "มาตรฐานสุขภาพและมาตรฐานชุมชน พช.",
         "component listed twice"),
        ("min_indicators: 3\n", "min_indicators: 9\n", "code: leadership", "from 1 to"),
        ("weight: 0.5                        #", "weigth: 0.5 #", "code: cores_in_place",
         "unknown keys"),
        ("  rules:\n", "  rules: [\n", "rules: [", "malformed YAML"),
    ],
)  # fmt: skip
def test_a_malformed_rubric_is_refused_with_its_line(tmp_path, old, new, at, message):
    path = edited(tmp_path, old, new)
    with pytest.raises(ParameterError, match=re.escape(message)) as caught:
        read_rubric(path)
    assert caught.value.file == str(path)
    expected = line_of(path, at)
    assert caught.value.row == expected or (message == "malformed YAML" and caught.value.row)


def test_a_missing_component_is_named(tmp_path):
    text = RUBRIC.read_text(encoding="utf-8")
    start, end = text.index("  - code: standards"), text.index("# ระดับรวม")
    path = tmp_path / "grading.yaml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(ParameterError, match=r"missing components \['standards'\]"):
        read_rubric(path)


def test_rubric_version_follows_the_content_not_the_comments(tmp_path):
    base = read_rubric(RUBRIC).version
    assert re.fullmatch(r"[0-9a-f]{12}", base)
    commented = edited(tmp_path, 'version: "2551.1"', 'version: "2551.1"  # แก้ไขคำอธิบาย')
    assert read_rubric(commented).version == base
    changed = edited(tmp_path, "at_least: 0.875", "at_least: 0.8")
    assert read_rubric(changed).version != base
    # a copy changed in memory (tuning in a notebook) is not the file's rubric either
    rubric = read_rubric(RUBRIC)
    first = rubric.components[0]
    tuned = replace(rubric, components=(replace(first, min_indicators=2), *rubric.components[1:]))
    assert tuned.version != base and rubric.version == base


# --- summaries: computed and agreed, and the change between rounds ------------------------------
def session(
    code: str, rnd: str, day: dt.date, computed: dict, agreed: dict, **more
) -> CircleSession:
    scores = [
        ComponentScore(c, computed[c], agreed[c], "" if computed[c] == agreed[c] else "วงเห็นต่าง")
        for c in COMPONENT_CODES
    ]
    return CircleSession(
        unit_code=code, unit_level="village", round=rnd, date=day, facilitator="คุณอำนวย",
        components=scores, overall=agreed["overall"], computed_overall=computed["overall"],
        participants=Participants(cores=7, villagers=20, facilitators=2), rubric_version="test",
        **more,
    )  # fmt: skip


@pytest.fixture
def sessions(graded, tmp_path) -> pd.DataFrame:
    v = graded.villages
    with circles.open_store(tmp_path / "circles.sqlite", create=True) as store:
        for code in (V1, V2):
            shown = v.computed(code)
            circles.save_session(
                store, session(code, "start-2551", dt.date(2008, 1, 10), shown, shown)
            )
        shown = v.computed(V2)
        agreed = {**shown, "learning_centre": "B", "overall": "B"}
        # the end round: V2's circle lifts its learning centre, V1's keeps its grades
        circles.save_session(store, session(V2, "end-2551", dt.date(2008, 9, 20), shown, agreed))
        circles.save_session(
            store, session(V1, "end-2551", dt.date(2008, 9, 21), v.computed(V1), v.computed(V1))
        )
        return circles.current(store)


def test_summary_counts_computed_and_agreed_grades_per_district(graded, sessions):
    out = summary(graded.villages, sessions, by="amphoe", round="end-2551")
    mueang = out.set_index(["amphoe_code", "component"]).loc["8001"]
    centre = mueang.loc["learning_centre"]
    assert (centre["units"], centre["graded"]) == (3, 3)
    assert (centre["computed_A"], centre["computed_B"], centre["computed_C"]) == (1, 0, 2)
    assert (centre["in_circle"], centre["agreed_A"], centre["agreed_B"]) == (2, 1, 1)
    assert (centre["compared"], centre["same"]) == (2, 1)
    assert centre["agreement_rate"] == pytest.approx(0.5)
    assert mueang.loc["leadership", "agreement_rate"] == pytest.approx(1.0)
    assert mueang.loc["overall", "computed_share_C"] == pytest.approx(1 / 3)
    phrom_khiri = out.set_index(["amphoe_code", "component"]).loc["8002"]
    assert phrom_khiri.loc["standards", "not_graded"] == 1
    assert phrom_khiri.loc["standards", "in_circle"] == 0
    assert pd.isna(phrom_khiri.loc["standards", "agreement_rate"])  # nothing to compare


def test_summary_per_zone_agency_and_province(graded, sessions):
    by_agency = summary(graded.villages, sessions, by="agency")
    assert set(by_agency["agency"]) == {"admin"}  # both districts are led by the administration
    overall = by_agency.set_index("component").loc["overall"]
    assert (overall["units"], overall["in_circle"]) == (4, 2)
    province = summary(graded.villages, by="province")
    assert province.set_index("component").loc["leadership", "units"] == 4
    assert (province["in_circle"] == 0).all()
    zones = summary(graded.villages, sessions, by="zone").set_index(["zone_id", "component"])
    assert zones.loc[("Z1", "overall"), "units"] == 3 and zones.loc[("Z2", "overall"), "units"] == 1
    assert zones.loc[("Z1", "overall"), "in_circle"] == 2
    assert zones.loc[("Z1", "overall"), "zone_th"] == "โซน Z1"


def test_change_between_two_rounds(graded, sessions):
    per_unit = change(graded.villages, sessions, "start-2551", "end-2551")
    v2 = per_unit.set_index(["unit_code", "component"]).loc[V2]
    assert (v2.loc["learning_centre", "grade_start"], v2.loc["learning_centre", "grade_end"]) == (
        "C",
        "B",
    )
    assert v2.loc["learning_centre", "change"] == 1
    assert v2.loc["learning_centre", "direction"] == "up"
    assert v2.loc["leadership", "direction"] == "same"
    counted = change(graded.villages, sessions, "start-2551", "end-2551", by="amphoe")
    centre = counted.set_index("component").loc["learning_centre"]
    assert (centre["units"], centre["improved"], centre["unchanged"], centre["declined"]) == (
        2,
        1,
        1,
        0,
    )
    computed = change(graded.villages, sessions, "start-2551", "end-2551", which="computed")
    assert (computed["change"] == 0).all()  # the data's grades did not move
    assert change(graded.villages, sessions, "start-2551", "end-2552").empty
    assert change(graded, sessions, "start-2551", "end-2551", by="zone").empty  # villages'
