"""The frame of the demo province: villages on the real sub-districts (each with its latent
development level and livelihood mix), their households, and the zones they learn in.

Any province of geothai can be generated. Nakhon Si Thammarat (80) has its own district
livelihood mixes, coastal districts and zones; another province takes its region's mix (varied
per district), a synthetic choice of coastal districts when the province has a sea coast, and
zones of about four neighbouring district codes. The scale is per province: scale 1 gives
Nakhon Si Thammarat's density, about 1,550 villages over its 170 sub-districts (9.1 per
sub-district), on the province's real sub-districts, so Krabi (53 sub-districts) gets about
483 villages and Nakhon Ratchasima (289) about 2,635. geothai has no village counts, so these
are not the real ones.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from okanalysis.contract import hierarchy
from okanalysis.demo.common import LIVELIHOODS, contract_frame, rank_within, sigmoid, to_satang

#: Villages of Nakhon Si Thammarat at scale 1 (the seed's 1+1+...=1,550).
VILLAGES_AT_SCALE_1 = 1550
#: Sub-districts of Nakhon Si Thammarat: another province gets VILLAGES_AT_SCALE_1 per this many.
TAMBONS_80 = 170

TIER_CUTS = (0.176, 1.751)  # standard-normal quantiles 57% and 96%: the CDD 57/39/4 split
TOP_STEP = 0.7  # how far the top 4% stand above the rest on the latent development level

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

# relative weight of each main income by region, for the provinces other than Nakhon Si
# Thammarat (each district's own mix is drawn around its region's)
#                      rubber palm fruit rice fish  live  wage trade mixed
_REGION_MIX = {
    "south":     (0.40, 0.16, 0.10, 0.04, 0.08, 0.05, 0.09, 0.05, 0.03),
    "east":      (0.24, 0.06, 0.22, 0.10, 0.06, 0.05, 0.14, 0.09, 0.04),
    "central":   (0.02, 0.02, 0.15, 0.24, 0.02, 0.10, 0.24, 0.15, 0.06),
    "northeast": (0.06, 0.00, 0.05, 0.28, 0.00, 0.12, 0.26, 0.11, 0.12),
    "north":     (0.02, 0.00, 0.18, 0.24, 0.00, 0.10, 0.24, 0.12, 0.10),
}  # fmt: skip
#: Provinces with a sea coast: some of their districts fish (which ones is synthetic, besides
#: Nakhon Si Thammarat's `hierarchy.COASTAL_AMPHOE`).
COASTAL_PROVINCES = frozenset(
    "11 20 21 22 23 24 74 75 76 77 80 81 82 83 84 85 86 90 91 92 94 96".split()
)


def region(province: str) -> str:
    """The region of a province (`hierarchy.region`: by its code's range)."""
    return hierarchy.region(province)


def villages_at_scale_1(province: str) -> int:
    """The province's villages at scale 1: 1,550 for Nakhon Si Thammarat, the same density
    per sub-district elsewhere."""
    if province == hierarchy.PROVINCE_CODE:
        return VILLAGES_AT_SCALE_1
    return max(1, round(VILLAGES_AT_SCALE_1 * len(hierarchy.tambons(province)) / TAMBONS_80))


def coastal_districts(province: str) -> tuple[str, ...]:
    """The districts where fishing is a livelihood: Nakhon Si Thammarat's real coast; in
    another coastal province its capital district and, by a fixed hash, about half the others."""
    if province == hierarchy.PROVINCE_CODE:
        return hierarchy.COASTAL_AMPHOE
    if province not in COASTAL_PROVINCES:
        return ()
    codes = hierarchy.districts(province)["amphoe_code"]
    return tuple(c for c in codes if c.endswith("01") or zlib.crc32(c.encode()) % 2 == 0)


def district_mix(province: str, seed: int) -> dict[str, tuple[float, ...]]:
    """Each district's relative weight of each main income (the table above for Nakhon Si
    Thammarat; around the region's mix, deterministically per seed, elsewhere)."""
    if province == hierarchy.PROVINCE_CODE:
        return _DISTRICT_MIX
    codes = sorted(hierarchy.districts(province)["amphoe_code"])
    rng = np.random.default_rng([seed, zlib.crc32(b"district-mix"), int(province)])
    base = np.array(_REGION_MIX[region(province)])
    mixes = rng.gamma(base * 30 + 1e-9, size=(len(codes), len(base)))
    mixes /= mixes.sum(axis=1, keepdims=True)
    return {c: tuple(float(x) for x in m) for c, m in zip(codes, mixes, strict=True)}


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


# --- villages ------------------------------------------------------------------------------
def make_villages(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Villages on the real sub-districts, each with its latent development and livelihoods."""
    province = world.get("province", hierarchy.PROVINCE_CODE)
    tam = hierarchy.tambons(province).sort_values("tambon_code").reset_index(drop=True)
    districts = sorted(tam["amphoe_code"].unique())
    # the full province: every sub-district has 5-15 villages, about 1,550 in all for 80
    at_scale_1 = villages_at_scale_1(province)
    full = np.clip(np.round(rng.normal(9.1, 2.6, len(tam))), 5, 15).astype(int)
    full = _adjust_total(full, at_scale_1, 5, 15, rng)
    n_villages = max(len(districts), round(at_scale_1 * world["scale"]))
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
    village_no = rank_within(v_t) + 1
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
    coastal = np.isin(amphoe_code, coastal_districts(province))
    mixes = district_mix(province, world["seed"])
    base = np.array([mixes[a] for a in amphoe_code])
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
    tables["villages"] = contract_frame(
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
def make_households(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """All households of every village: size, main income, debt and who keeps accounts."""
    v = world["villages"]
    n_hh = v["households"].to_numpy()
    h_v = np.repeat(np.arange(len(v)), n_hh)
    n = len(h_v)
    number = rank_within(h_v) + 1
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
    rank[order] = rank_within(h_v[order])
    keeps = rank < k_rec[h_v]
    # debt: common (about 63%), more so in the less developed villages
    p_debt = sigmoid(0.62 - 0.45 * dev + 0.25 * (LIVELIHOODS.index("rice") == main))
    in_debt = rng.random(n) < p_debt
    amount = rng.lognormal(np.log(64_000), 1.0, n) * np.where(main == 0, 1.2, 1.0)
    debt = np.where(in_debt, to_satang(np.clip(amount, 2_000, 2_500_000), 100), 0)
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
    tables["households"] = contract_frame(
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


# --- zones -----------------------------------------------------------------------------------
def zones(province: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The zones of a province: (zone_id, Thai name, district codes). Nakhon Si Thammarat's six
    named zones; elsewhere zones of about four districts in code order."""
    if province == hierarchy.PROVINCE_CODE:
        return _ZONES
    codes = sorted(hierarchy.districts(province)["amphoe_code"])
    n = max(1, round(len(codes) / 4))
    groups = np.array_split(np.array(codes), n)
    return tuple((f"Z{k + 1}", f"โซนที่ {k + 1}", tuple(g)) for k, g in enumerate(groups))


def make_zones(world: dict, tables: dict, rng: np.random.Generator) -> None:
    """Zones of neighbouring districts (six in Nakhon Si Thammarat); every sub-district present
    learns in one."""
    tam = world["tambons"]
    province = world.get("province", hierarchy.PROVINCE_CODE)
    zone_of = {a: (z, name) for z, name, amphoes in zones(province) for a in amphoes}
    z = [zone_of[a] for a in tam["amphoe_code"]]
    tables["zones"] = contract_frame(
        "zones",
        {
            "zone_id": [x[0] for x in z],
            "name_th": [x[1] for x in z],
            "tambon_code": tam["tambon_code"],
        },
    )
