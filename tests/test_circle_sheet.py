"""The circle record: one A4 page a village keeps, with what its circle agreed, printable from a
browser with Thai fonts; nothing people typed becomes markup."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from okanalysis.circles import action_plan
from okanalysis.circles import store as circles
from okanalysis.circles.store import CircleSession, ComponentScore, Participants
from okanalysis.cli import EXIT_ERROR, main
from okanalysis.core.components import COMPONENT_CODES
from okanalysis.core.errors import NothingToShow, OkanalysisError
from okanalysis.report.sheet import circle_sheet, write_sheet

VILLAGE = "80150101"  # หมู่ที่ 1 ตำบลขนอม อำเภอขนอม
ROUND = "start_2551"
THAI = re.compile(r"[\u0e00-\u0e7f]")
CHROMIUM = Path("/usr/bin/chromium")
EVIL = '<script>alert("x")</script>'


def make_session(**changes: object) -> CircleSession:
    scores = [
        ComponentScore(c, "B", "B", evidence=f"หลักฐานของวง {c}: สมุดบัญชีครัวเรือน 42 เล่ม")
        for c in COMPONENT_CODES
    ]
    scores[0] = ComponentScore("leadership", "B", "A", reason="มีผู้สืบทอดครบแล้ว ๘ คน")
    scores[3] = ComponentScore("finance_welfare", "A", "C", reason=f"กองทุนหยุดชะงัก {EVIL}")
    base = CircleSession(
        unit_code=VILLAGE,
        unit_level="village",
        round=ROUND,
        date=dt.date(2008, 1, 15),
        facilitator="คุณอำนวยตำบลขนอม",
        components=scores,
        overall="B",
        participants=Participants(
            cores=8,
            villagers=23,
            facilitators=2,
            agency_staff=1,
            male=15,
            female=17,
            other_gender=1,
            age_under_25=4,
            age_25_44=11,
            age_45_59=10,
            age_60_plus=7,
        ),
        computed_overall="B",
        note="วงแรกของปี ประชุมที่ศาลาวัด",
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "circles.sqlite"
    with circles.open_store(path, create=True) as st:
        circles.save_session(st, make_session())
    return path


def _cells(page: str) -> list[str]:
    """The grade letters of the badges, in page order."""
    return re.findall(r'class="ok-grade ok-grade-([ABC])', page)


def test_the_sheet_shows_what_the_circle_agreed(store):
    page = circle_sheet(store, VILLAGE, ROUND)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="th">' in page
    assert "บันทึกวงเรียนรู้" in page
    # names from geothai: sub-district, district, province; the village by its number
    assert "หมู่ที่ 1" in page and "ตำบลขนอม" in page and "อำเภอขนอม" in page
    assert "นครศรีธรรมราช" in page
    assert ROUND in page and "คุณอำนวยตำบลขนอม" in page
    assert "15 มกราคม 2551" in page  # Buddhist era
    assert "2008" not in page
    # computed beside agreed, component by component, then the overall
    assert _cells(page) == ["B", "A", "B", "B", "B", "B", "A", "C", "B", "B", "B", "B"]
    assert "มีผู้สืบทอดครบแล้ว ๘ คน" in page
    assert "หลักฐานของวง master_plan: สมุดบัญชีครัวเรือน 42 เล่ม" in page
    assert "วงแรกของปี ประชุมที่ศาลาวัด" in page
    # counts by role, gender and age band, and the total
    for label, n in (("ชาวบ้าน", 23), ("หญิง", 17), ("เพศอื่น ๆ", 1), ("อายุ 25-44 ปี", 11)):
        assert re.search(rf'{re.escape(label)}</td><td class="num">{n}</td>', page), label
    assert "รวม 34 คน" in page
    # only what the circle wrote: no actions invented (this circle saved none), no names of
    # participants
    assert 'class="ok-table ok-plan"' not in page and "วงนี้ยังไม่ได้บันทึกกิจกรรม" in page


def test_the_sheet_in_english_and_with_the_village_name(store):
    page = circle_sheet(store, VILLAGE, ROUND, lang="en", village_name="Ban Khanom")
    assert '<html lang="en">' in page and "Learning circle record" in page
    assert "Ban Khanom (village no. 1)" in page and "Khanom" in page
    assert "agreed grade" in page and "15 Jan 2008" in page
    th = circle_sheet(store, VILLAGE, ROUND, village_name="บ้านขนอม")
    assert "บ้านขนอม (หมู่ที่ 1)" in th


def test_what_people_typed_stays_text(tmp_path):
    path = tmp_path / "circles.sqlite"
    with circles.open_store(path, create=True) as st:
        circles.save_session(
            st,
            make_session(
                facilitator='<img src="http://x/y.png" onerror=alert(1)>',
                note=f"{EVIL} <a href='https://example.org'>ลิงก์</a>",
            ),
        )
    page = circle_sheet(path, VILLAGE, ROUND, village_name="<b>บ้าน</b>")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=" in page and "&lt;b&gt;บ้าน&lt;/b&gt;" in page
    assert "<script" not in page.lower() and "<img" not in page and "<a " not in page


def test_the_page_is_self_contained(store):
    page = circle_sheet(store, VILLAGE, ROUND)
    assert "http" not in page.lower()
    assert "<script" not in page.lower()
    assert "url(" not in page and " src=" not in page and "<link" not in page
    assert "@page { size: A4" in page
    assert "Sarabun" in page or "TH Sarabun" in page or "Noto Sans Thai" in page


def test_nothing_to_show_without_an_entry_in_that_round(store):
    with pytest.raises(NothingToShow) as caught:
        circle_sheet(store, VILLAGE, "end_2551")
    assert THAI.search(caught.value.expected_th) and "no circle record" in caught.value.expected_en
    with pytest.raises(NothingToShow):
        circle_sheet(store, "80150102", ROUND)


def test_a_bad_village_code_is_refused_in_two_languages(store):
    for bad in ("8015", "abc", "80150101x"):
        with pytest.raises(OkanalysisError) as caught:
            circle_sheet(store, bad, ROUND)
        assert "8 หลัก" in str(caught.value) and "8 digits" in str(caught.value)
    assert "หมู่ที่ 1" in circle_sheet(store, "๘๐๑๕๐๑๐๑", ROUND)  # Thai digits


def test_the_latest_correction_is_the_one_shown(store):
    with circles.open_store(store) as st:
        first = int(circles.current(st, VILLAGE, ROUND)["id"].iloc[0])
        circles.save_session(st, make_session(overall="A", supersedes=first))
    page = circle_sheet(store, VILLAGE, ROUND)
    assert _cells(page)[-2:] == ["B", "A"]


# --- the command line --------------------------------------------------------------------------
def _run(argv: list[str], capsys) -> tuple[int, str]:
    code = main(["--quiet", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_command_writes_the_sheet(store, tmp_path, capsys):
    out = tmp_path / "sheets" / "khanom-1.html"
    argv = ["circles", "sheet", "--village", VILLAGE, "--round", ROUND, "--out", str(out)]
    code, text = _run([*argv, "--store", str(store)], capsys)
    assert code == 0, text
    assert str(out) in text and "circle record sheet written" in text
    assert out.read_text(encoding="utf-8") == circle_sheet(store, VILLAGE, ROUND)
    code, text = _run([*argv, "--store", str(store), "--lang", "en"], capsys)
    assert code == 0 and "Learning circle record" in out.read_text(encoding="utf-8")


def test_the_command_says_when_there_is_no_entry(store, tmp_path, capsys):
    out = tmp_path / "x.html"
    argv = ["circles", "sheet", "--village", VILLAGE, "--round", "end_2551", "--out", str(out)]
    code, text = _run([*argv, "--store", str(store)], capsys)
    assert code == EXIT_ERROR
    assert "Traceback" not in text and not out.exists()
    assert "ยังไม่มีบันทึกวงเรียนรู้" in text and "no circle record yet" in text


@pytest.mark.parametrize(
    "argv, option",
    [
        (["circles", "sheet", "--round", ROUND, "--out", "x.html"], "--village"),
        (["circles", "sheet", "--village", VILLAGE, "--out", "x.html"], "--round"),
        (["circles", "sheet", "--village", VILLAGE, "--round", ROUND], "--out"),
        (["circles", "sheet", "--village", "12", "--round", ROUND, "--out", "x.html"], "village"),
        (["circles", "sheet", "--village", VILLAGE, "--round", ROUND, "--out", "x.html", "y"], "y"),
        (["circles", "sheet", "--village", VILLAGE, "--round", ROUND, "--out", "x", "--lang", "fr"], "--lang"),
    ],
    ids=["no village", "no round", "no out", "bad village", "extra file", "bad lang"],
)  # fmt: skip
def test_the_command_refuses_bad_options_in_two_languages(argv, option, store, capsys):
    code, text = _run([*argv, "--store", str(store)], capsys)
    assert code == EXIT_ERROR
    assert "Traceback" not in text and "ข้อผิดพลาด / error:" in text
    assert THAI.search(text.split("error:", 1)[1]) and re.search(r" / [a-z]", text), text
    assert option in text


def test_the_other_circle_commands_still_want_their_files(store, capsys):
    code, text = _run(["circles", "export", "--store", str(store)], capsys)
    assert code == EXIT_ERROR and "one output file" in text
    code, text = _run(["circles", "merge", "--into", "x.sqlite"], capsys)
    assert code == EXIT_ERROR and "say which stores to merge" in text


# --- the dashboard's button --------------------------------------------------------------------
class _Data:
    rounds = (ROUND,)
    villages = pd.DataFrame(
        {"name_th": ["บ้านขนอม"], "name_en": ["Ban Khanom"], "village_no": [1]},
        index=pd.Index([VILLAGE], name="village_code"),
    )

    def known(self, code: object) -> bool:
        return code in self.villages.index

    def village(self, code: str) -> pd.Series:
        return self.villages.loc[code]


def _form(store: Path, village: str | None = VILLAGE, lang: str = "th"):
    from okanalysis.dashboard.form import ScoringForm

    app = SimpleNamespace(
        data=_Data(), store=store, village=village, lang=lang, guard=lambda fn: fn, stale=set()
    )
    return ScoringForm(app)


def _linked_page(html: str) -> str:
    found = re.search(r'href="data:text/html;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', html)
    assert found, html
    return base64.b64decode(found.group(1)).decode("utf-8")


def test_the_print_button_offers_the_page_as_a_download(store):
    form = _form(store)
    assert "พิมพ์บันทึกวงเรียนรู้" in form.sheet.description
    assert "print the circle record" in form.sheet.description
    form.round.value = ROUND
    form.sheet.click()
    shown = form.sheet_link.value
    assert f'download="circle-record-{VILLAGE}-{ROUND}.html"' in shown
    assert "<script" not in shown.lower()
    page = _linked_page(shown)
    assert "บ้านขนอม (หมู่ที่ 1)" in page and page == circle_sheet(
        store, VILLAGE, ROUND, village_name="บ้านขนอม"
    )


def test_the_print_button_says_when_there_is_nothing_to_print(store, tmp_path):
    form = _form(store)
    form.round.value = "end_2551"
    form.sheet.click()
    assert "ยังไม่มีบันทึกวงเรียนรู้" in form.sheet_link.value and "data:" not in form.sheet_link.value
    form.round.value = ""
    form.print_sheet()
    assert "โปรดเลือกรอบการประเมินก่อน" in form.sheet_link.value
    empty = _form(tmp_path / "none.sqlite", lang="en")  # no store yet: nothing, no file made
    empty.round.value = ROUND
    empty.print_sheet()
    assert "no circle record yet" in empty.sheet_link.value
    assert not (tmp_path / "none.sqlite").exists()
    # a round typed with markup or path characters stays text and makes a safe file name
    with circles.open_store(store) as st:
        circles.save_session(st, make_session(round="../<b>r2"))
    form.round.value = "../<b>r2"
    form.print_sheet()
    assert 'download="circle-record-80150101-b_r2.html"' in form.sheet_link.value
    assert "<b>" not in form.sheet_link.value


# --- the action plan ----------------------------------------------------------------------------
def _action(**changes: object) -> action_plan.Action:
    base = action_plan.Action(
        unit_code=VILLAGE,
        round=ROUND,
        date=dt.date(2008, 1, 15),
        component="finance_welfare",
        what=f"ฟื้นกองทุนหมู่บ้าน {EVIL}",
        lead_role="community_group",
        start=dt.date(2008, 2, 1),
        end=dt.date(2008, 6, 30),
        cost="12,500.50",
        households=40,
    )
    return dataclasses.replace(base, **changes)


def test_the_sheet_lists_the_actions_agreed_in_that_round_escaped(store):
    action_plan.save_action(store, _action())
    action_plan.save_action(
        store, _action(component="leadership", what="อบรมแกนนำรุ่นใหม่", lead_role="core",
                       lead_name="นายสมชาย <ใจดี>", cost="0", households=0)
    )  # fmt: skip
    action_plan.save_action(store, _action(round="end_2551", what="ของรอบอื่น"))
    page = circle_sheet(store, VILLAGE, ROUND)
    assert "แผนปฏิบัติการที่วงตกลง" in page
    assert "ฟื้นกองทุนหมู่บ้าน &lt;script&gt;" in page and EVIL not in page
    assert "ของรอบอื่น" not in page  # only that round's actions
    assert "กลุ่มในชุมชน</td>" in page  # the role alone: no name was written
    assert "คุณกิจแกนนำหมู่บ้าน: นายสมชาย &lt;ใจดี&gt;" in page
    assert "1 ก.พ. 2551 – 30 มิ.ย. 2551" in page
    assert "12,500.50" in page and "(บาท)" in page
    english = circle_sheet(store, VILLAGE, ROUND, lang="en")
    assert "The actions the circle agreed" in english and "1 Feb 2008 – 30 Jun 2008" in english
    assert "a community group" in english


def test_the_sheet_says_when_the_circle_recorded_no_action(store):
    assert "วงนี้ยังไม่ได้บันทึกกิจกรรม" in circle_sheet(store, VILLAGE, ROUND)


# --- printed --------------------------------------------------------------------------------------
def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.browser
def test_the_sheet_prints_on_one_a4_page_in_chromium(tmp_path):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (apt-get install chromium fonts-thai-tlwg)")
        pytest.skip("no /usr/bin/chromium")
    path = tmp_path / "circles.sqlite"
    long_reason = "วงเห็นว่าข้อมูลยังไม่ครบ ต้องตรวจบัญชีครัวเรือนอีกครั้งก่อนรอบหน้า " * 3
    scores = [
        ComponentScore(c, "B", "C", reason=long_reason, evidence=long_reason)
        for c in COMPONENT_CODES
    ]
    with circles.open_store(path, create=True) as st:
        circles.save_session(st, make_session(components=scores, note=long_reason * 2))
        for n in range(3):  # and a three-action plan
            action_plan.save_action(st, _action(what=f"{n + 1}. {long_reason[:120]}"))
    page = write_sheet(path, VILLAGE, ROUND, tmp_path / "sheet.html", village_name="บ้านขนอม")
    pdf = tmp_path / "sheet.pdf"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.resolve().as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = pdf.read_bytes()
    assert _pages(data) == 1
    sizes = {
        tuple(round(float(v)) for v in m)
        for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    }
    assert sizes == {(595, 842)}  # A4 in points
