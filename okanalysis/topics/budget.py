"""The district facilitation budget: allocated by villages, led by seven agencies, spent by topic.

The seed allocates the district teams' budget by their number of villages, an indicative
12,000 baht per village, and splits the 23 districts among seven lead (secretariat) agencies:
3, 3, 3, 3, 3, 4 and 4 districts. Which agency leads which district is the team's choice, in
`parameters/agencies.yaml`; the counts are the seed's and a file that breaks them is refused.
Money is exact: integer satang throughout, never float. The budget concerns districts, not
households or persons, so it has nothing for the privacy rule to suppress.

The seven lead agencies and their districts are Nakhon Si Thammarat's own: for another province
the budget is allocated the same way, but there is no lead agency (the agency columns are
empty), and anything by agency raises `NothingToShow` ("no lead-agency file for this province").
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from okanalysis.contract import hierarchy, schema
from okanalysis.contract.dataset import Dataset
from okanalysis.contract.hierarchy import check_choice, code_at
from okanalysis.core import params, thai
from okanalysis.core.errors import NothingToShow, OkanalysisError, ParameterError

#: How many districts each lead agency leads, as the seed fixes it.
SEED_COUNTS: dict[str, int] = {
    "admin": 3,
    "cdd": 3,
    "agriculture": 3,
    "nfe": 3,
    "health": 3,
    "local_social": 4,
    "community": 4,
}

#: The seed's indicative facilitation budget per village, in baht.
PER_VILLAGE_BAHT = 12000

BY = ("amphoe", "agency", "province")
AGENCY_COLUMNS = ["agency", "agency_th", "agency_en"]


def _refuse(path: Path, line: int | None, th: str, en: str, value: object = None) -> None:
    raise ParameterError(th, en, file=str(path), row=line, column="districts", value=value)


def no_agencies(province: str) -> NothingToShow:
    """The notice for a province without lead agencies (all but Nakhon Si Thammarat)."""
    name = hierarchy.province(province)
    return NothingToShow(
        f"ไม่มีไฟล์หน่วยงานหลักของจังหวัด{name['province_th']} (หน่วยงานหลัก 7 หน่วยงานใน "
        "parameters/agencies.yaml เป็นของจังหวัดนครศรีธรรมราช)",
        f"no lead-agency file for this province, {name['province_en']} (the seven lead agencies "
        "of parameters/agencies.yaml are Nakhon Si Thammarat's)",
        column="province",
        value=province,
    )


def lead_agencies(
    path: str | os.PathLike[str] | None = None, *, province: str = hierarchy.PROVINCE_CODE
) -> pd.DataFrame:
    """The lead agency of every district, from `parameters/agencies.yaml`, validated.

    One row per district: amphoe_code, agency, agency_th, agency_en. Refused, with the file
    and the agency's line: an unknown or repeated agency, a district that is not one of the
    province's, a district listed twice, an agency leading more or fewer districts than the
    seed gives it, or a district nobody leads. The agencies are Nakhon Si Thammarat's: for any
    other `province`, `NothingToShow` (see `no_agencies`).
    """
    province = hierarchy.check_province(province)
    if province != hierarchy.PROVINCE_CODE:
        raise no_agencies(province)
    file = Path(path) if path else params.parameters_dir() / "agencies.yaml"
    data = params.read_yaml(file)
    entries = params.require(data, "agencies", file, kind=list)
    real = set(hierarchy.districts()["amphoe_code"])
    rows: list[dict] = []
    seen_agency: set[str] = set()
    led_by: dict[str, str] = {}
    for entry in entries:
        code = str(params.require(entry, "code", file, allowed=set(SEED_COUNTS)))
        line = getattr(entry, "line", None)
        if code in seen_agency:
            _refuse(file, line, "หน่วยงานซ้ำ", "agency listed twice", code)
        seen_agency.add(code)
        name_th = str(params.require(entry, "name_th", file))
        name_en = str(params.require(entry, "name_en", file))
        districts = [
            thai.arabic_digits(str(d)).strip()
            for d in params.require(entry, "districts", file, kind=list)
        ]
        for district in districts:
            if district not in real:
                _refuse(
                    file,
                    line,
                    f"'{district}' ไม่ใช่รหัสอำเภอของจังหวัด (8001-8023)",
                    f"'{district}' is not a district code of the province (8001-8023)",
                    district,
                )
            if district in led_by:
                _refuse(
                    file,
                    line,
                    f"อำเภอ {district} อยู่ในรายการของ {led_by[district]} แล้ว",
                    f"district {district} is already led by {led_by[district]}",
                    district,
                )
            led_by[district] = code
            rows.append(
                {
                    "amphoe_code": district,
                    "agency": code,
                    "agency_th": name_th,
                    "agency_en": name_en,
                }
            )
        if len(districts) != SEED_COUNTS[code]:
            _refuse(
                file,
                line,
                f"{code} รับผิดชอบ {len(districts)} อำเภอ แต่ข้อเสนอโครงการกำหนด "
                f"{SEED_COUNTS[code]} อำเภอ",
                f"{code} leads {len(districts)} districts; the seed gives it {SEED_COUNTS[code]}",
                len(districts),
            )
    missing = sorted(set(SEED_COUNTS) - seen_agency)
    if missing:
        _refuse(
            file,
            getattr(data, "line", None),
            f"ขาดหน่วยงาน {missing}",
            f"missing agencies {missing}",
        )
    unled = sorted(real - set(led_by))
    if unled:
        th = f"อำเภอที่ไม่มีหน่วยงานรับผิดชอบ {unled}"
        _refuse(file, getattr(data, "line", None), th, f"districts nobody leads: {unled}", unled)
    return pd.DataFrame(rows).astype("str").sort_values("amphoe_code").reset_index(drop=True)


def satang_per_village(per_village: int | str | Decimal) -> int:
    """The per-village amount in baht as exact integer satang; refused if not whole satang."""
    try:
        satang = Decimal(str(per_village).replace(",", "")) * 100
    except InvalidOperation:
        satang = Decimal("NaN")
    if not satang.is_finite() or satang != satang.to_integral_value() or satang < 0:
        raise OkanalysisError(
            "งบต่อหมู่บ้านต้องเป็นจำนวนเงินบาท ไม่ติดลบ ทศนิยมไม่เกิน 2 ตำแหน่ง",
            "the per-village amount must be baht, not negative, at most 2 decimals",
            column="per_village",
            value=per_village,
        )
    return int(satang)


def _districts(
    dataset: Dataset, per_village: int | str | Decimal, agencies: str | os.PathLike[str] | None
) -> pd.DataFrame:
    """Each district with its lead agency (none outside Nakhon Si Thammarat), villages, budget
    and what it spent (exact satang)."""
    province = hierarchy.data_province(dataset)
    if province == hierarchy.PROVINCE_CODE:
        leads = lead_agencies(agencies)
    else:
        leads = pd.DataFrame(
            {c: pd.Series([], dtype="str") for c in ["amphoe_code", *AGENCY_COLUMNS]}
        )
    out = hierarchy.districts(province).merge(leads, on="amphoe_code", how="left")
    index = pd.Index(out["amphoe_code"])
    villages = code_at(dataset.villages["village_code"], "amphoe").value_counts()
    out["villages"] = villages.reindex(index, fill_value=0).astype("int64").to_numpy()
    out["per_village_satang"] = satang_per_village(per_village)
    out["budget_satang"] = out["villages"] * out["per_village_satang"]
    spending = dataset.spending
    grouped = spending.groupby("amphoe_code")
    out["spent_satang"] = (
        grouped["amount_satang"].sum().reindex(index, fill_value=0).astype("int64").to_numpy()
    )
    out["spending_records"] = grouped.size().reindex(index, fill_value=0).astype("int64").to_numpy()
    return out


def _by(
    frame: pd.DataFrame, by: str, keys: list[str], columns: list[str], province: str
) -> pd.DataFrame:
    """Sum the integer columns of the district table per agency or for the province."""
    if by == "amphoe":
        return frame
    if by == "agency":
        if province != hierarchy.PROVINCE_CODE:
            raise no_agencies(province)
        grouped = frame.groupby(keys, sort=False)
        out = grouped[columns].sum().reset_index()
        out.insert(len(keys), "districts", grouped.size().to_numpy())
        return out
    names = hierarchy.province(province)
    out = pd.DataFrame(frame[columns].sum()).T.astype("int64")
    out.insert(0, "districts", len(frame))
    for i, (key, value) in enumerate(names.items()):
        out.insert(i, key, value)
    return out


def allocate(
    dataset: Dataset,
    per_village: int | str | Decimal = PER_VILLAGE_BAHT,
    *,
    by: str = "amphoe",
    agencies: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Each district's facilitation budget from its villages, and what was spent against it.

    `per_village` is in baht (default the seed's 12,000). Per district (`by="amphoe"`): its
    lead agency, villages, budget_satang = villages x per village, spent_satang and
    spending_records from the spending table, balance_satang and share_spent. `by="agency"`
    gives the totals per lead agency (with its number of districts), `by="province"` the
    province's. All money is exact integer satang.
    """
    check_choice(by, BY, "by")
    districts = _districts(dataset, per_village, agencies)
    money = ["villages", "budget_satang", "spent_satang", "spending_records"]
    out = _by(districts, by, AGENCY_COLUMNS, money, hierarchy.data_province(dataset))
    out["balance_satang"] = out["budget_satang"] - out["spent_satang"]
    budget = out["budget_satang"].astype("Float64")
    out["share_spent"] = (out["spent_satang"] / budget.where(budget > 0)).astype("Float64")
    return out.reset_index(drop=True)


def spending_by_topic(
    dataset: Dataset,
    per_village: int | str | Decimal = PER_VILLAGE_BAHT,
    *,
    by: str = "amphoe",
    agencies: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Spending per district (or agency, or province) and learning topic, all nine topics listed.

    Columns: the unit's keys, topic, topic_th, topic_en, spent_satang, share_of_spent (of the
    unit's spending) and share_of_budget (of its allocation).
    """
    check_choice(by, BY, "by")
    districts = _districts(dataset, per_village, agencies)
    spending = dataset.spending
    per_topic = (
        spending.groupby(["amphoe_code", "topic"])["amount_satang"]
        .sum()
        .unstack(fill_value=0)
        .reindex(index=districts["amphoe_code"], columns=list(schema.TOPICS), fill_value=0)
    )
    topic_columns = [f"topic_{t}" for t in schema.TOPICS]
    districts[topic_columns] = per_topic.astype("int64").to_numpy()
    summed = _by(
        districts,
        by,
        AGENCY_COLUMNS,
        ["budget_satang", "spent_satang", *topic_columns],
        hierarchy.data_province(dataset),
    )
    keys = {
        "amphoe": ["amphoe_code", "amphoe_th", "amphoe_en", *AGENCY_COLUMNS],
        "agency": AGENCY_COLUMNS,
        "province": ["province_code", "province_th", "province_en"],
    }[by]
    long = summed.melt(
        id_vars=[*keys, "budget_satang", "spent_satang"],
        value_vars=topic_columns,
        var_name="topic",
        value_name="topic_spent_satang",
    )
    long["topic"] = long["topic"].str.removeprefix("topic_").astype("int64")
    long["topic_th"] = long["topic"].map({k: v[0] for k, v in schema.TOPICS.items()})
    long["topic_en"] = long["topic"].map({k: v[1] for k, v in schema.TOPICS.items()})
    spent = long["spent_satang"].astype("Float64")
    budget = long["budget_satang"].astype("Float64")
    long["share_of_spent"] = long["topic_spent_satang"] / spent.where(spent != 0)
    long["share_of_budget"] = long["topic_spent_satang"] / budget.where(budget > 0)
    long = long.drop(columns=["spent_satang"]).rename(
        columns={"topic_spent_satang": "spent_satang"}
    )
    sort = [k for k in ("amphoe_code", "agency", "province_code") if k in long]
    return long.sort_values([*sort, "topic"]).reset_index(drop=True)
