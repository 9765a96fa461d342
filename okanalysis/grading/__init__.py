"""okanalysis.grading: grading villages and sub-districts on the five components.

The names below are this layer's public API (`okanalysis.grading.open_...`); modules inside
okanalysis import the module that defines a name, never this file.
"""

from okanalysis.grading.grades import (
    APPLIES_TO,
    DIRECTIONS,
    GRADE_STATUS,
    GROUPINGS,
    INDICATOR_STATUS,
    OVERALL,
    Grades,
    Rubric,
    change,
    column_labels,
    grade,
    read_rubric,
    summary,
)

__all__ = [
    "APPLIES_TO",
    "DIRECTIONS",
    "GRADE_STATUS",
    "GROUPINGS",
    "INDICATOR_STATUS",
    "OVERALL",
    "Grades",
    "Rubric",
    "change",
    "column_labels",
    "grade",
    "read_rubric",
    "summary",
]
