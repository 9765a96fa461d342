"""Small hand-built inputs for tests: write tables as a user would, in CSV."""

from __future__ import annotations

import csv
from pathlib import Path

VILLAGES = [
    # Khanom (8015): tambon 801501 Khanom
    {
        "village_code": "80150101",
        "tambon_code": "801501",
        "amphoe_code": "8015",
        "village_no": "1",
        "name_th": "บ้านหน้าด่าน",
        "households": "120",
        "population": "410",
    },
    {
        "village_code": "80150102",
        "tambon_code": "801501",
        "amphoe_code": "8015",
        "village_no": "2",
        "name_th": "บ้านในเพลา",
        "households": "95",
        "population": "330",
    },
]
HOUSEHOLDS = [
    {
        "household_id": "H001",
        "village_code": "80150101",
        "members": "4",
        "keeps_accounts": "ใช่",
        "main_income": "ยางพารา",
        "debt": "12,000",
    },
    {
        "household_id": "H002",
        "village_code": "80150102",
        "members": "3",
        "keeps_accounts": "ใช่",
        "main_income": "fishing",
        "debt": "0",
    },
]
LEDGER = [
    {
        "entry_id": "E1",
        "household_id": "H001",
        "date": "15/01/2551",
        "category": "EXP_RICE",
        "amount": "1,250.50",
    },
    {
        "entry_id": "E2",
        "household_id": "H001",
        "date": "2008-01-16",
        "category": "INC_RUBBER",
        "amount": "8,400",
    },
    {
        "entry_id": "E3",
        "household_id": "H002",
        "date": "๑๗/๐๑/๒๕๕๑",
        "category": "ข้าวสาร",
        "amount": "๑๒๕",
    },
]


def write_csv(folder: Path, table: str, rows: list[dict], encoding: str = "utf-8") -> Path:
    """Write rows as `<table>.csv` in `folder` with the given encoding."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.csv"
    columns = list(dict.fromkeys(k for r in rows for k in r))
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_small(folder: Path, **overrides: list[dict]) -> Path:
    """A small valid province folder; pass a table's rows to replace them."""
    tables = {"villages": VILLAGES, "households": HOUSEHOLDS, "ledger": LEDGER, **overrides}
    for name, rows in tables.items():
        write_csv(folder, name, rows)
    return folder
