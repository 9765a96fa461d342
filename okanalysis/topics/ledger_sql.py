"""The ledger's one pass as DuckDB SQL over Parquet, for the DuckDB engine.

`SqlLedger` is a Dataset's `ledger_source`: `ledger.period_sums` asks it for the yearly sums
(`year_periods`) and `ledger.cube` for the month cube, instead of reading the `ledger` table,
so the ledger is never held in pandas; what DuckDB holds past its memory limit spills to its
temporary folder. Both are the same as the pandas engine's (`ledger._build_cube`, then
`ledger.periods`) for the same rows, value for value:

- sums per (household, calendar month or Thai fiscal year, category), exact (integer satang,
  cast back to int64); entries per (household, month);
- a month entered c ≥ 2 times (every distinct (date, category, amount) exactly c times, at
  least `repeated_min_entries` distinct entries) is found as `ledger._build_cube` finds it:
  only among the months with at least twice `repeated_min_entries` entries whose entries'
  (seconds ^ amount) XOR to 0 (c even) or that have at least twice the household's median
  entries per month (c odd), then checked exactly; under `count_once` its sums and
  entries are divided by c (for years: the excess (c - 1)/c of the month is taken off).

The yearly sums need no month cube: one scan groups (household, month) for the entries and
the XOR, one groups (household, fiscal year, category) for the sums, far fewer groups than
(household, month, category). Households are numbered in id (text) order, then periods in
(household, year or month) order. Everything derived is independent of that order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from okanalysis.core.errors import OkanalysisError
from okanalysis.core.thai import BE_OFFSET
from okanalysis.topics.ledger import Cube, Layout, Periods, Thresholds, annualise


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

    def year_periods(self, lay: Layout, th: Thresholds) -> Periods:
        return build_years(self.con, self.relation, lay, th)


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


def _check_cells(con: Any, cells: str, no_date: str) -> None:
    """Refuse rows with no household id, category or date, or an unknown category (by the
    cells of `cells`, which hold `household_id` and `category`; `no_date` counts the rows with
    no date): the checks `ledger._build_cube` makes."""
    empty_id, empty_category, no_date = con.execute(
        "SELECT count(*) FILTER (household_id IS NULL), count(*) FILTER (category IS NULL), "
        f"{no_date} FROM {cells}"
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
            f"SELECT DISTINCT category FROM {cells} ANTI JOIN cube_categories USING (category) "
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


def _register_categories(con: Any, lay: Layout) -> None:
    con.register(
        "cube_categories",
        pa.table(
            {"category": pa.array(list(lay.codes), pa.string()), "pos": np.arange(len(lay.codes))}
        ),
    )


def build_cube(con: Any, relation: str, lay: Layout, th: Thresholds) -> Cube:
    """The cube of the rows of `relation`, computed by DuckDB (see the module's notes)."""
    _register_categories(con, lay)
    try:
        return _cube(con, relation, lay, th, len(lay.categories))
    finally:
        _drop(con, "cube_pairs", "cube_cells", "ledger_candidates", "ledger_repeated")


def _cube(con: Any, relation: str, lay: Layout, th: Thresholds, n_cat: int) -> Cube:
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
    _check_cells(con, "cube_cells", "coalesce(sum(no_date), 0)")
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
    if _find_repeated(con, relation, "cube_pairs", th):
        found = con.execute(
            "SELECT p.i, r.copies FROM ledger_repeated r JOIN cube_pairs p USING (household_id, month)"
        ).fetchnumpy()
        copies[np.asarray(found["i"], dtype=np.int64)] = np.asarray(found["copies"], np.int64)
        if th.repeated_policy == "count_once":
            repeated = copies > 1
            sums[repeated] //= copies[repeated, None]
            entries[repeated] //= copies[repeated]
    return Cube(
        household_ids=household_ids,
        hm_household=hm_household,
        hm_month=hm_month,
        entries=entries,
        copies=copies,
        sums=sums,
        layout=lay,
    )


def _fiscal_year(column: str) -> str:
    """SQL: the Thai fiscal year (BE) of a date or month (October starts the next year)."""
    return f"(year({column}) + {BE_OFFSET} + CASE WHEN month({column}) >= 10 THEN 1 ELSE 0 END)"


def _find_repeated(con: Any, relation: str, pairs: str, th: Thresholds) -> bool:
    """Create `ledger_repeated` (household_id, month, copies): the months of `pairs`
    (household_id, month, entries, x) entered c ≥ 2 times, checked exactly among the
    candidates (at least twice `repeated_min_entries` entries, and an XOR of 0 or at least
    twice the household's median entries per month, as `ledger._build_cube` picks them).
    False when no month is (the table may then not be made)."""
    least = int(th.repeated_min_entries)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ledger_candidates AS
        SELECT household_id, month FROM (
            SELECT household_id, month, entries, x,
                   median(entries) OVER (PARTITION BY household_id) AS usual
            FROM {pairs}
        )
        WHERE entries >= {2 * least} AND (x = 0 OR entries >= 2 * usual)
        """
    )
    if not con.execute("SELECT count(*) FROM ledger_candidates").fetchone()[0]:
        return False
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ledger_repeated AS
        WITH candidates AS (SELECT household_id, month FROM ledger_candidates),
        per_entry AS (
            SELECT c.household_id, c.month, l.date, l.category, l.amount_satang, count(*) AS n
            FROM {relation} l
            JOIN candidates c
              ON l.household_id = c.household_id AND date_trunc('month', l.date) = c.month
            GROUP BY ALL
        )
        SELECT household_id, month, min(n) AS copies FROM per_entry
        GROUP BY household_id, month
        HAVING min(n) = max(n) AND min(n) >= 2 AND count(*) >= {least}
        """
    )
    return bool(con.execute("SELECT count(*) FROM ledger_repeated").fetchone()[0])


def _drop(con: Any, *tables: str) -> None:
    for table in tables:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.unregister("cube_categories")


def build_years(con: Any, relation: str, lay: Layout, th: Thresholds) -> Periods:
    """The yearly sums of the rows of `relation` (`ledger.periods(cube, "year")` of the same
    rows), computed by DuckDB without the month cube (see the module's notes)."""
    _register_categories(con, lay)
    try:
        return _years(con, relation, lay, th, len(lay.categories))
    finally:
        _drop(
            con, "year_months", "year_cells", "year_periods", "ledger_candidates", "ledger_repeated"
        )


def _years(con: Any, relation: str, lay: Layout, th: Thresholds, n_cat: int) -> Periods:
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE year_cells AS
        SELECT household_id, {_fiscal_year("date")} AS fiscal_year, category,
               CAST(sum(amount_satang) AS BIGINT) AS total
        FROM {relation} GROUP BY ALL
        """
    )
    _check_cells(con, "year_cells", "count(*) FILTER (fiscal_year IS NULL)")
    # per (household, month): the entries and the XOR of their (seconds ^ amount)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE year_months AS
        SELECT household_id, date_trunc('month', date) AS month, count(*) AS entries,
               bit_xor(xor(epoch_us(date) // 1000000, amount_satang)) AS x
        FROM {relation} GROUP BY ALL
        """
    )
    repeated = _find_repeated(con, relation, "year_months", th)
    count_once = repeated and th.repeated_policy == "count_once"
    copies = "coalesce(r.copies, 1)" if repeated else "1"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE year_periods AS
        SELECT m.household_id, {_fiscal_year("m.month")} AS fiscal_year,
               count(*) AS months_recorded,
               CAST(sum({f"m.entries // {copies}" if count_once else "m.entries"}) AS BIGINT)
                   AS entries,
               count(*) FILTER ({copies} > 1) AS repeated_months,
               CAST(dense_rank() OVER (ORDER BY m.household_id) - 1 AS BIGINT) AS h,
               CAST(row_number() OVER (ORDER BY m.household_id, fiscal_year) - 1 AS BIGINT)
                   AS i
        FROM year_months m
        {"LEFT JOIN ledger_repeated r USING (household_id, month)" if repeated else ""}
        GROUP BY 1, 2
        """
    )
    p = con.execute(
        "SELECT h, household_id, fiscal_year, months_recorded, entries, repeated_months "
        "FROM year_periods ORDER BY i"
    ).fetchnumpy()
    household = np.asarray(p["h"], dtype=np.intp)
    n = len(household)
    household_ids = (
        np.asarray(p["household_id"], dtype=object)[
            np.flatnonzero(np.r_[True, household[1:] != household[:-1]])
        ]
        if n
        else np.array([], dtype=object)
    )
    recorded = np.zeros((n, n_cat), dtype=np.int64)
    cells = con.execute(
        "SELECT y.i, c.pos, t.total FROM year_cells t "
        "JOIN year_periods y USING (household_id, fiscal_year) "
        "JOIN cube_categories c USING (category)"
    ).fetchnumpy()
    recorded[np.asarray(cells["i"], dtype=np.int64), np.asarray(cells["pos"], dtype=np.int64)] = (
        np.asarray(cells["total"], dtype=np.int64)
    )
    del cells
    if count_once:  # a month entered c times counts once: take off its excess (c - 1)/c
        excess = con.execute(
            f"""
            SELECT y.i, c.pos, CAST(sum(t.s - t.s // t.copies) AS BIGINT) AS excess
            FROM (
                SELECT l.household_id, r.month, r.copies, l.category,
                       CAST(sum(l.amount_satang) AS BIGINT) AS s
                FROM {relation} l
                JOIN ledger_repeated r
                  ON l.household_id = r.household_id AND date_trunc('month', l.date) = r.month
                GROUP BY ALL
            ) t
            JOIN year_periods y
              ON y.household_id = t.household_id AND y.fiscal_year = {_fiscal_year("t.month")}
            JOIN cube_categories c USING (category)
            GROUP BY ALL
            """
        ).fetchnumpy()
        np.subtract.at(
            recorded,
            (np.asarray(excess["i"], dtype=np.int64), np.asarray(excess["pos"], dtype=np.int64)),
            np.asarray(excess["excess"], dtype=np.int64),
        )
    months_recorded = np.asarray(p["months_recorded"], dtype=np.int64)
    return Periods(
        household_ids=household_ids,
        layout=lay,
        household=household,
        fiscal_year=np.asarray(p["fiscal_year"], dtype=np.int64),
        month=None,
        months_recorded=months_recorded,
        entries=np.asarray(p["entries"], dtype=np.int64),
        repeated_months=np.asarray(p["repeated_months"], dtype=np.int64),
        recorded=recorded,
        annual=annualise(recorded, months_recorded),
    )
