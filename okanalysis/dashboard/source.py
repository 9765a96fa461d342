"""Where the dashboards' results come from: a results folder as it is, or raw data computed
into results once (`okanalysis.results.build`, reused while the inputs are unchanged) in a child
process, so neither the server nor any kernel ever holds the raw province.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from okanalysis.core.errors import InputError, OkanalysisError

#: The child process: build (or reuse) the results and say where they are, or what is wrong,
#: as one JSON line on stdout (the progress bar goes to stderr).
_CHILD = """
import json, sys
from okanalysis.core.errors import OkanalysisError
from okanalysis.results.build import build
try:
    found = build(sys.argv[1], province=sys.argv[2] or None, progress=sys.stderr.isatty())
except OkanalysisError as e:
    print(json.dumps({"error": [e.expected_th, e.expected_en], "file": e.file,
                      "column": e.column, "value": None if e.value is None else str(e.value)}))
    sys.exit(2)
print(json.dumps({"path": str(found.path), "reused": found.reused,
                  "seconds": round(found.seconds, 1)}))
"""


def is_results(path: str | os.PathLike[str]) -> bool:
    from okanalysis.results.store import is_results as check

    return check(path)


def results_path(
    data: str | os.PathLike[str], *, quiet: bool = True, province: str | None = None
) -> Path:
    """The results folder for `data`: `data` itself when it is one, else the results built (or
    reused) from the raw data at `data` by a child process (the raw data never enters this
    process); `province` picks one province of a folder of several (default 80), and is
    checked against a results folder's own. `quiet=False` prints where they are."""
    data = Path(data)
    if is_results(data):
        if province not in (None, ""):
            from okanalysis.results.build import build

            build(data, province=province)  # refuses results of another province, by name
        return data.resolve()
    if not data.exists():
        raise InputError(
            "ไม่พบข้อมูล โปรดระบุ --data หรือสร้างข้อมูลสาธิตด้วย make demo",
            "data not found; give --data or build the demo with `make demo`",
            file=str(data),
        )
    if not quiet:
        print(
            f"คำนวณผลลัพธ์ / computing the results of {data} (once; reused while unchanged)",
            flush=True,
        )
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, str(data), province or ""],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    answer = json.loads(lines[-1]) if lines else {}
    if run.returncode != 0 or "path" not in answer:
        th, en = answer.get("error") or (
            "คำนวณผลลัพธ์ไม่ได้ (รายละเอียดอยู่ในบันทึกข้างบน)",
            "the results could not be computed (details above)",
        )
        raise OkanalysisError(
            th,
            en,
            file=answer.get("file") or str(data),
            column=answer.get("column"),
            value=answer.get("value"),
        )
    found = Path(answer["path"])
    if not quiet:
        how = "ใช้ผลลัพธ์เดิม / reused" if answer.get("reused") else "คำนวณแล้ว / computed"
        print(f"ผลลัพธ์ / results: {found} ({how}, {answer.get('seconds', 0)} s)", flush=True)
    return found
