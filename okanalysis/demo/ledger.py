"""The demo household ledger: each recording household's annual budget per category (incomes,
NSO-like consumption, farm costs, debt and saving) and a year of entries drawn from it.

Built with vectorised numpy (about 20 million rows at scale 1), never a Python loop per household
or per entry, and turned into Arrow-backed strings without Python objects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from okanalysis.contract import hierarchy, schema
from okanalysis.core import params
from okanalysis.core.errors import ParameterError
from okanalysis.demo.common import (
    FY_DAYS,
    FY_START,
    LIVELIHOODS,
    MONTH_DAYS,
    MONTH_START,
    rank_within,
    sigmoid,
)

ENTRIES_PER_DAY = 1.25  # ledger entries per recording household per day (before gaps)

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


def check_categories(categories: pd.DataFrame) -> None:
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


# --- the ledger ------------------------------------------------------------------------------
def make_ledger(world: dict, tables: dict, rng: np.random.Generator) -> None:
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
    home = world.get("province", hierarchy.PROVINCE_CODE) == hierarchy.PROVINCE_CODE
    level = 1.0 if home else income_level(world["mix"])
    annual = _budgets(rec, v, col, rng, level)  # baht a year, n x categories
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
            rank = rank_within(h)
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
    seq = rank_within(h) + 1
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


def income_level(mix: np.ndarray) -> float:
    """How much more (or less) a province's households earn than Nakhon Si Thammarat's for its
    livelihood mix (villages x livelihoods): the ratio of the geometric mean incomes of the
    main incomes, Nakhon Si Thammarat's districts against these villages. Another province's
    incomes are scaled by it, so its livelihoods change what households live on but not how
    many are poor: the demo holds every province to the kingdom's NSO 2007 bands (20.5% of
    people below the poverty line), having no regional figures."""
    from okanalysis.demo.province import _DISTRICT_MIX

    log_pc = np.log([_INCOME_PC[m] for m in LIVELIHOODS])
    home = np.array(list(_DISTRICT_MIX.values())) @ log_pc
    here = np.asarray(mix) @ log_pc
    return float(np.exp(home.mean() - here.mean())) if len(here) else 1.0


def _budgets(
    rec: pd.DataFrame, v: pd.DataFrame, col: dict, rng: np.random.Generator, level: float = 1.0
) -> np.ndarray:
    """Annual baht per recording household and category: incomes, consumption, farm costs,
    interest and transfers, all shaped by the household's village (incomes times `level`,
    see `income_level`)."""
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
    if level != 1.0:
        per_person = per_person * level
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
    saves = rng.random(n) < sigmoid(0.1 + 0.8 * dev)
    deposit = saves * income * rng.uniform(0.03, 0.10, n)
    budget[:, col["TRF_SAVE_DEPOSIT"]] = deposit
    budget[:, col["TRF_SAVE_WITHDRAW"]] = deposit * (rng.random(n) < 0.3) * rng.uniform(0.2, 0.8, n)
    return budget


def _substitutable() -> set[str]:
    cats = params.ledger_categories()
    return set(cats.loc[cats["substitutable"], "category"])
