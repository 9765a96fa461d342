"""Privacy in one place: the smallest group of households or persons a shared result may show.

`parameters/privacy.yaml` holds one setting, `min_group_size` (5 by default). Every summary
that describes households or persons takes `shareable=True` and passes its result through
`suppress`: a row whose group is smaller than the setting keeps its labels, loses its figures
and is marked `suppressed`, so a report says "fewer than 5" instead of silently dropping it.
Internal results (`shareable=False`, the default) show everything. The ledger, potential and
grading modules call the same `suppress`, so reports and dashboards inherit one rule.

Summaries of things rather than people (learning centres, plan items, the budget) hold no
household or person figures and have nothing to suppress.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from okanalysis.core import params

#: The column that marks a suppressed row.
SUPPRESSED = "suppressed"


def min_group_size(path: str | os.PathLike[str] | None = None) -> int:
    """The smallest group (households or persons) a shareable result may show."""
    file = Path(path) if path else params.parameters_dir() / "privacy.yaml"
    data = params.read_yaml(file)
    return params.number(data, "min_group_size", file, integer=True, minimum=1)


def _blank(column: pd.Series, mask: np.ndarray) -> pd.Series:
    """`column` with the rows in `mask` set to missing, in a dtype that can hold missing
    (numpy integers become Int64, numpy flags boolean; built directly, a column at a time)."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        values = column.to_numpy()
        array = (
            pd.arrays.BooleanArray(values.astype(bool), mask.copy())
            if dtype.kind == "b"
            else pd.arrays.IntegerArray(values.astype(np.int64), mask.copy())
        )
        return pd.Series(array, index=column.index, name=column.name)
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return pd.Series(
            np.where(mask, np.nan, column.to_numpy()), index=column.index, name=column.name
        )
    if ptypes.is_bool_dtype(dtype):
        column = column.astype("boolean")
    elif ptypes.is_integer_dtype(dtype) and not isinstance(dtype, pd.Int64Dtype):
        column = column.astype("Int64")
    return column.mask(mask) if mask.any() else column.copy()


def _figure_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that hold figures (numbers, flags, dates), not labels (codes, names)."""
    return [
        c
        for c in frame.columns
        if c != SUPPRESSED
        and (
            ptypes.is_numeric_dtype(frame[c].dtype)
            or ptypes.is_bool_dtype(frame[c].dtype)
            or ptypes.is_datetime64_any_dtype(frame[c].dtype)
        )
    ]


def suppress(
    frame: pd.DataFrame,
    size: str,
    *,
    columns: Sequence[str] | None = None,
    min_size: int | None = None,
) -> pd.DataFrame:
    """Blank the figures of every row whose group is smaller than the privacy setting.

    `size` names the column holding the number of households or persons behind the row;
    rows with 0 < size < `min_size` (default: `min_group_size()`) get `columns` (default: every
    number, flag and date column, `size` included) set to missing and `suppressed` = True.
    Labels stay, so the reader sees that a group exists. Calling it again with another size
    column (for example welfare recipients) adds to the same `suppressed` mark.
    """
    limit = min_group_size() if min_size is None else min_size
    counts = pd.to_numeric(frame[size]).astype("Float64")
    small = ((counts > 0) & (counts < limit)).fillna(False).to_numpy(dtype=bool)
    targets = set(_figure_columns(frame) if columns is None else columns)
    # one new frame (not a column set at a time: that copies the frame's blocks each time)
    out = pd.DataFrame(
        {c: _blank(frame[c], small) if c in targets else frame[c].copy() for c in frame.columns},
        index=frame.index,
    )
    previous = out[SUPPRESSED] if SUPPRESSED in out else pd.Series(False, index=out.index)
    out[SUPPRESSED] = previous.to_numpy(dtype=bool) | small
    return out
