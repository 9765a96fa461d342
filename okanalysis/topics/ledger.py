"""Household ledger analysis: each household's accounts, per fiscal year or month.

`household_summary` turns the ledger (บัญชีรับจ่ายครัวเรือน) into one row per household and period:
income, spending, net, savings and loans, income by source, spending by group, the avoidable,
substitutable and farm-input shares, income per member against the poverty line, how complete
the record is, and outlier flags. Money stays exact: every sum is integer satang (int64).

Speed: the ledger is read once into a dense table of sums per (household, month, category),
built with integer codes and `numpy.add.at` (exact int64 accumulation, no float). Every summary,
the potential assessment, the roll-ups and the opportunities are derived from that table (or,
for the years of an out-of-core ledger, from the same sums per year computed in SQL:
`period_sums`), which is memoised on the Dataset instance itself (`Dataset.remember`), keyed
on the exact tables it was computed from (`Dataset.table_key`, held by the memo) and on the
categories and thresholds used. Tables are replaced, never edited (`ds.replace(ledger=...)`
gives a new Dataset with an empty memo; an edit to `ds.ledger` changes a copy-on-write view,
never the memoised table), so the memo cannot go stale.

Rules the academic team can change live in `parameters/thresholds.yaml` (see `read_thresholds`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from okanalysis.contract.dataset import Dataset
from okanalysis.core import params
from okanalysis.core.errors import OkanalysisError, ParameterError
from okanalysis.core.thai import BE_OFFSET

T = TypeVar("T")
PERIODS = ("year", "month")
REPEATED_POLICIES = ("count_once", "keep")

# ---------------------------------------------------------------------------------------------
# thresholds


@dataclass(frozen=True)
class Thresholds:
    """The ledger analysis' editable rules (`parameters/thresholds.yaml`), validated."""

    poverty_line_baht: dict[int, int]
    min_months: int
    min_entries_per_month: int
    require_income: bool
    repeated_min_entries: int
    repeated_policy: str
    outlier_iqr_factor: float
    outlier_min_households: int

    def key(self) -> str:
        """A stable text key of these values (for memoising)."""
        return json.dumps(self.__dict__, sort_keys=True, default=str)

    def poverty_line(self, year_be: int) -> tuple[int, int]:
        """(year whose line applies, line in satang) for a BE fiscal year: that year's line,
        else the latest earlier year's, else the earliest year's."""
        years = sorted(self.poverty_line_baht)
        earlier = [y for y in years if y <= year_be]
        used = earlier[-1] if earlier else years[0]
        return used, round(self.poverty_line_baht[used] * 100)


def read_thresholds(
    source: str | os.PathLike[str] | Mapping | Thresholds | None = None,
) -> Thresholds:
    """The ledger thresholds from a YAML file, a mapping of the same shape, or the default
    `thresholds.yaml` of the parameters folder. Errors name the file, line and key."""
    return read_parameters_source(source, Thresholds, "thresholds.yaml", _parse_thresholds)


def read_parameters_source(
    source: Any, kind: type[T], file_name: str, parse: Callable[[Any, Path], T]
) -> T:
    """Parameters given as a parsed `kind`, a mapping shaped like the YAML, a file path, or
    None (`file_name` in the parameters folder). A file is parsed again only when its content
    changes (`params.content_key`)."""
    if isinstance(source, kind):
        return source
    if isinstance(source, Mapping):
        return parse(source, Path(f"<{file_name}>"))
    path = Path(source) if source else params.parameters_dir() / file_name
    return _parse_file(parse, path.resolve(), params.content_key(path))


@cache
def _parse_file(parse: Callable[[Any, Path], Any], path: Path, _digest: str) -> Any:
    return parse(params.read_yaml(path), path)


def _parse_thresholds(data: Any, path: Path) -> Thresholds:
    lines = params.require(data, "poverty_line_baht", path, kind=dict)
    poverty = {}
    for year in lines:
        if not isinstance(year, int) or not 2400 <= year <= 2700:
            raise ParameterError(
                "ปีของเส้นความยากจนต้องเป็นปี พ.ศ. เช่น 2551",
                "poverty-line years must be Buddhist-era years such as 2551",
                file=str(path),
                row=getattr(lines, "line", None),
                column="poverty_line_baht",
                value=year,
            )
        poverty[year] = params.number(lines, year, path, minimum=1)
    if not poverty:
        raise ParameterError(
            "ต้องมีเส้นความยากจนอย่างน้อยหนึ่งปี",
            "at least one year's poverty line is required",
            file=str(path),
            column="poverty_line_baht",
        )
    complete = params.require(data, "complete_enough", path, kind=dict)
    repeated = params.require(data, "repeated_month", path, kind=dict)
    outliers = params.require(data, "outliers", path, kind=dict)
    return Thresholds(
        poverty_line_baht=poverty,
        min_months=params.number(complete, "min_months", path, integer=True, minimum=1),
        min_entries_per_month=params.number(complete, "min_entries_per_month", path, integer=True),
        require_income=bool(params.require(complete, "require_income", path, kind=bool)),
        repeated_min_entries=params.number(repeated, "min_entries", path, integer=True, minimum=1),
        repeated_policy=params.require(repeated, "policy", path, allowed=set(REPEATED_POLICIES)),
        outlier_iqr_factor=float(params.number(outliers, "iqr_factor", path)),
        outlier_min_households=params.number(
            outliers, "min_households", path, integer=True, minimum=4
        ),
    )


# ---------------------------------------------------------------------------------------------
# categories as integer positions


@dataclass(frozen=True)
class Layout:
    """The ledger categories as arrays indexed by integer category code."""

    categories: pd.DataFrame  # params.ledger_categories(), positional
    groups: pd.DataFrame  # params.ledger_groups()

    @property
    def codes(self) -> np.ndarray:
        return self.categories["category"].to_numpy(dtype=object)

    def mask(self, **conditions: Any) -> np.ndarray:
        """Boolean mask over categories where every column equals the given value (each
        asked once per layout; the caller gets its own copy)."""
        masks = self.__dict__.setdefault("_masks", {})
        asked = tuple(sorted(conditions.items()))
        if asked not in masks:
            m = np.ones(len(self.categories), dtype=bool)
            for column, value in conditions.items():
                m &= (self.categories[column] == value).to_numpy(dtype=bool, na_value=False)
            masks[asked] = m
        return masks[asked].copy()

    def key(self) -> str:
        return self._key

    @cached_property
    def _key(self) -> str:
        return json.dumps(self.categories.astype(str).to_numpy().tolist())


def layout() -> Layout:
    """The categories and groups of `parameters/ledger_categories.yaml`, positionally coded
    (one Layout per content of the file)."""
    file = params.parameters_dir() / "ledger_categories.yaml"
    return _layout(file.resolve(), params.content_key(file))


@cache
def _layout(file: Path, digest: str) -> Layout:
    return Layout(params.ledger_categories(file).reset_index(drop=True), params.ledger_groups(file))


def income_groups(lay: Layout) -> list[str]:
    return [g for g in lay.groups["group"] if lay.mask(group=g, kind="income").any()]


def expense_groups(lay: Layout) -> list[str]:
    return [g for g in lay.groups["group"] if lay.mask(group=g, kind="expense").any()]


def income_column(group: str) -> str:
    """The summary column of income from one source group ('farm_income' -> income_farm_satang)."""
    return f"income_{group.removesuffix('_income')}_satang"


def spend_column(group: str) -> str:
    """The summary column of spending on one group ('food' -> spend_food_satang)."""
    return f"spend_{group}_satang"


# ---------------------------------------------------------------------------------------------
# the one pass over the ledger


@dataclass
class Cube:
    """Sums per (household, month, category): the one pass everything else is built from.

    Rows are the (household, month) pairs that have entries, sorted by household code then
    month; `sums[i, c]` is the exact int64 total of category `c` in pair `i`.
    """

    household_ids: np.ndarray  # household code -> household_id
    hm_household: np.ndarray  # per pair: household code
    hm_month: np.ndarray  # per pair: datetime64[M]
    entries: np.ndarray  # per pair: entries counted (a repeated month counted once)
    copies: np.ndarray  # per pair: 1, or how many times a repeated month was entered
    sums: np.ndarray  # (pairs, categories) int64
    layout: Layout
    by_period: dict = field(default_factory=dict)  # periods(), computed once per cube


def _fiscal_year_be(months: np.ndarray) -> np.ndarray:
    """Thai fiscal year (BE) of datetime64[M] values: October starts the next year."""
    m = months.astype(np.int64)  # months since 1970-01
    return (m // 12 + 1970 + BE_OFFSET + (m % 12 >= 9)).astype(np.int64)


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and uniques of a key column (dictionary codes when already categorical)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), values.cat.categories.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _build_cube(ledger: pd.DataFrame, lay: Layout, th: Thresholds) -> Cube:
    n_cat = len(lay.categories)
    empty = Cube(
        np.array([], dtype=object),
        np.array([], dtype=np.intp),
        np.array([], dtype="datetime64[M]"),
        np.array([], dtype=np.int64),
        np.array([], dtype=np.int64),
        np.zeros((0, n_cat), dtype=np.int64),
        lay,
    )
    if len(ledger) == 0:
        return empty
    hh, household_ids = _codes(ledger["household_id"])
    cat_codes, cat_uniques = _codes(ledger["category"])
    if (hh < 0).any() or (cat_codes < 0).any():
        raise OkanalysisError(
            "บัญชีมีรหัสครัวเรือนหรือหมวดรายการว่าง",
            "the ledger has empty household ids or categories",
            column="household_id" if (hh < 0).any() else "category",
        )
    position = {c: i for i, c in enumerate(lay.codes)}
    used = np.bincount(cat_codes, minlength=len(cat_uniques)) > 0
    unknown = [c for c, u in zip(cat_uniques, used, strict=True) if u and c not in position]
    if unknown:
        raise OkanalysisError(
            "บัญชีมีหมวดรายการที่ไม่อยู่ในรายการหมวด (ledger_categories.yaml)",
            "the ledger has categories not in ledger_categories.yaml",
            column="category",
            value=unknown[:5],
        )
    lookup = np.array([position.get(c, -1) for c in cat_uniques], dtype=np.int16)
    cat = lookup[cat_codes]  # int16: category position in the layout
    del cat_codes
    seconds = ledger["date"].to_numpy(dtype="datetime64[s]").view(np.int64)
    lowest, highest = int(seconds.min()), int(seconds.max())
    if lowest == np.iinfo(np.int64).min:  # NaT
        raise OkanalysisError("บัญชีมีวันที่ว่าง", "the ledger has empty dates", column="date")
    amount = ledger["amount_satang"].to_numpy(dtype=np.int64)

    # month index: position among the calendar months between the first and last date
    first = np.datetime64(lowest, "s").astype("datetime64[M]")
    last = np.datetime64(highest, "s").astype("datetime64[M]")
    months = np.arange(first, last + 1)
    bounds = months[1:].astype("datetime64[s]").view(np.int64)
    n_months = len(months)

    # (household, month) pairs that have entries, numbered in (household, month) order
    pair_key = np.multiply(hh, n_months, dtype=np.int64)
    pair_key += np.searchsorted(bounds, seconds, side="right")
    counts = np.bincount(pair_key, minlength=len(household_ids) * n_months)
    present = np.flatnonzero(counts)
    number = np.full(len(counts), -1, dtype=np.int32 if len(present) < 2**31 else np.int64)
    number[present] = np.arange(len(present))
    pair = number[pair_key]
    del pair_key, number
    entries = counts[present].astype(np.int64)

    sums = np.zeros(len(present) * n_cat, dtype=np.int64)
    index = np.multiply(pair, n_cat, dtype=np.int64)
    index += cat
    np.add.at(sums, index, amount)
    del index
    sums = sums.reshape(len(present), n_cat)

    # a month entered twice has every entry twice, so the XOR of its entries' (date ^ amount)
    # is 0; one entered three times (or 5...) has at least three times its entries, so at
    # least twice the household's median month; those candidates are then checked exactly
    xor = np.zeros(len(present), dtype=np.uint64)
    np.bitwise_xor.at(xor, pair, np.bitwise_xor(seconds.view(np.uint64), amount.view(np.uint64)))
    copies = np.ones(len(present), dtype=np.int64)
    busy = entries >= 2 * pd.Series(entries).groupby(present // n_months).transform("median")
    candidates = ((xor == 0) | busy.to_numpy()) & (entries >= 2 * th.repeated_min_entries)
    if candidates.any():
        rows = candidates[pair]
        copies = _repeated_copies(
            pair[rows], seconds[rows], cat[rows], amount[rows], th, len(present)
        )
        if th.repeated_policy == "count_once":
            repeated = copies > 1
            sums[repeated] //= copies[repeated, None]  # exact: every entry is there `copies` times
            entries[repeated] //= copies[repeated]
    return Cube(
        household_ids=household_ids,
        hm_household=present // n_months,
        hm_month=months[present % n_months],
        entries=entries,
        copies=copies,
        sums=sums,
        layout=lay,
    )


def _repeated_copies(
    pair: np.ndarray,
    seconds: np.ndarray,
    cat: np.ndarray,
    amount: np.ndarray,
    th: Thresholds,
    n_pairs: int,
) -> np.ndarray:
    """Per (household, month) pair: how many times the whole month was entered (1 = once).

    A month counts as entered c times when every distinct (date, category, amount) in it
    appears exactly c >= 2 times and it has at least `repeated_min_entries` distinct entries.
    """
    entries = pd.DataFrame({"pair": pair, "s": seconds, "c": cat, "a": amount})
    per_entry = entries.groupby(["pair", "s", "c", "a"], sort=False).size()
    per_month = per_entry.groupby(level="pair").agg(["min", "max", "size"])
    ok = (
        (per_month["min"] == per_month["max"])
        & (per_month["min"] >= 2)
        & (per_month["size"] >= th.repeated_min_entries)
    )
    copies = np.ones(n_pairs, dtype=np.int64)
    copies[per_month.index[ok].to_numpy()] = per_month.loc[ok, "min"].to_numpy()
    return copies


def households_by_id(dataset: Dataset) -> pd.DataFrame:
    """The households table indexed by household_id (an id's first row), made once per
    households table (memoised: treat as read-only)."""
    return dataset.remember(
        "households_by_id",
        ("households",),
        (),
        lambda: dataset.households.drop_duplicates("household_id").set_index("household_id"),
    )


def cube(dataset: Dataset, th: Thresholds | None = None) -> Cube:
    """The (household, month, category) sums of `dataset`, computed once and memoised on it."""
    th = read_thresholds(th)
    lay = layout()
    key = _cube_key(lay, th)
    source = dataset.ledger_source
    if source is not None:  # an out-of-core ledger (the DuckDB engine): its own one pass
        return dataset.remember("cube", ("ledger",), key, lambda: source.cube(lay, th))
    ledger = dataset.ledger
    return dataset.remember("cube", ("ledger",), key, lambda: _build_cube(ledger, lay, th))


def fiscal_years(dataset: Dataset) -> list[int]:
    """The fiscal years (BE) the ledger's entries fall in, oldest first."""
    return sorted(int(y) for y in np.unique(period_sums(dataset, "year").fiscal_year))


def remember_key(dataset: Dataset, th: Thresholds) -> tuple:
    """The key of results derived from `dataset`'s ledger under thresholds `th` (for
    `Dataset.remember`, which also follows the tables themselves): the categories and
    thresholds."""
    return (_cube_key(layout(), th), th.key())


def _cube_key(lay: Layout, th: Thresholds) -> tuple:
    return (lay.key(), th.repeated_min_entries, th.repeated_policy)


# ---------------------------------------------------------------------------------------------
# household summary


def round_div(numerator: np.ndarray, denominator: np.ndarray | int) -> np.ndarray:
    """Exact integer division rounded half away from zero (int64 in, int64 out)."""
    num = np.asarray(numerator, dtype=np.int64)
    den = np.asarray(denominator, dtype=np.int64)
    q = (2 * np.abs(num) + den) // (2 * den)
    return np.where(num < 0, -q, q)


def annualise(recorded: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Yearly amounts from `months` recorded months: recorded × 12 / months, rounded to satang."""
    months = np.asarray(months, dtype=np.int64)
    shape = (-1,) + (1,) * (np.ndim(recorded) - 1)
    return round_div(np.asarray(recorded, dtype=np.int64) * 12, months.reshape(shape))


@dataclass
class Periods:
    """Per (household, period): the recorded (and, for years, annualised) category sums."""

    household_ids: np.ndarray  # household code -> household_id
    layout: Layout
    household: np.ndarray  # household code
    fiscal_year: np.ndarray  # BE
    month: np.ndarray | None  # datetime64[M] when period="month"
    months_recorded: np.ndarray
    entries: np.ndarray
    repeated_months: np.ndarray
    recorded: np.ndarray  # (periods, categories) int64
    annual: np.ndarray | None  # (periods, categories) int64, year only


def check_period(period: str) -> str:
    """Refuse a period other than "year" or "month" (Thai and English)."""
    if period not in PERIODS:
        raise OkanalysisError(
            f"period ต้องเป็นหนึ่งใน {PERIODS}", f"period must be one of {PERIODS}", value=period
        )
    return period


def periods(c: Cube, period: str = "year") -> Periods:
    """Group the cube's (household, month) rows into household-periods (kept on the cube;
    treat the arrays as read-only)."""
    check_period(period)
    if period not in c.by_period:
        c.by_period[period] = _periods(c, period)
    return c.by_period[period]


def period_sums(dataset: Dataset, period: str = "year", th: Thresholds | None = None) -> Periods:
    """The category sums of `dataset` per household and period, computed once and memoised.

    From the cube (`periods(cube(dataset), period)`), except the years of an out-of-core ledger
    (the DuckDB engine), which come from its own pass straight to years: the same sums,
    without building the month cube (`ledger_sql.SqlLedger.year_periods`)."""
    check_period(period)
    th = read_thresholds(th)
    source = dataset.ledger_source
    if source is not None and period == "year" and not dataset.remembers("cube"):
        lay = layout()
        return dataset.remember(
            "periods_year", ("ledger",), _cube_key(lay, th),
            lambda: source.year_periods(lay, th),
        )  # fmt: skip
    return periods(cube(dataset, th), period)


def _periods(c: Cube, period: str) -> Periods:
    fy = _fiscal_year_be(c.hm_month)
    repeated = (c.copies > 1).astype(np.int64)
    if period == "month":
        return Periods(
            c.household_ids,
            c.layout,
            c.hm_household,
            fy,
            c.hm_month,
            np.ones(len(fy), np.int64),
            c.entries,
            repeated,
            c.sums,
            None,
        )
    if len(fy) == 0:
        starts = np.array([], dtype=np.intp)
    else:
        change = np.ones(len(fy), dtype=bool)
        change[1:] = (c.hm_household[1:] != c.hm_household[:-1]) | (fy[1:] != fy[:-1])
        starts = np.flatnonzero(change)
    if len(starts) == 0:
        z = np.array([], dtype=np.int64)
        empty = np.zeros((0, c.sums.shape[1]), np.int64)
        return Periods(c.household_ids, c.layout, z, z, None, z, z, z, empty, empty.copy())
    months_recorded = np.diff(np.append(starts, len(fy))).astype(np.int64)
    # each (household, month) row has its own slot among its fiscal year's 12 months:
    # lay the rows out densely and add the 12 slots (much faster than reduceat on rows)
    period_of_row = np.cumsum(change) - 1
    month_in_year = (c.hm_month.astype(np.int64) - 9) % 12  # October is 0
    dense = np.zeros((len(starts) * 12, c.sums.shape[1]), dtype=np.int64)
    dense[period_of_row * 12 + month_in_year] = c.sums
    recorded = dense.reshape(len(starts), 12, -1).sum(axis=1)
    del dense
    return Periods(
        household_ids=c.household_ids,
        layout=c.layout,
        household=c.hm_household[starts],
        fiscal_year=fy[starts],
        month=None,
        months_recorded=months_recorded,
        entries=np.add.reduceat(c.entries, starts),
        repeated_months=np.add.reduceat(repeated, starts),
        recorded=recorded,
        annual=annualise(recorded, months_recorded),
    )


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, part / np.where(whole > 0, whole, 1), np.nan)


def _outliers(values: np.ndarray, groups: np.ndarray, th: Thresholds) -> np.ndarray:
    """Tukey fences on log10 of positive values, within each group (fiscal year or month)."""
    flags = np.zeros(len(values), dtype=bool)
    frame = pd.DataFrame({"g": groups, "v": values.astype(float)})
    for _, idx in frame.groupby("g", sort=False).indices.items():
        v = frame["v"].to_numpy()[idx]
        pos = v > 0
        if pos.sum() < th.outlier_min_households:
            continue
        logs = np.log10(v[pos])
        q1, q3 = np.percentile(logs, [25, 75])
        k = th.outlier_iqr_factor * (q3 - q1)
        out = np.zeros(len(idx), dtype=bool)
        out[pos] = (logs < q1 - k) | (logs > q3 + k)
        flags[idx] = out
    return flags


def household_summary(
    dataset: Dataset,
    period: str = "year",
    *,
    thresholds: str | os.PathLike[str] | Mapping | Thresholds | None = None,
) -> pd.DataFrame:
    """One row per household and period (Thai fiscal year in BE, or calendar month).

    Money columns (`*_satang`, int64) are what was recorded; for years, `*_annual_satang`
    scale each category to 12 months (`partial_year` says when that was needed). Transfers
    (savings, loans) are neither income nor spending. Shares are of total spending.
    `complete_enough` says whether the record can be judged; outliers are flagged, not dropped.
    """
    th = read_thresholds(thresholds)
    p = period_sums(dataset, period, th)
    key = remember_key(dataset, th)
    summary = dataset.remember(
        f"summary_{period}",
        ("ledger", "households"),
        key,
        lambda: _summary(dataset, p, th),
    )
    return summary.copy()


def _summary(dataset: Dataset, p: Periods, th: Thresholds) -> pd.DataFrame:
    lay = p.layout
    M = p.recorded
    out: dict[str, Any] = {"household_id": pd.array(p.household_ids[p.household], dtype="str")}
    hh = households_by_id(dataset)
    ids = pd.Index(out["household_id"])
    out["village_code"] = hh["village_code"].reindex(ids).to_numpy()
    members = hh["members"].reindex(ids).astype("Int64")
    out["members"] = members.array
    out["fiscal_year"] = p.fiscal_year
    if p.month is not None:
        out["month"] = p.month.astype("datetime64[s]")

    def total(matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return matrix[:, mask].sum(axis=1, dtype=np.int64)

    income_m, expense_m = lay.mask(kind="income"), lay.mask(kind="expense")
    income, expense = total(M, income_m), total(M, expense_m)
    out["income_satang"] = income
    out["expense_satang"] = expense
    out["net_satang"] = income - expense
    flags = {f: lay.mask(**{f: True}) & expense_m for f in params.FLAGS}
    for flag, m in flags.items():
        out[f"{flag}_satang"] = total(M, m)
    out["savings_deposited_satang"] = total(M, lay.mask(group="saving", direction="out"))
    out["savings_withdrawn_satang"] = total(M, lay.mask(group="saving", direction="in"))
    out["savings_net_satang"] = out["savings_deposited_satang"] - out["savings_withdrawn_satang"]
    out["loans_received_satang"] = total(M, lay.mask(group="loan", direction="in"))
    out["loans_repaid_satang"] = total(M, lay.mask(group="loan", direction="out"))
    out["transfers_in_satang"] = total(M, lay.mask(kind="transfer", direction="in"))
    out["transfers_out_satang"] = total(M, lay.mask(kind="transfer", direction="out"))
    for g in income_groups(lay):
        out[income_column(g)] = total(M, lay.mask(group=g, kind="income"))
    for g in expense_groups(lay):
        out[spend_column(g)] = total(M, lay.mask(group=g, kind="expense"))
    positive = np.clip(M[:, income_m], 0, None)
    out["income_sources"] = (positive > 0).sum(axis=1).astype(np.int64)
    pos_total = positive.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_share = positive / np.where(pos_total > 0, pos_total, 1)[:, None]
    out["income_diversity"] = np.where(pos_total > 0, 1 - (p_share**2).sum(axis=1), np.nan)
    for flag in params.FLAGS:
        out[f"{flag}_share"] = _share(out[f"{flag}_satang"], expense)

    if p.annual is not None:
        A = p.annual
        inc_a, exp_a = total(A, income_m), total(A, expense_m)
        out["income_annual_satang"] = inc_a
        out["expense_annual_satang"] = exp_a
        out["net_annual_satang"] = inc_a - exp_a
        for flag, m in flags.items():
            out[f"{flag}_annual_satang"] = total(A, m)
        monthly_income, per = inc_a, 12
    else:
        monthly_income, per = income, 1

    lines = {y: th.poverty_line(int(y)) for y in np.unique(p.fiscal_year)}
    out["poverty_line_year"] = np.array([lines[y][0] for y in p.fiscal_year], dtype=np.int64)
    line = np.array([lines[y][1] for y in p.fiscal_year], dtype=np.int64)
    out["poverty_line_satang"] = line
    m = members.fillna(0).to_numpy(dtype=np.int64)
    per_member = round_div(monthly_income, np.where(m > 0, m * per, 1))
    known = m > 0
    per_member_col = pd.array(per_member, dtype="Int64")
    per_member_col[~known] = pd.NA
    out["income_per_member_month_satang"] = per_member_col
    out["poverty_ratio"] = np.where(known, per_member / np.where(line > 0, line, 1), np.nan)
    below = pd.array(per_member < line, dtype="boolean")
    below[~known] = pd.NA
    out["below_poverty_line"] = below

    out["months_recorded"] = p.months_recorded
    out["entries"] = p.entries
    out["repeated_months"] = p.repeated_months
    if p.annual is not None:
        out["partial_year"] = p.months_recorded < 12
        enough = p.months_recorded >= th.min_months
    else:
        enough = np.ones(len(p.entries), dtype=bool)
    enough &= p.entries >= th.min_entries_per_month * p.months_recorded
    if th.require_income:
        enough &= income > 0
    out["complete_enough"] = enough & known

    group = p.fiscal_year if p.month is None else p.month.astype(np.int64)
    income_fig = out.get("income_annual_satang", income)
    expense_fig = out.get("expense_annual_satang", expense)
    out["outlier_income"] = _outliers(income_fig, group, th)
    out["outlier_expense"] = _outliers(expense_fig, group, th)
    out["outlier"] = out["outlier_income"] | out["outlier_expense"]

    frame = pd.DataFrame(out)
    for col in frame.columns:
        if col.endswith("_satang") and col != "income_per_member_month_satang":
            frame[col] = frame[col].astype(np.int64)
    frame["village_code"] = frame["village_code"].astype("str")
    sort = ["village_code", "household_id", "fiscal_year"] + (
        ["month"] if p.month is not None else []
    )
    return frame.sort_values(sort, kind="stable", na_position="last").reset_index(drop=True)


def repeated_months(dataset: Dataset, *, thresholds: Any = None) -> pd.DataFrame:
    """The months a household's whole account seems entered more than once, to mend the data:
    household_id, month, entries (as counted), copies (times each entry appears)."""
    c = cube(dataset, read_thresholds(thresholds))
    rep = np.flatnonzero(c.copies > 1)
    return pd.DataFrame(
        {
            "household_id": pd.array(c.household_ids[c.hm_household[rep]], dtype="str"),
            "month": c.hm_month[rep].astype("datetime64[s]"),
            "fiscal_year": _fiscal_year_be(c.hm_month[rep]),
            "entries": c.entries[rep],
            "copies": c.copies[rep],
        }
    )


def column_labels() -> dict[str, tuple[str, str]]:
    """Thai and English labels of the household summary's columns, for display."""
    lay = layout()
    labels = {
        "household_id": ("รหัสครัวเรือน", "household id"),
        "village_code": ("รหัสหมู่บ้าน", "village code"),
        "members": ("จำนวนสมาชิก", "members"),
        "fiscal_year": ("ปีงบประมาณ (พ.ศ.)", "fiscal year (BE)"),
        "month": ("เดือน", "month"),
        "income_satang": ("รายรับที่บันทึก", "income recorded"),
        "expense_satang": ("รายจ่ายที่บันทึก", "spending recorded"),
        "net_satang": ("รายรับสุทธิที่บันทึก", "net recorded"),
        "avoidable_satang": ("รายจ่ายที่ลดได้", "avoidable spending"),
        "substitutable_satang": ("รายจ่ายที่ผลิตเองได้", "spending on locally substitutable goods"),
        "farm_input_satang": ("ต้นทุนปัจจัยการผลิต", "farm inputs"),
        "savings_deposited_satang": ("ฝากเงินออม", "savings deposited"),
        "savings_withdrawn_satang": ("ถอนเงินออม", "savings withdrawn"),
        "savings_net_satang": ("เงินออมสุทธิ", "net savings"),
        "loans_received_satang": ("กู้เงิน", "loans received"),
        "loans_repaid_satang": ("ชำระเงินต้น", "loans repaid"),
        "transfers_in_satang": ("เงินโอนเข้า", "transfers in"),
        "transfers_out_satang": ("เงินโอนออก", "transfers out"),
        "income_sources": ("จำนวนแหล่งรายได้", "income sources"),
        "income_diversity": ("ความหลากหลายของรายได้", "income diversity (Gini-Simpson)"),
        "avoidable_share": ("สัดส่วนรายจ่ายที่ลดได้", "avoidable share of spending"),
        "substitutable_share": ("สัดส่วนรายจ่ายที่ผลิตเองได้", "substitutable share of spending"),
        "farm_input_share": ("สัดส่วนต้นทุนการผลิต", "farm-input share of spending"),
        "income_annual_satang": ("รายรับต่อปี", "income per year"),
        "expense_annual_satang": ("รายจ่ายต่อปี", "spending per year"),
        "net_annual_satang": ("รายรับสุทธิต่อปี", "net per year"),
        "avoidable_annual_satang": ("รายจ่ายที่ลดได้ต่อปี", "avoidable spending per year"),
        "substitutable_annual_satang": ("รายจ่ายที่ผลิตเองได้ต่อปี", "substitutable spending per year"),
        "farm_input_annual_satang": ("ต้นทุนปัจจัยการผลิตต่อปี", "farm inputs per year"),
        "poverty_line_year": ("ปีของเส้นความยากจน", "poverty line year"),
        "poverty_line_satang": ("เส้นความยากจน (ต่อคนต่อเดือน)", "poverty line (per person per month)"),
        "income_per_member_month_satang": ("รายได้ต่อคนต่อเดือน", "income per member per month"),
        "poverty_ratio": ("เท่าของเส้นความยากจน", "times the poverty line"),
        "below_poverty_line": ("ต่ำกว่าเส้นความยากจน", "below the poverty line"),
        "months_recorded": ("จำนวนเดือนที่บันทึก", "months recorded"),
        "entries": ("จำนวนรายการ", "entries"),
        "repeated_months": ("เดือนที่บันทึกซ้ำ", "months entered twice"),
        "partial_year": ("บันทึกไม่ครบปี", "partial year"),
        "complete_enough": ("ข้อมูลพอประเมิน", "complete enough to judge"),
        "outlier_income": ("รายรับผิดปกติ", "income outlier"),
        "outlier_expense": ("รายจ่ายผิดปกติ", "spending outlier"),
        "outlier": ("ค่าผิดปกติ", "outlier"),
    }
    groups = lay.groups.set_index("group")
    for g in income_groups(lay):
        labels[income_column(g)] = (groups.at[g, "group_th"], groups.at[g, "group_en"])
    for g in expense_groups(lay):
        labels[spend_column(g)] = (groups.at[g, "group_th"], groups.at[g, "group_en"])
    return labels
