"""The national view: many provinces' results brought together.

`okanalysis.results.provinces.build_provinces` builds each province's results and writes the
national index (`<out>/national.json`: province -> results folder, engine, seconds, status).
`open_index` reads it; `gather` reads from each province's results only what the national
summary needs, one province at a time: the household rows (`households`) with their potential
level, the province-level rows of `opportunities`, the villages' computed grades
(`grades_units`) and, from the circle store, the grades agreed in circles.

`summary` computes the national tables from those rows with pure functions over DataFrames:
medians over all households of a group (never a mean of province medians), shares as summed
counts over summed counts, money as summed integer satang. Provinces and regions (by
`hierarchy.region`) are ranked, rank 1 the best.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from okanalysis.contract import hierarchy
from okanalysis.core import labels as core_labels
from okanalysis.core.components import GRADES
from okanalysis.core.errors import InputError, NothingToShow, OkanalysisError
from okanalysis.results import tables as t
from okanalysis.results.store import Results
from okanalysis.results.store import open as open_results

INDEX = "national.json"
FORMAT = "okanalysis_national"
FORMAT_VERSION = 1
#: The code and names of the whole kingdom's row.
KINGDOM = ("TH", "ทั้งประเทศ", "the kingdom")
#: The columns kept of each household row (the rest stay in the province's results).
HOUSEHOLD_COLUMNS = (
    "province_code",
    "village_code",
    "household_id",
    "fiscal_year",
    "complete_enough",
    "level",
    "income_annual_satang",
    "income_per_member_month_satang",
    "expense_annual_satang",
)
MEDIANS = ("income_annual_satang", "income_per_member_month_satang")
#: Labels of the national tables' columns (besides the roll-up's and the grading's).
LABEL_NAMES = (
    "region_th",
    "provinces",
    "provinces_built",
    "households_recording",
    "households_assessed",
    "below_line_share",
    "median_income_annual_satang",
    "median_income_per_member_month_satang",
    "substitutable_annual_satang",
    "avoidable_annual_satang",
    "substitutable_per_household_satang",
    "avoidable_per_household_satang",
    "outflow_rows_hidden",
    "villages",
    "graded",
    "in_circle",
    "computed_A_share",
    "agreed_A_share",
    "rank_top_level",
    "rank_below_line",
    "rank_median_income",
    "rank_substitutable",
    "rank_computed_grades",
    "rank_agreed_grades",
    "yearly_satang",
    "households_buying",
    "average_per_buyer_satang",
    "share_of_spending",
    "name_th",
    "status",
    "engine",
    "seconds",
    "error",
)


# ---------------------------------------------------------------------------------------------
# the national index


@dataclass
class NationalIndex:
    """The national index: which results folder holds each province, how it was built."""

    path: Path
    meta: dict

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def provinces(self) -> dict[str, dict]:
        """Province code -> its entry (status, results, engine, seconds, error...)."""
        return dict(self.meta.get("provinces", {}))

    @property
    def built(self) -> list[str]:
        """The provinces whose results were built, in code order."""
        return sorted(c for c, e in self.provinces.items() if e.get("status") == "ok")

    @property
    def failed(self) -> dict[str, dict]:
        """The provinces that failed: code -> entry (with error_th, error_en)."""
        return {c: e for c, e in sorted(self.provinces.items()) if e.get("status") != "ok"}

    def results_path(self, code: str) -> Path:
        entry = self.provinces[code]
        path = Path(entry["results"])
        return path if path.is_absolute() else self.folder / path

    def results(self, code: str) -> Results:
        """The results folder of one province of the index."""
        return open_results(self.results_path(code))


def write_index(folder: str | os.PathLike[str], provinces: dict[str, dict], **meta: Any) -> Path:
    """Write `<folder>/national.json`: `provinces` (code -> entry; a `results` path inside
    `folder` is kept relative, so the folder can move) and `meta` (source, engine...)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entries = {}
    for code, entry in sorted(provinces.items()):
        entry = dict(entry)
        if entry.get("results"):
            path = Path(entry["results"]).resolve()
            try:
                entry["results"] = path.relative_to(folder.resolve()).as_posix()
            except ValueError:
                entry["results"] = str(path)
        entries[code] = entry
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **meta,
        "provinces": entries,
    }
    target = folder / INDEX
    tmp = folder / f".{INDEX}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)
    return target


def open_index(path: str | os.PathLike[str]) -> NationalIndex:
    """The national index at `path` (the folder holding `national.json`, or the file)."""
    path = Path(path)
    file = path / INDEX if path.is_dir() else path
    try:
        meta = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise InputError(
            "ไม่พบดัชนีผลลัพธ์ระดับประเทศ (national.json): สร้างด้วย okanalysis results build "
            "--provinces all หรือ okanalysis batch --national",
            "no national results index (national.json) here: build it with okanalysis results "
            "build --provinces all or okanalysis batch --national",
            file=str(file),
        )
    return NationalIndex(file, meta)


def province_label(code: str, lang: str | None = None) -> str:
    """ "81 กระบี่ / Krabi" (a code geothai does not know stays as it was given)."""
    try:
        p = hierarchy.province(code)
    except OkanalysisError:
        return str(code)
    if lang == "th":
        return f"{code} {p['province_th']}"
    if lang == "en":
        return f"{code} {p['province_en']}"
    return f"{code} {p['province_th']} / {p['province_en']}"


# ---------------------------------------------------------------------------------------------
# what the national summary reads of each province


def province_households(results: Results) -> pd.DataFrame:
    """One province's household rows (`households`, the fiscal year of its results) with each
    household's potential level (`potential.household_levels`, by the parameters the results
    were built with); only `HOUSEHOLD_COLUMNS`."""
    from okanalysis.topics import potential

    rows = results.table(t.HOUSEHOLDS)
    rows = rows.loc[rows["village_code"].notna()].reset_index(drop=True)
    rows["level"] = potential.household_levels(rows, results.potential_parameters)
    rows.insert(0, "province_code", results.province)
    return rows.loc[:, list(HOUSEHOLD_COLUMNS)]


def _or_empty(results: Results, name: str, **kw: Any) -> pd.DataFrame | None:
    try:
        return results.table(name, **kw)
    except NothingToShow:
        return None


@dataclass
class NationalInputs:
    """What the national summary is computed from (see `gather`)."""

    households: pd.DataFrame
    opportunities: pd.DataFrame
    grades: pd.DataFrame
    agreed: pd.DataFrame | None
    parameters: dict
    fiscal_years: dict[str, int | None] = field(default_factory=dict)
    failed: dict[str, dict] = field(default_factory=dict)

    @property
    def provinces(self) -> list[str]:
        return sorted(self.fiscal_years)


def agreed_grades(store: str | os.PathLike[str] | None, provinces: list[str]) -> pd.DataFrame:
    """The agreed overall grades in force of the villages of `provinces` (`unit_code`,
    `province_code`, `agreed`), from the circle store; empty when no circle has graded."""
    columns = ["unit_code", "province_code", "agreed"]
    if store is None or not Path(store).exists():
        return pd.DataFrame(columns=columns)
    from okanalysis.circles import store as circles

    entries = circles.in_force(store, level="village")
    if entries.empty:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(
        {
            "unit_code": entries["unit_code"].astype(str),
            "agreed": entries["overall"].astype("object"),
        }
    )
    out["province_code"] = out["unit_code"].str.slice(0, 2)
    out = out.loc[out["province_code"].isin(provinces) & out["agreed"].isin(GRADES)]
    return out.loc[:, columns].reset_index(drop=True)


def gather(
    index: NationalIndex | str | os.PathLike[str],
    *,
    circle_store: str | os.PathLike[str] | None = None,
) -> NationalInputs:
    """Read, province by province, what the national summary needs from the results the
    index lists as built: household rows with their level, province-level opportunities,
    village grades; and the agreed grades of their villages from `circle_store`. The
    provinces must have been built with the same potential levels (else refused)."""
    if not isinstance(index, NationalIndex):
        index = open_index(index)
    if not index.built:
        raise NothingToShow(
            "ยังไม่มีจังหวัดใดคำนวณผลลัพธ์สำเร็จ",
            "no province's results were built successfully",
        )
    households, opportunities, grades = [], [], []
    parameters: dict | None = None
    years: dict[str, int | None] = {}
    for code in index.built:
        r = index.results(code)
        pp = r.potential_parameters
        if parameters is None:
            parameters = pp
        elif pp != parameters:
            raise OkanalysisError(
                "ผลลัพธ์ของจังหวัดนี้คำนวณด้วยเกณฑ์ระดับศักยภาพต่างจากจังหวัดอื่น: "
                "คำนวณใหม่ด้วย parameters/potential.yaml ชุดเดียวกัน",
                "this province's results were built with other potential levels than the "
                "others: build them again with the same parameters/potential.yaml",
                file=str(r.path),
                column="province",
                value=code,
            )
        years[code] = r.fiscal_year
        households.append(province_households(r))
        o = _or_empty(r, t.OPPORTUNITIES, level="province")
        if o is not None:
            opportunities.append(o.assign(province_code=code))
        g = _or_empty(r, t.GRADES_UNITS, level="village", columns=["unit_code", "level", "overall"])
        if g is not None:
            grades.append(g.assign(province_code=code))
    agreed = agreed_grades(circle_store, sorted(years)) if circle_store is not None else None
    return NationalInputs(
        households=pd.concat(households, ignore_index=True),
        opportunities=(
            pd.concat(opportunities, ignore_index=True) if opportunities else pd.DataFrame()
        ),
        grades=pd.concat(grades, ignore_index=True) if grades else pd.DataFrame(),
        agreed=agreed,
        parameters=parameters or {},
        fiscal_years=years,
        failed=index.failed,
    )


# ---------------------------------------------------------------------------------------------
# the computation: pure functions over DataFrames


def with_region(frame: pd.DataFrame, column: str = "province_code") -> pd.DataFrame:
    """`frame` with a `region` column from its province codes (`hierarchy.region`)."""
    regions = {c: hierarchy.region(c) for c in pd.unique(frame[column].astype(str))}
    return frame.assign(region=frame[column].astype(str).map(regions))


def _groups(frame: pd.DataFrame, by: str | None) -> pd.Series:
    """Each row's group: its `by` value (province_code or region), or the kingdom."""
    if by is None:
        return pd.Series(KINGDOM[0], index=frame.index, dtype="str")
    if by == "region" and "region" not in frame:
        frame = with_region(frame)
    return frame[by].astype("str")


def round_half_away(values: pd.Series) -> pd.Series:
    """Medians of satang (x or x.5) as integer satang, half away from zero (as the roll-up)."""
    v = values.astype(float)
    r = np.sign(v) * np.floor(np.abs(v) + 0.5)
    return pd.Series(pd.array(r, dtype="Float64").astype("Int64"), index=values.index)


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    w = whole.astype(float)
    return (part.astype(float) / w.where(w > 0)).astype(float)


def level_codes(parameters: Any) -> tuple[list[str], str, str]:
    """The potential levels' codes (top first), the not-assessed code and the floor's code."""
    from okanalysis.topics import potential

    pp = potential.read_parameters(parameters)
    return [lv.code for lv in pp.levels], pp.not_assessed.code, pp.levels[-1].code


def household_figures(
    households: pd.DataFrame, parameters: Any, by: str | None = None
) -> pd.DataFrame:
    """Per group (`by`: "province_code", "region" or None for the kingdom), from the household
    rows themselves: households recording and assessed, the count and share of households on
    each potential level (of those assessed), the share below the floor's line, and the median
    yearly income and monthly income per member over the households assessed."""
    levels, not_assessed, floor = level_codes(parameters)
    group = _groups(households, by)
    assessed = households["complete_enough"].astype(bool)
    out = pd.DataFrame({"households_recording": group.value_counts()})
    out["households_assessed"] = (
        assessed.groupby(group).sum().reindex(out.index, fill_value=0).astype(np.int64)
    )
    counts = pd.crosstab(group, households["level"].astype(str)).reindex(out.index, fill_value=0)
    for code in (*levels, not_assessed):
        n = counts[code] if code in counts else pd.Series(0, index=out.index)
        out[f"households_{code}"] = n.astype(np.int64)
    for code in levels:
        out[f"share_{code}"] = _share(out[f"households_{code}"], out["households_assessed"])
    out["below_line_share"] = out[f"share_{floor}"]
    rows = households.loc[assessed]
    for column in MEDIANS:
        med = rows[column].astype("Float64").groupby(group[assessed]).median()
        out[f"median_{column}"] = round_half_away(med.reindex(out.index))
    out["expense_annual_satang"] = (
        households["expense_annual_satang"].astype(np.int64).groupby(group).sum()
    ).reindex(out.index, fill_value=0)
    out.index.name = "unit_code"
    return out.sort_index()


def money_leaving(opportunities: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Per group, the yearly money leaving for goods the communities could produce
    (`substitutable_annual_satang`) and for avoidable spending (`avoidable_annual_satang`):
    the province-level `opportunities` rows summed, exact integer satang. Rows the privacy
    rule hid (a category bought by too few households) cannot be counted: `outflow_rows_hidden`
    says how many."""
    columns = ["substitutable_annual_satang", "avoidable_annual_satang", "outflow_rows_hidden"]
    if opportunities.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="unit_code"))
    rows = opportunities
    if "level" in rows:
        rows = rows.loc[rows["level"] == "province"]
    group = _groups(rows, by)
    hidden = (
        rows["suppressed"].fillna(False).astype(bool)
        if "suppressed" in rows
        else pd.Series(False, index=rows.index)
    ) | rows["yearly_satang"].isna()
    out = pd.DataFrame(index=pd.Index(sorted(set(group)), name="unit_code"))
    for kind in ("substitutable", "avoidable"):
        keep = (rows["kind"] == kind) & ~hidden
        sums = rows.loc[keep, "yearly_satang"].astype(np.int64).groupby(group[keep]).sum()
        out[f"{kind}_annual_satang"] = sums.reindex(out.index, fill_value=0).astype(np.int64)
    out["outflow_rows_hidden"] = (
        hidden.groupby(group).sum().reindex(out.index, fill_value=0).astype(np.int64)
    )
    return out


def grade_figures(
    grades: pd.DataFrame, agreed: pd.DataFrame | None, by: str | None = None
) -> pd.DataFrame:
    """Per group, the villages' overall grades: computed from the data (`grades_units`:
    villages, graded, computed_A/B/C and the share at A of those graded) and, where circles
    have graded, agreed (in_circle, agreed_A/B/C and the share at A of those agreed)."""
    columns = ["villages", "graded", *[f"computed_{g}" for g in GRADES], "computed_A_share"]
    columns += ["in_circle", *[f"agreed_{g}" for g in GRADES], "agreed_A_share"]
    if grades.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="unit_code"))
    rows = grades.loc[grades["level"] == "village"] if "level" in grades else grades
    rows = rows.drop_duplicates("unit_code")
    group = _groups(rows, by)
    out = pd.DataFrame({"villages": group.value_counts()})
    overall = rows["overall"].astype("object")
    out["graded"] = overall.isin(GRADES).groupby(group).sum().reindex(out.index, fill_value=0)
    for g in GRADES:
        n = (overall == g).groupby(group).sum()
        out[f"computed_{g}"] = n.reindex(out.index, fill_value=0).astype(np.int64)
    out["computed_A_share"] = _share(out[f"computed_{GRADES[0]}"], out["graded"])
    given = (
        agreed.set_index("unit_code")["agreed"]
        if agreed is not None and len(agreed)
        else pd.Series(dtype="object")
    )
    agreed_of = rows["unit_code"].astype(str).map(given)
    out["in_circle"] = (
        agreed_of.isin(GRADES).groupby(group).sum().reindex(out.index, fill_value=0)
    ).astype(np.int64)
    for g in GRADES:
        n = (agreed_of == g).groupby(group).sum()
        out[f"agreed_{g}"] = n.reindex(out.index, fill_value=0).astype(np.int64)
    out["agreed_A_share"] = _share(out[f"agreed_{GRADES[0]}"], out["in_circle"])
    out.index.name = "unit_code"
    return out.loc[:, columns].sort_index()


def rank(values: pd.Series, *, ascending: bool = False) -> pd.Series:
    """Rank 1 = best (highest unless `ascending`); ties share the better rank; missing stays
    missing."""
    return values.astype("Float64").rank(method="min", ascending=ascending).astype("Int64")


def _names(codes: pd.Index, by: str | None) -> pd.DataFrame:
    if by is None:
        return pd.DataFrame({"name_th": KINGDOM[1], "name_en": KINGDOM[2]}, index=codes)
    if by == "region":
        return pd.DataFrame(
            {
                "name_th": [hierarchy.REGIONS[c][0] for c in codes],
                "name_en": [hierarchy.REGIONS[c][1] for c in codes],
            },
            index=codes,
        )
    names = [hierarchy.province(c) for c in codes]
    regions = [hierarchy.region(c) for c in codes]
    return pd.DataFrame(
        {
            "name_th": [p["province_th"] for p in names],
            "name_en": [p["province_en"] for p in names],
            "region": regions,
            "region_th": [hierarchy.REGIONS[r][0] for r in regions],
            "region_en": [hierarchy.REGIONS[r][1] for r in regions],
        },
        index=codes,
    )


def figures(inputs: NationalInputs, by: str | None = None) -> pd.DataFrame:
    """One row per province (`by="province_code"`), region (`"region"`) or the kingdom (None):
    the household figures, the money leaving, the grades, and the ranks (rank 1 the best:
    most households at the top level, fewest below the line, highest median income, least
    money leaving per household for goods that could be made locally, most villages at A,
    computed and agreed in circles). Groups with fewer households recording than the privacy
    setting keep their names and lose their figures."""
    from okanalysis.topics import ledger, privacy

    hh = household_figures(inputs.households, inputs.parameters, by)
    money = money_leaving(inputs.opportunities, by)
    grades = grade_figures(inputs.grades, inputs.agreed, by)
    out = hh.join(money, how="left").join(grades, how="left")
    for column in (*money.columns, *grades.columns):
        if not column.endswith("_share"):
            out[column] = out[column].fillna(0).astype(np.int64)
    recording = out["households_recording"].to_numpy(dtype=np.int64)
    for kind in ("substitutable", "avoidable"):
        total = out[f"{kind}_annual_satang"].to_numpy(dtype=np.int64)
        per = ledger.round_div(total, np.maximum(recording, 1))
        out[f"{kind}_per_household_satang"] = pd.array(
            np.where(recording > 0, per, 0), dtype="Int64"
        )
        out.loc[recording == 0, f"{kind}_per_household_satang"] = pd.NA
    levels, _, _ = level_codes(inputs.parameters)
    out.insert(0, "level", {"province_code": "province", "region": "region"}.get(by, "kingdom"))
    names = _names(out.index, by)
    for i, column in enumerate(names.columns):
        out.insert(1 + i, column, names[column])
    if by is not None:
        out["rank_top_level"] = rank(out[f"share_{levels[0]}"])
        out["rank_below_line"] = rank(out["below_line_share"], ascending=True)
        out["rank_median_income"] = rank(out["median_income_annual_satang"])
        out["rank_substitutable"] = rank(out["substitutable_per_household_satang"], ascending=True)
        out["rank_computed_grades"] = rank(out["computed_A_share"])
        out["rank_agreed_grades"] = rank(out["agreed_A_share"])
    if by == "region":
        built = inputs.households.assign(region=_groups(inputs.households, "region"))
        out.insert(3, "provinces", built.groupby("region")["province_code"].nunique())
    elif by is None:
        out.insert(3, "provinces", inputs.households["province_code"].nunique())
    out = out.reset_index()
    keep = {"households_recording", "level", "provinces"}
    numeric = [
        c
        for c in out.columns
        if c not in keep
        and not c.startswith("rank_")
        and pd.api.types.is_numeric_dtype(out[c])
        and c.startswith(("households_", "share_", "median_", "below_", "substitutable_", "avoid"))
    ]
    return privacy.suppress(out, "households_recording", columns=numeric)


def goods_leaving(
    inputs: NationalInputs, kind: str = "substitutable", *, top: int | None = None
) -> pd.DataFrame:
    """The goods money leaves the communities for, nationally (one `kind`), largest first: per
    category the yearly satang summed over the provinces' rows, the households buying summed,
    the provinces where it shows and its share of all households' yearly spending. Rows the
    privacy rule hid in a province are not counted."""
    from okanalysis.topics import ledger

    o = inputs.opportunities
    columns = [
        "unit_code",
        "kind",
        "rank",
        "category",
        "name_th",
        "name_en",
        "yearly_satang",
        "households_buying",
        "provinces",
        "average_per_buyer_satang",
        "share_of_spending",
    ]
    if o.empty:
        return pd.DataFrame(columns=columns)
    rows = o.loc[(o["level"] == "province") & (o["kind"] == kind)]
    hidden = rows["suppressed"].fillna(False).astype(bool) | rows["yearly_satang"].isna()
    rows = rows.loc[~hidden]
    g = rows.groupby(["category", "name_th", "name_en"], sort=False)
    out = g.agg(
        yearly_satang=("yearly_satang", "sum"),
        households_buying=("households_buying", "sum"),
        provinces=("province_code", "nunique"),
    ).reset_index()
    out["yearly_satang"] = out["yearly_satang"].astype(np.int64)
    out["households_buying"] = out["households_buying"].astype(np.int64)
    out["average_per_buyer_satang"] = ledger.round_div(
        out["yearly_satang"].to_numpy(), np.maximum(out["households_buying"].to_numpy(), 1)
    )
    spending = int(inputs.households["expense_annual_satang"].astype(np.int64).sum())
    out["share_of_spending"] = out["yearly_satang"] / (spending if spending > 0 else np.nan)
    out = out.sort_values(["yearly_satang", "category"], ascending=[False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1, dtype=np.int64)
    out["unit_code"] = KINGDOM[0]
    out["kind"] = kind
    out = out.loc[:, columns].reset_index(drop=True)
    return out if top is None else out.head(top)


@dataclass
class NationalSummary:
    """The national tables: `kingdom` (one row), `regions`, `provinces`, the goods money
    leaves for (`substitutable`, `avoidable`), and whether any circle has graded."""

    kingdom: pd.DataFrame
    regions: pd.DataFrame
    provinces: pd.DataFrame
    substitutable: pd.DataFrame
    avoidable: pd.DataFrame
    circles_graded: bool
    parameters: dict
    fiscal_years: dict[str, int | None]
    failed: dict[str, dict]


def summary(inputs: NationalInputs) -> NationalSummary:
    """Every national table from `inputs` (see `figures` and `goods_leaving`)."""
    return NationalSummary(
        kingdom=figures(inputs, None),
        regions=figures(inputs, "region"),
        provinces=figures(inputs, "province_code"),
        substitutable=goods_leaving(inputs, "substitutable"),
        avoidable=goods_leaving(inputs, "avoidable"),
        circles_graded=inputs.agreed is not None and len(inputs.agreed) > 0,
        parameters=inputs.parameters,
        fiscal_years=inputs.fiscal_years,
        failed=inputs.failed,
    )


def column_labels() -> dict[str, tuple[str, str]]:
    """Headers of the national tables' columns (Thai, English)."""
    return core_labels.group("column", [n for n in LABEL_NAMES])
