"""Next steps (`okanalysis.grading.steps`): what would lift each component below A one grade."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from okanalysis.contract.dataset import Dataset
from okanalysis.core.errors import OkanalysisError
from okanalysis.grading.grades import Grades, grade
from okanalysis.grading.rubric import BAND_TESTS, read_rubric
from okanalysis.grading.steps import STEP_COLUMNS, next_steps


@pytest.fixture(scope="module")
def villages(demo_dataset: Dataset) -> Grades:
    return grade(demo_dataset, "village")


@pytest.fixture(scope="module")
def steps(villages: Grades) -> pd.DataFrame:
    return next_steps(villages.indicators)


def _band(rule, value: float) -> int:
    return next(i for i, b in enumerate(rule.bands) if b.passes(np.array([value]))[0])


def _rules() -> dict[tuple[str, str], object]:
    rubric = read_rubric()
    return {(c.code, r.code): r for c in rubric.components for r in c.indicators}


def test_columns_and_some_steps(steps: pd.DataFrame) -> None:
    assert not steps.empty
    assert set(STEP_COLUMNS) <= set(steps.columns)
    assert steps["reaches_next_grade"].dtype == bool


def test_every_step_is_of_a_component_graded_b_or_c(villages: Grades, steps: pd.DataFrame) -> None:
    assert set(steps["grade"]) <= {"B", "C"}
    assert (steps["next_grade"] == steps["grade"].map({"B": "A", "C": "B"})).all()
    computed = villages.components.set_index(["unit_code", "component"])["grade"]
    for row in steps.itertuples():
        assert computed.loc[(row.unit_code, row.component)] == row.grade


def test_a_component_has_no_steps(villages: Grades, steps: pd.DataFrame) -> None:
    comps = villages.components
    graded_a = comps.loc[comps["grade"] == "A", ["unit_code", "component"]]
    assert not graded_a.empty  # the demo has some
    hit = graded_a.merge(steps, on=["unit_code", "component"])
    assert hit.empty


def test_applying_the_step_reaches_the_next_band(villages: Grades, steps: pd.DataFrame) -> None:
    rules = _rules()
    evidence = villages.indicators.set_index(["unit_code", "component", "indicator"])
    for row in steps.itertuples():
        rule = rules[(row.component, row.indicator)]
        now = _band(rule, row.value)
        assert now > 0  # never a step for an indicator in its top band
        assert row.next_threshold == rule.bands[now - 1].threshold
        assert row.next_points == rule.bands[now - 1].points
        if row.kind == "count":
            assert float(row.more_needed).is_integer()
            ev = evidence.loc[(row.unit_code, row.component, row.indicator)]
            count, of = float(ev["count"]), float(ev["of"])
            after = (count + row.more_needed) / of
            # the fewest: one fewer (or more, going down) does not reach it
            short = (count + row.more_needed - np.sign(row.more_needed)) / of
            assert _band(rule, short) == now
        else:
            after = row.value + row.more_needed
        assert _band(rule, after) <= now - 1, row


def test_lower_is_better_suggests_a_decrease(steps: pd.DataFrame) -> None:
    rules = _rules()
    lower = [
        rules[(c, i)].function.better == "lower"
        for c, i in zip(steps["component"], steps["indicator"], strict=True)
    ]
    down = steps.loc[lower]
    assert not down.empty  # arrears in the demo
    assert (down["more_needed"] < 0).all()
    assert down["says_en"].str.contains("lower|fewer").all()
    for row in down.itertuples():
        test = rules[(row.component, row.indicator)].bands[0].test
        assert BAND_TESTS[test][1] == "lower"
    up = steps.loc[[not x for x in lower]]
    assert (up["more_needed"] > 0).all()


def test_sentences_in_both_languages(steps: pd.DataFrame) -> None:
    for column in ("says_th", "says_en", "says"):
        assert steps[column].str.strip().str.len().gt(0).all()
    counts = steps.loc[steps["kind"] == "count"].iloc[0]
    n = int(counts["more_needed"])
    assert counts["says_th"].startswith(f"อีก {n}")
    assert counts["says_th"].endswith(counts["indicator_th"])
    assert counts["says_en"] == f"{n} more: {counts['indicator_en']}"


def test_ranked_and_limited(villages: Grades, steps: pd.DataFrame) -> None:
    per = steps.groupby(["unit_code", "component"], sort=False)
    assert per.size().max() <= 3
    for _, rows in per:
        reached = rows["reaches_next_grade"].tolist()
        assert reached == sorted(reached, reverse=True)  # the steps that reach it first
        assert (rows["mean_after"] > rows["mean_points"]).all()
    everything = next_steps(villages.indicators, limit=None)
    assert len(everything) >= len(steps)
    one = next_steps(villages.indicators, limit=1)
    assert one.groupby(["unit_code", "component"]).size().max() == 1


def test_reaching_the_next_grade_matches_the_cut(steps: pd.DataFrame) -> None:
    rubric = read_rubric()
    for row in steps.itertuples():
        cut = next(c for c in rubric.component(row.component).cuts if c.grade == row.next_grade)
        if row.reaches_next_grade:
            assert row.mean_after >= cut.mean_at_least - 1e-9
        elif cut.lowest_at_least is None:
            assert row.mean_after < cut.mean_at_least


def test_one_unit_language_and_results_table(demo_dataset: Dataset, villages: Grades) -> None:
    unit = villages.units["unit_code"].iloc[0]
    mine = next_steps(villages.indicators, unit_code=unit, lang="en")
    assert set(mine["unit_code"]) <= {unit}
    assert (mine["says"] == mine["says_en"]).all()
    # the grades_indicators result table: both levels, with a level column
    tambons = grade(demo_dataset, "tambon", villages=villages)
    both = pd.concat([villages.indicators, tambons.indicators], ignore_index=True)
    found = next_steps(both, limit=None)
    assert set(found["level"]) == {"village", "tambon"}
    assert "villages" in set(found.loc[found["level"] == "tambon", "indicator"])
    assert next_steps(both.iloc[:0]).empty


def test_another_rubric_version_is_refused(villages: Grades) -> None:
    table = villages.indicators.assign(rubric_version="000000000000")
    with pytest.raises(OkanalysisError):
        next_steps(table)
