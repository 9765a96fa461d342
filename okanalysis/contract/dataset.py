"""The Dataset: every table of the contract, typed, plus the problems found while loading."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from okanalysis.contract import schema

PROBLEM_COLUMNS = [
    "file",
    "table",
    "row",
    "column",
    "value",
    "check",
    "expected_th",
    "expected_en",
]


def empty_problems() -> pd.DataFrame:
    """An empty problems (rejects) table."""
    return pd.DataFrame(
        {c: pd.Series([], dtype="Int64" if c == "row" else "str") for c in PROBLEM_COLUMNS}
    )


@dataclass
class Dataset:
    """All tables of one province's data, each a typed DataFrame in the contract's columns.

    `problems` lists every rejected value (file, row, column, value, what is expected in Thai
    and English); the rows it names are not in the tables. `source` says where it came from.
    """

    tables: dict[str, pd.DataFrame]
    problems: pd.DataFrame = field(default_factory=empty_problems)
    source: str = ""
    #: True when every row passed the contract's checks (a Dataset from `okanalysis.load`).
    validated: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.tables) - set(schema.TABLES)
        if unknown:
            raise KeyError(f"unknown tables: {sorted(unknown)}")
        for name in schema.TABLE_ORDER:
            if name not in self.tables:
                self.tables[name] = schema.empty_table(name)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return len(self.problems) == 0

    def summary(self) -> pd.DataFrame:
        """Rows loaded and problems found per table."""
        counts = self.problems.groupby("table").size() if len(self.problems) else pd.Series()
        return pd.DataFrame(
            {
                "table": list(schema.TABLE_ORDER),
                "table_th": [schema.TABLES[t].th for t in schema.TABLE_ORDER],
                "rows": [len(self.tables[t]) for t in schema.TABLE_ORDER],
                "problems": [int(counts.get(t, 0)) for t in schema.TABLE_ORDER],
            }
        )
