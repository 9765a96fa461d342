"""Parameter files the academic team edits are checked on load, naming the file and line."""

import os
import shutil
from pathlib import Path

import pytest

from okanalysis import ledger
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


def _count_parses(monkeypatch) -> list[int]:
    """A counter of the YAML parses `params.read_yaml` does."""
    parses = [0]
    real = params.yaml.load

    def counting(*args, **kwargs):
        parses[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(params.yaml, "load", counting)
    return parses


def test_read_yaml_parses_each_content_once_and_again_after_an_edit(tmp_path, monkeypatch):
    parses = _count_parses(monkeypatch)
    path = tmp_path / "thresholds.yaml"
    path.write_text("a:\n  b: 1\n  c: [1, 2]\n", encoding="utf-8")
    first = params.read_yaml(path)
    again = params.read_yaml(path)
    assert parses[0] == 1 and first == again and first["a"].line == 2
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(path.read_bytes())
    assert params.read_yaml(copy) == first and parses[0] == 1  # the same content: not parsed
    # an edit of the same length, with the old modification time put back, is still seen
    stat = path.stat()
    path.write_text("a:\n  b: 2\n  c: [1, 2]\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = params.read_yaml(path)
    assert edited["a"]["b"] == 2 and parses[0] == 2


def test_read_yaml_returns_a_copy_the_caller_may_change(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("a:\n  b: [1, 2]\n", encoding="utf-8")
    mine = params.read_yaml(path)
    mine["a"]["b"].append(3)
    mine["x"] = 1
    fresh = params.read_yaml(path)
    assert fresh == {"a": {"b": [1, 2]}} and fresh["a"].line == 2


def test_read_yaml_refusals_name_the_file_and_line(tmp_path):
    missing = tmp_path / "nothing.yaml"
    with pytest.raises(ParameterError, match="parameter file not found") as err:
        params.read_yaml(missing)
    assert err.value.file == str(missing)
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: 1\nb: [1, 2\nc: 3\n", encoding="utf-8")
    for _ in range(2):  # a refusal is not cached away
        with pytest.raises(ParameterError, match="malformed YAML") as err:
            params.read_yaml(broken)
        assert err.value.file == str(broken) and err.value.row == 3
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("a: 1\nname: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ParameterError, match="UTF-8") as err:
        params.read_yaml(latin)
    assert (err.value.file, err.value.row) == (str(latin), 2)


def test_parsed_parameters_follow_an_edit_within_the_same_second(tmp_path):
    path = _copy_with(tmp_path, "name_en: Rice,", "name_en: Rice,")
    assert params.ledger_categories(path).set_index("category").loc["EXP_RICE", "name_en"] == "Rice"
    stat = path.stat()
    text = path.read_text(encoding="utf-8").replace("name_en: Rice,", "name_en: Rize,", 1)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert params.ledger_categories(path).set_index("category").loc["EXP_RICE", "name_en"] == "Rize"
    thresholds = tmp_path / "thresholds.yaml"
    shutil.copy(SOURCE.parent / "thresholds.yaml", thresholds)
    before = ledger.read_thresholds(thresholds)
    stat = thresholds.stat()
    text = thresholds.read_text(encoding="utf-8")
    assert "min_months: 6" in text
    thresholds.write_text(text.replace("min_months: 6", "min_months: 7"), encoding="utf-8")
    os.utime(thresholds, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (before.min_months, ledger.read_thresholds(thresholds).min_months) == (6, 7)
