"""Thai-reader helpers: what a form or a file gives becomes a calendar date, or nothing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from okanalysis.core import thai


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2008, 6, 30), dt.date(2008, 6, 30)),
        (dt.datetime(2008, 6, 30, 23, 59), dt.date(2008, 6, 30)),
        (pd.Timestamp("2008-06-30 08:00"), dt.date(2008, 6, 30)),
        (" 2008-06-30 ", dt.date(2008, 6, 30)),
        ("๒๐๐๘-๐๖-๓๐", dt.date(2008, 6, 30)),  # Thai digits
        ("30/06/2551", None),
        ("2008-02-30", None),
        ("", None),
        (pd.NaT, None),
        (None, None),
        (20080630, None),
    ],
)
def test_to_date_takes_dates_and_iso_text_and_nothing_else(value, expected):
    assert thai.to_date(value) == expected
