"""The learning circle's joint action plan (the Community Score Card's): what the circle agreed
to do after grading, and what later circles said happened to it.

Each action serves one of the five components and says what will be done, which master-plan
item (the results' `plan_items`) or money-leaving item (`potential.opportunities`) it addresses
if any, who leads it (a role; a name only when the circle wants it written), when it starts and
ends, what it is expected to cost (exact: integer satang, parsed from baht as people type it,
never a float) and how many households are expected to take part.

Actions and their updates are kept append-only in the circle store (migration 4 of
`okanalysis.circles.store`), each known by UUID with the id of the store it was first saved in,
so they travel and merge with the rest (`store.merge`). A later circle records what happened to
an action as an *update* naming the action's UUID: done, in progress or dropped, with a
sentence and the date of that circle. An action's state is its latest update by circle date
(then `created_at`, then UUID, the same in every store); with none it is still "open"
(planned). Overdue is computed against the date of the circle being viewed, never the
computer's clock.

This module uses the store's connection helpers (`store` is below it; the store never imports
this module).
"""

from __future__ import annotations

import datetime as dt
import operator
import os
import re
import sqlite3
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from okanalysis.circles import store
from okanalysis.circles.store import ACTION_MAX_CHARS, THAI_TIME, CircleStore
from okanalysis.core import labels, thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS
from okanalysis.core.errors import OkanalysisError

#: Who may lead an action: the programme's roles, a community group, a partner agency or the TAO.
LEAD_ROLES: dict[str, tuple[str, str]] = {**labels.group("role"), **labels.group("lead")}
#: What a later circle may say happened to an action.
UPDATE_STATES: tuple[str, ...] = ("done", "in_progress", "dropped")
#: The state of an action: "open" (planned, no update yet) or its latest update's.
ACTION_STATES: dict[str, tuple[str, str]] = labels.group(
    "action_state", ("open", "in_progress", "done", "dropped")
)
#: States still to be done (an overdue action is one of these whose end date has passed).
STILL_OPEN: tuple[str, ...] = ("open", "in_progress")
#: The most a circle may plan for one action: 100 million baht (a mistyped figure is refused).
MAX_COST_SATANG = 100_000_000 * 100
#: The most households one action may expect.
MAX_HOUSEHOLDS = 100_000
#: The longest lead's name, master-plan item id or money-leaving category code.
MAX_SHORT = 120
#: Planned dates a circle may give (a year outside is a typing slip, or the Buddhist era).
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)

#: The store's columns of an action, one row per action.
ACTION_COLUMNS: tuple[str, ...] = (
    "id",
    "uuid",
    "store_id",
    "unit_code",
    "round",
    "date",
    "component",
    "what",
    "plan_item",
    "opportunity",
    "lead_role",
    "lead_name",
    "start_date",
    "end_date",
    "cost_satang",
    "households",
    "facilitator",
    "created_at",
)
#: The store's columns of an update on an action.
UPDATE_COLUMNS: tuple[str, ...] = (
    "id",
    "uuid",
    "store_id",
    "action_uuid",
    "unit_code",
    "round",
    "date",
    "state",
    "sentence",
    "facilitator",
    "created_at",
)
#: The columns of `actions`: the action, then its state (`state`, and the update it comes from:
#: `state_date`, `state_round`, `state_sentence`, `state_uuid`; empty while open) and how many
#: updates it has.
ACTION_FRAME_COLUMNS: tuple[str, ...] = (
    *ACTION_COLUMNS,
    "state",
    "state_date",
    "state_round",
    "state_sentence",
    "state_uuid",
    "updates",
)


# --- input ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    """One action the circle agreed, as typed (checked by `check_action` before it is saved).

    `date` and `round` are those of the circle that agreed it. `cost` is baht as people type it
    ("12,500", "12500.50", Thai digits), a whole number of baht or a `Decimal`; never a float.
    `plan_item` is a master-plan item id (`plan_items.item_id`), `opportunity` a money-leaving
    category code (`potential.opportunities`' `category`): at most one of them. `lead_name` is
    written only when the circle wants it written.
    """

    unit_code: str
    round: str
    date: dt.date | str
    component: str
    what: str
    lead_role: str
    start: dt.date | str
    end: dt.date | str
    cost: str | int | Decimal
    households: int
    lead_name: str = ""
    plan_item: str | None = None
    opportunity: str | None = None
    facilitator: str = ""


# --- checking -------------------------------------------------------------------------------------
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?")
_PLAIN = re.compile(r"\d+(?:\.\d{1,2})?")


def _bad_cost(value: object, problems: list[OkanalysisError]) -> None:
    problems.append(
        OkanalysisError(
            "งบประมาณต้องเป็นจำนวนเงินบาท 0 ขึ้นไป ทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 12,500 หรือ 12500.50"
            f" (ไม่เกิน {MAX_COST_SATANG // 100:,} บาท)",
            "the cost must be an amount in baht, 0 or more, at most 2 decimals, e.g. 12,500 or"
            f" 12500.50 (at most {MAX_COST_SATANG // 100:,} baht)",
            column="cost",
            value=value if not isinstance(value, str) else value[:40],
        )
    )


def parse_baht(value: object, problems: list[OkanalysisError] | None = None) -> int | None:
    """An amount of baht as exact integer satang: text as people type it ("12,500",
    "12500.50", "๑๒,๕๐๐", "12,500 บาท"), a whole number of baht or a `Decimal`. A float,
    a negative amount, more than two decimals or a badly grouped number ("12,5x", "1,25")
    is refused: with `problems`, a bilingual error naming the column `cost` is added and None
    returned; without, the error is raised."""
    found: list[OkanalysisError] = []
    satang: int | None = None
    if isinstance(value, str):
        text = thai.arabic_digits(value.strip())
        for unit in ("บาท", "baht", "฿"):
            text = text.removesuffix(unit).strip()
        if _GROUPED.fullmatch(text) or _PLAIN.fullmatch(text):
            amount = Decimal(text.replace(",", ""))
            satang = int(amount * 100)
    elif isinstance(value, Decimal):
        try:
            if value.is_finite() and (value * 100) == (value * 100).to_integral_value():
                satang = int(value * 100)
        except InvalidOperation:
            satang = None
    elif isinstance(value, int) and not isinstance(value, bool):
        satang = value * 100
    else:
        try:  # numpy integers, not floats
            if not isinstance(value, bool | float):
                satang = operator.index(value) * 100  # type: ignore[arg-type]
        except TypeError:
            satang = None
    if satang is None or not 0 <= satang <= MAX_COST_SATANG:
        _bad_cost(value, found)
        satang = None
    if found:
        if problems is None:
            raise found[0]
        problems.extend(found)
    return satang


def _plan_date(value: object, column: str, problems: list[OkanalysisError]) -> str | None:
    """A planned date (start or end): a date, or YYYY-MM-DD in the Common era (Thai digits
    accepted), from 2000 to 2099; ISO text back."""
    date = thai.to_date(value)
    if date is not None and FIRST_DATE <= date <= LAST_DATE:
        return date.isoformat()
    be = date is not None and date.year >= 2400
    problems.append(
        OkanalysisError(
            ("ปีนี้น่าจะเป็น พ.ศ. ให้ใช้ ค.ศ. (= พ.ศ. - 543) " if be else "")
            + "วันที่ไม่ถูกต้อง: เลือกจากปฏิทิน หรือ ปปปป-ดด-วว แบบ ค.ศ. เช่น 2008-06-30 (= 30 มิ.ย. 2551)",
            ("this year looks Buddhist-era; give the Common era (= BE - 543). " if be else "")
            + "invalid date: pick it from the calendar or give YYYY-MM-DD in the Common era,"
            " e.g. 2008-06-30",
            column=column,
            value=value,
        )
    )
    return None


def _short(value: object, column: str, problems: list[OkanalysisError]) -> str | None:
    """Optional short text (an id, a code, a name): None when empty."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > MAX_SHORT:
        problems.append(
            OkanalysisError(
                f"ต้องเป็นข้อความไม่เกิน {MAX_SHORT} ตัวอักษร",
                f"must be text of at most {MAX_SHORT} characters",
                column=column,
                value=value if not isinstance(value, str) else value[:40],
            )
        )
        return None
    return value.strip() or None


def _long(value: object, column: str, problems: list[OkanalysisError]) -> str:
    """Required text of at most `ACTION_MAX_CHARS` characters."""
    text = store._text(value, column, problems, required=True)
    if len(text) > ACTION_MAX_CHARS:
        problems.append(
            OkanalysisError(
                f"ข้อความยาวเกิน {ACTION_MAX_CHARS:,} ตัวอักษร ({len(text):,})",
                f"longer than {ACTION_MAX_CHARS:,} characters ({len(text):,})",
                column=column,
                value=len(text),
            )
        )
    return text


def _unit(value: object, problems: list[OkanalysisError]) -> None:
    if not isinstance(value, str) or not any(
        re.fullmatch(store._UNIT_PATTERNS[level], value)
        for level in ("village", "tambon", "amphoe")
    ):
        problems.append(
            OkanalysisError(
                "รหัสพื้นที่ไม่ถูกต้อง: หมู่บ้าน 8 หลัก ตำบล 6 หลัก หรืออำเภอ 4 หลัก",
                "invalid unit code: a village (8 digits), sub-district (6) or district (4)",
                column="unit_code",
                value=value,
            )
        )


def _prepare(
    action: Action,
    plan_items: Collection[str] | None,
    opportunities: Collection[str] | None,
) -> tuple[dict[str, object], list[OkanalysisError]]:
    problems: list[OkanalysisError] = []
    _unit(action.unit_code, problems)
    if action.component not in COMPONENTS:
        problems.append(
            OkanalysisError(
                "องค์ประกอบไม่รู้จัก: ต้องเป็นหนึ่งใน " + ", ".join(COMPONENT_CODES),
                "unknown component: it must be one of " + ", ".join(COMPONENT_CODES),
                column="component",
                value=action.component,
            )
        )
    if action.lead_role not in LEAD_ROLES:
        problems.append(
            OkanalysisError(
                "ผู้รับผิดชอบหลักต้องเป็นบทบาทหนึ่งใน: " + ", ".join(th for th, _ in LEAD_ROLES.values()),
                "who leads must be one of the roles: " + ", ".join(LEAD_ROLES),
                column="lead_role",
                value=action.lead_role,
            )
        )
    start = _plan_date(action.start, "start_date", problems)
    end = _plan_date(action.end, "end_date", problems)
    if start is not None and end is not None and end < start:
        problems.append(
            OkanalysisError(
                f"วันสิ้นสุด ({thai.format_date(dt.date.fromisoformat(end))}) ต้องไม่ก่อนวันเริ่ม"
                f" ({thai.format_date(dt.date.fromisoformat(start))})",
                f"the end date ({end}) cannot be before the start date ({start})",
                column="end_date",
                value=action.end,
            )
        )
    households = -1
    try:
        if not isinstance(action.households, bool):
            households = operator.index(action.households)
    except TypeError:
        households = -1
    if not 0 <= households <= MAX_HOUSEHOLDS:
        problems.append(
            OkanalysisError(
                f"จำนวนครัวเรือนที่คาดว่าจะร่วมต้องเป็นจำนวนเต็ม 0 ถึง {MAX_HOUSEHOLDS:,}",
                f"households expected to take part must be a whole number from 0 to"
                f" {MAX_HOUSEHOLDS:,}",
                column="households",
                value=action.households,
            )
        )
    plan_item = _short(action.plan_item, "plan_item", problems)
    opportunity = _short(action.opportunity, "opportunity", problems)
    if plan_item is not None and opportunity is not None:
        problems.append(
            OkanalysisError(
                "กิจกรรมหนึ่งตอบรายการในแผนแม่บท หรือรายการเงินไหลออก อย่างใดอย่างหนึ่ง",
                "an action addresses a master-plan item or a money-leaving item, not both",
                column="opportunity",
                value=opportunity,
            )
        )
    for column, value, known, th, en in (
        ("plan_item", plan_item, plan_items, "รายการในแผนแม่บท", "master-plan item"),
        ("opportunity", opportunity, opportunities, "รายการเงินไหลออก", "money-leaving item"),
    ):
        if value is not None and known is not None and value not in known:
            problems.append(
                OkanalysisError(
                    f"ไม่พบ{th}นี้ของพื้นที่นี้",
                    f"no such {en} for this unit",
                    column=column,
                    value=value,
                )
            )
    row: dict[str, object] = {
        "unit_code": action.unit_code,
        "round": store._text(action.round, "round", problems, required=True),
        "date": store._date(action.date, problems),
        "component": action.component,
        "what": _long(action.what, "what", problems),
        "plan_item": plan_item,
        "opportunity": opportunity,
        "lead_role": action.lead_role,
        "lead_name": _short(action.lead_name, "lead_name", problems) or "",
        "start_date": start,
        "end_date": end,
        "cost_satang": parse_baht(action.cost, problems),
        "households": households,
        "facilitator": _short(action.facilitator, "facilitator", problems) or "",
    }
    return row, problems


def check_action(
    action: Action,
    *,
    plan_items: Collection[str] | None = None,
    opportunities: Collection[str] | None = None,
) -> list[OkanalysisError]:
    """Every problem in an action before it is saved (empty when it can be saved), each in
    Thai and English naming the column and the value.

    `plan_items` and `opportunities`, when given, are the master-plan item ids and the
    money-leaving categories of the action's unit: an action naming another is refused.
    """
    return _prepare(action, plan_items, opportunities)[1]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _insert(con: sqlite3.Connection, table: str, row: Mapping[str, object]) -> int:
    columns = list(row)
    new_id = con.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [row[c] for c in columns],
    ).lastrowid
    assert new_id is not None
    return new_id


def save_action(
    circle_store: CircleStore | str | os.PathLike[str],
    action: Action,
    *,
    plan_items: Collection[str] | None = None,
    opportunities: Collection[str] | None = None,
) -> int:
    """Check an action (`check_action`) and append it to the store; return its id there.

    It gets a new UUID and the store's id. Raises the first problem found (`OkanalysisError`
    with column and value); nothing is written then.
    """
    row, problems = _prepare(action, plan_items, opportunities)
    if problems:
        raise problems[0]
    row["uuid"] = str(uuid.uuid4())
    with store._opened(circle_store) as st, store._transaction(st.connection) as con:
        row["store_id"] = store._store_id(con)
        row["created_at"] = _now()
        return _insert(con, "actions", row)


def check_action_update(
    state: object, sentence: object, *, date: object, round: object = "", facilitator: object = ""
) -> tuple[dict[str, object], list[OkanalysisError]]:
    """What a circle said happened to an action, as a store row (normalised), and every
    problem in it: a state of `UPDATE_STATES`, a sentence, the date of that circle."""
    problems: list[OkanalysisError] = []
    if state not in UPDATE_STATES:
        problems.append(
            OkanalysisError(
                "สถานะต้องเป็น ทำแล้ว (done), กำลังทำ (in_progress) หรือ ยกเลิก (dropped)",
                "the state must be done, in_progress or dropped",
                column="state",
                value=state,
            )
        )
    row: dict[str, object] = {
        "state": state,
        "sentence": _long(sentence, "sentence", problems),
        "date": store._date(date, problems),
        "round": (_short(round, "round", problems) or "") if round is not None else "",
        "facilitator": _short(facilitator, "facilitator", problems) or "",
    }
    return row, problems


def save_action_update(
    circle_store: CircleStore | str | os.PathLike[str],
    action: int | str,
    state: str,
    sentence: str,
    *,
    date: dt.date | str,
    round: str = "",
    facilitator: str = "",
) -> int:
    """Append what a circle said happened to an action (by its UUID, or its id in this store):
    done, in progress or dropped, with a sentence and the date of that circle (and its round).
    Returns the update's id in this store.

    Refused (`OkanalysisError` naming the column) for a bad value, an action the store does
    not hold, or a date before the circle that agreed the action. A later update replaces an
    earlier one as the action's state; the earlier stays readable.
    """
    row, problems = check_action_update(
        state, sentence, date=date, round=round, facilitator=facilitator
    )
    if problems:
        raise problems[0]
    key = store._entry_key(action)
    column = "id" if isinstance(key, int) else "uuid"
    with store._opened(circle_store) as st, store._transaction(st.connection) as con:
        found = (
            con.execute(
                f"SELECT uuid, unit_code, date FROM actions WHERE {column} = ?", (key,)
            ).fetchone()
            if key is not None
            else None
        )
        if found is None:
            raise OkanalysisError(
                "ไม่พบกิจกรรมนี้ในไฟล์บันทึกวงเรียนรู้",
                "no such action in the circle store",
                column="action_uuid",
                value=action,
            )
        if str(row["date"]) < found[2]:
            raise OkanalysisError(
                f"วันที่ของวงที่บอกความคืบหน้าต้องไม่ก่อนวันที่วงตกลงกิจกรรมนี้ ({found[2]})",
                f"the date of the circle saying what happened cannot be before the circle that"
                f" agreed the action ({found[2]})",
                column="date",
                value=row["date"],
            )
        row = {
            "uuid": str(uuid.uuid4()),
            "store_id": store._store_id(con),
            "action_uuid": found[0],
            "unit_code": found[1],
            **row,
            "created_at": _now(),
        }
        return _insert(con, "action_updates", row)


# --- reading --------------------------------------------------------------------------------------
def _as_date(value: object, column: str = "as_of") -> dt.date:
    date = thai.to_date(value)
    if date is not None:
        return date
    raise OkanalysisError(
        "ต้องเป็นวันที่ (ปปปป-ดด-วว แบบ ค.ศ.)",
        "must be a date (YYYY-MM-DD, Common era)",
        column=column,
        value=value,
    )


def _where(filters: Mapping[str, object]) -> tuple[str, tuple]:
    clauses = [f"{c} = ?" for c, v in filters.items() if v is not None]
    params = tuple(v for v in filters.values() if v is not None)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _dates(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    for c in columns:
        frame[c] = pd.to_datetime(frame[c], format="%Y-%m-%d").astype("datetime64[s]")


def action_updates(
    circle_store: CircleStore | str | os.PathLike[str],
    unit_code: str | None = None,
    *,
    action: str | None = None,
) -> pd.DataFrame:
    """Every update saved (for a unit, or one action by UUID), in the order that decides the
    state: by action, circle date, `created_at`, UUID. Columns `UPDATE_COLUMNS`."""
    where, params = _where({"unit_code": unit_code, "action_uuid": action})
    with store._opened(circle_store) as st:
        rows = st.connection.execute(
            f"SELECT {', '.join(UPDATE_COLUMNS)} FROM action_updates {where}", params
        ).fetchall()
    frame = pd.DataFrame(rows, columns=list(UPDATE_COLUMNS))
    frame = frame.astype({"id": "int64"})
    for c in ("uuid", "store_id", "action_uuid", "unit_code", "round", "state", "sentence"):
        frame[c] = frame[c].astype("str")
    frame["facilitator"] = frame["facilitator"].astype("str")
    _dates(frame, ["date"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], format="ISO8601", utc=True)
    frame = frame.sort_values(["action_uuid", "date", "created_at", "uuid"], kind="stable")
    return frame.reset_index(drop=True)


def actions(
    circle_store: CircleStore | str | os.PathLike[str],
    unit_code: str | None = None,
    round: str | None = None,
    *,
    as_of: dt.date | str | None = None,
) -> pd.DataFrame:
    """One row per action (of a unit and/or a round, or all), with its current state.

    The state is the latest update's by circle date, then `created_at`, then UUID (the same in
    every store holding them); "open" without one. With `as_of` (the date of the circle being
    viewed), only actions agreed by then and updates said by then count, as that circle saw
    them. Rows by unit, circle date, `created_at` and UUID. Columns `ACTION_FRAME_COLUMNS`:
    dates as datetime64, `cost_satang` and `households` as int64, `plan_item` and
    `opportunity` None when not given.
    """
    where, params = _where({"unit_code": unit_code, "round": round})
    with store._opened(circle_store) as st:
        rows = st.connection.execute(
            f"SELECT {', '.join(ACTION_COLUMNS)} FROM actions {where}", params
        ).fetchall()
        updates = action_updates(st, unit_code)
    frame = pd.DataFrame(rows, columns=list(ACTION_COLUMNS))
    frame = frame.astype({"id": "int64", "cost_satang": "int64", "households": "int64"})
    for c in ("uuid", "store_id", "unit_code", "round", "component", "what", "lead_role"):
        frame[c] = frame[c].astype("str")
    for c in ("lead_name", "facilitator"):
        frame[c] = frame[c].astype("str")
    for c in ("plan_item", "opportunity"):
        frame[c] = frame[c].astype("object").where(frame[c].notna(), None)
    _dates(frame, ["date", "start_date", "end_date"])
    frame["created_at"] = pd.to_datetime(frame["created_at"], format="ISO8601", utc=True)
    if as_of is not None:
        day = pd.Timestamp(_as_date(as_of))
        frame = frame.loc[frame["date"] <= day]
        updates = updates.loc[updates["date"] <= day]
    updates = updates.loc[updates["action_uuid"].isin(set(frame["uuid"]))]
    latest = updates.drop_duplicates("action_uuid", keep="last").set_index("action_uuid")
    latest = latest.reindex(frame["uuid"])  # the latest update of each action (missing: open)
    frame["state"] = latest["state"].fillna("open").astype("str").to_numpy()
    frame["state_date"] = latest["date"].astype("datetime64[s]").to_numpy()
    for column, source in (
        ("state_round", "round"),
        ("state_sentence", "sentence"),
        ("state_uuid", "uuid"),
    ):
        frame[column] = latest[source].fillna("").astype("str").to_numpy()
    counts = updates.groupby("action_uuid").size().reindex(frame["uuid"], fill_value=0)
    frame["updates"] = counts.astype("int64").to_numpy()
    frame = frame.sort_values(["unit_code", "date", "created_at", "uuid"], kind="stable")
    return frame[list(ACTION_FRAME_COLUMNS)].reset_index(drop=True)


def overdue(frame: pd.DataFrame, as_of: dt.date | str | pd.Timestamp) -> pd.Series:
    """Which actions (rows of `actions`) are overdue on `as_of`, the date of the circle being
    viewed (never the computer's clock): still open or in progress, with an end date before it."""
    day = pd.Timestamp(_as_date(as_of))
    return frame["state"].isin(STILL_OPEN) & (frame["end_date"] < day)


#: The columns of `action_counts`.
COUNT_COLUMNS: tuple[str, ...] = ("open", "overdue", "done", "dropped", "actions")


def action_counts(frame: pd.DataFrame, *, as_of: dt.date | str | pd.Timestamp) -> pd.DataFrame:
    """Per unit (index `unit_code`): `open` (planned or in progress), `overdue` (of those, ending
    before `as_of`, the date of the circle being viewed, not today), `done`, `dropped` and all
    `actions`. `frame` is `actions(...)`, best read with the same `as_of`."""
    if frame.empty:
        return pd.DataFrame(
            {c: pd.Series([], dtype="int64") for c in COUNT_COLUMNS},
            index=pd.Index([], name="unit_code", dtype="str"),
        )
    flags = pd.DataFrame(
        {
            "unit_code": frame["unit_code"].astype(str),
            "open": frame["state"].isin(STILL_OPEN),
            "overdue": overdue(frame, as_of),
            "done": frame["state"].eq("done"),
            "dropped": frame["state"].eq("dropped"),
            "actions": True,
        }
    )
    return flags.groupby("unit_code")[list(COUNT_COLUMNS)].sum().astype("int64")


def round_dates(
    circle_store: CircleStore | str | os.PathLike[str], unit_code: str | None = None
) -> pd.Series:
    """The date of each round's circle (of a unit, or of any unit): the earliest date its
    agreed grades or its actions were saved with. Ordered by that date, then by name: the
    order of rounds is the order of their circles, never of their names."""
    where, params = _where({"unit_code": unit_code})
    with store._opened(circle_store) as st:
        rows = st.connection.execute(
            f"SELECT round, min(date) FROM (SELECT round, date, unit_code FROM sessions {where}"
            f" UNION ALL SELECT round, date, unit_code FROM actions {where}) GROUP BY round",
            params * 2,
        ).fetchall()
    found = pd.Series(
        {str(r): pd.Timestamp(d) for r, d in rows}, dtype="datetime64[ns]", name="date"
    )
    found.index.name = "round"
    order = sorted(found.index, key=lambda r: (found[r], r))
    return found.reindex(order)


def circle_date(
    circle_store: CircleStore | str | os.PathLike[str], round: str | None = None
) -> dt.date | None:
    """The date of the last circle of `round` (of any unit: its agreed grades or its actions),
    or of the last circle of all with `round` None; None when there is none. What a district
    view counts overdue actions against."""
    where, params = _where({"round": round})
    with store._opened(circle_store) as st:
        found = st.connection.execute(
            f"SELECT max(date) FROM (SELECT date, round FROM sessions {where}"
            f" UNION ALL SELECT date, round FROM actions {where})",
            params * 2,
        ).fetchone()[0]
    return dt.date.fromisoformat(found) if found else None


def previous_round(
    circle_store: CircleStore | str | os.PathLike[str],
    unit_code: str,
    *,
    round: str | None = None,
    date: dt.date | str | None = None,
) -> str | None:
    """The round of the unit's circle before this one: the latest round (by circle date) other
    than `round` whose circle was before `date` (or before `round`'s own circle when no date
    is given); None when there is none."""
    dates = round_dates(circle_store, unit_code)
    if date is not None:
        before = pd.Timestamp(_as_date(date, "date"))
    elif round is not None and round in dates.index:
        before = dates[round]
    else:
        before = None
    earlier = [r for r in dates.index if r != round and (before is None or dates[r] < before)]
    return earlier[-1] if earlier else None


def previous_actions(
    circle_store: CircleStore | str | os.PathLike[str],
    unit_code: str,
    *,
    round: str | None,
    date: dt.date | str,
) -> pd.DataFrame:
    """What a circle on `date` (of `round`) goes over before grading: the actions the previous
    circle of the unit agreed (whatever their state) and older ones still open or in progress,
    each with its state as this circle sees it (updates said by `date`, this circle's included).
    Columns of `actions`, `from_previous` (agreed by the previous circle) and `overdue`
    (against `date`); the previous circle's first."""
    day = _as_date(date, "date")
    found = actions(circle_store, unit_code, as_of=day)
    if round is not None:
        found = found.loc[found["round"] != round]
    previous = previous_round(circle_store, unit_code, round=round, date=day)
    found = found.assign(from_previous=found["round"].eq(previous) if previous else False)
    found = found.loc[found["from_previous"] | found["state"].isin(STILL_OPEN)]
    found = found.assign(overdue=overdue(found, day))
    found = found.sort_values(
        ["from_previous", "date", "created_at", "uuid"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    return found.reset_index(drop=True)


# --- tables for people ----------------------------------------------------------------------------
#: Headers of the exported action plan: column -> (Thai, English).
ACTION_EXPORT_LABELS: dict[str, tuple[str, str]] = {
    "uuid": ("รหัสกิจกรรม (UUID)", "action UUID"),
    "unit_code": labels.pair("column.unit_code"),
    "round": labels.pair("column.round"),
    "date": labels.pair("column.action_agreed_date"),
    "component": labels.pair("column.component"),
    "what": labels.pair("column.action_what"),
    "plan_item": labels.pair("column.plan_item"),
    "opportunity": labels.pair("column.opportunity"),
    "lead_role": labels.pair("column.lead_role"),
    "lead_name": labels.pair("column.lead_name"),
    "start_date": labels.pair("column.start_date"),
    "end_date": labels.pair("column.end_date"),
    "cost_baht": labels.pair("column.action_cost"),
    "households": labels.pair("column.action_households"),
    "state": labels.pair("column.action_state"),
    "state_sentence": labels.pair("column.action_said"),
    "state_date": labels.pair("column.action_said_date"),
    "state_uuid": ("รหัสความคืบหน้าล่าสุด (UUID)", "latest update UUID"),
    # the same words as the circle records' export
    **{k: store.EXPORT_LABELS[k] for k in ("facilitator", "created_at", "store_id")},
}
#: Headers of the exported updates.
UPDATE_EXPORT_LABELS: dict[str, tuple[str, str]] = {
    "uuid": ("รหัสความคืบหน้า (UUID)", "update UUID"),
    "action_uuid": ACTION_EXPORT_LABELS["uuid"],
    "unit_code": labels.pair("column.unit_code"),
    "round": labels.pair("column.round"),
    "date": labels.pair("column.action_said_date"),
    "state": labels.pair("column.action_state"),
    "sentence": labels.pair("column.action_said"),
    # the same words as the circle records' export
    **{k: store.EXPORT_LABELS[k] for k in ("facilitator", "created_at", "store_id")},
}


def word(mapping: Mapping[str, tuple[str, str]], key: object, lang: str = "th") -> str:
    """The Thai (or English) word of `key` in `mapping`; the key itself when it has none."""
    pair = mapping.get(str(key))
    return str(key) if pair is None else pair[1 if lang == "en" else 0]


def lead_text(role: object, name: object, lang: str = "th") -> str:
    """Who leads, as people read it: the role, and the name only when one was written."""
    text = word(LEAD_ROLES, role, lang)
    return f"{text}: {name}" if isinstance(name, str) and name.strip() else text


def _recorded(t: pd.Timestamp, lang: str) -> str:
    local = t.tz_convert(THAI_TIME)
    return f"{thai.format_date(local, lang)} {local:%H:%M}"


def _when(value: object, lang: str) -> str:
    return "" if value is None or pd.isna(value) else thai.format_date(value, lang)


def when_text(start: object, end: object, lang: str = "th") -> str:
    """An action's dates as Thai readers write them: '1 ก.พ. 2551 – 30 มิ.ย. 2551' (the one
    spelling of an action's period on the circle screen, the A4 record and the report)."""
    return f"{_when(start, lang)} – {_when(end, lang)}"


def baht_text(satang: object) -> str:
    """Integer satang as baht for a table: "12,500" or "12,500.50" (exact)."""
    if satang is None or pd.isna(satang):
        return ""
    decimals = 0 if int(satang) % 100 == 0 else 2
    return thai.format_number(thai.satang_to_baht(int(satang)), decimals)


def actions_table(frame: pd.DataFrame, lang: str = "th") -> pd.DataFrame:
    """Actions (from `actions`) as a table for people: Thai headers (English with `lang="en"`),
    Buddhist-era dates, role and state in words, cost in baht as text (exact), every action
    named by UUID."""
    out = pd.DataFrame(index=frame.index)
    i = 1 if lang == "en" else 0
    for column, names in ACTION_EXPORT_LABELS.items():
        if column in ("date", "start_date", "end_date", "state_date"):
            values = frame[column].map(lambda d: _when(d, lang))
        elif column == "component":
            values = frame[column].map(lambda c: word(COMPONENTS, c, lang))
        elif column == "lead_role":
            values = frame[column].map(lambda r: word(LEAD_ROLES, r, lang))
        elif column == "state":
            values = frame[column].map(lambda s: word(ACTION_STATES, s, lang))
        elif column == "cost_baht":
            values = frame["cost_satang"].map(baht_text)
        elif column == "created_at":
            values = frame[column].map(lambda t: _recorded(t, lang))
        else:
            values = frame[column]
        out[names[i]] = values
    return out.reset_index(drop=True)


def updates_table(frame: pd.DataFrame, lang: str = "th") -> pd.DataFrame:
    """Updates (from `action_updates`) as a table for people, like `actions_table`."""
    out = pd.DataFrame(index=frame.index)
    i = 1 if lang == "en" else 0
    for column, names in UPDATE_EXPORT_LABELS.items():
        if column == "date":
            values = frame[column].map(lambda d: _when(d, lang))
        elif column == "state":
            values = frame[column].map(lambda s: word(ACTION_STATES, s, lang))
        elif column == "created_at":
            values = frame[column].map(lambda t: _recorded(t, lang))
        else:
            values = frame[column]
        out[names[i]] = values
    return out.reset_index(drop=True)


def export(
    circle_store: CircleStore | str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    lang: str = "th",
) -> Path:
    """Every circle record for the district teams: the agreed grades as `store.export` writes
    them, and the action plans: a sheet of actions (one row per action with its state and what
    was last said) and a sheet of every update. In a .csv export they are two more files beside
    it, `<name>-actions.csv` and `<name>-action-updates.csv`. Rows are in the same order in
    every store holding the same records (by unit, circle date, `created_at`, UUID), named by
    UUID, so two merged stores export the same rows; text stays text."""
    with store._opened(circle_store) as st:
        found = actions(st)
        updates = action_updates(st)
    updates = updates.sort_values(["unit_code", "date", "created_at", "uuid"], kind="stable")
    en = lang == "en"
    extra = [
        ("action plan" if en else "แผนปฏิบัติการ", "actions", actions_table(found, lang)),
        ("action updates" if en else "ความคืบหน้า", "action-updates", updates_table(updates, lang)),
    ]
    return store.export(circle_store, out_path, lang=lang, extra=extra)


__all__ = [
    "ACTION_COLUMNS",
    "ACTION_EXPORT_LABELS",
    "ACTION_FRAME_COLUMNS",
    "ACTION_STATES",
    "COUNT_COLUMNS",
    "LEAD_ROLES",
    "STILL_OPEN",
    "UPDATE_COLUMNS",
    "UPDATE_STATES",
    "Action",
    "action_counts",
    "action_updates",
    "actions",
    "actions_table",
    "baht_text",
    "check_action",
    "check_action_update",
    "circle_date",
    "export",
    "lead_text",
    "overdue",
    "parse_baht",
    "previous_actions",
    "previous_round",
    "round_dates",
    "save_action",
    "save_action_update",
    "updates_table",
    "when_text",
]
