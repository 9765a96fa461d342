"""Parquet that okanalysis validated and wrote is read fast, but only while it is unchanged."""

import json

import pandas as pd
import pytest

import okanalysis
from okanalysis.loading import io, validate
from tests.helpers import write_small


@pytest.fixture
def validated_folder(tmp_path):
    ds = okanalysis.load(write_small(tmp_path / "csv"))
    assert ds.validated and ds.ok
    io.write_dataset(ds, tmp_path / "pq", "parquet")
    return tmp_path / "pq", ds


@pytest.fixture
def parse_calls(monkeypatch):
    calls = []
    real = validate._parse_table

    def spy(raw, col):
        calls.append(raw.name)
        return real(raw, col)

    monkeypatch.setattr(validate, "_parse_table", spy)
    return calls


def test_unchanged_validated_parquet_skips_the_row_checks(validated_folder, parse_calls):
    folder, original = validated_folder
    manifest = json.loads((folder / io.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["validated"] and "ledger.parquet" in manifest["files"]
    back = okanalysis.load(folder)
    assert parse_calls == []  # trusted: no table was parsed again
    assert back.ok
    for name in ("villages", "households", "ledger"):
        pd.testing.assert_frame_equal(back[name], original[name], check_categorical=False)


def test_a_changed_file_is_checked_again_in_full(validated_folder, parse_calls):
    folder, _ = validated_folder
    ledger = pd.read_parquet(folder / "ledger.parquet")
    ledger["household_id"] = ledger["household_id"].astype("str")
    ledger.loc[0, "household_id"] = "H999"  # someone edits the file with pandas
    ledger.to_parquet(folder / "ledger.parquet", index=False)
    back = okanalysis.load(folder)
    assert "ledger" in parse_calls and "villages" in parse_calls  # all or nothing
    assert list(back.problems["check"]) == ["reference_households"]
    assert len(back.ledger) == 2


def test_unvalidated_or_other_contract_is_checked(validated_folder, parse_calls, monkeypatch):
    folder, ds = validated_folder
    real = validate.contract_fingerprint
    monkeypatch.setattr(validate, "contract_fingerprint", lambda: "another contract")
    okanalysis.load(folder)
    assert "ledger" in parse_calls
    parse_calls.clear()
    monkeypatch.setattr(validate, "contract_fingerprint", real)
    unvalidated = okanalysis.Dataset(tables=dict(ds.tables))  # not from load: not validated
    io.write_dataset(unvalidated, folder, "parquet")
    assert not json.loads((folder / io.MANIFEST).read_text(encoding="utf-8"))["validated"]
    okanalysis.load(folder)
    assert "ledger" in parse_calls
