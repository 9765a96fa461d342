"""The community health standard and the CDD community standard (learning topics 8 and 9).

Each village assesses its households against the community health standard (the public-health
framework, extended by the community) and tracks it with activities; the Community Development
Department (พช.) assesses the village on its community-standard indicators. Both are yearly;
a summary takes each village's latest year, or the year asked for.
"""

from __future__ import annotations

import pandas as pd

from okanalysis.contract import schema
from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import check_level, code_at, unit_frame
from okanalysis.core import thai
from okanalysis.topics import privacy

#: Health-standard figures about households (suppressed when few households were assessed).
HEALTH_COLUMNS = (
    "health_households_assessed",
    "health_households_passed",
    "health_share",
    "health_villages_passed",
    "health_result",
    "health_result_th",
)


def _latest(frame: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """One row per village: the year asked for, or the village's latest year."""
    if year is not None:
        return frame[frame["year"] == year]
    return frame.sort_values("year").drop_duplicates("village_code", keep="last")


def summary(
    dataset: Dataset, level: str = "village", *, year: int | None = None, shareable: bool = False
) -> pd.DataFrame:
    """Health standard and CDD community standard per unit at `level`.

    Columns: villages; health_villages_assessed, health_villages_passed, health households
    assessed and passed and health_share (households meeting the standard / assessed);
    health_activities and health_participants (in fiscal `year`, or all); cdd_villages_assessed,
    cdd_villages_passed, cdd indicators total and passed and cdd_indicator_share. At village
    level also the year and result (code and Thai) of each standard. `year` is in BE (default:
    each village's latest year). `shareable` blanks the health figures of units where fewer
    households were assessed than the privacy setting.
    """
    check_level(level)
    health = _latest(dataset.health_standard, year)
    cdd = _latest(dataset.cdd_standard, year)
    acts = dataset.health_activities
    if year is not None:
        fiscal = acts["date"].map(thai.fiscal_year_be, na_action="ignore")
        acts = acts[(fiscal == year).fillna(False).astype(bool)]
    codes = pd.concat([health["village_code"], cdd["village_code"], acts["village_code"]])
    out = unit_frame(dataset, level, codes)
    index = pd.Index(out["unit_code"])

    def per_unit(frame: pd.DataFrame, values: pd.Series | None = None) -> object:
        ones = pd.Series(1, index=frame.index) if values is None else values
        sums = ones.groupby(code_at(frame["village_code"], level)).sum()
        return sums.reindex(index, fill_value=0).astype("Int64").to_numpy()

    villages = dataset.villages
    out["villages"] = per_unit(villages)
    out["health_villages_assessed"] = per_unit(health)
    out["health_villages_passed"] = per_unit(health, (health["result"] == "passed").astype(int))
    out["health_households_assessed"] = per_unit(health, health["households_assessed"])
    out["health_households_passed"] = per_unit(health, health["households_passed"])
    assessed = out["health_households_assessed"].astype("Float64")
    out["health_share"] = out["health_households_passed"] / assessed.where(assessed > 0)
    out["health_activities"] = per_unit(acts)
    out["health_participants"] = per_unit(acts, acts["participants"])
    out["cdd_villages_assessed"] = per_unit(cdd)
    out["cdd_villages_passed"] = per_unit(cdd, (cdd["result"] == "passed").astype(int))
    out["cdd_indicators_total"] = per_unit(cdd, cdd["indicators_total"])
    out["cdd_indicators_passed"] = per_unit(cdd, cdd["indicators_passed"])
    total = out["cdd_indicators_total"].astype("Float64")
    out["cdd_indicator_share"] = out["cdd_indicators_passed"] / total.where(total > 0)
    labels = {k: v[0] for k, v in schema.STANDARD_RESULTS.items()}
    for name, frame in (("health", health), ("cdd", cdd)):
        if level == "village":
            rows = frame.set_index("village_code").reindex(index)
            years, result = rows["year"], rows["result"]
        else:  # a result is a village's: missing above
            years = pd.Series(pd.NA, index=index, dtype="Int64")
            result = pd.Series(pd.NA, index=index, dtype="str")
        out[f"{name}_year"] = years.astype("Int64").to_numpy()
        out[f"{name}_result"] = result.astype("str").to_numpy()
        out[f"{name}_result_th"] = result.map(labels).astype("str").to_numpy()
    if shareable:
        return privacy.suppress(out, "health_households_assessed", columns=list(HEALTH_COLUMNS))
    return out
