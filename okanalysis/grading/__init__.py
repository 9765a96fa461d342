"""okanalysis.grading: grading villages and sub-districts on the five components.

The names below are this layer's public API (`okanalysis.grading.open_...`); modules inside
okanalysis import the module that defines a name, never this file: the rubric is
`okanalysis.grading.rubric`, computing grades `okanalysis.grading.grades`, summaries over
grades and circles `okanalysis.grading.change`, what would lift a component one grade
`okanalysis.grading.steps`.
"""

from okanalysis.grading.change import DIRECTIONS, GROUPINGS, change, column_labels, summary
from okanalysis.grading.grades import GRADE_STATUS, INDICATOR_STATUS, OVERALL, Grades, grade
from okanalysis.grading.rubric import APPLIES_TO, Rubric, read_rubric
from okanalysis.grading.steps import STEP_COLUMNS, next_steps

__all__ = [
    "APPLIES_TO",
    "DIRECTIONS",
    "GRADE_STATUS",
    "GROUPINGS",
    "INDICATOR_STATUS",
    "OVERALL",
    "STEP_COLUMNS",
    "Grades",
    "Rubric",
    "change",
    "column_labels",
    "grade",
    "next_steps",
    "read_rubric",
    "summary",
]
