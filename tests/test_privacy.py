"""One privacy setting, one function: small groups are marked and blanked, never dropped."""

from __future__ import annotations

import pandas as pd
import pytest

from okanalysis import privacy
from okanalysis.core.errors import ParameterError


def summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": ["80010101", "80010102", "80010103"],
            "unit_th": ["บ้านหนึ่ง", "บ้านสอง", "บ้านสาม"],
            "households": pd.array([4, 5, 0], dtype="Int64"),
            "spend_satang": pd.array([120_000, 300_000, 0], dtype="int64"),
            "share": [0.25, 0.4, 0.0],
            "met": [True, False, False],
            "recipients": pd.array([9, 2, 0], dtype="Int64"),
            "paid_satang": pd.array([50_000, 7_000, 0], dtype="Int64"),
        }
    )


def test_the_shipped_setting_is_five():
    assert privacy.min_group_size() == 5


def test_a_group_of_four_is_blanked_and_marked_not_dropped():
    out = privacy.suppress(summary(), "households")
    assert len(out) == 3
    assert out["suppressed"].tolist() == [True, False, False]
    small = out.iloc[0]
    assert small["unit_th"] == "บ้านหนึ่ง"  # labels stay
    for column in ("households", "spend_satang", "share", "met", "recipients"):
        assert pd.isna(small[column]), column
    assert out.iloc[1]["spend_satang"] == 300_000  # exact money, still integer
    assert out["spend_satang"].dtype == "Int64"
    # an empty group shows nothing about anyone: it is not suppressed
    assert not out.iloc[2]["suppressed"]


def test_several_size_columns_add_to_one_mark():
    first = privacy.suppress(summary(), "households", columns=["spend_satang", "share"])
    both = privacy.suppress(first, "recipients", columns=["recipients", "paid_satang"])
    assert both["suppressed"].tolist() == [True, True, False]
    assert pd.isna(both.iloc[1]["paid_satang"]) and both.iloc[1]["spend_satang"] == 300_000
    assert both.iloc[0]["paid_satang"] == 50_000  # nine recipients: shown


def test_the_setting_comes_from_the_parameters_folder(tmp_path, monkeypatch):
    (tmp_path / "privacy.yaml").write_text("min_group_size: 3\n", encoding="utf-8")
    monkeypatch.setenv("OKANALYSIS_PARAMETERS", str(tmp_path))
    assert privacy.min_group_size() == 3
    out = privacy.suppress(summary(), "households")
    assert not out["suppressed"].any()


@pytest.mark.parametrize("text", ["min_group_size: 0\n", "min_group_size: five\n", "other: 5\n"])
def test_a_bad_setting_is_refused_with_the_file(tmp_path, text):
    path = tmp_path / "privacy.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError, match=r"privacy\.yaml") as caught:
        privacy.min_group_size(path)
    assert caught.value.row == 1
