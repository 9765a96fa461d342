"""The demo facilitation spending: each district's spending on the nine learning topics,
below its budget per village."""

from __future__ import annotations

import numpy as np
import pandas as pd

from okanalysis.demo.common import (
    FY_DAYS,
    FY_START,
    contract_frame,
    numbered,
    rank_within,
    to_satang,
)
from okanalysis.topics import budget

_SPENDING_NOTES = {
    1: "จัดเวทีทำตารางอิสรภาพแกนนำ",
    2: "ค่าแบบบันทึกบัญชีครัวเรือนและวงเรียนรู้",
    3: "ค่าอาหารเวทีวิเคราะห์ข้อมูลหมู่บ้าน",
    4: "เวทีประชาคมทำแผนแม่บทชุมชน",
    5: "เวทีเชื่อมแผนชุมชนกับแผน อบต.",
    6: "ศึกษาดูงานศูนย์เรียนรู้",
    7: "เวทีเครือข่ายกองทุนสวัสดิการ",
    8: "เวทีกำหนดมาตรฐานสุขภาพชุมชน",
    9: "ประเมินมาตรฐานชุมชน พช.",
}
_TOPIC_WEIGHTS = (0.16, 0.2, 0.12, 0.16, 0.08, 0.1, 0.08, 0.05, 0.05)


# --- facilitation spending -------------------------------------------------------------------
def make_spending(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Each district's facilitation spending in fiscal 2551, below its budget of 12,000 baht a
    village, spent to a varying degree on the nine learning topics."""
    v = world["villages"]
    per_district = v.groupby("amphoe_code").size()
    rows = []
    for a, n_v in per_district.items():
        spent = budget.PER_VILLAGE_BAHT * n_v * rng.uniform(0.45, 0.97)
        k = max(3, round(n_v * rng.uniform(0.3, 0.7)))
        parts = np.floor(rng.dirichlet(np.full(k, 2.0)) * spent)
        parts = np.maximum(parts, 1)
        topic = rng.choice(9, k, p=np.array(_TOPIC_WEIGHTS) / sum(_TOPIC_WEIGHTS)) + 1
        day = np.sort(rng.integers(30, FY_DAYS, k))
        rows.append(pd.DataFrame({"amphoe_code": a, "day": day, "topic": topic, "amount": parts}))
    s = pd.concat(rows, ignore_index=True)
    tables["spending"] = contract_frame(
        "spending",
        {
            "record_id": numbered(
                "S" + s["amphoe_code"], rank_within(s["amphoe_code"].to_numpy()) + 1, 3
            ),
            "amphoe_code": s["amphoe_code"],
            "date": FY_START + s["day"].to_numpy().astype("timedelta64[D]"),
            "topic": s["topic"],
            "amount_satang": to_satang(s["amount"].to_numpy()),
            "note": [_SPENDING_NOTES[t] for t in s["topic"]],
        },
    )
