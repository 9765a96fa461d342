"""The one registry of Thai and English labels: every key named both ways, and the reports,
the grading, the circle store and the contract reading their words from it."""

from __future__ import annotations

import re

import pytest

from okanalysis.circles import store as circles
from okanalysis.contract import schema
from okanalysis.core import labels
from okanalysis.core.components import COMPONENTS, GRADES
from okanalysis.grading.change import DIRECTIONS, LABELLED_COLUMNS, column_labels
from okanalysis.grading.grades import GRADE_STATUS, INDICATOR_STATUS
from okanalysis.report import notebook as report

THAI = re.compile(r"[\u0e00-\u0e7f]")


def test_every_key_has_thai_and_english():
    assert labels.LABELS
    for key, (th, en) in labels.LABELS.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_A-Z0-9]+", key), key
        assert th.strip() and THAI.search(th), key
        assert en.strip() and not THAI.search(en), key


def test_label_pair_and_group():
    assert labels.pair("level.tambon") == ("ตำบล", "sub-district")
    assert labels.label("level.tambon") == "ตำบล"
    assert labels.label("level.tambon", "en") == "sub-district"
    assert list(labels.group("direction")) == ["up", "same", "down"]
    assert list(labels.group("level", ("amphoe", "village"))) == ["amphoe", "village"]
    with pytest.raises(KeyError, match=re.escape("no label 'level.moon'")):
        labels.pair("level.moon")


def test_report_labels_come_from_the_registry():
    for key, value in report.PROGRAMME_LABELS.items():
        assert value == labels.pair(f"column.{key}"), key
    assert report.NAME_LABELS == {
        "name": labels.pair("column.name"),
        "unit_code": labels.pair("column.code"),
    }
    for lang in ("th", "en"):
        shown = [name for name, _ in report.headline_items({}, lang)]
        i = 0 if lang == "th" else 1
        for key in ("villages", "households_recording", "below_line_share", "avoidable_annual"):
            assert labels.pair(f"column.{key}")[i] in shown


def test_grading_labels_come_from_the_registry():
    names = column_labels()
    for key in LABELLED_COLUMNS:
        assert names[key] == labels.pair(f"column.{key}"), key
    for code, value in COMPONENTS.items():
        assert names[code] == value  # the components' names stay in core.components
    for g in GRADES:
        assert names[f"computed_{g}"] == labels.pair(f"column.computed_{g}")
        assert names[f"agreed_{g}"] == labels.pair(f"column.agreed_{g}")
    assert INDICATOR_STATUS["no_data"] == labels.pair("status.no_data")
    assert INDICATOR_STATUS["not_applicable"] == GRADE_STATUS["not_applicable"]
    assert GRADE_STATUS["graded"] == labels.pair("grade_status.graded") == names["graded"]
    assert DIRECTIONS == labels.group("direction")


def test_levels_and_roles_are_named_once():
    assert schema.LEVELS == labels.group("level", ("village", "tambon", "amphoe", "province"))
    assert schema.ROLES == labels.group("role")
    for level, value in circles.UNIT_LEVELS.items():
        assert value == labels.pair(f"level.{level}")
    for column in ("computed", "agreed", "reason", "evidence"):
        th, en = labels.pair(f"column.{column}")
        assert circles.EXPORT_LABELS[f"leadership_{column}"][0].endswith(f": {th}")
        assert circles.EXPORT_LABELS[f"leadership_{column}"][1].endswith(f": {en}")
