"""Parameter files the academic team edits are checked on load, naming the file and line."""

import shutil
from pathlib import Path

import pytest

from okanalysis.core import params
from okanalysis.core.errors import ParameterError

SOURCE = Path(__file__).resolve().parent.parent / "parameters" / "ledger_categories.yaml"


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    target = tmp_path / "ledger_categories.yaml"
    shutil.copy(SOURCE, target)
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _line_of(path: Path, needle: str) -> int:
    return next(
        i
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    )


def test_shipped_categories_are_complete():
    cats = params.ledger_categories()
    assert cats["category"].is_unique
    assert set(cats["kind"]) == {"income", "expense", "transfer"}
    assert cats.loc[cats["avoidable"], "group"].eq("vice").all()
    assert {"EXP_RICE", "FARM_FERTILISER", "EXP_SOAP"} <= set(
        cats.loc[cats["substitutable"], "category"]
    )
    assert cats.loc[cats["kind"] == "transfer", "direction"].isin(["in", "out"]).all()
    groups = params.ledger_groups()
    consumption = groups[groups["consumption"]]
    assert consumption["nso_share"].sum() == pytest.approx(100.0)


def test_unquoted_comma_is_refused_with_its_line(tmp_path):
    path = _copy_with(
        tmp_path, 'name_en: "Soap, toothpaste and shampoo"', "name_en: Soap, toothpaste and shampoo"
    )
    with pytest.raises(ParameterError) as err:
        params.ledger_categories(path)
    assert err.value.row == _line_of(path, "EXP_SOAP")
    assert "quote" in str(err.value)


def test_wrong_kind_for_group_is_refused(tmp_path):
    path = _copy_with(
        tmp_path,
        "{code: EXP_RICE, name_th: ข้าวสาร, name_en: Rice, kind: expense",
        "{code: EXP_RICE, name_th: ข้าวสาร, name_en: Rice, kind: income",
    )
    with pytest.raises(ParameterError, match="group 'food' is of kind expense"):
        params.ledger_categories(path)


def test_malformed_yaml_names_the_line(tmp_path):
    path = tmp_path / "ledger_categories.yaml"
    path.write_text("groups:\n  - {code: food\ncategories: []\n", encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        params.ledger_categories(path)
    assert err.value.row is not None and err.value.file == str(path)
