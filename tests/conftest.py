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


def browser_unavailable(reason: str) -> None:
    """Skip a browser test without chromium or Playwright; under CI (`CI` set) fail instead."""
    import os

    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, one per test module (`tests.support.browser`)."""
    from tests.support import browser as support

    if not support.CHROMIUM.exists():
        browser_unavailable(
            f"{support.CHROMIUM} is missing (apt-get install chromium fonts-thai-tlwg)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("playwright is not installed")
    with sync_playwright() as p:
        b = support.launch_chromium(p)
        yield b
        b.close()
