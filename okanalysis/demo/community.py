"""The demo community institutions: learning centres and their activities, village funds,
savings and welfare groups, and the health and CDD standards with health activities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from okanalysis.contract import schema
from okanalysis.demo.common import (
    FISCAL_YEAR_BE,
    contract_frame,
    fy_dates,
    numbered,
    pick_from,
    rank_within,
    sigmoid,
    tambon_quality,
    to_satang,
)

CDD_INDICATORS = 23  # indicators assessed per village in the demo CDD standard
CDD_PASS_AT = 17  # a village passes with at least this many indicators
HEALTH_PASS_SHARE = 0.6  # a village passes the health standard when 60% of households do

_CENTRE_TOPICS = (
    "ปุ๋ยหมักชีวภาพและน้ำหมักชีวภาพ", "การทำบัญชีครัวเรือน", "เกษตรผสมผสาน",
    "การเลี้ยงปลาดุกในบ่อซีเมนต์", "น้ำยาอเนกประสงค์ สบู่ แชมพูสมุนไพร", "ผักปลอดสารพิษ",
    "การเพาะเห็ดฟาง", "ยางแผ่นรมควันคุณภาพ", "การเลี้ยงไก่พื้นเมือง", "ธนาคารข้าวชุมชน",
)  # fmt: skip
_CENTRE_ACTIVITIES = (
    ("สาธิตการทำปุ๋ยหมักชีวภาพ", "ผู้เข้าร่วมนำไปทำใช้เองที่บ้าน"),
    ("ต้อนรับคณะศึกษาดูงาน", "คณะดูงานนำแนวคิดไปปรับใช้"),
    ("อบรมการทำบัญชีครัวเรือน", "มีครัวเรือนเริ่มทำบัญชีเพิ่ม"),
    ("วงเรียนรู้ประจำเดือน", "สรุปบทเรียนร่วมกัน"),
    ("สาธิตการเพาะเห็ดฟาง", "มีผู้เพาะเห็ดขายเป็นรายได้เสริม"),
    ("ฝึกทำน้ำยาอเนกประสงค์", "ครัวเรือนลดการซื้อน้ำยาล้างจาน"),
    ("ถ่ายทอดการปลูกผักปลอดสารพิษ", "มีแปลงผักเพิ่มในหมู่บ้าน"),
    ("ค่ายเยาวชนเรียนรู้เศรษฐกิจพอเพียง", "เยาวชนกลับไปทำบัญชีกับพ่อแม่"),
)
_HEALTH_ACTIVITIES = (
    "ตรวจคัดกรองความดันโลหิตและเบาหวาน", "ออกกำลังกายแอโรบิกทุกเย็น",
    "รณรงค์กำจัดลูกน้ำยุงลาย", "ตรวจสารเคมีในเลือดเกษตรกร", "อบรม อสม. เรื่องอาหารปลอดภัย",
    "งานบุญปลอดเหล้าปลอดบุหรี่", "ตลาดนัดผักปลอดสารพิษ", "เยี่ยมบ้านผู้สูงอายุและผู้พิการ",
)  # fmt: skip


# --- learning centres ------------------------------------------------------------------------
def make_centres(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """A main centre per sub-district in its strongest village, more in strong villages."""
    v = world["villages"]
    q3 = v["q3"].to_numpy()
    best = v.assign(q=q3).groupby("tambon_code")["q"].idxmax().to_numpy()
    extra = np.flatnonzero(rng.random(len(v)) < sigmoid(-2.2 + 1.3 * q3))
    main = np.zeros(len(v), dtype=bool)
    main[best] = True
    at = np.union1d(best, extra)
    n = len(at)
    codes = v["village_code"].to_numpy()[at]
    q = q3[at]
    registered = rng.random(n) < np.where(main[at], 0.8, 0.45)
    active = rng.random(n) < sigmoid(0.6 + 1.2 * q)
    topic = pick_from(rng, _CENTRE_TOPICS, n)
    names = tables["villages"].set_index("village_code")["name_th"]
    centre_id = [f"LC{c}" for c in codes]
    tables["centres"] = contract_frame(
        "centres",
        {
            "centre_id": centre_id,
            "village_code": codes,
            "name_th": [f"ศูนย์เรียนรู้เศรษฐกิจพอเพียง{names[c]}" for c in codes],
            "topic": topic,
            "registered": registered,
            "registered_year": np.where(registered, rng.integers(2548, 2552, n), None),
            "active": active,
        },
    )
    # activities over the project year
    k = rng.poisson(np.where(active, np.exp(1.3 + 0.5 * q), 0.4))
    ci = np.repeat(np.arange(n), k)
    m = len(ci)
    which = rng.integers(0, len(_CENTRE_ACTIVITIES), m)
    visitors = np.round(rng.lognormal(np.log(25) + 0.3 * q[ci], 0.6)).astype(int)
    results = np.array([r for _, r in _CENTRE_ACTIVITIES], dtype=object)[which]
    results = np.where(rng.random(m) < 0.8, results, None)
    dates = fy_dates(rng, m)
    order = np.lexsort((dates, ci))
    ci, which, visitors, results, dates = (
        ci[order],
        which[order],
        visitors[order],
        results[order],
        dates[order],
    )
    tables["centre_activities"] = contract_frame(
        "centre_activities",
        {
            "activity_id": numbered(np.array(centre_id, dtype=object)[ci], rank_within(ci) + 1, 2),
            "centre_id": np.array(centre_id, dtype=object)[ci],
            "date": dates,
            "activity": np.array([a for a, _ in _CENTRE_ACTIVITIES], dtype=object)[which],
            "visitors": visitors,
            "result": results,
        },
    )


# --- community finance and welfare -----------------------------------------------------------
def make_finance(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Village funds everywhere, savings and sajja groups, welfare funds mostly per sub-district."""
    v = world["villages"]
    tam = world["tambons"]
    names = tables["villages"].set_index("village_code")["name_th"]
    q4 = v["q4"].to_numpy()
    hh = v["households"].to_numpy()
    rows = []
    # (type, chance per village, extra chance of a second one)
    n_sav = (rng.random(len(v)) < sigmoid(1.2 + 1.0 * q4)).astype(int) + (
        rng.random(len(v)) < sigmoid(-1.5 + q4)
    )
    n_sajja = (rng.random(len(v)) < sigmoid(-0.8 + 0.8 * q4)).astype(int)
    n_welf = (rng.random(len(v)) < sigmoid(-3.2 + 0.8 * q4)).astype(int)
    n_coop = (rng.random(len(v)) < 0.03).astype(int)
    for kind, counts in (
        ("village_fund", np.ones(len(v), dtype=int)),
        ("savings_group", n_sav),
        ("sajja", n_sajja),
        ("welfare_fund", n_welf),
        ("cooperative", n_coop),
    ):
        vi = np.repeat(np.arange(len(v)), counts)
        rows.append(
            pd.DataFrame(
                {
                    "level": "village",
                    "unit_code": v["village_code"].to_numpy()[vi],
                    "type": kind,
                    "households": hh[vi],
                    "quality": q4[vi],
                    "place": [names[c] for c in v["village_code"].to_numpy()[vi]],
                }
            )
        )
    tq = tambon_quality(v, tam, "q4")
    t_hh = v.groupby("tambon_code")["households"].sum().reindex(tam["tambon_code"]).to_numpy()
    has_welfare = rng.random(len(tam)) < sigmoid(1.0 + 1.2 * tq)
    rows.append(
        pd.DataFrame(
            {
                "level": "tambon",
                "unit_code": tam["tambon_code"].to_numpy()[has_welfare],
                "type": "welfare_fund",
                "households": t_hh[has_welfare],
                "quality": tq[has_welfare],
                "place": "ตำบล" + tam["tambon_th"].to_numpy()[has_welfare],
            }
        )
    )
    g = pd.concat(rows, ignore_index=True).sort_values(["unit_code", "type"], kind="stable")
    g = g.reset_index(drop=True)
    n = len(g)
    kind = g["type"].to_numpy()
    q = g["quality"].to_numpy(dtype=float)
    households = g["households"].to_numpy()
    reach = {
        "village_fund": (0.45, 0.85),
        "savings_group": (0.25, 0.75),
        "sajja": (0.10, 0.40),
        "welfare_fund": (0.15, 0.60),
        "cooperative": (0.05, 0.25),
    }
    lo = np.array([reach[k][0] for k in kind])
    hi = np.array([reach[k][1] for k in kind])
    share = lo + (hi - lo) * np.clip(sigmoid(0.8 * q) + rng.normal(0, 0.15, n), 0, 1)
    member_hh = np.maximum(1, np.floor(households * share)).astype(int)
    members = np.round(member_hh * rng.uniform(1.0, 1.8, n)).astype(int)
    per_member = {
        "village_fund": 9_000,
        "savings_group": 6_000,
        "sajja": 2_500,
        "welfare_fund": 700,
        "cooperative": 12_000,
    }
    capital = np.array([per_member[k] for k in kind]) * members * rng.lognormal(0.1 * q, 0.4)
    capital = np.where(kind == "village_fund", np.maximum(capital, 1_000_000), capital)
    lends = kind != "welfare_fund"
    loans = np.where(lends, capital * rng.uniform(0.6, 0.95, n), 0)
    arrears_ratio = np.clip(rng.beta(1.2, 8, n) * np.exp(-0.6 * q), 0, 0.8)
    arrears = loans * arrears_ratio
    welfare = kind == "welfare_fund"
    recipients = np.where(welfare, np.round(members * rng.uniform(0.05, 0.25, n)), 0).astype(int)
    paid = recipients * rng.uniform(500, 3000, n)
    active = rng.random(n) < sigmoid(1.0 + 1.2 * q)
    integrated = rng.random(n) < sigmoid(-0.6 + 1.3 * q)
    type_th = {k: v_[0] for k, v_ in schema.FINANCE_TYPES.items()}
    group_no = rank_within(g["unit_code"].to_numpy()) + 1
    tables["finance_groups"] = contract_frame(
        "finance_groups",
        {
            "group_id": numbered(
                np.char.add("FG", g["unit_code"].to_numpy().astype(str)), group_no, 2
            ),
            "level": g["level"],
            "unit_code": g["unit_code"],
            "type": kind,
            "name_th": [f"{type_th[k]}{p}" for k, p in zip(kind, g["place"], strict=True)],
            "members": members,
            "member_households": member_hh,
            "capital_satang": to_satang(capital, 100),
            "loans_outstanding_satang": to_satang(loans, 100),
            "arrears_satang": to_satang(arrears, 100),
            "welfare_paid_satang": np.where(welfare, to_satang(paid, 100), None),
            "welfare_recipients": np.where(welfare, recipients, None),
            "active": active,
            "integrated": integrated,
        },
    )


# --- health and CDD standards ----------------------------------------------------------------
def make_standards(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """The 2551 health-standard and CDD-standard results per village, and health activities."""
    v = world["villages"]
    n = len(v)
    q5 = v["q5"].to_numpy()
    hh = v["households"].to_numpy()
    assessed = np.maximum(1, np.round(hh * rng.uniform(0.85, 1.0, n))).astype(int)
    rate = sigmoid(0.5 + 0.9 * q5 + rng.normal(0, 0.35, n))
    passed = rng.binomial(assessed, rate)
    codes = v["village_code"].to_numpy()
    tables["health_standard"] = contract_frame(
        "health_standard",
        {
            "village_code": codes,
            "year": np.full(n, FISCAL_YEAR_BE),
            "households_assessed": assessed,
            "households_passed": passed,
            "result": np.where(passed >= HEALTH_PASS_SHARE * assessed, "passed", "not_passed"),
        },
    )
    ind = rng.binomial(CDD_INDICATORS, sigmoid(1.0 + 0.9 * q5 + rng.normal(0, 0.3, n)))
    tables["cdd_standard"] = contract_frame(
        "cdd_standard",
        {
            "village_code": codes,
            "year": np.full(n, FISCAL_YEAR_BE),
            "indicators_total": np.full(n, CDD_INDICATORS),
            "indicators_passed": ind,
            "result": np.where(ind >= CDD_PASS_AT, "passed", "not_passed"),
        },
    )
    k = rng.poisson(np.exp(1.0 + 0.4 * q5))
    vi = np.repeat(np.arange(n), k)
    m = len(vi)
    dates = fy_dates(rng, m)
    order = np.lexsort((dates, vi))
    vi, dates = vi[order], dates[order]
    participants = np.minimum(
        np.round(rng.lognormal(np.log(35) + 0.2 * q5[vi], 0.5)), hh[vi] * 3
    ).astype(int)
    tables["health_activities"] = contract_frame(
        "health_activities",
        {
            "activity_id": numbered(
                np.char.add("HA", codes[vi].astype(str)), rank_within(vi) + 1, 2
            ),
            "village_code": codes[vi],
            "date": dates,
            "activity": pick_from(rng, _HEALTH_ACTIVITIES, m),
            "participants": participants,
        },
    )
