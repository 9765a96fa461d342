"""Community financial organisations and welfare (องค์กรการเงินและสวัสดิการชุมชน, topic 7).

Savings groups, village funds, welfare funds and the like, per group and per unit: members and
the share of households they reach, capital, loans, arrears, welfare paid and to how many, and
whether the groups work as one network at village or sub-district level (the welfare model).

The ratios follow the spirit of the PEARLS monitoring system of the World Council of Credit
Unions: A1, delinquent loans to the loan portfolio, should stay at most 5%; E1, loans to total
assets, should sit between 70% and 80% (a group lending far less leaves savings idle, far more
lends money it does not have). The grading rubric sets its own bands; these are the norms.
"""

from __future__ import annotations

import pandas as pd

from okanalysis.contract import schema
from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import check_level, code_at, unit_frame
from okanalysis.topics import privacy

#: PEARLS A1: arrears (delinquent loans) / loans outstanding, at most.
ARREARS_NORM = 0.05
#: PEARLS E1: loans outstanding / capital, between.
LOAN_TO_CAPITAL_NORM = (0.70, 0.80)

#: Welfare models, by where the integrated network sits: code -> (Thai, English).
WELFARE_MODELS: dict[str, tuple[str, str]] = {
    "tambon": ("บูรณาการระดับตำบล", "integrated at sub-district level"),
    "village": ("บูรณาการระดับหมู่บ้าน", "integrated at village level"),
    "none": ("ยังไม่บูรณาการ", "not integrated"),
}

#: Figures about member households (suppressed together when a unit's groups reach few).
MEMBER_COLUMNS = (
    "members", "member_households", "households_covered", "household_coverage",
    "welfare_households_covered", "welfare_coverage", "capital_satang",
    "loans_outstanding_satang", "arrears_satang", "loan_to_capital", "arrears_ratio",
    "arrears_within_norm", "loans_within_norm",
)  # fmt: skip
#: Figures about welfare recipients.
WELFARE_COLUMNS = ("welfare_paid_satang", "welfare_recipients")


def ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part / whole of exact integer money as a float ratio, missing where whole is 0."""
    whole = whole.astype("Float64")
    return (part.astype("Float64") / whole.where(whole > 0)).astype("Float64")


def _norm_flags(frame: pd.DataFrame) -> pd.DataFrame:
    low, high = LOAN_TO_CAPITAL_NORM
    frame["arrears_within_norm"] = (frame["arrears_ratio"] <= ARREARS_NORM).astype("boolean")
    ltc = frame["loan_to_capital"]
    frame["loans_within_norm"] = ((ltc >= low) & (ltc <= high)).astype("boolean")
    return frame


def groups(dataset: Dataset) -> pd.DataFrame:
    """Every financial group with its type's Thai name and its PEARLS-style ratios.

    Adds: type_th, loan_to_capital (loans outstanding / capital), arrears_ratio (arrears /
    loans outstanding), arrears_within_norm and loans_within_norm (see the module notes).
    """
    out = dataset.finance_groups.copy()
    out["type_th"] = out["type"].map({k: v[0] for k, v in schema.FINANCE_TYPES.items()})
    out["loan_to_capital"] = ratio(out["loans_outstanding_satang"], out["capital_satang"])
    out["arrears_ratio"] = ratio(out["arrears_satang"], out["loans_outstanding_satang"])
    return _norm_flags(out).reset_index(drop=True)


def _households(dataset: Dataset, level: str) -> pd.Series:
    """Households per unit at `level`, from the villages table."""
    villages = dataset.villages
    return villages["households"].groupby(code_at(villages["village_code"], level)).sum()


def _covered(dataset: Dataset, frame: pd.DataFrame, level: str) -> pd.Series:
    """Households reached per unit at `level`: a lower bound, as a household may be in several.

    In each village, the member households of its widest-reaching village group (at most the
    village's households); in each sub-district, that summed over its villages or its widest
    sub-district group, whichever is larger; above, the sum over sub-districts.
    """
    v_house = _households(dataset, "village")
    village_groups = frame[frame["level"] == "village"]
    widest = village_groups.groupby("unit_code")["member_households"].max()
    per_village = widest.clip(upper=v_house.reindex(widest.index)).astype("Int64")
    if level == "village":
        return per_village
    t_house = _households(dataset, "tambon")
    from_villages = per_village.groupby(code_at(per_village.index.to_series(), "tambon")).sum()
    tambon_groups = frame[frame["level"] == "tambon"]
    widest_t = tambon_groups.groupby("unit_code")["member_households"].max()
    widest_t = widest_t.clip(upper=t_house.reindex(widest_t.index)).astype("Int64")
    both = pd.concat([from_villages, widest_t], axis=1).fillna(0).max(axis=1).astype("Int64")
    return both.groupby(code_at(both.index.to_series(), level)).sum()


def summary(dataset: Dataset, level: str = "village", *, shareable: bool = False) -> pd.DataFrame:
    """Financial groups and welfare per unit at `level`.

    Columns: groups, groups_active, groups_integrated and groups per type (`groups_<type>`);
    members, member_households, households, households_covered and household_coverage (a
    lower bound: the widest-reaching group), welfare_households_covered and welfare_coverage
    (welfare funds only); capital, loans outstanding and arrears in exact satang with
    loan_to_capital, arrears_ratio and the PEARLS-style norm flags; welfare_paid_satang and
    welfare_recipients; integrated_village, integrated_tambon (an integrated sub-district
    network covers the unit) and welfare_model (tambon / village / none, with Thai names).
    Sub-district groups count from sub-district level up. `shareable` blanks the member and
    money figures of units whose groups reach fewer households than the privacy setting, and
    the welfare figures where fewer people received welfare.
    """
    check_level(level)
    every = groups(dataset)
    every["unit"] = code_at(every["unit_code"], level)
    frame = every.dropna(subset=["unit"]).copy()
    for flag in ("active", "integrated"):
        frame[flag] = frame[flag].fillna(False).astype(int)
    out = unit_frame(dataset, level, frame["unit_code"])
    index = pd.Index(out["unit_code"])
    grouped = frame.groupby("unit")

    def total(column: str, dtype: str = "Int64") -> object:
        values = grouped[column].sum().reindex(index, fill_value=0)
        return values.astype(dtype).to_numpy()

    out["groups"] = grouped.size().reindex(index, fill_value=0).astype("Int64").to_numpy()
    out["groups_active"] = total("active")
    out["groups_integrated"] = total("integrated")
    for kind in schema.FINANCE_TYPES:
        counts = (frame["type"] == kind).groupby(frame["unit"]).sum()
        out[f"groups_{kind}"] = counts.reindex(index, fill_value=0).astype("Int64").to_numpy()
    out["members"] = total("members")
    out["member_households"] = total("member_households")
    out["households"] = _households(dataset, level).reindex(index).astype("Int64").to_numpy()
    covered = _covered(dataset, frame, level).reindex(index, fill_value=0)
    out["households_covered"] = covered.astype("Int64").to_numpy()
    out["household_coverage"] = ratio(out["households_covered"], out["households"])
    welfare = _covered(dataset, frame[frame["type"] == "welfare_fund"], level)
    out["welfare_households_covered"] = (
        welfare.reindex(index, fill_value=0).astype("Int64").to_numpy()
    )
    out["welfare_coverage"] = ratio(out["welfare_households_covered"], out["households"])
    for money in ("capital_satang", "loans_outstanding_satang", "arrears_satang"):
        out[money] = total(money, "int64")
    out["loan_to_capital"] = ratio(out["loans_outstanding_satang"], out["capital_satang"])
    out["arrears_ratio"] = ratio(out["arrears_satang"], out["loans_outstanding_satang"])
    out = _norm_flags(out)
    out["welfare_paid_satang"] = total("welfare_paid_satang", "int64")
    out["welfare_recipients"] = total("welfare_recipients")

    integrated = frame[frame["integrated"] == 1]
    village_net = code_at(integrated.loc[integrated["level"] == "village", "unit_code"], level)
    out["integrated_village"] = out["unit_code"].isin(set(village_net.dropna()))
    networks = every[every["integrated"].fillna(False).astype(bool) & (every["level"] == "tambon")]
    tambon_net = set(networks["unit_code"])
    if level == "village":  # a village is covered by its sub-district's network
        out["integrated_tambon"] = code_at(out["unit_code"], "tambon").isin(tambon_net)
    else:
        reached = set(code_at(pd.Series(sorted(tambon_net), dtype="str"), level).dropna())
        out["integrated_tambon"] = out["unit_code"].isin(reached)
    model = pd.Series("none", index=out.index, dtype="str")
    model = model.mask(out["integrated_village"], "village").mask(
        out["integrated_tambon"], "tambon"
    )
    out["welfare_model"] = model
    out["welfare_model_th"] = model.map({k: v[0] for k, v in WELFARE_MODELS.items()})
    if shareable:
        out = privacy.suppress(out, "member_households", columns=list(MEMBER_COLUMNS))
        out = privacy.suppress(out, "welfare_recipients", columns=list(WELFARE_COLUMNS))
    return out
