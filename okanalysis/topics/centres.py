"""Sufficiency-economy learning centres (ศูนย์เรียนรู้เศรษฐกิจพอเพียง, learning topic 6).

The register of centres, what each did over the project (activities, visitors, results) and
the count per unit. Centres are places, not people: their figures are public by design and
carry no household or person data to suppress.
"""

from __future__ import annotations

import pandas as pd

from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import check_level, code_at, unit_frame


def _activities(dataset: Dataset, start: object, end: object) -> pd.DataFrame:
    """The centre activities dated from `start` to `end` (both included; None: open)."""
    acts = dataset.centre_activities
    keep = pd.Series(True, index=acts.index)
    if start is not None:
        keep &= acts["date"] >= pd.Timestamp(start)
    if end is not None:
        keep &= acts["date"] <= pd.Timestamp(end)
    return acts[keep.fillna(False).astype(bool)]


def register(dataset: Dataset, *, start: object = None, end: object = None) -> pd.DataFrame:
    """Every learning centre with its village and what it did between `start` and `end`.

    Adds to the centres table: village_th, tambon_code, activities, visitors,
    activities_with_result, first_activity, last_activity, latest_result and `in_use`
    (registered, active and with at least one activity in the period).
    """
    centres = dataset.centres.copy()
    acts = _activities(dataset, start, end).sort_values("date")
    grouped = acts.groupby("centre_id")
    index = pd.Index(centres["centre_id"])
    centres["village_th"] = centres["village_code"].map(
        dataset.villages.set_index("village_code")["name_th"]
    )
    centres["tambon_code"] = code_at(centres["village_code"], "tambon")
    centres["activities"] = grouped.size().reindex(index, fill_value=0).astype("Int64").to_numpy()
    visitors = grouped["visitors"].sum().reindex(index, fill_value=0)
    centres["visitors"] = visitors.astype("Int64").to_numpy()
    with_result = acts["result"].notna() & (acts["result"].str.strip() != "")
    results = with_result.groupby(acts["centre_id"]).sum().reindex(index, fill_value=0)
    centres["activities_with_result"] = results.astype("Int64").to_numpy()
    centres["first_activity"] = grouped["date"].min().reindex(index).to_numpy()
    centres["last_activity"] = grouped["date"].max().reindex(index).to_numpy()
    latest = acts[with_result].groupby("centre_id")["result"].last().reindex(index)
    centres["latest_result"] = latest.astype("str").to_numpy()
    centres["in_use"] = (
        centres["registered"].fillna(False)
        & centres["active"].fillna(False)
        & (centres["activities"] > 0)
    ).astype(bool)
    return centres.reset_index(drop=True)


def summary(
    dataset: Dataset, level: str = "village", *, start: object = None, end: object = None
) -> pd.DataFrame:
    """Learning centres per unit at `level`, over the project (or `start` to `end`).

    Columns: centres, centres_registered, centres_active, centres_in_use (registered, active
    and used in the period), activities, visitors, visitors_per_activity,
    activities_with_result, result_share and last_activity. Every unit of the dataset is
    listed, with zeros where there is no centre.
    """
    check_level(level)
    centres = register(dataset, start=start, end=end)
    for flag in ("registered", "active", "in_use"):
        centres[flag] = centres[flag].fillna(False).astype(int)
    out = unit_frame(dataset, level, centres["village_code"])
    index = pd.Index(out["unit_code"])
    grouped = centres.groupby(code_at(centres["village_code"], level))

    def total(column: str) -> pd.Series:
        values = grouped[column].sum().reindex(index, fill_value=0)
        return values.astype("Int64").to_numpy()

    out["centres"] = grouped.size().reindex(index, fill_value=0).astype("Int64").to_numpy()
    out["centres_registered"] = total("registered")
    out["centres_active"] = total("active")
    out["centres_in_use"] = total("in_use")
    for column in ("activities", "visitors", "activities_with_result"):
        out[column] = total(column)
    activities = out["activities"].astype("Float64")
    out["visitors_per_activity"] = out["visitors"] / activities.where(activities > 0)
    out["result_share"] = out["activities_with_result"] / activities.where(activities > 0)
    out["last_activity"] = grouped["last_activity"].max().reindex(index).to_numpy()
    return out
