"""The contract's fingerprint: what a validation depends on, as one hash.

Validated Parquet (written after a full validation) is trusted on the next load only while
the contract, the ledger categories, the sectors, geothai's data and the toolkit version are
unchanged.
"""

from __future__ import annotations

import hashlib

from okanalysis.contract import schema
from okanalysis.core import params
from okanalysis.core.version import __version__


def contract_fingerprint() -> str:
    """A hash of everything a validation depends on: the contract, the ledger categories and
    sectors, the geothai data and the okanalysis version. Validated Parquet stays trusted only
    while this is unchanged."""
    import geothai

    parts = [__version__, repr(schema.TABLES), str(geothai.DATA_VERSION)]
    folder = params.parameters_dir()
    for name in ("ledger_categories.yaml", "sectors.yaml"):
        path = folder / name
        parts.append(path.read_text(encoding="utf-8") if path.exists() else "")
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()
