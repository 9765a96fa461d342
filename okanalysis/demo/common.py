"""What every step of the demo province shares: the fiscal calendar, the livelihoods and the
small helpers that build a table in the contract's dtypes, number ids and draw dates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from okanalysis.contract import schema

FISCAL_YEAR_BE = 2551
FY_START = np.datetime64("2007-10-01", "D")
FY_DAYS = 366  # 1 Oct 2007 - 30 Sep 2008 (2008 is a leap year)

# fiscal months Oct 2007 .. Sep 2008: first day (offset from 1 Oct 2007) and length
_MONTHS = np.arange("2007-10", "2008-11", dtype="datetime64[M]").astype("datetime64[D]")
MONTH_START = (_MONTHS[:-1] - FY_START).astype(np.int64)
MONTH_DAYS = np.diff(_MONTHS).astype(np.int64)

# the main incomes a village's livelihood mix is made of
LIVELIHOODS = tuple(schema.MAIN_INCOME)  # rubber, oil_palm, fruit, rice, fishing, ...


def contract_frame(table: str, columns: dict[str, object]) -> pd.DataFrame:
    """A DataFrame with exactly the table's columns, in order, in the contract's dtypes."""
    t = schema.TABLES[table]
    if set(columns) != set(t.columns):
        raise KeyError(f"{table}: {sorted(set(columns) ^ set(t.columns))}")
    data = {}
    for f in t.fields:
        values = columns[f.column]
        series = (
            values.reset_index(drop=True) if isinstance(values, pd.Series) else pd.Series(values)
        )
        data[f.column] = series.astype(schema.column_dtype(f))
    return pd.DataFrame(data)


def pick_from(rng: np.random.Generator, options: tuple | list, n: int) -> np.ndarray:
    """`n` random choices from a small list of options, as an object array."""
    arr = np.empty(len(options), dtype=object)
    arr[:] = list(options)
    return arr[rng.integers(0, len(options), n)]


def numbered(prefix: np.ndarray | list, numbers: np.ndarray, width: int, sep: str = "-") -> list:
    """Ids like 'FG80010101-01': a prefix and a zero-padded number, for small tables."""
    return [f"{p}{sep}{int(n):0{width}d}" for p, n in zip(prefix, numbers, strict=True)]


def rank_within(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2 ... within each run of equal values of an already grouped (sorted) array."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.r_[True, groups[1:] != groups[:-1]]
    first = np.flatnonzero(start)
    run = np.cumsum(start) - 1
    return np.arange(n) - first[run]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def fy_dates(rng: np.random.Generator, n: int, first: int = 0, last: int = FY_DAYS) -> np.ndarray:
    """Random dates between day `first` and `last` (exclusive) of fiscal 2551."""
    return FY_START + rng.integers(first, last, n).astype("timedelta64[D]")


def to_satang(values: np.ndarray, step: int = 1) -> np.ndarray:
    """Baht amounts rounded to `step` baht, as integer satang."""
    return (np.round(np.asarray(values, dtype=float) / step) * step * 100).astype(np.int64)


def tambon_quality(v: pd.DataFrame, tam: pd.DataFrame, column: str) -> np.ndarray:
    """A sub-district's quality on one component: the mean of its villages."""
    return v.groupby("tambon_code")[column].mean().reindex(tam["tambon_code"]).to_numpy()
