"""The demo province: a deterministic, clearly synthetic dataset on the real hierarchy.

`generate(scale, seed)` fills every table of the contract (`okanalysis.contract.schema.TABLES`) in memory
for Nakhon Si Thammarat in fiscal 2551 BE (1 Oct 2007 - 30 Sep 2008): villages on the real
districts and sub-districts from geothai, households, a year of household ledger entries, the
leader database and freedom table, learning centres, financial groups, standards, master plans,
TAO/PAO plans, agency projects and facilitation spending.

Every village draws a latent development level (most villages low, a few high: the CDD split of
57% / 39% / 4%) and a livelihood mix from its district; the two drive incomes, avoidable spending,
saving and debt, and, with noise, the quality of each of the five graded components. Nothing here
is real data: village names are invented, household ids are pseudonymous, and the returned
`Dataset` has `source == "demo"`.

The ledger (about 20 million rows at scale 1) is built with vectorised numpy, never a Python
loop per household or per entry, and turned into Arrow-backed strings without Python objects.

Any province of geothai can be generated (`province="81"`): the same steps on that province's
real districts and sub-districts, at the same density of villages per sub-district (see
`okanalysis.demo.province`), each step's random stream combining the seed with the province code.
Nakhon Si Thammarat (80) is the default and keeps exactly the streams it always had, so the same
scale and seed give the same tables as before provinces were added.

Each step lives in the module of its topic: `province` (villages, households, zones), `ledger`,
`people` (the leader database and freedom table), `community` (learning centres, finance groups,
standards), `plans` and `spending`; `common` holds what they share. This module runs them in order,
each on its own random stream.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from okanalysis.contract import hierarchy
from okanalysis.contract.dataset import Dataset
from okanalysis.core import params
from okanalysis.core.errors import OkanalysisError
from okanalysis.demo.community import make_centres, make_finance, make_standards
from okanalysis.demo.ledger import check_categories, make_ledger
from okanalysis.demo.people import make_freedom, make_people
from okanalysis.demo.plans import make_plans
from okanalysis.demo.province import make_households, make_villages, make_zones
from okanalysis.demo.spending import make_spending

SOURCE = "demo"

STEPS = (
    "villages",
    "households",
    "ledger",
    "people",
    "freedom",
    "zones",
    "centres",
    "finance",
    "standards",
    "plans",
    "spending",
)


def generate(
    scale: float = 1.0,
    seed: int = 2551,
    progress: bool = False,
    *,
    province: str = hierarchy.PROVINCE_CODE,
) -> Dataset:
    """The demo province at `scale` (1.0 = about 1,550 villages and 20 million ledger rows for
    Nakhon Si Thammarat; the same density per sub-district for another `province`).

    Deterministic: the same scale, seed and province give identical tables. Small scales keep
    every district (at least one village each). Returns a `Dataset` with `source == "demo"`
    and `province` set; a province code geothai does not know is refused in Thai and English.
    """
    province = hierarchy.check_province(province)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale < math.inf:
        raise OkanalysisError(
            "scale ต้องเป็นตัวเลขมากกว่า 0 เช่น 0.1 หรือ 1",
            "scale must be a number above 0, e.g. 0.1 or 1",
            column="scale",
            value=scale,
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise OkanalysisError(
            "seed ต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป",
            "seed must be a whole number of 0 or more",
            column="seed",
            value=seed,
        )
    categories = params.ledger_categories()
    check_categories(categories)
    tables: dict[str, pd.DataFrame] = {}
    world: dict[str, object] = {
        "scale": scale,
        "seed": seed,
        "categories": categories,
        "province": province,
    }
    steps: dict[str, Callable[[dict, dict, np.random.Generator], None]] = {
        "villages": make_villages,
        "households": make_households,
        "ledger": make_ledger,
        "people": make_people,
        "freedom": make_freedom,
        "zones": make_zones,
        "centres": make_centres,
        "finance": make_finance,
        "standards": make_standards,
        "plans": make_plans,
        "spending": make_spending,
    }
    desc = "demo" if province == hierarchy.PROVINCE_CODE else f"demo {province}"
    with tqdm(total=len(steps), desc=desc, disable=not progress, unit="step") as bar:
        for name, step in steps.items():
            bar.set_postfix_str(name)
            step(world, tables, step_rng(seed, name, province))
            bar.update(1)
    if province != hierarchy.PROVINCE_CODE:
        _localise(tables, province)
    return Dataset(tables=tables, source=SOURCE, province=province)


def step_rng(seed: int, step: str, province: str = hierarchy.PROVINCE_CODE) -> np.random.Generator:
    """An independent random stream per step (and province), so changing one step leaves the
    others alone; Nakhon Si Thammarat's streams are the ones it had before provinces."""
    if province == hierarchy.PROVINCE_CODE:
        return np.random.default_rng([seed, zlib.crc32(step.encode())])
    return np.random.default_rng([seed, zlib.crc32(step.encode()), int(province)])


#: Texts naming Nakhon Si Thammarat's own institutions, and what another province gets instead.
_LOCAL_NAMES = (("มหาวิทยาลัยวลัยลักษณ์", "มหาวิทยาลัยในจังหวัด"), ("นครศรีธรรมราช", "{name}"))


def _localise(tables: dict[str, pd.DataFrame], province: str) -> None:
    """Another province's name in the few demo texts that name Nakhon Si Thammarat (a team
    member's university, a land development station)."""
    name = hierarchy.province(province)["province_th"]
    for table, column in (("people", "position"), ("agency_projects", "agency")):
        frame = tables[table]
        values = frame[column]
        for old, new in _LOCAL_NAMES:
            values = values.str.replace(old, new.format(name=name), regex=False)
        frame[column] = values.astype(frame[column].dtype)


def provinces(codes: str | list[str] | tuple[str, ...]) -> list[str]:
    """Province codes from what a user typed: "81", "80,81,82" or "all" (every province of
    geothai); each checked, duplicates dropped, order kept."""
    if isinstance(codes, str):
        if codes.strip().lower() in ("all", "ทั้งหมด"):
            return list(hierarchy.province_codes())
        codes = [c for c in codes.split(",") if c.strip()]
    checked = [hierarchy.check_province(c) for c in codes]
    if not checked:
        raise OkanalysisError(
            "ต้องระบุรหัสจังหวัดอย่างน้อยหนึ่งจังหวัด เช่น 80,81 หรือ all",
            "give at least one province code, e.g. 80,81 or all",
            column="provinces",
            value=codes,
        )
    return list(dict.fromkeys(checked))
