"""The Dataset: every table of the contract, typed, plus the problems found while loading.

Tables are replaced, never edited: `ds.replace(ledger=...)` gives a new Dataset sharing the
other tables (and none of the results memoised on the old one). Every way of reaching a table
(`ds.ledger`, `ds["ledger"]`, `ds.tables["ledger"]`) hands out a fresh copy-on-write view of it,
so an edit to what you got (`ds.ledger.loc[...] = ...`, a new column, an in-place sort) changes
that view only, never the Dataset's own table or anything memoised from it; `ds.tables` cannot
be assigned to, and the arrays under the stored tables are read-only besides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from okanalysis.contract import schema

T = TypeVar("T")

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


class Tables(Mapping[str, pd.DataFrame]):
    """A Dataset's tables, read-only: each lookup hands out a new copy-on-write view of the
    stored table (no data is copied until the view is written to)."""

    __slots__ = ("_stored",)

    def __init__(self, stored: dict[str, pd.DataFrame]) -> None:
        self._stored = stored

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._stored[name].copy(deep=False)

    def __contains__(self, name: object) -> bool:
        return name in self._stored

    def __iter__(self) -> Iterator[str]:
        return iter(self._stored)

    def __len__(self) -> int:
        return len(self._stored)

    def __setitem__(self, name: str, value: object) -> None:
        raise TypeError(
            "ตารางของ Dataset แก้ไขไม่ได้ ให้สร้างชุดใหม่ด้วย ds.replace(...) / "
            f"a Dataset's tables are never edited: use ds.replace({name}=...) for a new Dataset"
        )

    def __delitem__(self, name: str) -> None:
        self.__setitem__(name, None)

    def __repr__(self) -> str:
        return f"Tables({', '.join(f'{n}: {len(t):,} rows' for n, t in self._stored.items())})"


def _read_only(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame`'s numpy arrays made read-only, so even a write past pandas (to `Series.array`)
    raises instead of changing a stored table. Best effort: it reads pandas' blocks, and
    copy-on-write views already keep every pandas-level edit away from the stored table."""
    for block in getattr(getattr(frame, "_mgr", None), "blocks", ()):
        values = block.values
        arrays = [values] + [
            getattr(values, a, None) for a in ("_ndarray", "_data", "_mask", "_codes")
        ]
        for array in arrays:
            if isinstance(array, np.ndarray):
                array.flags.writeable = False
    return frame


def _check_names(names: Iterable[str]) -> None:
    unknown = set(names) - set(schema.TABLES)
    if unknown:
        raise KeyError(f"unknown tables: {sorted(unknown)}")


@dataclass
class Dataset:
    """All tables of one province's data, each a typed DataFrame in the contract's columns.

    `problems` lists every rejected value (file, row, column, value, what is expected in Thai
    and English); the rows it names are not in the tables. `source` says where it came from.
    Tables are replaced, never edited: `replace(ledger=...)` gives a new Dataset; `tables`
    (read-only) and `ds.<table>` hand out copy-on-write views.
    """

    tables: Mapping[str, pd.DataFrame]
    problems: pd.DataFrame = field(default_factory=empty_problems)
    source: str = ""
    #: True when every row passed the contract's checks (a Dataset from `okanalysis.load`).
    validated: bool = False
    #: The province code the data is for (None: the province its villages lie in).
    province: str | None = None
    #: An out-of-core ledger (the DuckDB results engine): the `ledger` table is then an empty
    #: stand-in, and everything derived from the ledger comes from this source's
    #: `year_periods(layout, thresholds)` and `cube(layout, thresholds)` (see
    #: `okanalysis.topics.ledger.period_sums` and `cube`); its `rows` are the ledger's good
    #: rows. None: the ledger is the `ledger` table.
    ledger_source: Any = None

    def __post_init__(self) -> None:
        given = dict(self.tables)
        _check_names(given)
        stored = {name: _read_only(frame.copy(deep=False)) for name, frame in given.items()}
        for name in schema.TABLE_ORDER:
            if name not in stored:
                stored[name] = _read_only(schema.empty_table(name))
        self._set_tables(stored)

    def _set_tables(self, stored: dict[str, pd.DataFrame]) -> None:
        # each stored table with a key object of its own: results memoised on the Dataset hold
        # the keys they were computed from (see `table_key`)
        object.__setattr__(self, "_stored", stored)
        object.__setattr__(self, "_keys", {name: object() for name in stored})
        object.__setattr__(self, "tables", Tables(stored))

    def __setattr__(self, name: str, value: object) -> None:
        if name == "tables" and "tables" in self.__dict__:
            raise AttributeError(
                "ตารางของ Dataset แก้ไขไม่ได้ ให้ใช้ ds.replace(...) / "
                "a Dataset's tables are never edited: use ds.replace(...)"
            )
        super().__setattr__(name, value)

    def __getattr__(self, name: str) -> pd.DataFrame:
        stored = self.__dict__.get("_stored")
        if stored is not None and name in stored:
            return stored[name].copy(deep=False)
        raise AttributeError(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def replace(self, **tables: pd.DataFrame) -> Dataset:
        """A new Dataset with `tables` in place of its own (e.g. `ds.replace(ledger=subset)`);
        the other tables are the very same objects, and nothing memoised on this one (the
        ledger's results) is carried over. `validated` stays only when nothing was replaced."""
        _check_names(tables)
        new = Dataset.__new__(Dataset)
        fields = {"problems": self.problems, "source": self.source, "province": self.province}
        fields["ledger_source"] = None if "ledger" in tables else self.ledger_source
        new.__dict__.update(fields, validated=self.validated and not tables)
        stored = {
            name: _read_only(tables[name].copy(deep=False)) if name in tables else frame
            for name, frame in self._stored.items()
        }
        new._set_tables(stored)
        new.__dict__["_keys"].update(
            {name: key for name, key in self._keys.items() if name not in tables}
        )
        return new

    def remember(self, slot: str, tables: tuple[str, ...], key: Any, compute: Callable[[], T]) -> T:
        """`compute()` once per `slot` of this Dataset's memo (the one cache of results derived
        from its tables: the ledger's sums and summaries, the units of its villages...):
        computed again when one of the named `tables` is no longer the exact table it was
        computed from (the memo holds their `table_key`s, so a key cannot be mistaken for a new
        one) or when `key` (categories, thresholds...) changes. Treat the value as read-only."""
        memo = self.__dict__.setdefault("_memo", {})
        used = tuple(self.table_key(name) for name in tables)
        entry = memo.get(slot)
        if entry is not None:
            old_used, old_key, value = entry
            same = len(old_used) == len(used) and all(
                a is b for a, b in zip(old_used, used, strict=True)
            )
            if same and old_key == key:
                return value
        memo.pop(slot, None)  # free the old value before computing the new one
        value = compute()
        memo[slot] = (used, key, value)
        return value

    def remembers(self, slot: str) -> bool:
        """Whether the memo holds `slot` (computed from these tables or from earlier ones)."""
        return slot in self.__dict__.get("_memo", {})

    def forget(self) -> None:
        """Drop everything memoised on this Dataset (frees the memory; never needed for
        correctness, since tables are replaced, not edited)."""
        self.__dict__.pop("_memo", None)

    def table_key(self, name: str) -> object:
        """An object standing for the exact table `name` is now: the same for as long as the
        Dataset lives (tables are never edited), shared with a `replace` that kept the table,
        new for a table replaced. A cache holds it to know what it was computed from."""
        return self._keys[name]

    def _rows(self, name: str) -> int:
        if name == "ledger" and self.ledger_source is not None:
            return int(self.ledger_source.rows)
        return len(self._stored[name])

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
                "rows": [self._rows(t) for t in schema.TABLE_ORDER],
                "problems": [int(counts.get(t, 0)) for t in schema.TABLE_ORDER],
            }
        )
