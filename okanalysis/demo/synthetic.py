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
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from tqdm.auto import tqdm

from okanalysis.contract import hierarchy, schema
from okanalysis.contract.dataset import Dataset
from okanalysis.core import params
from okanalysis.core.errors import ParameterError
from okanalysis.topics import budget

SOURCE = "demo"
FISCAL_YEAR_BE = 2551
FY_START = np.datetime64("2007-10-01", "D")
FY_DAYS = 366  # 1 Oct 2007 - 30 Sep 2008 (2008 is a leap year)
VILLAGES_AT_SCALE_1 = 1550
CDD_INDICATORS = 23  # indicators assessed per village in the demo CDD standard
CDD_PASS_AT = 17  # a village passes with at least this many indicators
HEALTH_PASS_SHARE = 0.6  # a village passes the health standard when 60% of households do
TIER_CUTS = (0.176, 1.751)  # standard-normal quantiles 57% and 96%: the CDD 57/39/4 split
TOP_STEP = 0.7  # how far the top 4% stand above the rest on the latent development level
ENTRIES_PER_DAY = 1.25  # ledger entries per recording household per day (before gaps)

# fiscal months Oct 2007 .. Sep 2008: first day (offset from 1 Oct 2007) and length
_MONTHS = np.arange("2007-10", "2008-11", dtype="datetime64[M]").astype("datetime64[D]")
MONTH_START = (_MONTHS[:-1] - FY_START).astype(np.int64)
MONTH_DAYS = np.diff(_MONTHS).astype(np.int64)

# --- the livelihoods of the districts ---------------------------------------------------------
LIVELIHOODS = tuple(schema.MAIN_INCOME)  # rubber, oil_palm, fruit, rice, fishing, ...
# relative weight of each main income per district (rubber dominant; fishing only on the coast)
#                     rubber palm fruit rice fish  live  wage trade mixed
_DISTRICT_MIX = {
    "8001": (0.16, 0.02, 0.06, 0.12, 0.12, 0.04, 0.24, 0.16, 0.08),  # Mueang
    "8002": (0.40, 0.02, 0.30, 0.02, 0.00, 0.04, 0.10, 0.06, 0.06),  # Phrom Khiri
    "8003": (0.42, 0.02, 0.28, 0.02, 0.00, 0.04, 0.10, 0.06, 0.06),  # Lan Saka
    "8004": (0.50, 0.14, 0.08, 0.04, 0.00, 0.05, 0.09, 0.05, 0.05),  # Chawang
    "8005": (0.54, 0.06, 0.16, 0.02, 0.00, 0.05, 0.08, 0.04, 0.05),  # Phipun
    "8006": (0.18, 0.06, 0.04, 0.36, 0.00, 0.08, 0.14, 0.06, 0.08),  # Chian Yai
    "8007": (0.28, 0.12, 0.04, 0.26, 0.00, 0.08, 0.10, 0.05, 0.07),  # Cha-uat
    "8008": (0.30, 0.04, 0.18, 0.06, 0.14, 0.04, 0.12, 0.06, 0.06),  # Tha Sala
    "8009": (0.44, 0.08, 0.08, 0.04, 0.00, 0.05, 0.14, 0.11, 0.06),  # Thung Song
    "8010": (0.56, 0.06, 0.10, 0.02, 0.00, 0.05, 0.10, 0.05, 0.06),  # Na Bon
    "8011": (0.46, 0.22, 0.06, 0.02, 0.00, 0.05, 0.09, 0.04, 0.06),  # Thung Yai
    "8012": (0.08, 0.04, 0.02, 0.26, 0.30, 0.06, 0.12, 0.06, 0.06),  # Pak Phanang
    "8013": (0.40, 0.06, 0.16, 0.06, 0.00, 0.05, 0.12, 0.07, 0.08),  # Ron Phibun
    "8014": (0.38, 0.08, 0.14, 0.04, 0.14, 0.04, 0.09, 0.05, 0.04),  # Sichon
    "8015": (0.30, 0.12, 0.10, 0.02, 0.22, 0.03, 0.10, 0.08, 0.03),  # Khanom
    "8016": (0.12, 0.14, 0.02, 0.30, 0.18, 0.06, 0.10, 0.04, 0.04),  # Hua Sai
    "8017": (0.50, 0.22, 0.06, 0.02, 0.00, 0.04, 0.08, 0.04, 0.04),  # Bang Khan
    "8018": (0.52, 0.10, 0.10, 0.02, 0.00, 0.05, 0.10, 0.05, 0.06),  # Tham Phannara
    "8019": (0.44, 0.20, 0.08, 0.06, 0.00, 0.05, 0.08, 0.04, 0.05),  # Chulabhorn
    "8020": (0.20, 0.04, 0.06, 0.30, 0.00, 0.08, 0.14, 0.08, 0.10),  # Phra Phrom
    "8021": (0.46, 0.06, 0.22, 0.02, 0.00, 0.04, 0.10, 0.05, 0.05),  # Nopphitam
    "8022": (0.48, 0.06, 0.18, 0.04, 0.00, 0.05, 0.09, 0.04, 0.06),  # Chang Klang
    "8023": (0.10, 0.06, 0.02, 0.36, 0.16, 0.08, 0.12, 0.05, 0.05),  # Chaloem Phra Kiat
}
# median income per person per month (baht) by main income, before the village effect
_INCOME_PC = {
    "rubber": 4300,
    "oil_palm": 3900,
    "fruit": 3500,
    "rice": 2200,
    "fishing": 2800,
    "livestock": 2600,
    "wage": 2500,
    "trade": 4000,
    "mixed": 3000,
}
# the ledger income category of each main income ("mixed" is spread over several)
_MAIN_CATEGORY = {
    "rubber": "INC_RUBBER",
    "oil_palm": "INC_PALM",
    "fruit": "INC_FRUIT",
    "rice": "INC_RICE",
    "fishing": "INC_FISH",
    "livestock": "INC_LIVESTOCK",
    "wage": "INC_WAGE",
    "trade": "INC_TRADE",
}
_MIXED_SPLIT = {"INC_RUBBER": 0.35, "INC_FRUIT": 0.25, "INC_VEG": 0.2, "INC_LIVESTOCK": 0.2}
# side incomes: category -> (chance a household has it, relative weight)
_SIDE_INCOME = {
    "INC_WAGE": (0.45, 1.0),
    "INC_VEG": (0.30, 0.5),
    "INC_LIVESTOCK": (0.20, 0.5),
    "INC_TRADE": (0.12, 0.8),
    "INC_CRAFT": (0.08, 0.4),
    "INC_REMIT": (0.30, 0.6),
    "INC_WELFARE": (0.35, 0.25),
    "INC_OTHER": (0.25, 0.3),
    "INC_RUBBER": (0.25, 0.8),
    "INC_FRUIT": (0.15, 0.5),
    "INC_FISH": (0.12, 0.6),  # coastal districts only
}

# --- household consumption: the NSO 2007 group shares and the categories inside them ---------
_WITHIN_GROUP = {
    "food": {
        "EXP_RICE": 0.17,
        "EXP_VEG": 0.15,
        "EXP_FISH_MEAT": 0.30,
        "EXP_EGGS": 0.05,
        "EXP_CONDIMENTS": 0.08,
        "EXP_SNACKS": 0.14,
        "EXP_DRINKS": 0.11,
    },
    "housing": {
        "EXP_ELECTRICITY": 0.28,
        "EXP_WATER": 0.06,
        "EXP_COOKING_GAS": 0.14,
        "EXP_DETERGENT": 0.10,
        "EXP_HOUSEWARE": 0.42,
    },
    "transport": {"EXP_FUEL": 0.50, "EXP_VEHICLE": 0.42, "EXP_FARE": 0.08},
    "personal": {"EXP_SOAP": 0.30, "EXP_CLOTHES": 0.50, "EXP_COSMETICS": 0.20},
    "communication": {"EXP_PHONE": 1.0},
    "recreation": {"EXP_CEREMONY": 0.75, "EXP_LEISURE": 0.25},
    "education": {"EXP_EDUCATION": 1.0},
    "health": {"EXP_HEALTH": 1.0},
    "vice": {"EXP_ALCOHOL": 0.35, "EXP_TOBACCO": 0.25, "EXP_LOTTERY": 0.32, "EXP_GAMBLING": 0.08},
    "other_expense": {"EXP_SOCIAL": 0.6, "EXP_OTHER": 0.4},
}
# chance a household has each vice at the median village (lower in developed villages)
_VICE_CHANCE = {"EXP_ALCOHOL": 0.5, "EXP_TOBACCO": 0.45, "EXP_LOTTERY": 0.65, "EXP_GAMBLING": 0.15}

# --- how each category shows up in the ledger --------------------------------------------------
# code: (entries a year for a diligent household, timing, spread of single amounts)
# timing "monthly" = one entry a month on the household's own day; otherwise a season name.
_TIMING: dict[str, tuple[float, str, float]] = {
    "INC_RUBBER": (110, "rubber", 0.35),
    "INC_PALM": (22, "flat", 0.3),
    "INC_FRUIT": (14, "fruit", 0.5),
    "INC_RICE": (3, "rice", 0.3),
    "INC_VEG": (30, "flat", 0.5),
    "INC_LIVESTOCK": (5, "flat", 0.5),
    "INC_FISH": (120, "fishing", 0.5),
    "INC_WAGE": (45, "flat", 0.4),
    "INC_TRADE": (150, "flat", 0.5),
    "INC_CRAFT": (15, "flat", 0.5),
    "INC_REMIT": (12, "monthly", 0.3),
    "INC_WELFARE": (12, "monthly", 0.0),
    "INC_OTHER": (4, "flat", 0.6),
    "EXP_RICE": (14, "flat", 0.3),
    "EXP_VEG": (45, "flat", 0.5),
    "EXP_FISH_MEAT": (55, "flat", 0.5),
    "EXP_EGGS": (12, "flat", 0.3),
    "EXP_CONDIMENTS": (20, "flat", 0.5),
    "EXP_SNACKS": (35, "flat", 0.6),
    "EXP_DRINKS": (18, "flat", 0.5),
    "EXP_ELECTRICITY": (12, "monthly", 0.2),
    "EXP_WATER": (12, "monthly", 0.2),
    "EXP_COOKING_GAS": (6, "flat", 0.1),
    "EXP_DETERGENT": (10, "flat", 0.4),
    "EXP_HOUSEWARE": (8, "flat", 0.9),
    "EXP_FUEL": (40, "flat", 0.4),
    "EXP_VEHICLE": (12, "monthly", 0.5),
    "EXP_FARE": (12, "flat", 0.5),
    "EXP_SOAP": (10, "flat", 0.4),
    "EXP_CLOTHES": (6, "flat", 0.7),
    "EXP_COSMETICS": (5, "flat", 0.6),
    "EXP_PHONE": (12, "monthly", 0.3),
    "EXP_CEREMONY": (10, "ceremony", 0.6),
    "EXP_LEISURE": (3, "flat", 0.7),
    "EXP_EDUCATION": (25, "school", 0.7),
    "EXP_HEALTH": (5, "flat", 0.9),
    "EXP_ALCOHOL": (25, "ceremony", 0.5),
    "EXP_TOBACCO": (30, "flat", 0.3),
    "EXP_LOTTERY": (24, "monthly2", 0.5),
    "EXP_GAMBLING": (5, "flat", 0.8),
    "EXP_SOCIAL": (12, "ceremony", 0.6),
    "EXP_OTHER": (8, "flat", 0.8),
    "FARM_FERTILISER": (3, "fertiliser", 0.4),
    "FARM_PESTICIDE": (3, "fertiliser", 0.5),
    "FARM_FEED": (10, "flat", 0.4),
    "FARM_SEEDLINGS": (2, "fertiliser", 0.6),
    "FARM_RUBBER_ACID": (6, "rubber", 0.4),
    "FARM_LABOUR": (6, "flat", 0.5),
    "FARM_FISHING_GEAR": (40, "fishing", 0.5),
    "EXP_INTEREST": (12, "monthly", 0.1),
    "TRF_SAVE_DEPOSIT": (12, "monthly", 0.3),
    "TRF_SAVE_WITHDRAW": (2, "flat", 0.6),
    "TRF_LOAN_RECEIVED": (1, "flat", 0.5),
    "TRF_LOAN_REPAID": (12, "monthly", 0.2),
}
# relative weight of each fiscal month, Oct .. Sep (rubber trees rest Feb-Apr, fruit in the
# rainy season, the rice harvest Feb-Apr, the north-east monsoon keeps boats in Nov-Jan, schools
# open in May, merit-making at Songkran and the tenth-month festival in September)
_SEASONS = {
    "flat": (1,) * 12,
    "rubber": (0.8, 0.5, 0.5, 1.0, 0.6, 0.2, 0.3, 1.0, 1.1, 1.2, 1.2, 1.1),
    "fruit": (0.8, 0.2, 0.05, 0.05, 0.05, 0.1, 0.2, 0.6, 1.2, 1.6, 1.8, 1.4),
    "rice": (0.05, 0.05, 0.05, 0.1, 1.0, 2.0, 1.5, 0.5, 0.05, 0.05, 0.05, 0.05),
    "fishing": (0.8, 0.4, 0.4, 0.6, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1),
    "school": (1.3, 1.3, 0.8, 0.8, 0.8, 0.8, 0.5, 2.0, 1.0, 0.8, 0.8, 0.8),
    "ceremony": (1.5, 0.8, 1.2, 1.2, 0.8, 0.8, 1.8, 0.8, 0.8, 0.8, 0.8, 1.8),
    "fertiliser": (1.5, 0.5, 0.3, 0.5, 0.5, 0.5, 1.0, 2.0, 1.5, 0.8, 0.8, 1.5),
}
_NOTES = {
    "INC_RUBBER": ("ขายน้ำยางสด", "ขายยางแผ่นดิบ", "ขายขี้ยาง"),
    "INC_FRUIT": ("ขายมังคุด", "ขายทุเรียน", "ขายเงาะ", "ขายลองกอง"),
    "INC_FISH": ("ขายกุ้ง", "ขายปลาทู", "ขายปู"),
    "EXP_CEREMONY": ("งานบวช", "งานศพ", "งานแต่ง", "ทำบุญเดือนสิบ"),
    "EXP_EDUCATION": ("ค่าขนมลูกไปโรงเรียน", "ค่าเทอม", "ชุดนักเรียน"),
}
_CORRECTION_NOTES = ("ยกเลิกรายการที่บันทึกซ้ำ", "แก้ไขยอดที่บันทึกเกิน")

# --- words for names and texts ------------------------------------------------------------------
_NAME_HEADS = (
    ("ทุ่ง", "Thung"), ("นา", "Na"), ("ควน", "Khuan"), ("เขา", "Khao"), ("บาง", "Bang"),
    ("ห้วย", "Huai"), ("คลอง", "Khlong"), ("หนอง", "Nong"), ("ปาก", "Pak"), ("ท่า", "Tha"),
    ("บ่อ", "Bo"), ("ต้น", "Ton"), ("โคก", "Khok"), ("วัง", "Wang"), ("สวน", "Suan"),
    ("ป่า", "Pa"), ("พรุ", "Phru"), ("ไร่", "Rai"), ("หัว", "Hua"), ("ลาน", "Lan"),
    ("ดอน", "Don"), ("ในวัง", "Nai Wang"),
)  # fmt: skip
_NAME_TAILS = (
    ("ใหม่", "Mai"), ("ใหญ่", "Yai"), ("น้อย", "Noi"), ("ยาง", "Yang"), ("หลวง", "Luang"),
    ("ทอง", "Thong"), ("ยาว", "Yao"), ("โพธิ์", "Pho"), ("ไทร", "Sai"), ("เหนือ", "Nuea"),
    ("ใต้", "Tai"), ("กลาง", "Klang"), ("ขี้เหล็ก", "Khi Lek"), ("หว้า", "Wa"), ("พร้าว", "Phrao"),
    ("ตาล", "Tan"), ("ม่วง", "Muang"), ("จันทร์", "Chan"), ("สะท้อน", "Sathon"), ("เคียน", "Khian"),
    ("ไม้แดง", "Mai Daeng"), ("ทราย", "Sai"), ("หิน", "Hin"), ("แดง", "Daeng"), ("ขาม", "Kham"),
    ("ตะเคียน", "Takhian"), ("ปริง", "Pring"), ("หมาก", "Mak"), ("ลำพู", "Lamphu"),
    ("โตนด", "Tanot"), ("สำโรง", "Samrong"),
)  # fmt: skip

# zones: groups of districts whose sub-districts learn together
_ZONES = (
    ("Z1", "โซนชายฝั่งตอนบน", ("8015", "8014", "8008", "8021")),
    ("Z2", "โซนเมืองและรอบเมือง", ("8001", "8020", "8002", "8003")),
    ("Z3", "โซนลุ่มน้ำปากพนัง", ("8012", "8023", "8016", "8006")),
    ("Z4", "โซนที่ราบตอนกลาง", ("8007", "8013", "8019")),
    ("Z5", "โซนเทือกเขาหลวงตะวันตก", ("8004", "8005", "8018", "8022")),
    ("Z6", "โซนทุ่งสงและลุ่มน้ำตรัง", ("8009", "8010", "8011", "8017")),
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
_VISION_A = (
    "คนในชุมชนพึ่งตนเองได้", "ครัวเรือนปลอดหนี้นอกระบบ", "ทุกบ้านมีผักกินเอง",
    "ชุมชนปลอดเหล้า บุหรี่ และการพนัน", "ลูกหลานได้เรียนหนังสือสูง ๆ", "ทุกครัวเรือนทำบัญชีรับจ่าย",
    "มีเงินออมทุกครัวเรือน",
)  # fmt: skip
_VISION_B = (
    "อยู่อย่างพอเพียง มีความสุข", "สามัคคีช่วยเหลือเกื้อกูลกัน", "ป่าและสายน้ำอุดมสมบูรณ์",
    "สุขภาพดีทั้งกายและใจ", "รักษาประเพณีและวิถีชาวใต้", "ดูแลผู้สูงอายุและคนด้อยโอกาส",
)  # fmt: skip
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


def generate(scale: float = 1.0, seed: int = 2551, progress: bool = False) -> Dataset:
    """The demo province at `scale` (1.0 = about 1,550 villages and 20 million ledger rows).

    Deterministic: the same scale and seed give identical tables. Small scales keep every
    district (at least 23 villages). Returns a `Dataset` with `source == "demo"`.
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    categories = params.ledger_categories()
    _check_categories(categories)
    tables: dict[str, pd.DataFrame] = {}
    world: dict[str, object] = {"scale": scale, "seed": seed, "categories": categories}
    steps: dict[str, Callable[[dict, dict, np.random.Generator], None]] = {
        "villages": _villages,
        "households": _households,
        "ledger": _ledger,
        "people": _people,
        "freedom": _freedom,
        "zones": _zones,
        "centres": _centres,
        "finance": _finance,
        "standards": _standards,
        "plans": _plans,
        "spending": _spending,
    }
    with tqdm(total=len(steps), desc="demo", disable=not progress, unit="step") as bar:
        for name, step in steps.items():
            bar.set_postfix_str(name)
            step(world, tables, _rng(seed, name))
            bar.update(1)
    return Dataset(tables=tables, source=SOURCE)


# --- helpers -----------------------------------------------------------------------------------
def _rng(seed: int, step: str) -> np.random.Generator:
    """An independent random stream per step, so changing one step leaves the others alone."""
    return np.random.default_rng([seed, zlib.crc32(step.encode())])


def _check_categories(categories: pd.DataFrame) -> None:
    """The demo's spending model names categories: they must exist in ledger_categories.yaml."""
    used = set(_TIMING) | {c for g in _WITHIN_GROUP.values() for c in g}
    missing = sorted(used - set(categories["category"]))
    if missing:
        raise ParameterError(
            f"ไฟล์หมวดบัญชีไม่มีหมวดที่ข้อมูลตัวอย่างใช้: {', '.join(missing)}",
            f"ledger_categories.yaml lacks categories the demo uses: {', '.join(missing)}",
            file="ledger_categories.yaml",
            column="code",
            value=missing[0],
        )


def _frame(table: str, columns: dict[str, object]) -> pd.DataFrame:
    """A DataFrame with exactly the table's columns, in order, in the contract's dtypes."""
    t = schema.TABLES[table]
    if set(columns) != set(t.columns):
        raise KeyError(f"{table}: {sorted(set(columns) ^ set(t.columns))}")
    data = {}
    for f in t.fields:
        values = columns[f.column]
        series = (
            values.reset_index(drop=True) if isinstance(values, pd.Series) else pd.Series(values)
        )
        data[f.column] = series.astype(schema.column_dtype(f))
    return pd.DataFrame(data)


def _pick(rng: np.random.Generator, options: tuple | list, n: int) -> np.ndarray:
    """`n` random choices from a small list of options, as an object array."""
    arr = np.empty(len(options), dtype=object)
    arr[:] = list(options)
    return arr[rng.integers(0, len(options), n)]


def _numbered(prefix: np.ndarray | list, numbers: np.ndarray, width: int, sep: str = "-") -> list:
    """Ids like 'FG80010101-01': a prefix and a zero-padded number, for small tables."""
    return [f"{p}{sep}{int(n):0{width}d}" for p, n in zip(prefix, numbers, strict=True)]


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2 ... within each run of equal values of an already grouped (sorted) array."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.r_[True, groups[1:] != groups[:-1]]
    first = np.flatnonzero(start)
    run = np.cumsum(start) - 1
    return np.arange(n) - first[run]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _fy_dates(rng: np.random.Generator, n: int, first: int = 0, last: int = FY_DAYS) -> np.ndarray:
    """Random dates between day `first` and `last` (exclusive) of fiscal 2551."""
    return FY_START + rng.integers(first, last, n).astype("timedelta64[D]")


def _baht(values: np.ndarray, step: int = 1) -> np.ndarray:
    """Baht amounts rounded to `step` baht, as integer satang."""
    return (np.round(np.asarray(values, dtype=float) / step) * step * 100).astype(np.int64)


def _arrow_str(values: pa.Array) -> pd.Series:
    """An Arrow string array as a pandas column of the contract's text dtype."""
    return pd.Series(values, dtype=schema.DTYPES[schema.TEXT])


def _coded(column: str, codes: np.ndarray, labels: np.ndarray | list) -> pd.Series:
    """A ledger column from integer codes into `labels`, built without Python strings: a
    Categorical when the contract holds the column as one, else Arrow-backed text."""
    f = schema.TABLES["ledger"].field(column)
    if schema.column_dtype(f) == "category":
        categories = pd.Index(np.asarray(labels).astype(str), dtype=schema.DTYPES[schema.TEXT])
        return pd.Series(pd.Categorical.from_codes(codes, categories=categories))
    return _arrow_str(pc.take(pa.array(np.asarray(labels).astype(str)), pa.array(codes)))


# --- villages ------------------------------------------------------------------------------
def _villages(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Villages on the real sub-districts, each with its latent development and livelihoods."""
    tam = hierarchy.tambons().sort_values("tambon_code").reset_index(drop=True)
    districts = sorted(tam["amphoe_code"].unique())
    # the full province: every sub-district has 5-15 villages, about 1,550 in all
    full = np.clip(np.round(rng.normal(9.1, 2.6, len(tam))), 5, 15).astype(int)
    full = _adjust_total(full, VILLAGES_AT_SCALE_1, 5, 15, rng)
    n_villages = max(len(districts), round(VILLAGES_AT_SCALE_1 * world["scale"]))
    if n_villages >= full.sum():
        counts = full.copy()
        counts = _adjust_total(counts, n_villages, 1, 99, rng)
    else:
        counts = _subset_counts(tam, full, n_villages, rng)
    # latent development: district, sub-district and village effects (standard normal overall)
    d_eff = dict(zip(districts, rng.normal(0, 1, len(districts)), strict=True))
    t_eff = rng.normal(0, 1, len(tam))
    tam["tambon_dev"] = 0.35 * tam["amphoe_code"].map(d_eff).to_numpy() + 0.6 * t_eff
    keep = counts > 0
    tam = tam[keep].reset_index(drop=True)
    counts = counts[keep]
    v_t = np.repeat(np.arange(len(tam)), counts)
    n = len(v_t)
    village_no = _rank_within(v_t) + 1
    tambon_code = tam["tambon_code"].to_numpy()[v_t]
    village_code = np.array([f"{t}{k:02d}" for t, k in zip(tambon_code, village_no, strict=True)])
    dev = tam["tambon_dev"].to_numpy()[v_t] + np.sqrt(1 - 0.35**2 - 0.6**2) * rng.normal(0, 1, n)
    # the CDD split: about 57% of villages at the bottom level, 39% in the middle and the top 4%
    # model villages a clear step above the rest
    dev = dev + TOP_STEP * (dev > TIER_CUTS[1])
    # names: unique within a sub-district
    combos = len(_NAME_HEADS) * len(_NAME_TAILS)
    keys = rng.random((len(tam), combos)).argsort(axis=1)[v_t, village_no - 1]
    head, tail = keys // len(_NAME_TAILS), keys % len(_NAME_TAILS)
    name_th = [
        f"บ้าน{_NAME_HEADS[h][0]}{_NAME_TAILS[t][0]}" for h, t in zip(head, tail, strict=True)
    ]
    name_en = [
        f"Ban {_NAME_HEADS[h][1]} {_NAME_TAILS[t][1]}" for h, t in zip(head, tail, strict=True)
    ]
    households = np.clip(np.round(rng.lognormal(np.log(175), 0.33, n)), 80, 300).astype(int)
    amphoe_code = tam["amphoe_code"].to_numpy()[v_t]
    coastal = np.isin(amphoe_code, hierarchy.COASTAL_AMPHOE)
    base = np.array([_DISTRICT_MIX[a] for a in amphoe_code])
    mix = rng.gamma(base * 12 + 1e-9)
    mix[:, LIVELIHOODS.index("fishing")] *= coastal
    mix /= mix.sum(axis=1, keepdims=True)
    # five component qualities: the latent level plus noise (each about standard normal)
    quality = 0.72 * dev[:, None] + np.sqrt(1 - 0.72**2) * rng.normal(0, 1, (n, 5))
    world["villages"] = pd.DataFrame(
        {
            "village_code": village_code,
            "tambon_code": tambon_code,
            "amphoe_code": amphoe_code,
            "village_no": village_no,
            "households": households,
            "dev": dev,
            "coastal": coastal,
            **{f"q{k + 1}": quality[:, k] for k in range(5)},
        }
    )
    world["mix"] = mix
    world["tambons"] = tam
    tables["villages"] = _frame(
        "villages",
        {
            "village_code": village_code,
            "tambon_code": tambon_code,
            "amphoe_code": amphoe_code,
            "village_no": village_no,
            "name_th": name_th,
            "name_en": name_en,
            "households": households,
            "population": np.zeros(n, dtype=int),  # filled from the households
        },
    )


def _adjust_total(
    counts: np.ndarray, total: int, low: int, high: int, rng: np.random.Generator
) -> np.ndarray:
    """Nudge integer counts one at a time (random units) until they sum to `total`."""
    counts = counts.copy()
    while counts.sum() != total:
        step = 1 if counts.sum() < total else -1
        ok = np.flatnonzero((counts + step >= low) & (counts + step <= high))
        take = rng.choice(ok, min(len(ok), abs(int(total - counts.sum()))), replace=False)
        counts[take] += step
    return counts


def _subset_counts(
    tam: pd.DataFrame, full: np.ndarray, n_villages: int, rng: np.random.Generator
) -> np.ndarray:
    """Village counts for a smaller province: a deterministic subset of sub-districts with at
    least one in every district, their villages in proportion to their real size."""
    n_tambons = min(len(tam), max(tam["amphoe_code"].nunique(), round(n_villages / 9.1)))
    order = rng.permutation(len(tam))
    amphoe = tam["amphoe_code"].to_numpy()[order]
    first = pd.Series(order, index=amphoe).groupby(level=0, sort=True).first().to_numpy()
    rest = order[~np.isin(order, first)]
    chosen = np.r_[first, rest[: n_tambons - len(first)]].astype(int)
    counts = np.zeros(len(tam), dtype=int)
    share = full[chosen] / full[chosen].sum() * n_villages
    counts[chosen] = _adjust_total(
        np.maximum(np.floor(share), 1).astype(int), n_villages, 1, 99, rng
    )
    return counts


# --- households ----------------------------------------------------------------------------
def _households(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """All households of every village: size, main income, debt and who keeps accounts."""
    v = world["villages"]
    n_hh = v["households"].to_numpy()
    h_v = np.repeat(np.arange(len(v)), n_hh)
    n = len(h_v)
    number = _rank_within(h_v) + 1
    codes = v["village_code"].to_numpy()
    household_id = np.char.add(np.char.add("H", codes[h_v].astype("U8")), _zfill(number, 3))
    members = np.clip(1 + rng.poisson(2.6, n), 1, 12)
    # main income from the village's livelihood mix (inverse CDF per household)
    cum = np.cumsum(world["mix"], axis=1)[h_v]
    main = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, len(LIVELIHOODS) - 1)
    dev = v["dev"].to_numpy()[h_v]
    # recording households: about 30 per village
    k_rec = np.minimum(np.clip(np.round(rng.normal(30, 5, len(v))), 18, 45), n_hh).astype(int)
    order = np.lexsort((rng.random(n), h_v))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = _rank_within(h_v[order])
    keeps = rank < k_rec[h_v]
    # debt: common (about 63%), more so in the less developed villages
    p_debt = _sigmoid(0.62 - 0.45 * dev + 0.25 * (LIVELIHOODS.index("rice") == main))
    in_debt = rng.random(n) < p_debt
    amount = rng.lognormal(np.log(64_000), 1.0, n) * np.where(main == 0, 1.2, 1.0)
    debt = np.where(in_debt, _baht(np.clip(amount, 2_000, 2_500_000), 100), 0)
    world["households"] = pd.DataFrame(
        {
            "household_id": household_id,
            "v": h_v,
            "members": members,
            "main": main,
            "keeps": keeps,
            "debt": debt,
        }
    )
    population = np.bincount(h_v, weights=members, minlength=len(v)).astype(int)
    tables["villages"]["population"] = pd.array(population, dtype="Int64")
    tables["households"] = _frame(
        "households",
        {
            "household_id": household_id,
            "village_code": codes[h_v],
            "members": members,
            "keeps_accounts": keeps,
            "main_income": np.array(LIVELIHOODS, dtype=object)[main],
            "debt_satang": debt,
        },
    )


def _zfill(numbers: np.ndarray, width: int) -> np.ndarray:
    return np.char.zfill(np.asarray(numbers).astype(str), width)


# --- the ledger ------------------------------------------------------------------------------
def _ledger(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """A year of entries for every recording household, vectorised over households and entries.

    Each household gets an annual budget per category (incomes from its livelihoods, spending
    in NSO-like shares shaped by its village), then a number of entries per category; single
    amounts spread around budget / entries. Some households stop early or pause for weeks, and
    a few entries are corrected with a negative entry.
    """
    cats = world["categories"]
    codes = cats["category"].tolist()
    col = {c: i for i, c in enumerate(codes)}
    hh = world["households"]
    rec = hh[hh["keeps"]].reset_index(drop=True)
    v = world["villages"]
    n = len(rec)
    annual = _budgets(rec, v, col, rng)  # baht a year, n x categories
    world["budget"] = annual
    world["recorders"] = rec

    # entries per household and category
    freq = np.zeros(len(codes))
    sigma = np.zeros(len(codes))
    timing = np.array(["flat"] * len(codes), dtype=object)
    for code, (f, t, s) in _TIMING.items():
        freq[col[code]], timing[col[code]], sigma[col[code]] = f, t, s
    monthly = np.isin(timing, ("monthly", "monthly2"))
    has = annual > 0
    ref = np.array(
        [np.median(annual[has[:, j], j]) if has[:, j].any() else 1.0 for j in range(len(codes))]
    )
    size = np.sqrt(np.clip(annual / ref, 0.1, 1.0))
    diligence = rng.lognormal(0, 0.3, n)
    lam = freq * size * diligence[:, None] * has * ~monthly
    fixed = has * monthly * np.where(timing == "monthly2", 24, 12)
    target = ENTRIES_PER_DAY * FY_DAYS * n
    lam *= max(target - fixed.sum(), 0) / max(lam.sum(), 1e-9)
    counts = np.where(monthly, fixed, rng.poisson(lam)).astype(np.int64)
    counts = np.minimum(counts, 900)
    bill_day = rng.integers(1, 26, n)

    # category by category, so every slice shares its timing
    parts_h, parts_c, parts_day, parts_amt = [], [], [], []
    for j in np.flatnonzero(counts.sum(axis=0)):
        cnt = counts[:, j]
        h = np.repeat(np.arange(n, dtype=np.int32), cnt)
        m = len(h)
        if timing[j] in ("monthly", "monthly2"):
            rank = _rank_within(h)
            month = rank % 12
            day = bill_day[h] + rng.integers(-2, 3, m) + np.where(rank >= 12, 14, 0)
            day = MONTH_START[month] + np.clip(day, 1, MONTH_DAYS[month]) - 1
        else:
            w = np.asarray(_SEASONS[timing[j]], dtype=float) * MONTH_DAYS
            month = np.searchsorted(np.cumsum(w) / w.sum(), rng.random(m), side="right")
            month = np.minimum(month, 11)
            day = MONTH_START[month] + (rng.random(m) * MONTH_DAYS[month]).astype(np.int64)
        noise = rng.lognormal(-(sigma[j] ** 2) / 2, sigma[j], m) if sigma[j] else np.ones(m)
        mean = annual[:, j] / np.maximum(cnt, 1)
        parts_h.append(h)
        parts_c.append(np.full(m, j, dtype=np.int16))
        parts_day.append(day.astype(np.int16))
        parts_amt.append(mean[h] * noise)
    h = np.concatenate(parts_h)
    c = np.concatenate(parts_c)
    day = np.concatenate(parts_day)
    amount = np.concatenate(parts_amt)
    del parts_h, parts_c, parts_day, parts_amt
    bills = np.isin(c, (col["EXP_ELECTRICITY"], col["EXP_WATER"]))
    satang = np.where(bills, np.round(amount * 100), np.round(np.maximum(amount, 1)) * 100)
    satang = np.maximum(satang, 100).astype(np.int64)
    del amount, bills

    # messiness: some households stop recording, some pause for weeks
    stop = np.full(n, FY_DAYS)
    stops = rng.random(n) < 0.06
    stop[stops] = rng.integers(60, 300, stops.sum())
    gap_start = np.where(rng.random((n, 2)) < 0.12, rng.integers(20, FY_DAYS - 40, (n, 2)), -999)
    gap_end = gap_start + rng.integers(7, 40, (n, 2))
    keep = day < stop[h]
    for k in range(2):
        keep &= ~((day >= gap_start[h, k]) & (day < gap_end[h, k]))
    h, c, day, satang = h[keep], c[keep], day[keep], satang[keep]
    del keep

    # corrections: a duplicate cancelled later, or an amount typed ten times too big
    m = len(h)
    fix = np.sort(rng.choice(m, max(1, m // 20_000), replace=False))
    kind = rng.integers(0, 2, len(fix))
    later = np.minimum(day[fix] + rng.integers(1, 6, len(fix)), stop[h[fix]] - 1)
    later = np.maximum(later, day[fix])
    wrong = satang[fix] * np.where(kind == 1, 10, 1)
    satang[fix] = np.where(kind == 1, wrong, satang[fix])
    dup = fix[kind == 0]
    corr_amt = np.where(kind == 0, -satang[fix], -(wrong - wrong // 10))
    note_code = np.full(m, -1, dtype=np.int16)
    h = np.concatenate([h, h[dup], h[fix]])
    c = np.concatenate([c, c[dup], c[fix]])
    day = np.concatenate([day, day[dup], later.astype(np.int16)])
    satang = np.concatenate([satang, satang[dup], corr_amt])

    # a few remarks people write beside an entry
    notes = list(_CORRECTION_NOTES)
    note_of_cat = {}
    for code, texts in _NOTES.items():
        note_of_cat[col[code]] = np.arange(len(notes), len(notes) + len(texts))
        notes.extend(texts)
    for j, idx in note_of_cat.items():
        where = np.flatnonzero((c[:m] == j) & (rng.random(m) < 0.02))
        note_code[where] = rng.choice(idx, len(where))
    note_code = np.concatenate([note_code, np.full(len(dup), -1, np.int16), kind.astype(np.int16)])

    # order by household, date and category; number the entries within each household
    order = np.lexsort((c, day, h))
    h, c, day, satang, note_code = h[order], c[order], day[order], satang[order], note_code[order]
    del order
    seq = _rank_within(h) + 1
    if seq.max() > 9999:
        raise ValueError("a demo household has more than 9,999 entries")
    # entry id = household id + "-" + 4-digit number, written as bytes (all ids one width)
    hh_ids = rec["household_id"].to_numpy().astype("S")
    w = hh_ids.dtype.itemsize
    id_bytes = np.empty((len(h), w + 5), dtype=np.uint8)
    id_bytes[:, :w] = hh_ids.view(np.uint8).reshape(-1, w)[h]
    id_bytes[:, w] = ord("-")
    for k, p in enumerate((1000, 100, 10, 1)):
        id_bytes[:, w + 1 + k] = ord("0") + (seq // p) % 10
    del seq
    as_binary = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(w + 5), len(h), [None, pa.py_buffer(id_bytes)]
    )
    entry_id = pc.cast(pc.cast(as_binary, pa.binary()), pa.string())
    del as_binary, id_bytes
    note_idx = pa.array(note_code.astype(np.int32), mask=note_code < 0)
    ledger = pd.DataFrame(
        {
            "entry_id": _arrow_str(entry_id),
            "household_id": _coded("household_id", h, rec["household_id"].to_numpy()),
            "date": (FY_START + day.astype("timedelta64[D]")).astype("datetime64[s]"),
            "category": _coded("category", c, codes),
            "amount_satang": satang,
            "note": _arrow_str(pc.take(pa.array(notes), note_idx)),
        }
    )
    tables["ledger"] = ledger[schema.TABLES["ledger"].columns]


def _budgets(rec: pd.DataFrame, v: pd.DataFrame, col: dict, rng: np.random.Generator) -> np.ndarray:
    """Annual baht per recording household and category: incomes, consumption, farm costs,
    interest and transfers, all shaped by the household's village."""
    n = len(rec)
    budget = np.zeros((n, len(col)))
    vi = rec["v"].to_numpy()
    dev = v["dev"].to_numpy()[vi]
    coastal = v["coastal"].to_numpy()[vi]
    members = rec["members"].to_numpy()
    main = rec["main"].to_numpy()
    main_name = np.array(LIVELIHOODS, dtype=object)[main]

    # income
    pc_median = np.array([_INCOME_PC[m] for m in LIVELIHOODS])[main]
    per_person = 1.1 * pc_median * np.exp(0.28 * dev) * rng.lognormal(0, 0.5, n)
    income = per_person * 12 * members
    main_share = rng.uniform(0.55, 0.85, n)
    for name, code in _MAIN_CATEGORY.items():
        budget[:, col[code]] += np.where(main_name == name, income * main_share, 0)
    for code, w in _MIXED_SPLIT.items():
        budget[:, col[code]] += np.where(main_name == "mixed", income * main_share * w, 0)
    side = np.zeros((n, len(_SIDE_INCOME)))
    for k, (code, (p, w)) in enumerate(_SIDE_INCOME.items()):
        ok = rng.random(n) < p
        if code == "INC_FISH":
            ok &= coastal
        side[:, k] = ok * rng.gamma(2.0, w, n)
    none = side.sum(axis=1) == 0
    side[none, 0] = 1.0  # at least some wage work
    side /= side.sum(axis=1, keepdims=True)
    for k, code in enumerate(_SIDE_INCOME):
        budget[:, col[code]] += income * (1 - main_share) * side[:, k]
    budget[:, col["INC_WELFARE"]] = np.round(budget[:, col["INC_WELFARE"]] / 6000) * 6000
    income = budget[:, [col[c] for c in col if c.startswith("INC_")]].sum(axis=1)

    # consumption: NSO shares, Engel's law, vices and schooling by household, village habits
    groups = params.ledger_groups().set_index("group")
    cons_groups = [g for g in _WITHIN_GROUP if bool(groups.loc[g, "consumption"])]
    base = np.array([groups.loc[g, "nso_share"] for g in cons_groups]) / 100
    propensity = rng.lognormal(np.log(0.74) - 0.06 * dev, 0.12, n)
    floor = members * 1_300 * 12
    consumption = np.maximum(income * propensity, floor)
    mult = np.ones((n, len(cons_groups)))
    gi = {g: k for k, g in enumerate(cons_groups)}
    mult[:, gi["food"]] = 1.05 * (per_person / 3500) ** -0.15
    vice_cat = list(_WITHIN_GROUP["vice"])
    vice_has = np.column_stack(
        [rng.random(n) < _VICE_CHANCE[c] * np.exp(-0.3 * dev) for c in vice_cat]
    )
    vice_w = np.array([_WITHIN_GROUP["vice"][c] for c in vice_cat])
    vice_mean = sum(_VICE_CHANCE[c] * _WITHIN_GROUP["vice"][c] for c in vice_cat)
    mult[:, gi["vice"]] = (vice_has * vice_w).sum(axis=1) / vice_mean * np.exp(-0.25 * dev)
    kids = rng.random(n) < np.where(members >= 3, 0.75, 0.12)
    mult[:, gi["education"]] = kids / max(kids.mean(), 1e-9)
    shares = rng.gamma(50 * base * mult + 1e-9)
    shares /= shares.sum(axis=1, keepdims=True)
    # each village leans to its own substitutable goods (and grows more of them when developed)
    subst = _substitutable() & set(col)
    n_v = len(v)
    village_lean = {c: rng.lognormal(0, 0.35, n_v) for c in sorted(subst)}
    for g, cats in _WITHIN_GROUP.items():
        if g not in gi:
            continue
        names = list(cats)
        w = np.tile(np.array([cats[c] for c in names]), (n, 1))
        for k, c in enumerate(names):
            if c in village_lean:
                w[:, k] *= village_lean[c][vi] * np.exp(-0.12 * dev)
            if g == "vice":
                w[:, k] *= vice_has[:, k]
        w = rng.gamma(30 * w / np.maximum(w.sum(axis=1, keepdims=True), 1e-9) + 1e-9)
        total = w.sum(axis=1, keepdims=True)
        w = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
        for k, c in enumerate(names):
            budget[:, col[c]] = consumption * shares[:, gi[g]] * w[:, k]

    # farm costs follow the farm incomes
    b = {c: budget[:, col[c]] for c in ("INC_RUBBER", "INC_PALM", "INC_FRUIT", "INC_RICE")}
    tree = b["INC_RUBBER"] + b["INC_PALM"] + b["INC_FRUIT"]
    lean_fert = village_lean.get("FARM_FERTILISER", np.ones(n_v))[vi]
    budget[:, col["FARM_FERTILISER"]] = (0.10 * tree + 0.15 * b["INC_RICE"]) * lean_fert
    budget[:, col["FARM_PESTICIDE"]] = (
        0.02 * tree + 0.06 * (b["INC_FRUIT"] + b["INC_RICE"] + budget[:, col["INC_VEG"]])
    ) * village_lean.get("FARM_PESTICIDE", np.ones(n_v))[vi]
    budget[:, col["FARM_FEED"]] = 0.35 * budget[:, col["INC_LIVESTOCK"]]
    budget[:, col["FARM_SEEDLINGS"]] = 0.02 * (tree + b["INC_RICE"] + budget[:, col["INC_VEG"]])
    budget[:, col["FARM_RUBBER_ACID"]] = 0.03 * b["INC_RUBBER"]
    budget[:, col["FARM_LABOUR"]] = 0.06 * tree * (rng.random(n) < 0.4)
    budget[:, col["FARM_FISHING_GEAR"]] = 0.25 * budget[:, col["INC_FISH"]]

    # debt service and saving
    debt = rec["debt"].to_numpy() / 100
    budget[:, col["EXP_INTEREST"]] = debt * rng.uniform(0.05, 0.12, n)
    budget[:, col["TRF_LOAN_REPAID"]] = debt * rng.uniform(0.05, 0.15, n)
    new_loan = (debt > 0) & (rng.random(n) < 0.3)
    budget[:, col["TRF_LOAN_RECEIVED"]] = new_loan * np.round(rng.uniform(10, 100, n)) * 1000
    saves = rng.random(n) < _sigmoid(0.1 + 0.8 * dev)
    deposit = saves * income * rng.uniform(0.03, 0.10, n)
    budget[:, col["TRF_SAVE_DEPOSIT"]] = deposit
    budget[:, col["TRF_SAVE_WITHDRAW"]] = deposit * (rng.random(n) < 0.3) * rng.uniform(0.2, 0.8, n)
    return budget


def _substitutable() -> set[str]:
    cats = params.ledger_categories()
    return set(cats.loc[cats["substitutable"], "category"])


# --- people ----------------------------------------------------------------------------------
def _people(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Village cores, sub-district facilitators, district teams, khun ua and the province team."""
    v = world["villages"]
    tam = world["tambons"]
    sectors = params.sectors()["sector"].tolist()
    parts = []

    # village cores: 8 each, a few teams short (more often where leadership is weak)
    q1 = v["q1"].to_numpy()
    short = rng.random(len(v)) < _sigmoid(-2.4 - 1.0 * q1)
    size = np.where(short, rng.integers(6, 8, len(v)), 8)
    pv = np.repeat(np.arange(len(v)), size)
    slot = _rank_within(pv)
    positions = np.array([p for p, _ in _CORE_POSITIONS], dtype=object)
    women = np.array([w for _, w in _CORE_POSITIONS])[slot]
    parts.append(
        pd.DataFrame(
            {
                "person_id": _numbered(
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
    tq = _tambon_quality(v, tam, "q1")
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
                "person_id": _numbered(
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
    dslot = _rank_within(dd)
    parts.append(
        pd.DataFrame(
            {
                "person_id": _numbered(np.char.add("D", districts[dd]), dslot + 1, 2),
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
    province = hierarchy.PROVINCE_CODE
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
    new_gen = rng.random(n) < _sigmoid(-1.0 + 0.55 * quality) * np.where(
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
    linked = new_gen & has_senior.notna().to_numpy() & (rng.random(n) < _sigmoid(0.3 + quality))
    successor = has_senior.where(linked, None)
    world["people"] = p.assign(new_generation=new_gen)
    tables["people"] = _frame(
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


def _tambon_quality(v: pd.DataFrame, tam: pd.DataFrame, column: str) -> np.ndarray:
    """A sub-district's quality on one component: the mean of its villages."""
    return v.groupby("tambon_code")[column].mean().reindex(tam["tambon_code"]).to_numpy()


# --- criteria and the freedom table -----------------------------------------------------------
def _freedom(world: dict, tables: dict, rng: np.random.Generator) -> None:
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
    tables["criteria"] = _frame("criteria", crit.drop(columns="can").to_dict("series"))

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
        [rng.random(n) < 0.04, rng.random(n) < _sigmoid(-0.9 - 0.7 * quality)],
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
    tables["freedom"] = _frame("freedom", fr.reset_index(drop=True).to_dict("series"))


# --- zones -----------------------------------------------------------------------------------
def _zones(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Six zones of neighbouring districts; every sub-district present learns in one."""
    tam = world["tambons"]
    zone_of = {a: (z, name) for z, name, amphoes in _ZONES for a in amphoes}
    z = [zone_of[a] for a in tam["amphoe_code"]]
    tables["zones"] = _frame(
        "zones",
        {
            "zone_id": [x[0] for x in z],
            "name_th": [x[1] for x in z],
            "tambon_code": tam["tambon_code"],
        },
    )


# --- learning centres ------------------------------------------------------------------------
def _centres(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """A main centre per sub-district in its strongest village, more in strong villages."""
    v = world["villages"]
    q3 = v["q3"].to_numpy()
    best = v.assign(q=q3).groupby("tambon_code")["q"].idxmax().to_numpy()
    extra = np.flatnonzero(rng.random(len(v)) < _sigmoid(-2.2 + 1.3 * q3))
    main = np.zeros(len(v), dtype=bool)
    main[best] = True
    at = np.union1d(best, extra)
    n = len(at)
    codes = v["village_code"].to_numpy()[at]
    q = q3[at]
    registered = rng.random(n) < np.where(main[at], 0.8, 0.45)
    active = rng.random(n) < _sigmoid(0.6 + 1.2 * q)
    topic = _pick(rng, _CENTRE_TOPICS, n)
    names = tables["villages"].set_index("village_code")["name_th"]
    centre_id = [f"LC{c}" for c in codes]
    tables["centres"] = _frame(
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
    dates = _fy_dates(rng, m)
    order = np.lexsort((dates, ci))
    ci, which, visitors, results, dates = (
        ci[order],
        which[order],
        visitors[order],
        results[order],
        dates[order],
    )
    tables["centre_activities"] = _frame(
        "centre_activities",
        {
            "activity_id": _numbered(
                np.array(centre_id, dtype=object)[ci], _rank_within(ci) + 1, 2
            ),
            "centre_id": np.array(centre_id, dtype=object)[ci],
            "date": dates,
            "activity": np.array([a for a, _ in _CENTRE_ACTIVITIES], dtype=object)[which],
            "visitors": visitors,
            "result": results,
        },
    )


# --- community finance and welfare -----------------------------------------------------------
def _finance(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Village funds everywhere, savings and sajja groups, welfare funds mostly per sub-district."""
    v = world["villages"]
    tam = world["tambons"]
    names = tables["villages"].set_index("village_code")["name_th"]
    q4 = v["q4"].to_numpy()
    hh = v["households"].to_numpy()
    rows = []
    # (type, chance per village, extra chance of a second one)
    n_sav = (rng.random(len(v)) < _sigmoid(1.2 + 1.0 * q4)).astype(int) + (
        rng.random(len(v)) < _sigmoid(-1.5 + q4)
    )
    n_sajja = (rng.random(len(v)) < _sigmoid(-0.8 + 0.8 * q4)).astype(int)
    n_welf = (rng.random(len(v)) < _sigmoid(-3.2 + 0.8 * q4)).astype(int)
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
    tq = _tambon_quality(v, tam, "q4")
    t_hh = v.groupby("tambon_code")["households"].sum().reindex(tam["tambon_code"]).to_numpy()
    has_welfare = rng.random(len(tam)) < _sigmoid(1.0 + 1.2 * tq)
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
    share = lo + (hi - lo) * np.clip(_sigmoid(0.8 * q) + rng.normal(0, 0.15, n), 0, 1)
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
    active = rng.random(n) < _sigmoid(1.0 + 1.2 * q)
    integrated = rng.random(n) < _sigmoid(-0.6 + 1.3 * q)
    type_th = {k: v_[0] for k, v_ in schema.FINANCE_TYPES.items()}
    group_no = _rank_within(g["unit_code"].to_numpy()) + 1
    tables["finance_groups"] = _frame(
        "finance_groups",
        {
            "group_id": _numbered(
                np.char.add("FG", g["unit_code"].to_numpy().astype(str)), group_no, 2
            ),
            "level": g["level"],
            "unit_code": g["unit_code"],
            "type": kind,
            "name_th": [f"{type_th[k]}{p}" for k, p in zip(kind, g["place"], strict=True)],
            "members": members,
            "member_households": member_hh,
            "capital_satang": _baht(capital, 100),
            "loans_outstanding_satang": _baht(loans, 100),
            "arrears_satang": _baht(arrears, 100),
            "welfare_paid_satang": np.where(welfare, _baht(paid, 100), None),
            "welfare_recipients": np.where(welfare, recipients, None),
            "active": active,
            "integrated": integrated,
        },
    )


# --- health and CDD standards ----------------------------------------------------------------
def _standards(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """The 2551 health-standard and CDD-standard results per village, and health activities."""
    v = world["villages"]
    n = len(v)
    q5 = v["q5"].to_numpy()
    hh = v["households"].to_numpy()
    assessed = np.maximum(1, np.round(hh * rng.uniform(0.85, 1.0, n))).astype(int)
    rate = _sigmoid(0.5 + 0.9 * q5 + rng.normal(0, 0.35, n))
    passed = rng.binomial(assessed, rate)
    codes = v["village_code"].to_numpy()
    tables["health_standard"] = _frame(
        "health_standard",
        {
            "village_code": codes,
            "year": np.full(n, FISCAL_YEAR_BE),
            "households_assessed": assessed,
            "households_passed": passed,
            "result": np.where(passed >= HEALTH_PASS_SHARE * assessed, "passed", "not_passed"),
        },
    )
    ind = rng.binomial(CDD_INDICATORS, _sigmoid(1.0 + 0.9 * q5 + rng.normal(0, 0.3, n)))
    tables["cdd_standard"] = _frame(
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
    dates = _fy_dates(rng, m)
    order = np.lexsort((dates, vi))
    vi, dates = vi[order], dates[order]
    participants = np.minimum(
        np.round(rng.lognormal(np.log(35) + 0.2 * q5[vi], 0.5)), hh[vi] * 3
    ).astype(int)
    tables["health_activities"] = _frame(
        "health_activities",
        {
            "activity_id": _numbered(
                np.char.add("HA", codes[vi].astype(str)), _rank_within(vi) + 1, 2
            ),
            "village_code": codes[vi],
            "date": dates,
            "activity": _pick(rng, _HEALTH_ACTIVITIES, m),
            "participants": participants,
        },
    )


# --- master plans, TAO/PAO plans, agency projects, visions -----------------------------------
def _plans(world: dict, tables: dict, rng: np.random.Generator) -> None:
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
    share_cat = _sigmoid(0.2 + 1.0 * q2)
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
    tq = _tambon_quality(v, tam, "q2")
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
    pi["item_id"] = _numbered(
        "MP" + pi["unit_code"], _rank_within(pi["unit_code"].to_numpy()) + 1, 2
    )
    tables["plan_items"] = _frame(
        "plan_items",
        {
            "item_id": pi["item_id"],
            "level": pi["level"],
            "unit_code": pi["unit_code"],
            "title": pi["title"],
            "problem": pi["problem"],
            "kind": pi["kind"],
            "category": pi["category"],
            "cost_satang": _baht(rng.uniform(lo, hi), 500),
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
            "title": _pick(rng, _TAO_OWN, len(oi)),
            "budget": rng.uniform(50_000, 1_500_000, len(oi)),
            "year": np.where(rng.random(len(oi)) < 0.7, 2551, 2552),
        }
    )
    lp = pd.concat([local, own], ignore_index=True).sort_values("tambon_code", kind="stable")
    lp = lp.reset_index(drop=True)
    tables["local_plans"] = _frame(
        "local_plans",
        {
            "local_item_id": _numbered(
                "LP" + lp["tambon_code"], _rank_within(lp["tambon_code"].to_numpy()) + 1, 3
            ),
            "org": lp["org"],
            "tambon_code": lp["tambon_code"],
            "plan_item_id": lp["plan_item_id"],
            "title": lp["title"],
            "budget_satang": _baht(lp["budget"].to_numpy(), 1000),
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
    tables["agency_projects"] = _frame(
        "agency_projects",
        {
            "project_id": _numbered(
                "AP" + ap["unit_code"], _rank_within(ap["unit_code"].to_numpy()) + 1, 3
            ),
            "agency": ap["agency"],
            "level": ap["level"],
            "unit_code": ap["unit_code"],
            "title": ap["title"],
            "budget_satang": _baht(ap["budget"].to_numpy(), 1000),
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
        f"{a} {b}" for a, b in zip(_pick(rng, _VISION_A, m), _pick(rng, _VISION_B, m), strict=True)
    ]
    tables["visions"] = _frame(
        "visions", {"level": levels, "unit_code": units, "statement": statement}
    )


# --- facilitation spending -------------------------------------------------------------------
def _spending(world: dict, tables: dict, rng: np.random.Generator) -> None:
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
    tables["spending"] = _frame(
        "spending",
        {
            "record_id": _numbered(
                "S" + s["amphoe_code"], _rank_within(s["amphoe_code"].to_numpy()) + 1, 3
            ),
            "amphoe_code": s["amphoe_code"],
            "date": FY_START + s["day"].to_numpy().astype("timedelta64[D]"),
            "topic": s["topic"],
            "amount_satang": _baht(s["amount"].to_numpy()),
            "note": [_SPENDING_NOTES[t] for t in s["topic"]],
        },
    )
