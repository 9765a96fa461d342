"""The Dataset: tables are replaced (`replace`), never edited; what you get is a view."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from okanalysis import ledger
from okanalysis.contract import schema
from okanalysis.contract.dataset import Dataset


def _villages(codes: list[str]) -> pd.DataFrame:
    rows = [
        {"village_code": c, "tambon_code": c[:6], "amphoe_code": c[:4], "village_no": 1,
         "name_th": f"บ้าน {c}", "name_en": f"Ban {c}", "households": 100, "population": 400}
        for c in codes
    ]  # fmt: skip
    return schema.typed_frame("villages", rows)


def test_replace_shares_the_unchanged_tables_and_nothing_memoised(demo_dataset):
    ds = demo_dataset
    ledger.cube(ds)  # something memoised on the old one
    fewer = ds.ledger.iloc[:100]
    new = ds.replace(ledger=fewer)
    assert len(new.ledger) == 100 and len(ds.ledger) > 100
    for name in schema.TABLE_ORDER:
        same = new.table_key(name) is ds.table_key(name)
        assert same == (name != "ledger"), name
    # the same data, not a copy of it
    assert np.shares_memory(
        new.households["members"].array._data, ds.households["members"].array._data
    )
    assert not new.remembers("cube") and ds.remembers("cube")
    assert ledger.cube(new) is not ledger.cube(ds)
    assert (new.source, new.problems is ds.problems) == (ds.source, True)
    assert list(new.tables) == list(ds.tables)


def test_replace_refuses_an_unknown_table_and_keeps_validated_only_when_unchanged():
    ds = Dataset(tables={"villages": _villages(["80010101"])}, validated=True)
    with pytest.raises(KeyError, match="villagez"):
        ds.replace(villagez=_villages([]))
    assert ds.replace().validated
    assert not ds.replace(villages=_villages(["80010102"])).validated


def test_tables_are_handed_out_as_views():
    given = _villages(["80010101", "80010102"])
    ds = Dataset(tables={"villages": given})
    a, b = ds.villages, ds.villages
    assert a is not b and a.equals(b)
    a.loc[0, "name_th"] = "แก้"
    a["extra"] = 1
    assert ds.villages.equals(b) and "extra" not in ds.villages
    # the caller's own frame stays theirs: editing it does not reach the Dataset
    given.loc[0, "households"] = 1
    assert ds.villages.loc[0, "households"] == 100
    assert "villages" in ds.tables and len(ds.tables) == len(schema.TABLE_ORDER)
    assert dict(ds.tables)["villages"].equals(b)
    with pytest.raises(TypeError):
        del ds.tables["villages"]
