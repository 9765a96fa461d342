"""The data contract: one table per data stream of the nine learning topics.

Each table is declared once, as a list of `Field`s. From that one declaration come the pandera
schema that validates loaded data, the data dictionary (`docs/data.md`), the data-entry workbook
(`okanalysis templates`) and the loader's parsing rules, so they cannot drift apart.

Money is stored exactly, as integer satang, in columns named `<name>_satang`; in CSV and Excel
files people write baht in a column named `<name>`. Codes follow the real DOPA codes: district
(อำเภอ) 4 digits, sub-district (ตำบล) 6, village (หมู่บ้าน) 8 = sub-district code + village number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from okanalysis.core import labels

if TYPE_CHECKING:  # pandera loads only when a table is validated (faster kernel start)
    import pandera.pandas as pa

# --- the value kinds a column can have -------------------------------------------------------
CODE, ID, TEXT, INT, MONEY, DATE, BOOL, CHOICE = (
    "code",
    "id",
    "text",
    "int",
    "money",
    "date",
    "bool",
    "choice",
)

KIND_LABELS = {
    CODE: ("รหัสตัวเลข", "numeric code"),
    ID: ("รหัส (ตัวอักษรอังกฤษ ตัวเลข - _ .)", "identifier (letters, digits, - _ .)"),
    TEXT: ("ข้อความ", "text"),
    INT: ("จำนวนเต็ม", "whole number"),
    MONEY: ("จำนวนเงิน (บาท ทศนิยมไม่เกิน 2 ตำแหน่ง)", "amount in baht (at most 2 decimals)"),
    DATE: (
        "วันที่ เช่น 15/01/2551 (พ.ศ.) หรือ 2008-01-15 (ค.ศ.)",
        "date, e.g. 15/01/2551 (Buddhist era) or 2008-01-15",
    ),
    BOOL: ("ใช่/ไม่ใช่", "yes/no"),
    CHOICE: ("ค่าจากรายการ", "a value from the list"),
}

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$"
CODE_PATTERNS = {
    "province": r"^\d{2}$",
    "amphoe": r"^\d{4}$",
    "tambon": r"^\d{6}$",
    "village": r"^\d{8}$",
}
CODE_DIGITS = {"province": 2, "amphoe": 4, "tambon": 6, "village": 8}

# --- choice lists (code -> Thai, English) -----------------------------------------------------
# the levels and roles are named in `okanalysis.core.labels`, the one label registry
LEVELS = labels.group("level", ("village", "tambon", "amphoe", "province"))
ROLES = labels.group("role")
GENDERS = {"male": ("ชาย", "male"), "female": ("หญิง", "female"), "other": ("อื่น ๆ", "other")}
MAIN_INCOME = {
    "rubber": ("ยางพารา", "rubber"),
    "oil_palm": ("ปาล์มน้ำมัน", "oil palm"),
    "fruit": ("สวนผลไม้", "fruit orchards"),
    "rice": ("ทำนา", "rice farming"),
    "fishing": ("ประมง", "fishing"),
    "livestock": ("เลี้ยงสัตว์", "livestock"),
    "wage": ("รับจ้าง", "wage labour"),
    "trade": ("ค้าขาย", "trade"),
    "mixed": ("เกษตรผสมผสาน", "mixed farming"),
}
FINANCE_TYPES = {
    "savings_group": ("กลุ่มออมทรัพย์เพื่อการผลิต", "savings group for production"),
    "village_fund": ("กองทุนหมู่บ้านและชุมชนเมือง", "village fund"),
    "welfare_fund": ("กองทุนสวัสดิการชุมชน", "community welfare fund"),
    "sajja": ("กลุ่มสัจจะสะสมทรัพย์", "truthful savings (sajja) group"),
    "cooperative": ("สหกรณ์", "cooperative"),
    "other": ("องค์กรการเงินอื่น", "other financial organisation"),
}
PLAN_KINDS = {
    "self": ("พึ่งตนเองในครัวเรือน", "self-reliance inside the household"),
    "mutual": ("พึ่งพากันในชุมชน", "mutual reliance inside the community"),
    "outside": ("ขอรับการสนับสนุนจากภายนอก", "help from outside"),
}
PAYERS = {
    "household": ("ครัวเรือน", "households"),
    "community": ("ชุมชน", "community"),
    "tao": ("อบต.", "sub-district administrative organisation (TAO)"),
    "pao": ("อบจ.", "provincial administrative organisation (PAO)"),
    "agency": ("หน่วยงานราชการ", "government agency"),
    "yu_di_mi_suk": ("งบอยู่ดีมีสุข", "Yu Di Mi Suk budget"),
    "other": ("อื่น ๆ", "other"),
}
LOCAL_ORGS = {
    "tao": ("อบต./เทศบาลตำบล", "TAO (sub-district administration)"),
    "pao": ("อบจ.", "PAO (provincial administration)"),
}
STANDARD_RESULTS = {"passed": ("ผ่าน", "passed"), "not_passed": ("ไม่ผ่าน", "not passed")}
TOPICS = {
    1: ("ฐานข้อมูลผู้นำและตารางอิสรภาพ", "Leader database and freedom table"),
    2: ("บัญชีครัวเรือน", "Household accounts"),
    3: ("ข้อมูลและศักยภาพหมู่บ้าน ตำบล อำเภอ", "Village, sub-district and district data"),
    4: ("แผนแม่บทชุมชน", "Community master plans"),
    5: ("แผนพัฒนา อบต. และโครงการหน่วยงาน", "TAO plans and agency projects"),
    6: ("ศูนย์เรียนรู้เศรษฐกิจพอเพียง", "Sufficiency-economy learning centres"),
    7: ("องค์กรการเงินและสวัสดิการชุมชน", "Community finance and welfare"),
    8: ("มาตรฐานสุขภาพชุมชน", "Community health standard"),
    9: ("มาตรฐานชุมชน พช.", "CDD community standard"),
}

BOOL_WORDS_TRUE = {"true", "1", "yes", "y", "t", "ใช่", "มี", "ผ่าน", "✓", "x"}
BOOL_WORDS_FALSE = {"false", "0", "no", "n", "f", "ไม่ใช่", "ไม่มี", "ไม่ผ่าน", "-", ""}


@dataclass(frozen=True)
class Field:
    """One column of the contract: English name, Thai label, kind and the values it allows."""

    name: str
    th: str
    en: str
    kind: str
    required: bool = True
    choices: dict | None = None
    choices_from: str | None = None  # a parameters list: "categories", "sectors"
    code_level: str | None = None  # for CODE: province, amphoe, tambon, village or "any"
    categorical: bool = False  # held as a pandas Categorical (few values, many rows)
    multiline: bool = False  # free text (notes, results, statements): line breaks are kept
    min: float | None = None
    max: float | None = None
    description: str = ""

    @property
    def column(self) -> str:
        """The column's name in memory (money in integer satang gets `_satang`)."""
        return f"{self.name}_satang" if self.kind == MONEY else self.name

    @property
    def file_column(self) -> str:
        """The column's name in CSV and Excel files (money in baht)."""
        return self.name


@dataclass(frozen=True)
class Reference:
    """A foreign key: `columns` of this table must exist as `target_columns` in `target`."""

    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]
    optional: bool = False


@dataclass(frozen=True)
class Table:
    """One table of the contract, with its key and its references to other tables."""

    name: str
    th: str
    en: str
    topic: int
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...] = field(default_factory=tuple)
    description: str = ""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name or f.column == name:
                return f
        raise KeyError(name)

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.fields]


def _code(name: str, th: str, en: str, level: str, **kw) -> Field:
    return Field(name, th, en, CODE, code_level=level, **kw)


def _be_year(name: str, th: str, en: str, **kw) -> Field:
    return Field(name, th, en, INT, min=2500, max=2600, **kw)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "villages",
            "หมู่บ้าน",
            "Villages",
            3,
            (
                _code("village_code", "รหัสหมู่บ้าน", "village code", "village"),
                _code("tambon_code", "รหัสตำบล", "sub-district code", "tambon"),
                _code("amphoe_code", "รหัสอำเภอ", "district code", "amphoe"),
                Field("village_no", "หมู่ที่", "village number", INT, min=1, max=99),
                Field("name_th", "ชื่อหมู่บ้าน", "village name (Thai)", TEXT),
                Field("name_en", "ชื่อหมู่บ้าน (อังกฤษ)", "village name (English)", TEXT, False),
                Field("households", "จำนวนครัวเรือน", "households", INT, min=0, max=20000),
                Field("population", "จำนวนประชากร", "population", INT, min=0, max=100000),
            ),
            key=("village_code",),
            description="One row per village, with its households and population.",
        ),
        Table(
            "households",
            "ครัวเรือน",
            "Households",
            2,
            (
                Field(
                    "household_id",
                    "รหัสครัวเรือน (นามแฝง)",
                    "household id (pseudonymous)",
                    ID,
                    description="Never a name or a national id number (PDPA).",
                ),
                _code("village_code", "รหัสหมู่บ้าน", "village code", "village"),
                Field("members", "จำนวนสมาชิก", "members", INT, min=1, max=30),
                Field("keeps_accounts", "ทำบัญชีครัวเรือน", "keeps accounts", BOOL),
                Field(
                    "main_income",
                    "อาชีพหลัก",
                    "main source of income",
                    CHOICE,
                    False,
                    choices=MAIN_INCOME,
                ),
                Field(
                    "debt",
                    "หนี้สินคงค้างต้นปี",
                    "debt outstanding at the start of the year",
                    MONEY,
                    False,
                    min=0,
                ),
            ),
            key=("household_id",),
            references=(Reference(("village_code",), "villages", ("village_code",)),),
        ),
        Table(
            "ledger",
            "บัญชีรับจ่ายครัวเรือน",
            "Household ledger",
            2,
            (
                Field(
                    "entry_id",
                    "เลขที่รายการ",
                    "entry id",
                    ID,
                    description="Each entry has its own id, so two identical purchases stay two.",
                ),
                Field("household_id", "รหัสครัวเรือน", "household id", ID, categorical=True),
                Field("date", "วันที่", "date", DATE),
                Field(
                    "category",
                    "หมวดรายการ",
                    "category",
                    CHOICE,
                    choices_from="categories",
                    categorical=True,
                ),
                Field(
                    "amount",
                    "จำนวนเงิน",
                    "amount",
                    MONEY,
                    description="Negative only to correct an earlier entry.",
                ),
                Field("note", "หมายเหตุ", "note", TEXT, False, multiline=True),
            ),
            key=("entry_id",),
            references=(Reference(("household_id",), "households", ("household_id",)),),
        ),
        Table(
            "people",
            "ฐานข้อมูลผู้นำ",
            "Leader database",
            1,
            (
                Field("person_id", "รหัสบุคคล", "person id", ID),
                Field("level", "ระดับ", "level", CHOICE, choices=LEVELS),
                _code("unit_code", "รหัสพื้นที่", "unit code", "any"),
                Field("role", "บทบาท", "role", CHOICE, choices=ROLES),
                Field("position", "ตำแหน่ง", "position", TEXT, False),
                Field("sector", "ภาคี", "partner sector", CHOICE, False, choices_from="sectors"),
                Field("gender", "เพศ", "gender", CHOICE, choices=GENDERS),
                Field("age", "อายุ", "age", INT, min=15, max=100),
                _be_year("start_year", "ปีที่เริ่มงาน (พ.ศ.)", "start year (BE)"),
                Field("new_generation", "ผู้นำรุ่นใหม่", "new-generation leader", BOOL),
                Field(
                    "successor_of",
                    "เป็นผู้สืบทอดของ",
                    "successor of (person id)",
                    ID,
                    False,
                ),
            ),
            key=("person_id",),
            references=(Reference(("successor_of",), "people", ("person_id",), optional=True),),
        ),
        Table(
            "zones",
            "โซน",
            "Zones",
            1,
            (
                Field("zone_id", "รหัสโซน", "zone id", ID),
                Field("name_th", "ชื่อโซน", "zone name", TEXT),
                _code("tambon_code", "รหัสตำบล", "sub-district code", "tambon"),
            ),
            key=("tambon_code",),
            description="One row per sub-district: the zone it learns in.",
        ),
        Table(
            "criteria",
            "เกณฑ์คุณภาพ",
            "Quality criteria",
            1,
            (
                Field("criterion_id", "รหัสเกณฑ์", "criterion id", ID),
                Field("level", "ระดับ", "level", CHOICE, choices=LEVELS),
                _code("unit_code", "รหัสพื้นที่ของกลุ่ม", "code of the group's unit", "any"),
                Field("role", "ใช้กับบทบาท", "applies to role", CHOICE, choices=ROLES),
                Field("name_th", "เกณฑ์", "criterion (Thai)", TEXT),
                Field("name_en", "เกณฑ์ (อังกฤษ)", "criterion (English)", TEXT, False),
            ),
            key=("criterion_id",),
            description="Each group defines its own criteria of a quality team.",
        ),
        Table(
            "freedom",
            "ตารางอิสรภาพ",
            "Freedom-table assessments",
            1,
            (
                Field("person_id", "รหัสบุคคล", "person id", ID),
                Field("criterion_id", "รหัสเกณฑ์", "criterion id", ID),
                Field("round", "รอบการประเมิน", "assessment round", ID),
                Field("date", "วันที่ประเมิน", "date assessed", DATE),
                Field("score", "ระดับที่เป็นอยู่ (1-5)", "where they stand (1-5)", INT, min=1, max=5),
                Field("target", "เป้าหมาย (1-5)", "target (1-5)", INT, min=1, max=5),
                Field(
                    "can_do_now",
                    "สิ่งที่ทำได้แล้ว",
                    "what they can now do",
                    TEXT,
                    False,
                    multiline=True,
                ),
            ),
            key=("person_id", "criterion_id", "round"),
            references=(
                Reference(("person_id",), "people", ("person_id",)),
                Reference(("criterion_id",), "criteria", ("criterion_id",)),
            ),
        ),
        Table(
            "centres",
            "ศูนย์เรียนรู้เศรษฐกิจพอเพียง",
            "Sufficiency-economy learning centres",
            6,
            (
                Field("centre_id", "รหัสศูนย์", "centre id", ID),
                _code("village_code", "รหัสหมู่บ้าน", "village code", "village"),
                Field("name_th", "ชื่อศูนย์", "centre name", TEXT),
                Field("topic", "เรื่องที่ถ่ายทอด", "what it teaches", TEXT, False),
                Field("registered", "ขึ้นทะเบียนแล้ว", "registered", BOOL),
                _be_year("registered_year", "ปีที่ขึ้นทะเบียน", "year registered (BE)", required=False),
                Field("active", "ยังดำเนินการ", "active", BOOL),
            ),
            key=("centre_id",),
            references=(Reference(("village_code",), "villages", ("village_code",)),),
        ),
        Table(
            "centre_activities",
            "กิจกรรมศูนย์เรียนรู้",
            "Learning-centre activities",
            6,
            (
                Field("activity_id", "รหัสกิจกรรม", "activity id", ID),
                Field("centre_id", "รหัสศูนย์", "centre id", ID),
                Field("date", "วันที่", "date", DATE),
                Field("activity", "กิจกรรม", "activity", TEXT),
                Field("visitors", "ผู้เข้าร่วม/ผู้ศึกษาดูงาน", "visitors", INT, min=0, max=100000),
                Field("result", "ผลที่เกิดขึ้น", "result", TEXT, False, multiline=True),
            ),
            key=("activity_id",),
            references=(Reference(("centre_id",), "centres", ("centre_id",)),),
        ),
        Table(
            "finance_groups",
            "องค์กรการเงินและสวัสดิการชุมชน",
            "Community financial organisations and welfare funds",
            7,
            (
                Field("group_id", "รหัสกลุ่ม", "group id", ID),
                Field(
                    "level",
                    "ระดับ",
                    "level",
                    CHOICE,
                    choices={k: LEVELS[k] for k in ("village", "tambon")},
                ),
                _code("unit_code", "รหัสพื้นที่", "unit code", "any"),
                Field("type", "ประเภท", "type", CHOICE, choices=FINANCE_TYPES),
                Field("name_th", "ชื่อกลุ่ม", "group name", TEXT),
                Field("members", "จำนวนสมาชิก (คน)", "members (people)", INT, min=0),
                Field("member_households", "ครัวเรือนสมาชิก", "member households", INT, min=0),
                Field("capital", "เงินทุน", "capital", MONEY, min=0),
                Field("loans_outstanding", "เงินให้กู้คงค้าง", "loans outstanding", MONEY, min=0),
                Field("arrears", "หนี้ค้างชำระเกินกำหนด", "arrears", MONEY, min=0),
                Field("welfare_paid", "สวัสดิการที่จ่าย", "welfare paid", MONEY, False, min=0),
                Field(
                    "welfare_recipients", "ผู้รับสวัสดิการ (คน)", "welfare recipients", INT, False, min=0
                ),
                Field("active", "มีกิจกรรมต่อเนื่อง", "has regular activities", BOOL),
                Field("integrated", "เชื่อมโยงเป็นเครือข่าย", "integrated in a network", BOOL),
            ),
            key=("group_id",),
        ),
        Table(
            "health_standard",
            "มาตรฐานสุขภาพชุมชน",
            "Community health standard results",
            8,
            (
                _code("village_code", "รหัสหมู่บ้าน", "village code", "village"),
                _be_year("year", "ปี (พ.ศ.)", "year (BE)"),
                Field("households_assessed", "ครัวเรือนที่ประเมิน", "households assessed", INT, min=0),
                Field(
                    "households_passed",
                    "ครัวเรือนที่ผ่าน",
                    "households meeting the standard",
                    INT,
                    min=0,
                ),
                Field("result", "ผลระดับหมู่บ้าน", "village result", CHOICE, choices=STANDARD_RESULTS),
            ),
            key=("village_code", "year"),
            references=(Reference(("village_code",), "villages", ("village_code",)),),
        ),
        Table(
            "health_activities",
            "กิจกรรมสุขภาพชุมชน",
            "Community health activities",
            8,
            (
                Field("activity_id", "รหัสกิจกรรม", "activity id", ID),
                _code("village_code", "รหัสหมู่บ้าน", "village code", "village"),
                Field("date", "วันที่", "date", DATE),
                Field("activity", "กิจกรรม", "activity", TEXT),
                Field("participants", "ผู้เข้าร่วม", "participants", INT, min=0),
            ),
            key=("activity_id",),
            references=(Reference(("village_code",), "villages", ("village_code",)),),
        ),
        Table(
            "cdd_standard",
            "มาตรฐานชุมชน พช.",
            "CDD community standard results",
            9,
            (
                _code("village_code", "รหัสหมู่บ้าน", "village code", "village"),
                _be_year("year", "ปี (พ.ศ.)", "year (BE)"),
                Field("indicators_total", "จำนวนตัวชี้วัด", "indicators assessed", INT, min=0),
                Field("indicators_passed", "ตัวชี้วัดที่ผ่าน", "indicators passed", INT, min=0),
                Field("result", "ผลการประเมิน", "result", CHOICE, choices=STANDARD_RESULTS),
            ),
            key=("village_code", "year"),
            references=(Reference(("village_code",), "villages", ("village_code",)),),
        ),
        Table(
            "plan_items",
            "แผนแม่บทชุมชน",
            "Master-plan items",
            4,
            (
                Field("item_id", "รหัสรายการแผน", "plan item id", ID),
                Field(
                    "level",
                    "ระดับ",
                    "level",
                    CHOICE,
                    choices={k: LEVELS[k] for k in ("village", "tambon")},
                ),
                _code("unit_code", "รหัสพื้นที่", "unit code", "any"),
                Field("title", "โครงการ/กิจกรรม", "project or activity", TEXT),
                Field(
                    "problem",
                    "ปัญหาหรือโอกาสที่ตอบ",
                    "problem or opportunity it answers",
                    TEXT,
                    False,
                    multiline=True,
                ),
                Field("kind", "ลักษณะ", "kind", CHOICE, choices=PLAN_KINDS),
                Field(
                    "category",
                    "หมวดบัญชีที่เกี่ยวข้อง",
                    "ledger category addressed",
                    CHOICE,
                    False,
                    choices_from="categories",
                ),
                Field("cost", "งบประมาณ", "cost", MONEY, min=0),
                Field("payer", "ผู้รับผิดชอบงบ", "who pays", CHOICE, choices=PAYERS),
            ),
            key=("item_id",),
        ),
        Table(
            "local_plans",
            "แผนพัฒนา อบต./อบจ.",
            "TAO / PAO plan items",
            5,
            (
                Field("local_item_id", "รหัสรายการ", "local plan item id", ID),
                Field("org", "องค์กร", "organisation", CHOICE, choices=LOCAL_ORGS),
                _code("tambon_code", "รหัสตำบล", "sub-district code", "tambon"),
                Field(
                    "plan_item_id", "รหัสรายการแผนแม่บทที่รับไป", "master-plan item taken up", ID, False
                ),
                Field("title", "โครงการ", "project", TEXT),
                Field("budget", "งบประมาณ", "budget", MONEY, min=0),
                _be_year("year", "ปีงบประมาณ (พ.ศ.)", "fiscal year (BE)"),
            ),
            key=("local_item_id",),
            references=(Reference(("plan_item_id",), "plan_items", ("item_id",), optional=True),),
        ),
        Table(
            "agency_projects",
            "โครงการหน่วยงาน",
            "Agency projects",
            5,
            (
                Field("project_id", "รหัสโครงการ", "project id", ID),
                Field("agency", "หน่วยงาน", "agency", TEXT),
                Field(
                    "level",
                    "ระดับ",
                    "level",
                    CHOICE,
                    choices={k: LEVELS[k] for k in ("village", "tambon")},
                ),
                _code("unit_code", "รหัสพื้นที่", "unit code", "any"),
                Field("title", "โครงการ", "project", TEXT),
                Field("budget", "งบประมาณ", "budget", MONEY, min=0),
                Field(
                    "plan_item_id",
                    "รหัสรายการแผนแม่บทที่สนับสนุน",
                    "master-plan item supported",
                    ID,
                    False,
                ),
                _be_year("year", "ปีงบประมาณ (พ.ศ.)", "fiscal year (BE)"),
            ),
            key=("project_id",),
            references=(Reference(("plan_item_id",), "plan_items", ("item_id",), optional=True),),
        ),
        Table(
            "visions",
            "ความหมายของชุมชนอินทรีย์อยู่ดีมีสุข",
            "What 'organic community, live well, be happy' means to the community",
            4,
            (
                Field(
                    "level",
                    "ระดับ",
                    "level",
                    CHOICE,
                    choices={k: LEVELS[k] for k in ("village", "tambon")},
                ),
                _code("unit_code", "รหัสพื้นที่", "unit code", "any"),
                Field(
                    "statement",
                    "ความหมายในคำของชุมชน",
                    "statement in the community's words",
                    TEXT,
                    multiline=True,
                ),
            ),
            key=("unit_code",),
        ),
        Table(
            "spending",
            "การใช้จ่ายงบอำนวยการ",
            "Facilitation spending",
            3,
            (
                Field("record_id", "เลขที่รายการ", "record id", ID),
                _code("amphoe_code", "รหัสอำเภอ", "district code", "amphoe"),
                Field("date", "วันที่", "date", DATE),
                Field("topic", "ประเด็นการเรียนรู้ (1-9)", "learning topic (1-9)", INT, min=1, max=9),
                Field("amount", "จำนวนเงิน", "amount", MONEY),
                Field("note", "รายละเอียด", "details", TEXT, False, multiline=True),
            ),
            key=("record_id",),
        ),
    ]
}

TABLE_ORDER: tuple[str, ...] = tuple(TABLES)


def choice_values(f: Field) -> dict[str, tuple[str, str]]:
    """The allowed values of a CHOICE field: code -> (Thai label, English label)."""
    if f.choices is not None:
        return {str(k): v for k, v in f.choices.items()}
    from okanalysis.core import params

    if f.choices_from == "categories":
        cats = params.ledger_categories()
        return {r.category: (r.name_th, r.name_en) for r in cats.itertuples()}
    if f.choices_from == "sectors":
        sec = params.sectors()
        return {r.sector: (r.name_th, r.name_en) for r in sec.itertuples()}
    raise ValueError(f"field {f.name} has no choices")


DTYPES = {
    CODE: "str",
    ID: "str",
    TEXT: "str",
    CHOICE: "str",
    INT: "Int64",
    MONEY: "int64",
    DATE: "datetime64[s]",
    BOOL: "boolean",
}


def pandera_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of one table, built from its declaration (column-level checks).

    Cross-row and cross-table rules (duplicate keys, references, the real hierarchy) are
    checked by `okanalysis.validate`, which reports them in the same rejects format.
    """
    return _pandera_schema(table, _choices_signature())


def _choices_signature() -> tuple:
    from okanalysis.core import params

    return (
        tuple(params.ledger_categories()["category"]),
        tuple(params.sectors()["sector"]),
    )


@cache
def _pandera_schema(table: str, _signature: tuple) -> pa.DataFrameSchema:
    import pandera.pandas as pa

    t = TABLES[table]
    columns = {}
    for f in t.fields:
        checks = []
        if f.kind == CODE:
            pattern = (
                r"^(\d{2}|\d{4}|\d{6}|\d{8})$"
                if f.code_level == "any"
                else CODE_PATTERNS[f.code_level]
            )
            checks.append(pa.Check.str_matches(pattern))
        elif f.kind == ID:
            checks.append(pa.Check.str_matches(ID_PATTERN))
        elif f.kind == CHOICE:
            checks.append(pa.Check.isin(list(choice_values(f))))
        if f.min is not None:
            bound = f.min * 100 if f.kind == MONEY else f.min
            checks.append(pa.Check.ge(bound))
        if f.max is not None:
            bound = f.max * 100 if f.kind == MONEY else f.max
            checks.append(pa.Check.le(bound))
        columns[f.column] = pa.Column(
            column_dtype(f),
            checks=checks,
            nullable=not f.required,
            required=True,
            title=f.th,
            description=f.en,
        )
    return pa.DataFrameSchema(columns, name=table, strict=False, coerce=False)


def empty_table(table: str) -> pd.DataFrame:
    """An empty DataFrame with the table's columns and dtypes."""
    return typed_frame(table, [])


def typed_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A table of the contract from plain records (typed values, not raw text), in the
    contract's exact columns and dtypes; columns a record leaves out are empty. For values as
    people type them, load files with `okanalysis.load` instead."""
    fields = TABLES[table].fields
    frame = pd.DataFrame(rows, columns=[f.column for f in fields])
    return frame.astype({f.column: column_dtype(f) for f in fields})


def column_dtype(f: Field) -> str:
    """The in-memory dtype of a field.

    The ledger's household id and category are Categoricals: millions of rows, few values,
    so group-bys and checks work on integer codes."""
    if f.categorical:
        return "category"
    if f.kind == MONEY and not f.required:
        return "Int64"
    return DTYPES[f.kind]
