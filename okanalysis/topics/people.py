"""The people doing the work (learning topic 1): who is in place, the gaps, the freedom table.

The seed asks for 8 core leaders (คุณกิจแกนนำ) per village and 9 sub-district facilitators
(คุณอำนวยตำบล) per sub-district, one from each partner sector, with district teams, khun ua
committees and zones above them. Each group defines its own quality criteria (data, not
columns) and rates every person on them in freedom-table rounds (ตารางอิสรภาพ), at the start and
again at the project's end (September 2551 BE). The functions here say who is in place, what
is missing, how people moved between two rounds, and how well succession is prepared.

Units and levels (`code_at`, `unit_frame`, `check_level`) come from `okanalysis.hierarchy`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from okanalysis.contract import schema
from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import (
    LEVEL_ORDER,
    check_choice,
    check_level,
    code_at,
    unit_frame,
)
from okanalysis.core import params
from okanalysis.core.errors import NothingToShow, OkanalysisError
from okanalysis.topics import privacy

#: Core leaders each village should have (the seed: คณะผู้นำหมู่บ้านละ 8 คน).
CORES_PER_VILLAGE = 8

#: Age bands: code -> (lowest age, highest age, Thai label, English label).
AGE_BANDS: dict[str, tuple[int, int, str, str]] = {
    "15_29": (15, 29, "15–29 ปี", "15–29 years"),
    "30_44": (30, 44, "30–44 ปี", "30–44 years"),
    "45_59": (45, 59, "45–59 ปี", "45–59 years"),
    "60_plus": (60, 200, "60 ปีขึ้นไป", "60 years and over"),
}

#: The freedom-table breakdowns `freedom_progress(by=...)` accepts, and their key columns.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "criterion": ("criterion_id", "criterion_th", "criterion_en"),
    "group": ("group_level", "group_unit_code", "group_role"),
    "sector": ("sector", "sector_th"),
    "gender": ("gender", "gender_th"),
    "age_band": ("age_band", "age_band_th"),
    "role": ("role", "role_th"),
}


# --- units and levels, shared by the topic summaries -----------------------------------------
def _count_by(keys: pd.Series, index: pd.Index) -> pd.Series:
    """How many times each of `index` occurs in `keys`, as Int64 (0 when absent)."""
    return keys.value_counts().reindex(index, fill_value=0).astype("Int64")


def _na_column(length: int) -> pd.Series:
    return pd.Series(pd.NA, index=range(length), dtype="Int64")


def age_band(ages: pd.Series) -> pd.Series:
    """The age-band code of each age (see `AGE_BANDS`)."""
    out = pd.Series(pd.NA, index=ages.index, dtype="str")
    for code, (low, high, _th, _en) in AGE_BANDS.items():
        out = out.mask(((ages >= low) & (ages <= high)).fillna(False).astype(bool), code)
    return out


def _label(codes: pd.Series, choices: dict[str, tuple[str, str]], lang: int = 0) -> pd.Series:
    return codes.map({k: v[lang] for k, v in choices.items()}).astype("str")


# --- who is in place, and what is missing ----------------------------------------------------
def _successor_flags(people: pd.DataFrame) -> pd.DataFrame:
    """People with `incumbent` (holds the role, is nobody's successor) and `has_successor`."""
    out = people.copy()
    out["incumbent"] = out["successor_of"].isna()
    named = set(out["successor_of"].dropna())
    out["has_successor"] = out["incumbent"] & out["person_id"].isin(named)
    return out


def _sector_gaps(dataset: Dataset) -> pd.DataFrame:
    """One row per (sub-district, partner sector) with no sub-district facilitator from it."""
    sectors = params.sectors()
    people = dataset.people
    facilitators = people[people["role"] == "tambon_facilitator"]
    tambons = unit_frame(dataset, "tambon", facilitators["unit_code"])
    grid = tambons[["unit_code", "unit_th", "unit_en", "parent_code"]].merge(
        sectors.rename(columns={"name_th": "sector_th", "name_en": "sector_en"}), how="cross"
    )
    present = pd.DataFrame(
        {
            "unit_code": code_at(facilitators["unit_code"], "tambon"),
            "sector": facilitators["sector"],
        }
    ).dropna()
    present["present"] = True
    grid = grid.merge(present.drop_duplicates(), on=["unit_code", "sector"], how="left")
    return grid[grid["present"].isna()].drop(columns="present").reset_index(drop=True)


def missing_sectors(dataset: Dataset) -> pd.DataFrame:
    """Each sub-district missing a facilitator from a partner sector, named, one row per gap.

    Columns: tambon_code, tambon_th, tambon_en, amphoe_code, sector, sector_th, sector_en.
    """
    gaps = _sector_gaps(dataset)
    return gaps.rename(
        columns={
            "unit_code": "tambon_code",
            "unit_th": "tambon_th",
            "unit_en": "tambon_en",
            "parent_code": "amphoe_code",
        }
    )[["tambon_code", "tambon_th", "tambon_en", "amphoe_code", "sector", "sector_th", "sector_en"]]


def gaps(dataset: Dataset, level: str = "village", *, shareable: bool = False) -> pd.DataFrame:
    """Who is in place in each unit and what is missing, counted at `level`.

    Per unit: villages, cores in place (new-generation successors count among the 8),
    villages with fewer than 8 cores and the cores missing (6 cores miss 2),
    sub-district facilitators, partner sectors missing (summed over sub-districts) and
    sub-districts missing one, district team, khun ua, people, incumbents with and without a
    named successor (an incumbent is anyone who is not someone's successor), and the zone. Columns that do not apply at a
    level (facilitators in a village) are missing, not zero. `shareable` suppresses the
    successor counts of units with fewer people than the privacy setting.
    """
    check_level(level)
    people = _successor_flags(dataset.people)
    units = unit_frame(dataset, level, people["unit_code"])
    index = pd.Index(units["unit_code"])
    depth = LEVEL_ORDER.index(level)

    # cores per village (new-generation successors are cores too), every village included
    cores = people[people["role"] == "core"]
    core_village = code_at(cores["unit_code"], "village").dropna()
    village_codes = pd.Index(
        pd.concat([dataset.villages["village_code"], core_village]).drop_duplicates()
    )
    per_village = pd.DataFrame({"village_code": village_codes})
    per_village["cores"] = _count_by(core_village, village_codes).to_numpy()
    per_village["missing"] = (CORES_PER_VILLAGE - per_village["cores"]).clip(lower=0)
    per_village["unit"] = code_at(per_village["village_code"], level)
    by_unit = per_village.groupby("unit")
    out = units.copy()
    out["villages"] = by_unit.size().reindex(index, fill_value=0).astype("Int64").to_numpy()
    out["cores"] = by_unit["cores"].sum().reindex(index, fill_value=0).astype("Int64").to_numpy()
    short = per_village[per_village["missing"] > 0].groupby("unit").size()
    out["villages_short_of_cores"] = short.reindex(index, fill_value=0).astype("Int64").to_numpy()
    out["cores_missing"] = (
        by_unit["missing"].sum().reindex(index, fill_value=0).astype("Int64").to_numpy()
    )

    people_unit = code_at(people["unit_code"], level)
    for role, column, lowest in (
        ("tambon_facilitator", "tambon_facilitators", "tambon"),
        ("district_team", "district_team", "amphoe"),
        ("khun_ua", "khun_ua", "tambon"),
        ("province_team", "province_team", "province"),
    ):
        if depth >= LEVEL_ORDER.index(lowest):
            out[column] = _count_by(people_unit[people["role"] == role], index).to_numpy()
        else:
            out[column] = _na_column(len(out)).to_numpy()

    if depth >= LEVEL_ORDER.index("tambon"):
        sector_gaps = _sector_gaps(dataset)
        gap_unit = code_at(sector_gaps["unit_code"], level)
        out["sectors_missing"] = _count_by(gap_unit, index).to_numpy()
        tambons_short = code_at(sector_gaps["unit_code"].drop_duplicates(), level)
        out["tambons_missing_sector"] = _count_by(tambons_short, index).to_numpy()
    else:
        out["sectors_missing"] = _na_column(len(out)).to_numpy()
        out["tambons_missing_sector"] = _na_column(len(out)).to_numpy()

    out["people"] = _count_by(people_unit, index).to_numpy()
    incumbents = people_unit[people["incumbent"]]
    out["incumbents"] = _count_by(incumbents, index).to_numpy()
    out["with_successor"] = _count_by(people_unit[people["has_successor"]], index).to_numpy()
    out["without_successor"] = out["incumbents"] - out["with_successor"]

    zones = dataset.zones.rename(columns={"name_th": "zone_th"})
    if level in ("village", "tambon"):
        tambon = code_at(out["unit_code"], "tambon")
        zone = tambon.map(zones.set_index("tambon_code")["zone_id"])
        out["zone_id"] = zone.astype("str")
        out["zone_th"] = zone.map(zones.drop_duplicates("zone_id").set_index("zone_id")["zone_th"])
        out["zone_th"] = out["zone_th"].astype("str")
    else:
        out["zone_id"] = pd.Series(pd.NA, index=out.index, dtype="str")
        out["zone_th"] = pd.Series(pd.NA, index=out.index, dtype="str")
    if shareable:
        successor_columns = ["incumbents", "with_successor", "without_successor"]
        return privacy.suppress(out, "people", columns=successor_columns)
    return out


def without_successor(dataset: Dataset) -> pd.DataFrame:
    """The people holding a role for whom nobody is named as successor (internal list)."""
    people = _successor_flags(dataset.people)
    rows = people[people["incumbent"] & ~people["has_successor"]]
    out = rows[["person_id", "level", "unit_code", "role", "position", "sector"]].copy()
    out["role_th"] = _label(out["role"], schema.ROLES)
    return out.reset_index(drop=True)


# --- succession ------------------------------------------------------------------------------
def succession(
    dataset: Dataset, level: str = "tambon", *, by_role: bool = False, shareable: bool = False
) -> pd.DataFrame:
    """Succession and the mix of the people in each unit at `level` (optionally per role).

    Columns: people, incumbents, successors (people named as someone's successor),
    with_successor and successor_share (incumbents with a named successor), new_generation and
    new_generation_share, male / female / other_gender and female_share, median_age, and
    people per age band (`age_15_29`...). `shareable` suppresses units with fewer people than
    the privacy setting.
    """
    check_level(level)
    people = _successor_flags(dataset.people)
    people["unit_code"] = code_at(people["unit_code"], level)
    people = people.dropna(subset=["unit_code"])
    bands = age_band(people["age"])
    flags = {"male": people["gender"] == "male", "female": people["gender"] == "female",
             "other_gender": people["gender"] == "other"}  # fmt: skip
    flags.update({f"age_{band}": bands == band for band in AGE_BANDS})
    for name, flag in flags.items():
        people[name] = flag.fillna(False).astype(int)
    keys = ["unit_code", "role"] if by_role else ["unit_code"]
    grouped = people.groupby(keys, observed=True)
    out = pd.DataFrame(
        {
            "people": grouped.size(),
            "incumbents": grouped["incumbent"].sum(),
            "successors": grouped["successor_of"].count(),
            "with_successor": grouped["has_successor"].sum(),
            "new_generation": grouped["new_generation"].sum(),
            **{name: grouped[name].sum() for name in flags if not name.startswith("age_")},
            "median_age": grouped["age"].median().astype("Float64"),
            **{name: grouped[name].sum() for name in flags if name.startswith("age_")},
        }
    )
    counts = [c for c in out.columns if c != "median_age"]
    out[counts] = out[counts].astype("Int64")
    out = out.reset_index()
    out["successor_share"] = _share(out["with_successor"], out["incumbents"])
    out["new_generation_share"] = _share(out["new_generation"], out["people"])
    out["female_share"] = _share(out["female"], out["people"])
    units = unit_frame(dataset, level, dataset.people["unit_code"])
    out = units.merge(out, on="unit_code", how="inner")
    if by_role:
        out.insert(out.columns.get_loc("role") + 1, "role_th", _label(out["role"], schema.ROLES))
    return privacy.suppress(out, "people") if shareable else out


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole as a float share, missing where the whole is 0."""
    whole = whole.astype("Float64")
    return (part.astype("Float64") / whole.where(whole > 0)).astype("Float64")


# --- the freedom table -----------------------------------------------------------------------
def rounds(dataset: Dataset) -> pd.DataFrame:
    """The freedom-table rounds in date order: first and last date, people and rows."""
    f = dataset.freedom
    grouped = f.groupby("round")
    out = pd.DataFrame(
        {
            "date_first": grouped["date"].min(),
            "date_last": grouped["date"].max(),
            "people": grouped["person_id"].nunique().astype("Int64"),
            "rows": grouped.size().astype("Int64"),
        }
    ).reset_index()
    return out.sort_values(["date_first", "round"]).reset_index(drop=True)


def default_rounds(dataset: Dataset) -> tuple[str, str]:
    """The rounds compared by default: the first by date, and the September 2551 BE round.

    Without a round dated September 2551 BE (2008), the latest round is the end round.
    """
    known = rounds(dataset)
    if len(known) < 2:
        raise NothingToShow(
            "ต้องมีการประเมินตารางอิสรภาพอย่างน้อย 2 รอบจึงจะเปรียบเทียบได้",
            "two freedom-table rounds are needed to compare",
            column="round",
            value=list(known["round"]),
        )
    start = known["round"].iloc[0]
    f = dataset.freedom
    september = f[(f["date"].dt.year == 2008) & (f["date"].dt.month == 9)]["round"].unique()
    later = known[known["round"].isin(september) & (known["round"] != start)]
    end = later["round"].iloc[-1] if len(later) else known["round"].iloc[-1]
    return str(start), str(end)


def _pairs(dataset: Dataset, level: str, start: str, end: str) -> pd.DataFrame:
    """Each (person, criterion) in either round, with both rounds' scores and the labels."""
    f = dataset.freedom
    columns = ["person_id", "criterion_id", "score", "target"]
    first = f.loc[f["round"] == start, columns]
    last = f.loc[f["round"] == end, [*columns, "can_do_now"]]
    pairs = first.merge(
        last, on=["person_id", "criterion_id"], how="outer", suffixes=("_start", "_end")
    )
    people = dataset.people[["person_id", "unit_code", "role", "sector", "gender", "age"]]
    pairs = pairs.merge(people, on="person_id", how="left")
    pairs["unit_code"] = code_at(pairs["unit_code"], level)
    pairs = pairs.dropna(subset=["unit_code"])
    criteria = dataset.criteria.rename(
        columns={
            "level": "group_level",
            "unit_code": "group_unit_code",
            "role": "group_role",
            "name_th": "criterion_th",
            "name_en": "criterion_en",
        }
    )
    pairs = pairs.merge(criteria, on="criterion_id", how="left")
    pairs["change"] = pairs["score_end"] - pairs["score_start"]
    pairs["reached_target"] = (pairs["score_end"] >= pairs["target_start"]).astype("boolean")
    pairs["age_band"] = age_band(pairs["age"])
    pairs["age_band_th"] = pairs["age_band"].map({k: v[2] for k, v in AGE_BANDS.items()})
    pairs["role_th"] = _label(pairs["role"], schema.ROLES)
    pairs["gender_th"] = _label(pairs["gender"], schema.GENDERS)
    sectors = params.sectors().set_index("sector")["name_th"]
    pairs["sector_th"] = pairs["sector"].map(sectors).astype("str")
    return pairs


def _person_moved(pairs: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per group, the people assessed in both rounds who rose on no criterion of the group."""
    assessed = pairs.dropna(subset=["change"])
    best = assessed.groupby([*keys, "person_id"], dropna=False)["change"].max()
    still = (best <= 0).groupby(level=list(range(len(keys))), dropna=False).sum()
    return still


def freedom_progress(
    dataset: Dataset,
    level: str = "tambon",
    *,
    start: str | None = None,
    end: str | None = None,
    by: str | Sequence[str] = "criterion",
    roles: Sequence[str] | None = None,
    per_person: bool = False,
    shareable: bool = False,
) -> pd.DataFrame:
    """How people moved on their own quality criteria between two freedom-table rounds.

    Compares `start` and `end` (default: the first round and the September 2551 BE round) for
    the people of each unit at `level`, broken down `by` any of criterion, group (the group
    that set the criteria), sector, gender, age_band and role. Per row: people, assessments in
    both rounds, mean score at start and end and mean change, how many and what share reached
    the target they set at the start, how many assessments improved, stood still or declined,
    the people who rose on no criterion (`people_stood_still`) and the assessments not
    repeated at the end. `per_person=True` gives each person's scores instead (internal use
    only: it cannot be shareable). `shareable` suppresses rows with fewer people than the
    privacy setting.
    """
    check_level(level)
    if per_person and shareable:
        raise OkanalysisError(
            "ผลรายบุคคลใช้ภายในเท่านั้น เผยแพร่ไม่ได้",
            "per-person results are for internal use and cannot be shareable",
            column="per_person",
            value=True,
        )
    default_start, default_end = (
        default_rounds(dataset) if start is None or end is None else (start, end)
    )
    start = start or default_start
    end = end or default_end
    known = set(dataset.freedom["round"])
    for name, value in (("start", start), ("end", end)):
        if value not in known:
            raise OkanalysisError(
                f"ไม่พบรอบการประเมินนี้ รอบที่มี: {sorted(known)}",
                f"no such round; the rounds are {sorted(known)}",
                column=name,
                value=value,
            )
    pairs = _pairs(dataset, level, start, end)
    if roles is not None:
        pairs = pairs[pairs["role"].isin(list(roles))]
    units = unit_frame(dataset, level, dataset.people["unit_code"])
    if per_person:
        columns = [
            "unit_code", "person_id", "role", "role_th", "sector", "gender", "age_band",
            "criterion_id", "criterion_th", "score_start", "target_start", "score_end",
            "target_end", "change", "reached_target", "can_do_now",
        ]  # fmt: skip
        out = pairs[columns].sort_values(["unit_code", "person_id", "criterion_id"])
        out = units[["unit_code", "unit_th", "unit_en"]].merge(out, on="unit_code")
        return out.reset_index(drop=True)

    dims = [by] if isinstance(by, str) else list(by)
    for dim in dims:
        check_choice(dim, tuple(BREAKDOWNS), "by")
    keys = ["unit_code"] + [c for dim in dims for c in BREAKDOWNS[dim]]
    both = pairs.dropna(subset=["change"]).copy()
    for name, moved in (("improved", 1), ("stood_still", 0), ("declined", -1)):
        both[name] = (both["change"].clip(-1, 1) == moved).astype(int)
    grouped_all = pairs.groupby(keys, dropna=False)
    grouped = both.groupby(keys, dropna=False)
    out = pd.DataFrame({"people": grouped_all["person_id"].nunique()})
    out["assessments"] = grouped.size()
    out["score_start_mean"] = grouped["score_start"].mean()
    out["score_end_mean"] = grouped["score_end"].mean()
    out["change_mean"] = grouped["change"].mean()
    out["reached_target"] = grouped["reached_target"].sum()
    for name in ("improved", "stood_still", "declined"):
        out[name] = grouped[name].sum()
    out["people_stood_still"] = _person_moved(pairs, keys)
    out["not_reassessed"] = (
        pairs[pairs["score_start"].notna() & pairs["score_end"].isna()].groupby(keys, dropna=False)
    ).size()
    counts = ["people", "assessments", "reached_target", "improved", "stood_still", "declined",
              "people_stood_still", "not_reassessed"]  # fmt: skip
    out[counts] = out[counts].fillna(0).astype("Int64")
    means = ["score_start_mean", "score_end_mean", "change_mean"]
    out[means] = out[means].astype("Float64")
    out = out.reset_index()
    out["reached_target_share"] = _share(out["reached_target"], out["assessments"])
    out.insert(0, "start", start)
    out.insert(1, "end", end)
    out = units.merge(out, on="unit_code", how="inner")
    return privacy.suppress(out, "people") if shareable else out
