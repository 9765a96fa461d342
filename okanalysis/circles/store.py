"""The learning circle's record: every agreed grade, kept append-only in an embedded SQLite store.

A circle (village, sub-district, zone or district) sees the computed grade of each of the five
components, agrees its own grade and, where the two differ, says why. Each save is one entry;
a correction is a new entry that supersedes the old one, so a unit's whole history stays
readable. Several dashboards may save at once: the store runs in WAL mode and every write is
one `BEGIN IMMEDIATE` transaction, so nothing is lost and a killed process leaves no half entry.

A missing or damaged file is never replaced by a new empty store: `open_store` creates a file
only when asked (`create=True`) and refuses any existing file that is not a circle store.
Participants are counted by role, gender and age band; no names are kept.

Entries travel between stores (a laptop's store merged into the district's, see `merge`): each
has a global identity (`uuid`) and the id of the store it was first saved in (`store_id`), and a
correction names the UUIDs of the entries it supersedes. Every save supersedes the entries in
force for its unit and round, so one store never holds two; two entries of one unit and round
that nothing supersedes (saved apart, then merged) are *in conflict* until an entry that
supersedes both is saved. That status is computed when reading, never stored.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from okanalysis.contract import hierarchy, schema
from okanalysis.contract.dataset import Dataset
from okanalysis.core import labels, paths, sheets, thai
from okanalysis.core.components import COMPONENT_CODES, COMPONENTS, GRADES
from okanalysis.core.errors import InputError, OkanalysisError

#: SQLite `PRAGMA application_id` of a circle store ("OKC1"): tells our file from any other.
APPLICATION_ID = 0x4F4B4331
#: How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 30_000
#: Set on every connection after the file is checked: concurrent readers and one writer at a
#: time (WAL), a committed save survives a power cut (FULL), references enforced.
CONNECTION_PRAGMAS = ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON")
#: Thailand's time (UTC+7, no daylight saving), for showing when an entry was recorded.
THAI_TIME = dt.timezone(dt.timedelta(hours=7))
_SQLITE_MAGIC = b"SQLite format 3\x00"
_FOREIGN = ("ฐานข้อมูล SQLite ของโปรแกรมอื่น", "an SQLite file of another program")

#: The kinds of unit a circle is held for: code -> (Thai, English).
UNIT_LEVELS: dict[str, tuple[str, str]] = labels.group(
    "level", ("village", "tambon", "zone", "amphoe")
)
_UNIT_PATTERNS = {
    "village": schema.CODE_PATTERNS["village"],
    "tambon": schema.CODE_PATTERNS["tambon"],
    "zone": schema.ID_PATTERN,
    "amphoe": schema.CODE_PATTERNS["amphoe"],
}

#: Who took part, counted (never named): column -> (Thai, English).
ROLE_COUNTS: dict[str, tuple[str, str]] = {
    "cores": labels.pair("column.cores"),
    "villagers": ("ชาวบ้าน", "villagers"),
    "facilitators": ("คุณอำนวย", "facilitators"),
    "agency_staff": ("เจ้าหน้าที่หน่วยงาน", "agency staff"),
}
GENDER_COUNTS: dict[str, tuple[str, str]] = {
    "male": ("ชาย", "men"),
    "female": ("หญิง", "women"),
    "other_gender": ("เพศอื่น ๆ", "other gender"),
}
AGE_BAND_COUNTS: dict[str, tuple[str, str]] = {
    "age_under_25": ("อายุต่ำกว่า 25 ปี", "aged under 25"),
    "age_25_44": ("อายุ 25-44 ปี", "aged 25-44"),
    "age_45_59": ("อายุ 45-59 ปี", "aged 45-59"),
    "age_60_plus": ("อายุ 60 ปีขึ้นไป", "aged 60 and over"),
}
COUNT_COLUMNS: tuple[str, ...] = (*ROLE_COUNTS, *GENDER_COUNTS, *AGE_BAND_COUNTS)


# --- input types ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Participants:
    """How many took part, by role, by gender and by age band. Counts only, never names.

    Everyone present has a role, so the gender and age-band counts may fall short of the role
    total (not everyone asked) but never exceed it.
    """

    cores: int = 0
    villagers: int = 0
    facilitators: int = 0
    agency_staff: int = 0
    male: int = 0
    female: int = 0
    other_gender: int = 0
    age_under_25: int = 0
    age_25_44: int = 0
    age_45_59: int = 0
    age_60_plus: int = 0

    @property
    def total(self) -> int:
        """Everyone present (the sum by role)."""
        return sum(getattr(self, c) for c in ROLE_COUNTS)


@dataclass(frozen=True)
class ComponentScore:
    """One component as the circle saw and agreed it.

    `computed` is the grade the data gave (None when the data could not grade it); `agreed` is
    the circle's grade; `reason` is required when they differ; `evidence` is anything else the
    circle weighed.
    """

    component: str
    computed: str | None
    agreed: str
    reason: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class CircleSession:
    """One learning circle's agreed grades for one unit and assessment round.

    `date` is a `datetime.date` (or an ISO 'YYYY-MM-DD' string, Common era). `supersedes` is the
    entry this one corrects, by its id in this store or its UUID (None for a new entry; a new
    entry still replaces the entry in force for its unit and round). `rubric_version` is the
    hash of the rubric that computed the grades shown, so a later rubric change never rewrites
    them.
    """

    unit_code: str
    unit_level: str
    round: str
    date: dt.date | str
    facilitator: str
    components: Sequence[ComponentScore]
    overall: str
    participants: Participants = field(default_factory=Participants)
    computed_overall: str | None = None
    rubric_version: str | None = None
    note: str = ""
    supersedes: int | str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "components", tuple(self.components))


# --- the schema and its migrations --------------------------------------------------------------
_COUNTS_SQL = ",\n".join(f"    {c} INTEGER NOT NULL CHECK ({c} >= 0)" for c in COUNT_COLUMNS)
_GRADE_SQL = "('A', 'B', 'C')"

#: A migration step: an SQL statement, or a function run on the connection (in the same
#: transaction) for what SQL alone cannot do.
Step = str | Callable[[sqlite3.Connection], None]
#: Each migration is a list of steps; the store's `user_version` is how many have run. A
#: migration, once released, is never edited: a change is a new migration appended.
MIGRATIONS: list[tuple[Step, ...]] = [
    (
        f"""CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_code TEXT NOT NULL,
    unit_level TEXT NOT NULL CHECK (unit_level IN ('village', 'tambon', 'zone', 'amphoe')),
    round TEXT NOT NULL CHECK (length(trim(round)) > 0),
    date TEXT NOT NULL CHECK (date(date) = date),
    facilitator TEXT NOT NULL,
{_COUNTS_SQL},
    overall TEXT NOT NULL CHECK (overall IN {_GRADE_SQL}),
    computed_overall TEXT CHECK (computed_overall IN {_GRADE_SQL}),
    rubric_version TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    supersedes INTEGER REFERENCES sessions (id)
)""",
        "CREATE UNIQUE INDEX sessions_supersedes ON sessions (supersedes)"
        " WHERE supersedes IS NOT NULL",
        "CREATE INDEX sessions_unit_round ON sessions (unit_code, round)",
        f"""CREATE TABLE session_components (
    session_id INTEGER NOT NULL REFERENCES sessions (id),
    component TEXT NOT NULL,
    computed TEXT CHECK (computed IN {_GRADE_SQL}),
    agreed TEXT NOT NULL CHECK (agreed IN {_GRADE_SQL}),
    reason TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, component),
    CHECK (computed IS agreed OR length(trim(reason)) > 0)
) WITHOUT ROWID""",
        *(
            f"CREATE TRIGGER {table}_append_only_{verb} BEFORE {verb.upper()} ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'circle records are append-only'); END"
            for table in ("sessions", "session_components")
            for verb in ("update", "delete")
        ),
    ),
]


# Migration 2: global identities, so entries can travel between stores and merge.
#: The namespace of the UUIDs derived from the content of entries saved before migration 2.
ENTRY_NAMESPACE = uuid.UUID("0b6f4a52-6c1e-5d8e-9a3c-4f4b43310002")
_SESSION_CONTENT = (
    "unit_code",
    "unit_level",
    "round",
    "date",
    "facilitator",
    *COUNT_COLUMNS,
    "overall",
    "computed_overall",
    "rubric_version",
    "note",
    "created_at",
)
_COMPONENT_CONTENT = ("component", "computed", "agreed", "reason", "evidence")


def _append_only(table: str, verb: str) -> str:
    return (
        f"CREATE TRIGGER {table}_append_only_{verb} BEFORE {verb.upper()} ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'circle records are append-only'); END"
    )


def _content_uuid(content: dict[str, object]) -> str:
    """A UUID from an entry's content: the same entry gives the same UUID in every copy."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return str(uuid.uuid5(ENTRY_NAMESPACE, text))


def _identify_old_entries(con: sqlite3.Connection) -> None:
    """Give every entry saved before migration 2 its UUID and store id, and write its
    supersession explicitly: a correction supersedes the entry it names, and the latest entry
    of each unit and round replaces the older ones nothing corrected (what `current` showed).

    Both are derived from the content (and the order of the entries), never at random, so two
    copies of one old store get the same UUIDs and merge without duplicates. `store_id` of the
    old entries is derived from the store's first entry, the same in every copy.
    """
    columns = ("id", *_SESSION_CONTENT, "supersedes")
    rows = [
        dict(zip(columns, r, strict=True))
        for r in con.execute(f"SELECT {', '.join(columns)} FROM sessions ORDER BY id")
    ]
    scores: dict[int, list[dict[str, object]]] = {}
    for r in con.execute(
        f"SELECT session_id, {', '.join(_COMPONENT_CONTENT)} FROM session_components"
        " ORDER BY session_id, component"
    ):
        scores.setdefault(r[0], []).append(dict(zip(_COMPONENT_CONTENT, r[1:], strict=True)))
    uuids: dict[int, str] = {}
    seen: dict[str, int] = {}
    for r in rows:
        content = {c: r[c] for c in _SESSION_CONTENT}
        content["components"] = scores.get(r["id"], [])
        content["corrects"] = uuids.get(r["supersedes"]) if r["supersedes"] else None
        key = _content_uuid(content)
        content["occurrence"] = seen.get(key, 0)  # identical twins stay two entries
        seen[key] = content["occurrence"] + 1
        uuids[r["id"]] = _content_uuid(content)
    legacy_store = (
        str(uuid.uuid5(ENTRY_NAMESPACE, f"store:{uuids[rows[0]['id']]}")) if rows else None
    )
    con.execute("DROP TRIGGER sessions_append_only_update")
    con.executemany(
        "UPDATE sessions SET uuid = ?, store_id = ? WHERE id = ?",
        [(uuids[r["id"]], legacy_store, r["id"]) for r in rows],
    )
    con.execute(_append_only("sessions", "update"))
    links = [(uuids[r["id"]], uuids[r["supersedes"]], 1) for r in rows if r["supersedes"]]
    corrected = {r["supersedes"] for r in rows if r["supersedes"]}
    latest: dict[tuple[object, object], int] = {}
    for r in rows:
        if r["id"] not in corrected:
            latest[(r["unit_code"], r["round"])] = r["id"]
    links += [
        (uuids[latest[(r["unit_code"], r["round"])]], uuids[r["id"]], 0)
        for r in rows
        if r["id"] not in corrected and latest[(r["unit_code"], r["round"])] != r["id"]
    ]
    con.executemany(
        "INSERT INTO session_supersedes (entry_uuid, superseded_uuid, corrects) VALUES (?, ?, ?)",
        links,
    )
    con.execute("INSERT INTO meta (key, value) VALUES ('store_id', ?)", (str(uuid.uuid4()),))


MIGRATIONS.append(
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        "ALTER TABLE sessions ADD COLUMN uuid TEXT",
        "ALTER TABLE sessions ADD COLUMN store_id TEXT",
        """CREATE TABLE session_supersedes (
    entry_uuid TEXT NOT NULL REFERENCES sessions (uuid),
    superseded_uuid TEXT NOT NULL CHECK (superseded_uuid <> entry_uuid),
    corrects INTEGER NOT NULL CHECK (corrects IN (0, 1)),
    PRIMARY KEY (entry_uuid, superseded_uuid)
) WITHOUT ROWID""",
        _identify_old_entries,
        "CREATE UNIQUE INDEX sessions_uuid ON sessions (uuid)",
        "CREATE INDEX session_supersedes_superseded ON session_supersedes (superseded_uuid)",
        # from now on every entry has its identity; the old integer `supersedes` is not written
        "CREATE TRIGGER sessions_identity BEFORE INSERT ON sessions"
        " WHEN NEW.uuid IS NULL OR NEW.store_id IS NULL OR NEW.supersedes IS NOT NULL"
        " BEGIN SELECT RAISE(ABORT, 'a circle entry needs its uuid and store id'); END",
        *(
            _append_only(table, verb)
            for table in ("session_supersedes", "meta")
            for verb in ("update", "delete")
        ),
    )
)

# Migration 3: the community's own words. What "organic community, live well, be happy" means
# to a unit, said in a circle; a revised statement is a new row, the latest one is in force.
#: The longest statement a circle may save (characters).
VISION_MAX_CHARS = 2000
MIGRATIONS.append(
    (
        f"""CREATE TABLE visions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    store_id TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    date TEXT NOT NULL CHECK (date(date) = date),
    statement TEXT NOT NULL
        CHECK (length(trim(statement)) > 0 AND length(statement) <= {VISION_MAX_CHARS}),
    facilitator TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
)""",
        "CREATE INDEX visions_unit ON visions (unit_code)",
        *(_append_only("visions", verb) for verb in ("update", "delete")),
    )
)

# Migration 4: the circle's joint action plan (the Community Score Card's): what will be done,
# for which component, who leads, when, what it costs and who takes part; and what a later
# circle said happened to each action (an update naming the action's UUID). Both append-only;
# an action's state is computed when reading (`okanalysis.circles.action_plan`), never stored.
# The words allowed are written out here: a released migration never changes.
#: The longest text of an action or of what a circle said about it (characters).
ACTION_MAX_CHARS = 2000
MIGRATIONS.append(
    (
        f"""CREATE TABLE actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    store_id TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    round TEXT NOT NULL CHECK (length(trim(round)) > 0),
    date TEXT NOT NULL CHECK (date(date) = date),
    component TEXT NOT NULL CHECK (component IN
        ('leadership', 'master_plan', 'learning_centre', 'finance_welfare', 'standards')),
    what TEXT NOT NULL CHECK (length(trim(what)) > 0 AND length(what) <= {ACTION_MAX_CHARS}),
    plan_item TEXT CHECK (plan_item IS NULL OR length(trim(plan_item)) > 0),
    opportunity TEXT CHECK (opportunity IS NULL OR length(trim(opportunity)) > 0),
    lead_role TEXT NOT NULL CHECK (lead_role IN ('core', 'tambon_facilitator', 'district_team',
        'khun_ua', 'province_team', 'community_group', 'agency')),
    lead_name TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL CHECK (date(start_date) = start_date),
    end_date TEXT NOT NULL CHECK (date(end_date) = end_date AND end_date >= start_date),
    cost_satang INTEGER NOT NULL CHECK (typeof(cost_satang) = 'integer' AND cost_satang >= 0),
    households INTEGER NOT NULL CHECK (typeof(households) = 'integer' AND households >= 0),
    facilitator TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (plan_item IS NULL OR opportunity IS NULL)
)""",
        "CREATE INDEX actions_unit_round ON actions (unit_code, round)",
        f"""CREATE TABLE action_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    store_id TEXT NOT NULL,
    action_uuid TEXT NOT NULL REFERENCES actions (uuid),
    unit_code TEXT NOT NULL,
    round TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL CHECK (date(date) = date),
    state TEXT NOT NULL CHECK (state IN ('done', 'in_progress', 'dropped')),
    sentence TEXT NOT NULL
        CHECK (length(trim(sentence)) > 0 AND length(sentence) <= {ACTION_MAX_CHARS}),
    facilitator TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
)""",
        "CREATE INDEX action_updates_action ON action_updates (action_uuid)",
        *(
            _append_only(table, verb)
            for table in ("actions", "action_updates")
            for verb in ("update", "delete")
        ),
    )
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(con: sqlite3.Connection, version: int) -> None:
    """Run the migrations after `version` on `con` (inside the caller's transaction)."""
    for steps in MIGRATIONS[version:]:
        for step in steps:
            if callable(step):
                step(con)
            else:
                con.execute(step)
    if version < SCHEMA_VERSION:
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# --- opening ------------------------------------------------------------------------------------
def default_path() -> Path:
    """Where the circle store lives: $OKANALYSIS_CIRCLES, else ./data/circles.sqlite."""
    return paths.circle_store()


class CircleStore:
    """An open circle store: its path and this process's SQLite connection.

    Open one per process (a dashboard kernel, a CLI run) with `open_store`; close it, or use
    it in a `with` block.
    """

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self.connection = connection

    @property
    def store_id(self) -> str:
        """This store's own id: a UUID made when the store was created (or migrated)."""
        return _store_id(self.connection)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> CircleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"CircleStore({str(self.path)!r})"


def _store_id(con: sqlite3.Connection) -> str:
    return con.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0]


def _not_a_store(path: Path, th: str, en: str) -> InputError:
    return InputError(
        f"{th} ไม่ใช่ไฟล์บันทึกวงเรียนรู้ของ okanalysis จึงไม่เปิดและไม่เขียนทับ โปรดตรวจชื่อไฟล์ หรือกู้คืนจากไฟล์สำรอง",
        f"{en}: not an okanalysis circle store, so it is neither opened nor overwritten;"
        " check the path or restore a backup",
        file=str(path),
    )


def _cannot_open(path: Path, e: Exception) -> InputError:
    return InputError(
        f"เปิดไฟล์บันทึกวงเรียนรู้ไม่ได้ ({e})", f"cannot open the circle store ({e})", file=str(path)
    )


def _header(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(100)


def _check_header(path: Path, header: bytes, *, create: bool) -> None:
    """Refuse, before SQLite touches it, any existing file that cannot be a circle store."""
    if not header:
        if not create:
            raise _not_a_store(path, "ไฟล์ว่างเปล่า", "the file is empty")
        return
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise _not_a_store(
            path, "ไฟล์นี้ไม่ใช่ฐานข้อมูล SQLite หรือเสียหาย", "not an SQLite file or damaged"
        )
    app_id = int.from_bytes(header[68:72], "big")
    # application id 0 is a store another process is creating right now, or a foreign file;
    # the SQL check in `_prepare_schema` tells them apart.
    if app_id not in (APPLICATION_ID, 0):
        raise _not_a_store(path, *_FOREIGN)


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return con


@contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One `BEGIN IMMEDIATE` write transaction: all of it is kept, or none.

    A writer that finds another process saving waits in SQLite's busy handler (up to
    `BUSY_TIMEOUT_MS`). Polling in Python instead was tried: fairer, but its p95 was worse.
    """
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise


def _prepare_schema(con: sqlite3.Connection, path: Path, *, create: bool) -> None:
    """Create the schema in a new empty file, or bring an existing store up to date."""
    app_id = con.execute("PRAGMA application_id").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if app_id == APPLICATION_ID and version == SCHEMA_VERSION:
        return  # the usual case: no write lock needed
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and not create):
        raise _not_a_store(path, *_FOREIGN)
    with _transaction(con):
        # read again under the write lock: another process may have just created or migrated it
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if app_id == 0:
            objects = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if objects or version or not create:
                raise _not_a_store(path, *_FOREIGN)
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        elif app_id != APPLICATION_ID:
            raise _not_a_store(path, *_FOREIGN)
        if version > SCHEMA_VERSION:
            raise InputError(
                f"ไฟล์บันทึกวงเรียนรู้รุ่น {version} ใหม่กว่าโปรแกรมนี้ (รุ่น {SCHEMA_VERSION})"
                " โปรดปรับรุ่น okanalysis",
                f"the circle store has schema version {version}, newer than this okanalysis"
                f" ({SCHEMA_VERSION}); upgrade okanalysis",
                file=str(path),
                value=version,
            )
        migrate(con, version)


def open_store(path: str | os.PathLike[str] | None = None, *, create: bool = False) -> CircleStore:
    """Open the circle store at `path` (default `default_path()`).

    A missing file is created only with `create=True` (a dashboard or the CLI on its first
    save). An existing file that is not a circle store (damaged, not SQLite, another program's
    database) raises `InputError` and is left exactly as it was.
    """
    path = Path(path) if path is not None else default_path()
    if path.is_dir():
        raise InputError(
            "ที่อยู่นี้เป็นโฟลเดอร์ ไม่ใช่ไฟล์บันทึกวงเรียนรู้",
            "this path is a folder, not a circle store",
            file=str(path),
        )
    if path.exists():
        _check_header(path, _header(path), create=create)
    elif not create:
        raise InputError(
            "ไม่พบไฟล์บันทึกวงเรียนรู้ โปรดตรวจที่อยู่ไฟล์ หรือสร้างใหม่เมื่อบันทึกครั้งแรก",
            "circle store not found; check the path, or create it on the first save",
            file=str(path),
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = _connect(path, "rwc" if create else "rw")
    except sqlite3.Error as e:
        raise _cannot_open(path, e) from e
    try:
        _prepare_schema(con, path, create=create)
        for pragma in CONNECTION_PRAGMAS:
            con.execute(f"PRAGMA {pragma}")
    except sqlite3.OperationalError as e:
        con.close()
        raise _cannot_open(path, e) from e
    except sqlite3.DatabaseError as e:
        con.close()
        raise _not_a_store(path, f"ไฟล์เสียหาย ({e})", f"the file is damaged ({e})") from e
    except BaseException:
        con.close()
        raise
    return CircleStore(path, con)


@contextmanager
def _opened(store: CircleStore | str | os.PathLike[str]) -> Iterator[CircleStore]:
    """The store itself, or the store at a path opened (never created) for this one call."""
    if isinstance(store, CircleStore):
        yield store
        return
    opened = open_store(store)
    try:
        yield opened
    finally:
        opened.close()


# --- checking input -------------------------------------------------------------------------------
def known_units(dataset: Dataset) -> frozenset[str]:
    """Every unit code a circle may be held for: the real districts and sub-districts, the
    dataset's villages and its zone ids."""
    codes = set(hierarchy.units_of(dataset)["unit_code"].dropna().astype(str))
    codes.update(dataset.zones["zone_id"].dropna().astype(str))
    return frozenset(codes)


def _grade(
    value: object, column: str, problems: list[OkanalysisError], *, optional: bool
) -> str | None:
    if value is None and optional:
        return None
    grade = value.strip().upper() if isinstance(value, str) else value
    if grade not in GRADES:
        problems.append(
            OkanalysisError(
                "ระดับต้องเป็น A, B หรือ C" + (" หรือเว้นว่างเมื่อคำนวณไม่ได้" if optional else ""),
                "a grade must be A, B or C"
                + (" or empty when it could not be computed" if optional else ""),
                column=column,
                value=value,
            )
        )
        return None
    return grade


def _text(value: object, column: str, problems: list[OkanalysisError], *, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(
            OkanalysisError(
                "ต้องกรอกข้อความ" if required else "ต้องเป็นข้อความ",
                "text is required" if required else "must be text",
                column=column,
                value=value,
            )
        )
        return ""
    return value.strip()


def _date(value: object, problems: list[OkanalysisError]) -> str | None:
    date = thai.to_date(value)
    latest = dt.datetime.now(THAI_TIME).date() + dt.timedelta(days=1)
    if date is not None and dt.date(2000, 1, 1) <= date <= latest:
        return date.isoformat()
    be = date is not None and date.year >= 2400
    problems.append(
        OkanalysisError(
            ("ปีนี้น่าจะเป็น พ.ศ. ให้ใช้ ค.ศ. (= พ.ศ. - 543) " if be else "")
            + "วันที่ไม่ถูกต้อง: ใช้วันที่จากปฏิทิน หรือ ปปปป-ดด-วว แบบ ค.ศ. เช่น 2008-01-15"
            " (= 15 ม.ค. 2551) ตั้งแต่ปี 2543 ถึงวันนี้",
            ("this year looks Buddhist-era; give the Common era (= BE - 543). " if be else "")
            + "invalid date: give a calendar date or YYYY-MM-DD in the Common era, e.g."
            " 2008-01-15, from 2000 up to today",
            column="date",
            value=value,
        )
    )
    return None


def _count(value: object, column: str, problems: list[OkanalysisError]) -> int:
    try:
        if isinstance(value, bool):
            raise TypeError
        count = operator.index(value)
    except TypeError:
        count = -1
    if count < 0:
        problems.append(
            OkanalysisError(
                "จำนวนคนต้องเป็นจำนวนเต็มตั้งแต่ 0 ขึ้นไป",
                "a count of people must be a whole number, 0 or more",
                column=column,
                value=value,
            )
        )
        return 0
    return count


def _check_unit(
    session: CircleSession, units: Collection[str] | Dataset | None, problems: list[OkanalysisError]
) -> None:
    level, code = session.unit_level, session.unit_code
    if level not in UNIT_LEVELS:
        problems.append(
            OkanalysisError(
                "ระดับของวงต้องเป็น หมู่บ้าน (village), ตำบล (tambon), โซน (zone) หรือ อำเภอ (amphoe)",
                "the circle's level must be village, tambon, zone or amphoe",
                column="unit_level",
                value=level,
            )
        )
    elif not isinstance(code, str) or not re.fullmatch(_UNIT_PATTERNS[level], code):
        th, en = UNIT_LEVELS[level]
        digits = schema.CODE_DIGITS.get(level)
        problems.append(
            OkanalysisError(
                f"รหัส{th}ไม่ถูกต้อง" + (f" ต้องเป็นตัวเลข {digits} หลัก" if digits else ""),
                f"invalid {en} code" + (f"; it must be {digits} digits" if digits else ""),
                column="unit_code",
                value=code,
            )
        )
    elif units is not None:
        known = known_units(units) if isinstance(units, Dataset) else units
        if code not in known:
            problems.append(
                OkanalysisError(
                    "ไม่พบรหัสพื้นที่นี้ในข้อมูลของจังหวัด",
                    "this unit code is not in the province's data",
                    column="unit_code",
                    value=code,
                )
            )


def _check_components(
    scores: Sequence[ComponentScore], problems: list[OkanalysisError]
) -> list[dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for score in scores:
        code = score.component
        if code not in COMPONENTS or code in rows:
            problems.append(
                OkanalysisError(
                    "องค์ประกอบไม่รู้จักหรือซ้ำ: ต้องเป็น " + ", ".join(COMPONENT_CODES) + " อย่างละครั้ง",
                    "unknown or repeated component: each of "
                    + ", ".join(COMPONENT_CODES)
                    + " once",
                    column="component",
                    value=code,
                )
            )
            continue
        known = len(problems)
        computed = _grade(score.computed, f"{code}_computed", problems, optional=True)
        agreed = _grade(score.agreed, f"{code}_agreed", problems, optional=False)
        reason = _text(score.reason, f"{code}_reason", problems, required=False)
        if len(problems) == known and computed != agreed and not reason:
            problems.append(
                OkanalysisError(
                    f"ระดับที่วงตกลง ({agreed}) ต่างจากระดับจากข้อมูล ({computed or 'ไม่มี'}) ต้องบอกเหตุผล",
                    f"the agreed grade ({agreed}) differs from the computed one"
                    f" ({computed or 'none'}); a reason is required",
                    column=f"{code}_reason",
                    value=score.reason,
                )
            )
        evidence = _text(score.evidence, f"{code}_evidence", problems, required=False)
        rows[code] = {
            "component": code,
            "computed": computed,
            "agreed": agreed,
            "reason": reason,
            "evidence": evidence,
        }
    missing = [c for c in COMPONENT_CODES if c not in rows]
    if missing:
        problems.append(
            OkanalysisError(
                "ต้องให้ระดับครบทั้ง 5 องค์ประกอบ ยังขาด: " + ", ".join(COMPONENTS[c][0] for c in missing),
                "all five components must be graded; missing: " + ", ".join(missing),
                column="components",
                value=missing,
            )
        )
    return [rows[c] for c in COMPONENT_CODES if c in rows]


def _entry_key(value: object) -> int | str | None:
    """An entry's id in this store (a whole number from 1) or its UUID (normalised), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    if isinstance(value, str) and len(value.strip()) == 36:
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            return None
    return None


def _prepare(
    session: CircleSession, units: Collection[str] | Dataset | None
) -> tuple[dict[str, object], list[dict[str, object]], list[OkanalysisError]]:
    """The session as store rows, normalised, and every problem found in it."""
    problems: list[OkanalysisError] = []
    _check_unit(session, units, problems)
    counts = {c: _count(getattr(session.participants, c), c, problems) for c in COUNT_COLUMNS}
    total = sum(counts[c] for c in ROLE_COUNTS)
    if total == 0:
        problems.append(
            OkanalysisError(
                "ต้องมีผู้เข้าร่วมอย่างน้อย 1 คน (นับตามบทบาท)",
                "at least one participant is needed (counted by role)",
                column="participants",
                value=0,
            )
        )
    for group, th, en in (
        (GENDER_COUNTS, "เพศ", "gender"),
        (AGE_BAND_COUNTS, "ช่วงอายุ", "age band"),
    ):
        by_group = sum(counts[c] for c in group)
        if by_group > total:
            problems.append(
                OkanalysisError(
                    f"จำนวนตาม{th} ({by_group}) มากกว่าจำนวนผู้เข้าร่วมตามบทบาท ({total})",
                    f"the count by {en} ({by_group}) exceeds the participants by role ({total})",
                    column=next(iter(group)),
                    value=by_group,
                )
            )
    supersedes = _entry_key(session.supersedes)
    if session.supersedes is not None and supersedes is None:
        problems.append(
            OkanalysisError(
                "รายการที่แก้ไขต้องเป็นเลขรายการหรือรหัส UUID ของรายการที่บันทึกไว้",
                "the entry being corrected must be a saved entry's id or UUID",
                column="supersedes",
                value=session.supersedes,
            )
        )
    row: dict[str, object] = {
        "unit_code": session.unit_code,
        "unit_level": session.unit_level,
        "round": _text(session.round, "round", problems, required=True),
        "date": _date(session.date, problems),
        "facilitator": _text(session.facilitator, "facilitator", problems, required=True),
        **counts,
        "overall": _grade(session.overall, "overall", problems, optional=False),
        "computed_overall": _grade(
            session.computed_overall, "computed_overall", problems, optional=True
        ),
        "rubric_version": _text(session.rubric_version, "rubric_version", problems, required=False)
        or None,
        "note": _text(session.note, "note", problems, required=False),
        "supersedes": supersedes,
    }
    components = _check_components(session.components, problems)
    return row, components, problems


def check_session(
    session: CircleSession, *, units: Collection[str] | Dataset | None = None
) -> list[OkanalysisError]:
    """Every problem in a session before it is saved (empty when it can be saved).

    `units` is the collection of known unit codes, or a Dataset (see `known_units`); when given,
    a unit outside it is refused. A dashboard shows all of these at once.
    """
    return _prepare(session, units)[2]


# --- writing --------------------------------------------------------------------------------------
def _live_uuids(con: sqlite3.Connection, unit_code: object, round: object) -> list[str]:
    """The entries of a unit and round that nothing supersedes (more than one: a conflict)."""
    return [
        u
        for (u,) in con.execute(
            "SELECT uuid FROM sessions WHERE unit_code = ? AND round = ? AND NOT EXISTS"
            " (SELECT 1 FROM session_supersedes l WHERE l.superseded_uuid = sessions.uuid)"
            " ORDER BY created_at, uuid",
            (unit_code, round),
        )
    ]


def _supersedes(con: sqlite3.Connection, row: dict[str, object], key: int | str | None) -> list:
    """What a new entry supersedes, as (UUID, corrects) pairs: the entry it corrects (`key`, an
    id or a UUID) and every other entry in force for its unit and round (a conflict ends)."""
    live = _live_uuids(con, row["unit_code"], row["round"])
    if key is None:
        return [(u, 0) for u in live]
    column = "id" if isinstance(key, int) else "uuid"
    old = con.execute(
        f"SELECT uuid, unit_code, round FROM sessions WHERE {column} = ?", (key,)
    ).fetchone()
    if old is None:
        raise OkanalysisError(
            "ไม่พบรายการที่จะแก้ไข",
            "the entry to correct does not exist",
            column="supersedes",
            value=key,
        )
    if tuple(old[1:]) != (row["unit_code"], row["round"]):
        raise OkanalysisError(
            f"รายการแก้ไขต้องเป็นพื้นที่และรอบเดียวกับรายการเดิม ({old[1]}, {old[2]})",
            "a correction must be for the same unit and round as the entry it corrects"
            f" ({old[1]}, {old[2]})",
            column="supersedes",
            value=key,
        )
    newer = con.execute(
        "SELECT s.id FROM session_supersedes l JOIN sessions s ON s.uuid = l.entry_uuid"
        " WHERE l.superseded_uuid = ? ORDER BY s.created_at DESC, s.uuid DESC",
        (old[0],),
    ).fetchone()
    if newer is not None:
        raise OkanalysisError(
            f"รายการนี้ถูกแก้ไขหรือแทนที่ไปแล้วโดยรายการที่ {newer[0]} โปรดเปิดรายการล่าสุดแล้วแก้ไขรายการนั้น",
            f"this entry was already corrected (or replaced) by entry {newer[0]}; open the latest"
            " entry and correct that one",
            column="supersedes",
            value=key,
        )
    return [(old[0], 1)] + [(u, 0) for u in live if u != old[0]]


def _insert_entry(
    con: sqlite3.Connection,
    row: dict[str, object],
    components: Sequence[dict[str, object]],
    links: Sequence[tuple[str, int]],
) -> int:
    """Append one entry (its row, what it supersedes, its components); return its id."""
    columns = list(row)
    insert = f"INSERT INTO sessions ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    session_id = con.execute(insert, [row[c] for c in columns]).lastrowid
    for superseded, corrects in links:  # one by one: one executemany per entry
        con.execute(
            "INSERT INTO session_supersedes (entry_uuid, superseded_uuid, corrects)"
            " VALUES (?, ?, ?)",
            (row["uuid"], superseded, corrects),
        )
    con.executemany(
        "INSERT INTO session_components (session_id, component, computed, agreed, reason,"
        " evidence) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (session_id, c["component"], c["computed"], c["agreed"], c["reason"], c["evidence"])
            for c in components
        ],
    )
    assert session_id is not None
    return session_id


def save_session(
    store: CircleStore | str | os.PathLike[str],
    session: CircleSession,
    *,
    units: Collection[str] | Dataset | None = None,
) -> int:
    """Check a session and append it to the store in one transaction; return its entry id.

    The entry gets a new UUID and this store's id. It supersedes the entry it corrects
    (`session.supersedes`) and every other entry in force for its unit and round, so saving
    ends a conflict. Raises `OkanalysisError` (with column and value) for the first problem
    `check_session` finds, for a correction of a missing entry, of another unit or round, or of
    an entry that was already corrected or replaced (another dashboard got there first: reload
    and correct the latest).
    """
    row, components, problems = _prepare(session, units)
    if problems:
        raise problems[0]
    key = _entry_key(row.pop("supersedes"))
    row["uuid"] = str(uuid.uuid4())
    with _opened(store) as st, _transaction(st.connection) as con:
        links = _supersedes(con, row, key)
        row["store_id"] = _store_id(con)
        # stamped under the write lock: within a store, later saves have later times
        row["created_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        return _insert_entry(con, row, components, links)


# --- reading --------------------------------------------------------------------------------------
_SCORE_FIELDS = ("computed", "agreed", "reason", "evidence")
_SESSION_COLUMNS = (
    "id",
    "uuid",
    "store_id",
    "unit_code",
    "unit_level",
    "round",
    "date",
    "facilitator",
    *COUNT_COLUMNS,
    "overall",
    "computed_overall",
    "rubric_version",
    "note",
    "created_at",
)
#: Status of an entry (`status` in `history`): in force, in conflict with another entry of its
#: unit and round that nothing supersedes, corrected, or replaced by a later entry.
STATUSES = ("current", "conflict", "superseded", "older")
#: The columns of `current` and `history`, one row per entry.
SESSION_FRAME_COLUMNS: tuple[str, ...] = (
    *_SESSION_COLUMNS,
    "supersedes",
    "supersedes_uuid",
    "participants",
    "superseded_by",
    "superseded_by_uuid",
    "superseded",
    "is_current",
    "in_conflict",
    "status",
    *(f"{c}_{f}" for c in COMPONENT_CODES for f in _SCORE_FIELDS),
)
_LINK_COLUMNS = ["entry_uuid", "superseded_uuid", "corrects", "other_id"]


def _read(con: sqlite3.Connection, where: str, params: tuple) -> pd.DataFrame:
    """Entries matching `where`, read in one snapshot. `is_current`, `in_conflict` and `status`
    are right when `where` selects whole unit+round groups (by unit, by round, or everything)."""
    con.execute("BEGIN")
    try:
        sessions = con.execute(
            f"SELECT {', '.join(f'sessions.{c}' for c in _SESSION_COLUMNS)} FROM sessions {where}",
            params,
        ).fetchall()
        scores = con.execute(
            "SELECT c.session_id, c.component, c.computed, c.agreed, c.reason, c.evidence"
            f" FROM session_components c JOIN sessions ON sessions.id = c.session_id {where}",
            params,
        ).fetchall()
        # what these entries supersede (with the superseded entry's id here, if it is here)
        outgoing = con.execute(
            "SELECT l.entry_uuid, l.superseded_uuid, l.corrects, old.id FROM session_supersedes l"
            " JOIN sessions ON sessions.uuid = l.entry_uuid"
            f" LEFT JOIN sessions old ON old.uuid = l.superseded_uuid {where}",
            params,
        ).fetchall()
        # what supersedes these entries (with the superseding entry's id)
        incoming = con.execute(
            "SELECT l.entry_uuid, l.superseded_uuid, l.corrects, new.id FROM session_supersedes l"
            " JOIN sessions ON sessions.uuid = l.superseded_uuid"
            f" JOIN sessions new ON new.uuid = l.entry_uuid {where}",
            params,
        ).fetchall()
    finally:
        con.execute("COMMIT")
    return _frame(sessions, scores, outgoing, incoming)


def _joined(links: pd.DataFrame, by: str, values: str) -> pd.Series:
    """For each `by`, its `values` sorted and joined by spaces."""
    return links.groupby(by)[values].agg(lambda v: " ".join(sorted(v)))


def _frame(sessions: list, scores: list, outgoing: list, incoming: list) -> pd.DataFrame:
    frame = pd.DataFrame(sessions, columns=list(_SESSION_COLUMNS))
    frame = frame.astype({c: "int64" for c in ("id", *COUNT_COLUMNS)})
    for c in ("uuid", "store_id", "unit_code", "unit_level", "round", "facilitator"):
        frame[c] = frame[c].astype("str")
    for c in ("overall", "note"):
        frame[c] = frame[c].astype("str")
    for c in ("computed_overall", "rubric_version"):
        frame[c] = frame[c].astype("object").where(frame[c].notna(), None)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").astype("datetime64[s]")
    frame["created_at"] = pd.to_datetime(frame["created_at"], format="ISO8601", utc=True)
    # oldest first, the same in every store holding these entries (ids are each store's own)
    frame = frame.sort_values(["created_at", "uuid"], kind="stable").reset_index(drop=True)
    frame["participants"] = frame[list(ROLE_COUNTS)].sum(axis=1).astype("int64")

    out = pd.DataFrame(outgoing, columns=_LINK_COLUMNS)
    into = pd.DataFrame(incoming, columns=_LINK_COLUMNS)
    corrected = out.loc[out["corrects"] == 1].groupby("entry_uuid")["other_id"].max()
    frame["supersedes"] = frame["uuid"].map(corrected).astype("Int64")
    frame["supersedes_uuid"] = frame["uuid"].map(_joined(out, "entry_uuid", "superseded_uuid"))
    frame["superseded_by"] = (
        frame["uuid"].map(into.groupby("superseded_uuid")["other_id"].max()).astype("Int64")
    )
    frame["superseded_by_uuid"] = frame["uuid"].map(_joined(into, "superseded_uuid", "entry_uuid"))
    for c in ("supersedes_uuid", "superseded_by_uuid"):
        frame[c] = frame[c].astype("object").fillna("").astype("str")
    frame["superseded"] = frame["uuid"].isin(into["superseded_uuid"])

    live = ~frame["superseded"]
    groups = frame.loc[live].groupby(["unit_code", "round"])["uuid"]
    frame["in_conflict"] = False
    frame.loc[live, "in_conflict"] = groups.transform("size") > 1
    frame["is_current"] = False
    frame.loc[groups.tail(1).index, "is_current"] = True  # the latest one of those in force
    frame["in_conflict"] = frame["in_conflict"].astype(bool)
    frame["is_current"] = frame["is_current"].astype(bool)
    was_corrected = frame["uuid"].isin(into.loc[into["corrects"] == 1, "superseded_uuid"])
    frame["status"] = "current"
    frame.loc[frame["in_conflict"], "status"] = "conflict"
    frame.loc[frame["superseded"], "status"] = "older"
    frame.loc[was_corrected, "status"] = "superseded"

    long = pd.DataFrame(scores, columns=["id", "component", *_SCORE_FIELDS])
    for c in COMPONENT_CODES:
        part = long.loc[long["component"] == c].set_index("id")
        for f in _SCORE_FIELDS:
            values = frame["id"].map(part[f])
            frame[f"{c}_{f}"] = values.astype("object").where(values.notna(), None)
    return frame[list(SESSION_FRAME_COLUMNS)].reset_index(drop=True)


def history(
    store: CircleStore | str | os.PathLike[str], unit_code: str | None = None
) -> pd.DataFrame:
    """Every entry for a unit (all units when None), oldest first (by `created_at`, then
    `uuid`), superseded ones included.

    One row per entry: `id` (this store's own number), `uuid` and `store_id` (the store it was
    first saved in), the session, its participant counts, `<component>_computed`, `_agreed`,
    `_reason` and `_evidence` for each component; `supersedes` (the id of the entry it
    corrects) and `supersedes_uuid` (the UUIDs of every entry it supersedes, space-separated),
    `superseded_by` / `superseded_by_uuid` the other way; `superseded`; `in_conflict` (one of
    two or more entries of its unit+round that nothing supersedes); `is_current` (the latest,
    by `created_at`, of the entries of its unit+round that nothing supersedes) and `status`
    (one of `STATUSES`).
    """
    where, params = ("WHERE sessions.unit_code = ?", (unit_code,)) if unit_code else ("", ())
    with _opened(store) as st:
        return _read(st.connection, where, params)


def current(
    store: CircleStore | str | os.PathLike[str],
    unit_code: str | None = None,
    round: str | None = None,
) -> pd.DataFrame:
    """The entry in force for each unit and round: the latest one nothing supersedes.

    Filter by unit and/or round; columns as in `history`. Always one row per unit and round:
    when entries are in conflict (merged from stores that saved them apart) it is the latest of
    them by `created_at`, with `in_conflict` True so a reader can mark it; `conflicts` lists
    them all. One entry per unit (the agreed grade in force, whichever the round) is
    `in_force`.
    """
    clauses, params = [], []
    for column, value in (("unit_code", unit_code), ("round", round)):
        if value is not None:
            clauses.append(f"sessions.{column} = ?")
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    with _opened(store) as st:
        frame = _read(st.connection, where, tuple(params))
    return frame.loc[frame["is_current"]].reset_index(drop=True)


def conflicts(
    store: CircleStore | str | os.PathLike[str], unit_code: str | None = None
) -> pd.DataFrame:
    """Every entry in conflict (for a unit, or all units): two or more entries of one unit and
    round that nothing supersedes. Columns as in `history`, by unit, round and `created_at`.

    A conflict ends when an entry superseding all of them is saved (`save_session` of a new
    entry or of a correction of any of them). Empty when there is none.
    """
    frame = history(store, unit_code)
    frame = frame.loc[frame["in_conflict"]]
    return frame.sort_values(
        ["unit_code", "round", "created_at", "uuid"], kind="stable"
    ).reset_index(drop=True)


def in_force(
    sessions: CircleStore | str | os.PathLike[str] | pd.DataFrame,
    *,
    unit_code: str | None = None,
    round: str | None = None,
    level: str | None = None,
) -> pd.DataFrame:
    """The agreed grade in force: one entry per unit, the one reports, summaries and dashboards
    show as what the circle agreed.

    Of the entries in force (`current`: the latest entry of each unit and round nothing
    supersedes; `in_conflict` says when another entry contests it), the one of `round`; with
    `round` None, the one of each unit's latest round by circle date, then by `created_at`
    (the later save). `sessions` is a store (or its path), or a frame from `current` or
    `history` (entries no longer in force are left out). Filter by `unit_code` and by `level`
    (village, tambon...). Columns as in `history`; by unit code.
    """
    if isinstance(sessions, pd.DataFrame):
        frame = sessions
        if frame.empty:
            return frame.reset_index(drop=True)
        if "is_current" in frame:
            frame = frame.loc[frame["is_current"].astype(bool)]
        for column, value in (("unit_code", unit_code), ("round", round)):
            if value is not None:
                frame = frame.loc[frame[column] == value]
    else:
        frame = current(sessions, unit_code, round)
    if level is not None:
        frame = frame.loc[frame["unit_level"] == level]
    order = ["date", "created_at", "uuid"] if "uuid" in frame else ["date", "id"]
    latest = frame.sort_values(order, kind="stable").drop_duplicates("unit_code", keep="last")
    return latest.sort_values("unit_code", kind="stable").reset_index(drop=True)


def load_session(
    store: CircleStore | str | os.PathLike[str], session_id: int | str
) -> CircleSession:
    """One saved entry, by its id in this store or its UUID, as a `CircleSession`, e.g. to
    fill a correction form.

    To correct it, save a copy with the changes and `supersedes=session_id`
    (`dataclasses.replace(session, ..., supersedes=session_id)`). Its own `supersedes` is the
    id of the entry it corrected (the UUID when that entry is not in this store).
    """
    key = _entry_key(session_id)
    column = "id" if isinstance(key, int) else "uuid"
    with _opened(store) as st:
        frame = (
            pd.DataFrame()
            if key is None
            else _read(st.connection, f"WHERE sessions.{column} = ?", (key,))
        )
        corrected = (
            None
            if frame.empty
            else st.connection.execute(
                "SELECT superseded_uuid FROM session_supersedes WHERE entry_uuid = ? AND corrects = 1",
                (frame["uuid"].iloc[0],),
            ).fetchone()
        )
    if frame.empty:
        raise OkanalysisError(
            "ไม่พบรายการนี้ในไฟล์บันทึกวงเรียนรู้",
            "no such entry in the circle store",
            column="id",
            value=session_id,
        )
    r = frame.iloc[0]
    return CircleSession(
        unit_code=r["unit_code"],
        unit_level=r["unit_level"],
        round=r["round"],
        date=r["date"].date(),
        facilitator=r["facilitator"],
        components=[
            ComponentScore(c, *(r[f"{c}_{f}"] for f in _SCORE_FIELDS)) for c in COMPONENT_CODES
        ],
        overall=r["overall"],
        participants=Participants(**{c: int(r[c]) for c in COUNT_COLUMNS}),
        computed_overall=r["computed_overall"],
        rubric_version=r["rubric_version"],
        note=r["note"],
        supersedes=(
            int(r["supersedes"])
            if not pd.isna(r["supersedes"])
            else (corrected[0] if corrected else None)
        ),
    )


def component_scores(sessions: pd.DataFrame) -> pd.DataFrame:
    """The entries of `current` or `history` in long form: one row per entry and component,
    with `component`, `computed`, `agreed`, `reason`, `evidence` and `differs`."""
    keys = ["id", "unit_code", "unit_level", "round", "date", "is_current"]
    parts = []
    for c in COMPONENT_CODES:
        part = sessions[keys].copy()
        part["component"] = c
        for f in _SCORE_FIELDS:
            part[f] = sessions[f"{c}_{f}"]
        parts.append(part)
    long = pd.concat(parts, ignore_index=True).sort_values("id", kind="stable")
    long["differs"] = long["computed"].ne(long["agreed"])
    return long.reset_index(drop=True)


# --- the community's own words ---------------------------------------------------------------
#: The columns of `visions`, one row per statement saved.
VISION_COLUMNS: tuple[str, ...] = (
    "id",
    "uuid",
    "store_id",
    "unit_code",
    "date",
    "statement",
    "facilitator",
    "created_at",
)
_VISION_CONTENT = VISION_COLUMNS[1:]


def check_vision(
    unit_code: object, statement: object, *, date: object, facilitator: object = ""
) -> tuple[dict[str, object], list[OkanalysisError]]:
    """A statement as a store row (normalised) and every problem found in it."""
    problems: list[OkanalysisError] = []
    if not isinstance(unit_code, str) or not any(
        re.fullmatch(_UNIT_PATTERNS[level], unit_code) for level in ("village", "tambon", "amphoe")
    ):
        problems.append(
            OkanalysisError(
                "รหัสพื้นที่ไม่ถูกต้อง: หมู่บ้าน 8 หลัก ตำบล 6 หลัก หรืออำเภอ 4 หลัก",
                "invalid unit code: a village (8 digits), sub-district (6) or district (4)",
                column="unit_code",
                value=unit_code,
            )
        )
    text = _text(statement, "statement", problems, required=True)
    if len(text) > VISION_MAX_CHARS:
        problems.append(
            OkanalysisError(
                f"ข้อความยาวเกิน {VISION_MAX_CHARS:,} ตัวอักษร ({len(text):,})",
                f"the statement is longer than {VISION_MAX_CHARS:,} characters ({len(text):,})",
                column="statement",
                value=len(text),
            )
        )
    row: dict[str, object] = {
        "unit_code": unit_code,
        "date": _date(date, problems),
        "statement": text,
        "facilitator": _text(facilitator, "facilitator", problems, required=False),
    }
    return row, problems


def save_vision(
    store: CircleStore | str | os.PathLike[str],
    unit_code: str,
    statement: str,
    *,
    date: dt.date | str,
    facilitator: str = "",
) -> int:
    """Append what "organic community, live well, be happy" means to a unit, in the circle's
    own words; return its id in this store. A revised statement is saved the same way: the
    latest (by circle date, then save time) is the one in force, the older ones stay readable.

    Checked first: a village, sub-district or district code, a non-empty statement of at
    most `VISION_MAX_CHARS` characters, a date as for sessions. Raises `OkanalysisError` (with
    column and value) for the first problem.
    """
    row, problems = check_vision(unit_code, statement, date=date, facilitator=facilitator)
    if problems:
        raise problems[0]
    row["uuid"] = str(uuid.uuid4())
    with _opened(store) as st, _transaction(st.connection) as con:
        row["store_id"] = _store_id(con)
        row["created_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        return _insert_vision(con, row)


def _insert_vision(con: sqlite3.Connection, row: dict[str, object]) -> int:
    columns = list(_VISION_CONTENT)
    vision_id = con.execute(
        f"INSERT INTO visions ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [row[c] for c in columns],
    ).lastrowid
    assert vision_id is not None
    return vision_id


def visions(
    store: CircleStore | str | os.PathLike[str], unit_code: str | None = None
) -> pd.DataFrame:
    """Every statement saved for a unit (all units when None), oldest first (by circle date,
    `created_at`, then `uuid`: the same order in every store holding them).

    Columns `VISION_COLUMNS` and `in_force`: True for each unit's latest statement, the one a
    dashboard or report shows. See `visions_in_force`.
    """
    where, params = ("WHERE unit_code = ?", (unit_code,)) if unit_code else ("", ())
    with _opened(store) as st:
        rows = st.connection.execute(
            f"SELECT {', '.join(VISION_COLUMNS)} FROM visions {where}", params
        ).fetchall()
    frame = pd.DataFrame(rows, columns=list(VISION_COLUMNS))
    frame = frame.astype({"id": "int64"})
    for c in ("uuid", "store_id", "unit_code", "statement", "facilitator"):
        frame[c] = frame[c].astype("str")
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").astype("datetime64[s]")
    frame["created_at"] = pd.to_datetime(frame["created_at"], format="ISO8601", utc=True)
    frame = frame.sort_values(["date", "created_at", "uuid"], kind="stable")
    frame["in_force"] = False
    frame.loc[frame.drop_duplicates("unit_code", keep="last").index, "in_force"] = True
    frame["in_force"] = frame["in_force"].astype(bool)
    return frame.reset_index(drop=True)


def visions_in_force(
    store: CircleStore | str | os.PathLike[str], unit_code: str | None = None
) -> pd.DataFrame:
    """Each unit's statement in force (its latest), by unit code; columns as in `visions`."""
    frame = visions(store, unit_code)
    frame = frame.loc[frame["in_force"]]
    return frame.sort_values("unit_code", kind="stable").reset_index(drop=True)


#: The tables of plain append-only rows that travel in a merge, known by their `uuid` and
#: carrying their `unit_code`, in the order they are added (an action update names its action).
PLAIN_TABLES: tuple[str, ...] = ("visions", "actions", "action_updates")
#: What each plain table's rows are called in messages: table -> (Thai, English).
_PLAIN_NAMES = {
    "visions": ("ข้อความ", "statement"),
    "actions": ("กิจกรรม", "action"),
    "action_updates": ("ความคืบหน้า", "action update"),
}


def _plain_columns(con: sqlite3.Connection, table: str) -> list[str]:
    """A plain table's columns except its id in this store (what travels in a merge)."""
    return [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "id"]


def _plain_rows(con: sqlite3.Connection, table: str) -> dict[str, dict[str, object]]:
    """Every row of a plain table of an open, up-to-date store by UUID."""
    columns = _plain_columns(con, table)
    return {
        str(row["uuid"]): row
        for row in (
            dict(zip(columns, r, strict=True))
            for r in con.execute(f"SELECT {', '.join(columns)} FROM {table}")
        )
    }


# --- export and backup ----------------------------------------------------------------------------
_SCORE_LABELS = labels.group("column", _SCORE_FIELDS)
#: Column headers of the exported table: column -> (Thai, English). People's tables name
#: entries by UUID: `id`, `supersedes` and `superseded_by` show `uuid`, `supersedes_uuid` and
#: `superseded_by_uuid` (a store's own entry numbers differ between merged stores).
EXPORT_LABELS: dict[str, tuple[str, str]] = {
    "id": ("รหัสรายการ (UUID)", "entry UUID"),
    "status": labels.pair("column.status"),
    "unit_code": labels.pair("column.unit_code"),
    "unit_level": ("ระดับของวง", "circle level"),
    "round": labels.pair("column.round"),
    "date": ("วันที่จัดวง", "date of the circle"),
    "facilitator": ("คุณอำนวยผู้จัดวง", "facilitator"),
    "participants": ("ผู้เข้าร่วมทั้งหมด (คน)", "participants (people)"),
    **{c: (f"{th} (คน)", f"{en} (people)") for c, (th, en) in ROLE_COUNTS.items()},
    **{c: (f"{th} (คน)", f"{en} (people)") for c, (th, en) in GENDER_COUNTS.items()},
    **{c: (f"{th} (คน)", f"{en} (people)") for c, (th, en) in AGE_BAND_COUNTS.items()},
    "overall": ("ระดับรวมที่วงตกลง", "agreed overall grade"),
    "computed_overall": ("ระดับรวมจากข้อมูล", "computed overall grade"),
    **{
        f"{c}_{f}": (f"{cth}: {fth}", f"{cen}: {fen}")
        for c, (cth, cen) in COMPONENTS.items()
        for f, (fth, fen) in _SCORE_LABELS.items()
    },
    "note": ("บันทึกเพิ่มเติม", "note"),
    "supersedes": ("แทนที่รายการ (UUID)", "supersedes entries (UUID)"),
    "superseded_by": ("ถูกแทนที่โดยรายการ (UUID)", "superseded by entries (UUID)"),
    "rubric_version": labels.pair("column.rubric_version"),
    "created_at": ("เวลาที่บันทึก", "recorded at"),
    "store_id": ("บันทึกครั้งแรกในไฟล์ (รหัส)", "first saved in store (id)"),
}
_EXPORT_SOURCE = {
    "id": "uuid",
    "supersedes": "supersedes_uuid",
    "superseded_by": "superseded_by_uuid",
}
_STATUS = {
    "current": ("ใช้อยู่", "in force"),
    "conflict": ("ขัดแย้ง", "in conflict"),
    "superseded": ("ถูกแก้ไขแล้ว", "corrected"),
    "older": ("มีรายการใหม่กว่า", "replaced by a later entry"),
}


def export_table(sessions: pd.DataFrame, lang: str = "th") -> pd.DataFrame:
    """Entries (from `history` or `current`) as a table for people: Thai headers (English with
    `lang="en"`), Buddhist-era dates, Thai level names and a status per entry. Entries are
    named by UUID (see `EXPORT_LABELS`): an entry's id is its store's own."""
    th = lang != "en"
    out = pd.DataFrame(index=sessions.index)
    for column in EXPORT_LABELS:
        if column == "status":
            values = sessions[column].map(lambda s: _STATUS[s][0 if th else 1])
        elif column == "unit_level":
            values = sessions[column].map(lambda v: UNIT_LEVELS[v][0 if th else 1])
        elif column == "date":
            values = sessions[column].map(lambda d: thai.format_date(d, lang))
        elif column == "created_at":
            values = sessions[column].map(
                lambda t: (
                    f"{thai.format_date(t.tz_convert(THAI_TIME), lang)}"
                    f" {t.tz_convert(THAI_TIME):%H:%M}"
                )
            )
        else:
            values = sessions[_EXPORT_SOURCE.get(column, column)]
        out[EXPORT_LABELS[column][0 if th else 1]] = values
    return out.reset_index(drop=True)


def export(
    store: CircleStore | str | os.PathLike[str],
    out_path: str | os.PathLike[str],
    *,
    lang: str = "th",
    extra: Sequence[tuple[str, str, pd.DataFrame]] = (),
) -> Path:
    """Write every entry to `out_path` (.xlsx or .csv) for the district teams; return the path.

    An .xlsx has two sheets: the entries in force (and those in conflict), and all entries with
    their status. A .csv holds all entries with their status, in UTF-8 with a byte-order mark so
    Excel on Thai Windows shows the Thai text. Rows go by unit, round, `created_at` and UUID, so
    two stores holding the same entries (merged in any order) export the same rows.

    `extra` are more tables for people, as (sheet name, file suffix, table): a sheet each in
    an .xlsx, a CSV each beside a .csv (`<name>-<suffix>.csv`). `okanalysis.circles.action_plan.export`
    (the package's `circles.export`, the command's) adds the circles' action plans this way.
    """
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(
            "ส่งออกได้เฉพาะไฟล์ .xlsx หรือ .csv",
            "export writes .xlsx or .csv files only",
            file=str(out),
        )
    from openpyxl import Workbook

    entries = history(store).sort_values(
        ["unit_code", "round", "created_at", "uuid"], kind="stable"
    )
    all_entries = export_table(entries, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":  # text a spreadsheet would run is neutralised (see `core.sheets`)
        for _, name, frame in extra:  # checked first: a refused text writes no file
            sheets.check_cell_text(frame, f"{out.stem}-{name}.csv", workbook=False)
        sheets.check_cell_text(all_entries, str(out), workbook=False)
        for _, name, frame in extra:
            beside = out.with_name(f"{out.stem}-{name}.csv")
            sheets.write_csv_for_people(frame, beside, table=str(beside))
        return sheets.write_csv_for_people(all_entries, out, table=str(out))
    shown = entries["status"].isin(["current", "conflict"]).to_numpy()
    names = ("ผลที่ใช้อยู่", "ทุกรายการ") if lang != "en" else ("in force", "all entries")
    pages = {
        names[0]: all_entries.loc[shown].reset_index(drop=True),
        names[1]: all_entries,
        **{sheet: frame for sheet, _, frame in extra},
    }
    wb = Workbook(write_only=True)
    for name, frame in pages.items():  # what people typed stays text, never a formula
        sheets.write_sheet(wb.create_sheet(name), frame, table=f"{out}[{name}]")
    wb.save(out)
    return out


def backup(store: CircleStore | str | os.PathLike[str], out_path: str | os.PathLike[str]) -> Path:
    """Copy the store to `out_path` with SQLite's online backup (safe while dashboards write).

    The copy is one self-contained file, itself a circle store. An earlier backup at `out_path`
    is replaced; any other existing file there is refused, and the store is never its own
    backup.
    """
    out = Path(out_path)
    with _opened(store) as st:
        if out.exists():
            if out.resolve() == st.path.resolve():
                raise InputError(
                    "ไฟล์สำรองต้องไม่ใช่ไฟล์บันทึกวงเรียนรู้เอง",
                    "the backup cannot be the store itself",
                    file=str(out),
                )
            header = _header(out)
            _check_header(out, header, create=False)
            if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
                raise _not_a_store(out, "ไฟล์ที่มีอยู่แล้ว", "the existing file")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            dst = sqlite3.connect(tmp)
            try:
                st.connection.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    return out


# --- merging stores -------------------------------------------------------------------------------
@dataclass(frozen=True)
class MergeResult:
    """What `merge` did: entries `added` to the target, entries of the sources it `already`
    held (counted once per source), and the conflicts the target now holds: `conflicts` (one
    `(unit_code, round)` per conflict) and `in_conflict` (the entries in them)."""

    target: Path
    added: int
    already: int
    conflicts: tuple[tuple[str, str], ...]
    in_conflict: int
    #: statements of the community's own words added to the target (see `save_vision`)
    visions_added: int = 0
    #: actions of the circles' action plans, and updates on them, added to the target
    #: (see `okanalysis.circles.action_plan`)
    actions_added: int = 0
    updates_added: int = 0


_ENTRY_COLUMNS = ("uuid", "store_id", *_SESSION_CONTENT)


@dataclass(frozen=True)
class _Entry:
    row: dict[str, object]
    components: tuple[dict[str, object], ...]
    links: tuple[tuple[str, int], ...]
    source: Path

    def content(self) -> tuple:
        """Everything that travels with the entry (its id in a store does not)."""
        return (
            tuple(self.row[c] for c in _ENTRY_COLUMNS),
            tuple(tuple(c[k] for k in _COMPONENT_CONTENT) for c in self.components),
            tuple(sorted(self.links)),
        )


def _entries(con: sqlite3.Connection, source: Path) -> dict[str, _Entry]:
    """Every entry of an open, up-to-date store by UUID, with its components and links."""
    rows = con.execute(f"SELECT id, {', '.join(_ENTRY_COLUMNS)} FROM sessions").fetchall()
    scores: dict[int, list[dict[str, object]]] = {}
    for r in con.execute(
        f"SELECT session_id, {', '.join(_COMPONENT_CONTENT)} FROM session_components"
        " ORDER BY session_id, component"
    ):
        scores.setdefault(r[0], []).append(dict(zip(_COMPONENT_CONTENT, r[1:], strict=True)))
    links: dict[str, list[tuple[str, int]]] = {}
    for entry, superseded, corrects in con.execute(
        "SELECT entry_uuid, superseded_uuid, corrects FROM session_supersedes"
    ):
        links.setdefault(entry, []).append((superseded, corrects))
    found = {}
    for r in rows:
        row = dict(zip(_ENTRY_COLUMNS, r[1:], strict=True))
        found[str(row["uuid"])] = _Entry(
            row, tuple(scores.get(r[0], ())), tuple(links.get(str(row["uuid"]), ())), source
        )
    return found


def _snapshot(path: Path) -> sqlite3.Connection:
    """An in-memory copy of the circle store at `path`, brought up to date there.

    The file is only read: never migrated in place, and nothing is written beside it. A store
    with a write-ahead log (a dashboard may be saving into it) is copied with SQLite's online
    backup from a `mode=ro` connection; one without (a backup, a closed store, a pack) is read
    as bytes, so SQLite does not leave an empty log beside it.
    """
    if not path.is_file():
        raise InputError(
            "ไม่พบไฟล์บันทึกวงเรียนรู้ที่จะรวม", "no circle store to merge at this path", file=str(path)
        )
    header = _header(path)
    _check_header(path, header, create=False)
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise _not_a_store(path, *_FOREIGN)
    mem = sqlite3.connect(":memory:", isolation_level=None)
    try:
        if path.with_name(f"{path.name}-wal").exists():
            src = _connect(path, "ro")
            try:
                src.backup(mem)
            finally:
                src.close()
        else:
            data = bytearray(path.read_bytes())
            data[18:20] = (
                b"\x01\x01"  # read as a rollback-journal file: an in-memory copy has no log
            )
            mem.deserialize(bytes(data))
        if mem.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")
        app_id = mem.execute("PRAGMA application_id").fetchone()[0]
        version = mem.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if (
            app_id != APPLICATION_ID
            or not version
            or not {"sessions", "session_components"} <= tables
        ):
            raise _not_a_store(path, *_FOREIGN)
        if version > SCHEMA_VERSION:
            raise InputError(
                f"ไฟล์บันทึกวงเรียนรู้รุ่น {version} ใหม่กว่าโปรแกรมนี้ (รุ่น {SCHEMA_VERSION})"
                " โปรดปรับรุ่น okanalysis",
                f"the circle store has schema version {version}, newer than this okanalysis"
                f" ({SCHEMA_VERSION}); upgrade okanalysis",
                file=str(path),
                value=version,
            )
        if version < SCHEMA_VERSION:
            with _transaction(mem):
                migrate(mem, version)
    except sqlite3.OperationalError as e:
        mem.close()
        raise _cannot_open(path, e) from e
    except sqlite3.DatabaseError as e:
        mem.close()
        raise _not_a_store(path, f"ไฟล์เสียหาย ({e})", f"the file is damaged ({e})") from e
    except BaseException:
        mem.close()
        raise
    return mem


def _differs(path: Path, uuid_: str) -> InputError:
    return InputError(
        f"รายการ {uuid_} มีเนื้อหาต่างจากรายการรหัสเดียวกันที่มีอยู่แล้ว ไฟล์อาจถูกแก้ไขนอกโปรแกรม จึงไม่รวม",
        f"entry {uuid_} differs from the entry with the same UUID already read; the file may have"
        " been edited outside okanalysis, so nothing is merged",
        file=str(path),
        column="uuid",
        value=uuid_,
    )


def _merge_rows(con: sqlite3.Connection, table: str, found: dict[str, tuple[dict, Path]]) -> int:
    """Append, in the caller's transaction, the rows of a plain table `con` lacks (by UUID,
    oldest first); return how many."""
    have = _plain_rows(con, table)
    columns = _plain_columns(con, table)
    th, en = _PLAIN_NAMES[table]
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    added = 0
    for key, (row, source) in sorted(found.items(), key=lambda kv: (kv[1][0]["created_at"], kv[0])):
        if key in have:
            if have[key] != row:
                raise _differs(source, key)
            continue
        try:
            con.execute(insert, [row.get(c) for c in columns])
        except sqlite3.IntegrityError as e:
            raise InputError(
                f"{th} {key} ผิดกฎของไฟล์บันทึกวงเรียนรู้ ({e}) จึงไม่รวม",
                f"{en} {key} breaks the circle store's rules ({e}), so nothing is merged",
                file=str(source),
                column="uuid",
                value=key,
            ) from e
        added += 1
    return added


def _merge_plain(
    con: sqlite3.Connection, found: dict[str, dict[str, tuple[dict, Path]]]
) -> dict[str, int]:
    """Append every plain table's missing rows, in `PLAIN_TABLES` order; counts by table."""
    return {table: _merge_rows(con, table, found.get(table, {})) for table in PLAIN_TABLES}


def _merge_into(con: sqlite3.Connection, entries: dict[str, _Entry]) -> int:
    """Append, in the caller's transaction, the entries `con` lacks; return how many."""
    have = _entries(con, Path())
    added = 0
    for key, entry in sorted(entries.items(), key=lambda kv: (kv[1].row["created_at"], kv[0])):
        if key in have:
            if have[key].content() != entry.content():
                raise _differs(entry.source, key)
            continue
        try:
            _insert_entry(con, dict(entry.row), entry.components, entry.links)
        except sqlite3.IntegrityError as e:
            raise InputError(
                f"รายการ {key} ผิดกฎของไฟล์บันทึกวงเรียนรู้ ({e}) จึงไม่รวม",
                f"entry {key} breaks the circle store's rules ({e}), so nothing is merged",
                file=str(entry.source),
                column="uuid",
                value=key,
            ) from e
        added += 1
    return added


def merge(
    sources: Sequence[str | os.PathLike[str]],
    into: str | os.PathLike[str],
    *,
    keep: Callable[[str], bool] | None = None,
) -> MergeResult:
    """Bring the entries of other circle stores (laptops, packs) into the store `into`,
    creating it when it does not exist.

    Sources are opened read-only and never changed (an older store is brought up to date in
    memory). Every source is read and checked before the target is touched: a file that is
    not a circle store raises `InputError` naming it, and nothing is merged. Entries are known
    by UUID: one the target holds is not added again, so merging is idempotent and any order
    gives the same entries. All entries are added in one transaction (a new target is built
    beside it and put in place at the end), so a merge that is killed leaves the target as it
    was or fully merged. Entries keep their UUID, store id and `created_at`. With `keep`, only
    the entries whose unit code `keep(unit_code)` accepts are read (a district pack takes its
    district's; an entry and what it supersedes share their unit, so no link is cut).

    The community's own words, the circles' actions and the updates on them (`PLAIN_TABLES`)
    travel the same way, known by UUID; an update carries its action's unit code, so `keep`
    never separates an update from its action.
    """
    target = Path(into)
    entries: dict[str, _Entry] = {}
    plain: dict[str, dict[str, tuple[dict, Path]]] = {table: {} for table in PLAIN_TABLES}
    read = 0
    for source in map(Path, sources):
        mem = _snapshot(source)
        try:
            found = _entries(mem, source)
            found_plain = {table: _plain_rows(mem, table) for table in PLAIN_TABLES}
        finally:
            mem.close()
        for table, rows in found_plain.items():
            for key, row in rows.items():
                if keep is not None and not keep(str(row["unit_code"])):
                    continue
                if key in plain[table] and plain[table][key][0] != row:
                    raise _differs(source, key)
                plain[table].setdefault(key, (row, source))
        for key, entry in found.items():
            if keep is not None and not keep(str(entry.row["unit_code"])):
                continue
            read += 1
            if key in entries and entries[key].content() != entry.content():
                raise _differs(source, key)
            entries.setdefault(key, entry)
    if target.exists():
        with open_store(target) as st, _transaction(st.connection) as con:
            added = _merge_into(con, entries)
            added_plain = _merge_plain(con, plain)
    else:
        added, added_plain = _merge_new(target, entries, plain)
    found_conflicts = conflicts(target)
    pairs = tuple(
        dict.fromkeys(zip(found_conflicts["unit_code"], found_conflicts["round"], strict=True))
    )
    return MergeResult(
        target,
        added,
        read - added,
        pairs,
        len(found_conflicts),
        visions_added=added_plain["visions"],
        actions_added=added_plain["actions"],
        updates_added=added_plain["action_updates"],
    )


def _merge_new(
    target: Path, entries: dict[str, _Entry], plain: dict[str, dict[str, tuple[dict, Path]]]
) -> tuple[int, dict[str, int]]:
    """Merge into a new store built beside `target`, then put in place (never over a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.merging")
    for leftover in (tmp, tmp.with_name(f"{tmp.name}-wal"), tmp.with_name(f"{tmp.name}-shm")):
        leftover.unlink(missing_ok=True)
    try:
        with open_store(tmp, create=True) as st, _transaction(st.connection) as con:
            added = _merge_into(con, entries), _merge_plain(con, plain)
        try:
            os.link(tmp, target)  # atomic, and never replaces a store made meanwhile
            placed = True
        except FileExistsError:
            placed = False
        except OSError:  # a file system without hard links (a FAT memory stick)
            placed = not target.exists()
            if placed:
                os.replace(tmp, target)
        if placed:
            return added
        with open_store(target) as st, _transaction(st.connection) as con:
            # another process made the target meanwhile
            return _merge_into(con, entries), _merge_plain(con, plain)
    finally:
        tmp.unlink(missing_ok=True)


__all__ = [
    "AGE_BAND_COUNTS",
    "COUNT_COLUMNS",
    "EXPORT_LABELS",
    "GENDER_COUNTS",
    "ROLE_COUNTS",
    "SESSION_FRAME_COLUMNS",
    "STATUSES",
    "UNIT_LEVELS",
    "VISION_COLUMNS",
    "VISION_MAX_CHARS",
    "CircleSession",
    "CircleStore",
    "ComponentScore",
    "MergeResult",
    "Participants",
    "backup",
    "check_session",
    "check_vision",
    "component_scores",
    "conflicts",
    "current",
    "default_path",
    "export",
    "export_table",
    "history",
    "in_force",
    "known_units",
    "load_session",
    "merge",
    "migrate",
    "open_store",
    "save_session",
    "save_vision",
    "visions",
    "visions_in_force",
]
