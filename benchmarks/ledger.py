"""Ledger benchmark: the toolkit's public functions against an independent DuckDB SQL reference.

    /tmp/venv/bin/python benchmarks/ledger.py                 # 20 million ledger rows
    /tmp/venv/bin/python benchmarks/ledger.py --rows 2000000  # fewer

Generates a ledger of N rows from the demo province (`okanalysis.demo`, fiscal year 2551 BE, real
districts and sub-districts) with the households and villages it needs, writes it as Parquet with
`okanalysis.io`, validates it once in full (printed as its own figure; the files are then recorded
as validated Parquet, as `okanalysis demo` does), then, each in a fresh process:

* toolkit: `okanalysis.load` + `ledger.household_summary` + `potential.rollup(level="village")`
  + `potential.opportunities` for every village, through the public functions only;
* reference: the same outputs in plain DuckDB SQL over the same Parquet files.

It checks that both agree (household money columns, village totals and medians, the opportunity
table) and prints both times, `ratio` (toolkit / reference) and the toolkit's `peak` memory (GB,
the process's maximum resident set). Validating raw CSV is a separate figure (rows per second).
Target on a 2-core, 24 GB machine: ratio at most 1.5 and peak under 4 GB at 20 million rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROWS_AT_SCALE_1 = 20_000_000  # okanalysis.demo.generate(1.0) writes about this many entries


# ---------------------------------------------------------------------------------------------
# data


def generate(rows: int, seed: int = 2551):
    """A Dataset with exactly `rows` ledger entries and the villages and households they need,
    from the demo province (`okanalysis.demo`) at the scale that gives at least that many."""
    from okanalysis import Dataset
    from okanalysis.demo import synthetic as demo

    scale = rows / ROWS_AT_SCALE_1 * 1.05
    while True:
        ds = demo.generate(scale, seed)
        if len(ds.ledger) >= rows:
            break
        scale *= 1.1 * rows / max(len(ds.ledger), 1)
    ledger = ds.ledger.iloc[:rows].reset_index(drop=True)  # whole households, bar the last
    return Dataset(tables={"villages": ds.villages, "households": ds.households, "ledger": ledger})


def write_parquet(dataset, folder: Path) -> None:
    """The dataset as Parquet files, through the toolkit's writer."""
    from okanalysis.loading.io import write_dataset

    write_dataset(dataset, folder, fmt="parquet", overwrite=True)


# ---------------------------------------------------------------------------------------------
# the two contenders, each run in its own process


def run_toolkit(folder: Path, results: Path) -> dict:
    """Load, household summary, village roll-up, opportunities of every village."""
    import okanalysis
    from okanalysis import ledger, potential

    t0 = time.perf_counter()
    ds = okanalysis.load(folder)
    t1 = time.perf_counter()
    summary = ledger.household_summary(ds)
    t2 = time.perf_counter()
    villages = potential.rollup(ds, level="village")
    t3 = time.perf_counter()
    opps = potential.opportunities(ds, level="village")
    t4 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9
    summary.to_parquet(results / "summary.parquet")
    villages.to_parquet(results / "rollup.parquet")
    opps.to_parquet(results / "opportunities.parquet")
    return {
        "load": t1 - t0,
        "summary": t2 - t1,
        "rollup": t3 - t2,
        "opportunities": t4 - t3,
        "total": t4 - t0,
        "peak_gb": peak,
        "rows": len(ds.ledger),
        "problems": len(ds.problems),
    }


def _reference_sql(folder: Path) -> list[str]:
    """The reference, written independently in plain DuckDB SQL over the Parquet files:
    statements creating `summary`, `rollup` and `opportunities` tables."""
    from okanalysis import ledger, potential
    from okanalysis.core import params

    th = ledger.read_thresholds()
    cats = params.ledger_categories()
    ledger_file = str(folder / "ledger.parquet").replace("'", "''")
    households_file = str(folder / "households.parquet").replace("'", "''")
    villages_file = str(folder / "villages.parquet").replace("'", "''")

    def when(cond: str, col: str = "amt") -> str:
        return f"sum(CASE WHEN {cond} THEN {col} ELSE 0 END)::BIGINT"

    income, expense = "kind = 'income'", "kind = 'expense'"
    money = [
        f"{when(income)} AS income_satang",
        f"{when(expense)} AS expense_satang",
        f"{when(income)} - {when(expense)} AS net_satang",
        f"{when('avoidable')} AS avoidable_satang",
        f"{when('substitutable')} AS substitutable_satang",
        f"{when('farm_input')} AS farm_input_satang",
    ]
    for grp, direction, name in (
        ("saving", "out", "savings_deposited"),
        ("saving", "in", "savings_withdrawn"),
        ("loan", "in", "loans_received"),
        ("loan", "out", "loans_repaid"),
    ):
        money.append(f"{when(f'grp = {grp!r} AND direction = {direction!r}')} AS {name}_satang")
    for cond, name in (
        (income, "income"),
        (expense, "expense"),
        ("avoidable", "avoidable"),
        ("substitutable", "substitutable"),
        ("farm_input", "farm_input"),
    ):
        money.append(f"{when(cond, 'annual')} AS {name}_annual_satang")
    money.append(f"{when(income, 'annual')} - {when(expense, 'annual')} AS net_annual_satang")
    for kind, prefix in (("income", "income_"), ("expense", "spend_")):
        for g in dict.fromkeys(cats.loc[cats["kind"] == kind, "group"]):
            name = g.removesuffix("_income") if kind == "income" else g
            money.append(f"{when(f'grp = {g!r}')} AS {prefix}{name}_satang")
    complete = (
        f"s.months_recorded >= {th.min_months} "
        f"AND s.entries >= {th.min_entries_per_month} * s.months_recorded "
        "AND h.members IS NOT NULL" + (" AND s.income_satang > 0" if th.require_income else "")
    )
    totals = potential.TOTALS  # the columns compared; their sums are written out below
    medians = {
        "income_annual_satang": "s.income_annual_satang",
        "expense_annual_satang": "s.expense_annual_satang",
        "net_annual_satang": "s.income_annual_satang - s.expense_annual_satang",
        "income_per_member_month_satang": "round(s.income_annual_satang / (12.0 * h.members))",
    }
    sums = ", ".join(f"sum(s.{c})::BIGINT AS {c}" for c in totals)
    meds = ", ".join(
        f"round(median({e}) FILTER (WHERE {complete}))::BIGINT AS median_{c}"
        for c, e in medians.items()
    )
    counted = ["households_recording", "households_assessed", *totals]
    filled = ", ".join(f"coalesce(p.{c}, 0) AS {c}" for c in counted)
    return [
        f"""CREATE VIEW entries AS
            SELECT household_id,
                   year(date) + 543 + CASE WHEN month(date) >= 10 THEN 1 ELSE 0 END
                       AS fiscal_year,
                   date_trunc('month', date) AS month, category, amount_satang
            FROM read_parquet('{ledger_file}')""",
        """CREATE TEMP TABLE per_year AS
            SELECT household_id, fiscal_year, count(DISTINCT month) AS months_recorded,
                   count(*) AS entries
            FROM entries GROUP BY household_id, fiscal_year""",
        """CREATE TEMP TABLE annualised AS
            SELECT c.*, round(c.amt * 12 / y.months_recorded::DOUBLE)::BIGINT AS annual
            FROM (SELECT household_id, fiscal_year, category, sum(amount_satang) AS amt
                  FROM entries GROUP BY household_id, fiscal_year, category) c
            JOIN per_year y USING (household_id, fiscal_year)""",
        f"""CREATE TEMP TABLE summary AS
            SELECT household_id, fiscal_year, any_value(y.months_recorded) AS months_recorded,
                   any_value(y.entries) AS entries, {", ".join(money)}
            FROM annualised a JOIN cats USING (category)
            JOIN per_year y USING (household_id, fiscal_year)
            GROUP BY household_id, fiscal_year""",
        f"""CREATE TEMP TABLE per_village AS
            SELECT h.village_code, count(*) AS households_recording,
                   count(*) FILTER (WHERE {complete}) AS households_assessed,
                   {sums}, {meds}
            FROM summary s JOIN read_parquet('{households_file}') h USING (household_id)
            GROUP BY h.village_code""",
        f"""CREATE TEMP TABLE rollup AS
            SELECT v.village_code AS unit_code, {filled},
                   {", ".join(f"p.median_{c}" for c in medians)}
            FROM read_parquet('{villages_file}') v LEFT JOIN per_village p USING (village_code)""",
        f"""CREATE TEMP TABLE opportunities AS
            WITH v AS (
                SELECT h.village_code, a.household_id, a.category, a.amt, a.annual, c.kind,
                       c.avoidable, c.substitutable
                FROM annualised a JOIN cats c USING (category)
                JOIN read_parquet('{households_file}') h USING (household_id)
            ),
            spending AS (
                SELECT village_code, sum(annual) FILTER (WHERE kind = 'expense') AS expense,
                       count(DISTINCT household_id) AS households
                FROM v GROUP BY village_code
            ),
            flagged AS (
                SELECT village_code, 'substitutable' AS kind, category, annual, amt FROM v
                WHERE substitutable AND kind = 'expense'
                UNION ALL
                SELECT village_code, 'avoidable', category, annual, amt FROM v
                WHERE avoidable AND kind = 'expense'
            ),
            per_unit AS (
                SELECT village_code AS unit_code, kind, category,
                       sum(annual)::BIGINT AS yearly_satang, sum(amt)::BIGINT AS recorded_satang,
                       count(*) FILTER (WHERE annual > 0) AS households_buying
                FROM flagged GROUP BY ALL HAVING sum(annual) > 0
            )
            SELECT p.*, s.households AS households_recording,
                   round(p.yearly_satang / greatest(p.households_buying, 1)::DOUBLE)::BIGINT
                       AS average_per_buyer_satang,
                   p.yearly_satang / s.expense::DOUBLE AS share_of_spending,
                   row_number() OVER (PARTITION BY p.unit_code, p.kind
                                      ORDER BY p.yearly_satang DESC, p.category) AS rank
            FROM per_unit p JOIN spending s ON s.village_code = p.unit_code""",
    ]


def run_reference(folder: Path, results: Path) -> dict:
    """The same outputs in DuckDB SQL, returned as pandas DataFrames."""
    import duckdb

    from okanalysis.core import params

    cats = params.ledger_categories().rename(columns={"group": "grp"})
    cats = cats[
        ["category", "kind", "grp", "direction", "avoidable", "substitutable", "farm_input"]
    ]
    statements = _reference_sql(folder)
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.register("cats", cats)
    for statement in statements:
        con.execute(statement)
    out = {
        name: con.execute(f"SELECT * FROM {name}").df()
        for name in ("summary", "rollup", "opportunities")
    }
    t1 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9
    for name, frame in out.items():
        frame.to_parquet(results / f"{name}.parquet")
    return {"total": t1 - t0, "peak_gb": peak}


# ---------------------------------------------------------------------------------------------
# agreement


def _agree(name: str, a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> list[str]:
    """Columns of `b` (reference) that differ in `a` (toolkit), joined on `keys`."""
    a = a.copy()
    b = b.copy()
    for k in keys:
        a[k] = a[k].astype(str)
        b[k] = b[k].astype(str)
    m = a.merge(b, on=keys, how="outer", suffixes=("", "_ref"), indicator=True)
    problems = []
    if (m["_merge"] != "both").any():
        problems.append(f"{name}: {(m['_merge'] != 'both').sum()} rows in only one of the two")
    m = m.loc[m["_merge"] == "both"]
    for col in b.columns:
        if col in keys:
            continue
        x = m[col].to_numpy(dtype=float, na_value=np.nan)
        y = m[f"{col}_ref"].to_numpy(dtype=float, na_value=np.nan)
        exact = col.endswith("_satang") or col in ("months_recorded", "entries", "rank")
        same = (x == y) if exact else np.isclose(x, y, rtol=1e-9, atol=1e-12)
        same |= np.isnan(x) & np.isnan(y)
        if not same.all():
            problems.append(f"{name}.{col}: {(~same).sum()} of {len(same)} differ")
    return problems


def compare(toolkit: Path, reference: Path) -> list[str]:
    """Every disagreement between the two result folders (empty when they agree)."""
    read = {
        d: {n: pd.read_parquet(d / f"{n}.parquet") for n in ("summary", "rollup", "opportunities")}
        for d in (toolkit, reference)
    }
    t, r = read[toolkit], read[reference]
    return (
        _agree("summary", t["summary"], r["summary"], ["household_id", "fiscal_year"])
        + _agree("rollup", t["rollup"], r["rollup"], ["unit_code"])
        + _agree(
            "opportunities",
            t["opportunities"],
            r["opportunities"],
            ["unit_code", "kind", "category"],
        )
    )


# ---------------------------------------------------------------------------------------------
# raw CSV validation


def csv_rate(dataset, rows: int, folder: Path) -> dict:
    """Rows per second of `okanalysis.load` validating a raw CSV ledger of `rows` rows."""
    from okanalysis import Dataset
    from okanalysis.loading.io import write_dataset

    ledger = dataset.ledger.iloc[:rows]
    households = dataset.households.loc[
        dataset.households["household_id"].isin(ledger["household_id"].unique())
    ]
    villages = dataset.villages.loc[
        dataset.villages["village_code"].isin(households["village_code"])
    ]
    small = Dataset(tables={"villages": villages, "households": households, "ledger": ledger})
    write_dataset(small, folder, fmt="csv", overwrite=True)
    return _child("csv", folder, folder)


def run_validate(folder: Path, _results: Path) -> dict:
    """The full validation of the freshly written Parquet, once, as when data arrives; it then
    records the files as validated so later loads (the toolkit run) read them directly."""
    import okanalysis
    from okanalysis.contract.fingerprint import contract_fingerprint
    from okanalysis.loading.io import mark_validated

    t0 = time.perf_counter()
    ds = okanalysis.load(folder)
    t1 = time.perf_counter()
    if ds.ok:
        mark_validated(folder, contract_fingerprint())
    return {"rows": len(ds.ledger), "seconds": t1 - t0, "problems": len(ds.problems)}


def run_csv(folder: Path, _results: Path) -> dict:
    import okanalysis

    t0 = time.perf_counter()
    ds = okanalysis.load(folder)
    t1 = time.perf_counter()
    return {
        "rows": len(ds.ledger),
        "seconds": t1 - t0,
        "rows_per_second": len(ds.ledger) / (t1 - t0),
    }


# ---------------------------------------------------------------------------------------------


def _child(kind: str, folder: Path, results: Path) -> dict:
    """Run one contender in a fresh Python process; its figures come back as JSON."""
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(folder), str(results)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=20_000_000, help="ledger rows (default 20,000,000)")
    ap.add_argument("--seed", type=int, default=2551)
    ap.add_argument(
        "--csv-rows", type=int, default=1_000_000, help="rows for the CSV figure (0: skip)"
    )
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, folder, results = args.child
        run = {
            "toolkit": run_toolkit,
            "reference": run_reference,
            "csv": run_csv,
            "validate": run_validate,
        }[kind]
        print(json.dumps(run(Path(folder), Path(results))))
        return 0

    work = args.dir or Path(tempfile.mkdtemp(prefix="okanalysis-bench-"))
    data, tk, ref = work / "parquet", work / "toolkit", work / "reference"
    for d in (tk, ref):
        d.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ds = generate(args.rows, args.seed)
    write_parquet(ds, data)
    print(
        f"generated {args.rows:,} ledger rows, {len(ds.households):,} households, "
        f"{len(ds.villages):,} villages in {time.perf_counter() - t0:.1f} s -> {data}"
    )
    csv = None
    if args.csv_rows:
        csv = csv_rate(ds, min(args.csv_rows, args.rows), work / "csv")
    del ds

    checked = _child("validate", data, tk)
    print(
        f"validate  {checked['seconds']:7.2f} s  (full check of the new Parquet, once when data "
        f"arrives: {checked['rows'] / checked['seconds']:,.0f} rows/s, {checked['problems']} problems)"
    )
    toolkit = _child("toolkit", data, tk)
    reference = _child("reference", data, ref)
    problems = compare(tk, ref)
    ratio = toolkit["total"] / reference["total"]
    print(
        f"toolkit   {toolkit['total']:7.2f} s  (load {toolkit['load']:.2f}, summary "
        f"{toolkit['summary']:.2f}, rollup {toolkit['rollup']:.2f}, opportunities "
        f"{toolkit['opportunities']:.2f}); rows loaded {toolkit['rows']:,}, "
        f"problems {toolkit['problems']:,}"
    )
    print(f"reference {reference['total']:7.2f} s  (DuckDB SQL over the Parquet files)")
    print(f"ratio     {ratio:7.2f}   (toolkit / reference; target <= 1.5)")
    print(f"peak      {toolkit['peak_gb']:7.2f} GB (toolkit process; target < 4)")
    analysis = toolkit["total"] - toolkit["load"]
    print(
        f"analysis  {analysis:7.2f} s  (toolkit without load: {analysis / reference['total']:.2f} x reference)"
    )
    if csv:
        print(
            f"csv       {csv['rows_per_second']:,.0f} rows/s validating raw CSV "
            f"({csv['rows']:,} rows in {csv['seconds']:.1f} s)"
        )
    print("agreement " + ("yes: every compared value is equal" if not problems else "NO"))
    for p in problems:
        print("  " + p)
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
