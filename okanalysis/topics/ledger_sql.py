"""The ledger's one pass (`ledger.Cube`) as DuckDB SQL over Parquet, for the DuckDB engine.

`SqlLedger` is a Dataset's `ledger_source`: `ledger.cube` asks it for the cube instead of
reading the `ledger` table, so the ledger is never held in pandas; what DuckDB holds past its
memory limit spills to its temporary folder. The cube is the same as `ledger._build_cube`
gives for the same rows, value for value:

- sums per (household, calendar month, category), exact (integer satang, cast back to int64);
- entries per (household, month);
- a month entered c ≥ 2 times (every distinct (date, category, amount) exactly c times, at
  least `repeated_min_entries` distinct entries) is found as `ledger._build_cube` finds it:
  only among the months whose entries' (seconds ^ amount) XOR to 0 with at least twice
  `repeated_min_entries` entries, then checked exactly; under `count_once` its sums and
  entries are divided by c.

Pairs are numbered by household id (text order) then month; household codes index the ids
present. Everything derived from the cube is independent of that order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from okanalysis.core.errors import OkanalysisError
from okanalysis.topics.ledger import Cube, Layout, Thresholds


class SqlLedger:
    """A ledger out of core: the rows of `relation` (household_id, date, category,
    amount_satang) on the DuckDB connection `con`."""

    def __init__(self, con: Any, relation: str) -> None:
        self.con = con
        self.relation = relation
        self._rows: int | None = None

    @property
    def rows(self) -> int:
        """The ledger's rows (counted once, when asked)."""
        if self._rows is None:
            self._rows = int(
                self.con.execute(f"SELECT count(*) FROM {self.relation}").fetchone()[0]
            )
        return self._rows

    def cube(self, lay: Layout, th: Thresholds) -> Cube:
        return build_cube(self.con, self.relation, lay, th)


def _empty(lay: Layout) -> Cube:
    return Cube(
        np.array([], dtype=object),
        np.array([], dtype=np.intp),
        np.array([], dtype="datetime64[M]"),
        np.array([], dtype=np.int64),
        np.array([], dtype=np.int64),
        np.zeros((0, len(lay.categories)), dtype=np.int64),
        lay,
    )


def build_cube(con: Any, relation: str, lay: Layout, th: Thresholds) -> Cube:
    """The cube of the rows of `relation`, computed by DuckDB (see the module's notes)."""
    n_cat = len(lay.categories)
    con.register(
        "cube_categories",
        pa.table({"category": pa.array(list(lay.codes), pa.string()), "pos": np.arange(n_cat)}),
    )
    # one scan: per (household, month, category) the sum, the entries and the XOR of
    # (seconds ^ amount) of its entries (XOR is associative: the month's XOR follows)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE cube_cells AS
        SELECT household_id, date_trunc('month', date) AS month, category,
               CAST(sum(amount_satang) AS BIGINT) AS total,
               count(*) AS n,
               bit_xor(xor(epoch_us(date) // 1000000, amount_satang)) AS x,
               count(*) FILTER (date IS NULL) AS no_date
        FROM {relation}
        GROUP BY ALL
        """
    )
    empty_id, empty_category, no_date = con.execute(
        "SELECT count(*) FILTER (household_id IS NULL), count(*) FILTER (category IS NULL), "
        "coalesce(sum(no_date), 0) FROM cube_cells"
    ).fetchone()
    if empty_id or empty_category:
        raise OkanalysisError(
            "บัญชีมีรหัสครัวเรือนหรือหมวดรายการว่าง",
            "the ledger has empty household ids or categories",
            column="household_id" if empty_id else "category",
        )
    unknown = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT category FROM cube_cells ANTI JOIN cube_categories USING (category) "
            "ORDER BY category LIMIT 5"
        ).fetchall()
    ]
    if unknown:
        raise OkanalysisError(
            "บัญชีมีหมวดรายการที่ไม่อยู่ในรายการหมวด (ledger_categories.yaml)",
            "the ledger has categories not in ledger_categories.yaml",
            column="category",
            value=unknown,
        )
    if no_date:
        raise OkanalysisError("บัญชีมีวันที่ว่าง", "the ledger has empty dates", column="date")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE cube_pairs AS
        SELECT household_id, month,
               CAST(sum(n) AS BIGINT) AS entries,
               bit_xor(x) AS x,
               CAST(row_number() OVER (ORDER BY household_id, month) - 1 AS BIGINT) AS i,
               CAST(dense_rank() OVER (ORDER BY household_id) - 1 AS BIGINT) AS h
        FROM cube_cells GROUP BY household_id, month
        """
    )
    pairs = con.execute("SELECT i, h, household_id, month, entries, x FROM cube_pairs ORDER BY i")
    p = pairs.fetchnumpy()
    n_pairs = len(p["i"])
    if n_pairs == 0:
        return _empty(lay)
    hm_household = np.asarray(p["h"], dtype=np.intp)
    household_ids = np.asarray(p["household_id"], dtype=object)[
        np.flatnonzero(np.r_[True, hm_household[1:] != hm_household[:-1]])
    ]
    hm_month = np.asarray(p["month"]).astype("datetime64[M]")
    entries = np.asarray(p["entries"], dtype=np.int64)

    cells = con.execute(
        "SELECT p.i, c.pos, t.total FROM cube_cells t "
        "JOIN cube_pairs p USING (household_id, month) "
        "JOIN cube_categories c USING (category)"
    ).fetchnumpy()
    sums = np.zeros((n_pairs, n_cat), dtype=np.int64)
    sums[np.asarray(cells["i"], dtype=np.int64), np.asarray(cells["pos"], dtype=np.int64)] = (
        np.asarray(cells["total"], dtype=np.int64)
    )
    del cells

    copies = np.ones(n_pairs, dtype=np.int64)
    candidates = (np.asarray(p["x"], dtype=np.int64) == 0) & (
        entries >= 2 * th.repeated_min_entries
    )
    if candidates.any():
        found = con.execute(
            f"""
            WITH candidates AS (
                SELECT household_id, month, i FROM cube_pairs
                WHERE x = 0 AND entries >= {2 * int(th.repeated_min_entries)}
            ),
            per_entry AS (
                SELECT c.i, l.date, l.category, l.amount_satang, count(*) AS n
                FROM {relation} l
                JOIN candidates c
                  ON l.household_id = c.household_id AND date_trunc('month', l.date) = c.month
                GROUP BY ALL
            )
            SELECT i, min(n) AS copies FROM per_entry GROUP BY i
            HAVING min(n) = max(n) AND min(n) >= 2 AND count(*) >= {int(th.repeated_min_entries)}
            """
        ).fetchnumpy()
        copies[np.asarray(found["i"], dtype=np.int64)] = np.asarray(found["copies"], np.int64)
        if th.repeated_policy == "count_once":
            repeated = copies > 1
            sums[repeated] //= copies[repeated, None]
            entries[repeated] //= copies[repeated]
    con.execute("DROP TABLE IF EXISTS cube_pairs")
    con.execute("DROP TABLE IF EXISTS cube_cells")
    con.unregister("cube_categories")
    return Cube(
        household_ids=household_ids,
        hm_household=hm_household,
        hm_month=hm_month,
        entries=entries,
        copies=copies,
        sums=sums,
        layout=lay,
    )
