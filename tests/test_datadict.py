"""The data dictionary is generated from the contract and the committed copy never drifts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from okanalysis.contract import datadict, schema
from okanalysis.core import params

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read the project's own parameters, whatever the environment says."""
    monkeypatch.delenv("OKANALYSIS_PARAMETERS", raising=False)
    monkeypatch.chdir(ROOT)


def test_committed_data_dictionary_is_up_to_date(project_parameters: None) -> None:
    committed = datadict.DOC_PATH.read_text(encoding="utf-8")
    assert committed == datadict.render(), (
        f"docs/data.md is out of date with okanalysis/contract/schema.py or parameters/: "
        f"regenerate it with `{datadict.REGENERATE}` (or `make docs`) and commit it"
    )


def test_mentions_every_table_column_and_label(project_parameters: None) -> None:
    text = datadict.render()
    for t in schema.TABLES.values():
        assert f"### `{t.name}`: {t.th} / {t.en}" in text
        assert f"`{t.name}.csv`" in text and f"`{t.name}.parquet`" in text
        section = text.split(f'<a id="{t.name}"></a>')[1].split("<a id=")[0]
        assert schema.TOPICS[t.topic][0] in section
        for f in t.fields:
            assert f"| `{f.file_column}`" in section, (t.name, f.name)
            assert f" | {f.th} | " in section, (t.name, f.th)
            if f.kind == schema.MONEY:
                assert f"`{f.name}_satang`" in section


def test_lists_every_choice_and_category(project_parameters: None) -> None:
    text = datadict.render()
    sector = schema.TABLES["people"].field("sector")
    for code, (th, en) in schema.choice_values(sector).items():
        assert f"`{code}` {th} / {en}" in text
    categories = text.split('<a id="ledger-categories"></a>')[1]
    for c in params.ledger_categories().itertuples():
        assert f"| `{c.category}` | {c.name_th} | {c.name_en} |" in categories
    # The ledger's category column points to that section rather than repeating it.
    ledger = text.split('<a id="ledger"></a>')[1].split("<a id=")[0]
    assert "](#ledger-categories)" in ledger
    assert "`INC_RUBBER`" not in ledger


def test_general_rules_are_bilingual_and_cover_the_promises(project_parameters: None) -> None:
    text = datadict.render()
    for needle in ("TIS-620", "cp874", "BOM", "15/01/2551", "2008-01-15", "๑๕/๐๑/๒๕๕๑",
                   "1,250.50", "PDPA", "national ID", "เลขประจำตัวประชาชน", "rejects",
                   "never modified", "ไม่ถูกแก้ไข", "`8001`–`8023`"):  # fmt: skip
        assert needle in text, needle
    for s in datadict.general_rules():
        for th, en in s.items:
            assert any("\u0e00" <= ch <= "\u0e7f" for ch in th), th
            assert th != en


def test_render_follows_the_parameters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A category added in the YAML appears in the dictionary: the doc cannot drift."""
    folder = tmp_path / "parameters"
    shutil.copytree(ROOT / "parameters", folder)
    yaml_path = folder / "ledger_categories.yaml"
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8")
        + "  - {code: EXP_DURIAN_TEST, name_th: ทุเรียนทดสอบ, name_en: Test durian,"
        " kind: expense, group: food, substitutable: true}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("OKANALYSIS_PARAMETERS", str(folder))
    assert "EXP_DURIAN_TEST" in set(params.ledger_categories()["category"])
    text = datadict.render()
    assert "| `EXP_DURIAN_TEST` | ทุเรียนทดสอบ | Test durian |" in text


def test_main_writes_and_checks(tmp_path: Path, project_parameters: None) -> None:
    out = tmp_path / "data.md"
    assert datadict.main(["--check", "--out", str(out)]) == 1  # missing file is out of date
    assert datadict.main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == datadict.render()
    assert datadict.main(["--check", "--out", str(out)]) == 0
    out.write_text("stale\n", encoding="utf-8")
    assert datadict.main(["--check", "--out", str(out)]) == 1


def test_every_ledger_flag_and_kind_has_labels() -> None:
    assert set(datadict.FLAG_LABELS) == set(params.FLAGS)
    assert set(datadict.CATEGORY_KINDS) == params.KINDS
