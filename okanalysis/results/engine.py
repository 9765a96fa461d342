"""The engines `results.build` computes with, and their settings.

- `pandas` (the default): `okanalysis.load` reads and checks every table in memory.
- `duckdb`: every table but the ledger loads the same way; the ledger is checked in SQL
  (`okanalysis.loading.duck`) and its one pass, the cube every ledger result derives from, is
  computed by DuckDB over the Parquet files (`okanalysis.topics.ledger_sql`), spilling to a
  temporary folder inside the results root past `memory_limit`. The ledger is never held in
  pandas. The results are the same as the pandas engine's, satang for satang.

DuckDB is imported only when the duckdb engine runs.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from okanalysis.contract.dataset import Dataset
from okanalysis.core.errors import OkanalysisError

ENGINES = ("pandas", "duckdb")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


def check_engine(engine: object) -> str:
    """`engine` when it is one of `ENGINES`, else the bilingual error naming it."""
    if engine not in ENGINES:
        listed = ", ".join(ENGINES)
        raise OkanalysisError(
            f"เครื่องคำนวณต้องเป็นหนึ่งใน {listed}",
            f"the engine must be one of {listed}",
            column="engine",
            value=engine,
        )
    return str(engine)


def check_memory_limit(limit: object) -> str | None:
    """A DuckDB memory limit such as 2GB, 512MB or 1.5GiB (None: DuckDB's own, 80% of RAM),
    written the way DuckDB reads it; anything else is refused in Thai and English."""
    if limit is None:
        return None
    m = _SIZE.match(str(limit))
    if not m or float(m.group(1)) <= 0:
        raise OkanalysisError(
            "ขนาดหน่วยความจำต้องเป็นตัวเลขมากกว่า 0 ตามด้วยหน่วย เช่น 2GB, 512MB หรือ 1.5GiB",
            "the memory limit must be a number above 0 with a unit, e.g. 2GB, 512MB or 1.5GiB",
            column="memory_limit",
            value=limit,
        )
    unit = m.group(2).upper().replace("I", "i")
    return f"{m.group(1)}{unit}"


def check_threads(threads: object) -> int | None:
    """A number of DuckDB threads, 1 or more (None: DuckDB's own, one per core)."""
    if threads is None:
        return None
    try:
        value = int(str(threads).strip())
        whole = not isinstance(threads, float) or float(threads).is_integer()
    except ValueError:
        value, whole = 0, False
    if value < 1 or not whole or isinstance(threads, bool):
        raise OkanalysisError(
            "จำนวนเธรดต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป",
            "threads must be a whole number of 1 or more",
            column="threads",
            value=threads,
        )
    return value


def settings(engine: str, memory_limit: str | None, threads: int | None) -> dict:
    """What the manifest records of the engine that computed the results."""
    if engine == "pandas":
        return {"name": engine}
    return {"name": engine, "memory_limit": memory_limit, "threads": threads}


@contextmanager
def duckdb_dataset(
    data: str | os.PathLike[str],
    *,
    province: str | None,
    temp: Path,
    memory_limit: str | None = None,
    threads: int | None = None,
    progress: bool = False,
) -> Iterator[Dataset]:
    """The Dataset of `data` for the duckdb engine, while the DuckDB connection is open: every
    table but the ledger loaded as `okanalysis.load` loads it, the problems of all (the
    ledger's found in SQL), and the ledger as a `ledger_source` over its good rows. DuckDB
    spills to `temp`, removed afterwards with the connection closed."""
    from okanalysis.loading import duck
    from okanalysis.topics.ledger_sql import SqlLedger

    con = duck.connect(memory_limit=memory_limit, threads=threads, temp_directory=temp)
    try:
        ds = duck.load(data, con, province=province, progress=progress)
        ds.ledger_source = SqlLedger(con, duck.GOOD)
        yield ds
    finally:
        con.close()
        shutil.rmtree(temp, ignore_errors=True)
