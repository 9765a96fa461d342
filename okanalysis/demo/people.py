"""The demo leader database and freedom table: village cores, sub-district facilitators,
district and province teams, khun ua, each group's own criteria and where each person stands."""

from __future__ import annotations

import numpy as np
import pandas as pd

from okanalysis.contract import hierarchy
from okanalysis.core import params
from okanalysis.demo.common import (
    FISCAL_YEAR_BE,
    contract_frame,
    numbered,
    rank_within,
    sigmoid,
    tambon_quality,
)

# village core positions, in the order a team is filled, with the chance the holder is a woman
_CORE_POSITIONS = (
    ("ผู้ใหญ่บ้าน", 0.12),
    ("อาสาสมัครสาธารณสุขประจำหมู่บ้าน (อสม.)", 0.8),
    ("ประธานกลุ่มออมทรัพย์เพื่อการผลิต", 0.45),
    ("ประธานกองทุนหมู่บ้าน", 0.35),
    ("ผู้นำกลุ่มแม่บ้าน", 1.0),
    ("ปราชญ์ชาวบ้าน", 0.3),
    ("ผู้ช่วยผู้ใหญ่บ้าน", 0.25),
    ("ผู้นำเยาวชน", 0.5),
)
# sub-district facilitators: position of the facilitator from each sector
_SECTOR_POSITIONS = {
    "admin": "ผู้ใหญ่บ้าน (ผู้แทนฝ่ายปกครอง)",
    "local_gov": "ปลัด อบต.",
    "cdd": "พัฒนากรประจำตำบล",
    "agriculture": "นักวิชาการเกษตรประจำตำบล",
    "nfe": "ครู กศน.ตำบล",
    "health": "หัวหน้าสถานีอนามัย",
    "social": "นักพัฒนาสังคม พมจ.",
    "civil_society": "ผู้แทนสภาองค์กรชุมชนตำบล",
    "academic": "อาจารย์มหาวิทยาลัยวลัยลักษณ์",
}
_DISTRICT_TEAM = (
    ("ปลัดอำเภอ (เลขานุการ)", "admin"),
    ("พัฒนาการอำเภอ", "cdd"),
    ("เกษตรอำเภอ", "agriculture"),
    ("สาธารณสุขอำเภอ", "health"),
    ("ผู้อำนวยการ กศน.อำเภอ", "nfe"),
    ("ท้องถิ่นอำเภอ", "local_gov"),
    ("ผู้แทนภาคประชาสังคม", "civil_society"),
    ("ผู้แทนสภาองค์กรชุมชน", "civil_society"),
    ("ผู้แทน พมจ.", "social"),
    ("นักวิชาการมหาวิทยาลัยราชภัฏนครศรีธรรมราช", "academic"),
    ("ปศุสัตว์อำเภอ", "agriculture"),
    ("ประมงอำเภอ", "agriculture"),
)
_PROVINCE_TEAM = (
    ("พัฒนาการจังหวัด", "cdd"),
    ("หัวหน้ากลุ่มงานยุทธศาสตร์ สำนักงานจังหวัด", "admin"),
    ("นักวิชาการ มหาวิทยาลัยวลัยลักษณ์", "academic"),
    ("นักวิชาการ มหาวิทยาลัยราชภัฏนครศรีธรรมราช", "academic"),
    ("เกษตรจังหวัด", "agriculture"),
    ("ผู้แทนสาธารณสุขจังหวัด", "health"),
    ("ผู้แทนท้องถิ่นจังหวัด", "local_gov"),
    ("ผู้แทนเครือข่ายองค์กรชุมชน", "civil_society"),
    ("ผู้อำนวยการ กศน.จังหวัด", "nfe"),
    ("พัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด", "social"),
)

# quality criteria a group may choose: (Thai, English, what someone who has it can now do)
_CORE_CRITERIA = (
    ("รู้จักวิเคราะห์บัญชีครัวเรือน", "Can analyse household accounts",
     "วิเคราะห์บัญชีของตนเองและเพื่อนบ้านได้ เห็นรายจ่ายที่ลดได้"),
    ("จัดวงเรียนรู้ได้เอง", "Runs a learning circle on their own",
     "นำวงเรียนรู้ในหมู่บ้านได้ทุกเดือน"),
    ("ทำบัญชีครัวเรือนของตนเองต่อเนื่อง", "Keeps their own household account",
     "ทำบัญชีครบทั้งปี ไม่ขาดเลย"),
    ("เป็นแบบอย่างลด ละ เลิกอบายมุข", "Sets an example in giving up vices",
     "เลิกเหล้าได้แล้ว ชวนคนอื่นเลิกได้"),
    ("ใช้ข้อมูลทำแผนแม่บทชุมชนได้", "Uses data to build the master plan",
     "นำข้อมูลบัญชีมาทำแผนแม่บทหมู่บ้านได้"),
    ("ชวนเพื่อนบ้านทำบัญชีครัวเรือน", "Brings neighbours into keeping accounts",
     "ชวนเพื่อนบ้านมาทำบัญชีเพิ่มได้หลายครัวเรือน"),
    ("ประสานงานกับ อบต. และหน่วยงานได้", "Works with the TAO and agencies",
     "นำเสนอแผนต่อ อบต. จนได้รับบรรจุในแผน"),
    ("ถ่ายทอดความรู้ให้คนรุ่นใหม่", "Passes knowledge to the new generation",
     "มีคนรุ่นใหม่มาช่วยงานและรับช่วงต่อได้"),
    ("ปลูกผักกินเองและลดรายจ่ายได้จริง", "Grows own food and really cuts spending",
     "ปลูกผักกินเอง ลดค่ากับข้าวได้ชัดเจน"),
    ("บริหารกลุ่มออมทรัพย์อย่างโปร่งใส", "Runs the savings group transparently",
     "ทำบัญชีกลุ่มและรายงานสมาชิกได้ทุกเดือน"),
    ("พูดนำเสนอในเวทีประชาคมได้", "Presents at the village forum",
     "นำเสนอข้อมูลหมู่บ้านในเวทีประชาคมได้"),
    ("ทำปุ๋ยหมักใช้เองได้", "Makes their own compost",
     "ทำปุ๋ยหมักใช้เองและสอนเพื่อนบ้านได้"),
)  # fmt: skip
_FACILITATOR_CRITERIA = (
    ("ออกแบบกระบวนการเรียนรู้ได้", "Designs a learning process",
     "ออกแบบเวทีเรียนรู้ระดับตำบลได้เอง"),
    ("ตั้งคำถามให้ชุมชนคิดเอง", "Asks questions that let people think for themselves",
     "ใช้คำถามชวนคิดแทนการบอกคำตอบได้"),
    ("เชื่อมแผนชุมชนกับแผน อบต.", "Links the community plan to the TAO plan",
     "ช่วยให้แผนแม่บทชุมชนเข้าสู่แผนพัฒนา อบต. ได้"),
    ("สรุปบทเรียนและบันทึกความรู้ได้", "Draws and records lessons learned",
     "เขียนบันทึกการเรียนรู้หลังทุกเวทีได้"),
    ("ทำงานร่วมกับภาคีอื่นได้", "Works with the other sectors",
     "ประสานภาคีต่าง ๆ มาร่วมเวทีได้"),
    ("ใช้ข้อมูลบัญชีครัวเรือนช่วยชุมชนวิเคราะห์", "Helps the community analyse account data",
     "ช่วยหมู่บ้านสรุปข้อมูลบัญชีเป็นศักยภาพหมู่บ้านได้"),
    ("หนุนเสริมแกนนำหมู่บ้านโดยไม่ชี้นำ", "Supports village cores without directing them",
     "ปล่อยให้แกนนำหมู่บ้านนำวงเองได้"),
    ("ติดตามประเมินผลแบบมีส่วนร่วม", "Runs participatory monitoring",
     "จัดเวทีประเมินผลร่วมกับชาวบ้านได้"),
    ("บริหารงบประมาณอย่างโปร่งใส", "Manages the budget transparently",
     "รายงานการใช้งบให้ทุกภาคีรับรู้ได้"),
)  # fmt: skip
_STOOD_STILL = "ยังทำได้เท่าเดิม ต้องฝึกฝนต่อ"
_SLIPPED = "ช่วงหลังไม่ได้ทำต่อเนื่อง ทำได้น้อยลง"


# --- people ----------------------------------------------------------------------------------
def make_people(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Village cores, sub-district facilitators, district teams, khun ua and the province team."""
    v = world["villages"]
    tam = world["tambons"]
    sectors = params.sectors()["sector"].tolist()
    parts = []

    # village cores: 8 each, a few teams short (more often where leadership is weak)
    q1 = v["q1"].to_numpy()
    short = rng.random(len(v)) < sigmoid(-2.4 - 1.0 * q1)
    size = np.where(short, rng.integers(6, 8, len(v)), 8)
    pv = np.repeat(np.arange(len(v)), size)
    slot = rank_within(pv)
    positions = np.array([p for p, _ in _CORE_POSITIONS], dtype=object)
    women = np.array([w for _, w in _CORE_POSITIONS])[slot]
    parts.append(
        pd.DataFrame(
            {
                "person_id": numbered(
                    np.char.add("C", v["village_code"].to_numpy()[pv]), slot + 1, 2
                ),
                "level": "village",
                "unit_code": v["village_code"].to_numpy()[pv],
                "role": "core",
                "position": positions[slot],
                "sector": None,
                "p_woman": women,
                "quality": q1[pv],
            }
        )
    )
    # sub-district facilitators: one per sector, some sub-districts missing one
    tq = tambon_quality(v, tam, "q1")
    ft = np.repeat(np.arange(len(tam)), len(sectors))
    fs = np.tile(np.arange(len(sectors)), len(tam))
    missing = rng.random(len(tam)) < 0.12
    gap = rng.integers(0, len(sectors), len(tam))
    keep = ~(missing[ft] & (fs == gap[ft]))
    ft, fs = ft[keep], fs[keep]
    sector_names = np.array(sectors, dtype=object)[fs]
    parts.append(
        pd.DataFrame(
            {
                "person_id": numbered(
                    np.char.add("F", tam["tambon_code"].to_numpy()[ft]), fs + 1, 2
                ),
                "level": "tambon",
                "unit_code": tam["tambon_code"].to_numpy()[ft],
                "role": "tambon_facilitator",
                "position": [_SECTOR_POSITIONS.get(s, s) for s in sector_names],
                "sector": sector_names,
                "p_woman": 0.45,
                "quality": tq[ft],
            }
        )
    )
    # district teams: 8-12 people from the agencies and civil society
    districts = np.array(sorted(v["amphoe_code"].unique()))
    dq = v.groupby("amphoe_code")["q1"].mean().reindex(districts).to_numpy()
    dsize = rng.integers(8, 13, len(districts))
    dd = np.repeat(np.arange(len(districts)), dsize)
    dslot = rank_within(dd)
    parts.append(
        pd.DataFrame(
            {
                "person_id": numbered(np.char.add("D", districts[dd]), dslot + 1, 2),
                "level": "amphoe",
                "unit_code": districts[dd],
                "role": "district_team",
                "position": [_DISTRICT_TEAM[k][0] for k in dslot],
                "sector": [_DISTRICT_TEAM[k][1] for k in dslot],
                "p_woman": 0.38,
                "quality": dq[dd],
            }
        )
    )
    # khun ua: the TAO chief executive and the kamnan of each sub-district, the district chief
    tcodes = tam["tambon_code"].to_numpy()
    parts.append(
        pd.DataFrame(
            {
                "person_id": [f"K{t}-{k}" for t in tcodes for k in (1, 2)],
                "level": "tambon",
                "unit_code": np.repeat(tcodes, 2),
                "role": "khun_ua",
                "position": ["นายกองค์การบริหารส่วนตำบล", "กำนัน"] * len(tcodes),
                "sector": ["local_gov", "admin"] * len(tcodes),
                "p_woman": 0.12,
                "quality": np.repeat(tq, 2),
            }
        )
    )
    parts.append(
        pd.DataFrame(
            {
                "person_id": [f"K{d}-1" for d in districts],
                "level": "amphoe",
                "unit_code": districts,
                "role": "khun_ua",
                "position": "นายอำเภอ",
                "sector": "admin",
                "p_woman": 0.1,
                "quality": dq,
            }
        )
    )
    province = world.get("province", hierarchy.PROVINCE_CODE)
    parts.append(
        pd.DataFrame(
            {
                "person_id": [f"K{province}-1"] + [f"V{province}-{k + 1:02d}" for k in range(10)],
                "level": "province",
                "unit_code": province,
                "role": ["khun_ua"] + ["province_team"] * len(_PROVINCE_TEAM),
                "position": ["ผู้ว่าราชการจังหวัด"] + [p for p, _ in _PROVINCE_TEAM],
                "sector": ["admin"] + [s for _, s in _PROVINCE_TEAM],
                "p_woman": 0.4,
                "quality": 0.5,
            }
        )
    )
    p = pd.concat(parts, ignore_index=True)
    p["sector"] = p["sector"].where(p["sector"].isin(sectors), None)
    n = len(p)
    quality = p["quality"].to_numpy(dtype=float)
    # new generation: about a quarter, more where the team plans its succession
    new_gen = rng.random(n) < sigmoid(-1.0 + 0.55 * quality) * np.where(
        p["role"].isin(["core", "tambon_facilitator"]), 1.0, 0.4
    )
    age = np.where(
        new_gen,
        rng.integers(20, 40, n),
        np.clip(np.round(rng.normal(50, 8, n)), 32, 75),
    ).astype(int)
    age = np.where(p["role"].eq("khun_ua"), np.maximum(age, 38), age)
    years = np.where(new_gen, rng.integers(0, 4, n), rng.integers(2, 26, n))
    years = np.minimum(years, age - 18)
    gender = np.where(rng.random(n) < p["p_woman"].to_numpy(dtype=float), "female", "male")
    # successors: new-generation people linked to a senior leader of the same unit
    # (the k-th newcomer of a team follows its k-th senior, so several leaders can have one)
    team = p["unit_code"] + "/" + p["role"]
    seniors = pd.DataFrame({"team": team[~new_gen], "senior": p["person_id"][~new_gen]})
    seniors["k"] = seniors.groupby("team").cumcount()
    n_seniors = seniors.groupby("team").size()
    k = pd.Series(0, index=team.index)
    k[new_gen] = team[new_gen].groupby(team[new_gen]).cumcount()
    wanted = pd.DataFrame({"team": team, "k": k % team.map(n_seniors).fillna(1).astype(int)})
    has_senior = wanted.merge(seniors, on=["team", "k"], how="left")["senior"]
    has_senior.index = team.index
    linked = new_gen & has_senior.notna().to_numpy() & (rng.random(n) < sigmoid(0.3 + quality))
    successor = has_senior.where(linked, None)
    world["people"] = p.assign(new_generation=new_gen)
    tables["people"] = contract_frame(
        "people",
        {
            "person_id": p["person_id"],
            "level": p["level"],
            "unit_code": p["unit_code"],
            "role": p["role"],
            "position": p["position"],
            "sector": p["sector"],
            "gender": gender,
            "age": age,
            "start_year": FISCAL_YEAR_BE - years,
            "new_generation": new_gen,
            "successor_of": successor,
        },
    )


# --- criteria and the freedom table -----------------------------------------------------------
def make_freedom(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Each group's own criteria, and where each person stands at the start and the end."""
    p = world["people"]
    groups = (
        p[p["role"].isin(["core", "tambon_facilitator", "district_team"])]
        .groupby(["unit_code", "level", "role"], sort=True)["quality"]
        .first()
        .reset_index()
    )
    pools = {"core": _CORE_CRITERIA, "tambon_facilitator": _FACILITATOR_CRITERIA}
    letters = {"core": "C", "tambon_facilitator": "F", "district_team": "D"}
    n_crit = rng.integers(4, 7, len(groups))
    rows = []
    for g, k in zip(groups.itertuples(index=False), n_crit, strict=True):
        pool = pools.get(g.role, _FACILITATOR_CRITERIA)
        for i, c in enumerate(rng.choice(len(pool), k, replace=False)):
            rows.append(
                (f"Q{g.unit_code}-{letters[g.role]}{i + 1}", g.level, g.unit_code, g.role, *pool[c])
            )
    crit = pd.DataFrame(
        rows, columns=["criterion_id", "level", "unit_code", "role", "name_th", "name_en", "can"]
    )
    tables["criteria"] = contract_frame("criteria", crit.drop(columns="can").to_dict("series"))

    # every person of a group on every criterion of the group
    pairs = p.merge(crit, on=["unit_code", "level", "role"], suffixes=("", "_c"))
    n = len(pairs)
    quality = pairs["quality"].to_numpy(dtype=float)
    person_in = rng.random(len(p)) < 0.93  # a few never joined the first circle
    ends = rng.random(len(p)) < 0.92  # a few missed the final one
    idx = pd.Index(p["person_id"]).get_indexer(pairs["person_id"])
    start_score = np.clip(np.round(rng.normal(2.2 + 0.25 * quality, 0.8)), 1, 4).astype(int)
    start_target = np.clip(start_score + rng.integers(1, 3, n), 1, 5)
    step = np.select(
        [rng.random(n) < 0.04, rng.random(n) < sigmoid(-0.9 - 0.7 * quality)],
        [-1, 0],
        default=rng.integers(1, 3, n),
    )
    end_score = np.clip(start_score + step, 1, 5)
    end_target = np.clip(np.maximum(start_target, end_score + (rng.random(n) < 0.5)), 1, 5)
    # each group meets on its own day
    gid = pairs.groupby(["unit_code", "role"]).ngroup().to_numpy()
    n_g = gid.max() + 1 if n else 0
    start_day = np.datetime64("2007-12-01") + rng.integers(0, 62, n_g).astype("timedelta64[D]")
    end_day = np.datetime64("2008-09-01") + rng.integers(0, 30, n_g).astype("timedelta64[D]")
    can = np.select(
        [step > 0, step == 0], [pairs["can"].to_numpy(dtype=object), _STOOD_STILL], _SLIPPED
    )
    first = pd.DataFrame(
        {
            "person_id": pairs["person_id"],
            "criterion_id": pairs["criterion_id"],
            "round": "start-2551",
            "date": start_day[gid],
            "score": start_score,
            "target": start_target,
            "can_do_now": None,
        }
    )[person_in[idx]]
    last = pd.DataFrame(
        {
            "person_id": pairs["person_id"],
            "criterion_id": pairs["criterion_id"],
            "round": "end-2551",
            "date": end_day[gid],
            "score": end_score,
            "target": end_target,
            "can_do_now": can,
        }
    )[ends[idx]]
    fr = pd.concat([first, last], ignore_index=True)
    fr = fr.sort_values(["person_id", "round", "criterion_id"], ascending=[True, False, True])
    tables["freedom"] = contract_frame("freedom", fr.reset_index(drop=True).to_dict("series"))
