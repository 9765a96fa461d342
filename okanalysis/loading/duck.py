"""The ledger read and checked by DuckDB, never held in pandas (the DuckDB results engine).

`load` loads every table but the ledger the normal way (`validate.load(skip=("ledger",))`),
then `check_ledger` checks the ledger's Parquet rows in SQL with the rules `validate.load`
applies to them, producing the same problem rows (file, row, column, value, check, what is
expected in Thai and English) and leaving out the same rows:

- required cells (`entry_id`, `household_id`, `date`, `category`, `amount`), each reported
  only when the row has no earlier problem, as the pandas checks do;
- the form of the ids (`schema.ID_PATTERN`) and the categories of `ledger_categories.yaml`;
- the household must be among the households that loaded;
- an entry id seen twice: the later rows are rejected, naming the row that came first.

A ledger the manifest trusts (validated when written, same SHA-256, same contract) is read
without the row checks, as `validate.load` does. The good rows are the view `ledger_ok`
(`household_id`, `date`, `category`, `amount_satang`) for `okanalysis.topics.ledger_sql`.

The DuckDB engine reads the ledger as Parquet in the contract's columns and types (as
`okanalysis demo --format parquet` and `io.write_dataset` write it); a ledger in CSV or Excel,
or Parquet of other columns or types, is refused in Thai and English (load it with the pandas
engine, or write it as Parquet first).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from okanalysis.contract import schema
from okanalysis.contract.dataset import PROBLEM_COLUMNS, Dataset, empty_problems
from okanalysis.contract.fingerprint import contract_fingerprint
from okanalysis.core.errors import InputError
from okanalysis.loading import io, validate

LEDGER = "ledger"
#: The view of the ledger's good rows.
GOOD = "ledger_ok"
#: The columns the cube reads, and the column types DuckDB may find them in.
_TYPES = {
    "entry_id": ("VARCHAR",),
    "household_id": ("VARCHAR",),
    "date": ("TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATE"),
    "category": ("VARCHAR",),
    "amount_satang": ("TINYINT", "SMALLINT", "INTEGER", "BIGINT"),
}


@dataclass
class LedgerFiles:
    """The ledger's Parquet files of one load, and whether the manifest trusts them."""

    files: list[Path]
    trusted: bool


def connect(
    *,
    memory_limit: str | None = None,
    threads: int | None = None,
    temp_directory: str | os.PathLike[str] | None = None,
) -> Any:
    """A DuckDB connection in memory, spilling to `temp_directory` past `memory_limit`."""
    import duckdb

    con = duckdb.connect(":memory:")
    if temp_directory is not None:
        Path(temp_directory).mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = {_quote(str(temp_directory))}")
    if memory_limit is not None:
        con.execute(f"SET memory_limit = {_quote(memory_limit)}")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    return con


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ledger_files(path: str | os.PathLike[str], province: str | None = None) -> LedgerFiles:
    """The ledger's files at `path` (of `province` in a folder partitioned by province), which
    must be Parquet; trusted when the manifest trusts them as `validate.load` would."""
    path = Path(path)
    files = io.table_files(path, LEDGER, province)
    other = [f for f in files if f.suffix.lower() != ".parquet"]
    if other:
        raise InputError(
            'เครื่องคำนวณ DuckDB อ่านบัญชีครัวเรือนจากไฟล์ Parquet เท่านั้น: ใช้ engine="pandas" '
            "หรือเขียนข้อมูลเป็น Parquet ก่อน (เช่น okanalysis demo --format parquet หรือ "
            'io.write_dataset(load(...), OUT, "parquet"))',
            'the DuckDB engine reads the ledger from Parquet only: use engine="pandas", or '
            "write the data as Parquet first (okanalysis demo --format parquet, or "
            'io.write_dataset(load(...), OUT, "parquet"))',
            file=str(other[0]),
        )
    trusted = False
    if len(files) == 1:
        fingerprint = contract_fingerprint()
        names = io.trusted_files(path, fingerprint, province)
        trusted = io.relative_name(path, files[0]) in names
    return LedgerFiles(files, trusted)


def _columns(con: Any, file: Path) -> dict[str, str]:
    """The column names and DuckDB types of a Parquet file (its footer only)."""
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_quote(str(file))})")
    return {str(r[0]): str(r[1]) for r in described.fetchall()}


def _source(con: Any, files: LedgerFiles) -> str:
    """The SQL of the ledger's rows: file index `f`, row in its file `row` (from 1, as
    `io.read_tables` numbers Parquet rows) and the columns the checks and the cube read."""
    parts = []
    for i, file in enumerate(files.files):
        found = _columns(con, file)
        for column, types in _TYPES.items():
            kind = found.get(column)
            if kind not in types:
                shown = kind or "-"
                raise InputError(
                    f"เครื่องคำนวณ DuckDB ต้องการคอลัมน์ {column} ชนิด {types[0]} ในบัญชีครัวเรือน "
                    f'(พบ {shown}): ใช้ engine="pandas" หรือเขียนข้อมูลด้วย okanalysis '
                    "(io.write_dataset)",
                    f"the DuckDB engine needs the ledger's column {column} as {types[0]} "
                    f'(found {shown}): use engine="pandas", or write the data with okanalysis '
                    "(io.write_dataset)",
                    file=str(file),
                    column=column,
                    value=shown,
                )
        parts.append(
            f"SELECT {i} AS f, file_row_number + 1 AS row, entry_id, household_id, "
            "CAST(date AS TIMESTAMP) AS date, category, CAST(amount_satang AS BIGINT) AS "
            f"amount_satang FROM read_parquet({_quote(str(file))}, file_row_number = true)"
        )
    if not parts:
        return (
            "SELECT NULL::INTEGER AS f, NULL::BIGINT AS row, NULL::VARCHAR AS entry_id, "
            "NULL::VARCHAR AS household_id, NULL::TIMESTAMP AS date, NULL::VARCHAR AS category, "
            "NULL::BIGINT AS amount_satang WHERE false"
        )
    return "\nUNION ALL\n".join(parts)


def _id_ok(column: str) -> str:
    """SQL: `column` has the form of an id, as the pandas check reads `schema.ID_PATTERN`
    (Python's `$` also matches before a final line break)."""
    pattern = _quote(schema.ID_PATTERN.removeprefix("^").removesuffix("$"))
    return f"regexp_full_match(regexp_replace({column}, '\n$', ''), {pattern})"


# one flag per check, in the order the pandas checks report a row's problems; a `required`
# flag only when the row has no earlier problem (`col.bad` in validate._schema_checks)
_FLAGS = {
    "e_req": "entry_id IS NULL",
    "e_fmt": f"entry_id IS NOT NULL AND NOT {_id_ok('entry_id')}",
    "h_req": "household_id IS NULL AND NOT (e_req OR e_fmt)",
    "h_fmt": f"household_id IS NOT NULL AND NOT {_id_ok('household_id')}",
    "d_req": "date IS NULL AND NOT (e_req OR e_fmt OR h_req OR h_fmt)",
    "c_req": "category IS NULL AND NOT (e_req OR e_fmt OR h_req OR h_fmt OR d_req)",
    "c_bad": "category IS NOT NULL AND category NOT IN (SELECT category FROM ledger_categories)",
    "a_req": "amount_satang IS NULL AND NOT (e_req OR e_fmt OR h_req OR h_fmt OR d_req OR c_req "
    "OR c_bad)",
    "h_ref": "household_id IS NOT NULL AND NOT (e_req OR e_fmt OR h_req OR h_fmt OR d_req OR "
    "c_req OR c_bad OR a_req) AND household_id NOT IN (SELECT household_id FROM "
    "ledger_households)",
}
#: flag -> (column as the file names it, value column or None, check)
_CHECKS = {
    "e_req": ("entry_id", None, "required"),
    "e_fmt": ("entry_id", "entry_id", "format"),
    "h_req": ("household_id", None, "required"),
    "h_fmt": ("household_id", "household_id", "format"),
    "d_req": ("date", None, "required"),
    "c_req": ("category", None, "required"),
    "c_bad": ("category", "category", "allowed_values"),
    "a_req": ("amount", None, "required"),
    "h_ref": ("household_id", "household_id", None),
}


def check_ledger(con: Any, files: LedgerFiles, households: pd.DataFrame) -> pd.DataFrame:
    """Check the ledger's rows in SQL (unless trusted) and create the view `ledger_ok` of the
    good rows; returns the problems, as `validate.load` reports them, in its order."""
    import pyarrow as pa

    con.execute(f"CREATE OR REPLACE TEMP VIEW ledger_rows AS {_source(con, files)}")
    if files.trusted:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {GOOD} AS SELECT * FROM ledger_rows")
        return empty_problems()
    categories = pa.table({"category": pa.array(list(_categories()), pa.string())})
    ids = households["household_id"].dropna().astype("str").drop_duplicates()
    known = pa.table({"household_id": pa.array(ids.tolist(), pa.string())})
    con.register("ledger_categories", categories)
    con.register("ledger_households", known)
    # each flag may use the ones before it: one nested select per flag
    query = "SELECT * FROM ledger_rows"
    for name, rule in _FLAGS.items():
        query = f"SELECT *, ({rule}) AS {name} FROM ({query})"
    any_flag = " OR ".join(_FLAGS)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE ledger_bad AS SELECT * EXCLUDE (date, amount_satang) "
        f"FROM ({query}) WHERE {any_flag}"
    )
    # a key seen twice among the rows with no other problem: the later rows are rejected
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE ledger_dups AS
        WITH good AS (
            SELECT f, row, entry_id FROM ledger_rows ANTI JOIN ledger_bad USING (f, row)
        ),
        twice AS (SELECT entry_id FROM good GROUP BY entry_id HAVING count(*) > 1)
        SELECT f, row, entry_id,
               first_value(row) OVER w AS first_row,
               row_number() OVER w AS k
        FROM good WHERE entry_id IN (SELECT entry_id FROM twice)
        WINDOW w AS (PARTITION BY entry_id ORDER BY f, row)
        QUALIFY k > 1
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {GOOD} AS
        SELECT * FROM ledger_rows
        ANTI JOIN (SELECT f, row FROM ledger_bad UNION ALL SELECT f, row FROM ledger_dups)
        USING (f, row)
        """
    )
    bad = con.execute("SELECT * FROM ledger_bad ORDER BY f, row").fetch_df()
    dups = con.execute("SELECT * FROM ledger_dups ORDER BY f, row").fetch_df()
    return _problems(files, bad, dups)


def _categories() -> tuple[str, ...]:
    f = schema.TABLES[LEDGER].field("category")
    return tuple(schema.choice_values(f))


def _problems(files: LedgerFiles, bad: pd.DataFrame, dups: pd.DataFrame) -> pd.DataFrame:
    """The problem rows of the flagged rows and the repeated keys, as `validate.load` gives
    them: by file, then row, a row's problems in the order its checks ran."""
    t = schema.TABLES[LEDGER]
    names = [str(f) for f in files.files]
    expected = {f.file_column: validate.expected(f) for f in t.fields}
    ref_check, ref_th, ref_en = validate.reference_expected(t.references[0])
    parts = []
    for order, (flag, (column, value, check)) in enumerate(_CHECKS.items()):
        hit = bad.loc[bad[flag].fillna(False).astype(bool)]
        if hit.empty:
            continue
        th, en = (ref_th, ref_en) if check is None else expected[column]
        parts.append(
            pd.DataFrame(
                {
                    "f": hit["f"].to_numpy(),
                    "row": hit["row"].to_numpy(),
                    "order": order,
                    "column": column,
                    "value": hit[value].astype("object").where(hit[value].notna(), "")
                    if value
                    else "",
                    "check": check or ref_check,
                    "expected_th": th,
                    "expected_en": en,
                }
            )
        )
    if len(dups):
        texts = [validate.duplicate_expected(int(r)) for r in dups["first_row"]]
        parts.append(
            pd.DataFrame(
                {
                    "f": dups["f"].to_numpy(),
                    "row": dups["row"].to_numpy(),
                    "order": len(_CHECKS),
                    "column": "+".join(t.key),
                    "value": dups["entry_id"].astype("object"),
                    "check": "duplicate_key",
                    "expected_th": [th for th, _ in texts],
                    "expected_en": [en for _, en in texts],
                }
            )
        )
    if not parts:
        return empty_problems()
    out = pd.concat(parts, ignore_index=True).sort_values(["f", "row", "order"], kind="stable")
    out["file"] = [names[int(i)] for i in out["f"]]
    out["table"] = LEDGER
    out["value"] = out["value"].map(str)
    out["row"] = out["row"].astype("Int64")
    out = out[PROBLEM_COLUMNS].reset_index(drop=True)
    return out.astype({c: "str" for c in PROBLEM_COLUMNS if c != "row"})


def load(
    path: str | os.PathLike[str],
    con: Any,
    *,
    province: str | None = None,
    progress: bool = False,
) -> Dataset:
    """Every table but the ledger loaded and validated as `validate.load` does, the ledger
    checked in SQL on `con` (the view `ledger_ok` of its good rows); the problems of both, in
    the order `validate.load` gives them. The Dataset's `ledger` is empty: give it a
    `ledger_source` over `ledger_ok` (`okanalysis.topics.ledger_sql.SqlLedger`)."""
    province = io.resolve_province(path, province)
    files = ledger_files(path, province)
    ds = validate.load(path, province=province, progress=progress, skip=(LEDGER,))
    problems = check_ledger(con, files, ds.households)
    if len(problems):
        merged = pd.concat([ds.problems, problems], ignore_index=True)
        merged = merged.sort_values(["table", "file", "row"], kind="stable", na_position="first")
        ds.problems = merged.reset_index(drop=True)
    return ds
