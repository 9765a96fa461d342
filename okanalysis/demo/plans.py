"""The demo plans: master-plan items from each village's own spending, the TAO/PAO plans and
agency projects that take some of them up, and each community's vision."""

from __future__ import annotations

import numpy as np
import pandas as pd

from okanalysis.demo.common import (
    FISCAL_YEAR_BE,
    contract_frame,
    numbered,
    pick_from,
    rank_within,
    sigmoid,
    tambon_quality,
    to_satang,
)

# master-plan items answering a ledger category: (category, title, problem, kind, payer,
# cost range in baht)
_PLAN_BY_CATEGORY = (
    ("FARM_FERTILISER", "ผลิตปุ๋ยหมักชีวภาพใช้เองในหมู่บ้าน", "จ่ายค่าปุ๋ยเคมีออกนอกหมู่บ้านสูง",
     "mutual", "community", (30_000, 150_000)),
    ("FARM_PESTICIDE", "ทำสารไล่แมลงจากสมุนไพรใช้เอง", "ค่ายาฆ่าแมลงและยาฆ่าหญ้าสูง",
     "self", "household", (2_000, 15_000)),
    ("FARM_FEED", "ผลิตอาหารสัตว์จากวัตถุดิบในชุมชน", "ซื้ออาหารสัตว์สำเร็จรูปราคาแพง",
     "mutual", "yu_di_mi_suk", (50_000, 200_000)),
    ("FARM_SEEDLINGS", "ธนาคารเมล็ดพันธุ์และแปลงเพาะกล้าชุมชน", "ซื้อเมล็ดพันธุ์และกิ่งพันธุ์ทุกปี",
     "mutual", "community", (10_000, 60_000)),
    ("EXP_RICE", "ธนาคารข้าวและโรงสีข้าวชุมชน", "ซื้อข้าวสารจากนอกหมู่บ้านทั้งที่เคยทำนา",
     "mutual", "yu_di_mi_suk", (100_000, 400_000)),
    ("EXP_VEG", "ปลูกผักสวนครัวรั้วกินได้ทุกครัวเรือน", "ซื้อผักจากรถเร่และตลาดทุกวัน",
     "self", "household", (1_000, 8_000)),
    ("EXP_FISH_MEAT", "เลี้ยงปลาดุกในบ่อซีเมนต์", "รายจ่ายค่าปลาและเนื้อสัตว์สูง",
     "self", "household", (3_000, 20_000)),
    ("EXP_EGGS", "เลี้ยงไก่ไข่ครัวเรือนละ 5 ตัว", "ซื้อไข่ไก่จากนอกหมู่บ้าน",
     "self", "household", (2_000, 10_000)),
    ("EXP_CONDIMENTS", "กลุ่มแม่บ้านทำน้ำพริกแกงใช้เองและจำหน่าย", "ซื้อเครื่องแกงสำเร็จรูป",
     "mutual", "community", (10_000, 50_000)),
    ("EXP_DETERGENT", "ทำน้ำยาอเนกประสงค์ใช้เองในชุมชน", "ซื้อน้ำยาล้างจานและผงซักฟอกทุกเดือน",
     "mutual", "community", (5_000, 30_000)),
    ("EXP_SOAP", "ทำสบู่และแชมพูสมุนไพรใช้เอง", "ซื้อสบู่ ยาสีฟัน แชมพูจากร้านค้า",
     "mutual", "community", (5_000, 30_000)),
    ("EXP_ALCOHOL", "งานบุญ งานศพ ปลอดเหล้า", "รายจ่ายค่าเหล้าเบียร์สูง โดยเฉพาะในงานบุญ",
     "mutual", "community", (0, 10_000)),
    ("EXP_TOBACCO", "ชวนกันลด ละ เลิกบุหรี่", "รายจ่ายค่าบุหรี่และยาเส้น",
     "self", "household", (0, 5_000)),
    ("EXP_LOTTERY", "ลดการซื้อหวย นำเงินเข้ากลุ่มสัจจะออมทรัพย์", "รายจ่ายค่าหวยทุกงวด",
     "self", "household", (0, 5_000)),
    ("EXP_GAMBLING", "หมู่บ้านปลอดการพนัน", "การพนันในงานศพและวงไพ่",
     "mutual", "community", (0, 10_000)),
    ("INC_RUBBER", "ลานตากและโรงรมยางกลุ่ม ขายยางแผ่นรมควัน", "ขายยางแผ่นดิบได้ราคาต่ำ",
     "mutual", "yu_di_mi_suk", (150_000, 600_000)),
    ("INC_VEG", "ตลาดนัดชุมชนขายผลผลิตของหมู่บ้าน", "ผลผลิตในหมู่บ้านไม่มีที่ขาย",
     "mutual", "community", (10_000, 60_000)),
    ("TRF_SAVE_DEPOSIT", "ส่งเสริมการออมทุกครัวเรือน วันละบาท", "ครัวเรือนไม่มีเงินออม",
     "mutual", "community", (0, 10_000)),
)  # fmt: skip
_PLAN_GENERIC = (
    ("ถนนลาดยางเชื่อมหมู่บ้าน", "ถนนชำรุดในฤดูฝน", "outside", "tao", (500_000, 2_500_000)),
    ("ขยายเขตประปาหมู่บ้าน", "น้ำใช้ไม่พอในฤดูแล้ง", "outside", "tao", (200_000, 900_000)),
    ("ขุดลอกคลองและซ่อมฝายกักเก็บน้ำ", "น้ำท่วมและขาดน้ำทำการเกษตร", "outside", "pao",
     (300_000, 1_500_000)),
    ("ไฟฟ้าส่องสว่างในหมู่บ้าน", "ถนนมืดไม่ปลอดภัย", "outside", "tao", (50_000, 300_000)),
    ("อบรมแปรรูปผลไม้และยางพารา", "ผลผลิตราคาตกช่วงฤดู", "mutual", "agency", (20_000, 100_000)),
    ("ส่งเสริมการเลี้ยงโคพื้นเมือง", "อยากมีรายได้เสริม", "outside", "agency",
     (100_000, 500_000)),
    ("ศูนย์เรียนรู้เศรษฐกิจพอเพียงประจำหมู่บ้าน", "ไม่มีที่เรียนรู้ร่วมกัน", "mutual",
     "yu_di_mi_suk", (50_000, 200_000)),
    ("ปรับปรุงศาลาประชาคมหมู่บ้าน", "ศาลาประชาคมทรุดโทรม", "outside", "tao", (80_000, 400_000)),
    ("กองทุนปุ๋ยและปัจจัยการผลิต", "ปัจจัยการผลิตราคาแพง", "outside", "yu_di_mi_suk",
     (100_000, 300_000)),
)  # fmt: skip
_TAMBON_PLAN = (
    ("FARM_FERTILISER", "ศูนย์ผลิตปุ๋ยอินทรีย์ระดับตำบล", "mutual", "tao", (200_000, 800_000)),
    ("INC_RUBBER", "ตลาดกลางยางพาราระดับตำบล", "mutual", "pao", (300_000, 1_500_000)),
    (None, "กองทุนสวัสดิการชุมชนระดับตำบล", "mutual", "community", (50_000, 200_000)),
    ("TRF_SAVE_DEPOSIT", "เครือข่ายกลุ่มออมทรัพย์ระดับตำบล", "mutual", "community",
     (20_000, 100_000)),
    (None, "ถนนเชื่อมระหว่างหมู่บ้านในตำบล", "outside", "pao", (1_000_000, 5_000_000)),
    ("EXP_RICE", "ฟื้นฟูนาร้างให้กลับมาทำนา", "mutual", "agency", (100_000, 500_000)),
)  # fmt: skip
_TAO_OWN = (
    "ก่อสร้างถนนคอนกรีตเสริมเหล็ก", "ก่อสร้างรางระบายน้ำ", "แข่งขันกีฬาตำบลต้านยาเสพติด",
    "อุดหนุนงานประเพณีสารทเดือนสิบ", "จัดซื้อวัสดุการเกษตร", "ซ่อมแซมอาคารศูนย์พัฒนาเด็กเล็ก",
    "ติดตั้งหอกระจายข่าวหมู่บ้าน",
)  # fmt: skip
# agencies: who supports which plan categories, and what they bring top-down
_AGENCIES = {
    "สถานีพัฒนาที่ดินนครศรีธรรมราช": (
        ("FARM_FERTILISER", "FARM_PESTICIDE"),
        ("แจกสารเร่ พด. ผลิตปุ๋ยหมัก", "ส่งเสริมการปลูกหญ้าแฝก"),
    ),
    "สำนักงานเกษตรอำเภอ": (
        ("EXP_VEG", "FARM_SEEDLINGS", "INC_VEG", "EXP_RICE"),
        ("ส่งเสริมการปลูกปาล์มน้ำมันแทนนาร้าง", "อบรมอาสาสมัครเกษตร"),
    ),
    "สำนักงานปศุสัตว์อำเภอ": (
        ("FARM_FEED", "EXP_EGGS"),
        ("ฉีดวัคซีนป้องกันโรคสัตว์", "แจกพันธุ์ไก่พื้นเมือง"),
    ),
    "สำนักงานประมงอำเภอ": (("EXP_FISH_MEAT",), ("ปล่อยพันธุ์ปลานิลลงแหล่งน้ำ",)),
    "สำนักงานพัฒนาชุมชนอำเภอ": (
        ("TRF_SAVE_DEPOSIT", "EXP_CONDIMENTS", "EXP_LOTTERY"),
        ("หมู่บ้านเศรษฐกิจพอเพียงต้นแบบ", "อบรมการจัดทำแผนชุมชน"),
    ),
    "ศูนย์การศึกษานอกโรงเรียนอำเภอ": (
        ("EXP_SOAP", "EXP_DETERGENT"),
        ("อบรมอาชีพระยะสั้น", "ห้องสมุดประชาชนเคลื่อนที่"),
    ),
    "สำนักงานสาธารณสุขอำเภอ": (
        ("EXP_ALCOHOL", "EXP_TOBACCO", "EXP_GAMBLING"),
        ("รณรงค์ป้องกันไข้เลือดออก", "ตรวจคัดกรองเบาหวานและความดัน"),
    ),
    "สำนักงานกองทุนสงเคราะห์การทำสวนยาง": (
        ("INC_RUBBER",),
        ("ปลูกแทนยางพาราพันธุ์ดี", "อบรมการทำยางแผ่นคุณภาพ"),
    ),
    "สำนักงานโยธาธิการและผังเมืองจังหวัด": ((), ("ก่อสร้างระบบประปาหมู่บ้าน",)),
}

_VISION_A = (
    "คนในชุมชนพึ่งตนเองได้", "ครัวเรือนปลอดหนี้นอกระบบ", "ทุกบ้านมีผักกินเอง",
    "ชุมชนปลอดเหล้า บุหรี่ และการพนัน", "ลูกหลานได้เรียนหนังสือสูง ๆ", "ทุกครัวเรือนทำบัญชีรับจ่าย",
    "มีเงินออมทุกครัวเรือน",
)  # fmt: skip
_VISION_B = (
    "อยู่อย่างพอเพียง มีความสุข", "สามัคคีช่วยเหลือเกื้อกูลกัน", "ป่าและสายน้ำอุดมสมบูรณ์",
    "สุขภาพดีทั้งกายและใจ", "รักษาประเพณีและวิถีชาวใต้", "ดูแลผู้สูงอายุและคนด้อยโอกาส",
)  # fmt: skip


# --- master plans, TAO/PAO plans, agency projects, visions -----------------------------------
def make_plans(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Master-plan items from each village's own spending; local plans and agencies taking
    some of them up; and what the programme means, in the community's words."""
    v = world["villages"]
    tam = world["tambons"]
    rec = world["recorders"]
    col = {c: i for i, c in enumerate(world["categories"]["category"])}
    # the village's spending on each category a plan item can answer
    plan_cats = [t[0] for t in _PLAN_BY_CATEGORY]
    spent = np.zeros((len(v), len(plan_cats)))
    total = {
        c: np.bincount(rec["v"], weights=world["budget"][:, col[c]], minlength=len(v))
        for c in set(plan_cats) | {"INC_RUBBER", "TRF_SAVE_DEPOSIT"}
    }
    income = np.bincount(
        rec["v"],
        weights=world["budget"][:, [col[c] for c in col if c.startswith("INC_")]].sum(axis=1),
        minlength=len(v),
    )
    for k, c in enumerate(plan_cats):
        # money leaving the village for a category; for income items, what is left on the table
        spent[:, k] = {
            "INC_RUBBER": 0.06 * total["INC_RUBBER"],
            "INC_VEG": 0.5 * total["INC_VEG"],
            "TRF_SAVE_DEPOSIT": np.maximum(0.06 * income - total["TRF_SAVE_DEPOSIT"], 0),
        }.get(c, total[c])
    cats = world["categories"].set_index("category")
    avoidable = np.array([bool(cats.loc[c, "avoidable"]) for c in plan_cats])
    spent *= np.where(avoidable, 2.5, 1.0)  # spending the circle most wants to cut
    spent *= rng.lognormal(0, 0.5, spent.shape)  # what the circle notices, not only the sum
    q2 = v["q2"].to_numpy()
    n_items = np.clip(np.round(4.5 + 1.2 * q2 + rng.normal(0, 1, len(v))), 3, 8).astype(int)
    share_cat = sigmoid(0.2 + 1.0 * q2)
    items = []
    ranked = np.argsort(-spent, axis=1)
    for i in range(len(v)):
        k_cat = min(rng.binomial(n_items[i], share_cat[i]), len(plan_cats))
        unit = v["village_code"].iat[i]
        for r in range(k_cat):
            c, title, problem, kind, payer, cost = _PLAN_BY_CATEGORY[ranked[i, r]]
            items.append(("village", unit, title, problem, kind, c, payer, cost, q2[i]))
        for j in rng.choice(len(_PLAN_GENERIC), n_items[i] - k_cat, replace=False):
            title, problem, kind, payer, cost = _PLAN_GENERIC[j]
            items.append(("village", unit, title, problem, kind, None, payer, cost, q2[i]))
    tq = tambon_quality(v, tam, "q2")
    for t, q in zip(tam["tambon_code"], tq, strict=True):
        for j in rng.choice(len(_TAMBON_PLAN), rng.integers(1, 4), replace=False):
            c, title, kind, payer, cost = _TAMBON_PLAN[j]
            items.append(("tambon", t, title, None, kind, c, payer, cost, q))
    pi = pd.DataFrame(
        items,
        columns=[
            "level",
            "unit_code",
            "title",
            "problem",
            "kind",
            "category",
            "payer",
            "cost",
            "q",
        ],
    )
    n = len(pi)
    lo = np.array([c[0] for c in pi["cost"]])
    hi = np.array([c[1] for c in pi["cost"]])
    pi["item_id"] = numbered("MP" + pi["unit_code"], rank_within(pi["unit_code"].to_numpy()) + 1, 2)
    tables["plan_items"] = contract_frame(
        "plan_items",
        {
            "item_id": pi["item_id"],
            "level": pi["level"],
            "unit_code": pi["unit_code"],
            "title": pi["title"],
            "problem": pi["problem"],
            "kind": pi["kind"],
            "category": pi["category"],
            "cost_satang": to_satang(rng.uniform(lo, hi), 500),
            "payer": pi["payer"],
        },
    )
    tambon_of = pi["unit_code"].str[:6].to_numpy()
    q = pi["q"].to_numpy(dtype=float)
    kind = pi["kind"].to_numpy()
    cost = tables["plan_items"]["cost_satang"].to_numpy() / 100

    # TAO and PAO plans: take up many outside and some mutual items, plus their own projects
    p_take = np.select([kind == "outside", kind == "mutual"], [0.5, 0.25], 0.04) * np.exp(0.35 * q)
    taken = np.flatnonzero(rng.random(n) < np.clip(p_take, 0, 0.95))
    org = np.where(pi["payer"].to_numpy()[taken] == "pao", "pao", "tao")
    local = pd.DataFrame(
        {
            "org": org,
            "tambon_code": tambon_of[taken],
            "plan_item_id": pi["item_id"].to_numpy()[taken],
            "title": "โครงการ" + pi["title"].to_numpy()[taken],
            "budget": cost[taken] * rng.uniform(0.5, 1.0, len(taken)),
            "year": np.where(rng.random(len(taken)) < 0.6, 2551, 2552),
        }
    )
    t_codes = tam["tambon_code"].to_numpy()
    k_own = rng.integers(2, 7, len(tam))
    oi = np.repeat(np.arange(len(tam)), k_own)
    own = pd.DataFrame(
        {
            "org": np.where(rng.random(len(oi)) < 0.85, "tao", "pao"),
            "tambon_code": t_codes[oi],
            "plan_item_id": None,
            "title": pick_from(rng, _TAO_OWN, len(oi)),
            "budget": rng.uniform(50_000, 1_500_000, len(oi)),
            "year": np.where(rng.random(len(oi)) < 0.7, 2551, 2552),
        }
    )
    lp = pd.concat([local, own], ignore_index=True).sort_values("tambon_code", kind="stable")
    lp = lp.reset_index(drop=True)
    tables["local_plans"] = contract_frame(
        "local_plans",
        {
            "local_item_id": numbered(
                "LP" + lp["tambon_code"], rank_within(lp["tambon_code"].to_numpy()) + 1, 3
            ),
            "org": lp["org"],
            "tambon_code": lp["tambon_code"],
            "plan_item_id": lp["plan_item_id"],
            "title": lp["title"],
            "budget_satang": to_satang(lp["budget"].to_numpy(), 1000),
            "year": lp["year"],
        },
    )

    # agency projects: some support a plan item of the agency's field, some come top-down
    field_agency = {c: a for a, (cats, _) in _AGENCIES.items() for c in cats}
    cat = pi["category"].to_numpy(dtype=object)
    can = np.array([c in field_agency for c in cat])
    p_sup = np.where(can, 0.22 * np.exp(0.4 * q), 0.0)
    sup = np.flatnonzero(rng.random(n) < np.clip(p_sup, 0, 0.9))
    supported = pd.DataFrame(
        {
            "agency": [field_agency[c] for c in cat[sup]],
            "level": pi["level"].to_numpy()[sup],
            "unit_code": pi["unit_code"].to_numpy()[sup],
            "title": "สนับสนุน" + pi["title"].to_numpy()[sup],
            "budget": cost[sup] * rng.uniform(0.2, 0.8, len(sup)),
            "plan_item_id": pi["item_id"].to_numpy()[sup],
        }
    )
    top = [(a, t) for a, (_, titles) in _AGENCIES.items() for t in titles]
    k_top = rng.poisson(1.2, len(tam))
    ti = np.repeat(np.arange(len(tam)), k_top)
    pick = rng.integers(0, len(top), len(ti))
    down = pd.DataFrame(
        {
            "agency": [top[k][0] for k in pick],
            "level": "tambon",
            "unit_code": t_codes[ti],
            "title": [top[k][1] for k in pick],
            "budget": rng.uniform(20_000, 800_000, len(ti)),
            "plan_item_id": None,
        }
    )
    ap = pd.concat([supported, down], ignore_index=True).sort_values("unit_code", kind="stable")
    ap = ap.reset_index(drop=True)
    tables["agency_projects"] = contract_frame(
        "agency_projects",
        {
            "project_id": numbered(
                "AP" + ap["unit_code"], rank_within(ap["unit_code"].to_numpy()) + 1, 3
            ),
            "agency": ap["agency"],
            "level": ap["level"],
            "unit_code": ap["unit_code"],
            "title": ap["title"],
            "budget_satang": to_satang(ap["budget"].to_numpy(), 1000),
            "plan_item_id": ap["plan_item_id"],
            "year": np.full(len(ap), FISCAL_YEAR_BE),
        },
    )

    # visions: every village, and the sub-districts that wrote one together
    t_has = t_codes[rng.random(len(tam)) < 0.6]
    units = np.r_[v["village_code"].to_numpy(), t_has]
    levels = ["village"] * len(v) + ["tambon"] * len(t_has)
    m = len(units)
    statement = [
        f"{a} {b}"
        for a, b in zip(pick_from(rng, _VISION_A, m), pick_from(rng, _VISION_B, m), strict=True)
    ]
    tables["visions"] = contract_frame(
        "visions", {"level": levels, "unit_code": units, "statement": statement}
    )
