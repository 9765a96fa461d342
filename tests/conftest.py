"""Fixtures shared by the test files: the small demo province, built once per test run (once per
worker under pytest-xdist), in memory and as Parquet.

Sharing one Dataset is safe: its tables are never edited (every `ds.<table>` is a copy-on-write
view and `Dataset.replace` gives a changed copy), so no test can change what another one sees.
Tests that need another scale or seed build their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from okanalysis.contract.dataset import Dataset

DEMO_SCALE, DEMO_SEED = 0.02, 2551


@pytest.fixture(scope="session")
def demo_dataset() -> Dataset:
    """The demo province at scale 0.02, seed 2551: every district, 31 villages."""
    from okanalysis.demo import synthetic

    return synthetic.generate(DEMO_SCALE, DEMO_SEED)


@pytest.fixture(scope="session")
def demo_parquet(demo_dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`demo_dataset` written as Parquet (`io.write_dataset`) into a folder of this run; treat
    it as read-only (copy it first to change a file)."""
    from okanalysis.loading import io

    folder = tmp_path_factory.mktemp("demo") / "parquet"
    io.write_dataset(demo_dataset, folder, "parquet", note="test")
    return folder
