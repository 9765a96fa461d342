"""The circle in the field, end to end in a real browser (issue 12).

Two facilitators each carry the same district pack (one zip, unpacked on two laptops, so two
stores) to village halls with no network: in chromium, with every request that leaves the
laptop refused, one circle saves its grades and two actions, the other circle saves another
village's grades. At the district office both stores merge into the district's store (merging
again adds nothing); the scorecard shows both villages and the first village's action counts;
the next round's circle sees the open actions the first circle agreed and marks one done.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from okanalysis.circles import action_plan
from okanalysis.circles import store as circles
from okanalysis.components import COMPONENT_CODES, COMPONENTS
from okanalysis.dashboard import server
from okanalysis.pack.build import build as build_pack
from okanalysis.results import tables as rt
from okanalysis.results.build import build as build_results
from tests.support import browser as support
from tests.test_dashboard_browser import fill_form, saved_sessions, show_panel

pytestmark = pytest.mark.browser

FIRST_KERNEL_S = 120
PAGE_MS = 90_000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def results(demo_parquet, tmp_path_factory):
    return build_results(demo_parquet, out=tmp_path_factory.mktemp("field-results"))


@pytest.fixture(scope="module")
def district(results) -> tuple[str, list[str]]:
    """The first district with two villages, and those villages."""
    units = results.table(rt.UNITS, columns=["amphoe_code", "village_code"])
    for code, group in units.groupby("amphoe_code", sort=True):
        villages = sorted(group["village_code"].astype(str))
        if len(villages) >= 2:
            return str(code), villages[:2]
    pytest.fail("the small demo has no district with two villages")


def offline_page(browser):
    """A page whose every request to another machine is refused (a hall with no network);
    the refused addresses are kept on `page.refused`."""
    context = browser.new_context(viewport=support.VIEWPORT)
    refused: list[str] = []

    def only_this_laptop(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_this_laptop)
    page = context.new_page()
    page.refused = refused
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return context, page


def serve(data: Path, root: Path, **kw) -> support.Background:
    s = server.settings(data, port=support.free_port(), **kw)
    running = support.Background(s, root)
    running.wait_ready("circle", 1, timeout=FIRST_KERNEL_S)
    return running


def open_village(page, running: support.Background, village: str) -> None:
    page.goto(running.url("voila/render/circle.ipynb", f"village={village}"), wait_until="commit")
    page.wait_for_selector(f'.okd-village[data-village="{village}"]', timeout=PAGE_MS)


def set_date(page, selector: str, iso: str) -> None:
    field = page.locator(f"{selector} input")
    field.fill(iso)
    field.press("Tab")


def grade_circle(page, *, round_: str, date: str, facilitator: str) -> None:
    grades = {c: "B" for c in COMPONENT_CODES} | {"overall": "B"}
    show_panel(page, "ให้ระดับ")
    page.wait_for_selector(".okd-date input", timeout=PAGE_MS)
    set_date(page, ".okd-date", date)  # before the round: see the next round's test below
    fill_form(page, round_=round_, facilitator=facilitator, grades=grades, reasons=True)
    page.locator("button.okd-save").click()
    page.wait_for_selector(".okd-message .okd-note-ok", timeout=PAGE_MS)


def add_action(page, *, component: str, what: str, start: str, end: str, cost: str) -> None:
    page.locator(".okd-action-component select").select_option(
        label=f"{COMPONENT_CODES.index(component) + 1}. {COMPONENTS[component][0]}"
    )
    page.locator(".okd-action-what textarea").fill(what)
    lead = next(iter(action_plan.LEAD_ROLES))
    page.locator(".okd-action-lead select").select_option(
        label=action_plan.word(action_plan.LEAD_ROLES, lead, "th")
    )
    set_date(page, ".okd-action-start", start)
    set_date(page, ".okd-action-end", end)
    page.locator(".okd-action-cost input").fill(cost)
    households = page.locator(".okd-action-households input")
    households.fill("12")
    households.press("Tab")
    page.locator("button.okd-action-save").click()
    page.locator(".okd-action-list", has_text=what).wait_for(timeout=PAGE_MS)


def test_two_laptops_offline_then_merged_then_the_next_round_marks_an_action_done(
    results, district, browser, tmp_path
):
    amphoe, (first, second) = district
    pack = build_pack(amphoe, data=results.path, out=tmp_path / "packs", store=tmp_path / "none")
    laptops = []
    for name in ("laptop-a", "laptop-b"):  # the same zip carried on two laptops
        (tmp_path / name).mkdir()
        laptops.append(Path(shutil.copy(pack.zip, tmp_path / name / pack.zip.name)))

    # laptop A, no network: the first village's circle, its grades and two actions
    hall = serve(laptops[0], tmp_path / "server-a")
    store_a = hall.settings.store
    try:
        context, page = offline_page(browser)
        open_village(page, hall, first)
        grade_circle(page, round_="start-2551", date="2008-03-01", facilitator="คุณอำนวย ก")
        add_action(
            page,
            component=COMPONENT_CODES[0],
            what="ตั้งกลุ่มออมทรัพย์ <b>ของหมู่บ้าน</b>",
            start="2008-03-15",
            end="2008-06-30",
            cost="12,500",
        )
        add_action(
            page,
            component=COMPONENT_CODES[1],
            what="อบรมทำปุ๋ยหมักใช้เอง",
            start="2008-04-01",
            end="2008-12-31",
            cost="3500.50",
        )
        assert page.refused == [] and page.errors == []
        context.close()
    finally:
        hall.stop()

    # laptop B, no network: the second village's circle
    hall = serve(laptops[1], tmp_path / "server-b")
    store_b = hall.settings.store
    try:
        context, page = offline_page(browser)
        open_village(page, hall, second)
        grade_circle(page, round_="start-2551", date="2008-03-02", facilitator="คุณอำนวย ข")
        assert page.refused == [] and page.errors == []
        context.close()
    finally:
        hall.stop()

    assert store_a != store_b  # one zip, two laptops: two stores
    assert [r[1:] for r in saved_sessions(store_a, first)] == [("start-2551", "คุณอำนวย ก", "B")]
    planned = action_plan.actions(store_a, first)
    assert sorted(planned["cost_satang"]) == [350_050, 1_250_000]
    assert "ตั้งกลุ่มออมทรัพย์ <b>ของหมู่บ้าน</b>" in set(planned["what"])  # text kept as typed

    # the district office: both laptops' stores into the district's store
    office = tmp_path / "office" / "circles.sqlite"
    merged = circles.merge([store_a, store_b], office)
    assert merged.added >= 2 and merged.actions_added == 2
    again = circles.merge([store_b, store_a], office)
    assert (again.added, again.actions_added, again.updates_added) == (0, 0, 0)
    assert circles.conflicts(office).empty

    hall = serve(results.path, tmp_path / "server-office", store=office)
    try:
        context, page = offline_page(browser)
        page.goto(hall.url("voila/render/district.ipynb", f"amphoe={amphoe}"), wait_until="commit")
        page.wait_for_selector(".okd-scorecard", timeout=PAGE_MS)
        for village in (first, second):
            row = page.locator(f'.okd-scorecard [data-unit="{village}"]')
            assert row.locator('[data-agreed="B"]').count() >= 1, village
        counts = page.locator(f'.okd-scorecard [data-unit="{first}"] .okd-actions-count')
        assert counts.get_attribute("data-open") == "2"
        assert counts.get_attribute("data-done") == "0"
        assert (
            page.locator(f'.okd-scorecard [data-unit="{second}"] .okd-actions-count').count() == 0
        )

        # the next round's circle of the first village sees the open actions, marks one done
        open_village(page, hall, first)
        show_panel(page, "ให้ระดับ")
        page.wait_for_selector(".okd-round input", timeout=PAGE_MS)
        # each change of the date or the round redraws the actions (new rows): the date first,
        # then the round, whose redraw is the last once this round's list names it
        set_date(page, ".okd-date", "2008-09-15")
        page.locator(".okd-round input").fill("end-2551")
        page.locator(".okd-facilitator input").fill("คุณอำนวย ก")
        page.locator(".okd-action-list", has_text="end-2551").wait_for(timeout=PAGE_MS)
        rows = page.locator(".okd-action-row")
        rows.nth(1).wait_for(timeout=PAGE_MS)
        assert rows.count() == 2
        previous = page.locator(".okd-action-previous")
        assert "ตั้งกลุ่มออมทรัพย์ <b>ของหมู่บ้าน</b>" in previous.inner_text()
        assert previous.locator("b", has_text="ของหมู่บ้าน").count() == 0  # shown, not markup
        # as at this circle's date (not the laptop's clock) the first action's end has passed
        overdue = previous.locator("tr", has_text="ตั้งกลุ่มออมทรัพย์")
        assert "เลยกำหนด" in overdue.inner_text()
        assert "เลยกำหนด" not in previous.locator("tr", has_text="ปุ๋ยหมัก").inner_text()
        done = action_plan.word(action_plan.ACTION_STATES, "done", "th")
        saving = page.locator(".okd-action-row", has_text="ตั้งกลุ่มออมทรัพย์")
        saving.locator(".okd-action-state button", has_text=done).click()
        saving.locator(".okd-action-sentence input").fill("ตั้งกลุ่มแล้ว สมาชิก ๓๐ ครัวเรือน")
        saving.locator("button.okd-action-mark").click()
        page.wait_for_selector(".okd-action-mark-message .okd-note-ok", timeout=PAGE_MS)
        assert page.refused == [] and page.errors == []
        context.close()
    finally:
        hall.stop()

    states = action_plan.actions(office, first).set_index("what")["state"]
    assert states["ตั้งกลุ่มออมทรัพย์ <b>ของหมู่บ้าน</b>"] == "done"
    assert states["อบรมทำปุ๋ยหมักใช้เอง"] == "open"
