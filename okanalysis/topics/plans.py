"""Master plans, TAO / PAO plans and agency projects (learning topics 4 and 5).

A community's master plan (แผนแม่บทชุมชน) lists items: the problem or opportunity each answers,
whether it relies on the household, on the community or on outside help, the ledger category
it addresses, its cost and who pays. The plan should be taken up by the TAO development plan
(อบต.) and the PAO support plan (อบจ.), and agency projects should reinforce it rather than
arrive top-down. These functions say, per item and per unit, who took what up, with how much
money, which items nobody supports, which projects answer no item, and whether the plan
answers the unit's own top opportunities from the household ledger.
"""

from __future__ import annotations

import pandas as pd

from okanalysis.contract import schema
from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import check_level, code_at, unit_frame
from okanalysis.topics import privacy

#: How an item is supported: code -> (Thai, English).
SUPPORT: dict[str, tuple[str, str]] = {
    "both": ("แผนท้องถิ่นและโครงการหน่วยงาน", "local plan and agency project"),
    "local": ("แผนท้องถิ่น (อบต./อบจ.) เท่านั้น", "local plan (TAO/PAO) only"),
    "agency": ("โครงการหน่วยงานเท่านั้น", "agency project only"),
    "none": ("ยังไม่มีผู้สนับสนุน", "not supported"),
}

#: The columns of `alignment` that come from households' ledgers (suppressed when shared).
LEDGER_COLUMNS = (
    "households_recording",
    "top_opportunities",
    "top_opportunities_addressed",
    "addresses_top_opportunities",
)


def _linked(frame: pd.DataFrame, budget: str) -> pd.DataFrame:
    """Per plan item: how many rows of `frame` name it, and their budget (exact satang)."""
    rows = frame.dropna(subset=["plan_item_id"])
    grouped = rows.groupby("plan_item_id")
    return pd.DataFrame({"count": grouped.size(), "budget": grouped[budget].sum()})


def items(dataset: Dataset) -> pd.DataFrame:
    """Every master-plan item with who took it up and the money behind it.

    Adds to each item: tao_items / pao_items (TAO and PAO plan items that took it up) and
    their budgets, agency_projects and their budget, in_tao_plan, in_pao_plan,
    agency_supported, and `support`: both (a local plan and an agency), local (TAO or PAO
    only), agency (only) or none, with Thai labels.
    """
    plan = dataset.plan_items.copy()
    local = dataset.local_plans
    index = pd.Index(plan["item_id"])
    for org in ("tao", "pao"):
        linked = _linked(local[local["org"] == org], "budget_satang").reindex(index)
        plan[f"{org}_items"] = linked["count"].fillna(0).astype("Int64").to_numpy()
        plan[f"{org}_budget_satang"] = linked["budget"].fillna(0).astype("int64").to_numpy()
    agency = _linked(dataset.agency_projects, "budget_satang").reindex(index)
    plan["agency_projects"] = agency["count"].fillna(0).astype("Int64").to_numpy()
    plan["agency_budget_satang"] = agency["budget"].fillna(0).astype("int64").to_numpy()
    plan["in_tao_plan"] = plan["tao_items"] > 0
    plan["in_pao_plan"] = plan["pao_items"] > 0
    plan["agency_supported"] = plan["agency_projects"] > 0
    in_local = plan["in_tao_plan"] | plan["in_pao_plan"]
    support = pd.Series("none", index=plan.index, dtype="str")
    support = support.mask(in_local, "local").mask(plan["agency_supported"], "agency")
    plan["support"] = support.mask(in_local & plan["agency_supported"], "both")
    plan["support_th"] = plan["support"].map({k: v[0] for k, v in SUPPORT.items()})
    plan["kind_th"] = plan["kind"].map({k: v[0] for k, v in schema.PLAN_KINDS.items()})
    plan["payer_th"] = plan["payer"].map({k: v[0] for k, v in schema.PAYERS.items()})
    flags = ["in_tao_plan", "in_pao_plan", "agency_supported"]
    plan[flags] = plan[flags].astype(bool)
    return plan.reset_index(drop=True)


def top_down(dataset: Dataset) -> pd.DataFrame:
    """The agency projects that answer no master-plan item (top-down projects)."""
    projects = dataset.agency_projects
    known = set(dataset.plan_items["item_id"])
    orphan = projects["plan_item_id"].isna() | ~projects["plan_item_id"].isin(known)
    return projects[orphan].reset_index(drop=True)


def _sum_by(values: pd.Series, units: pd.Series, index: pd.Index) -> pd.Series:
    """Exact integer sums of `values` per unit, 0 for a unit without any."""
    return values.groupby(units).sum().reindex(index, fill_value=0).astype("int64")


def _count_by(mask: pd.Series | None, units: pd.Series, index: pd.Index) -> pd.Series:
    """How many rows per unit (those in `mask`, or all), 0 for a unit without any."""
    ones = pd.Series(1, index=units.index) if mask is None else mask.astype(int)
    return ones.groupby(units).sum().reindex(index, fill_value=0).astype("Int64")


def top_opportunities(dataset: Dataset, level: str = "village", top: int = 3) -> pd.DataFrame:
    """Each unit's `top` substitutable ledger categories by yearly outflow, largest first.

    Columns: unit_code, top_opportunities (a list of category codes), households_recording.
    Taken from `okanalysis.topics.potential.opportunities`, never re-derived here.
    """
    from okanalysis.topics.potential import opportunities

    ranked = opportunities(dataset, level=level)
    ranked = ranked[(ranked["kind"] == "substitutable") & (ranked["rank"] <= top)]
    grouped = ranked.sort_values(["unit_code", "rank"]).groupby("unit_code")
    return pd.DataFrame(
        {
            "top_opportunities": grouped["category"].agg(list),
            "households_recording": grouped["households_recording"].max(),
        }
    ).reset_index()


def _opportunity_columns(
    dataset: Dataset, out: pd.DataFrame, plan: pd.DataFrame, level: str, top: int
) -> pd.DataFrame:
    """Whether each unit's plan addresses its own top ledger opportunities."""
    ranked = top_opportunities(dataset, level, top).set_index("unit_code")
    wanted = ranked["top_opportunities"].reindex(out["unit_code"])
    addressed = plan.dropna(subset=["category"]).groupby("unit")["category"].agg(set)
    found = [
        sum(c in addressed.get(code, set()) for c in cats) if isinstance(cats, list) else pd.NA
        for code, cats in wanted.items()
    ]
    out["households_recording"] = (
        ranked["households_recording"]
        .reindex(out["unit_code"])
        .fillna(0)
        .astype("Int64")
        .to_numpy()
    )
    out["top_opportunities"] = pd.array(
        [", ".join(c) if isinstance(c, list) else pd.NA for c in wanted], dtype="str"
    )
    out["top_opportunities_addressed"] = pd.array(found, dtype="Int64")
    out["addresses_top_opportunities"] = (out["top_opportunities_addressed"] > 0).astype("boolean")
    return out


def alignment(
    dataset: Dataset,
    level: str = "village",
    *,
    top: int = 3,
    shareable: bool = False,
) -> pd.DataFrame:
    """Per unit at `level`: how the master plan is taken up, with what money, and gaps.

    Columns: items and items per kind (self / mutual / outside), cost_satang and cost by who
    pays (`cost_<payer>_satang`), items_in_tao_plan, items_in_pao_plan,
    items_with_agency_project, items_local_and_agency, items_unsupported, supported_share,
    the TAO / PAO / agency money behind the items (`tao_budget_satang`...), top_down_projects
    and top_down_budget_satang (agency projects answering no item), tao_items_not_from_plan
    (TAO plan items that take up no master-plan item; sub-district and above), visions (the
    community's own statements), and, unless `top=0`, the unit's `top` substitutable ledger
    opportunities, how many the plan addresses and whether it addresses any (missing when
    the unit has no ledger), with the households recording behind them. Money is exact
    integer satang. `shareable` blanks the ledger columns of units with fewer recording
    households than the privacy setting.
    """
    check_level(level)
    plan = items(dataset)
    plan["unit"] = code_at(plan["unit_code"], level)
    plan = plan.dropna(subset=["unit"])
    projects = dataset.agency_projects
    local = dataset.local_plans
    codes = pd.concat(
        [dataset.plan_items["unit_code"], projects["unit_code"], local["tambon_code"]]
    )
    out = unit_frame(dataset, level, codes)
    index = pd.Index(out["unit_code"])
    units = plan["unit"]
    out["items"] = _count_by(None, units, index).to_numpy()
    for kind in schema.PLAN_KINDS:
        out[f"items_{kind}"] = _count_by(plan["kind"] == kind, units, index).to_numpy()
    out["cost_satang"] = _sum_by(plan["cost_satang"], units, index).to_numpy()
    for payer in schema.PAYERS:
        cost = plan["cost_satang"].where(plan["payer"] == payer, 0)
        out[f"cost_{payer}_satang"] = _sum_by(cost, units, index).to_numpy()
    out["items_in_tao_plan"] = _count_by(plan["in_tao_plan"], units, index).to_numpy()
    out["items_in_pao_plan"] = _count_by(plan["in_pao_plan"], units, index).to_numpy()
    out["items_with_agency_project"] = _count_by(plan["agency_supported"], units, index).to_numpy()
    out["items_local_and_agency"] = _count_by(plan["support"] == "both", units, index).to_numpy()
    out["items_unsupported"] = _count_by(plan["support"] == "none", units, index).to_numpy()
    supported = (out["items"] - out["items_unsupported"]).astype("Float64")
    out["supported_share"] = supported / out["items"].astype("Float64").where(out["items"] > 0)
    for source in ("tao", "pao", "agency"):
        column = f"{source}_budget_satang"
        out[column] = _sum_by(plan[column], units, index).to_numpy()

    orphans = top_down(dataset)
    orphan_unit = code_at(orphans["unit_code"], level)
    out["top_down_projects"] = _count_by(None, orphan_unit, index).to_numpy()
    out["top_down_budget_satang"] = _sum_by(orphans["budget_satang"], orphan_unit, index).to_numpy()
    own = local[(local["org"] == "tao") & local["plan_item_id"].isna()]
    if level == "village":
        out["tao_items_not_from_plan"] = pd.array([pd.NA] * len(out), dtype="Int64")
    else:
        own_unit = code_at(own["tambon_code"], level)
        out["tao_items_not_from_plan"] = _count_by(None, own_unit, index).to_numpy()
    visions = code_at(dataset.visions["unit_code"], level)
    out["visions"] = _count_by(None, visions, index).to_numpy()

    if top > 0:
        out = _opportunity_columns(dataset, out, plan, level, top)
    if shareable and top > 0:
        out = privacy.suppress(out, "households_recording", columns=list(LEDGER_COLUMNS))
    elif shareable:
        out[privacy.SUPPRESSED] = False  # no household figures without the ledger columns
    return out
